"""Stream time for windowed state: the articles' own publication times, kept in the state.

Time-sliced state (duplicate detection, event assembly) expires by the stream's time,
not the wall clock, so a replay or a file run of old articles expires exactly as the
live stream did.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from processors.normalize import instant

CLOCK_KEY = "clock"


def stream_time(published: str | None, state: MutableMapping[str, Any]) -> int:
    """The publication time in epoch seconds (naive times read as UTC); else the newest seen."""
    if published is not None:
        return int(instant(published))
    clock = state.get(CLOCK_KEY)
    return clock[1] if clock else 0


def advance(state: MutableMapping[str, Any], current_slice: int, now: int) -> bool:
    """Move the state's clock forward to ``now``; True when a new time slice has begun."""
    clock = state.get(CLOCK_KEY)
    newest_slice, newest_time = clock if clock else (current_slice, now)
    if clock is None or current_slice > newest_slice or now > newest_time:
        state[CLOCK_KEY] = [max(current_slice, newest_slice), max(now, newest_time)]
    return current_slice > newest_slice
