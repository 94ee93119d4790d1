"""The HTTP API through its HTTP interface (FastAPI's TestClient): filters, paging, bad parameters,
the live stream, and the dashboard's files."""

from __future__ import annotations

import threading
import time

import httpx2
import orjson
import pytest
from fastapi.testclient import TestClient

from conftest import fresh_database
from service.api import MAX_PAGE, Updates, create_app
from service.consumer import FileFeed
from service.store import Store

@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(request, run_output, tmp_path_factory):
    """The files of a run loaded once for the module's tests, which only read, on each dialect."""
    with fresh_database(request.param, request, tmp_path_factory.mktemp("api")) as url:
        store = Store(url)
        FileFeed(run_output).run(store, lambda _ids: None, threading.Event())
        updates = Updates()
        with TestClient(create_app(store, updates)) as client:
            yield client, store, updates
        store.close()


@pytest.fixture
def client(loaded):
    return loaded[0]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [event["event_id"] for event in response.json()["items"]]


def meeting(client) -> dict:
    [event] = [e for e in client.get("/events").json()["items"] if e["num_articles"] == 3]
    return event


def test_events_come_newest_activity_first_with_their_counts(client):
    items = client.get("/events").json()["items"]
    assert len(items) == 6
    times = [item["last_seen_utc"] for item in items]
    assert times == sorted(times, reverse=True)
    event = meeting(client)
    assert (event["num_articles"], event["num_sources"]) == (3, 3)
    assert {"SA", "EG", "SD"} <= set(event["countries"])
    assert "Riyadh" in {place["canonical"] for place in event["places"]}
    assert "CONSULT" in event["plover"]


@pytest.mark.parametrize("query, expected", [
    ("country=SA", 1), ("country=jo", 2), ("plover=AGREE", 2), ("source=nile-daily", 2),
    ("source=desert-herald", 1), ("entity=geonames:108410", 1), ("since=2024-12-04", 1),
    ("until=2024-12-02", 2), ("since=2024-12-03T09:00:00%2B03:00&until=2024-12-03T12:00:00Z", 2),
    ("country=SA&plover=AID", 1), ("country=SA&source=levant-post", 0), ("source=nobody", 0),
])
def test_filters(client, query, expected):
    assert len(ids(client.get(f"/events?{query}"))) == expected, query


def test_paging_walks_every_event_once_and_says_where_it_ends(client):
    seen, offset = [], 0
    while offset is not None:
        page = client.get(f"/events?limit=4&offset={offset}").json()
        seen += [event["event_id"] for event in page["items"]]
        offset = page["next_offset"]
    assert seen == ids(client.get("/events"))
    assert client.get("/events?limit=4&offset=4").json()["next_offset"] is None


@pytest.mark.parametrize("query, field", [
    (f"limit={MAX_PAGE + 1}", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"), ("offset=10000000", "offset"),
    ("limit=ten", "limit"), ("plover=WAR", "plover"), ("country=SAU", "country"), ("since=yesterday", "since"),
    ("until=2024-13-01", "until"), ("source=%00", "source"), ("entity=" + "x" * 400, "entity"),
])
def test_bad_parameters_are_a_422_that_names_them(client, query, field):
    response = client.get(f"/events?{query}")
    assert response.status_code == 422, response.text
    assert any(field in error["loc"] for error in response.json()["detail"]), response.text


def test_a_time_range_that_ends_before_it_starts_is_refused(client):
    response = client.get("/events?since=2024-12-04&until=2024-12-01")
    assert response.status_code == 422
    assert response.json()["detail"] == "since is after until"


@pytest.mark.parametrize("path", ["/events/nope", "/articles/nope", "/entities/nope", "/events/a%2Fb"])
def test_unknown_ids_are_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "nope" in response.json()["detail"] or "a/b" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/events/%00", "/articles/x%1Fy", "/entities/" + "e" * 301])
def test_unusable_ids_are_a_422_not_a_server_error(client, path):
    assert client.get(path).status_code == 422


def test_an_event_has_its_reports_in_arrival_order_and_its_actions(client):
    event = client.get(f"/events/{meeting(client)['event_id']}").json()
    assert [m["article_id"] for m in event["mentions"]] == event["article_ids"]
    assert [m["relation"] for m in event["mentions"]] == ["opened", "joined", "joined"]
    assert all(m["has_text"] and m["title"] for m in event["mentions"])
    assert {action["plover"] for action in event["actions"]} >= {"CONSULT"}
    actors = [action["actor1"] for action in event["actions"] if action["actor1"]]
    assert all("country" in actor and "sector" in actor for actor in actors)


def test_an_articles_offsets_index_into_its_title_or_body(client):
    article = client.get("/articles/test-script-wire-0007").json()
    assert "<script>" in article["body"] and article["event_id"]
    assert article["entities"] and article["actions"]
    for entity in article["entities"]:
        assert article[entity["field"]][entity["start"]:entity["end"]] == entity["text"]
    for action in article["actions"]:
        trigger = action["trigger"]
        assert article[trigger["field"]][trigger["start"]:trigger["end"]] == trigger["text"]


def test_an_entity_has_its_events(client):
    entity = client.get("/entities/geonames:108410").json()
    assert entity["canonical"] == "Riyadh" and entity["latitude"]
    assert entity["articles"] == 3
    assert [e["num_articles"] for e in entity["events"]["items"]] == [3]
    assert client.get("/entities/geonames:108410?limit=500").status_code == 422


def test_stats_count_the_store(client):
    stats = client.get("/stats").json()
    assert (stats["events"], stats["articles"], stats["mentions"], stats["outlets"]) == (6, 8, 8, 7)
    assert stats["sources"][0] == {"source": "nile-daily", "mentions": 2}
    assert "SA" in stats["countries"] and stats["plover"]


def test_stats_are_read_again_once_the_feed_has_written(store_url, run_output):
    store = Store(store_url)
    updates = Updates()
    with TestClient(create_app(store, updates)) as fresh:
        assert fresh.get("/stats").json()["mentions"] == 0
        lines = (run_output / "mentions.jsonl").read_bytes().splitlines()
        store.apply([("mentions", lines[0])])
        assert fresh.get("/stats").json()["mentions"] == 0  # nothing said the store changed
        updates.publish(store.apply([("mentions", lines[1])]).event_ids)
        assert fresh.get("/stats").json()["mentions"] == 2
    store.close()


def test_the_openapi_document_lists_the_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/events", "/events/{event_id}", "/articles/{article_id}", "/entities/{entity_id}", "/stats",
            "/updates"} <= set(paths)


def test_the_dashboard_is_served_with_a_policy_that_runs_only_its_own_scripts(client):
    for path in ("/", "/event.html", "/common.js", "/list.js", "/event.js", "/style.css", "/world.geojson"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert 'dir="rtl"' in client.get("/").text


@pytest.fixture
def live_server(loaded):
    """The same app under a real uvicorn on 127.0.0.1, for the never-ending live stream."""
    import uvicorn

    from streams.broker import free_port

    _client, store, updates = loaded
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(store, updates), host="127.0.0.1", port=port,
                                           log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", updates
    server.should_exit = True
    thread.join(10)


def test_the_live_stream_sends_the_summary_of_each_changed_event_by_the_filters(client, live_server):
    base, updates = live_server
    event_id = meeting(client)["event_id"]
    other = next(e["event_id"] for e in client.get("/events").json()["items"] if e["event_id"] != event_id)
    for query, expected in (("", {event_id, other}), ("?source=desert-herald", {event_id})):
        received = set()
        with httpx2.stream("GET", f"{base}/updates{query}", timeout=10) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            assert next(lines) == ": connected"
            updates.publish({event_id, other})
            for line in lines:
                if line.startswith("data: "):
                    received.add(orjson.loads(line.removeprefix("data: "))["event_id"])
                if line == "" and received >= expected:
                    break
        assert received == expected
    deadline = time.monotonic() + 10
    while updates.open_streams and time.monotonic() < deadline:  # a closed stream unsubscribes
        time.sleep(0.05)
    assert updates.open_streams == 0
