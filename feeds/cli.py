"""``akhbar feeds``: run the crawler, or check the feeds' health."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import click

from feeds.config import Config, ConfigError, load_config


def _config(feeds_file: Path, state: Path | None) -> Config:
    try:
        return load_config(feeds_file, state)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def _logging() -> None:
    level = os.environ.get("AKHBAR_LOG_LEVEL", "info").upper()
    logging.basicConfig(level=getattr(logging, level, logging.INFO), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "kafka", "trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def feeds() -> None:
    """Read outlets' RSS and Atom feeds and publish their articles to articles.raw.

    FEEDS.toml lists [[feed]] tables (source, url; interval and language optional) and a
    [crawler] table with the contact that goes into the User-Agent. Kafka settings come from the
    AKHBAR_* environment variables, as for every akhbar command.
    """


@feeds.command()
@click.argument("feeds_file", metavar="FEEDS.toml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--once", is_flag=True, help="Poll every feed once and exit (for cron and tests).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Append Article JSON Lines to this file (errors to FILE's .errors.jsonl) instead of Kafka.")
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The crawler's SQLite state (default: [crawler] state, or FEEDS.state.sqlite beside FEEDS.toml).")
@click.option("--metrics-port", type=click.IntRange(1, 65535), help="Serve Prometheus metrics on 127.0.0.1:PORT.")
def run(feeds_file: Path, once: bool, out_file: Path | None, state_file: Path | None, metrics_port: int | None) -> None:
    """Poll the feeds and publish new and changed articles."""
    from feeds.crawler import Crawler
    from feeds.fetch import Fetcher
    from feeds.metrics import FeedMetrics
    from feeds.sink import JsonLinesSink, KafkaSink
    from feeds.state import CrawlState

    _logging()
    config = _config(feeds_file, state_file)
    metrics = FeedMetrics()
    if metrics_port:
        metrics.serve(metrics_port)
    if out_file:
        sink = JsonLinesSink(out_file)
    else:
        from kafka.errors import KafkaError

        from streams.settings import Settings

        settings = Settings.from_env()
        try:
            sink = KafkaSink(settings)
        except KafkaError as exc:
            raise click.ClickException(f"cannot use Kafka at {settings.kafka_bootstrap}: {exc}") from None
    state = CrawlState(config.crawler.state_path)

    async def crawl() -> list:
        async with Fetcher(config.crawler) as fetcher:
            crawler = Crawler(config, state, sink, fetcher, metrics)
            if once:
                return await crawler.run_once()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await crawler.run_forever(stop)
            return []

    try:
        reports = asyncio.run(crawl())
    finally:
        sink.close()
        state.close()
    if once:
        totals = {key: sum(getattr(r, key) for r in reports) for key in ("new", "updated", "unchanged", "failed")}
        failed_feeds = [r.feed for r in reports if r.outcome == "failed"]
        click.echo(f"akhbar feeds: {len(reports)} feeds polled ({len(failed_feeds)} failed), {totals['new']} new, "
                   f"{totals['updated']} updated, {totals['unchanged']} unchanged, {totals['failed']} pages failed",
                   err=True)


@feeds.command()
@click.argument("feeds_file", metavar="FEEDS.toml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--state", "state_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The crawler's SQLite state to read the counters from.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per feed instead of a table.")
def check(feeds_file: Path, state_file: Path | None, as_json: bool) -> None:
    """Fetch each feed now and report its health and the crawler's counters; publishes nothing.

    Exits 1 when a feed cannot be read."""
    from rich.console import Console
    from rich.table import Table

    from feeds.health import check_feeds

    _logging()
    config = _config(feeds_file, state_file)
    rows = asyncio.run(check_feeds(config))
    if as_json:
        for row in rows:
            click.echo(json.dumps(asdict(row), ensure_ascii=False))
        sys.exit(0 if all(row.healthy for row in rows) else 1)
    table = Table(title=f"akhbar feeds check {feeds_file}")
    for column in ("source", "feed", "now", "entries", "newest", "polled", "new", "updated", "failed",
                   "last success", "last error"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.source, row.url, row.status, str(row.entries), row.newest or "", str(row.polled),
                      str(row.new), str(row.updated), str(row.failed), _when(row.last_success), row.last_error or "")
    Console().print(table)
    if any(not row.healthy for row in rows):
        sys.exit(1)


def _when(timestamp: float | None) -> str:
    return datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds") if timestamp else ""
