"""A Faust passthrough agent: raw bytes from the raw topic to the normalized topic, untouched.

The transport ceiling for benchmarks/pipeline.py: the same broker, the same Faust and
aiokafka settings as the Akhbar worker (``streams.app.configured_app``), no processing. Run as
``python benchmarks/passthrough.py`` with the AKHBAR_* environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.app import configured_app, pin_to_cpus, worker_for  # noqa: E402
from streams.settings import Settings  # noqa: E402

settings = Settings.from_env()
pin_to_cpus(settings)
app = configured_app(f"{settings.app_id}-passthrough", settings)
source = app.topic(settings.topic_raw, key_type=bytes, value_type=bytes)
sink = app.topic(settings.topic_normalized, key_type=bytes, value_type=bytes)


@app.agent(source)
async def passthrough(stream):
    async for event in stream.events():
        await sink.send(key=event.key, value=event.value)


if __name__ == "__main__":
    worker_for(app, settings).execute_from_commandline()
