"""FEEDS.toml: the outlets' feeds to poll and how politely to crawl them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feeds.language import language_tag

AGENT_NAME = "Akhbar"
AGENT_VERSION = "0.1"


class ConfigError(ValueError):
    """FEEDS.toml cannot be used as written; the message names the file and the key."""


@dataclass(frozen=True)
class FeedConfig:
    source: str
    url: str
    interval_s: float
    language: str | None = None


@dataclass(frozen=True)
class CrawlerConfig:
    """How the crawler behaves towards every site; the defaults are a polite crawler's."""

    contact: str
    state_path: Path
    timeout_s: float = 20.0
    max_page_bytes: int = 5_000_000
    max_redirects: int = 5
    host_concurrency: int = 2
    host_interval_s: float = 1.0
    retries: int = 2
    backoff_s: float = 2.0
    max_backoff_s: float = 3600.0
    max_retry_after_s: float = 120.0
    max_attempts: int = 5
    respect_robots: bool = True

    @property
    def user_agent(self) -> str:
        return f"{AGENT_NAME}/{AGENT_VERSION} (+{self.contact})"


@dataclass(frozen=True)
class Config:
    crawler: CrawlerConfig
    feeds: tuple[FeedConfig, ...] = field(default_factory=tuple)


# FEEDS.toml keys of [crawler]: the CrawlerConfig field each sets, its type and its least value.
CRAWLER_KEYS: dict[str, tuple[str, type, float]] = {
    "timeout": ("timeout_s", float, 0.1),
    "max_page_bytes": ("max_page_bytes", int, 1024),
    "max_redirects": ("max_redirects", int, 0),
    "host_concurrency": ("host_concurrency", int, 1),
    "host_interval": ("host_interval_s", float, 0),
    "retries": ("retries", int, 0),
    "backoff": ("backoff_s", float, 0),
    "max_backoff": ("max_backoff_s", float, 1),
    "max_retry_after": ("max_retry_after_s", float, 0),
    "max_attempts": ("max_attempts", int, 1),
    "respect_robots": ("respect_robots", bool, 0),
}
FEED_KEYS = {"source", "url", "interval", "language"}
DEFAULT_INTERVAL_S = 900.0
MIN_INTERVAL_S = 1.0


def load_config(path: Path, state_path: Path | None = None) -> Config:
    """Read and check FEEDS.toml; ``state_path`` overrides ``[crawler] state``."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    unknown = set(document) - {"crawler", "feed"}
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {sorted(unknown)}; expected [crawler] and [[feed]]")
    crawler = _crawler(path, document.get("crawler", {}), state_path)
    default_interval = _typed(path, "[crawler] interval", document.get("crawler", {}).get(
        "interval", DEFAULT_INTERVAL_S), float, MIN_INTERVAL_S)
    tables = document.get("feed", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{path}: feeds are [[feed]] tables (an array), not [feed]")
    feeds = tuple(_feed(path, n, table, default_interval) for n, table in enumerate(tables, 1))
    if not feeds:
        raise ConfigError(f"{path}: no [[feed]] tables")
    urls = [feed.url for feed in feeds]
    repeated = sorted({url for url in urls if urls.count(url) > 1})
    if repeated:
        raise ConfigError(f"{path}: feed url listed more than once: {', '.join(repeated)}")
    return Config(crawler=crawler, feeds=feeds)


def _crawler(path: Path, table: dict[str, Any], state_path: Path | None) -> CrawlerConfig:
    unknown = set(table) - set(CRAWLER_KEYS) - {"contact", "state", "interval"}
    if unknown:
        raise ConfigError(f"{path}: unknown [crawler] key(s) {sorted(unknown)}")
    contact = table.get("contact")
    if not isinstance(contact, str) or not contact.strip():
        raise ConfigError(f"{path}: [crawler] contact is required: a URL or mailto: address that sites "
                          "can reach you at; it goes into the User-Agent")
    if state_path is None:
        state = table.get("state", f"{path.stem}.state.sqlite")
        if not isinstance(state, str):
            raise ConfigError(f"{path}: [crawler] state must be a file name")
        state_path = path.parent / state
    values: dict[str, Any] = {}
    for key, (name, kind, least) in CRAWLER_KEYS.items():
        if key in table:
            values[name] = _typed(path, f"[crawler] {key}", table[key], kind, least)
    return CrawlerConfig(contact=contact.strip(), state_path=state_path, **values)


def _feed(path: Path, number: int, table: Any, default_interval: float) -> FeedConfig:
    where = f"{path}: [[feed]] #{number}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: not a table")
    unknown = set(table) - FEED_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}")
    source, url = table.get("source"), table.get("url")
    if not isinstance(source, str) or not source.strip():
        raise ConfigError(f"{where}: source (the outlet's name) is required")
    if not isinstance(url, str) or urlsplit(url).scheme not in {"http", "https"} or not urlsplit(url).hostname:
        raise ConfigError(f"{where}: url must be an http(s) address, got {url!r}")
    language = table.get("language")
    if language is not None and (not isinstance(language, str) or language_tag(language) is None):
        raise ConfigError(f"{where}: language must be a tag such as 'ar' or 'ar-SA', got {language!r}")
    interval = _typed(path, f"[[feed]] #{number} interval", table.get("interval", default_interval), float,
                      MIN_INTERVAL_S)
    return FeedConfig(source=source.strip(), url=url, interval_s=interval, language=language_tag(language))


def _typed(path: Path, key: str, value: Any, kind: type, least: float) -> Any:
    """``value`` as ``kind`` (an integer is a fine float; a bool is no number), at least ``least``."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ConfigError(f"{path}: {key} must be a {kind.__name__}, got {value!r}")
    if kind is not bool and value < least:
        raise ConfigError(f"{path}: {key} must be at least {least:g}, got {value!r}")
    return value

