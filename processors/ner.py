"""A CRF named-entity tagger (PERS, ORG, LOC, MISC) over normalized tokens, trained on ANERcorp.

python-crfsuite is the CRF: a maintained binding of CRFsuite, fast on the CPU, whose
L1-regularised models are small enough to ship. Features come from the
normalization layer (match forms, clitic-stripped base forms, affixes, shape), the
context window, trigger words before a name («الرئيس», «وزير», «مدينة», «وكالة» …)
and membership in Akhbar's own registry (never ANERgazet, whose licence keeps it out
of the package).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from pathlib import Path

import pycrfsuite

from processors.arabic import base_form
from processors.cues import GIVEN_NAMES, LOCATION_TRIGGERS, ORGANISATION_TRIGGERS, PERSON_TRIGGERS
from processors.names import NameLists
from processors.scoring import Tally
from schemas import Token

MODEL_RESOURCE = "data/ner-anercorp.crfsuite"
ENTITY_TYPES = ("PERS", "ORG", "LOC", "MISC")
CONTEXT_OFFSETS = (-2, -1, 1, 2)

# Given names and surnames from Wikidata (data/names.json): cues for names ANERcorp never saw.
NAME_LISTS = NameLists.load()


@dataclass(frozen=True)
class TaggedSpan:
    """Tokens ``[first, last]`` of a sentence tagged as one entity of ``type``."""

    first: int
    last: int
    type: str


def word_features(norm: str, base: str) -> list[str]:
    """The features of a word on its own, whatever its context."""
    features = [
        "bias", f"w={norm}", f"b={base}", f"p2={norm[:2]}", f"p3={norm[:3]}", f"p4={norm[:4]}", f"s1={norm[-1:]}",
        f"s2={norm[-2:]}", f"s3={norm[-3:]}", f"s4={norm[-4:]}", f"bs2={base[-2:]}", f"len={min(len(base), 8)}",
        f"shape={_shape(norm)}",
    ]
    if base != norm:
        features.append("clitic")
    if norm in GIVEN_NAMES or base in GIVEN_NAMES:
        features.append("given")
    features += _name_features(norm)
    return features


def _name_features(norm: str) -> list[str]:
    return [*(("name:given",) if norm in NAME_LISTS.given else ()),
            *(("name:surname",) if norm in NAME_LISTS.surnames else ())]


def context_features(norm: str, base: str) -> dict[int, tuple[str, ...]]:
    """What a word gives the features of the token ``offset`` places before or after it."""
    trigger = _trigger(base, norm)
    given = ("given",) if norm in GIVEN_NAMES else ()
    names = _name_features(norm)
    return {
        -2: (f"-2:w={norm}", f"-2:b={base}", f"-2:trig={trigger}"),
        -1: (f"-1:w={norm}", f"-1:b={base}", f"-1:s2={norm[-2:]}", f"-1:trig={trigger}",
             *(f"-1:{g}" for g in (*given, *names))),
        1: (f"1:w={norm}", f"1:b={base}", f"+1:shape={_shape(norm)}", *(f"+1:{g}" for g in (*given, *names))),
        2: (f"2:w={norm}", f"2:b={base}"),
    }


def word_entry(norm: str, base: str, known: Mapping[str, str] | None = None
               ) -> tuple[list[str], dict[int, tuple[str, ...]]]:
    """A word's own features and what it gives its neighbours (``context_features``); with
    ``known``, only the attributes it maps (to themselves, so that memoized features share them)."""
    own, context = word_features(norm, base), context_features(norm, base)
    if known is None:
        return own, context
    return ([known[f] for f in own if f in known],
            {offset: tuple(known[f] for f in given if f in known) for offset, given in context.items()})


def sentence_features(tokens: Sequence[Token], registry_tags: Sequence[str],
                      words: Sequence[tuple[list[str], dict[int, tuple[str, ...]]]] | None = None,
                      known: Mapping[str, str] | None = None) -> list[list[str]]:
    """CRFsuite features of each token: its word features, its registry tag (IOB, from registry
    matches) and its context: its neighbours' words, registry tags and what they give
    (``words``: each token's ``word_entry``, when already computed). With ``known`` (the
    attributes a model has weights for), only those: CRFsuite ignores the others, so the labels
    are the same, for fewer strings to build and pass."""
    if words is None:
        words = [word_entry(t.norm, t.base, known) for t in tokens]
    n = len(tokens)
    sentence = []
    for i, token in enumerate(tokens):
        features = [*words[i][0]]
        _add(features, f"reg={registry_tags[i]}", known)
        if i > 0:
            _add(features, f"bi-={tokens[i - 1].norm}|{token.norm}", known)
        if i + 1 < n:
            _add(features, f"bi+={token.norm}|{tokens[i + 1].norm}", known)
        for offset in CONTEXT_OFFSETS:
            j = i + offset
            if 0 <= j < n:
                features += words[j][1][offset]
                _add(features, f"{offset}:reg={registry_tags[j]}", known)
            else:
                _add(features, f"{offset}:edge", known)
        sentence.append(features)
    return sentence


def _add(features: list[str], feature: str, known: Mapping[str, str] | None) -> None:
    if known is None or feature in known:
        features.append(feature)


def _trigger(base: str, norm: str) -> str:
    for name, words in (("P", PERSON_TRIGGERS), ("L", LOCATION_TRIGGERS), ("O", ORGANISATION_TRIGGERS)):
        if norm in words or base in words:
            return name
    return "-"


def _shape(norm: str) -> str:
    if norm.isdigit():
        return "digit"
    if norm.isascii() and norm.isalpha():
        return "latin"
    if not any(c.isalnum() for c in norm):
        return "punct"
    return "word"


class NerTagger:
    """Tags a sentence of normalized tokens with IOB labels, using a shipped CRFsuite model."""

    WORD_MEMO = 100_000

    def __init__(self, model_path: Path | None = None) -> None:
        # word and context features by (norm, base), kept to those the model knows: words
        # repeat, and building and passing features is most of tagging
        self._words: dict[tuple[str, str], tuple[list[str], dict[int, tuple[str, ...]]]] = {}
        self._tagger = pycrfsuite.Tagger()
        if model_path is None:
            with resources.as_file(resources.files("processors").joinpath(MODEL_RESOURCE)) as path:
                self._tagger.open(str(path))
        else:
            self._tagger.open(str(model_path))
        # each attribute the model has a weight for, to itself: memoized features share these strings
        self._known = known = {attribute: attribute for attribute, _ in self._tagger.info().state_features}
        # the context attributes the model knows, as tuples looked up without building their strings
        tags = ["O", *(f"{p}-{t}" for p in "BI" for t in ENTITY_TYPES)]
        self._registry = {offset: {tag: (known[f"{prefix}reg={tag}"],) for tag in tags if f"{prefix}reg={tag}" in known}
                          for offset, prefix in ((0, ""), *((o, f"{o}:") for o in CONTEXT_OFFSETS))}
        self._edge = ((), {offset: (known[f"{offset}:edge"],) if f"{offset}:edge" in known else ()
                           for offset in CONTEXT_OFFSETS})  # what a missing neighbour gives
        self._bigrams: dict[str, dict[tuple[str, str], tuple[str]]] = {"bi-=": {}, "bi+=": {}}
        for attribute in known:
            pairs = self._bigrams.get(attribute[:4])
            if pairs is not None:  # every split at a «|» gives back this string: f"bi-={a}|{b}"
                pair = attribute[4:]
                for k, char in enumerate(pair):
                    if char == "|":
                        pairs[(pair[:k], pair[k + 1:])] = (attribute,)

    def tag(self, tokens: Sequence[Token], registry_tags: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        known = self._known
        words = []
        for token in tokens:
            features = self._words.get((token.norm, token.base))
            if features is None:
                if len(self._words) >= self.WORD_MEMO:  # forget the oldest quarter
                    for key in list(islice(self._words, self.WORD_MEMO // 4)):
                        del self._words[key]
                features = self._words[(token.norm, token.base)] = word_entry(token.norm, token.base, known)
            words.append(features)
        return self._tagger.tag(self._sentence(tokens, registry_tags, words))

    def _sentence(self, tokens: Sequence[Token], registry_tags: Sequence[str],
                  words: Sequence[tuple[list[str], dict[int, tuple[str, ...]]]]) -> list[list[str]]:
        """``sentence_features`` kept to the attributes the model knows, from lookup tables; the
        sentence is padded with two missing neighbours a side, which give the edge attributes."""
        edge, none = self._edge, ()
        padded = [edge, edge, *words, edge, edge]
        tags = ["", "", *registry_tags, "", ""]
        norms = ["", "", *(t.norm for t in tokens), "", ""]
        reg0, reg_m2, reg_m1, reg_p1, reg_p2 = (self._registry[o] for o in (0, -2, -1, 1, 2))
        before, after = self._bigrams["bi-="], self._bigrams["bi+="]
        return [[*padded[i][0], *reg0.get(tags[i], none),
                 *before.get((norms[i - 1], norms[i]), none), *after.get((norms[i], norms[i + 1]), none),
                 *padded[i - 2][1][-2], *reg_m2.get(tags[i - 2], none),
                 *padded[i - 1][1][-1], *reg_m1.get(tags[i - 1], none),
                 *padded[i + 1][1][1], *reg_p1.get(tags[i + 1], none),
                 *padded[i + 2][1][2], *reg_p2.get(tags[i + 2], none)]
                for i in range(2, len(tokens) + 2)]


def spans_from_iob(labels: Sequence[str]) -> list[TaggedSpan]:
    """Entity spans, conlleval-style: an I- tag that does not continue an entity starts one."""
    spans: list[TaggedSpan] = []
    start, current = None, None
    for i, label in enumerate([*labels, "O"]):
        prefix, _, etype = label.partition("-")
        continues = prefix == "I" and etype == current
        if start is not None and not continues:
            spans.append(TaggedSpan(start, i - 1, current))
            start, current = None, None
        if prefix in ("B", "I") and not continues:
            start, current = i, etype
    return spans


def iob_from_spans(word_lengths: Sequence[int], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """IOB labels of the words of a text joined by single spaces, from entity spans
    ``(start, end, type)`` over that text: a span labels every word it touches."""
    starts, cursor = [], 0
    for length in word_lengths:
        starts.append(cursor)
        cursor += length + 1
    labels = ["O"] * len(starts)
    for start, end, entity_type in sorted(spans):
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, end - 1) - 1
        if first < 0 or any(label != "O" for label in labels[first:last + 1]):
            continue
        labels[first] = f"B-{entity_type}"
        labels[first + 1:last + 1] = [f"I-{entity_type}"] * (last - first)
    return labels


def train(sentences: Iterable[tuple[list[list[str]], list[str]]], model_path: Path, *,
          c1: float = 0.1, c2: float = 0.01, max_iterations: int = 150,
          progress: Callable[[str], None] | None = None) -> None:
    """Train a CRF with L-BFGS; deterministic for the same data and parameters."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for features, labels in sentences:
        trainer.append(features, labels)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True, "feature.minfreq": 1})
    trainer.train(str(model_path))
    if progress:
        last = trainer.logparser.last_iteration
        progress(f"trained {len(trainer.logparser.iterations)} iterations, loss {last.get('loss')}")


def corpus_sentence(words: Sequence[str], match_form: Callable[[str], str]) -> tuple[str, list[Token]]:
    """A pre-tokenized sentence as text and normalized tokens (words joined by spaces)."""
    tokens, cursor = [], 0
    for word in words:
        norm = match_form(word).replace(" ", "") or word
        tokens.append(Token(cursor, cursor + len(word), norm, base_form(norm)))
        cursor += len(word) + 1
    return " ".join(words), tokens


def conll_examples(path: Path, match_form: Callable[[str], str],
                   gazetteer) -> list[tuple[list[Token], list[str], list[str]]]:
    """(tokens, registry tags, gold tags) for each sentence of a ``token TAG`` file."""
    examples = []
    for sentence in read_conll(path):
        text, tokens = corpus_sentence([word for word, _ in sentence], match_form)
        registry_tags = gazetteer.iob_tags(gazetteer.matches(text, tokens), len(tokens))
        examples.append((tokens, registry_tags, [tag for _, tag in sentence]))
    return examples


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Sentences of ``(token, IOB tag)`` from a ``token TAG`` per line file, blank lines between."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            if len(parts) >= 2:
                current.append((parts[0], parts[-1]))
            elif current:
                sentences.append(current)
                current = []
    if current:
        sentences.append(current)
    return sentences


def score_entities(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, Tally]:
    """Entity-level scores (exact span and type, conlleval-style), overall and per type."""
    counts = {etype: [0, 0, 0] for etype in ("ALL", *ENTITY_TYPES)}
    for gold_labels, predicted_labels in zip(gold, predicted, strict=True):
        gold_spans = {(s.first, s.last, s.type) for s in spans_from_iob(gold_labels)}
        predicted_spans = {(s.first, s.last, s.type) for s in spans_from_iob(predicted_labels)}
        for spans, column in ((gold_spans, 0), (predicted_spans, 1), (gold_spans & predicted_spans, 2)):
            for span in spans:
                counts["ALL"][column] += 1
                counts.setdefault(span[2], [0, 0, 0])[column] += 1
    return {etype: Tally(gold=gold, found=correct, predicted=predicted, correct=correct)
            for etype, (gold, predicted, correct) in counts.items()}
