"""HTTP for the crawler: httpx (connection reuse, HTTP/2 where a server offers it) with a
polite crawler's manners.

- Redirects are followed here, hop by hop, so that each hop passes robots.txt and the host's
  limits; a loop or more than ``max_redirects`` hops is an error.
- The body is streamed and refused as soon as it passes ``max_page_bytes`` (at once when
  Content-Length says so): a 10 MB page costs little.
- A whole request, body included, has ``timeout_s``: a server that trickles bytes times out too.
- Per host: at most ``host_concurrency`` requests at a time, started ``host_interval_s`` apart
  (longer if robots.txt asks for a Crawl-delay), and none while the host asked us to wait.
- Transient failures (timeouts, network errors, 5xx, 429) are retried with exponential
  back-off; 429 and 503 honour Retry-After, up to ``max_retry_after_s``: a longer wait is left
  to the crawler's schedule.
- robots.txt is read per origin with urllib.robotparser, as RFC 9309 says: a 4xx means no
  rules, an unreachable robots.txt means nothing may be fetched for now.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from feeds.config import CrawlerConfig
from feeds.errors import Failure

log = logging.getLogger(__name__)

REDIRECTS = {301, 302, 303, 307, 308}
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}
THROTTLING_STATUSES = {429, 503}
ROBOTS_TTL_S = 24 * 3600.0
MAX_CRAWL_DELAY_S = 60.0
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class FetchError(Failure):
    """A request that gave no usable answer: ``reason`` is a short stable code (``timeout``,
    ``http_404``, ``too_large``, ``redirect_loop``…), ``detail`` says what happened."""

    def __init__(self, reason: str, detail: str, *, transient: bool, url: str = "", status: int | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(reason, detail)
        self.transient = transient
        self.url = url
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True)
class Fetched:
    """An answer: 200 with its body, 304 without one, or (inside the fetcher) a redirect."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class HostGate:
    """One host's limits: at most ``concurrency`` requests at once, started ``interval_s`` apart,
    and none before ``blocked_until`` (a 429 or 503 asked us to wait)."""

    def __init__(self, concurrency: int, interval_s: float) -> None:
        self.interval_s = interval_s
        self.blocked_until = 0.0
        self._slots = asyncio.Semaphore(concurrency)
        self._turn = asyncio.Lock()
        self._next_start = 0.0

    def block_for(self, seconds: float) -> None:
        self.blocked_until = max(self.blocked_until, time.monotonic() + seconds)

    @asynccontextmanager
    async def slot(self, url: str, max_wait_s: float) -> AsyncIterator[None]:
        async with self._slots:
            async with self._turn:
                blocked = self.blocked_until - time.monotonic()
                if blocked > max_wait_s:
                    raise FetchError("backing_off", f"the host asked us to wait {blocked:.0f} s more",
                                     transient=True, url=url, retry_after=blocked)
                wait = max(self._next_start, self.blocked_until) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._next_start = time.monotonic() + self.interval_s
            yield


@dataclass
class RobotsRules:
    parser: RobotFileParser
    expires: float


class Fetcher:
    """The crawler's one HTTP client; use as an async context manager."""

    def __init__(self, config: CrawlerConfig, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.user_agent = config.user_agent
        self._client = httpx.AsyncClient(
            http2=True, transport=transport, follow_redirects=False, timeout=httpx.Timeout(config.timeout_s),
            headers={"User-Agent": self.user_agent, "Accept-Language": "ar, en;q=0.5"})
        self._gates: dict[str, HostGate] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_exc) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, accept: str = PAGE_ACCEPT, etag: str | None = None,
                  last_modified: str | None = None) -> Fetched:
        """GET ``url`` to its final answer (200, or 304 to a conditional GET); raises FetchError."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempt = 0
        while True:
            try:
                return await self._follow(url, headers, check_robots=self.config.respect_robots)
            except FetchError as error:
                delay = error.retry_after if error.retry_after is not None else self.config.backoff_s * 2 ** attempt
                if error.status in THROTTLING_STATUSES:
                    self._gate(error.url or url).block_for(delay)
                if not error.transient or attempt >= self.config.retries or delay > self.config.max_retry_after_s:
                    raise
                log.info("retrying %s in %.1f s after %s", url, delay, error)
                if error.status not in THROTTLING_STATUSES:
                    await asyncio.sleep(delay)
                attempt += 1

    def _gate(self, url: str) -> HostGate:
        host = urlsplit(url).netloc.lower()
        if host not in self._gates:
            self._gates[host] = HostGate(self.config.host_concurrency, self.config.host_interval_s)
        return self._gates[host]

    async def _follow(self, url: str, headers: dict[str, str], *, check_robots: bool) -> Fetched:
        visited: list[str] = []
        current = url
        for _ in range(self.config.max_redirects + 1):
            if current in visited:
                raise FetchError("redirect_loop", " → ".join([*visited, current]), transient=False, url=url)
            visited.append(current)
            if check_robots:
                await self._check_robots(current)
            answer = await self._request(current, headers)
            if answer.status not in REDIRECTS:
                return answer
            target = urljoin(current, answer.headers["location"])
            if urlsplit(target).scheme not in {"http", "https"}:
                raise FetchError("bad_redirect", f"{current} redirects to {target}", transient=False, url=url)
            current = target
        raise FetchError("too_many_redirects", f"more than {self.config.max_redirects} redirects from {url}",
                         transient=False, url=url)

    async def _request(self, url: str, headers: dict[str, str]) -> Fetched:
        async with self._gate(url).slot(url, self.config.max_retry_after_s):
            try:
                async with asyncio.timeout(self.config.timeout_s):
                    async with self._client.stream("GET", url, headers=headers) as response:
                        return await self._read(url, response)
            except (TimeoutError, httpx.TimeoutException):
                raise FetchError("timeout", f"no complete answer within {self.config.timeout_s:g} s",
                                 transient=True, url=url) from None
            except httpx.HTTPError as exc:
                raise FetchError("network_error", f"{type(exc).__name__}: {exc}", transient=True, url=url) from None

    async def _read(self, url: str, response: httpx.Response) -> Fetched:
        status = response.status_code
        if status in REDIRECTS:
            if not response.headers.get("location"):
                raise FetchError("bad_redirect", f"{status} without a Location", transient=False, url=url)
            return Fetched(url, status, response.headers, b"")
        if status == 304:
            return Fetched(url, status, response.headers, b"")
        if status != 200:
            raise FetchError(f"http_{status}", f"{status} {response.reason_phrase}".strip(),
                             transient=status in TRANSIENT_STATUSES, url=url, status=status,
                             retry_after=retry_after_seconds(response.headers.get("retry-after")))
        limit = self.config.max_page_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError("too_large", f"Content-Length {int(declared):,} bytes, over the {limit:,} byte limit",
                             transient=False, url=url)
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchError("too_large", f"over the {limit:,} byte limit; stopped reading", transient=False,
                                 url=url)
        return Fetched(str(response.url), status, response.headers, bytes(body))

    async def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            rules = self._robots.get(origin)
            if rules is None or rules.expires < time.monotonic():
                rules = self._robots[origin] = await self._load_robots(origin)
        if not rules.parser.can_fetch(self.user_agent, url):
            raise FetchError("robots_disallowed", f"{origin}/robots.txt disallows {parts.path or '/'} for "
                             f"{self.user_agent.split('/')[0]}", transient=False, url=url)

    async def _load_robots(self, origin: str) -> RobotsRules:
        robots_url = f"{origin}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            answer = await self._follow(robots_url, {"Accept": "text/plain"}, check_robots=False)
            parser.parse(answer.content.decode("utf-8", errors="replace").splitlines())
        except FetchError as error:
            if error.status is None or error.status >= 500 or error.status == 429:
                raise FetchError("robots_unavailable", f"{robots_url}: {error}", transient=True, url=robots_url,
                                 status=error.status, retry_after=error.retry_after) from None
            parser.parse([])  # 4xx: the site has no rules for crawlers
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            gate = self._gate(origin)
            gate.interval_s = max(gate.interval_s, min(float(delay), MAX_CRAWL_DELAY_S))
        return RobotsRules(parser, time.monotonic() + ROBOTS_TTL_S)
