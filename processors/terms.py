"""Term weights for event clustering: TF-IDF over base forms, with document frequencies
fitted on a background corpus.

The document frequencies are a file, not state: the stream learns nothing at run time,
so a replay weighs an article exactly as the first run did. Akhbar ships frequencies
derived from the wordfreq package's Arabic word list (``data/idf-wordfreq.json``,
built by ``akhbar train idf --wordfreq``); a deployment can fit its own archive
(``akhbar train idf ARCHIVE``, then ``AKHBAR_IDF_FILE``) and retune the threshold.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import orjson

from schemas import EnrichedArticle, NormalizedArticle, Terms, Token

DEFAULT_RESOURCE = "data/idf-wordfreq.json"
LEAD_WORDS = 60  # body words that count as the lead, after the title
TITLE_WEIGHT = 2  # the title counts twice in the lead
KEEP_LEAD, KEEP_BODY = 40, 80  # the heaviest terms kept of each vector


@dataclass(frozen=True)
class DocumentFrequencies:
    documents: int
    counts: dict[str, int]

    @classmethod
    def load(cls, path: Path | None = None) -> DocumentFrequencies:
        raw = (path.read_bytes() if path is not None
               else resources.files("processors").joinpath(DEFAULT_RESOURCE).read_bytes())
        data = orjson.loads(raw)
        return cls(data["documents"], data["counts"])

    @classmethod
    def fit(cls, documents: Iterable[Iterable[str]], min_count: int = 2) -> DocumentFrequencies:
        """Frequencies of terms over documents (each an iterable of base forms)."""
        counts: Counter = Counter()
        total = 0
        for terms in documents:
            counts.update(set(terms))
            total += 1
        return cls(total, {term: n for term, n in sorted(counts.items()) if n >= min_count})

    @classmethod
    def from_word_frequencies(cls, shares: Iterable[tuple[str, float]], documents: int = 1_000_000,
                              document_words: int = 300, min_share: float = 1e-7) -> DocumentFrequencies:
        """Document frequencies implied by word frequencies (a term's share of running words),
        for documents of ``document_words`` words: ``N·(1 − e^(−share·words))``."""
        totals: Counter = Counter()
        for term, share in shares:
            if share >= min_share and len(term) >= 2:
                totals[term] += share
        return cls(documents, {term: max(1, round(documents * -math.expm1(-share * document_words)))
                               for term, share in sorted(totals.items())})

    def dump(self) -> bytes:
        return orjson.dumps({"documents": self.documents, "counts": self.counts})

    def idf(self, term: str) -> float:
        return math.log((self.documents + 1) / (self.counts.get(term, 0) + 1)) + 1


def content_terms(tokens: Iterable[Token]) -> list[str]:
    """The base forms that carry content: two characters or more, with a letter."""
    return [t.base for t in tokens if len(t.base) >= 2 and any(c.isalpha() for c in t.base)]


class TermWeigher:
    """``(NormalizedArticle, EnrichedArticle) -> EnrichedArticle`` with its ``terms``."""

    name = "weigh_terms"

    MEMO = 200_000

    def __init__(self, frequencies: DocumentFrequencies) -> None:
        self._frequencies = frequencies
        # base form -> its idf, or None if it carries no content (``content_terms``): words repeat
        self._idf: dict[str, float | None] = {}

    def __call__(self, normalized: NormalizedArticle, enriched: EnrichedArticle) -> EnrichedArticle:
        title = self._content(normalized.title.tokens) if normalized.title is not None else []
        body = self._content(normalized.body.tokens)
        terms = Terms(lead=self._vector(title * TITLE_WEIGHT + body[:LEAD_WORDS], KEEP_LEAD),
                      body=self._vector(body, KEEP_BODY))
        return enriched.model_copy(update={"terms": terms})

    def _vector(self, terms: list[str], keep: int) -> dict[str, float]:
        """Sublinear TF times IDF, the heaviest ``keep`` terms, scaled to unit length."""
        weights = {term: (1 + math.log(n)) * self._idf[term] for term, n in Counter(terms).items()}
        top = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:keep]
        norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
        return {term: round(w / norm, 5) for term, w in top}

    def _content(self, tokens: Iterable[Token]) -> list[str]:
        """``content_terms``, with each base form's verdict and idf kept."""
        memo, terms = self._idf, []
        for token in tokens:
            base = token.base
            if base not in memo:
                if len(memo) >= self.MEMO:
                    memo.clear()
                memo[base] = self._frequencies.idf(base) if content_terms((token,)) else None
            if memo[base] is not None:
                terms.append(base)
        return terms
