"""The store: the pipeline's events, mentions and enriched articles as SQL tables.

SQLAlchemy Core, so that one set of tables and statements serves SQLite (the default, embedded) and
PostgreSQL. Every write is idempotent by key: an event row is the event's latest state (the
compacted topic's semantics), and a mention, an article and what was extracted from it are written
once. Replaying a topic, or loading the same files twice, leaves the tables as they were.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson
from pydantic import ValidationError
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    literal,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from schemas import EnrichedArticle, Event, Mention

log = logging.getLogger("akhbar.store")

ID = String(300)  # article ids are at most 256 characters; event and entity ids are derived from them
TIME = String(40)  # an ISO 8601 time as the contract gives it, with its own offset or none
DOCUMENT = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData()

events = Table(
    "events", metadata,
    Column("event_id", ID, primary_key=True),
    Column("title", Text, nullable=False),
    Column("first_seen", TIME),
    Column("last_seen", TIME),
    Column("first_seen_utc", DateTime),
    Column("last_seen_utc", DateTime),
    Column("num_articles", Integer, nullable=False),
    Column("num_sources", Integer, nullable=False),
    Column("sources", DOCUMENT, nullable=False),
    Column("article_ids", DOCUMENT, nullable=False),
    Column("entities", DOCUMENT, nullable=False),
    Column("actions", DOCUMENT, nullable=False),
    Index("events_by_last_seen", "last_seen_utc", "event_id"),
    Index("events_by_first_seen", "first_seen_utc"),
)

mentions = Table(
    "mentions", metadata,
    Column("article_id", ID, primary_key=True),
    Column("event_id", ID, nullable=False),
    Column("source", Text, nullable=False),
    Column("published", TIME),
    Column("published_utc", DateTime),
    Column("relation", String(10), nullable=False),
    Column("similarity", Float),
    Index("mentions_by_event", "event_id"),
    Index("mentions_by_source", "source", "event_id"),
)

articles = Table(
    "articles", metadata,
    Column("article_id", ID, primary_key=True),
    Column("source", Text, nullable=False),
    Column("url", Text),
    Column("title", Text),
    Column("body", Text, nullable=False),
    Column("published", TIME),
    Column("published_utc", DateTime),
    Column("language", String(20), nullable=False),
    Column("duplicate_of", ID),
    Column("similarity", Float),
)

entities = Table(
    "entities", metadata,
    Column("entity_id", ID, primary_key=True),
    Column("canonical", Text),
    Column("type", String(4), nullable=False),
    Column("country", String(2)),
    Column("latitude", Float),
    Column("longitude", Float),
)

article_entities = Table(
    "article_entities", metadata,
    Column("article_id", ID, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("entity_id", ID),
    Column("text", Text, nullable=False),
    Column("type", String(4), nullable=False),
    Column("field", String(5), nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("country", String(2)),
    Column("role", String(3)),
    Index("article_entities_by_entity", "entity_id", "article_id"),
    Index("article_entities_by_country", "country", "article_id"),
)


def _actor_columns(prefix: str) -> list[Column]:
    return [Column(f"{prefix}_entity_id", ID), Column(f"{prefix}_canonical", Text), Column(f"{prefix}_text", Text),
            Column(f"{prefix}_country", String(2)), Column(f"{prefix}_sector", String(3))]


actions = Table(
    "actions", metadata,
    Column("article_id", ID, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("plover", String(12), nullable=False),
    Column("cameo", String(4), nullable=False),
    *_actor_columns("actor1"),
    *_actor_columns("actor2"),
    Column("place_entity_id", ID),
    Column("place_canonical", Text),
    Column("place_text", Text),
    Column("place_country", String(2)),
    Column("date", String(10)),
    Column("confidence", Float, nullable=False),
    Column("trigger_text", Text, nullable=False),
    Column("trigger_field", String(5), nullable=False),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Index("actions_by_plover", "plover", "article_id"),
    Index("actions_by_countries", "actor1_country", "actor2_country"),
)

# What each event involves, from its reports: a country or an entity they name, a place on the map,
# a PLOVER category they code, an outlet. Derived when a report or its article is written, whichever
# comes second, so that the filters are an index lookup instead of joins over every report.
event_facets = Table(
    "event_facets", metadata,
    Column("facet", String(7), primary_key=True),  # country, entity, place, plover or source
    Column("value", ID, primary_key=True),
    Column("event_id", ID, primary_key=True),
    Index("event_facets_by_event", "event_id", "facet"),
)

TABLES = (events, mentions, articles, entities, article_entities, actions, event_facets)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
# Both databases plan queries from statistics that ANALYZE gathers: without them SQLite picks the wrong
# index of event_facets, five times slower, and PostgreSQL's autovacuum may come a minute after a bulk
# load. A table is analysed each time the rows written to it have doubled, from this many on.
ANALYZE_FROM_ROWS = 5_000


class StoreError(RuntimeError):
    """The store cannot be opened: an unusable URL or an unreachable database (the message shows no password)."""


def utc(iso: str | None) -> datetime | None:
    """A contract's ISO time as naive UTC, for ordering and filtering; a time without an offset is taken as UTC."""
    if iso is None:
        return None
    moment = datetime.fromisoformat(iso)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def database_url(raw: str) -> URL:
    """The URL of ``AKHBAR_DATABASE_URL``: SQLite or PostgreSQL (through psycopg)."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError("AKHBAR_DATABASE_URL is not a database URL (sqlite:///FILE or "
                         "postgresql+psycopg://USER@HOST/DATABASE)") from None
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        raise StoreError(f"AKHBAR_DATABASE_URL: {backend} is not supported; use sqlite or postgresql")
    return url.set(drivername=DRIVERS[backend]) if url.drivername == backend else url


@dataclass
class Applied:
    """What one batch changed: the events whose rows or reports changed, and the records skipped."""

    event_ids: set[str] = field(default_factory=set)
    skipped: int = 0


class Store:
    """The tables on one database, migrated to the current version when opened."""

    def __init__(self, url: str) -> None:
        self.url = database_url(url)
        try:
            self.engine = create_engine(self.url, connect_args={"timeout": 30} if self.dialect == "sqlite" else {},
                                        json_serializer=_json_text, json_deserializer=orjson.loads)
        except ImportError:
            raise StoreError("PostgreSQL needs psycopg: pip install 'akhbar[postgres]'") from None
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._rows_written: Counter = Counter()  # table name -> rows written by this process
        self._rows_at_analysis: Counter = Counter()
        try:
            self.migrate()
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open the store {self.safe_url}: {getattr(exc, 'orig', None) or exc}") from None

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @property
    def safe_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def migrate(self) -> None:
        """Bring the tables to the latest migration (``service/migrations``); a current store is left as it is."""
        from alembic import command
        from alembic.config import Config

        if self.dialect == "sqlite" and self.url.database:
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    def apply(self, records: Iterable[tuple[str, bytes]]) -> Applied:
        """Write a batch of ``(topic role, record bytes)`` in one transaction: roles ``events``,
        ``mentions`` and ``enriched``. A record that does not match its contract is logged and skipped."""
        applied = Applied()
        rows: dict[Table, dict] = {table: {} for table in TABLES}
        for role, data in records:
            try:
                self._collect(role, data, rows)
            except (ValueError, ValidationError) as exc:  # orjson's and pydantic's errors are ValueErrors
                applied.skipped += 1
                log.warning("skipped a record of %s that does not match its contract: %s", role,
                            str(exc).splitlines()[0][:200])
        applied.event_ids |= rows[events].keys() | {row["event_id"] for row in rows[mentions].values()}
        with self.engine.begin() as connection:
            for table, keyed in rows.items():
                if keyed:
                    connection.execute(self._upsert(table), list(keyed.values()))
                    self._rows_written[table.name] += len(keyed)
            reported = sorted(rows[mentions].keys() | rows[articles].keys())
            if reported:
                for facet in self._facets(reported):
                    self._rows_written[event_facets.name] += connection.execute(facet).rowcount
                applied.event_ids |= set(connection.scalars(
                    select(mentions.c.event_id).where(mentions.c.article_id.in_(reported))))
        self._analyse_grown_tables()
        return applied

    def _analyse_grown_tables(self) -> None:
        grown = [name for name, written in self._rows_written.items()
                 if written >= max(ANALYZE_FROM_ROWS, 2 * self._rows_at_analysis[name])]
        if grown:
            with self.engine.begin() as connection:
                for name in grown:
                    connection.execute(text(f"ANALYZE {name}"))  # a table of ours: no value to bind
                    self._rows_at_analysis[name] = self._rows_written[name]

    def _facets(self, article_ids: list[str]):
        """The statements that add what these articles' reports make their events involve."""
        report = mentions.c.article_id.in_(article_ids)
        named = mentions.join(article_entities, article_entities.c.article_id == mentions.c.article_id)
        located = named.join(entities, entities.c.entity_id == article_entities.c.entity_id)
        coded = mentions.join(actions, actions.c.article_id == mentions.c.article_id)
        derived = (
            select(literal("country"), article_entities.c.country, mentions.c.event_id).select_from(named)
            .where(report, article_entities.c.country.is_not(None)),
            select(literal("entity"), article_entities.c.entity_id, mentions.c.event_id).select_from(named)
            .where(report, article_entities.c.entity_id.is_not(None)),
            select(literal("place"), entities.c.entity_id, mentions.c.event_id).select_from(located)
            .where(report, entities.c.latitude.is_not(None)),
            select(literal("plover"), actions.c.plover, mentions.c.event_id).select_from(coded).where(report),
            select(literal("source"), mentions.c.source, mentions.c.event_id).where(report),
        )
        for rows in derived:
            yield self._upsert(event_facets).from_select(["facet", "value", "event_id"], rows.distinct())

    def _upsert(self, table: Table):
        """``INSERT … ON CONFLICT``: an event takes its latest state, every other row is written once."""
        statement = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(table)
        if table is not events:
            return statement.on_conflict_do_nothing()
        return statement.on_conflict_do_update(
            index_elements=[events.c.event_id],
            set_={column.name: statement.excluded[column.name] for column in events.columns if not column.primary_key})

    def _collect(self, role: str, data: bytes, rows: dict[Table, dict]) -> None:
        """Add a record's rows, keyed as the table is: a later state of an event replaces an earlier one
        in the batch, a row written once keeps its first."""
        if role == "events":
            record = Event.from_json(data)
            rows[events][record.event_id] = event_row(record)
        elif role == "mentions":
            record = Mention.from_json(data)
            rows[mentions].setdefault(record.article_id, mention_row(record))
        elif role == "enriched":
            record = EnrichedArticle.from_json(data)
            if record.id in rows[articles]:
                return
            rows[articles][record.id] = article_row(record)
            for seq, entity in enumerate(record.entities):
                rows[article_entities][record.id, seq] = article_entity_row(record.id, seq, entity)
                if entity.entity_id is not None:
                    rows[entities].setdefault(entity.entity_id, entity_row(entity))
            for seq, action in enumerate(record.actions):
                rows[actions][record.id, seq] = action_row(record.id, seq, action)
        else:
            raise ValueError(f"unknown topic role {role!r}")


def _json_text(value) -> str:
    """JSON columns as UTF-8 text («الرياض», not «\\u0627…»), for people reading the tables."""
    return orjson.dumps(value).decode()


def _sqlite_pragmas(connection, _record) -> None:
    """Readers go on while the feed writes (write-ahead log); durable at each commit but a power cut."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def event_row(record: Event) -> dict:
    dumped = record.model_dump(mode="json")
    return {
        "event_id": record.event_id, "title": record.title,
        "first_seen": record.first_seen, "last_seen": record.last_seen,
        "first_seen_utc": utc(record.first_seen), "last_seen_utc": utc(record.last_seen),
        "num_articles": record.num_articles, "num_sources": record.num_sources,
        "sources": record.sources, "article_ids": record.article_ids,
        "entities": dumped["entities"], "actions": dumped["actions"],
    }


def mention_row(record: Mention) -> dict:
    return {"article_id": record.article_id, "event_id": record.event_id, "source": record.source,
            "published": record.published, "published_utc": utc(record.published), "relation": record.relation,
            "similarity": record.similarity}


def article_row(record: EnrichedArticle) -> dict:
    article = record.article
    return {"article_id": record.id, "source": article.source, "url": article.url, "title": article.title,
            "body": article.body, "published": record.published, "published_utc": utc(record.published),
            "language": record.language, "duplicate_of": record.duplicate_of, "similarity": record.similarity}


def entity_row(entity) -> dict:
    return {"entity_id": entity.entity_id, "canonical": entity.canonical, "type": entity.type,
            "country": entity.country, "latitude": entity.latitude, "longitude": entity.longitude}


def article_entity_row(article_id: str, seq: int, entity) -> dict:
    return {"article_id": article_id, "seq": seq, "entity_id": entity.entity_id, "text": entity.text,
            "type": entity.type, "field": entity.field, "char_start": entity.start, "char_end": entity.end,
            "country": entity.country, "role": entity.role}


def _actor(prefix: str, actor) -> dict:
    names = ("entity_id", "canonical", "text", "country", "sector")
    return {f"{prefix}_{name}": getattr(actor, name) if actor is not None else None for name in names}


def action_row(article_id: str, seq: int, action) -> dict:
    place = _actor("place", action.location)
    del place["place_sector"]
    return {"article_id": article_id, "seq": seq, "plover": action.plover, "cameo": action.cameo,
            **_actor("actor1", action.actor1), **_actor("actor2", action.actor2), **place,
            "date": action.date, "confidence": action.confidence,
            "trigger_text": action.trigger.text, "trigger_field": action.trigger.field,
            "trigger_start": action.trigger.start, "trigger_end": action.trigger.end}
