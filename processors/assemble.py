"""Event assembly: each article joins the open event it reports, or opens a new one, online.

- A copy (an exact ``Duplicate`` marker, or a near duplicate) joins the event of the
  article it copies.
- Any other article is scored against the open events that share one of its
  heaviest terms or one of its entities (the candidates):
  ``0.7·cos(title+lead) + 0.1·cos(body) + 0.2·Jaccard(entities)``, times a time decay
  ``exp(-Δt / 96 h)``, against each event's centroids. It joins the best event scoring
  at least ``threshold``; otherwise it opens one. The weights, the decay and the
  threshold were tuned on the labelled dev days (README, "Event clustering").
- The event's record gathers the articles, sources, top entities and the actions,
  deduplicated across mentions (same actors, category and date).

The state is a ``WindowState``. Its durable records are one an event: the event, its
centroids, and its member articles (each with its time, how it joined, and its
heaviest terms and entities), so that assembling an article writes one record. Which
event an article belongs to, and the posting lists (term or entity -> recent events,
kept per time slice one window long), are derived from those records in memory.
Events stay open for ``window`` after their last article; postings older than the
previous slice are forgotten, and records idle for two windows are deleted, so memory
stays bounded however long the stream runs. Assembling the same article twice changes
nothing, so a replay after a crash yields the same events.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from processors.actions import merge_actions
from processors.normalize import instant
from processors.window import SlicedIndex, WindowState
from schemas import Duplicate, EnrichedArticle, Event, EventEntity, Mention, Terms

TOP_ENTITIES = 10
CANDIDATE_TERMS = 10  # an article's heaviest lead terms that index it and find its candidates
POSTING_SIZE = 64  # the most recent events kept per term or entity
CENTROID_TERMS = 150  # the heaviest terms kept of an event's centroid
EVENT_ENTITIES = 60
NO_TERMS = Terms(lead={}, body={})
ROUNDING_SLACK = 1e-9  # what floating-point rounding may add to a score beyond its bound


def event_id_for(article_id: str) -> str:
    """The id of the event an article opens: stable, so reprocessing yields the same keys."""
    return "ev-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class _Index(SlicedIndex):
    articles: dict[str, str] = field(default_factory=dict)  # article -> its event
    members: dict[str, list[str]] = field(default_factory=dict)  # event -> its articles
    # the postings: slice -> index key -> the most recent events of its articles in that slice, with their times
    slices: dict[int, dict[str, dict[str, int]]] = field(default_factory=dict)


class EventAssembler:
    """``(EnrichedArticle | Duplicate, WindowState) -> (Event, Mention)``."""

    name = "assemble"

    def __init__(self, *, threshold: float = 0.24, window: timedelta = timedelta(hours=48),
                 decay: timedelta = timedelta(hours=96), weights: tuple[float, float, float] = (0.7, 0.1, 0.2)) -> None:
        self.threshold = threshold
        self.window_s = int(window.total_seconds())
        self.decay_s = decay.total_seconds()
        self.weights = weights

    def __call__(self, article: EnrichedArticle | Duplicate, state: WindowState) -> tuple[Event, Mention]:
        index = self._index(state)
        records = state.records
        known = index.articles.get(article.id)
        if known is not None and (record := records.get(f"e:{known}")) is not None:
            # a replay: the same answer, nothing changed
            _, relation, similarity, _ = record["members"][article.id]
            return Event.model_validate(record["event"]), self._mention(article, known, relation, similarity)
        now = index.expiry.now(article.published)
        self._advance(index, now // self.window_s)
        for key in index.expiry.sweep(records, self._horizon(index)):
            for member in index.members.pop(key[2:], ()):
                index.articles.pop(member, None)
        keys = _index_keys(article) if isinstance(article, EnrichedArticle) else []

        relation, similarity, target = "opened", None, None
        if article.duplicate_of is not None:
            root = index.articles.get(article.duplicate_of)
            if root is not None and index.expiry.alive(f"e:{root}", self._horizon(index)):
                relation, target = "copy", root
        if target is None and isinstance(article, EnrichedArticle):
            best = self._best(article, keys, now, index, records)
            if best is not None:
                relation, similarity, target = "joined", round(best[0], 4), best[1]

        if target is None:
            target = event_id_for(article.id)
            event = self._open(target, article)
            record = {"lead": {}, "body": {}, "norms": [0.0, 0.0], "entities": [], "last": now, "members": {}}
        else:
            record = dict(records[f"e:{target}"])  # a new record: the stored one is never changed in place
            event = self._join(Event.model_validate(record["event"]), article)
            record["last"] = max(record["last"], now)
        record["event"] = event.model_dump(mode="json")
        if isinstance(article, EnrichedArticle):
            self._absorb(record, article)
        member = [now, relation, similarity, keys]
        record["members"] = {**self._recent_postings(record["members"], index), article.id: member}
        records[f"e:{target}"] = record
        index.expiry.touch(f"e:{target}", record["last"])
        self._remember(index, target, article.id, member)
        return event, self._mention(article, target, relation, similarity)

    def _recent_postings(self, members: dict[str, list], index: _Index) -> dict[str, list]:
        """The members, without the terms and entities of those before the previous slice (no longer indexed)."""
        oldest = (index.current - 1) * self.window_s
        return {article_id: member if member[0] >= oldest or not member[3] else [*member[:3], []]
                for article_id, member in members.items()}

    def _best(self, article: EnrichedArticle, keys: list[str], now: int, index: _Index,
              records: MutableMapping[str, Any]) -> tuple[float, str] | None:
        """The best-scoring open event among those sharing an index key with the article."""
        seen: set[str] = set()
        best = None
        floor = self.threshold  # what a candidate must reach: the threshold, then the best score so far
        entities = _entity_ids(article)
        terms = article.terms or NO_TERMS
        body_bound = _length(terms.body)  # no body cosine exceeds it
        current = now // self.window_s
        for postings in (index.slices.get(current, {}), index.slices.get(current - 1, {})):
            for key in keys:
                for event_id, when in postings.get(key, {}).items():
                    if event_id in seen or now - when > self.window_s:
                        continue
                    seen.add(event_id)
                    record = records.get(f"e:{event_id}")
                    if record is None or now - record["last"] > self.window_s:
                        continue
                    score = self._score(terms, entities, record, now, body_bound, floor)
                    if score is not None and score >= floor and (best is None or (score, event_id) > best):
                        best = (score, event_id)
                        floor = score
        return best

    def _remember(self, index: _Index, event_id: str, article_id: str, member: list) -> None:
        """Index the article as a member of its event, and its terms and entities, in its slice."""
        if index.articles.get(article_id) != event_id:
            index.articles[article_id] = event_id
            index.members.setdefault(event_id, []).append(article_id)
        when, keys = member[0], member[3]
        number = when // self.window_s
        if not index.live(number):
            return
        postings = index.slices.setdefault(number, {})
        for key in keys:
            posting = postings.setdefault(key, {})
            posting[event_id] = max(when, posting.get(event_id, when))
            if len(posting) > POSTING_SIZE:  # the least recent goes, whatever the order articles came in
                del posting[min(posting, key=lambda e: (posting[e], e))]

    def _index(self, state: WindowState) -> _Index:
        """The state's index, rebuilt from its records when there is none (a new or recovered table)."""
        if state.index is None:
            index = _Index()
            for key in list(state.records):
                record = state.records[key]
                index.expiry.touch(key, record["last"])
                for article_id, member in record["members"].items():
                    self._remember(index, key[2:], article_id, member)
            if index.expiry.times:
                self._advance(index, index.expiry.newest // self.window_s)
            state.index = index
        return state.index

    def _advance(self, index: _Index, current: int) -> None:
        """Start a new slice, and mark events idle for two windows for deletion."""
        if index.advance(current):
            index.expiry.expire(self._horizon(index))

    def _horizon(self, index: _Index) -> int:
        return index.expiry.newest - 2 * self.window_s

    def _score(self, terms: Terms, entities: set[str], record: dict, now: int, body_bound: float,
               floor: float) -> float | None:
        """The article's score against an event; None when it cannot reach ``floor`` whatever
        its body cosine (at most ``body_bound``), which is then never computed: the body vector
        is the longest, and most candidates share a term or two and no more."""
        w_lead, w_body, w_entities = self.weights
        known = set(record["entities"])
        union = len(entities | known)
        lead = w_lead * _cosine(terms.lead, record["lead"], record["norms"][0])
        overlap = w_entities * (len(entities & known) / union if union else 0.0)
        decay = math.exp(-max(0, now - record["last"]) / self.decay_s)
        if (lead + w_body * body_bound + overlap) * decay + ROUNDING_SLACK < floor:
            return None
        return (lead + w_body * _cosine(terms.body, record["body"], record["norms"][1]) + overlap) * decay

    @staticmethod
    def _absorb(record: dict, article: EnrichedArticle) -> None:
        """Add the article to the event's centroids (sums of unit vectors) and entities."""
        terms = article.terms or NO_TERMS
        for name, vector in (("lead", terms.lead), ("body", terms.body)):
            centroid = record[name] = dict(record[name])
            for term, weight in vector.items():
                centroid[term] = round(centroid.get(term, 0.0) + weight, 5)
            if len(centroid) > CENTROID_TERMS:
                record[name] = dict(sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:CENTROID_TERMS])
        record["norms"] = [_length(record[name]) for name in ("lead", "body")]
        record["entities"] = list(dict.fromkeys([*record["entities"], *sorted(_entity_ids(article))]))[-EVENT_ENTITIES:]

    def _open(self, event_id: str, article: EnrichedArticle | Duplicate) -> Event:
        return Event(
            event_id=event_id,
            title=_title(article),
            first_seen=article.published,
            last_seen=article.published,
            article_ids=[article.id],
            sources=[article.article.source],
            num_articles=1,
            num_sources=1,
            entities=_top(_entity_counts(article)),
            actions=merge_actions([], getattr(article, "actions", [])),
        )

    def _join(self, event: Event, article: EnrichedArticle | Duplicate) -> Event:
        counts = Counter({(e.entity_id, e.canonical, e.type): e.mentions for e in event.entities})
        counts.update(_entity_counts(article))
        sources = event.sources if article.article.source in event.sources \
            else [*event.sources, article.article.source]
        seen = [t for t in (event.first_seen, event.last_seen, article.published) if t is not None]
        first_seen = min(seen, key=instant, default=None)
        earlier = article.published is not None and first_seen == article.published != event.first_seen
        return event.model_copy(update={
            "title": _title(article) if earlier else event.title,  # the first report's, whatever the arrival order
            "first_seen": first_seen,
            "last_seen": max(seen, key=instant, default=None),
            "article_ids": [*event.article_ids, article.id],
            "sources": sources,
            "num_articles": event.num_articles + 1,
            "num_sources": len(sources),
            "entities": _top(counts),
            "actions": merge_actions(event.actions, getattr(article, "actions", [])),
        })

    @staticmethod
    def _mention(article: EnrichedArticle | Duplicate, event_id: str, relation: str,
                 similarity: float | None) -> Mention:
        return Mention(article_id=article.id, event_id=event_id, source=article.article.source,
                       published=article.published, relation=relation, similarity=similarity)


def _length(vector: dict[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def _cosine(vector: dict[str, float], centroid: dict[str, float], norm: float) -> float:
    """Cosine of a unit vector with a centroid (a sum of unit vectors) of length ``norm``."""
    if not norm:
        return 0.0
    return sum(w * centroid[term] for term, w in vector.items() if term in centroid) / norm


def _title(article: EnrichedArticle | Duplicate) -> str:
    return article.article.title or " ".join(article.article.body.split())[:120]


def _index_keys(article: EnrichedArticle) -> list[str]:
    """What indexes an article and finds its candidates: its heaviest lead terms and its entities."""
    lead = (article.terms or NO_TERMS).lead
    terms = sorted(lead, key=lambda t: (-lead[t], t))[:CANDIDATE_TERMS]
    return [f"t:{term}" for term in terms] + [f"e:{e}" for e in sorted(_entity_ids(article))]


def _entity_ids(article: EnrichedArticle) -> set[str]:
    return {e.entity_id for e in article.entities if e.entity_id is not None}


def _entity_counts(article: EnrichedArticle | Duplicate) -> Counter:
    """Mentions by entity: linked ones by id, unlinked ones by surface text. A Duplicate has
    none of its own: its entities are its original's."""
    return Counter((e.entity_id, e.canonical or e.text, e.type) for e in getattr(article, "entities", []))


def _top(counts: Counter) -> list[EventEntity]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
    return [EventEntity(entity_id=eid, canonical=name, type=etype, mentions=n)
            for (eid, name, etype), n in ranked[:TOP_ENTITIES]]
