"""Benchmark: ``akhbar serve``'s store and API on the output of a file run.

    akhbar run ../shared/data/news/dev_stream.jsonl --out /tmp/devrun     # once, several minutes
    python benchmarks/store.py /tmp/devrun [--requests 200] [--no-postgres]

Prints one table:
- the store's write rate on SQLite and PostgreSQL: the run's enriched articles, mentions and
  events loaded in the feed's batches into a new database, as records/s, table rows/s and
  articles/s, against the pipeline's articles/s (``--pipeline-articles-per-s``, the README's
  figure for ``akhbar run`` on this machine);
- the API's latency, p50 and p99 over ``--requests`` sequential requests to the API in a process of
  its own (uvicorn on 127.0.0.1), for the main queries: the first page of events, a deep page, the filters by country
  (common and rare), PLOVER, outlet, entity and time, an event, an article, an entity, the stats.

PostgreSQL: a database is created on ``AKHBAR_BENCH_POSTGRES_URL`` (default the local server,
user postgres) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from statistics import quantiles

import httpx2
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from service.consumer import FileFeed  # noqa: E402
from service.store import TABLES, Store, article_entities, articles, events, mentions  # noqa: E402
from streams.broker import free_port, wait_for_port  # noqa: E402
from conftest import postgres_database  # noqa: E402

POSTGRES_URL = os.environ.get("AKHBAR_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PIPELINE_ARTICLES_PER_S = 69.0  # README: `akhbar run` on the whole dev stream, 2026-12-01


@contextmanager
def database(kind: str, workdir: Path):
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.sqlite'}"
        return
    with postgres_database(POSTGRES_URL) as url:  # the tests' throwaway database
        yield url


def load(store: Store, run_dir: Path) -> dict:
    """Load the run's files as ``akhbar serve --from`` does; the time and what was written."""
    records = sum(1 for name in ("enriched", "mentions", "events")
                  for line in open(run_dir / f"{name}.jsonl", "rb") if line.strip())
    started = time.perf_counter()
    FileFeed(run_dir).run(store, lambda _ids: None, threading.Event())
    seconds = time.perf_counter() - started
    with store.engine.connect() as connection:
        rows = {table.name: connection.scalar(select(func.count()).select_from(table)) for table in TABLES}
    return {"seconds": seconds, "records": records, "rows": sum(rows.values()), "tables": rows,
            "articles": rows["mentions"]}


def sample_ids(store: Store) -> dict:
    """Values to query with: the biggest event, common and rare countries, an outlet, an entity, a day."""
    with store.engine.connect() as connection:
        def values(statement):
            return [row[0] for row in connection.execute(statement)]

        countries = values(select(article_entities.c.country, func.count())
                           .where(article_entities.c.country.is_not(None))
                           .group_by(article_entities.c.country).order_by(func.count().desc()))
        return {
            "event": values(select(events.c.event_id).order_by(events.c.num_articles.desc()).limit(20)),
            "article": values(select(articles.c.article_id).order_by(articles.c.article_id).limit(20)),
            "common_country": countries[:5], "rare_country": countries[-5:],
            "source": values(select(mentions.c.source).group_by(mentions.c.source).order_by(func.count().desc())
                             .limit(5)),
            "entity": values(select(article_entities.c.entity_id).where(article_entities.c.entity_id.is_not(None))
                             .group_by(article_entities.c.entity_id).order_by(func.count().desc()).limit(20)),
            "day": [d.date().isoformat() for d in values(select(events.c.last_seen_utc).where(
                events.c.last_seen_utc.is_not(None)).order_by(events.c.last_seen_utc).limit(1))],
        }


def queries(ids: dict) -> dict[str, list[str]]:
    first_day = date.fromisoformat(ids["day"][0])
    days = [date.fromordinal(first_day.toordinal() + n).isoformat() for n in range(0, 40, 3)]
    return {
        "/events (first page of 50)": ["/events"],
        "/events?offset=5000": ["/events?offset=5000"],
        "/events?country= (common)": [f"/events?country={c}" for c in ids["common_country"]],
        "/events?country= (rare)": [f"/events?country={c}" for c in ids["rare_country"]],
        "/events?plover=": [f"/events?plover={p}" for p in ("ASSAULT", "CONSULT", "COERCE", "SANCTION")],
        "/events?source=": [f"/events?source={s}" for s in ids["source"]],
        "/events?entity=": [f"/events?entity={e}" for e in ids["entity"]],
        "/events?since=&until= (a day)": [f"/events?since={d}&until={d}" for d in days],
        "/events/{id} (largest events)": [f"/events/{e}" for e in ids["event"]],
        "/articles/{id}": [f"/articles/{a}" for a in ids["article"]],
        "/entities/{id}": [f"/entities/{e}" for e in ids["entity"]],
        "/stats (cached until the store changes)": ["/stats"],
    }


# The API in a process of its own, as `akhbar serve` runs it (here without a feed), so that this
# script's client does not share its interpreter.
SERVER = ("import sys, uvicorn; from service.api import Updates, create_app; from service.store import Store; "
          "uvicorn.run(create_app(Store(sys.argv[1]), Updates()), host='127.0.0.1', port=int(sys.argv[2]), "
          "log_level='warning')")


@contextmanager
def running(url: str):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port)], cwd=REPO)
    try:
        wait_for_port(port, 60)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(30)


def latencies(base: str, paths: list[str], requests: int) -> tuple[float, float]:
    """p50 and p99 in ms of ``requests`` sequential requests cycling through ``paths``."""
    timings = []
    with httpx2.Client(base_url=base, timeout=30) as client:
        for path in paths:
            client.get(path).raise_for_status()  # warm
        for n in range(requests):
            started = time.perf_counter()
            response = client.get(paths[n % len(paths)])
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    cuts = quantiles(timings, n=100, method="inclusive")
    return cuts[49], cuts[98]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, help="the --out directory of akhbar run")
    parser.add_argument("--requests", type=int, default=200, help="requests per query")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--pipeline-articles-per-s", type=float, default=PIPELINE_ARTICLES_PER_S)
    args = parser.parse_args()
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    kinds = ["sqlite"] + ([] if args.no_postgres else ["postgresql"])
    console = Console()
    loads: dict[str, dict] = {}
    timings: dict[str, dict[str, tuple[float, float]]] = {}
    for kind in kinds:
        with database(kind, workdir) as url:
            store = Store(url)
            loads[kind] = load(store, args.run_dir)
            console.print(f"{kind}: loaded {loads[kind]['records']:,} records in {loads[kind]['seconds']:.1f} s "
                          f"({loads[kind]['tables']})", highlight=False)
            named = queries(sample_ids(store))
            with running(url) as base:
                timings[kind] = {name: latencies(base, paths, args.requests) for name, paths in named.items()}
            store.close()

    table = Table(title=f"akhbar serve: store and API on {args.run_dir} ({platform.machine()}, "
                        f"{os.cpu_count()} cores, Python {platform.python_version()})")
    table.add_column("what")
    for kind in kinds:
        table.add_column(kind, justify="right")
    writes = loads
    table.add_row("store: records/s", *(f"{w['records'] / w['seconds']:,.0f}" for w in writes.values()))
    table.add_row("store: table rows/s", *(f"{w['rows'] / w['seconds']:,.0f}" for w in writes.values()))
    pipeline = args.pipeline_articles_per_s
    table.add_row(f"store: articles/s (the pipeline: {pipeline:.0f}/s)",
                  *(f"{w['articles'] / w['seconds']:,.0f} ({w['articles'] / w['seconds'] / pipeline:.0f}×)"
                    for w in writes.values()))
    for name in timings[kinds[0]]:
        table.add_row(f"API p50 / p99 ms: {name}", *(f"{timings[k][name][0]:.1f} / {timings[k][name][1]:.1f}"
                                                      for k in kinds))
    console.print(table)
    worst = max(p99 for kind in kinds for _p50, p99 in timings[kind].values())
    console.print(f"worst API p99: {worst:.1f} ms ({'under' if worst < 100 else 'over'} the 100 ms target)")


if __name__ == "__main__":
    main()
