"""Small facts of Arabic script shared by the processors: proclitics, offset mapping, and the
left-to-right scan of the token rules."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Protocol, TypeVar

from schemas import Token

# Zero-width characters stay inside a token (they do not split words) but leave its match form.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Characters the match form removes around letters: Arabic diacritics, tatweel, zero-width. Used
# to map a position inside a match form back to the original token.
_DROPPED = frozenset(chr(c) for c in [*range(0x064B, 0x0653), 0x0670, 0x0640]) | frozenset(ZERO_WIDTH)
# Proclitics: «و» «ف», then «ب» «ك» «ل», then «ال»; «لل» is «ل» + «ال» with the alef elided.
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
PROCLITIC_LETTERS = frozenset(_CONJUNCTIONS + _PREPOSITIONS)
MIN_BASE = 2


@lru_cache(maxsize=1 << 17)
def proclitic_readings(norm: str) -> tuple[tuple[str, int], ...]:
    """The form itself, then its readings without proclitics, as ``(form, prefix length)``.

    Memoized: the gazetteer, the phrase, name and nationality rules all read every token, and
    words repeat; the result depends on the form alone."""
    readings = [(norm, 0)]
    for conj in ("", *_CONJUNCTIONS):
        if conj and not norm.startswith(conj):
            continue
        rest = norm[len(conj):]
        if conj and len(rest) >= MIN_BASE:
            readings.append((rest, len(conj)))
        for prep in _PREPOSITIONS:
            if rest.startswith(prep) and len(rest) - len(prep) >= MIN_BASE:
                after = rest[len(prep):]
                if prep == "ل" and after.startswith("ل"):
                    readings.append(("ا" + after, len(conj) + len(prep)))  # «لل» = «ل» + «ال»
                readings.append((after, len(conj) + len(prep)))  # «للبنان» = «ل» + «لبنان»
    return tuple(readings)


def base_form(norm: str) -> str:
    """The match form without its article and the clitics before it: «وبالمدينه» → «مدينه»,
    «للسلام» → «سلام».

    Conservative: a conjunction or preposition is stripped only before «ال», where it
    cannot be part of the word («وزير» stays); ``proclitic_readings`` offers the rest.
    """
    rest = norm
    if rest[:1] in _CONJUNCTIONS and rest[1:].startswith(("ال", "بال", "كال", "لل")):
        rest = rest[1:]
    if rest.startswith("لل") and len(rest) - 2 >= MIN_BASE:
        return rest[2:]
    if rest[:1] in _PREPOSITIONS and rest[1:3] == "ال" and len(rest) - 3 >= MIN_BASE:
        return rest[3:]
    if rest.startswith("ال") and len(rest) - 2 >= MIN_BASE:
        return rest[2:]
    return rest


def original_offset(token_text: str, norm_chars: int) -> int:
    """The index in ``token_text`` just after its first ``norm_chars`` match-form characters.

    The match form of a letter drops only the diacritics, tatweel and zero-width
    characters around it, so the walk skips those; it maps a clitic stripped from a
    match form back to the original text.
    """
    index = consumed = 0
    while index < len(token_text) and consumed < norm_chars:
        if token_text[index] not in _DROPPED:
            consumed += 1
        index += 1
    while index < len(token_text) and token_text[index] in _DROPPED:
        index += 1
    return index


def reading_start(text: str, token: Token, reading: str, consumed: int) -> int:
    """Where ``reading``, one of ``proclitic_readings(token.norm)``, starts in ``text``. After
    «لل» the article's alef is elided in writing, so no substring names the word alone: the
    preposition stays with it («للخارجية», never «لخارجية»; but «للبنان» → «لبنان»)."""
    if consumed and reading == "ا" + token.norm[consumed:]:
        consumed -= 1
    return token.start + (original_offset(text[token.start:token.end], consumed) if consumed else 0)


class Spanning(Protocol):
    last: int  # the index of the last token it covers


S = TypeVar("S", bound=Spanning)


def non_overlapping(size: int, taken: Sequence[bool], found_at: Callable[[int], S | None]) -> list[S]:
    """What ``found_at`` finds at each token not ``taken``, left to right, each search starting
    after the last token of the one before: the scan every token rule shares."""
    found = []
    i = 0
    while i < size:
        item = None if taken[i] else found_at(i)
        if item is None:
            i += 1
            continue
        found.append(item)
        i = item.last + 1
    return found
