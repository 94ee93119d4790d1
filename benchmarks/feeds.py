"""Benchmark: the feed crawler on the fixture server (tests/data/feeds, invented text).

    python benchmarks/feeds.py [--copies N] [--rounds R]

Prints three tables:
- throughput: the crawler's ``--once`` run over a feed of N copies of each fixture article page
  (each copy a distinct article) on a local server, end to end (robots.txt, the feed, every
  page fetched, extracted and written to JSON Lines), in pages per second, with the share of
  the wall time spent extracting (charset, parsing, trafilatura, dates), fetching (overlapping,
  up to ``host_concurrency`` at a time) and publishing; and extraction alone, page after page;
- extraction quality on the fixture pages against their truth (tests/data/feeds/truth.json):
  the share of the article's words recovered, the share of extracted words that are not the
  article's (boilerplate leaked), and the boilerplate snippets (menus, «اقرأ أيضا» boxes,
  comments, footers) that leak, for the crawler's extractor (trafilatura with its
  related-label pruning), trafilatura as it comes, readability-lxml and jusText;
- charsets: for each way of choosing a page's charset, how many of the test matrix's pages
  (UTF-8, windows-1256 and ISO-8859-6, declared right, wrong or not at all) decode exactly.
"""

from __future__ import annotations

import importlib.util

import argparse
import asyncio
import json
import multiprocessing
import platform
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from statistics import mean, median

REPO = Path(__file__).resolve().parents[1]
# Python puts this script's folder first on the path, where this file would shadow the feeds
# package: the checkout goes there instead, with the tests' fixture server and pages.
sys.path[:1] = [str(REPO), str(REPO / "tests")]

WORD = re.compile(r"\w+")
CANONICAL_LINK = re.compile(rb"<link rel=\"canonical\"[^>]*>")
CHARSET_PAGES = ("wadi/bridge.html", "sahil/book-fair.html", "sahil/heat-wave.html", "wadi/olive-festival.html",
                 "not-a-feed.html")


def words(text: str) -> Counter:
    return Counter(WORD.findall(text))


def leaked(snippet: str, text: str) -> bool:
    """As the tests count it: the snippet is a line of the text or, three words or more, inside it."""
    return snippet in text.splitlines() or (len(snippet.split()) >= 3 and snippet in text)


# Throughput


def serve_copies(copies: int, ready, stop) -> None:
    """The benchmark's server, in a process of its own so that it takes no time from the crawler's."""
    from feeds_server import FIXTURES, FixtureServer, rss

    truth = json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8"))
    with FixtureServer() as server:
        server.serve("/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
        items = []
        for copy in range(copies):
            for name in truth:
                path = f"/bench/{copy}/{name}"
                server.serve(path, CANONICAL_LINK.sub(b"", server.fixture(name)), "text/html")
                items.append(("خبر", path, "Sun, 03 May 2026 09:15:00 +0300"))
        server.serve("/bench/rss.xml", rss(server.base, items), "application/rss+xml")
        ready.put((server.base, len(items)))
        stop.wait()


def crawl_copies(base: str, directory: Path):
    """One ``--once`` run over the benchmark's feed: its report, metrics and wall time."""
    from feeds_server import feeds_toml

    from feeds.config import load_config
    from feeds.crawler import Crawler
    from feeds.fetch import Fetcher
    from feeds.metrics import FeedMetrics
    from feeds.sink import JsonLinesSink
    from feeds.state import CrawlState

    config = load_config(feeds_toml(directory / "feeds.toml", [("bench", base + "/bench/rss.xml")],
                                    host_concurrency=4, timeout=30.0))
    state, sink, metrics = CrawlState(config.crawler.state_path), JsonLinesSink(directory / "out.jsonl"), FeedMetrics()

    async def once():
        async with Fetcher(config.crawler) as fetcher:
            return await Crawler(config, state, sink, fetcher, metrics).run_once()

    started = time.perf_counter()
    try:
        [report] = asyncio.run(once())
    finally:
        sink.close()
        state.close()
    return report, metrics, time.perf_counter() - started


def throughput(copies: int, rounds: int) -> list[tuple[str, str]]:
    from feeds_server import FIXTURES

    from feeds.extract import extract_page

    context = multiprocessing.get_context("spawn")
    ready, stop = context.Queue(), context.Event()
    server = context.Process(target=serve_copies, args=(copies, ready, stop), daemon=True)
    server.start()
    runs = []
    try:
        base, count = ready.get(timeout=60)
        for _ in range(rounds):
            with tempfile.TemporaryDirectory() as directory:
                report, metrics, wall = crawl_copies(base, Path(directory))
            assert report.new == count, report
            runs.append((wall, {phase: metrics.value("akhbar_feeds_seconds_total", phase=phase)
                                for phase in ("extract", "publish")}))
    finally:
        stop.set()
        server.join(10)
    wall, phases = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    pages = [(FIXTURES / name).read_bytes() for name in json.loads((FIXTURES / "truth.json").read_text())]
    timings = []
    for _ in range(rounds):
        for content in pages:
            started = time.perf_counter()
            extract_page(content, "https://bench.example/a", "text/html")
            timings.append(time.perf_counter() - started)
    rest = 1 - (phases["extract"] + phases["publish"]) / wall
    return [
        ("pages", f"{count} ({copies} copies of {len(pages)} fixture pages), median of {rounds} runs"),
        ("crawler end to end", f"{count / wall:.1f} pages/s ({wall:.2f} s)"),
        ("  extracting", f"{phases['extract'] / wall:.0%} of the wall time "
                         f"({phases['extract'] / count * 1000:.1f} ms/page)"),
        ("  publishing (JSON Lines synced, state)", f"{phases['publish'] / wall:.0%} of the wall time "
                                                    f"({phases['publish'] / count * 1000:.1f} ms/page)"),
        ("  the rest: HTTP, up to 4 requests at a time", f"{rest:.0%} of the wall time"),
        ("extraction alone", f"{len(timings) / sum(timings):.1f} pages/s (mean {mean(timings) * 1000:.1f} ms/page, "
                             f"median {median(timings) * 1000:.1f})"),
    ]


# Extraction quality


def extractors():
    import justext
    import lxml.html
    import trafilatura

    from feeds.extract import decode_html, extract_page

    def ours(content: bytes) -> str:
        page = extract_page(content, "https://bench.example/a", "text/html")
        return f"{page.title}\n{page.body}"

    def trafilatura_as_it_comes(content: bytes) -> str:
        document = trafilatura.bare_extraction(decode_html(content).text, with_metadata=True, include_comments=False)
        return f"{document.title}\n{document.text}" if document else ""

    def readability_lxml(content: bytes) -> str:
        from readability import Document

        document = Document(decode_html(content).text)
        summary = lxml.html.fromstring(document.summary())
        return document.short_title() + "\n" + "\n".join(
            " ".join(block.text_content().split()) for block in summary.iter("p", "h1", "h2", "h3", "li", "td", "div")
            if block.text and block.text.strip())

    def jus_text(content: bytes) -> str:
        paragraphs = justext.justext(decode_html(content).text, justext.get_stoplist("Arabic"))
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    chosen = {"crawler (trafilatura + related-label pruning)": ours, "trafilatura as it comes": trafilatura_as_it_comes,
              "jusText (Arabic stoplist)": jus_text}
    if importlib.util.find_spec("readability") is not None:  # readability-lxml: pip install it to compare
        chosen["readability-lxml"] = readability_lxml
    return chosen


def quality() -> list[tuple[str, str]]:
    from feeds_server import FIXTURES

    truth = json.loads((FIXTURES / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for name, extract in extractors().items():
        found = expected = extracted = snippets = leaks = 0
        for page, answer in truth.items():
            article = words("\n".join([answer["title"], *answer["body"]]))
            try:
                text = extract((FIXTURES / page).read_bytes())
            except Exception:  # noqa: BLE001 - an extractor that fails on a page recovers nothing of it
                text = ""
            got = words(text)
            found += sum((article & got).values())
            expected += sum(article.values())
            extracted += sum(got.values())
            snippets += len(answer["boilerplate"])
            leaks += sum(leaked(snippet, text) for snippet in answer["boilerplate"])
        noise = 1 - found / extracted if extracted else 0.0
        rows.append((name, f"{found / expected:.1%} recovered, {noise:.1%} of extracted words leaked, "
                           f"{leaks}/{snippets} boilerplate snippets leaked"))
    return rows


# Charsets


def charset_cases():
    """(case, bytes, Content-Type, the text they hold) over three fixture pages."""
    from feeds_server import FIXTURES

    declarations = [
        ("utf-8", "utf-8", "text/html; charset=utf-8"), ("utf-8", None, "text/html"),
        ("utf-8", "windows-1256", "text/html; charset=windows-1256"),
        ("cp1256", "windows-1256", "text/html"), ("cp1256", None, "text/html; charset=windows-1256"),
        ("cp1256", "windows-1256", "text/html; charset=utf-8"),
        ("cp1256", "windows-1256", "text/html; charset=iso-8859-1"), ("cp1256", None, "text/html"),
        ("iso-8859-6", "iso-8859-6", "text/html"),
        ("iso-8859-6", "windows-1256", "text/html; charset=windows-1256"), ("iso-8859-6", None, "text/html"),
    ]
    # three articles, and two pages with little Arabic text (a video page, a soft 404), where guessing is harder
    for name in CHARSET_PAGES:
        original = (FIXTURES / name).read_text(encoding="utf-8")
        for encoding, meta, content_type in declarations:
            text = re.sub(r'<meta charset="[^"]*" ?/?>', f'<meta charset="{meta}">' if meta else "", original,
                          flags=re.IGNORECASE)
            content = text.encode(encoding, errors="xmlcharrefreplace")
            yield f"{encoding}/{meta}/{content_type}", content, content_type, content.decode(encoding)


def charset_strategies():
    import charset_normalizer
    from trafilatura.utils import decode_file

    from feeds.extract import charset_of, decode_html, declared_charsets

    def decoded(content: bytes, codec: str | None, fallback: str) -> str:
        try:
            return content.decode(codec or fallback)
        except (UnicodeDecodeError, LookupError):
            return content.decode(fallback, errors="replace")

    def header_only(content: bytes, content_type: str) -> str:  # httpx's Response.text
        return decoded(content, charset_of(content_type), "utf-8")

    def header_then_meta(content: bytes, content_type: str) -> str:  # the HTML standard's order, Arabic locale
        declared = declared_charsets(content, content_type)
        return decoded(content, declared[0][1] if declared else None, "windows-1256")

    def detection_only(content: bytes, _content_type: str) -> str:
        return str(charset_normalizer.from_bytes(content).best())

    def trafilatura_decoding(content: bytes, _content_type: str) -> str:
        return decode_file(content)

    def crawler(content: bytes, content_type: str) -> str:
        return decode_html(content, content_type).text

    return {"the header's charset, else UTF-8 (httpx)": header_only,
            "header, then <meta>, else windows-1256 (the HTML standard)": header_then_meta,
            "charset-normalizer alone": detection_only, "trafilatura's own decoding": trafilatura_decoding,
            "crawler: valid UTF-8, declared if plausible, detection": crawler}


def charsets() -> list[tuple[str, str]]:
    cases = list(charset_cases())
    rows = []
    for name, strategy in charset_strategies().items():
        started = time.perf_counter()
        wrong = [case for case, content, content_type, text in cases if strategy(content, content_type) != text]
        per_page = (time.perf_counter() - started) / len(cases)
        kinds = Counter(case.split("/")[0] for case in wrong)
        rows.append((name, f"{len(cases) - len(wrong)}/{len(cases)} exact, {per_page * 1e6:,.0f} µs/page"
                           + (f" (wrong: {', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})" if wrong else "")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30, help="copies of each fixture page in the feed")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"benchmarks/feeds.py, {date.today()}, {platform.machine()}, Python {platform.python_version()}")
    for title, rows in (("throughput on the fixture server", throughput(args.copies, args.rounds)),
                        ("extraction quality on the fixture pages", quality()),
                        (f"charset choice on {len(CHARSET_PAGES)} pages × 11 encodings and declarations", charsets())):
        table = Table(title=title, title_justify="left")
        table.add_column("what")
        table.add_column("figure")
        for row in rows:
            table.add_row(*row)
        console.print(table)


if __name__ == "__main__":
    main()
