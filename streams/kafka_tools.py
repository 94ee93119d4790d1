"""kafka-python tools for the edges of the pipeline: topic creation, upstream produce, consume."""

from __future__ import annotations

import gzip
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import orjson
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import TopicAlreadyExistsError
from pydantic import ValidationError

from schemas import Article
from streams.handling import describe_error
from streams.security import kafka_python_options
from streams.settings import Settings
from streams.topology import TOPICS, partitions

CLIENT_ID = "akhbar-tools"


def create_topics(settings: Settings, timeout_s: float = 30.0) -> list[str]:
    """Create the topology's topics explicitly (auto-created ones get the broker's default partitions).

    Returns the names that were created; existing topics are left as they are.
    """
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id=CLIENT_ID,
                             request_timeout_ms=int(timeout_s * 1000), **kafka_python_options(settings))
    created = []
    try:
        existing = set(admin.list_topics())
        for spec in TOPICS:
            name = settings.topic(spec.role)
            if name in existing:
                continue
            configs = {"cleanup.policy": "compact"} if spec.compacted else {}
            try:
                admin.create_topics([NewTopic(name, partitions(spec, settings), settings.replication_factor,
                                              topic_configs=configs)])
                created.append(name)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()
    return created


def open_lines(path: Path) -> IO[bytes]:
    """A JSON Lines file, gzip-compressed when its name ends in ``.gz``."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def input_files(paths: list[Path]) -> list[Path]:
    """Files given directly, and the ``*.jsonl`` / ``*.jsonl.gz`` files of given directories."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.name.endswith((".jsonl", ".jsonl.gz")))
        else:
            files.append(path)
    return files


def numbered_lines(files: list[Path]) -> Iterator[tuple[Path, int, bytes]]:
    """Every non-empty line as (file, line number, bytes without the line ending)."""
    for path in files:
        with open_lines(path) as stream:
            for number, line in enumerate(stream, 1):
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield path, number, line


@dataclass
class ProduceReport:
    sent: int = 0
    invalid: list[str] = field(default_factory=list)


def produce(settings: Settings, paths: list[Path], *, topic: str | None = None,
            progress: bool = True, err: IO[str] = sys.stderr) -> ProduceReport:
    """Validate each article against the contract and the size limit, and send the valid ones,
    keyed by article id.

    Invalid articles are reported on ``err`` and not sent.
    """
    from rich.progress import Progress

    topic = topic or settings.topic_raw
    files = input_files(paths)
    report = ProduceReport()
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, client_id=CLIENT_ID, acks="all",
                             linger_ms=20, batch_size=max(settings.producer_batch_bytes, 1),
                             retries=5, **kafka_python_options(settings))
    total = sum(path.stat().st_size for path in files)
    try:
        with Progress(disable=not progress, transient=True, console=None) as bar:
            task = bar.add_task("producing", total=total)
            for path, number, line in numbered_lines(files):
                bar.advance(task, len(line) + 1)
                article, message = valid_article(line, settings.max_article_bytes)
                if article is None:
                    report.invalid.append(f"{path}:{number}: {message}")
                    print(f"invalid article, not sent: {path}:{number}: {message}", file=err)
                    continue
                producer.send(topic, key=article.id.encode("utf-8"), value=line)
                report.sent += 1
        producer.flush()
    finally:
        producer.close()
    return report


def valid_article(line: bytes, max_bytes: int) -> tuple[Article | None, str]:
    """The article of ``line``, or None and why not (a worker would make it a dead letter)."""
    if len(line) > max_bytes:
        return None, f"{len(line):,} bytes, over AKHBAR_MAX_ARTICLE_BYTES ({max_bytes:,})"
    try:
        return Article.from_json(line), ""
    except (orjson.JSONDecodeError, ValidationError) as exc:
        return None, describe_error(exc)


def reader(settings: Settings, *topics: str, from_beginning: bool, **options) -> KafkaConsumer:
    """A consumer outside any group that commits nothing: it only reads."""
    return KafkaConsumer(*topics, bootstrap_servers=settings.kafka_bootstrap, client_id=CLIENT_ID, group_id=None,
                         enable_auto_commit=False, auto_offset_reset="earliest" if from_beginning else "latest",
                         **kafka_python_options(settings), **options)


def consume(settings: Settings, topic: str, *, from_beginning: bool = True, max_records: int | None = None,
            timeout_s: float = 10.0) -> Iterator[bytes]:
    """The values of ``topic``, until ``max_records`` or ``timeout_s`` without a new record."""
    consumer = reader(settings, topic, from_beginning=from_beginning, consumer_timeout_ms=int(timeout_s * 1000))
    try:
        count = 0
        for record in consumer:
            yield record.value
            count += 1
            if max_records is not None and count >= max_records:
                return
    finally:
        consumer.close()


def read_until(settings: Settings, topics: Sequence[str], done, timeout_s: float) -> list[ConsumerRecord]:
    """Read ``topics`` from the beginning until ``done(records)`` holds or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    consumer = reader(settings, *topics, from_beginning=True)
    records: list[ConsumerRecord] = []
    try:
        while time.monotonic() < deadline and not done(records):
            for batch in consumer.poll(timeout_ms=500).values():
                records += batch
    finally:
        consumer.close()
    return records


def wait_for(settings: Settings, topic: str, done, timeout_s: float) -> list[bytes]:
    """The values of ``topic`` from the beginning, until ``done(values)`` holds or ``timeout_s`` passes."""
    return [record.value for record in
            read_until(settings, [topic], lambda records: done([r.value for r in records]), timeout_s)]
