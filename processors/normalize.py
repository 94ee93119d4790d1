"""Normalization: match forms of each field, with token offsets into the original text.

The original text is never modified. Each token keeps its ``[start, end)`` in the
original field, so that every span found downstream indexes into what the
producer sent.
"""

from __future__ import annotations

import re
from datetime import datetime

from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from processors.errors import Rejected
from schemas import Article, NormalizedArticle, NormalizedField, Token

_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06FA-\u06FC\u0750-\u077F\u08A0-\u08C9\uFB50-\uFDFB\uFE70-\uFEFC]")
_LETTER = re.compile(r"[^\W\d_]")
ARABIC_MIN_RATIO = 0.5
# Characters the match form drops: Arabic diacritics and tatweel. Used to map a
# position inside a match form back to the original token.
_DROPPED = frozenset(chr(c) for c in [*range(0x064B, 0x0653), 0x0670, 0x0640])


class Normalizer:
    """``Article -> NormalizedArticle``: camel-tools match forms, tokens with offsets, language, date."""

    name = "normalize"

    def __init__(self) -> None:
        self._arclean = CharMapper.builtin_mapper("arclean")

    def __call__(self, article: Article) -> NormalizedArticle:
        body = self.normalize_field(article.body)
        title = self.normalize_field(article.title) if article.title is not None else None
        ratio = arabic_ratio(article.title or "", article.body)
        if ratio >= ARABIC_MIN_RATIO:
            language = "ar"
        else:
            language = article.language if article.language and article.language != "ar" else "und"
        return NormalizedArticle(
            id=article.id,
            article=article,
            language=language,
            arabic_ratio=round(ratio, 4),
            published=canonical_datetime(article.published_at),
            title=title,
            body=body,
        )

    def match_form(self, text: str) -> str:
        """The camel-tools chain: arclean, dediacritization, alef, alef maksura, teh marbuta."""
        text = dediac_ar(self._arclean(text))
        return normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(text)))

    def normalize_field(self, text: str) -> NormalizedField:
        pieces = simple_word_tokenize(text)
        # One pass of the chain over all tokens; the chain maps characters and
        # never produces or removes a newline, so the split restores the tokens.
        norms = self.match_form("\n".join(pieces)).split("\n")
        if len(norms) != len(pieces):  # a defensive fallback, never expected
            norms = [self.match_form(piece) for piece in pieces]
        tokens: list[Token] = []
        cursor = 0
        for piece, norm in zip(pieces, norms):
            start = text.find(piece, cursor)
            cursor = start + len(piece)
            norm = "".join(norm.split())
            if norm:
                tokens.append(Token(start=start, end=cursor, norm=norm))
        return NormalizedField(text=" ".join(t.norm for t in tokens), tokens=tokens)


def original_offset(token_text: str, norm_chars: int) -> int:
    """The index in ``token_text`` just after its first ``norm_chars`` match-form characters.

    The match form only drops diacritics and tatweel before a letter, so the
    walk skips them; it is how a clitic stripped from a match form is mapped
    back to the original text.
    """
    index = consumed = 0
    while index < len(token_text) and consumed < norm_chars:
        if token_text[index] not in _DROPPED:
            consumed += 1
        index += 1
    while index < len(token_text) and token_text[index] in _DROPPED:
        index += 1
    return index


def arabic_ratio(*texts: str) -> float:
    """The share of Arabic letters among all letters."""
    letters = arabic = 0
    for text in texts:
        found = "".join(_LETTER.findall(text))
        letters += len(found)
        arabic += len(_ARABIC_LETTER.findall(found))
    return arabic / letters if letters else 0.0


def canonical_datetime(value: str | None) -> str | None:
    """ISO 8601 in canonical form, keeping the timezone absent when the producer gave none."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Rejected("invalid_published_at", f"published_at {value!r}: {exc}") from exc
    return parsed.isoformat()
