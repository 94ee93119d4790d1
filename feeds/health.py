"""``feeds check``: each feed fetched and parsed now, beside the crawler's stored counters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from feeds.config import Config, FeedConfig
from feeds.fetch import FEED_ACCEPT, FetchError, Fetcher
from feeds.parse import FeedError, parse_feed
from feeds.state import CrawlState, FeedState


@dataclass(frozen=True)
class FeedHealth:
    source: str
    url: str
    healthy: bool
    status: str  # "ok", "malformed: …" or the failure's reason and detail
    entries: int
    newest: str | None
    polled: int
    new: int
    updated: int
    failed: int
    last_success: float | None
    last_error: str | None


async def check_feeds(config: Config) -> list[FeedHealth]:
    stored: dict[str, FeedState] = {}
    if config.crawler.state_path.exists():
        state = CrawlState(config.crawler.state_path, read_only=True)
        try:
            stored = {feed.url: feed for feed in state.feeds()}
        finally:
            state.close()
    async with Fetcher(config.crawler) as fetcher:
        return list(await asyncio.gather(*(check_feed(fetcher, feed, stored.get(feed.url)) for feed in config.feeds)))


async def check_feed(fetcher: Fetcher, feed: FeedConfig, stored: FeedState | None) -> FeedHealth:
    entries, newest, healthy = 0, None, False
    try:
        fetched = await fetcher.get(feed.url, accept=FEED_ACCEPT)
        parsed = parse_feed(fetched.content, fetched.url, fetched.content_type)
        entries = len(parsed.entries)
        newest = max((e.published_at for e in parsed.entries if e.published_at), default=None)
        healthy = True
        status = f"malformed: {parsed.warning}" if parsed.warning else "ok"
    except (FetchError, FeedError) as error:
        status = f"{error.reason}: {error.detail}"
    return FeedHealth(
        source=feed.source, url=feed.url, healthy=healthy, status=status, entries=entries, newest=newest,
        polled=stored.polled if stored else 0, new=stored.new if stored else 0,
        updated=stored.updated if stored else 0, failed=stored.failed if stored else 0,
        last_success=stored.last_success if stored else None, last_error=stored.last_error if stored else None)
