"""Normalization: cleaned match forms of each field, with offsets into the original text.

The original text is never modified. Cleaning works on a same-length working copy
in which HTML, boilerplate lines, control and bidi characters are blanked out, so
every token, sentence and date keeps its ``[start, end)`` in the field the
producer sent, and every span found downstream indexes into it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from importlib import resources

import orjson
from camel_tools.tokenizers.word import simple_word_tokenize
from camel_tools.utils.charsets import EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from processors.arabic import ZERO_WIDTH, base_form
from processors.dates import find_dates
from processors.errors import Rejected
from schemas import Article, NormalizedArticle, NormalizedField, Span, Token

ARABIC_MIN_RATIO = 0.5
BASE_FORM_MEMO = 100_000
_ARABIC_LETTERS = re.compile(r"[\u0620-\u064A\u066E-\u06D3\u06D5\u06FA-\u06FC\u0750-\u077F\u08A0-\u08C9"
                             r"\uFB50-\uFDFB\uFE70-\uFEFC]+")
_LETTERS = re.compile(r"[^\W\d_]+")
LANGUAGE_SAMPLE = 5000  # characters of title and body enough to tell the language
SYMBOL_TOKENS = UNICODE_PUNCT_SYMBOL_CHARSET | EMOJI_ALL_CHARSET  # what simple_word_tokenize splits off

# Blanked out of the working copy (each character becomes a space): C0/C1 controls
# other than tab and newlines, and the bidi embedding, override, isolate and mark characters.
_BLANKED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]+")
_HTML = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|</?[A-Za-z][^<>]{0,1000}>"
                   r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
                   re.DOTALL | re.IGNORECASE)
SENTENCE_END = frozenset({".", "!", "?", "...", "۔"})


class Normalizer:
    """``Article -> NormalizedArticle``: cleaning, match forms, tokens, sentences, language and dates.

    ``boilerplate`` maps a source to regular expressions of lines to drop (listed by hand,
    or learned with ``processors.boilerplate.learn_boilerplate``); they are added to the
    generic list shipped in ``processors/data/boilerplate.json``, which applies to every
    source.
    """

    name = "normalize"

    def __init__(self, boilerplate: Mapping[str, Sequence[str]] | None = None) -> None:
        self._arclean = CharMapper.builtin_mapper("arclean")
        self._chain = _CharTable(self._char_chain)
        shipped = orjson.loads(resources.files("processors").joinpath("data/boilerplate.json").read_bytes())
        self._boilerplate_lines = {source: list(patterns) for source, patterns in shipped.items()}
        for source, patterns in (boilerplate or {}).items():
            self._boilerplate_lines.setdefault(source, []).extend(patterns)
        self._boilerplate_by_source: dict[str | None, re.Pattern | None] = {}
        self._base_forms: dict[str, str] = {}  # a memo of a pure function; words repeat a lot

    def __call__(self, article: Article) -> NormalizedArticle:
        published = parse_published(article.published_at)
        body = self.normalize_field(article.body, article.source)
        title = self.normalize_field(article.title, article.source) if article.title is not None else None
        ratio = arabic_ratio(article.title or "", article.body)
        if ratio >= ARABIC_MIN_RATIO:
            language = "ar"
        else:
            language = article.language if article.language and article.language != "ar" else "und"
        dates = []
        if language == "ar":
            if title is not None:
                dates += find_dates(article.title, title.tokens, "title", published)
            dates += find_dates(article.body, body.tokens, "body", published)
        return NormalizedArticle(
            id=article.id,
            article=article,
            language=language,
            arabic_ratio=round(ratio, 4),
            published=published.isoformat() if published else None,
            title=title,
            body=body,
            dates=dates,
        )

    def match_form(self, text: str) -> str:
        """NFKC, then the camel-tools chain (arclean, dediacritization, alef, alef maksura,
        teh marbuta), then hamza seats and zero-width characters: ``_char_chain``, applied
        as one translation table."""
        return unicodedata.normalize("NFKC", text).translate(self._chain)

    def _char_chain(self, char: str) -> str:
        """What the chain after NFKC makes of one character. Each of its steps maps characters
        one by one (arclean is a character map, the others replace character classes), so the
        chain of a text is the chain of each of its characters, joined."""
        text = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(self._arclean(char)))))
        return _ZERO_WIDTH.sub("", text.replace("ؤ", "و").replace("ئ", "ي"))

    def clean(self, text: str, source: str | None = None) -> str:
        """The same-length working copy: HTML, boilerplate lines, controls and bidi marks blanked."""
        work = _BLANKED.sub(_blank, text) if _BLANKED.search(text) else text
        if "<" in work or "&" in work:
            work = _HTML.sub(_blank, work)
        boilerplate = self._boilerplate(source)
        if boilerplate is not None:
            work = boilerplate.sub(_blank, work)
        return work

    def normalize_field(self, text: str, source: str | None = None) -> NormalizedField:
        work = self.clean(text, source)
        pieces = word_tokens(work)
        # One pass of the chain over all tokens: it never produces or removes a
        # newline, so splitting restores one match form per token.
        norms = self.match_form("\n".join(pieces)).split("\n")
        if len(norms) != len(pieces):  # defensive; NFKC could in theory fold into a newline
            norms = [self.match_form(piece) for piece in pieces]
        tokens: list[Token] = []
        append, find, bases = tokens.append, work.find, self._base_forms
        trim = _ZERO_WIDTH.search(work) is not None
        cursor = 0
        for piece, norm in zip(pieces, norms):
            start = find(piece, cursor)
            end = cursor = start + len(piece)
            if " " in norm:  # arclean turns zero-width characters into spaces
                norm = norm.replace(" ", "")
            if not norm:
                continue
            if trim:
                while work[start] in ZERO_WIDTH:
                    start += 1
                while work[end - 1] in ZERO_WIDTH:
                    end -= 1
            base = bases.get(norm)
            if base is None:
                if len(bases) > BASE_FORM_MEMO:
                    bases.clear()
                base = bases[norm] = base_form(norm)
            append(Token(start, end, norm, base))
        # Built from values made here: construct without re-validating every token.
        return NormalizedField.model_construct(text=" ".join(t.norm for t in tokens), tokens=tokens,
                                               sentences=split_sentences(work, tokens))

    def _boilerplate(self, source: str | None) -> re.Pattern | None:
        if source not in self._boilerplate_by_source:
            patterns = self._boilerplate_lines["*"] + self._boilerplate_lines.get(source or "", [])
            self._boilerplate_by_source[source] = (
                re.compile(r"^[ \t]*(?:" + "|".join(f"(?:{p})" for p in patterns) + r")[^\n]*$", re.MULTILINE)
                if patterns else None)
        return self._boilerplate_by_source[source]


class _CharTable(dict):
    """A ``str.translate`` table filled on first sight of each character."""

    def __init__(self, chain: Callable[[str], str]) -> None:
        super().__init__()
        self._of = chain

    def __missing__(self, code: int) -> str:
        value = self[code] = self._of(chr(code))
        return value


# The first characters of camel-tools' symbol tokens (punctuation, symbols, emoji sequences).
_SYMBOL_STARTS = frozenset(symbol[0] for symbol in SYMBOL_TOKENS)


def word_tokens(text: str) -> list[str]:
    """camel-tools' ``simple_word_tokenize``, word by word: a word with no character that can
    start a symbol token is one token as it is, and only the others go through camel-tools."""
    tokens: list[str] = []
    for word in text.split():
        if _SYMBOL_STARTS.isdisjoint(word):
            tokens.append(word)
        else:
            tokens += simple_word_tokenize(word)
    return tokens


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


def split_sentences(work: str, tokens: Sequence[Token]) -> list[Span]:
    """Sentences as ``(start, end)`` spans: they end at final punctuation or a line break."""
    sentences: list[Span] = []
    first = None
    for i, token in enumerate(tokens):
        if first is None:
            first = token.start
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        ends = following is None or "\n" in work[token.end:following.start]
        if token.norm in SENTENCE_END and not ends:
            previous = tokens[i - 1] if i else None
            decimal = (previous is not None and previous.end == token.start and following.start == token.end
                       and previous.norm.isdigit() and following.norm.isdigit())
            ends = not decimal
        if ends:
            sentences.append(Span(first, token.end))
            first = None
    return sentences


def arabic_ratio(*texts: str) -> float:
    """The share of Arabic letters among all letters (of the first few thousand characters)."""
    letters = "".join(_LETTERS.findall(" ".join(texts)[:LANGUAGE_SAMPLE]))
    arabic = sum(map(len, _ARABIC_LETTERS.findall(letters)))
    return arabic / len(letters) if letters else 0.0


def instant(value: str) -> float:
    """An ISO time as epoch seconds, for ordering and windows; a time without timezone is read as UTC."""
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


def parse_published(value: str | None) -> datetime | None:
    """``published_at`` parsed; without a timezone it stays naive rather than getting an invented one."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise Rejected("invalid_published_at", f"published_at {value!r}: {exc}") from exc
