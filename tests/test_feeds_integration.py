"""Integration: the crawler, a real worker and the local broker together. Two fixture outlets'
feeds report the same happening, and it ends as one event with two sources."""

from __future__ import annotations

import subprocess
import sys

import orjson
import pytest

from conftest import REPO, WorkerProcess, pipeline_env
from feeds.crawler import content_hash
from feeds.sink import KafkaSink
from feeds_server import FixtureServer, feeds_toml
from streams.kafka_tools import create_topics, wait_for
from streams.settings import Settings

pytestmark = pytest.mark.integration
TIMEOUT_S = 120
OUTLETS = [("وكالة أنباء الوادي", "/wadi/rss.xml"), ("صحيفة الساحل", "/sahil/feed/atom/")]


def crawl_once(config, env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "feeds", "run", str(config), "--once"], cwd=REPO, env=env,
                          capture_output=True, timeout=120)


def test_two_outlets_reports_of_one_happening_end_as_one_event_with_two_sources(broker, tmp_path):
    env = pipeline_env(broker, tmp_path / "data")
    env["AKHBAR_TOPIC_FEEDS_ERRORS"] = env["AKHBAR_TOPIC_RAW"].replace(".raw", ".feeds.errors")
    settings = Settings.from_env(env)
    create_topics(settings)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    try:
        with FixtureServer() as server:
            server.serve_outlets()
            config = feeds_toml(tmp_path / "feeds.toml", [(source, server.base + path) for source, path in OUTLETS])
            first = crawl_once(config, env)
            assert first.returncode == 0, first.stderr.decode()[-3000:]
            assert "5 new" in first.stderr.decode()

            def power_link_event(values):
                return any(len(orjson.loads(v)["sources"]) == 2 for v in values) or not worker.alive()

            events = [orjson.loads(v) for v in wait_for(settings, settings.topic_events, power_link_event, TIMEOUT_S)]
            [event] = [e for e in events if e["num_sources"] == 2]
            assert sorted(event["sources"]) == sorted(source for source, _ in OUTLETS), worker.log()[-3000:]
            assert event["num_articles"] == 2

            raw = [orjson.loads(v) for v in wait_for(settings, settings.topic_raw, lambda v: len(v) >= 5, 30)]
            assert sorted(event["article_ids"]) == sorted(a["id"] for a in raw if "2026/05/03" in a["url"]
                                                          and "bridge" not in a["url"])
            errors = [orjson.loads(v) for v in wait_for(settings, env["AKHBAR_TOPIC_FEEDS_ERRORS"],
                                                        lambda v: len(v) >= 2, 30)]
            assert {e["reason"] for e in errors} == {"http_404", "no_text"}

            # Run again: the feeds answer 304 and nothing is produced twice.
            again = crawl_once(config, env)
            assert again.returncode == 0 and "0 new" in again.stderr.decode()
            assert len(wait_for(settings, settings.topic_raw, lambda v: False, 3)) == 5

        sink = KafkaSink(settings)
        try:
            published = raw[0]
            assert sink.contains(published["id"], published["metadata"]["content_hash"])
            assert not sink.contains(published["id"], content_hash("another", "version"))
        finally:
            sink.close()
        assert worker.alive(), worker.log()[-3000:]
    finally:
        worker.stop()
