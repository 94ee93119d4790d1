"""The benchmark scripts still run against the code they measure: their in-process parts on a
few articles (a smoke test, which times nothing)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import POSTGRES_URL, REPO, shared_file


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


def test_the_store_benchmark_prints_its_table(run_output, postgres_server):
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "store.py"), str(run_output), "--requests", "5"],
                          capture_output=True, text=True, timeout=300, cwd=REPO,
                          env={**os.environ, "COLUMNS": "200", "AKHBAR_BENCH_POSTGRES_URL": POSTGRES_URL})
    assert done.returncode == 0, done.stderr[-2000:]
    for row in ("store: records/s", "API p50 / p99 ms: /events (first page of 50)", "API p50 / p99 ms: /stats (cached"):
        assert row in done.stdout
    assert "postgresql" in done.stdout
