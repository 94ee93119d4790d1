"""The feeds benchmark still runs against the code it measures (a smoke test on one copy of the
fixture pages, which times nothing)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.integration  # slow: the benchmark in a process of its own, with its server in another
def test_the_feeds_benchmark_prints_its_three_tables():
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "feeds.py"), "--copies", "1", "--rounds", "1"],
                          capture_output=True, text=True, timeout=120, cwd=REPO, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr[-2000:]
    for row in ("crawler end to end", "extracting", "extraction alone", "trafilatura as it comes",
                "jusText", "charset-normalizer alone", "crawler: valid UTF-8"):
        assert row in done.stdout
    assert "55/55 exact" in done.stdout
