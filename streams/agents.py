"""One Faust agent per stage of the topology; each calls the shared record handling."""

from __future__ import annotations

import asyncio

import faust

from processors import WindowState
from streams.handling import Origin, handle
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
    for stage in build_stages(settings):
        state = None
        if stage.state is not None:
            if stage.state not in states:
                states[stage.state] = _table_state(app, stage.state, topics[stage.source].partitions)
            state = states[stage.state]
        app.agent(topics[stage.source], name=f"akhbar.{stage.name}")(_agent(stage, topics, state))


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
                key = output.key.encode("utf-8") if output.key is not None else None
                await topics[output.topic].send(key=key, value=output.data)
            # Let the worker's other agents take a record too. Reading a non-empty stream never
            # suspends, so without this an agent ran through its whole buffer first: a run of long
            # articles in extraction held back the cheap stages, and the workers fed by them.
            await asyncio.sleep(0)
    run.__name__ = run.__qualname__ = f"{stage.name}_agent"
    return run
