"""What the API reads from the store: pages of events by filter, an event with its reports, an
article with its offsets, an entity with its events, and counts.

Every query is a SQLAlchemy Core statement with bound parameters. An event involves a country when
an entity of one of its reports belongs to it, and an entity, a PLOVER category or an outlet when
one of its reports names it, codes it or comes from it (the store's ``event_facets``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, distinct, func, select

from service.store import actions, article_entities, articles, entities, event_facets, events, mentions

TOP_ENTITIES = 8


@dataclass(frozen=True)
class EventFilter:
    """The events active between ``since`` and ``until`` (naive UTC) that involve each given value."""

    since: datetime | None = None
    until: datetime | None = None
    country: str | None = None
    entity: str | None = None
    plover: str | None = None
    source: str | None = None

    def conditions(self) -> list:
        found = []
        if self.since is not None:
            found.append(events.c.last_seen_utc >= self.since)
        if self.until is not None:
            found.append(events.c.first_seen_utc <= self.until)
        for facet, value in (("country", self.country), ("entity", self.entity), ("plover", self.plover),
                             ("source", self.source)):
            if value is not None:
                found.append(events.c.event_id.in_(select(event_facets.c.event_id).where(
                    event_facets.c.facet == facet, event_facets.c.value == value)))
        return found


def iso_utc(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None


NEWEST_ACTIVITY_FIRST = (events.c.last_seen_utc.desc().nulls_last(), events.c.event_id.desc())


# What a summary reads of an event's row: not its actions, which the largest events have by the hundred.
SUMMARY = (events.c.event_id, events.c.title, events.c.first_seen, events.c.last_seen, events.c.first_seen_utc,
           events.c.last_seen_utc, events.c.num_articles, events.c.num_sources, events.c.sources, events.c.entities)


def event_page(connection: Connection, where: EventFilter, limit: int, offset: int) -> dict:
    """A page of event summaries, newest activity first; ``next_offset`` is None on the last page."""
    # The page's ids first, sorted on the keys alone; then their rows, whose JSON the sort would carry.
    ids = connection.scalars(select(events.c.event_id).where(*where.conditions()).order_by(*NEWEST_ACTIVITY_FIRST)
                             .limit(limit + 1).offset(offset)).all()
    more = len(ids) > limit
    return {"items": summaries(connection, _rows(connection, ids[:limit])), "limit": limit, "offset": offset,
            "next_offset": offset + limit if more else None}


def _rows(connection: Connection, ids: list[str]) -> list:
    """The summary columns of these events, in the order of ``ids``."""
    found = {row["event_id"]: row for row in
             connection.execute(select(*SUMMARY).where(events.c.event_id.in_(ids))).mappings()}
    return [found[event_id] for event_id in ids]


def changed_events(connection: Connection, event_ids: set[str], where: EventFilter) -> list[dict]:
    """The summaries of the events among ``event_ids`` that the filter selects, for the live stream."""
    if not event_ids:
        return []
    rows = connection.execute(select(*SUMMARY).where(events.c.event_id.in_(sorted(event_ids)), *where.conditions())
                              .order_by(*NEWEST_ACTIVITY_FIRST)).mappings().all()
    return summaries(connection, rows)


def summaries(connection: Connection, rows) -> list[dict]:
    """Event rows as the list shows them, with the countries and the mapped places of their reports."""
    ids = [row["event_id"] for row in rows]
    involved: dict[tuple[str, str], list[str]] = defaultdict(list)
    places: dict[str, list[dict]] = defaultdict(list)
    if ids:
        of_page = (event_facets.c.event_id.in_(ids),)
        for event_id, facet, value in connection.execute(
                select(event_facets.c.event_id, event_facets.c.facet, event_facets.c.value)
                .where(*of_page, event_facets.c.facet.in_(("country", "plover"))).order_by(event_facets.c.value)):
            involved[event_id, facet].append(value)
        for place in connection.execute(
                select(event_facets.c.event_id, entities.c.entity_id, entities.c.canonical, entities.c.latitude,
                       entities.c.longitude)
                .join(entities, entities.c.entity_id == event_facets.c.value)
                .where(*of_page, event_facets.c.facet == "place").order_by(entities.c.entity_id)).mappings():
            places[place["event_id"]].append({name: place[name] for name in
                                              ("entity_id", "canonical", "latitude", "longitude")})
    return [{
        "event_id": row["event_id"], "title": row["title"],
        "first_seen": row["first_seen"], "last_seen": row["last_seen"],
        "first_seen_utc": iso_utc(row["first_seen_utc"]), "last_seen_utc": iso_utc(row["last_seen_utc"]),
        "num_articles": row["num_articles"], "num_sources": row["num_sources"], "sources": row["sources"],
        "entities": sorted(row["entities"], key=lambda e: -e["mentions"])[:TOP_ENTITIES],
        "plover": involved[row["event_id"], "plover"],
        "countries": involved[row["event_id"], "country"],
        "places": places[row["event_id"]],
    } for row in rows]


def event_detail(connection: Connection, event_id: str) -> dict | None:
    """An event with all its entities and coded actions, and its reports in the order the event got them."""
    row = connection.execute(select(events).where(events.c.event_id == event_id)).mappings().first()
    if row is None:
        return None
    [summary] = summaries(connection, [row])
    arrival = {article_id: position for position, article_id in enumerate(row["article_ids"])}
    reports = connection.execute(
        select(mentions, articles.c.title, articles.c.url, articles.c.duplicate_of,
               articles.c.article_id.is_not(None).label("has_text"))
        .select_from(mentions.outerjoin(articles, articles.c.article_id == mentions.c.article_id))
        .where(mentions.c.event_id == event_id)).mappings().all()
    ordered = sorted(reports, key=lambda r: (arrival.get(r["article_id"], len(arrival)),
                                             r["published_utc"] or datetime.min, r["article_id"]))
    return {**summary, "entities": row["entities"], "actions": row["actions"], "article_ids": row["article_ids"],
            "mentions": [{
                "article_id": r["article_id"], "source": r["source"], "published": r["published"],
                "published_utc": iso_utc(r["published_utc"]), "relation": r["relation"],
                "similarity": r["similarity"], "title": r["title"], "url": r["url"],
                "duplicate_of": r["duplicate_of"], "has_text": bool(r["has_text"]),
            } for r in ordered]}


def _actor(row, prefix: str) -> dict | None:
    if row[f"{prefix}_text"] is None:
        return None
    actor = {name: row[f"{prefix}_{name}"] for name in ("entity_id", "canonical", "text", "country")}
    if prefix != "place":
        actor["sector"] = row[f"{prefix}_sector"]
    return actor


def article_detail(connection: Connection, article_id: str) -> dict | None:
    """An article's text with its entities and coded actions, offsets into its title or body."""
    row = connection.execute(select(articles).where(articles.c.article_id == article_id)).mappings().first()
    if row is None:
        return None
    event_id = connection.scalar(select(mentions.c.event_id).where(mentions.c.article_id == article_id))
    found = connection.execute(
        select(article_entities, entities.c.canonical)
        .select_from(article_entities.outerjoin(entities, entities.c.entity_id == article_entities.c.entity_id))
        .where(article_entities.c.article_id == article_id).order_by(article_entities.c.seq)).mappings()
    coded = connection.execute(select(actions).where(actions.c.article_id == article_id)
                               .order_by(actions.c.seq)).mappings()
    return {
        "article_id": row["article_id"], "source": row["source"], "url": row["url"], "title": row["title"],
        "body": row["body"], "published": row["published"], "published_utc": iso_utc(row["published_utc"]),
        "language": row["language"], "duplicate_of": row["duplicate_of"], "similarity": row["similarity"],
        "event_id": event_id,
        "entities": [{"text": e["text"], "type": e["type"], "field": e["field"], "start": e["char_start"],
                      "end": e["char_end"], "entity_id": e["entity_id"], "canonical": e["canonical"],
                      "country": e["country"], "role": e["role"]} for e in found],
        "actions": [{"plover": a["plover"], "cameo": a["cameo"], "actor1": _actor(a, "actor1"),
                     "actor2": _actor(a, "actor2"), "location": _actor(a, "place"), "date": a["date"],
                     "confidence": a["confidence"],
                     "trigger": {"text": a["trigger_text"], "field": a["trigger_field"], "start": a["trigger_start"],
                                 "end": a["trigger_end"]}} for a in coded],
    }


def entity_detail(connection: Connection, entity_id: str, limit: int, offset: int) -> dict | None:
    """An entity, how many reports name it, and a page of the events that name it."""
    row = connection.execute(select(entities).where(entities.c.entity_id == entity_id)).mappings().first()
    if row is None:
        return None
    articles_naming = connection.scalar(select(func.count(distinct(article_entities.c.article_id)))
                                        .where(article_entities.c.entity_id == entity_id))
    return {**{name: row[name] for name in ("entity_id", "canonical", "type", "country", "latitude", "longitude")},
            "articles": articles_naming,
            "events": event_page(connection, EventFilter(entity=entity_id), limit, offset)}


def stats(connection: Connection) -> dict:
    """Counts of the whole store, and the values the dashboard's filters offer."""
    def count(table) -> int:
        return connection.scalar(select(func.count()).select_from(table))

    by_source = connection.execute(select(mentions.c.source, func.count()).group_by(mentions.c.source)
                                   .order_by(func.count().desc(), mentions.c.source)).all()
    def involved(facet: str):
        return select(event_facets.c.value, func.count()).where(event_facets.c.facet == facet) \
            .group_by(event_facets.c.value)

    by_plover = connection.execute(involved("plover").order_by(func.count().desc(), event_facets.c.value)).all()
    countries = connection.scalars(involved("country").with_only_columns(event_facets.c.value)
                                   .order_by(event_facets.c.value)).all()
    # two queries, so that each reads one end of its index
    first = connection.scalar(select(func.min(events.c.first_seen_utc)))
    last = connection.scalar(select(func.max(events.c.last_seen_utc)))
    return {
        "events": count(events), "articles": count(articles), "mentions": count(mentions),
        "outlets": len(by_source), "entities": count(entities), "actions": count(actions),
        "first_seen_utc": iso_utc(first), "last_seen_utc": iso_utc(last),
        "sources": [{"source": source, "mentions": n} for source, n in by_source],
        "plover": [{"plover": plover, "events": n} for plover, n in by_plover],
        "countries": list(countries),
    }

