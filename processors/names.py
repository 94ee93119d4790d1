"""Person names as chains: a given name, then names, «بن», «بنت», «أبو», «آل».

``data/names.json`` (derived from arabic-name-romanizer's Wikidata name index; see
``NOTICE-names.txt``) lists about 4,000 given names and 7,200 surnames in match form, and
the names that are also common words («أمل», «سلام»), which start no chain. A chain is a
given name followed by at least one name: a given name or surname, a particle and the
name after it, or «ال» on a rare word («الأزيمع», «العصيمي»), the shape of most Arabian
family names. «علي» folds with «على» in match form, so it counts as a name only where it
is written with «ي».
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import orjson

from processors.arabic import non_overlapping, proclitic_readings, reading_start
from processors.cues import PERSON_TRIGGERS
from schemas import Token

PARTICLES = frozenset({"بن", "بنت", "ابن", "ابو", "ابي", "ام", "ال", "عبد"})
# Titles and honorifics end a name («عبدالعزيز ولي ولي العهد», «خليفة صاحب السمو»).
HONORIFICS = PERSON_TRIGGERS | frozenset({"ولي", "صاحب", "سمو", "السمو", "الملكي", "ملك", "امير", "العهد", "والي"})
RARE_WORD_MAX = 15_000  # documents in a million: an «ال» word this rare may be a family name
AMBIGUOUS_FOLDS = {"علي": "على"}  # a name whose match form is also a common word's


@dataclass(frozen=True)
class NameLists:
    """The shipped name lists, in match form: names that are also common words left out of
    ``given`` and ``surnames``."""

    given: frozenset[str]
    surnames: frozenset[str]
    common: frozenset[str]

    @classmethod
    def load(cls) -> NameLists:
        raw = orjson.loads(resources.files("processors").joinpath("data/names.json").read_bytes())
        common = frozenset(raw["common"])
        return cls(frozenset(raw["given"]) - common, frozenset(raw["surnames"]) - common, common)


@dataclass(frozen=True, slots=True)
class NameChain:
    """Tokens ``[first, last]`` name a person, from ``start`` in the original text (after the
    first token's proclitics)."""

    first: int
    last: int
    start: int


class NameChains:
    """Finds name chains over normalized tokens."""

    def __init__(self, names: NameLists, word_counts: Mapping[str, int]) -> None:
        self._common = names.common
        self._given = names.given
        self._names = names.given | names.surnames
        self._word_counts = word_counts

    def find(self, text: str, tokens: Sequence[Token], taken: Sequence[bool]) -> list[NameChain]:
        return non_overlapping(len(tokens), taken, lambda i: self._chain_at(text, tokens, i, taken))

    def _chain_at(self, text: str, tokens: Sequence[Token], i: int, taken: Sequence[bool]) -> NameChain | None:
        reading = self._given_name(text, tokens[i])
        if reading is None:
            return None
        last = i
        j = i + 1
        while j < len(tokens) and not taken[j] and tokens[j].norm not in HONORIFICS:
            norm = tokens[j].norm
            if norm in PARTICLES and j + 1 < len(tokens) and not taken[j + 1]:
                j += 1  # the particle and the name after it
                last = j
                j += 1
            elif self._name_word(norm):
                last, j = j, j + 1
            else:
                break
        return NameChain(i, last, reading_start(text, tokens[i], *reading)) if last > i else None

    def _given_name(self, text: str, token: Token) -> tuple[str, int] | None:
        """The reading of the token (and its proclitic characters) that is a given name, if any.
        «لل» is «ل» + «ال» before a noun far more often than «ل» before a name: «للبنى التحتية» is
        the infrastructure, not Lubna."""
        for reading, consumed in proclitic_readings(token.norm):
            if consumed and token.norm[consumed - 1:consumed + 1] == "لل":
                continue
            if reading in self._given or (reading in AMBIGUOUS_FOLDS
                                          and text[token.start:token.end].endswith("ي")):
                return reading, consumed
        return None

    def _name_word(self, norm: str) -> bool:
        """A given name or surname, or «ال» on a rare word («الأزيمع», «العصيمي»)."""
        if norm in self._names:
            return True
        return (norm.startswith("ال") and len(norm) > 4 and norm not in self._common
                and self._word_counts.get(norm[2:], 0) < RARE_WORD_MAX)
