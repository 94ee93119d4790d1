"""Crash recovery: a worker killed with SIGKILL in the middle of a stream, then restarted,
loses nothing and counts no article twice in an event."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import orjson
import pytest
from conftest import WorkerProcess, pipeline_env, shared_file
from kafka import KafkaProducer

from streams.kafka_tools import create_topics, read_until
from streams.settings import Settings

pytestmark = pytest.mark.integration
ARTICLES = 2000
TIMEOUT_S = 420


def latest_by(settings: Settings, roles: tuple[str, ...], field: str, done, timeout_s: float) -> dict[str, dict]:
    """The latest record by ``field`` of the topics of ``roles``, read until ``done(latest)``."""
    latest: dict[str, dict] = {}
    read = 0

    def update(records) -> dict[str, dict]:
        nonlocal read
        for record in records[read:]:
            value = orjson.loads(record.value)
            latest[value.get(field) or (record.key or b"").decode()] = value
        read = len(records)
        return latest

    topics = [settings.topic(role) for role in roles]
    return update(read_until(settings, topics, lambda records: done(update(records)), timeout_s))


@pytest.mark.parametrize("stage_processes", [0, 2], ids=["stages-in-worker", "stage-processes"])
def test_sigkill_mid_stream_then_restart_accounts_for_every_article(broker, tmp_path, stage_processes):
    lines = shared_file("news/dev_stream.jsonl").read_bytes().splitlines()[:ARTICLES]
    ids = [orjson.loads(line)["id"] for line in lines]
    env = {**pipeline_env(broker, tmp_path / "data"), "AKHBAR_STAGE_PROCESSES": str(stage_processes)}
    settings = Settings.from_env(env)
    create_topics(settings)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=20)
        for record_id, line in zip(ids, lines, strict=True):
            producer.send(settings.topic_raw, key=record_id.encode(), value=line)
        producer.flush()
        producer.close()

        # Kill the worker once a fifth of the stream has come out the other end.
        started = latest_by(settings, ("mentions",), "article_id", lambda seen: len(seen) >= ARTICLES // 5, 240)
        assert len(started) >= ARTICLES // 5, worker.log()[-3000:]
        stage_pids = worker.children()
        assert len(stage_pids) >= stage_processes
        worker.process.send_signal(signal.SIGKILL)
        worker.process.wait(10)
        worker.stop()
        # The stage processes notice that their worker is gone, and exit.
        assert wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in stage_pids), 10)
        worker = WorkerProcess(env, tmp_path / "worker-restarted.log")

        # Every record comes out as an enriched article, a duplicate marker or a dead letter.
        wanted = set(ids)
        out = latest_by(settings, ("enriched", "duplicates", "dlq"), "id",
                        lambda seen: wanted <= seen.keys() | {v.get("article_id") for v in seen.values()},
                        TIMEOUT_S)
        accounted = set(out) | {v.get("article_id") for v in out.values()}
        assert wanted <= accounted, (len(wanted - accounted), worker.log()[-3000:])
        assert worker.alive(), worker.log()[-3000:]

        # Every article that reached assembly has one mention, and its event lists it once.
        expected_mentions = {v["id"] for v in out.values() if "id" in v and "stage" not in v}
        mentions = latest_by(settings, ("mentions",), "article_id",
                             lambda seen: expected_mentions <= seen.keys(), TIMEOUT_S)
        assert expected_mentions <= mentions.keys()
        event_ids = {m["event_id"] for m in mentions.values()}
        events = latest_by(settings, ("events",), "event_id", lambda seen: event_ids <= seen.keys(), TIMEOUT_S)
        for event in events.values():
            assert len(event["article_ids"]) == len(set(event["article_ids"])) == event["num_articles"]
        for article_id, mention in mentions.items():
            if article_id in expected_mentions:
                assert article_id in events[mention["event_id"]]["article_ids"]
    finally:
        worker.stop()


def wait_until(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True
