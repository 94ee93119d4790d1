"""Running the crawler in process for the tests: one ``--once`` run over a FEEDS.toml into a
JSON Lines file, and what it published, reported and counted."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import orjson

from feeds.config import load_config
from feeds.crawler import Crawler, PollReport
from feeds.fetch import Fetcher
from feeds.metrics import FeedMetrics
from feeds.sink import JsonLinesSink, Sink, errors_path
from feeds.state import CrawlState, FeedState


@dataclass
class Run:
    reports: list[PollReport]
    metrics: FeedMetrics
    out: Path
    state_path: Path

    def articles(self) -> list[dict]:
        return [orjson.loads(line) for line in self.out.read_bytes().splitlines()] if self.out.exists() else []

    def errors(self) -> list[dict]:
        path = errors_path(self.out)
        return [orjson.loads(line) for line in path.read_bytes().splitlines()] if path.exists() else []

    def feed_state(self, url: str) -> FeedState:
        state = CrawlState(self.state_path)
        try:
            return state.known_feed(url)
        finally:
            state.close()


def crawl(config_path: Path, out: Path, wrap_sink=lambda sink: sink) -> Run:
    """One ``feeds run --once --out`` in process; ``wrap_sink`` may stand between the crawler and the file."""
    config = load_config(config_path)
    state = CrawlState(config.crawler.state_path)
    file_sink = JsonLinesSink(out)
    sink: Sink = wrap_sink(file_sink)
    metrics = FeedMetrics()

    async def once() -> list[PollReport]:
        async with Fetcher(config.crawler) as fetcher:
            return await Crawler(config, state, sink, fetcher, metrics).run_once()

    try:
        reports = asyncio.run(once())
    finally:
        file_sink.close()
        state.close()
    return Run(reports, metrics, out, config.crawler.state_path)
