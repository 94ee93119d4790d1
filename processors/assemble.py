"""Event assembly: each article becomes a mention of an event, kept in a state mapping."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import MutableMapping

from schemas import EnrichedArticle, Event, EventEntity, Mention

TOP_ENTITIES = 10


def event_id_for(article_id: str) -> str:
    """A stable event id, so that reprocessing an article yields the same keys."""
    return "ev-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).hexdigest()


class EventAssembler:
    """``EnrichedArticle -> (Event, Mention)``; the events live in a mapping passed in.

    For now an article opens its own event; the mapping (a dict, or a Faust
    table in the stream) keeps each event's latest state by ``event_id``.
    """

    name = "assemble"

    def __call__(self, article: EnrichedArticle,
                 events: MutableMapping[str, Event]) -> tuple[Event, Mention]:
        event_id = event_id_for(article.id)
        event = Event(
            event_id=event_id,
            title=article.article.title or article.article.body[:120],
            first_seen=article.published,
            last_seen=article.published,
            article_ids=[article.id],
            sources=[article.article.source],
            num_articles=1,
            num_sources=1,
            entities=top_entities(article),
            actions=article.actions,
        )
        events[event_id] = event
        mention = Mention(article_id=article.id, event_id=event_id,
                          source=article.article.source, published=article.published)
        return event, mention


def top_entities(article: EnrichedArticle) -> list[EventEntity]:
    """The most mentioned entities, linked ones by id and unlinked ones by surface text."""
    counts: Counter[tuple[str | None, str, str]] = Counter()
    for entity in article.entities:
        counts[(entity.entity_id, entity.canonical or entity.text, entity.type)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0][1]))
    return [EventEntity(entity_id=eid, canonical=name, type=etype, mentions=n)
            for (eid, name, etype), n in ranked[:TOP_ENTITIES]]
