"""The poll loop: each feed on its own interval, each new or changed entry's page fetched,
extracted and published once.

Every outcome is recorded in the state before the next step, so the crawler can be killed
at any point: see ``feeds.state`` for why a restart neither publishes twice nor misses an
article. Bad input (a feed that is no feed, a page that is not HTML or too large, a redirect
loop, a timeout, a page without text) is logged with its reason, counted, and reported to the
sink's errors; it never stops the crawler.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import trafilatura
from pydantic import ValidationError

from feeds.config import Config, FeedConfig
from feeds.extract import ExtractError, Page, article_id, extract_page
from feeds.fetch import FEED_ACCEPT, Fetched, FetchError, Fetcher
from feeds.language import decide_language
from feeds.metrics import FeedMetrics
from feeds.parse import FeedError, parse_feed
from feeds.sink import PageError, Sink
from feeds.state import CrawlState, EntryState, FeedState, ListedEntry, Pending
from schemas import Article

log = logging.getLogger(__name__)
EXTRACTOR = f"trafilatura {trafilatura.__version__}"


@dataclass
class PollReport:
    """One poll of one feed: ``outcome`` is ok, malformed (read from broken XML), not_modified or failed."""

    feed: str
    outcome: str
    listed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    reason: str | None = None


def content_hash(title: str | None, body: str) -> str:
    return hashlib.sha256(f"{title or ''}\n{body}".encode("utf-8")).hexdigest()


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Crawler:
    """The feeds of one FEEDS.toml, polled through one fetcher into one sink, remembered in one state."""

    def __init__(self, config: Config, state: CrawlState, sink: Sink, fetcher: Fetcher,
                 metrics: FeedMetrics | None = None, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.state = state
        self.sink = sink
        self.fetcher = fetcher
        self.metrics = metrics or FeedMetrics()
        self.clock = clock
        self._feed_languages: dict[str, str | None] = {}

    def reconcile(self) -> None:
        """Settle the articles a previous run left pending: published if the sink has them."""
        for pending in self.state.pending():
            self._settle(pending)

    def _settle(self, pending: Pending) -> None:
        if self.sink.contains(pending.article_id, pending.content_hash):
            self.state.finish_publish(pending, self.clock())
            log.info("%s was published before the restart: recorded", pending.canonical_url)
        else:
            self.state.abandon_publish(pending.article_id)

    async def run_once(self) -> list[PollReport]:
        """Poll every feed once, now."""
        self.reconcile()
        async with asyncio.TaskGroup() as group:  # one failing takes the others down, none left running
            polls = [group.create_task(self.poll(feed)) for feed in self.config.feeds]
        return [poll.result() for poll in polls]

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Poll each feed when it is due, until ``stop`` is set."""
        self.reconcile()
        loops = [asyncio.create_task(self._feed_loop(feed, stop)) for feed in self.config.feeds]
        await stop.wait()
        for loop in loops:
            loop.cancel()
        await asyncio.gather(*loops, return_exceptions=True)

    async def _feed_loop(self, feed: FeedConfig, stop: asyncio.Event) -> None:
        while not stop.is_set():
            wait = self.state.feed(feed.url, feed.source).next_poll - self.clock()
            if wait > 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=wait)
                except TimeoutError:
                    pass
                continue
            await self.poll(feed)

    async def poll(self, feed: FeedConfig) -> PollReport:
        """Read the feed, record what it lists, and fetch the entries that are due."""
        try:
            return await self._poll(feed)
        except Exception as exc:  # a bug must not stop the other feeds: log it, count it, go on
            log.exception("feed %s: internal error", feed.url)
            self.metrics.failures.labels(feed.url, "internal_error").inc()
            return PollReport(feed.url, "failed", reason=f"internal_error: {exc}")

    async def _poll(self, feed: FeedConfig) -> PollReport:
        known = self.state.feed(feed.url, feed.source)
        try:
            fetched = await self.fetcher.get(feed.url, accept=FEED_ACCEPT, etag=known.etag,
                                             last_modified=known.last_modified)
            outcome = "not_modified" if fetched.status == 304 else "ok"
            listed = 0
            if fetched.status == 304:
                self.state.feed_not_modified(feed.url, self.clock() + feed.interval_s, self.clock())
            else:
                parsed = parse_feed(fetched.content, fetched.url, fetched.content_type)
                if parsed.warning:
                    outcome = "malformed"
                    log.warning("feed %s: %s; %d entries read", feed.url, parsed.warning, len(parsed.entries))
                self._feed_languages[feed.url] = parsed.language
                listed = len(parsed.entries)
                self.state.feed_read(
                    feed.url, [ListedEntry(e.link, e.fingerprint, e.title, e.published_at) for e in parsed.entries],
                    fetched.headers.get("etag"), fetched.headers.get("last-modified"),
                    self.clock() + feed.interval_s, self.clock())
        except (FetchError, FeedError) as error:
            return self._feed_failed(feed, known, error)
        self.metrics.polls.labels(feed.url, outcome).inc()
        self.metrics.last_success.labels(feed.url).set(self.clock())
        report = PollReport(feed.url, outcome, listed=listed)
        due = self.state.entries_due(feed.url, self.clock())
        async with asyncio.TaskGroup() as group:
            entries = [group.create_task(self._entry(feed, entry)) for entry in due]
        for entry in entries:
            setattr(report, entry.result(), getattr(report, entry.result()) + 1)
        log.info("feed %s: %s, %d listed, %d new, %d updated, %d unchanged, %d failed", feed.url, outcome,
                 report.listed, report.new, report.updated, report.unchanged, report.failed)
        return report

    def _feed_failed(self, feed: FeedConfig, known: FeedState, error: FetchError | FeedError) -> PollReport:
        ceiling = max(self.config.crawler.max_backoff_s, feed.interval_s)
        asked = getattr(error, "retry_after", None) or 0.0
        backoff = max(min(ceiling, feed.interval_s * 2 ** (known.failures + 1)), asked)
        self.state.feed_failed(feed.url, f"{error.reason}: {error.detail}", backoff, self.clock())
        self.metrics.polls.labels(feed.url, "failed").inc()
        self.metrics.failures.labels(feed.url, error.reason).inc()
        log.warning("feed %s: %s: %s; next poll in %.0f s", feed.url, error.reason, error.detail, backoff)
        self._report(PageError(feed.url, feed.source, feed.url, error.reason, error.detail, final=False,
                               at=utc_now_iso()))
        return PollReport(feed.url, "failed", reason=error.reason)

    async def _entry(self, feed: FeedConfig, entry: EntryState) -> str:
        """Fetch, extract and publish one entry's page: new, updated, unchanged or failed."""
        started = time.perf_counter()
        try:
            fetched = await self.fetcher.get(entry.link)
            fetched_at = time.perf_counter()
            self.metrics.seconds.labels("fetch").inc(fetched_at - started)
            page = extract_page(fetched.content, fetched.url, fetched.content_type)
            self.metrics.seconds.labels("extract").inc(time.perf_counter() - fetched_at)
        except FetchError as error:
            return self._entry_failed(feed, entry, error.reason, error.detail, error.transient, error.retry_after)
        except ExtractError as error:
            return self._entry_failed(feed, entry, error.reason, error.detail, transient=False)
        except Exception as error:  # a bug met on one page fails that page, not its feed
            log.exception("page %s: internal error", entry.link)
            return self._entry_failed(feed, entry, "internal_error", f"{type(error).__name__}: {error}",
                                      transient=False)
        # From here to the end nothing awaits: no other entry can publish the same canonical URL
        # between the check and the record.
        published = time.perf_counter()
        try:
            return self._publish(feed, entry, page, fetched)
        except ValidationError as error:
            return self._entry_failed(feed, entry, "invalid_article", str(error).splitlines()[0], transient=False)
        except Exception as error:  # the sink failed (a broker away): the article stays pending
            return self._entry_failed(feed, entry, "sink_error", f"{type(error).__name__}: {error}", transient=True)
        finally:
            self.metrics.seconds.labels("publish").inc(time.perf_counter() - published)

    def _publish(self, feed: FeedConfig, entry: EntryState, page: Page, fetched: Fetched) -> str:
        title = page.title
        if entry.title and (title is None or (entry.title in title and entry.title != title)):
            title = entry.title  # the page's <title> is the feed's title with the site's name
        digest = content_hash(title, page.body)
        identifier = article_id(page.canonical_url)
        for pending in self.state.pending():
            if pending.article_id == identifier:
                self._settle(pending)
        if self.state.published_hash(page.canonical_url) == digest:
            self.state.entry_done(feed.url, entry.link)
            return "unchanged"
        article = Article(
            id=identifier, source=feed.source, url=page.canonical_url, title=title, body=page.body,
            published_at=entry.published_at or page.published_at,
            language=decide_language(page.body, feed.language, page.language, self._feed_languages.get(feed.url)),
            metadata={"feed": feed.url, "link": entry.link, "fetched_url": fetched.url, "fetched_at": utc_now_iso(),
                      "encoding": page.encoding, "extractor": EXTRACTOR, "content_hash": digest,
                      "version": self.state.versions(page.canonical_url) + 1})
        pending = Pending(identifier, page.canonical_url, digest, feed.url, entry.link)
        self.state.begin_publish(pending, self.clock())
        self.sink.publish(article)
        kind = "new" if self.state.finish_publish(pending, self.clock()) else "updated"
        self.metrics.articles.labels(feed.url, kind).inc()
        return kind

    def _entry_failed(self, feed: FeedConfig, entry: EntryState, reason: str, detail: str, transient: bool,
                      retry_after: float | None = None) -> str:
        crawler = self.config.crawler
        attempts = entry.attempts + 1
        final = not transient or attempts >= crawler.max_attempts
        delay = min(crawler.max_backoff_s, max(retry_after or 0.0, crawler.backoff_s * 2 ** attempts))
        self.state.entry_failed(feed.url, entry.link, f"{reason}: {detail}",
                                retry_at=None if final else self.clock() + delay)
        self.metrics.failures.labels(feed.url, reason).inc()
        log.warning("page %s (%s): %s: %s%s", entry.link, feed.source, reason, detail,
                    "" if final else f"; tried again in {delay:.3g} s or later")
        self._report(PageError(feed.url, feed.source, entry.link, reason, detail, final, utc_now_iso()))
        return "failed"

    def _report(self, error: PageError) -> None:
        try:
            self.sink.report(error)
        except Exception as exc:  # the sink is away: the failure is logged and counted all the same
            log.error("could not report %s for %s to the errors sink: %s", error.reason, error.url, exc)
