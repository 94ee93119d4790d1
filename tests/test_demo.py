"""The README's main job: ``akhbar demo`` on a fresh local broker ends by itself with the events."""

from __future__ import annotations

import os

import orjson
import pytest

from conftest import akhbar
from streams.demo import sample_feed

pytestmark = pytest.mark.integration


def test_demo_prints_the_events_of_the_sample_feed_and_stops():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AKHBAR_")}
    result = akhbar("demo", "--bidi", "logical", env=env, timeout=240)
    assert result.returncode == 0, result.stderr.decode()[-3000:]
    table = result.stdout.decode()
    articles = [orjson.loads(line) for line in sample_feed().read_bytes().splitlines()]
    # The two outlets' reports of the Riyadh meeting are one event, titled by the earlier report.
    assert f"Akhbar: {len(articles) - 1} events" in table
    for article in articles:
        if article["id"] != "sample-nile-daily-0412":
            assert article["title"].split()[0] in table
    sources = {article["source"] for article in articles}
    assert all(source in table for source in sources)
