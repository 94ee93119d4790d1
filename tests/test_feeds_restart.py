"""Once, and only once: a crawler stopped at any point and started again publishes every article
its feeds still list, and none twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import orjson
import pytest

from conftest import REPO
from feeds.sink import JsonLinesSink, errors_path
from feeds_crawl import crawl
from feeds_server import FixtureServer, feeds_toml, serve_numbered_outlet
from schemas import Article

ARTICLES = 24


class Killed(BaseException):
    """Stands for the process dying: no ``except Exception`` in the crawler catches it."""


class DyingSink:
    """Passes ``survive`` articles to the file, then dies with the next one: after writing it
    (``after_write``: the article is out but the crawler has not recorded it), or before. Dead,
    it writes nothing more (other tasks may still run while the exception stops the loop)."""

    def __init__(self, sink: JsonLinesSink, survive: int, *, after_write: bool) -> None:
        self._sink = sink
        self._left = survive
        self._after_write = after_write
        self._dead = False

    def publish(self, article: Article) -> None:
        if self._dead:
            raise Killed
        if self._left == 0:
            self._dead = True
            if self._after_write:
                self._sink.publish(article)
            raise Killed
        self._sink.publish(article)
        self._left -= 1

    def __getattr__(self, name):
        return getattr(self._sink, name)


@pytest.fixture
def council(tmp_path):
    with FixtureServer() as server:
        serve_numbered_outlet(server, ARTICLES)
        config = feeds_toml(tmp_path / "feeds.toml", [("المجلس البلدي", server.base + "/council/rss.xml")],
                            host_concurrency=2)
        yield server, config


def published_ids(out) -> list[str]:
    return [orjson.loads(line)["id"] for line in out.read_bytes().splitlines()]


@pytest.mark.parametrize("after_write", [True, False], ids=["killed-after-writing", "killed-before-writing"])
def test_a_crawler_killed_mid_poll_and_restarted_publishes_each_article_exactly_once(tmp_path, council, after_write):
    _, config = council
    out = tmp_path / "out.jsonl"
    with pytest.raises(BaseExceptionGroup) as died:
        crawl(config, out, lambda sink: DyingSink(sink, 9, after_write=after_write))
    assert died.group_contains(Killed)
    assert len(published_ids(out)) == (10 if after_write else 9)
    assert not errors_path(out).exists() or not errors_path(out).read_bytes()  # dying fails no page
    restarted = crawl(config, out)
    assert restarted.reports[0].outcome == "not_modified"  # the entries were stored with the validators
    ids = published_ids(out)
    assert len(ids) == ARTICLES and len(set(ids)) == ARTICLES


def test_a_crawler_process_killed_with_sigkill_and_restarted_loses_and_repeats_nothing(tmp_path):
    with FixtureServer() as server:
        serve_numbered_outlet(server, ARTICLES, delay_s=0.08)
        config = feeds_toml(tmp_path / "feeds.toml", [("المجلس البلدي", server.base + "/council/rss.xml")],
                            host_concurrency=2)
        out = tmp_path / "out.jsonl"
        command = [sys.executable, "-m", "feeds", "run", str(config), "--once", "--out", str(out)]
        first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 6):
            time.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = out.read_bytes().count(b"\n")
        assert 6 <= killed_at < ARTICLES, first.stderr.read().decode()[-2000:]
        second = subprocess.run(command, cwd=REPO, capture_output=True, timeout=60)
        assert second.returncode == 0, second.stderr.decode()[-2000:]
    ids = published_ids(out)
    assert Counter(ids).most_common(1)[0][1] == 1
    assert len(ids) == ARTICLES
