"""The benchmark scripts still run against the code they measure: their in-process parts on a
few articles (a smoke test, which times nothing)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO, shared_file


def run_benchmark(script: str, *args: str) -> str:
    stream = shared_file("news/dev_stream.jsonl")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), str(stream), *args],
                          capture_output=True, text=True, timeout=300, cwd=REPO, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_normalization_and_dedup_benchmark_prints_its_table():
    out = run_benchmark("normalize_dedup.py", "--limit", "60")
    assert "duplicate detection (exact hash + MinHash/LSH)" in out
    assert "state at the end: 60 records" in out


def test_the_pipeline_benchmark_prints_its_in_process_table():
    out = run_benchmark("pipeline.py", "--limit", "60", "--skip-streaming")
    for stage in ("normalize", "dedup", "extract", "assemble"):
        assert f"in process: {stage} " in out
    assert "in process: peak RSS" in out


def test_the_extraction_benchmark_prints_its_table():
    out = run_benchmark("extraction.py", "--limit", "30", "--rounds", "1")
    for component in ("entities", "find_agents", "code_actions", "weigh_terms", "extract stage"):
        assert component in out
