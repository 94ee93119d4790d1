"""A Faust passthrough agent: raw bytes from the raw topic to the normalized topic, untouched.

The transport ceiling for benchmarks/pipeline.py: the same broker, the same Faust and
aiokafka settings as the Akhbar worker, no processing. Run as
``python benchmarks/passthrough.py worker`` with the AKHBAR_* environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

import faust

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.settings import Settings  # noqa: E402

settings = Settings.from_env()
app = faust.App(f"{settings.app_id}-passthrough", broker=f"kafka://{settings.kafka_bootstrap}",
                processing_guarantee="at_least_once", key_serializer="raw", value_serializer="raw",
                web_bind=settings.web_host, web_host=settings.web_host, web_port=settings.web_port,
                datadir=settings.data_dir, broker_session_timeout=settings.session_timeout_s,
                producer_max_batch_size=settings.producer_batch_bytes, producer_acks=-1,
                consumer_auto_offset_reset="earliest", topic_allow_declare=False)
source = app.topic(settings.topic_raw, key_type=bytes, value_type=bytes)
sink = app.topic(settings.topic_normalized, key_type=bytes, value_type=bytes)


@app.agent(source)
async def passthrough(stream):
    async for event in stream.events():
        await sink.send(key=event.key, value=event.value)


if __name__ == "__main__":
    app.main()
