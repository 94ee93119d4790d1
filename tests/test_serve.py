"""``akhbar serve`` on a real broker: an ordinary consumer group that resumes after a restart without
loss or duplicates, a replay that rebuilds the same tables, and the command itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx2
import pytest
from kafka import KafkaProducer
from sqlalchemy.engine import make_url

from conftest import REPO, akhbar, pipeline_env, postgres_database
from service.consumer import ROLES, FileFeed, KafkaFeed
from service.store import Store
from streams.broker import free_port, wait_for_port
from streams.kafka_tools import create_topics
from streams.settings import Settings
from test_store import records, tables

SESSION_TIMEOUT_S = 3.0  # Tansu's first group join takes about half of it
FEED_TIMEOUT_S = 60.0
SETTLE_S = 1.0  # how long a stopped feed is watched for records it should not read


@pytest.fixture
def topics(broker, tmp_path) -> Settings:
    settings = Settings.from_env(pipeline_env(broker, tmp_path / "data"))
    create_topics(settings)
    return settings


def produce(settings: Settings, batch: list[tuple[str, bytes]]) -> None:
    """Send records as the pipeline would, keyed by article or event id (batches of one record for Tansu)."""
    import orjson

    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, batch_size=1, linger_ms=0, acks="all")
    for role, line in batch:
        value = orjson.loads(line)
        key = value.get("event_id") if role == "events" else value.get("article_id") or value.get("id")
        producer.send(settings.topic(role), key=key.encode(), value=line)
    producer.flush()
    producer.close()


def feed(settings: Settings, group: str) -> KafkaFeed:
    return KafkaFeed(settings.kafka_bootstrap, {role: settings.topic(role) for role in ROLES}, group, SESSION_TIMEOUT_S)


def consume(store: Store, kafka_feed: KafkaFeed, expected: int) -> int:
    """Run the feed until it has written ``expected`` records, watch it a little longer, stop it; the
    number of records it wrote."""
    written = []
    apply = store.apply

    def counting(batch):
        batch = list(batch)
        written.append(len(batch))
        return apply(batch)

    store.apply = counting
    stop = threading.Event()
    thread = threading.Thread(target=kafka_feed.run, args=(store, lambda _ids: None, stop), daemon=True)
    thread.start()
    deadline = time.monotonic() + FEED_TIMEOUT_S
    while sum(written) < expected and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.1)
    time.sleep(SETTLE_S)
    stop.set()
    thread.join(20)
    assert not thread.is_alive()
    return sum(written)


@pytest.mark.integration
def test_a_restart_resumes_without_loss_or_duplicates_and_a_replay_rebuilds_the_same_tables(
        topics, store_url, run_output, tmp_path):
    every = records(run_output)
    first, second = every[::2], every[1::2]
    produce(topics, first)
    assert consume(Store(store_url), feed(topics, "serve"), len(first)) == len(first)

    produce(topics, second)
    restarted = Store(store_url)
    assert consume(restarted, feed(topics, "serve"), len(second)) == len(second)  # nothing read twice
    expected = Store(f"sqlite:///{tmp_path / 'from-files.sqlite'}")
    FileFeed(run_output).run(expected, lambda _ids: None, threading.Event())
    assert tables(restarted) == tables(expected)  # nothing lost

    replayed = Store(f"sqlite:///{tmp_path / 'replayed.sqlite'}")
    assert consume(replayed, feed(topics, "replay"), len(every)) == len(every)
    assert tables(replayed) == tables(restarted)


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


@pytest.mark.integration
def test_akhbar_serve_reads_the_topics_into_postgresql_listens_on_loopback_and_prints_no_password(
        topics, run_output, postgres_server, tmp_path):
    produce(topics, records(run_output))
    port = free_port()
    with postgres_database(postgres_server) as url:
        with_password = make_url(url).set(password="s3cret-pw").render_as_string(hide_password=False)
        env = {**os.environ, **{f"AKHBAR_{k.upper()}": str(v) for k, v in {
            "kafka_bootstrap": topics.kafka_bootstrap, "topic_events": topics.topic_events,
            "topic_mentions": topics.topic_mentions, "topic_enriched": topics.topic_enriched,
            "session_timeout_s": SESSION_TIMEOUT_S, "serve_group": "serve-cli"}.items()},
               "AKHBAR_DATABASE_URL": with_password}
        log = open(tmp_path / "serve.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "streams", "serve", "--port", str(port)], env=env, cwd=REPO,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, 60)
            deadline = time.monotonic() + FEED_TIMEOUT_S
            while httpx2.get(f"http://127.0.0.1:{port}/stats").json()["events"] < 6 and time.monotonic() < deadline:
                time.sleep(0.3)
            assert httpx2.get(f"http://127.0.0.1:{port}/stats").json()["mentions"] == 8
            assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only
        finally:
            server.send_signal(signal.SIGTERM)
            returncode = server.wait(30)
            log.close()
    output = (tmp_path / "serve.log").read_text()
    assert returncode == 0, output[-3000:]
    assert "s3cret-pw" not in output and "***" in output


def test_serve_from_a_directory_without_the_run_files_is_a_usage_error(tmp_path):
    result = akhbar("serve", "--from", str(tmp_path))
    assert result.returncode == 2
    assert "events.jsonl" in result.stderr.decode() and "akhbar run" in result.stderr.decode()


def test_serve_refuses_an_unsupported_database_without_showing_its_password(tmp_path):
    env = {**os.environ, "AKHBAR_DATABASE_URL": "mysql://root:hunter2@localhost/x", "AKHBAR_DATA_DIR": str(tmp_path)}
    result = akhbar("serve", env=env)
    assert result.returncode == 2
    assert "mysql is not supported" in result.stderr.decode() and "hunter2" not in result.stderr.decode()
