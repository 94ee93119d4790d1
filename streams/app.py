"""The Faust app: configuration and wiring only."""

from __future__ import annotations

import os

import faust

from streams.agents import attach_agents
from streams.security import faust_credentials
from streams.settings import Settings
from streams.transport import FetchWaitTransport

RECORD_OVERHEAD_BYTES = 16 * 1024  # a record's key, headers and batch framing, beyond its value


def create_app(settings: Settings) -> faust.App:
    """A Faust app for ``settings``, with the topology's agents attached."""
    app = configured_app(settings.app_id, settings)
    attach_agents(app, settings)
    return app


def configured_app(app_id: str, settings: Settings) -> faust.App:
    """A Faust app with Akhbar's broker, delivery, web and state settings, and no agents yet."""
    largest_record = settings.max_message_bytes + RECORD_OVERHEAD_BYTES
    app = faust.App(
        app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        broker_credentials=faust_credentials(settings),
        processing_guarantee="at_least_once",
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        topic_allow_declare=True,
        datadir=settings.data_dir,
        store="memory://",
        web_bind=settings.web_host,
        web_host=settings.web_host,
        web_port=settings.web_port,
        broker_session_timeout=settings.session_timeout_s,
        broker_heartbeat_interval=max(settings.session_timeout_s / 10, 0.5),
        producer_max_batch_size=settings.producer_batch_bytes,
        producer_max_request_size=largest_record,
        consumer_max_fetch_size=max(largest_record, 1 << 20),
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
    )
    app.transport = FetchWaitTransport(app.conf.broker_consumer, app, fetch_wait_ms=settings.consumer_fetch_wait_ms)
    return app


def worker_for(app: faust.App, settings: Settings) -> faust.Worker:
    """A Faust worker for ``app``, logging at the settings' level.

    Without Faust's startup spinner: at WARNING and above, the worker sets the root logger to
    DEBUG for the spinner's sake and leaves it there, so every debug call of Faust and aiokafka
    built a record that the handlers then dropped (1.7% of a busy worker's time)."""
    worker = faust.Worker(app, loglevel=settings.log_level)
    worker.spinner = None
    return worker


def pin_to_cpus(settings: Settings) -> None:
    """Run this process's threads, and those they start, on ``AKHBAR_WORKER_CPUS`` (if set);
    raises ValueError naming the variable."""
    cpus = settings.worker_cpu_set()
    try:
        for thread_id in os.listdir("/proc/self/task") if cpus else ():
            os.sched_setaffinity(int(thread_id), cpus)
    except OSError as exc:
        raise ValueError(f"AKHBAR_WORKER_CPUS={settings.worker_cpus!r}: {exc.strerror}") from exc
