"""The crawler against a local server: what it publishes, how politely it asks, and what it does
with bad input (logged with its reason, counted, reported, never a crash)."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
from click.testing import CliRunner

from conftest import REPO
from feeds.cli import feeds
from feeds.extract import article_id, extract_page
from feeds_crawl import crawl
from feeds_server import CONTACT, Answer, FixtureServer, delayed, feeds_toml, rss, serve_numbered_outlet, static
from schemas import Article
from streams.broker import free_port

OUTLETS = [("وكالة أنباء الوادي", "/wadi/rss.xml"), ("صحيفة الساحل", "/sahil/feed/atom/"),
           ("جريدة النخيل", "/nakheel/rss.xml")]


@pytest.fixture
def server():
    with FixtureServer() as running:
        running.serve_outlets()
        yield running


def outlets_toml(tmp_path, server, feeds=OUTLETS, **crawler):
    return feeds_toml(tmp_path / "feeds.toml", [(source, server.base + path) for source, path in feeds], **crawler)


def by_url(articles):
    return {article["url"].split("/", 3)[3]: article for article in articles}


def test_a_poll_publishes_each_article_with_the_contract_filled_in(tmp_path, server):
    run = crawl(outlets_toml(tmp_path, server), tmp_path / "out.jsonl")
    articles = by_url(run.articles())
    assert sorted(articles) == [
        "nakheel/news.php?id=20409&sec=4", "nakheel/news.php?id=20417",
        "sahil/2026/05/02/book-fair/", "sahil/2026/05/02/heat-wave/", "sahil/2026/05/03/jordan-egypt-power/",
        "wadi/news/2026/05/03/bridge.html", "wadi/news/2026/05/03/power-link.html"]
    for article in articles.values():
        Article.model_validate(article)
        assert article["id"] == article_id(article["url"])
        assert article["language"] in {"ar", "ar-sa"}
    bridge = articles["wadi/news/2026/05/03/bridge.html"]
    assert bridge["source"] == "وكالة أنباء الوادي"
    assert bridge["published_at"] == "2026-05-03T09:15:00+03:00"  # from the feed
    assert bridge["title"].startswith("افتتـــاح جسر الوحدة")
    football = articles["nakheel/news.php?id=20409&sec=4"]
    assert football["published_at"] == "2026-05-01"  # the feed gives no date: the page's
    assert football["title"] == "نادي النخيل يفوز على ضيفه بثلاثة أهداف ويقترب من الصدارة"  # not "جريدة النخيل :: …"
    assert football["metadata"]["encoding"] == "cp1256"  # served with a header that claims utf-8
    assert articles["nakheel/news.php?id=20417"]["body"].startswith("أطلقت بلدية النخيل صباح أمس حملة")
    assert {(e["url"].rsplit("/", 1)[1], e["reason"], e["final"]) for e in run.errors()} == {
        ("removed.html", "http_404", True), ("olive-festival.html", "no_text", True)}
    wadi = run.feed_state(server.base + "/wadi/rss.xml")
    assert (wadi.polled, wadi.new, wadi.updated, wadi.failed) == (1, 2, 0, 2)
    assert wadi.last_success is not None
    assert run.metrics.value("akhbar_feeds_articles_total", feed=server.base + "/sahil/feed/atom/", kind="new") == 3
    assert run.metrics.value("akhbar_feeds_failures_total", feed=server.base + "/wadi/rss.xml", reason="no_text") == 1


def test_requests_name_akhbar_and_the_contact_and_robots_txt_is_read_once_per_site(tmp_path, server):
    crawl(outlets_toml(tmp_path, server), tmp_path / "out.jsonl")
    assert {request.headers["user-agent"] for request in server.requests} == {f"Akhbar/0.1 (+{CONTACT})"}
    assert server.paths().count("/robots.txt") == 1


def test_a_second_poll_sends_the_validators_gets_304_and_fetches_no_page(tmp_path, server):
    config = outlets_toml(tmp_path, server)
    crawl(config, tmp_path / "out.jsonl")
    first = len(server.requests)
    again = crawl(config, tmp_path / "out.jsonl")
    later = server.requests[first:]
    assert {r.path for r in later} == {path for _, path in OUTLETS} | {"/robots.txt"}
    feeds_asked = [r for r in later if r.path != "/robots.txt"]
    assert all("if-none-match" in r.headers and "if-modified-since" in r.headers for r in feeds_asked)
    assert [report.outcome for report in again.reports] == ["not_modified"] * 3
    assert len(again.articles()) == 7


def test_a_changed_article_is_published_again_under_the_same_id(tmp_path, server):
    config = outlets_toml(tmp_path, server)
    crawl(config, tmp_path / "out.jsonl")
    page = server.fixture("wadi/power-link.html").replace("550 ميغاواط".encode(), "500 ميغاواط".encode())
    feed = server.fixture("wadi/rss.xml").replace(b"<pubDate>Sun, 03 May 2026 11:05:00 +0300</pubDate>",
                                                   b"<pubDate>Sun, 03 May 2026 12:30:00 +0300</pubDate>")
    server.serve("/wadi/news/2026/05/03/power-link.html", page, "text/html; charset=utf-8")
    server.serve("/wadi/rss.xml", feed, "application/rss+xml", validators=True)
    run = crawl(config, tmp_path / "out.jsonl")
    versions = [a for a in run.articles() if a["url"].endswith("power-link.html")]
    assert len(versions) == 2 and versions[0]["id"] == versions[1]["id"]
    assert [v["metadata"]["version"] for v in versions] == [1, 2]
    assert "500 ميغاواط" in versions[1]["body"]
    assert run.feed_state(server.base + "/wadi/rss.xml").updated == 1


def test_an_entry_the_feed_edits_without_changing_the_page_is_not_published_again(tmp_path, server):
    config = outlets_toml(tmp_path, server)
    crawl(config, tmp_path / "out.jsonl")
    feed = server.fixture("sahil/atom.xml").replace(b"2026-05-02T21:10:00+03:00", b"2026-05-02T23:00:00+03:00")
    server.serve("/sahil/feed/atom/", feed, "application/atom+xml", validators=True)
    run = crawl(config, tmp_path / "out.jsonl")
    assert [r.unchanged for r in run.reports if r.feed.endswith("/atom/")] == [1]
    assert len(run.articles()) == 7


def test_one_article_listed_by_two_feeds_is_published_once_and_broken_xml_is_read(tmp_path, server):
    server.serve("/wadi/breaking.xml", server.fixture("broken.xml"), "application/rss+xml")
    config = outlets_toml(tmp_path, server, [("وكالة أنباء الوادي", "/wadi/rss.xml"),
                                             ("وكالة أنباء الوادي", "/wadi/breaking.xml")])
    run = crawl(config, tmp_path / "out.jsonl")
    assert [a["url"].rsplit("/", 1)[1] for a in run.articles()].count("bridge.html") == 1
    assert {r.feed.rsplit("/", 1)[1]: r.outcome for r in run.reports} == {"rss.xml": "ok", "breaking.xml": "malformed"}
    assert run.metrics.value("akhbar_feeds_polls_total", feed=server.base + "/wadi/breaking.xml",
                             outcome="malformed") == 1


def test_bad_input_is_logged_with_its_reason_counted_and_reported_never_a_crash(tmp_path, server, caplog):
    ten_mb = 10 * 1024 * 1024
    server.serve("/bad/report.pdf", b"%PDF-1.7\n" + b"\x00" * 2000, "application/pdf")
    server.serve("/bad/big-declared.html", b"<html><body>" + b"x" * ten_mb, "text/html")
    server.routes["/bad/big-streamed.html"] = lambda _request: Answer(
        200, {"Content-Type": "text/html"}, (b"<p>" + b"x" * 65536 for _ in range(160)))
    server.routes["/bad/loop-a"] = lambda _request: Answer(302, {"Location": "/bad/loop-b"})
    server.routes["/bad/loop-b"] = lambda _request: Answer(302, {"Location": "/bad/loop-a"})
    server.routes["/bad/slow.html"] = delayed(static(server.fixture("wadi/bridge.html"), "text/html"), 3.0)
    server.serve("/private/memo.html", server.fixture("sahil/book-fair.html"), "text/html")
    links = ["/bad/report.pdf", "/bad/big-declared.html", "/bad/big-streamed.html", "/bad/loop-a", "/bad/slow.html",
             "/private/memo.html", "/wadi/video/2026/05/02/olive-festival.html", "/wadi/news/2026/05/03/bridge.html"]
    server.serve("/bad/rss.xml", rss(server.base, [(f"خبر {n}", link, "Sun, 03 May 2026 09:15:00 +0300")
                                                   for n, link in enumerate(links)]), "application/rss+xml")
    server.serve("/bad/not-a-feed", server.fixture("not-a-feed.html"), "text/html")
    server.routes["/bad/slow-feed.xml"] = delayed(static(b"<rss/>", "application/rss+xml"), 3.0)
    config = outlets_toml(tmp_path, server, [("س", "/bad/rss.xml"), ("ص", "/bad/not-a-feed"),
                                             ("ط", "/bad/slow-feed.xml")], timeout=0.5, max_page_bytes=2_000_000)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="feeds"):
        run = crawl(config, tmp_path / "out.jsonl")
    assert time.monotonic() - started < 8
    reasons = {e["url"].replace(server.base, ""): e["reason"] for e in run.errors()}
    assert reasons == {
        "/bad/report.pdf": "not_html", "/bad/big-declared.html": "too_large", "/bad/big-streamed.html": "too_large",
        "/bad/loop-a": "redirect_loop", "/bad/slow.html": "timeout", "/private/memo.html": "robots_disallowed",
        "/wadi/video/2026/05/02/olive-festival.html": "no_text", "/bad/not-a-feed": "not_a_feed",
        "/bad/slow-feed.xml": "timeout"}
    assert [a["url"].rsplit("/", 1)[1] for a in run.articles()] == ["bridge.html"]
    for url, reason in reasons.items():
        assert any(url in r.getMessage() and reason in r.getMessage() for r in caplog.records), (url, reason)
    for (feed, reason), count in Counter((e["feed"], e["reason"]) for e in run.errors()).items():
        assert run.metrics.value("akhbar_feeds_failures_total", feed=feed, reason=reason) == count
    assert {e["final"] for e in run.errors() if e["reason"] == "timeout"} == {False}  # tried again later
    assert run.feed_state(server.base + "/bad/rss.xml").failed == 7
    assert "/private/memo.html" not in server.paths()


def test_a_429_with_retry_after_is_waited_out_then_the_page_is_fetched(tmp_path, server):
    answers = iter([Answer(429, {"Retry-After": "1", "Content-Type": "text/plain"}, b"slow down")])
    page = static(server.fixture("sahil/heat-wave.html"), "text/html; charset=utf-8")
    server.routes["/sahil/2026/05/02/heat-wave/"] = lambda request: next(answers, None) or page(request)
    run = crawl(outlets_toml(tmp_path, server, [("صحيفة الساحل", "/sahil/feed/atom/")]), tmp_path / "out.jsonl")
    asked = [r.at for r in server.requests if r.path == "/sahil/2026/05/02/heat-wave/"]
    assert len(asked) == 2 and asked[1] - asked[0] >= 1.0
    assert len(run.articles()) == 3 and not run.errors()


def test_a_host_sees_its_requests_spaced_by_the_rate_limit(tmp_path, server):
    serve_numbered_outlet(server, 5)
    crawl(outlets_toml(tmp_path, server, [("المجلس", "/council/rss.xml")], host_interval=0.2), tmp_path / "out.jsonl")
    starts = [r.at for r in server.requests]
    assert len(starts) == 7  # robots.txt, the feed, five pages
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.15 and sum(gaps) >= 0.95 * 0.2 * len(gaps)  # as they arrive, give or take latency


def test_a_failing_feed_is_polled_again_later_each_time_it_fails(tmp_path, server):
    server.routes["/down.xml"] = lambda _request: Answer(500, {"Content-Type": "text/plain"}, b"oops")
    config = outlets_toml(tmp_path, server, [("معطل", "/down.xml")], retries=0)
    waits = []
    for _ in range(3):
        state = crawl(config, tmp_path / "out.jsonl").feed_state(server.base + "/down.xml")
        waits.append(round(state.next_poll - state.last_poll))
    assert waits == [120, 240, 480]  # interval 60 s, doubled with each failure in a row
    assert state.last_error.startswith("http_500")


def test_feeds_check_reports_health_and_counters_and_exits_1_for_a_broken_feed(tmp_path, server):
    server.serve("/bad/not-a-feed", server.fixture("not-a-feed.html"), "text/html")
    config = outlets_toml(tmp_path, server, [*OUTLETS, ("ص", "/bad/not-a-feed")])
    crawl(config, tmp_path / "out.jsonl")
    before = len(server.requests)
    result = CliRunner().invoke(feeds, ["check", str(config), "--json"])
    assert result.exit_code == 1, result.output
    rows = {row["source"]: row for row in map(json.loads, result.output.splitlines())}
    wadi = rows["وكالة أنباء الوادي"]
    assert (wadi["status"], wadi["entries"], wadi["newest"]) == ("ok", 4, "2026-05-03T11:05:00+03:00")
    assert (wadi["polled"], wadi["new"], wadi["updated"], wadi["failed"]) == (1, 2, 0, 2)
    assert wadi["healthy"] and wadi["last_success"] > 0
    assert not rows["ص"]["healthy"] and rows["ص"]["status"].startswith("not_a_feed")
    assert {r.path for r in server.requests[before:]} == {p for _, p in OUTLETS} | {"/bad/not-a-feed", "/robots.txt"}
    table = CliRunner().invoke(feeds, ["check", str(config)], env={"COLUMNS": "250"})
    assert "وكالة أنباء الوادي" in table.output and "not_a_feed" in table.output


def test_run_without_once_polls_each_feed_on_its_interval_and_stops_cleanly_on_sigterm(tmp_path, server):
    config = outlets_toml(tmp_path, server, [("صحيفة الساحل", "/sahil/feed/atom/")], interval=1)
    out = tmp_path / "out.jsonl"
    crawler = subprocess.Popen([sys.executable, "-m", "feeds", "run", str(config), "--out", str(out)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and server.paths().count("/sahil/feed/atom/") < 3:
        time.sleep(0.05)
    crawler.send_signal(signal.SIGTERM)
    assert crawler.wait(10) == 0, crawler.stderr.read().decode()[-2000:]
    assert server.paths().count("/sahil/feed/atom/") >= 3  # every second, not once
    assert len(out.read_bytes().splitlines()) == 3  # and each article once


def test_the_metrics_are_served_on_the_loopback_address(tmp_path, server):
    run = crawl(outlets_toml(tmp_path, server, [("صحيفة الساحل", "/sahil/feed/atom/")]), tmp_path / "out.jsonl")
    metrics_server = run.metrics.serve(free_port())
    try:
        host, port = metrics_server.server_address[:2]
        assert host == "127.0.0.1"
        exposed = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    finally:
        metrics_server.shutdown()
        metrics_server.server_close()
    assert f'akhbar_feeds_articles_total{{feed="{server.base}/sahil/feed/atom/",kind="new"}} 3.0' in exposed
    assert "akhbar_feeds_last_success_timestamp_seconds" in exposed


def test_a_bug_met_on_one_page_fails_that_page_not_its_feed(tmp_path, server, monkeypatch):
    import feeds.crawler

    def extract_or_fail(content, url, content_type):
        if "heat-wave" in url:
            raise RuntimeError("a bug")
        return extract_page(content, url, content_type)

    monkeypatch.setattr(feeds.crawler, "extract_page", extract_or_fail)
    run = crawl(outlets_toml(tmp_path, server, [("صحيفة الساحل", "/sahil/feed/atom/")]), tmp_path / "out.jsonl")
    assert len(run.articles()) == 2
    assert [(e["reason"], e["detail"]) for e in run.errors()] == [("internal_error", "RuntimeError: a bug")]
