"""One Faust agent per stage of the topology; each calls the shared record handling, in the
worker's process or, for stateless stages when the worker has stage processes, in those."""

from __future__ import annotations

import asyncio

import faust
from faust.types import TP

from processors import WindowState
from streams.handling import Origin, handle
from streams.pool import StagePool
from streams.settings import Settings
from streams.state import TableMapping
from streams.topology import TOPICS, Stage, build_stages, partitions


def declare_topics(app: faust.App, settings: Settings) -> dict[str, faust.TopicT]:
    """The topology's topics, by role, as raw-bytes Faust topics."""
    topics = {}
    for spec in TOPICS:
        config = {"cleanup.policy": "compact"} if spec.compacted else None
        topics[spec.role] = app.topic(settings.topic(spec.role), key_type=bytes, value_type=bytes,
                                      partitions=partitions(spec, settings), config=config)
    return topics


def attach_agents(app: faust.App, settings: Settings) -> None:
    topics = declare_topics(app, settings)
    states: dict[str, WindowState] = {}
    pool = None
    if settings.stage_processes > 0:
        pool = StagePool(settings)
        app.add_dependency(pool)
    for stage in build_stages(settings):
        state = None
        if stage.state is not None:
            if stage.state not in states:
                states[stage.state] = _table_state(app, stage.state, topics[stage.source].partitions)
            state = states[stage.state]
        if pool is not None and stage.state is None:
            agent = _pooled_agent(stage, topics, pool)
        else:
            agent = _agent(stage, topics, state)
        app.agent(topics[stage.source], name=f"akhbar.{stage.name}")(agent)


def _table_state(app: faust.App, name: str, partitions: int) -> WindowState:
    """A state whose records are a Faust table, co-partitioned with the topic that feeds it.
    What it keeps in memory (its index, decoded records) is dropped whenever Faust recovers
    the table, and rebuilt from it."""
    table = app.Table(f"{name}-state", default=None, partitions=partitions, key_type=bytes, value_type=bytes)
    records = TableMapping(table)
    state = WindowState(records)

    @table.on_recover
    async def drop_derived() -> None:
        records.forget_decoded()
        state.index = None

    return state


def _agent(stage: Stage, topics: dict[str, faust.TopicT], state):
    async def run(stream):
        async for event in stream.events():
            message = event.message
            origin = Origin(message.topic, message.partition, message.offset)
            for output in handle(stage, event.value, state, origin):
                await _send(topics, output.topic, output.key, output.data)
            # Let the worker's other agents take a record too. Reading a non-empty stream never
            # suspends, so without this an agent ran through its whole buffer first: a run of long
            # articles in extraction held back the cheap stages, and the workers fed by them.
            await asyncio.sleep(0)
    run.__name__ = run.__qualname__ = f"{stage.name}_agent"
    return run


def _pooled_agent(stage: Stage, topics: dict[str, faust.TopicT], pool: StagePool):
    """An agent that hands its records to the worker's stage processes, several at a time.

    A record's outputs are sent after those of the record before it with the same key, and the
    record is acknowledged only then. Faust commits an offset only once every record before it
    is acknowledged, so a crash loses nothing. Records of other keys do not wait: a long
    article holds back only its own key, while the processes go on with the records behind it."""
    async def run(stream):
        acking = stream.noack()
        in_flight = asyncio.Semaphore(2 * pool.processes)  # each process has its next record waiting
        previous: dict[tuple[TP, bytes | None], asyncio.Task] = {}  # by key: the latest record's task
        failures: list[BaseException] = []

        async def finish(event, outputs: asyncio.Future, before: asyncio.Task | None, record_key: tuple) -> None:
            try:
                records = await outputs
                if before is not None:
                    await asyncio.wait([before])
                for topic, key, data in records:
                    await _send(topics, topic, key, data)
                await acking.ack(event)
            except Exception as exc:  # the agent fails with it; unacknowledged, the record is read again
                failures.append(exc)
            finally:
                in_flight.release()
                if previous.get(record_key) is asyncio.current_task():  # the last of its key: forget it
                    del previous[record_key]

        tasks: set[asyncio.Task] = set()
        try:
            async for event in acking.events():
                await in_flight.acquire()
                if failures:
                    raise failures[0]
                message = event.message
                origin = Origin(message.topic, message.partition, message.offset)
                outputs = asyncio.ensure_future(pool.run(stage, event.value, origin))
                record_key = (message.tp, message.key)
                task = previous[record_key] = asyncio.ensure_future(
                    finish(event, outputs, previous.get(record_key), record_key))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
        finally:  # stopping: records in flight stay unacknowledged, and are read again after a restart
            for task in tasks:
                task.cancel()
    run.__name__ = run.__qualname__ = f"{stage.name}_agent"
    return run


async def _send(topics: dict[str, faust.TopicT], role: str, key: str | None, data: bytes) -> None:
    await topics[role].send(key=key.encode("utf-8") if key is not None else None, value=data)
