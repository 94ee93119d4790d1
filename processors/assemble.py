"""Event assembly: each article becomes a mention of an event, kept in a state mapping.

For now an article opens its own event, unless it copies an earlier article (an
exact ``Duplicate`` marker or a near-duplicate ``EnrichedArticle``), in which case it
joins the event of the story's first article. Assembling the same article twice
changes nothing, so a replay after a crash yields the same event states.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import MutableMapping

from processors.normalize import instant
from schemas import Duplicate, EnrichedArticle, Event, EventEntity, Mention

TOP_ENTITIES = 10


def event_id_for(article_id: str) -> str:
    """The id of the event an article opens: stable, so reprocessing yields the same keys."""
    return "ev-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).hexdigest()


class EventAssembler:
    """``(EnrichedArticle | Duplicate, events) -> (Event, Mention)``; ``events`` maps event ids
    to their latest state (a dict, or a Faust table in the stream)."""

    name = "assemble"

    def __call__(self, article: EnrichedArticle | Duplicate,
                 events: MutableMapping[str, Event]) -> tuple[Event, Mention]:
        event_id = event_id_for(article.id)
        if article.duplicate_of is not None and event_id_for(article.duplicate_of) in events:
            event_id = event_id_for(article.duplicate_of)
        current = events.get(event_id)
        if current is None:
            event = self._open(event_id, article)
        elif article.id in current.article_ids:
            event = current
        else:
            event = self._join(current, article)
        events[event_id] = event
        mention = Mention(article_id=article.id, event_id=event_id,
                          source=article.article.source, published=article.published)
        return event, mention

    def _open(self, event_id: str, article: EnrichedArticle | Duplicate) -> Event:
        return Event(
            event_id=event_id,
            title=article.article.title or " ".join(article.article.body.split())[:120],
            first_seen=article.published,
            last_seen=article.published,
            article_ids=[article.id],
            sources=[article.article.source],
            num_articles=1,
            num_sources=1,
            entities=_top(_entity_counts(article)),
            actions=getattr(article, "actions", []),
        )

    def _join(self, event: Event, article: EnrichedArticle | Duplicate) -> Event:
        counts = Counter({(e.entity_id, e.canonical, e.type): e.mentions for e in event.entities})
        counts.update(_entity_counts(article))
        sources = event.sources if article.article.source in event.sources \
            else [*event.sources, article.article.source]
        seen = [t for t in (event.first_seen, event.last_seen, article.published) if t is not None]
        return event.model_copy(update={
            "first_seen": min(seen, key=instant, default=None),
            "last_seen": max(seen, key=instant, default=None),
            "article_ids": [*event.article_ids, article.id],
            "sources": sources,
            "num_articles": event.num_articles + 1,
            "num_sources": len(sources),
            "entities": _top(counts),
        })


def _entity_counts(article: EnrichedArticle | Duplicate) -> Counter:
    """Mentions by entity: linked ones by id, unlinked ones by surface text. A Duplicate has
    none of its own: its entities are its original's."""
    return Counter((e.entity_id, e.canonical or e.text, e.type) for e in getattr(article, "entities", []))


def _top(counts: Counter) -> list[EventEntity]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
    return [EventEntity(entity_id=eid, canonical=name, type=etype, mentions=n)
            for (eid, name, etype), n in ranked[:TOP_ENTITIES]]
