"""Faust tables seen as the plain mappings that processors expect."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Any

import orjson

from schemas import Contract


class TableMapping(MutableMapping[str, Any]):
    """A table of raw bytes seen as ``str`` keys and decoded values: contract models when
    ``model`` is given, plain JSON values otherwise."""

    def __init__(self, table: MutableMapping[bytes, bytes], model: type[Contract] | None = None) -> None:
        self._table = table
        self._model = model

    def __getitem__(self, key: str) -> Any:
        raw = self._table[key.encode("utf-8")]
        if raw is None:
            raise KeyError(key)
        return self._model.from_json(raw) if self._model else orjson.loads(raw)

    def __setitem__(self, key: str, value: Any) -> None:
        self._table[key.encode("utf-8")] = value.to_json() if self._model else orjson.dumps(value)

    def __delitem__(self, key: str) -> None:
        del self._table[key.encode("utf-8")]

    def __iter__(self) -> Iterator[str]:
        return (key.decode("utf-8") for key in list(self._table))

    def __len__(self) -> int:
        return len(self._table)
