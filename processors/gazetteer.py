"""A registry of canonical entities and a clitic-aware lookup over normalized tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import orjson

from processors.arabic import PROCLITIC_LETTERS, original_offset, proclitic_readings
from schemas import Entity, Token

@dataclass(frozen=True, slots=True)
class Canonical:
    """One entity of the registry."""

    entity_id: str
    type: str
    canonical: str


class Gazetteer:
    """Maps sequences of match forms to canonical entities, longest match first."""

    def __init__(self, entries: Iterable[tuple[Canonical, Iterable[str]]],
                 match_form: Callable[[str], str]) -> None:
        self._index: dict[tuple[str, ...], Canonical] = {}
        for entity, names in entries:
            for name in names:
                key = tuple(match_form(name).split())
                if key:
                    self._index.setdefault(key, entity)
        self._longest = max((len(k) for k in self._index), default=0)
        self._first_forms = frozenset(key[0] for key in self._index)

    @classmethod
    def countries(cls, match_form: Callable[[str], str]) -> Gazetteer:
        """The country registry shipped in ``processors/data/countries.json``."""
        raw = resources.files("processors").joinpath("data/countries.json").read_bytes()
        return cls(((Canonical(e["id"], e["type"], e["canonical"]), e["names"])
                    for e in orjson.loads(raw)), match_form)

    def find(self, text: str, tokens: Sequence[Token], field: str) -> list[Entity]:
        """Non-overlapping matches in one field, with offsets into its original text."""
        found: list[Entity] = []
        i = 0
        while i < len(tokens):
            match = self._match_at(text, tokens, i)
            if match is None:
                i += 1
                continue
            length, skip, entity = match
            start = tokens[i].start + skip
            end = tokens[i + length - 1].end
            found.append(Entity(text=text[start:end], type=entity.type, start=start, end=end,
                                field=field, entity_id=entity.entity_id, canonical=entity.canonical))
            i += length
        return found

    def _match_at(self, text: str, tokens: Sequence[Token], i: int) -> tuple[int, int, Canonical] | None:
        first = tokens[i].norm
        if first not in self._first_forms and first[0] not in PROCLITIC_LETTERS:
            return None
        rest = [t.norm for t in tokens[i + 1:i + self._longest]]
        for stripped, consumed in proclitic_readings(first):
            if stripped not in self._first_forms:
                continue
            for n in range(len(rest) + 1, 0, -1):
                entity = self._index.get((stripped, *rest[:n - 1]))
                if entity is not None:
                    token = tokens[i]
                    skip = original_offset(text[token.start:token.end], consumed) if consumed else 0
                    return n, skip, entity
        return None

