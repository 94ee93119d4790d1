"""A registry of canonical entities and a clitic-aware lookup over normalized tokens."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from processors.arabic import PROCLITIC_LETTERS, base_form, proclitic_readings, reading_start
from processors.registry import Canonical, Registry
from processors.terms import DocumentFrequencies
from schemas import Token


@dataclass(frozen=True, slots=True)
class Match:
    """A registry name found at tokens ``[first, last]``, at ``[start, end)`` in the original text."""

    first: int
    last: int
    start: int
    end: int
    entity: Canonical


# A word read as proclitics + a name only when the whole word is not this many times commoner:
# «ولاية» is a word, not «و» + «لاية».
WHOLE_WORD_RATIO = 10


class Gazetteer:
    """Maps sequences of match forms to canonical entities, longest match first."""

    def __init__(self, index: dict[tuple[str, ...], Canonical], word_counts: Mapping[str, int]) -> None:
        self._index = index
        self._longest = max((len(k) for k in index), default=0)
        self._first_forms = frozenset(key[0] for key in index)
        self.word_counts = word_counts

    @classmethod
    def from_registry(cls, registry: Registry, match_form: Callable[[str], str],
                      word_counts: Mapping[str, int] | None = None) -> Gazetteer:
        """``word_counts``: how common each word is (by default the shipped word frequencies)."""
        return cls(registry.names_by_form(match_form),
                   DocumentFrequencies.load().counts if word_counts is None else word_counts)

    def lookup(self, forms: tuple[str, ...]) -> Canonical | None:
        """The entity named exactly by these match forms, if any."""
        return self._index.get(forms)

    def matches(self, text: str, tokens: Sequence[Token]) -> list[Match]:
        """Non-overlapping registry names, longest first, with offsets into the original text."""
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            match = self._match_at(text, tokens, i)
            if match is None:
                i += 1
                continue
            length, start, entity = match
            found.append(Match(i, i + length - 1, start, tokens[i + length - 1].end, entity))
            i += length
        return found

    @staticmethod
    def iob_tags(matches: Sequence[Match], size: int) -> list[str]:
        """Matches as one IOB tag per token (a feature of the NER tagger)."""
        tags = ["O"] * size
        for match in matches:
            tags[match.first] = f"B-{match.entity.type}"
            for i in range(match.first + 1, match.last + 1):
                tags[i] = f"I-{match.entity.type}"
        return tags

    def _match_at(self, text: str, tokens: Sequence[Token], i: int) -> tuple[int, int, Canonical] | None:
        first = tokens[i].norm
        if first not in self._first_forms and first[0] not in PROCLITIC_LETTERS:
            return None
        rest = [t.norm for t in tokens[i + 1:i + self._longest]]
        for stripped, consumed in proclitic_readings(first):
            if stripped not in self._first_forms or consumed and self._whole_word_likelier(first, stripped):
                continue
            for n in range(len(rest) + 1, 0, -1):
                entity = self._index.get((stripped, *rest[:n - 1]))
                if entity is not None:
                    return n, reading_start(text, tokens[i], stripped, consumed), entity
        return None

    def _whole_word_likelier(self, word: str, name: str) -> bool:
        counts = self.word_counts
        return counts.get(word, 0) > WHOLE_WORD_RATIO * counts.get(base_form(name), 0)

