"""Feeds of the store: the pipeline's topics through a consumer group, or the files of ``akhbar run``.

The Kafka feed is an ordinary consumer group: it commits what it has written, so that a restart
resumes where it stopped, and a new group (or a reset one) replays the topics from the beginning
into the same tables. It commits after the store's transaction: at least once, and the writes are
idempotent by key, so a record written twice changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.store import Store

log = logging.getLogger("akhbar.feed")

# The topic roles the store reads, in the order files are loaded: an event's reports before the
# event, so that a loaded event shows its places and countries at once.
ROLES = ("enriched", "mentions", "events")
FILES = {"enriched": "enriched.jsonl", "mentions": "mentions.jsonl", "events": "events.jsonl"}
BATCH = 500
POLL_MS = 200

OnChange = Callable[[set[str]], None]


@dataclass
class KafkaFeed:
    """The ``events``, ``mentions`` and ``articles.enriched`` topics, in the consumer group ``group_id``."""

    bootstrap: str
    topics: dict[str, str]  # topic role -> topic name
    group_id: str
    session_timeout_s: float = 30.0
    client_options: dict[str, Any] = field(default_factory=dict)  # security, for kafka-python

    def run(self, store: Store, on_change: OnChange, stop: threading.Event) -> None:
        from kafka import KafkaConsumer
        from kafka.errors import CommitFailedError

        roles = {name: role for role, name in self.topics.items()}
        session_ms = int(self.session_timeout_s * 1000)
        consumer = KafkaConsumer(
            bootstrap_servers=self.bootstrap, group_id=self.group_id, client_id="akhbar-serve",
            enable_auto_commit=False, auto_offset_reset="earliest", session_timeout_ms=session_ms,
            heartbeat_interval_ms=max(session_ms // 3, 100), max_poll_records=BATCH, **self.client_options)
        consumer.subscribe(sorted(roles))
        log.info("reading %s in the consumer group %s", ", ".join(sorted(roles)), self.group_id)
        try:
            while not stop.is_set():
                polled = consumer.poll(timeout_ms=POLL_MS)
                records = [(roles[record.topic], record.value) for batch in polled.values() for record in batch
                           if record.value is not None]
                if not records:
                    continue
                applied = store.apply(records)
                try:
                    consumer.commit()
                except CommitFailedError as exc:  # a rebalance took the partitions: they are read again
                    log.warning("commit failed, the records will be read again: %s", exc)
                on_change(applied.event_ids)
        finally:
            consumer.close()


@dataclass
class FileFeed:
    """The ``enriched``, ``mentions`` and ``events`` files that ``akhbar run --out DIR`` wrote."""

    directory: Path

    def __post_init__(self) -> None:
        missing = [name for name in FILES.values() if not (self.directory / name).is_file()]
        if missing:
            raise FileNotFoundError(f"{self.directory} has no {', '.join(missing)}: give the --out directory "
                                    f"of akhbar run")

    def run(self, store: Store, on_change: OnChange, stop: threading.Event) -> None:
        written = 0
        for role in ROLES:
            for batch in _batches(self.directory / FILES[role]):
                if stop.is_set():
                    return
                on_change(store.apply((role, line) for line in batch).event_ids)
                written += len(batch)
        log.info("loaded %d records from %s", written, self.directory)


def _batches(path: Path) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    with open(path, "rb") as lines:
        for line in lines:
            if line.strip():
                batch.append(line)
            if len(batch) == BATCH:
                yield batch
                batch = []
    if batch:
        yield batch
