"""What goes wrong with a feed or a page: a short stable ``reason`` and a ``detail``, as logged,
counted and written to ``feeds.errors``."""

from __future__ import annotations


class Failure(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
