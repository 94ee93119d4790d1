"""Faust tables seen as the plain mappings that processors expect."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson


class TableMapping(MutableMapping[str, Any]):
    """A table of raw bytes seen as ``str`` keys and JSON values (orjson)."""

    def __init__(self, table: MutableMapping[bytes, bytes]) -> None:
        self._table = table

    def __getitem__(self, key: str) -> Any:
        raw = self._table[key.encode("utf-8")]
        if raw is None:
            raise KeyError(key)
        return orjson.loads(raw)

    def __setitem__(self, key: str, value: Any) -> None:
        self._table[key.encode("utf-8")] = orjson.dumps(value)

    def __delitem__(self, key: str) -> None:
        del self._table[key.encode("utf-8")]

    def __iter__(self) -> Iterator[str]:
        return (key.decode("utf-8") for key in list(self._table))

    def __len__(self) -> int:
        return len(self._table)
