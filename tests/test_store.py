"""The store on real SQLite and real PostgreSQL: its migrations, idempotent writes by key, and
replays that rebuild the same tables."""

from __future__ import annotations

from datetime import datetime

import orjson
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from service.consumer import ROLES, FileFeed
from service.store import TABLES, Store, StoreError, metadata, utc

ROLE_FILES = {"enriched": "enriched.jsonl", "mentions": "mentions.jsonl", "events": "events.jsonl"}


def records(run_output, roles=ROLES) -> list[tuple[str, bytes]]:
    return [(role, line) for role in roles for line in (run_output / ROLE_FILES[role]).read_bytes().splitlines()]


def tables(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: what two stores must agree on."""
    with store.engine.connect() as connection:
        return {table.name: [tuple(row) for row in connection.execute(
            select(table).order_by(*table.primary_key.columns))] for table in TABLES}


@pytest.fixture
def store(store_url):
    opened = Store(store_url)
    yield opened
    opened.close()


def test_the_migrations_build_exactly_the_tables_of_the_store(store):
    with store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_reopening_a_store_keeps_its_rows(store, run_output):
    store.apply(records(run_output))
    again = Store(store.url.render_as_string(hide_password=False))
    assert tables(again) == tables(store)
    again.close()


def test_replaying_the_records_twice_gives_identical_tables(store, run_output):
    store.apply(records(run_output))
    first = tables(store)
    assert len(first["events"]) == 6 and len(first["mentions"]) == 8 and len(first["articles"]) == 8
    assert first["actions"] and first["article_entities"] and first["entities"]
    store.apply(records(run_output))
    assert tables(store) == first


def test_the_order_the_topics_arrive_in_does_not_change_the_tables(store, run_output, tmp_path):
    """Events before their reports, and records one at a time, end in the same tables as the files loaded."""
    for record in records(run_output, roles=("events", "mentions", "enriched")):
        store.apply([record])
    reference = Store(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    FileFeed(run_output).run(reference, lambda _ids: None, stop=_never())
    assert tables(store) == tables(reference)
    reference.close()


def test_an_event_row_is_its_latest_state_and_a_mention_is_written_once(store, run_output):
    events = [orjson.loads(line) for line in (run_output / "events.jsonl").read_bytes().splitlines()]
    meeting = next(event for event in events if event["num_articles"] == 3)
    earlier = {**meeting, "article_ids": meeting["article_ids"][:1], "num_articles": 1, "num_sources": 1,
               "sources": meeting["sources"][:1], "last_seen": meeting["first_seen"]}
    store.apply([("events", orjson.dumps(earlier))])
    applied = store.apply([("events", orjson.dumps(meeting))])
    assert applied.event_ids == {meeting["event_id"]}
    [row] = [row for row in tables(store)["events"] if row[0] == meeting["event_id"]]
    assert row[6] == 3  # num_articles: the latest state

    mention = orjson.loads((run_output / "mentions.jsonl").read_bytes().splitlines()[0])
    store.apply([("mentions", orjson.dumps(mention))])
    store.apply([("mentions", orjson.dumps({**mention, "event_id": "ev-other"}))])
    with store.engine.connect() as connection:
        assert connection.scalar(text("SELECT event_id FROM mentions WHERE article_id = :id"),
                                 {"id": mention["article_id"]}) == mention["event_id"]


def test_records_that_do_not_match_their_contract_are_skipped(store, run_output):
    good = records(run_output, roles=("mentions",))[:1]
    applied = store.apply([("mentions", b"not json"), ("events", b'{"event_id": 1}'), *good])
    assert applied.skipped == 2
    assert len(tables(store)["mentions"]) == 1


def test_times_are_kept_as_given_and_in_utc_for_ordering(store, run_output):
    store.apply(records(run_output))
    with store.engine.connect() as connection:
        published, published_utc = connection.execute(text(
            "SELECT published, published_utc FROM articles WHERE article_id = 'sample-riyadh-wire-0001'")).one()
    assert published == "2024-12-03T10:15:00+03:00"
    assert published_utc in (datetime(2024, 12, 3, 7, 15), "2024-12-03 07:15:00.000000")
    assert utc("2024-12-02T16:30:00") == datetime(2024, 12, 2, 16, 30)  # no offset: taken as UTC
    assert utc("2024-12-03T08:00:00Z") == datetime(2024, 12, 3, 8, 0)


def test_the_analysts_queries_of_the_readme_run(store, run_output):
    """The README's three SQL queries, as written there, on both databases."""
    from conftest import REPO

    readme = (REPO / "README.md").read_text()
    queries = [block.split("```", 1)[0] for block in readme.split("```sql\n")[1:]]
    assert len(queries) == 3
    store.apply(records(run_output))
    with store.engine.connect() as connection:
        results = [connection.execute(text(query)).all() for query in queries]
    assert all(results), results
    between = results[0]
    assert any("الرياض" in row.title for row in between)


def test_a_database_url_shows_no_password_and_unusable_ones_are_refused():
    from service.store import database_url

    url = database_url("postgresql://akhbar:s3cret@db.internal/akhbar")
    assert url.drivername == "postgresql+psycopg"
    assert "s3cret" not in url.render_as_string(hide_password=True)
    with pytest.raises(StoreError, match="mysql is not supported"):
        database_url("mysql://root@localhost/akhbar")
    with pytest.raises(StoreError, match="not a database URL"):
        database_url("just words")
    with pytest.raises(StoreError, match=r"cannot open the store postgresql\+psycopg://akhbar:\*\*\*@127.0.0.1:1/x"):
        Store("postgresql+psycopg://akhbar:s3cret@127.0.0.1:1/x")


def _never():
    import threading

    return threading.Event()
