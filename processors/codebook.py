"""Scores against hand-coded articles, as the codebook of ``dev_actions.jsonl`` defines them.

A gold line names every distinct entity of an article (Arabic text, type, English
canonical name) and every event (actor1, PLOVER, actor2, each actor with its country
and role). Matching is lenient, as the codebook says:

- an entity (or actor) matches by its English name, equal or one a one-word part of the
  other, or by its Arabic words, equal or one (of three letters or more) inside the
  other, after folding hamza seats, alef maksura, teh marbuta and diacritics;
- an actor also matches by country and role, and with no country by a generic role
  alone (UAF, CVL, CRM, REF); a gold actor2 of ``null`` matches anything;
- categories fold PLOVER's synonyms: DISAPPROVE is ACCUSE, REQUEST is DEMAND, FIGHT is
  ASSAULT.

Held-out articles: ``held_out`` splits the gold articles by a hash of their id, so that
figures on articles nobody tuned on can be given beside the others.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from processors.scoring import Tally

CORE_TYPES = frozenset({"PERS", "ORG", "LOC"})
ALL_TYPES = CORE_TYPES | {"MISC"}
GENERIC_ROLES = frozenset({"UAF", "CVL", "CRM", "REF"})
PLOVER_FOLDS = {"DISAPPROVE": "ACCUSE", "REQUEST": "DEMAND", "FIGHT": "ASSAULT"}
HELD_OUT_SHARE = 3  # one article in three, by id hash

_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ALEFS = re.compile("[إأآٱ]")


def held_out(article_id: str) -> bool:
    """Whether a gold article belongs to the held-out third (stable: a hash of its id)."""
    return hashlib.blake2b(article_id.encode("utf-8"), digest_size=4).digest()[0] % HELD_OUT_SHARE == 0


def arabic_key(text: str | None) -> str:
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text or ""))
    text = _ALEFS.sub("ا", text).replace("ى", "ي").replace("ة", "ه")
    return " ".join(text.split())


def english_key(text: str | None) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b(al|el)[- ]", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _english_same(a: str, b: str) -> bool:
    words_a, words_b = set(a.split()), set(b.split())
    if not words_a or not words_b:
        return False
    return words_a == words_b or ((words_a <= words_b or words_b <= words_a) and min(len(words_a), len(words_b)) == 1)


def _arabic_same(a: str, b: str) -> bool:
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= 3 and short in long)


@dataclass(frozen=True)
class Names:
    """The names under which a gold entity or actor is matched."""

    english: frozenset[str]
    arabic: frozenset[str]

    @classmethod
    def of(cls, english: Iterable[str | None], arabic: Iterable[str | None]) -> Names:
        english_keys = set()
        for name in english:
            english_keys |= {english_key(name), english_key(re.sub(r"\(.*?\)", "", name or ""))}
        return cls(frozenset(english_keys - {""}), frozenset({arabic_key(a) for a in arabic} - {""}))

    def match(self, predicted: Mapping) -> bool:
        """A predicted entity or actor (``canonical``/``text``) names the same thing."""
        english = {english_key(predicted.get(k)) for k in ("canonical", "name") if isinstance(predicted.get(k), str)}
        if any(_english_same(p, g) for p in english - {""} for g in self.english):
            return True
        arabic = arabic_key(predicted.get("text"))
        return any(_arabic_same(arabic, g) for g in self.arabic)


@dataclass(frozen=True)
class GoldActor:
    names: Names
    country: str | None
    role: str | None

    def match(self, predicted: Mapping | None) -> bool:
        if not isinstance(predicted, Mapping):
            return False
        if self.names.match(predicted):
            return True
        role = predicted.get("role") or predicted.get("sector")
        if not self.role or role != self.role:
            return False
        return predicted.get("country") == self.country if self.country else self.role in GENERIC_ROLES


def plover(code: str | None) -> str:
    code = (code or "").upper()
    return PLOVER_FOLDS.get(code, code)


@dataclass
class EntityScores:
    overall: Tally = field(default_factory=Tally)
    per_type: dict[str, Tally] = field(default_factory=dict)
    linked: int = 0  # found gold entities whose matching prediction has a registry id


def score_entities(gold: Sequence[Mapping], predicted: Mapping[str, Sequence[Mapping]],
                   types: frozenset[str] = CORE_TYPES) -> EntityScores:
    """Distinct-entity scores: a gold entity is found when a prediction of its type matches it;
    a distinct prediction (by entity id, else by its Arabic form) is correct when it matches a
    gold entity of its type. ``predicted``: article id -> its entities (dicts)."""
    scores = EntityScores(per_type={t: Tally() for t in sorted(types)})
    for article in gold:
        golds = [(g["type"], Names.of([g.get("canonical")], [g.get("text")]))
                 for g in article.get("entities", ()) if g["type"] in types]
        preds = [p for p in predicted.get(article["id"], ()) if p.get("type") in types]
        for etype, names in golds:
            tally = scores.per_type[etype]
            tally.gold += 1
            scores.overall.gold += 1
            hits = [p for p in preds if p["type"] == etype and names.match(p)]
            if hits:
                tally.found += 1
                scores.overall.found += 1
                scores.linked += any(_linked(p) for p in hits)
        distinct: dict[str, Mapping] = {}
        for p in preds:
            distinct.setdefault(p.get("entity_id") or arabic_key(p.get("text")), p)
        for p in distinct.values():
            right = any(etype == p["type"] and names.match(p) for etype, names in golds)
            for tally in (scores.overall, scores.per_type[p["type"]]):
                tally.predicted += 1
                tally.correct += right
    return scores


def _linked(entity: Mapping) -> bool:
    entity_id = entity.get("entity_id") or ""
    return bool(entity_id) and not entity_id.startswith("provisional:")


@dataclass
class ActionScores:
    triples: Tally = field(default_factory=Tally)  # (actor1, PLOVER, actor2)
    actor1: Tally = field(default_factory=Tally)  # (PLOVER, actor1)
    per_category: dict[str, Tally] = field(default_factory=dict)
    types_gold: int = 0
    types_found: int = 0

    @property
    def type_recall(self) -> float:
        return self.types_found / self.types_gold if self.types_gold else 0.0


def score_actions(gold: Sequence[Mapping], predicted: Mapping[str, Sequence[Mapping]]) -> ActionScores:
    """The codebook's event matching: PLOVER agrees and both actors match, in either order.
    ``predicted``: article id -> its actions (dicts)."""
    scores = ActionScores()
    for article in gold:
        events = [(plover(e["plover"]), _gold_actor(e.get("actor1")), _gold_actor(e.get("actor2")))
                  for e in article.get("events", ())]
        actions = list(predicted.get(article["id"], ()))
        used: set[int] = set()
        used1: set[int] = set()
        for action in actions:
            category = plover(action.get("plover"))
            one, two = action.get("actor1"), action.get("actor2")
            hit = hit1 = None
            for k, (gold_category, gold1, gold2) in enumerate(events):
                if gold_category != category:
                    continue
                straight = _fits(gold1, one) and _fits(gold2, two)
                swapped = _fits(gold1, two) and _fits(gold2, one)
                if hit is None and k not in used and (straight or swapped):
                    hit = k
                if hit1 is None and k not in used1 and (_fits(gold1, one) or _fits(gold1, two)):
                    hit1 = k
            tally = scores.per_category.setdefault(category, Tally())
            tally.predicted += 1
            scores.triples.predicted += 1
            scores.actor1.predicted += 1
            if hit is not None:
                used.add(hit)
                tally.correct += 1
                scores.triples.correct += 1
            if hit1 is not None:
                used1.add(hit1)
                scores.actor1.correct += 1
        for k, (gold_category, _, _) in enumerate(events):
            tally = scores.per_category.setdefault(gold_category, Tally())
            tally.gold += 1
            tally.found += k in used
        scores.triples.gold += len(events)
        scores.triples.found += len(used)
        scores.actor1.gold += len(events)
        scores.actor1.found += len(used1)
        gold_types = {category for category, _, _ in events}
        scores.types_gold += len(gold_types)
        scores.types_found += len(gold_types & {plover(a.get("plover")) for a in actions})
    return scores


def _gold_actor(actor: Mapping | None) -> GoldActor | None:
    if not actor:
        return None
    return GoldActor(Names.of([actor.get("name")], [actor.get("text")]), actor.get("country"), actor.get("role"))


def _fits(gold: GoldActor | None, predicted: Mapping | None) -> bool:
    return gold is None or gold.match(predicted)
