"""The worker's stage processes: the same records as in the worker, and a process that dies
costs one record, as a dead letter, never the worker."""

from __future__ import annotations

import asyncio
import os

import orjson

from schemas import Article
from streams.handling import Origin, handle
from streams.pool import StagePool, run_stage
from streams.settings import Settings
from streams.topology import Stage, build_stages

POISON = b"a record that kills the process running it"
NORMALIZE = Stage("normalize", "raw", ("normalized",), Article, process=None)


def die_on_poison(name: str, raw: bytes, origin: Origin):
    if raw == POISON:
        os._exit(1)
    return run_stage(name, raw, origin)


def run_all(pool: StagePool, records: list[tuple[bytes, Origin]]) -> list:
    async def scenario():
        try:
            return await asyncio.gather(*(pool.run(NORMALIZE, raw, origin) for raw, origin in records))
        finally:
            await pool.on_stop()
    return asyncio.run(scenario())


def test_a_record_whose_process_dies_twice_is_a_dead_letter_and_the_others_go_on():
    good = orjson.dumps({"id": "a-1", "source": "s", "body": "وصل الوفد إلى الأردن"})
    pool = StagePool(Settings(stage_processes=2), target=die_on_poison)
    poisoned, normalized, after = run_all(pool, [(POISON, Origin("raw", 1, 7)), (good, Origin("raw", 0, 3)),
                                                 (good, Origin("raw", 0, 4))])
    [(topic, key, data)] = poisoned
    letter = orjson.loads(data)
    assert (topic, key) == ("dlq", None)
    assert (letter["stage"], letter["reason"], letter["original"]) == ("normalize", "process_died", POISON.decode())
    assert (letter["topic"], letter["partition"], letter["offset"]) == ("raw", 1, 7)
    for outputs in (normalized, after):
        [(topic, key, data)] = outputs
        assert (topic, key) == ("normalized", "a-1")
        assert orjson.loads(data)["body"]["tokens"]


def test_stage_processes_give_the_records_the_worker_gives():
    bad = b'{"id": "bad-types", "source": "s", "body": 12}'
    good = orjson.dumps({"id": "a-2", "source": "s", "body": "التقى الرئيس وزير الخارجية في دمشق"})
    records = [(bad, Origin("raw", 0, 1)), (good, Origin("raw", 0, 2))]
    from_pool = run_all(StagePool(Settings(stage_processes=1)), records)
    normalize = build_stages(Settings())[0]
    in_worker = [[(o.topic, o.key, o.data) for o in handle(normalize, raw, None, origin)]
                 for raw, origin in records]
    assert [readable(outputs) for outputs in from_pool] == [readable(outputs) for outputs in in_worker]


def readable(outputs: list) -> list:
    """Outputs with their messages decoded, less the time a dead letter was written."""
    return [(topic, key, {f: v for f, v in orjson.loads(data).items() if f != "timestamp"})
            for topic, key, data in outputs]
