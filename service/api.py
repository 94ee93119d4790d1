"""The HTTP API and the dashboard, in one FastAPI app over the store.

JSON endpoints with their OpenAPI document at ``/openapi.json``, a server-sent-events stream of
event updates at ``/updates``, and the dashboard's own static files at ``/``. Query parameters are
validated before any query runs (a bad one is a 422 that names it), page sizes are capped, and
every query binds its values.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import Depends, FastAPI, HTTPException, Path as PathParam, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.sse import EventSourceResponse, ServerSentEvent
from fastapi.staticfiles import StaticFiles

from schemas.models import ISO_DATETIME_PATTERN, Plover
from service import queries
from service.store import Store

DASHBOARD = Path(__file__).resolve().parent / "dashboard"
MAX_PAGE = 200
MAX_OFFSET = 100_000
# Printable text only: ids and names never hold control characters (PostgreSQL refuses NUL).
PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
UPDATES_QUEUE = 256
# The dashboard loads nothing from elsewhere and runs no inline script.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                           "frame-ancestors 'none'; form-action 'self'")

Identifier = Annotated[str, PathParam(max_length=300, pattern=PRINTABLE)]


class Updates:
    """Fans the feed's changed event ids out to the open ``/updates`` streams.

    ``publish`` is called from the feed's thread; each stream waits on a queue of its own loop. A
    stream that falls too far behind is ended, and its client reconnects and reloads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[asyncio.Queue, asyncio.AbstractEventLoop] = {}
        self.version = 0  # counts the feed's batches: what was read before a change is stale after it

    @property
    def open_streams(self) -> int:
        with self._lock:
            return len(self._queues)

    def publish(self, event_ids: set[str]) -> None:
        """After each batch the feed wrote (``event_ids`` may be empty: an article before its mention)."""
        with self._lock:
            self.version += 1
            targets = list(self._queues.items()) if event_ids else []
        for queue, loop in targets:
            loop.call_soon_threadsafe(_offer, queue, frozenset(event_ids))

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue]:
        queue: asyncio.Queue = asyncio.Queue(UPDATES_QUEUE)
        with self._lock:
            self._queues[queue] = asyncio.get_running_loop()
        try:
            yield queue
        finally:
            with self._lock:
                del self._queues[queue]


def _offer(queue: asyncio.Queue, event_ids: frozenset[str]) -> None:
    if queue.full():
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)  # the stream ends; the client reconnects and reloads
    else:
        queue.put_nowait(event_ids)


def as_utc(name: str, moment: str | None, *, end_of_day: bool = False) -> datetime | None:
    """A query's ISO date or time as naive UTC, as the store keeps it: a date alone is its first (or,
    for ``until``, last) moment, and a time without an offset is UTC."""
    if moment is None:
        return None
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        raise HTTPException(422, f"{name}: {moment!r} is not an ISO 8601 date or time") from None
    if len(moment) == len("2024-12-01") and end_of_day:
        parsed = datetime.combine(parsed.date(), time.max)
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def event_filter(
    since: Annotated[str | None, Query(pattern=ISO_DATETIME_PATTERN, description="Active at or after: an ISO "
                                       "date or time (UTC when it has no offset).")] = None,
    until: Annotated[str | None, Query(pattern=ISO_DATETIME_PATTERN, description="Active at or before: an ISO "
                                       "date (the whole day) or time.")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$",
                                         description="ISO 3166 alpha-2 of an entity of a report.")] = None,
    entity: Annotated[str | None, Query(max_length=300, pattern=PRINTABLE,
                                        description="An entity id named by a report.")] = None,
    plover: Annotated[Plover | None, Query(description="A PLOVER category coded in a report.")] = None,
    source: Annotated[str | None, Query(max_length=256, pattern=PRINTABLE,
                                        description="An outlet that reported the event.")] = None,
) -> queries.EventFilter:
    start, end = as_utc("since", since), as_utc("until", until, end_of_day=True)
    if start is not None and end is not None and start > end:
        raise HTTPException(422, "since is after until")
    return queries.EventFilter(since=start, until=end, country=country.upper() if country else None,
                               entity=entity, plover=plover, source=source)


Filter = Annotated[queries.EventFilter, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, at most {MAX_PAGE}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Events to skip.")]


def as_json(value: dict) -> Response:
    """The query's dict as JSON, encoded by orjson at once (FastAPI would walk it first)."""
    return Response(orjson.dumps(value, option=orjson.OPT_NAIVE_UTC), media_type="application/json")


def create_app(store: Store, updates: Updates) -> FastAPI:
    """The API and the dashboard over ``store``; ``updates`` feeds the live stream."""
    app = FastAPI(title="Akhbar", version="1", docs_url=None, redoc_url=None,
                  description="Arabic news events from the Akhbar pipeline: events, their reports, entities "
                              "and coded actions, with live updates.")

    def read(query, *args):
        with store.engine.connect() as connection:
            return query(connection, *args)

    def found(value: dict | None, what: str, key: str) -> Response:
        if value is None:
            raise HTTPException(404, f"no {what} {key!r}")
        return as_json(value)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/events", summary="Events, newest activity first, by time, country, entity, PLOVER and outlet")
    def list_events(where: Filter, limit: Limit = 50, offset: Offset = 0) -> Response:
        return as_json(read(queries.event_page, where, limit, offset))

    @app.get("/events/{event_id:path}", summary="An event with its reports (mentions) and coded actions")
    def get_event(event_id: Identifier) -> Response:
        return found(read(queries.event_detail, event_id), "event", event_id)

    @app.get("/articles/{article_id:path}", summary="An article's text with its entities and actions, by offset")
    def get_article(article_id: Identifier) -> Response:
        return found(read(queries.article_detail, article_id), "article", article_id)

    @app.get("/entities/{entity_id:path}", summary="An entity and the events that name it")
    def get_entity(entity_id: Identifier, limit: Limit = 50, offset: Offset = 0) -> Response:
        return found(read(queries.entity_detail, entity_id, limit, offset), "entity", entity_id)

    stats_cache: dict[int, Response] = {}  # the store's version -> its stats, until the feed writes

    @app.get("/stats", summary="Counts, outlets, PLOVER categories and countries of the store")
    def get_stats() -> Response:
        version = updates.version
        if version not in stats_cache:
            fresh = as_json(read(queries.stats))
            stats_cache.clear()
            stats_cache[version] = fresh
        return stats_cache[version]

    @app.get("/updates", response_class=EventSourceResponse,
             summary="Server-sent events: each changed event's summary (event 'event'), by the /events filters")
    async def stream_updates(where: Filter) -> AsyncIterator[ServerSentEvent]:
        async with updates.subscribe() as queue:
            yield ServerSentEvent(comment="connected")
            while (event_ids := await queue.get()) is not None:
                for summary in await run_in_threadpool(read, queries.changed_events, set(event_ids), where):
                    yield ServerSentEvent(data=summary, event="event")

    app.mount("/", StaticFiles(directory=DASHBOARD, html=True), name="dashboard")
    return app
