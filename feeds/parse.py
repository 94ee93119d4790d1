"""Feeds, with feedparser: RSS 0.9x–2.0, RSS 1.0, Atom and their dialects, in any charset
their XML declares, and broken XML read by feedparser's lenient parser where it can be."""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

import feedparser

from feeds.dates import iso_date
from feeds.errors import Failure


class FeedError(Failure):
    """Not a feed: ``reason`` is ``not_a_feed`` (no feed at all) or ``broken_xml`` (nothing recoverable)."""


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published_at: str | None
    # Changes when the feed says the entry changed (its dates, title or summary): fetch it again.
    fingerprint: str


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    language: str | None
    entries: tuple[FeedEntry, ...]
    # Set when the XML was broken but entries could be read all the same.
    warning: str | None = None


def parse_feed(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """The feed's entries with a link, in the feed's order; raises FeedError for what is no feed."""
    parsed = feedparser.parse(content, response_headers={"content-type": content_type or "application/xml",
                                                         "content-location": url})
    problem = parsed.get("bozo_exception")
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        if not parsed.get("version"):
            raise FeedError("not_a_feed", f"no RSS or Atom in {len(content):,} bytes"
                            + (f" ({type(problem).__name__}: {problem})" if problem else ""))
        raise FeedError("broken_xml", f"{type(problem).__name__}: {problem}")
    entries = []
    seen = set()
    for entry in parsed.entries:
        link = entry_link(entry)
        if link is None or link in seen:
            continue
        seen.add(link)
        published = entry_date(entry)
        title = (entry.get("title") or "").strip() or None
        signature = "\x1f".join([link, title or "", *(written(entry, key) or "" for key in
                                                        ("published", "updated", "summary"))])
        entries.append(FeedEntry(link=link, title=title, published_at=published,
                                 fingerprint=hashlib.sha256(signature.encode("utf-8")).hexdigest()[:32]))
    warning = None
    if parsed.get("bozo") and problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        warning = f"malformed feed read leniently ({type(problem).__name__}: {problem})"
    return ParsedFeed(title=parsed.feed.get("title"), language=parsed.feed.get("language"),
                      entries=tuple(entries), warning=warning)


def entry_link(entry) -> str | None:
    """The entry's page: its alternate link, else a permalink guid."""
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href", "").startswith(("http://", "https://")):
            return link["href"]
    link = entry.get("link") or ""
    if link.startswith(("http://", "https://")):
        return link
    guid = entry.get("id") or ""
    if entry.get("guidislink", True) and guid.startswith(("http://", "https://")):
        return guid
    return None


def entry_date(entry) -> str | None:
    """When the entry was published (else updated), keeping the feed's UTC offset."""
    for key in ("published", "updated", "created"):
        when = iso_date(written(entry, key))
        if when:
            return when
        parsed = written(entry, f"{key}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), timezone.utc).isoformat()
    return None


def written(entry, key: str):
    """What the feed wrote for ``key``, without feedparser's deprecated fallback from ``updated`` to ``published``."""
    return dict.get(entry, key)
