"""A Faust table seen as the plain mapping of contract models that processors expect."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Generic, TypeVar

from schemas import Contract

M = TypeVar("M", bound=Contract)


class ContractMapping(MutableMapping[str, M], Generic[M]):
    """Stores ``model.to_json()`` bytes under UTF-8 keys in a table of raw bytes."""

    def __init__(self, table: MutableMapping[bytes, bytes], model: type[M]) -> None:
        self._table = table
        self._model = model

    def __getitem__(self, key: str) -> M:
        raw = self._table[key.encode("utf-8")]
        if raw is None:
            raise KeyError(key)
        return self._model.from_json(raw)

    def __setitem__(self, key: str, value: M) -> None:
        self._table[key.encode("utf-8")] = value.to_json()

    def __delitem__(self, key: str) -> None:
        del self._table[key.encode("utf-8")]

    def __iter__(self) -> Iterator[str]:
        return (key.decode("utf-8") for key in self._table)

    def __len__(self) -> int:
        return len(self._table)
