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

The state is a ``MutableMapping[str, JSON value]``: a dict in ``akhbar run``, a Faust
table in the stream. Events stay open for ``window`` after their last article;
posting lists carry the time slice (one window long) they were written in. When a
new slice begins, older postings and events idle for two windows are deleted, so
memory stays bounded however long the stream runs. Assembling the same article twice
changes nothing, so a replay after a crash yields the same events.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

from processors.actions import merge_actions
from processors.clock import advance, stream_time
from processors.normalize import instant
from schemas import Duplicate, EnrichedArticle, Event, EventEntity, Mention, Terms

TOP_ENTITIES = 10
CANDIDATE_TERMS = 10  # an article's heaviest lead terms that index it and find its candidates
POSTING_SIZE = 64  # the most recent events kept per term or entity
CENTROID_TERMS = 150  # the heaviest terms kept of an event's centroid
EVENT_ENTITIES = 60
NO_TERMS = Terms(lead={}, body={})


def event_id_for(article_id: str) -> str:
    """The id of the event an article opens: stable, so reprocessing yields the same keys."""
    return "ev-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).hexdigest()


class EventAssembler:
    """``(EnrichedArticle | Duplicate, state) -> (Event, Mention)``."""

    name = "assemble"

    def __init__(self, *, threshold: float = 0.24, window: timedelta = timedelta(hours=48),
                 decay: timedelta = timedelta(hours=96), weights: tuple[float, float, float] = (0.7, 0.1, 0.2)) -> None:
        self.threshold = threshold
        self.window_s = int(window.total_seconds())
        self.decay_s = decay.total_seconds()
        self.weights = weights

    def __call__(self, article: EnrichedArticle | Duplicate,
                 state: MutableMapping[str, Any]) -> tuple[Event, Mention]:
        assigned = state.get(f"a:{article.id}")
        if assigned is not None and (record := state.get(f"e:{assigned[0]}")) is not None:
            # a replay: the same answer, nothing changed
            return Event.model_validate(record["event"]), self._mention(article, assigned[0], *assigned[2:])
        now = stream_time(article.published, state)
        current = now // self.window_s
        self._expire(current, now, state)
        index_keys = _index_keys(article) if isinstance(article, EnrichedArticle) else []

        relation, similarity, target = "opened", None, None
        if article.duplicate_of is not None:
            root = state.get(f"a:{article.duplicate_of}")
            if root is not None and f"e:{root[0]}" in state:
                relation, target = "copy", root[0]
        if target is None and isinstance(article, EnrichedArticle):
            best = self._best(article, index_keys, now, current, state)
            if best is not None:
                relation, similarity, target = "joined", round(best[0], 4), best[1]

        if target is None:
            target = event_id_for(article.id)
            event = self._open(target, article)
            record = {"lead": {}, "body": {}, "norms": [0.0, 0.0], "entities": [], "last": now}
        else:
            record = state[f"e:{target}"]
            event = Event.model_validate(record["event"])
            if article.id in event.article_ids:  # a replay after a crash between the two writes below
                state[f"a:{article.id}"] = [target, now, relation, similarity]
                return event, self._mention(article, target, relation, similarity)
            event = self._join(event, article)
            record["last"] = max(record["last"], now)
        record["event"] = event.model_dump(mode="json")
        if isinstance(article, EnrichedArticle):
            self._absorb(record, article)
            for key in index_keys:
                posting = [entry for entry in state.get(f"p:{current}:{key}", ()) if entry[0] != target]
                state[f"p:{current}:{key}"] = (posting + [[target, now]])[-POSTING_SIZE:]
        state[f"e:{target}"] = record
        state[f"a:{article.id}"] = [target, now, relation, similarity]
        return event, self._mention(article, target, relation, similarity)

    def _best(self, article: EnrichedArticle, index_keys: list[str], now: int, current: int,
              state: MutableMapping[str, Any]) -> tuple[float, str] | None:
        """The best-scoring open event among those sharing an index key with the article."""
        seen: set[str] = set()
        best = None
        entities = _entity_ids(article)
        for slice_ in (current, current - 1):
            for key in index_keys:
                for event_id, when in state.get(f"p:{slice_}:{key}", ()):
                    if event_id in seen or now - when > self.window_s:
                        continue
                    seen.add(event_id)
                    record = state.get(f"e:{event_id}")
                    if record is None or now - record["last"] > self.window_s:
                        continue
                    score = self._score(article, entities, record, now)
                    if score >= self.threshold and (best is None or (score, event_id) > best):
                        best = (score, event_id)
        return best

    def _score(self, article: EnrichedArticle, entities: set[str], record: dict, now: int) -> float:
        w_lead, w_body, w_entities = self.weights
        known = set(record["entities"])
        union = len(entities | known)
        terms = article.terms or NO_TERMS
        score = (w_lead * _cosine(terms.lead, record["lead"], record["norms"][0])
                 + w_body * _cosine(terms.body, record["body"], record["norms"][1])
                 + w_entities * (len(entities & known) / union if union else 0.0))
        return score * math.exp(-max(0, now - record["last"]) / self.decay_s)

    @staticmethod
    def _absorb(record: dict, article: EnrichedArticle) -> None:
        """Add the article to the event's centroids (sums of unit vectors) and entities."""
        terms = article.terms or NO_TERMS
        for name, vector in (("lead", terms.lead), ("body", terms.body)):
            centroid = record[name]
            for term, weight in vector.items():
                centroid[term] = round(centroid.get(term, 0.0) + weight, 5)
            if len(centroid) > CENTROID_TERMS:
                record[name] = dict(sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:CENTROID_TERMS])
        record["norms"] = [math.sqrt(sum(w * w for w in record[name].values())) for name in ("lead", "body")]
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

    def _expire(self, current: int, now: int, state: MutableMapping[str, Any]) -> None:
        if not advance(state, current, now):
            return
        horizon = now - 2 * self.window_s
        for key in list(state):
            kind = key.split(":", 1)[0]
            if ((kind == "p" and int(key.split(":")[1]) < current - 1)
                    or (kind == "e" and state[key]["last"] < horizon)
                    or (kind == "a" and state[key][1] < horizon)):
                del state[key]

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
