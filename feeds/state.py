"""The crawler's memory, in one SQLite file: what it has published, what each feed lists, the
feeds' validators, schedule and counters.

Publishing is two-phase so that a crash never publishes an article twice: the article is
recorded as *pending* before it is sent and as *published* after the sink has it durably. At
start, each pending article is looked up in the sink (``Crawler.reconcile``): found, it is
recorded as published; not found, it is sent again on the next poll. Entries a feed lists are
stored as soon as the feed is read, with the feed's validators in the same transaction, so an
article listed while the crawler was down, or listed when it was killed, is still fetched
later, even when the feed answers 304 Not Modified.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS feed (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_poll REAL NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    polled INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    last_poll REAL,
    last_success REAL,
    last_error TEXT                  -- the feed's or one of its pages', kept after later successes
);
CREATE TABLE IF NOT EXISTS entry (
    feed_url TEXT NOT NULL,
    link TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    title TEXT,
    published_at TEXT,
    status TEXT NOT NULL,            -- 'todo', 'done' or 'failed' (given up until the feed changes it)
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    PRIMARY KEY (feed_url, link)
);
CREATE TABLE IF NOT EXISTS article (
    canonical_url TEXT PRIMARY KEY,
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    versions INTEGER NOT NULL,
    first_published REAL NOT NULL,
    last_published REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
    article_id TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    feed_url TEXT NOT NULL,
    link TEXT NOT NULL,
    since REAL NOT NULL
);
"""


@dataclass(frozen=True)
class FeedState:
    url: str
    source: str
    etag: str | None
    last_modified: str | None
    next_poll: float
    failures: int
    polled: int
    new: int
    updated: int
    failed: int
    last_poll: float | None
    last_success: float | None
    last_error: str | None


@dataclass(frozen=True)
class EntryState:
    feed_url: str
    link: str
    fingerprint: str
    title: str | None
    published_at: str | None
    status: str
    attempts: int


@dataclass(frozen=True)
class ListedEntry:
    """What a feed says of one entry, as the state keeps it."""

    link: str
    fingerprint: str
    title: str | None
    published_at: str | None


@dataclass(frozen=True)
class Pending:
    article_id: str
    canonical_url: str
    content_hash: str
    feed_url: str
    link: str


class CrawlState:
    """The SQLite store. Every method commits before it returns: a kill leaves it consistent."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        if read_only:
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
        self._db.row_factory = sqlite3.Row

    def close(self) -> None:
        self._db.close()

    # feeds

    def feed(self, url: str, source: str) -> FeedState:
        """The feed's row, created on first sight (due at once)."""
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO feed (url, source) VALUES (?, ?)", (url, source))
            self._db.execute("UPDATE feed SET source = ? WHERE url = ?", (source, url))
        return self.known_feed(url)

    def known_feed(self, url: str) -> FeedState | None:
        row = self._db.execute("SELECT * FROM feed WHERE url = ?", (url,)).fetchone()
        return FeedState(**dict(row)) if row else None

    def feed_read(self, url: str, entries: list[ListedEntry], etag: str | None, last_modified: str | None,
                  next_poll: float, now: float) -> int:
        """A poll that read the feed: its listed entries and validators, in one transaction.

        A new entry, or one whose fingerprint changed (the feed says it was edited), is to do;
        entries no longer listed are forgotten once done. Returns how many entries are new to do."""
        to_do = 0
        with self._db:
            listed = set()
            for entry in entries:
                listed.add(entry.link)
                row = self._db.execute("SELECT fingerprint FROM entry WHERE feed_url = ? AND link = ?",
                                       (url, entry.link)).fetchone()
                if row is None or row["fingerprint"] != entry.fingerprint:
                    to_do += 1
                    self._db.execute(
                        "INSERT INTO entry (feed_url, link, fingerprint, title, published_at, status, attempts, "
                        "next_try) VALUES (?, ?, ?, ?, ?, 'todo', 0, 0) ON CONFLICT (feed_url, link) DO UPDATE SET "
                        "fingerprint = excluded.fingerprint, title = excluded.title, "
                        "published_at = excluded.published_at, status = 'todo', attempts = 0, next_try = 0",
                        (url, entry.link, entry.fingerprint, entry.title, entry.published_at))
            for row in self._db.execute("SELECT link FROM entry WHERE feed_url = ? AND status != 'todo'",
                                        (url,)).fetchall():
                if row["link"] not in listed:
                    self._db.execute("DELETE FROM entry WHERE feed_url = ? AND link = ?", (url, row["link"]))
            self._db.execute(
                "UPDATE feed SET etag = ?, last_modified = ?, next_poll = ?, failures = 0, polled = polled + 1, "
                "last_poll = ?, last_success = ? WHERE url = ?",
                (etag, last_modified, next_poll, now, now, url))
        return to_do

    def feed_not_modified(self, url: str, next_poll: float, now: float) -> None:
        with self._db:
            self._db.execute("UPDATE feed SET next_poll = ?, failures = 0, polled = polled + 1, last_poll = ?, "
                             "last_success = ? WHERE url = ?", (next_poll, now, now, url))

    def feed_failed(self, url: str, error: str, backoff_for: float, now: float) -> None:
        """A poll that could not read the feed: counted, and the next one put off by ``backoff_for``
        seconds (the crawler doubles it with each failure in a row)."""
        with self._db:
            self._db.execute("UPDATE feed SET next_poll = ?, failures = failures + 1, polled = polled + 1, "
                             "failed = failed + 1, last_poll = ?, last_error = ? WHERE url = ?",
                             (now + backoff_for, now, error, url))

    def feeds(self) -> list[FeedState]:
        return [FeedState(**dict(row)) for row in self._db.execute("SELECT * FROM feed ORDER BY url")]

    # entries

    def entries_due(self, feed_url: str, now: float) -> list[EntryState]:
        """The feed's entries still to fetch, oldest first."""
        rows = self._db.execute(
            "SELECT feed_url, link, fingerprint, title, published_at, status, attempts FROM entry "
            "WHERE feed_url = ? AND status = 'todo' AND next_try <= ? ORDER BY published_at, rowid",
            (feed_url, now))
        return [EntryState(**dict(row)) for row in rows]

    def entry_done(self, feed_url: str, link: str) -> None:
        with self._db:
            self._db.execute("UPDATE entry SET status = 'done', last_error = NULL WHERE feed_url = ? AND link = ?",
                             (feed_url, link))

    def entry_failed(self, feed_url: str, link: str, error: str, *, retry_at: float | None) -> None:
        """A page that failed: tried again at ``retry_at``, or (None) given up until the feed changes it."""
        with self._db:
            if retry_at is None:
                self._db.execute("UPDATE entry SET status = 'failed', attempts = attempts + 1, last_error = ? "
                                 "WHERE feed_url = ? AND link = ?", (error, feed_url, link))
            else:
                self._db.execute("UPDATE entry SET attempts = attempts + 1, next_try = ?, last_error = ? "
                                 "WHERE feed_url = ? AND link = ?", (retry_at, error, feed_url, link))
            self._db.execute("UPDATE feed SET failed = failed + 1, last_error = ? WHERE url = ?", (error, feed_url))

    # articles

    def published_hash(self, canonical_url: str) -> str | None:
        row = self._db.execute("SELECT content_hash FROM article WHERE canonical_url = ?",
                               (canonical_url,)).fetchone()
        return row["content_hash"] if row else None

    def versions(self, canonical_url: str) -> int:
        row = self._db.execute("SELECT versions FROM article WHERE canonical_url = ?", (canonical_url,)).fetchone()
        return row["versions"] if row else 0

    def begin_publish(self, pending: Pending, now: float) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO pending VALUES (?, ?, ?, ?, ?, ?)",
                             (pending.article_id, pending.canonical_url, pending.content_hash, pending.feed_url,
                              pending.link, now))

    def finish_publish(self, pending: Pending, now: float) -> bool:
        """The sink has the article: record it, close its entry and count it. True for a new
        article, False for a new version of one published before."""
        with self._db:
            first = self.versions(pending.canonical_url) == 0
            self._db.execute(
                "INSERT INTO article VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (canonical_url) DO UPDATE SET "
                "content_hash = excluded.content_hash, versions = versions + 1, "
                "last_published = excluded.last_published",
                (pending.canonical_url, pending.article_id, pending.content_hash, now, now))
            self._db.execute("DELETE FROM pending WHERE article_id = ?", (pending.article_id,))
            self._db.execute("UPDATE entry SET status = 'done', last_error = NULL WHERE feed_url = ? AND link = ?",
                             (pending.feed_url, pending.link))
            self._db.execute(f"UPDATE feed SET {'new = new' if first else 'updated = updated'} + 1 WHERE url = ?",
                             (pending.feed_url,))
        return first

    def abandon_publish(self, article_id: str) -> None:
        """The sink never got it: forget the attempt; its entry is still to do."""
        with self._db:
            self._db.execute("DELETE FROM pending WHERE article_id = ?", (article_id,))

    def pending(self) -> list[Pending]:
        rows = self._db.execute("SELECT article_id, canonical_url, content_hash, feed_url, link FROM pending")
        return [Pending(**dict(row)) for row in rows]

