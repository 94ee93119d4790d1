"""Faust tables seen as the plain mappings that processors expect."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson

DECODED_RECORDS = 4096


class TableMapping(MutableMapping[str, Any]):
    """A table of raw bytes seen as ``str`` keys and JSON values (orjson).

    The most recently used values are kept decoded: assembly reads its candidate events
    for every article, and decoding them again cost it about 4 ms an article. Processors
    never change a value they read in place (they write a new one), so a cached value
    stays what the table holds; ``forget_decoded`` drops them when Faust recovers the table.
    """

    def __init__(self, table: MutableMapping[bytes, bytes], decoded: int = DECODED_RECORDS) -> None:
        self._table = table
        self._decoded: OrderedDict[str, Any] = OrderedDict()
        self._capacity = decoded

    def __getitem__(self, key: str) -> Any:
        if key in self._decoded:
            self._decoded.move_to_end(key)
            return self._decoded[key]
        raw = self._table[key.encode("utf-8")]
        if raw is None:
            raise KeyError(key)
        value = orjson.loads(raw)
        self._keep(key, value)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        self._table[key.encode("utf-8")] = orjson.dumps(value)
        self._keep(key, value)

    def __delitem__(self, key: str) -> None:
        self._decoded.pop(key, None)
        del self._table[key.encode("utf-8")]

    def __iter__(self) -> Iterator[str]:
        return (key.decode("utf-8") for key in list(self._table))

    def __len__(self) -> int:
        return len(self._table)

    def forget_decoded(self) -> None:
        self._decoded.clear()

    def _keep(self, key: str, value: Any) -> None:
        self._decoded[key] = value
        self._decoded.move_to_end(key)
        if len(self._decoded) > self._capacity:
            self._decoded.popitem(last=False)
