"""The state of a windowed processor (duplicate detection, event assembly) between messages.

A windowed processor writes one durable record an article in a mapping (dedup the
article's, assembly its event's), and finds records again through an index it
derives from them in memory. In the stream the mapping is a Faust table, where each
write is a changelog record sent to the broker: one write an article, instead of one
a band hash or a term, is what lets the stream keep up.

Time is the stream's own: the articles' publication times, never the wall clock, so
a replay or a file run of old articles expires exactly as the live stream did.
Expired records are deleted a few at a time, so that no single article pays for a
whole day's deletions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from processors.normalize import instant

SWEEP_PER_ARTICLE = 4  # expired records deleted per article: more than are written, so the state stays bounded


@dataclass(eq=False)
class WindowState:
    """``records`` outlive a message: a dict in ``akhbar run``, a Faust table in the stream.

    ``index`` is derived from ``records`` and kept in memory only. The processor builds
    it when it is None; the stream sets it to None whenever Faust recovers the table.
    """

    records: MutableMapping[str, Any] = field(default_factory=dict)
    index: Any = None


class Expiry:
    """The time of every record, and the expired ones still to delete."""

    def __init__(self) -> None:
        self.times: dict[str, int] = {}
        self.newest = 0
        self._due: deque[str] = deque()

    def touch(self, key: str, when: int) -> None:
        self.times[key] = when
        self.newest = max(self.newest, when)

    def now(self, published: str | None) -> int:
        """The publication time in epoch seconds (naive times read as UTC); else the newest seen."""
        return int(instant(published)) if published is not None else self.newest

    def expire(self, horizon: int) -> None:
        """Mark for deletion the records last written before ``horizon``."""
        self._due.extend(key for key, when in self.times.items() if when < horizon)

    def alive(self, key: str, horizon: int) -> bool:
        return self.times.get(key, horizon - 1) >= horizon

    def sweep(self, records: MutableMapping[str, Any], horizon: int, budget: int = SWEEP_PER_ARTICLE) -> list[str]:
        """Delete up to ``budget`` expired records (one rewritten since it was marked stays); their keys."""
        deleted = []
        while len(deleted) < budget and self._due:
            key = self._due.popleft()
            if key in self.times and self.times[key] < horizon:
                del self.times[key]
                records.pop(key, None)
                deleted.append(key)
        return deleted


@dataclass
class SlicedIndex:
    """What a windowed processor derives from its records: their times (``expiry``), the newest
    time slice, and per-slice lookups (``slices``), kept for that slice and the one before."""

    expiry: Expiry = field(default_factory=Expiry)
    current: int | None = None
    slices: dict[int, Any] = field(default_factory=dict)

    def advance(self, current: int) -> bool:
        """Make ``current`` the newest slice if it is newer, forgetting the slices before the
        one before it; True when it was newer."""
        if self.current is not None and current <= self.current:
            return False
        self.current = current
        self.slices = {number: lookups for number, lookups in self.slices.items() if number >= current - 1}
        return True

    def live(self, number: int) -> bool:
        """Whether slice ``number`` is still looked up: the newest or the one before."""
        return self.current is None or number >= self.current - 1
