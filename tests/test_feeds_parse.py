"""FEEDS.toml and the feeds themselves: RSS 2.0, Atom, a windows-1256 RSS, broken XML, and what is no feed."""

from __future__ import annotations

import pytest

from feeds.config import ConfigError, load_config
from feeds.parse import FeedError, parse_feed
from feeds_server import FIXTURES

BASE = "https://news.example"


def feed(name: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{base}", BASE.encode())


def test_rss_2_entries_have_their_link_title_and_the_outlets_offset():
    parsed = parse_feed(feed("wadi/rss.xml"), f"{BASE}/wadi/rss.xml", "application/rss+xml")
    assert parsed.language == "ar" and parsed.warning is None
    first = parsed.entries[0]
    assert first.link == f"{BASE}/wadi/news/2026/05/03/power-link.html?utm_source=rss&utm_medium=feed"
    assert first.title == "توقيع اتفاقية لتوسيع الربط الكهربائي بين الأردن ومصر في عمان"
    assert first.published_at == "2026-05-03T11:05:00+03:00"
    assert len(parsed.entries) == 4


def test_atom_entries_take_published_else_updated():
    parsed = parse_feed(feed("sahil/atom.xml"), f"{BASE}/sahil/feed/atom/", "application/atom+xml")
    assert [e.published_at for e in parsed.entries] == [
        "2026-05-03T13:20:00+03:00", "2026-05-02T20:00:00+03:00", "2026-05-02T16:45:00+03:00"]
    assert parsed.language == "ar"


def test_a_windows_1256_feed_is_read_by_its_xml_declaration():
    parsed = parse_feed(feed("nakheel/rss-1256.xml"), f"{BASE}/nakheel/rss.xml", "text/xml")
    assert parsed.entries[0].title == "بلدية النخيل تطلق حملة لزراعة عشرة آلاف شجرة"
    assert parsed.entries[1].published_at is None  # the feed gives none: the page will
    assert parsed.language == "ar-sa"


def test_broken_xml_is_read_leniently_and_says_so():
    parsed = parse_feed(feed("broken.xml"), f"{BASE}/breaking.xml", "application/rss+xml")
    assert [e.link for e in parsed.entries] == [f"{BASE}/wadi/news/2026/05/03/bridge.html?from=breaking"]
    assert parsed.warning and "not well-formed" in parsed.warning


@pytest.mark.parametrize("content, content_type", [
    ((FIXTURES / "not-a-feed.html").read_bytes(), "text/html"),
    (b'{"items": []}', "application/json"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"", "application/rss+xml"),
])
def test_what_is_no_feed_raises_not_a_feed(content, content_type):
    with pytest.raises(FeedError) as error:
        parse_feed(content, f"{BASE}/feed", content_type)
    assert error.value.reason == "not_a_feed"


def test_an_entry_changes_its_fingerprint_when_the_feed_says_it_changed():
    before = parse_feed(feed("sahil/atom.xml"), f"{BASE}/feed", "application/atom+xml").entries[0]
    edited = feed("sahil/atom.xml").replace(b"<updated>2026-05-03T13:20:00+03:00</updated>\n    <author>",
                                            b"<updated>2026-05-03T15:00:00+03:00</updated>\n    <author>", 1)
    after = parse_feed(edited, f"{BASE}/feed", "application/atom+xml").entries[0]
    assert (after.link, after.title) == (before.link, before.title)
    assert after.fingerprint != before.fingerprint


def write(tmp_path, text: str):
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_reads_feeds_with_defaults_and_names_the_contact_in_the_user_agent(tmp_path):
    config = load_config(write(tmp_path, """
[crawler]
contact = "mailto:desk@example.org"
interval = 300

[[feed]]
source = "فرانس 24"
url = "https://www.france24.com/ar/rss"
language = "ar"

[[feed]]
source = "BBC عربي"
url = "https://feeds.bbci.co.uk/arabic/rss.xml"
interval = 120
"""))
    assert [(f.source, f.interval_s, f.language) for f in config.feeds] == [("فرانس 24", 300.0, "ar"),
                                                                              ("BBC عربي", 120.0, None)]
    assert config.crawler.user_agent == "Akhbar/0.1 (+mailto:desk@example.org)"
    assert config.crawler.state_path == tmp_path / "feeds.state.sqlite"
    assert config.crawler.respect_robots


@pytest.mark.parametrize("text, message", [
    ('[[feed]]\nsource = "s"\nurl = "https://a.example/rss"\n', "contact is required"),
    ('[crawler]\ncontact = "c"\n', "no [[feed]] tables"),
    ('[crawler]\ncontact = "c"\n[[feed]]\nsource = "s"\nurl = "ftp://a.example/rss"\n', "http(s) address"),
    ('[crawler]\ncontact = "c"\n[[feed]]\nurl = "https://a.example/rss"\n', "source"),
    ('[crawler]\ncontact = "c"\n[[feed]]\nsource = "s"\nurl = "https://a.example/rss"\nlanguage = "arabic!"\n',
     "language"),
    ('[crawler]\ncontact = "c"\ntimeuot = 3\n[[feed]]\nsource = "s"\nurl = "https://a.example/rss"\n', "timeuot"),
    ('[crawler]\ncontact = "c"\ntimeout = "soon"\n[[feed]]\nsource = "s"\nurl = "https://a.example/rss"\n',
     "timeout must be a float"),
    ('[crawler]\ncontact = "c"\n[[feed]]\nsource = "s"\nurl = "https://a.example/rss"\n'
     '[[feed]]\nsource = "t"\nurl = "https://a.example/rss"\n', "more than once"),
    ('[crawler\ncontact = "c"\n', "feeds.toml"),
])
def test_a_config_that_cannot_be_used_says_why(tmp_path, text, message):
    with pytest.raises(ConfigError, match=None) as error:
        load_config(write(tmp_path, text))
    assert message in str(error.value)
