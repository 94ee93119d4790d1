"""Where articles go: the ``articles.raw`` topic (kafka-python), or a JSON Lines file for a
corpus or for ``akhbar run``. Pages the crawler could not turn into an article go, with their
reason, to the ``feeds.errors`` topic or to an ``.errors.jsonl`` file beside the output.

``publish`` returns once the sink has the article durably (the broker acknowledged it, the
file is synced): only then does the crawler record it as published. ``contains`` answers the
one question a restart asks, for an article recorded as pending: did it get there?
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import orjson

from schemas import Article

SEND_TIMEOUT_S = 30.0
# A restart looks for a pending article among its partition's last records.
RECONCILE_TAIL_RECORDS = 2000
CLIENT_ID = "akhbar-feeds"


@dataclass(frozen=True)
class PageError:
    """A feed or page the crawler could not turn into articles, and why."""

    feed: str
    source: str
    url: str
    reason: str  # a short stable code: not_a_feed, no_text, too_large, timeout, http_404…
    detail: str
    final: bool  # False: it will be tried again
    at: str

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self))


class Sink(Protocol):
    def publish(self, article: Article) -> None: ...
    def report(self, error: PageError) -> None: ...
    def contains(self, article_id: str, content_hash: str) -> bool: ...
    def close(self) -> None: ...


def errors_path(out: Path) -> Path:
    """``corpus.jsonl`` → ``corpus.errors.jsonl``."""
    stem = out.name.removesuffix(".jsonl")
    return out.with_name(f"{stem}.errors.jsonl")


def is_version(value: bytes, article_id: str, content_hash: str) -> bool:
    try:
        record = orjson.loads(value)
    except orjson.JSONDecodeError:
        return False
    return (record.get("id") == article_id
            and (record.get("metadata") or {}).get("content_hash") == content_hash)


class JsonLinesSink:
    """Article JSON Lines appended to a file, synced after each article."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        drop_partial_line(path)
        self._out = open(path, "ab")
        self._errors = open(errors_path(path), "ab")

    def publish(self, article: Article) -> None:
        self._out.write(article.to_json() + b"\n")
        self._out.flush()
        os.fsync(self._out.fileno())

    def report(self, error: PageError) -> None:
        self._errors.write(error.to_json() + b"\n")
        self._errors.flush()

    def contains(self, article_id: str, content_hash: str) -> bool:
        needle = orjson.dumps({"id": article_id})[1:-1]
        with open(self.path, "rb") as lines:
            return any(needle in line and is_version(line, article_id, content_hash) for line in lines)

    def close(self) -> None:
        self._out.close()
        self._errors.close()


def drop_partial_line(path: Path) -> None:
    """A crawler killed while writing leaves half a line: cut it, its article is still pending."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "r+b") as file:
        file.seek(-1, os.SEEK_END)
        if file.read(1) == b"\n":
            return
        file.seek(0)
        file.truncate(file.read().rfind(b"\n") + 1)


class KafkaSink:
    """Articles to ``articles.raw`` keyed by id, errors to ``feeds.errors`` keyed by URL, with
    kafka-python; the topics are created if missing (Tansu and many brokers auto-create none).
    Sends are one at a time and acknowledged by all replicas; the producer is not idempotent
    (Tansu has no idempotent producer): the pending record is what prevents a second copy."""

    def __init__(self, settings) -> None:
        from kafka import KafkaProducer

        from streams.security import kafka_python_options

        self.settings = settings
        self.errors_topic = errors_topic = settings.topic_feeds_errors
        self._options = kafka_python_options(settings)
        create_missing_topics(settings, {settings.topic_raw: settings.partitions, errors_topic: 1}, self._options)
        self._producer = KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap, client_id=CLIENT_ID, acks="all", linger_ms=0,
            batch_size=max(settings.producer_batch_bytes, 1), retries=5, enable_idempotence=False,
            max_request_size=settings.max_message_bytes + 1024, **self._options)

    def publish(self, article: Article) -> None:
        self._producer.send(self.settings.topic_raw, key=article.id.encode("utf-8"),
                            value=article.to_json()).get(timeout=SEND_TIMEOUT_S)

    def report(self, error: PageError) -> None:
        self._producer.send(self.errors_topic, key=error.url.encode("utf-8"),
                            value=error.to_json()).get(timeout=SEND_TIMEOUT_S)

    def contains(self, article_id: str, content_hash: str) -> bool:
        from kafka import KafkaConsumer, TopicPartition
        from kafka.partitioner.default import murmur2

        topic = self.settings.topic_raw
        key = article_id.encode("utf-8")
        consumer = KafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap, client_id=CLIENT_ID,
                                 group_id=None, enable_auto_commit=False, **self._options)
        try:
            partitions = sorted(consumer.partitions_for_topic(topic) or ())
            if not partitions:
                return False
            partition = TopicPartition(topic, partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)])
            consumer.assign([partition])
            end = consumer.end_offsets([partition])[partition]
            start = max(consumer.beginning_offsets([partition])[partition], end - RECONCILE_TAIL_RECORDS)
            consumer.seek(partition, start)
            deadline = time.monotonic() + SEND_TIMEOUT_S
            while consumer.position(partition) < end and time.monotonic() < deadline:
                for records in consumer.poll(timeout_ms=1000).values():
                    if any(r.key == key and is_version(r.value, article_id, content_hash) for r in records):
                        return True
            if consumer.position(partition) < end:
                raise TimeoutError(f"could not read {topic}[{partition.partition}] up to offset {end} within "
                                   f"{SEND_TIMEOUT_S:g} s to see whether {article_id} was published")
            return False
        finally:
            consumer.close()

    def close(self) -> None:
        self._producer.flush()
        self._producer.close()


def create_missing_topics(settings, partitions_by_topic: dict[str, int], options: dict) -> None:
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic
    from kafka.errors import TopicAlreadyExistsError

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id=CLIENT_ID, **options)
    try:
        existing = set(admin.list_topics())
        for topic, count in partitions_by_topic.items():
            if topic not in existing:
                try:
                    admin.create_topics([NewTopic(topic, count, settings.replication_factor)])
                except TopicAlreadyExistsError:
                    pass
    finally:
        admin.close()
