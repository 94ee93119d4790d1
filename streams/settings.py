"""Runtime settings, read from ``AKHBAR_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Settings:
    """Every knob of the runtime; each field reads ``AKHBAR_<FIELD NAME IN CAPITALS>``."""

    kafka_bootstrap: str = "127.0.0.1:9092"
    app_id: str = "akhbar"
    partitions: int = 4
    replication_factor: int = 1
    topic_raw: str = "articles.raw"
    topic_normalized: str = "articles.normalized"
    topic_distinct: str = "articles.distinct"
    topic_duplicates: str = "articles.duplicates"
    topic_enriched: str = "articles.enriched"
    topic_events: str = "events"
    topic_mentions: str = "mentions"
    topic_dlq: str = "articles.dlq"
    topic_feeds_errors: str = "feeds.errors"
    # Faust's web server: loopback only unless told otherwise.
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    data_dir: str = ".akhbar"
    log_level: str = "info"
    session_timeout_s: float = 30.0
    # Entity tagger: "crf" (shipped) or "camel-bert" (camel-tools' AraBERT NER, needs CAMELTOOLS_DATA).
    ner_backend: str = "crf"
    # A JSON file of per-source boilerplate line patterns (`akhbar boilerplate` learns one).
    boilerplate_file: str = ""
    # Duplicates are looked for among the articles of this many hours, at this similarity.
    dedup_window_h: float = 72.0
    dedup_threshold: float = 0.6
    # An article record larger than this is a dead letter ("too_large"), kept truncated. Its
    # normalized message is up to some six times its size (every token carries its offsets, match
    # form and base form), so the default keeps that under max_message_bytes; the longest of the
    # 20,329 dev articles is 60 KB.
    max_article_bytes: int = 160 * 1024
    # The largest record a stage emits; a larger output makes its input a dead letter
    # ("output_too_large"), since the broker would refuse it. The worker's producer and consumer
    # are sized for it; keep it under the broker's message.max.bytes (Kafka: 1,048,588 by default).
    max_message_bytes: int = 1_000_000
    # Event clustering: document frequencies for TF-IDF (`akhbar train idf` fits a file; empty: the
    # shipped ANERcorp ones), the score an article needs to join an open event, and how long an
    # event stays open after its last article.
    idf_file: str = ""
    event_threshold: float = 0.24
    event_window_h: float = 48.0
    # Connection security, for the Faust worker and the kafka-python tools alike (streams/security.py):
    # PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL; CA and client certificate files; SASL PLAIN or
    # SCRAM-SHA-256/512. The password comes from the environment only and never shows in a repr.
    security_protocol: str = "PLAINTEXT"
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    sasl_mechanism: str = "PLAIN"
    sasl_username: str = ""
    sasl_password: str = field(default="", repr=False)
    # The longest a worker's consumer waits for records in one fetch (Faust fixes 1,500 ms;
    # Kafka answers as soon as records arrive, Tansu holds the fetch: set 10 against it).
    consumer_fetch_wait_ms: int = 500
    # Against Tansu, set 1: its ListOffsets is wrong for multi-record batches,
    # which corrupts Faust table recovery.
    producer_batch_bytes: int = 16384
    # The CPUs a worker runs on ("0", "2,3", "0-3"); empty: wherever the OS schedules it. A
    # worker is one busy core (its agents hold the GIL): run one a core, and where workers
    # share a machine with the broker, keep them off the broker's core.
    worker_cpus: str = ""
    # Processes of a worker's own that run its stateless stages (normalize, extract): 0 runs them
    # in the worker's process, on one core. With N, the worker uses up to N + 1 cores and shares
    # each run of long articles among them (streams/pool.py); give it as many CPUs in worker_cpus.
    stage_processes: int = 0
    # `akhbar serve`: its store (empty: SQLite in data_dir/store.sqlite; postgresql+psycopg://… for
    # PostgreSQL, its password from the environment only and never shown) and its consumer group.
    database_url: str = field(default="", repr=False)
    serve_group: str = "akhbar-serve"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values = {}
        for setting in fields(cls):
            raw = env.get(f"AKHBAR_{setting.name.upper()}")
            if raw is not None and raw != "":
                values[setting.name] = type(setting.default)(raw)
        return cls(**values)

    def worker_cpu_set(self) -> set[int]:
        """``worker_cpus`` as CPU ids (empty: no pinning); raises ValueError naming the variable."""
        cpus: set[int] = set()
        try:
            for part in filter(None, (piece.strip() for piece in self.worker_cpus.split(","))):
                first, dash, last = part.partition("-")
                cpus.update(range(int(first), int(last if dash else first) + 1))
        except ValueError:
            raise ValueError(f"AKHBAR_WORKER_CPUS={self.worker_cpus!r}: expected CPU ids such as 0 or 0,2 or 0-3") from None
        return cpus

    def store_url(self) -> str:
        """``database_url``, or the SQLite file in ``data_dir``."""
        return self.database_url or f"sqlite:///{os.path.join(self.data_dir, 'store.sqlite')}"

    def topic(self, role: str) -> str:
        """The topic name for a role of the topology (``raw``, ``events``, …)."""
        return getattr(self, f"topic_{role}")
