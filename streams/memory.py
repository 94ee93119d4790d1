"""Garbage collection for a streaming process.

A stage builds its models, lexicons and registry once (hundreds of thousands of objects
that live as long as the process), then handles articles whose objects die young and
are freed by reference counting. CPython's default thresholds made a full collection,
walking all of that long-lived state, every few dozen articles: 55 in the first 3,000
dev-stream articles, about a sixth of the CPU time. Frozen out of the collector and with
a larger first generation, the same run needs none (``docs/benchmarks.md``).
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 10)  # allocations before a young collection; young, then middle, collections before the next


def settle_long_lived_state() -> None:
    """Call once the process's long-lived state is built."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
