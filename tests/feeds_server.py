"""A local HTTP server for the crawler's tests and benchmark: 127.0.0.1, a free port, a thread,
and routes that serve the fixtures of tests/data/feeds like the outlets' servers would
(validators and 304s, charsets declared right and wrong), or misbehave on purpose."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "data" / "feeds"
CONTACT = "mailto:akhbar-tests@example.org"
# The fixture outlets' pages, where the server serves them, and the charset header each gets.
OUTLET_PAGES = {
    "/wadi/news/2026/05/03/bridge.html": ("wadi/bridge.html", "text/html; charset=utf-8"),
    "/wadi/news/2026/05/03/power-link.html": ("wadi/power-link.html", "text/html; charset=utf-8"),
    "/wadi/video/2026/05/02/olive-festival.html": ("wadi/olive-festival.html", "text/html; charset=utf-8"),
    "/sahil/2026/05/03/jordan-egypt-power/": ("sahil/jordan-egypt-power.html", "text/html; charset=UTF-8"),
    "/sahil/2026/05/02/book-fair/": ("sahil/book-fair.html", "text/html; charset=UTF-8"),
    "/sahil/2026/05/02/heat-wave/": ("sahil/heat-wave.html", "text/html; charset=UTF-8"),
    # windows-1256 declared only in the page, then a server that claims UTF-8 for it
    "/nakheel/news.php?id=20417&sec=1": ("nakheel/municipal.html", "text/html"),
    "/nakheel/news.php?id=20409&sec=4": ("nakheel/football.html", "text/html; charset=utf-8"),
}
OUTLET_FEEDS = {
    "/wadi/rss.xml": ("wadi/rss.xml", "application/rss+xml; charset=utf-8"),
    "/sahil/feed/atom/": ("sahil/atom.xml", "application/atom+xml; charset=UTF-8"),
    "/nakheel/rss.xml": ("nakheel/rss-1256.xml", "text/xml"),
}


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""  # an iterable is sent as it comes, without a Content-Length
    delay_s: float = 0.0


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    at: float


Handler = Callable[[Request], Answer]


class FixtureServer:
    """Routes by path (with its query, else without); ``requests`` records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                server.requests.append(request)
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                answer = route(request) if route else Answer(404, {"Content-Type": "text/html"}, b"<h1>404</h1>")
                if answer.delay_s:
                    time.sleep(answer.delay_s)
                try:
                    self._send(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler stopped reading, as it should for a page too large

            def _send(self, answer: Answer) -> None:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if isinstance(answer.body, bytes):
                    if "Content-Length" not in answer.headers:
                        self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                    return
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                for chunk in answer.body:
                    self.wfile.write(chunk)

            def log_message(self, *_args) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def fixture(self, name: str) -> bytes:
        return (FIXTURES / name).read_bytes().replace(b"{base}", self.base.encode())

    def serve(self, path: str, body: bytes, content_type: str, *, validators: bool = False) -> None:
        """A document; with ``validators``, an ETag and Last-Modified, and 304 to a conditional GET."""
        self.routes[path] = static(body, content_type, validators=validators)

    def serve_outlets(self) -> None:
        """The three fixture outlets: their feeds (with validators), pages and a robots.txt."""
        self.serve("/robots.txt", b"User-agent: *\nDisallow: /private/\n", "text/plain")
        for path, (name, content_type) in OUTLET_FEEDS.items():
            self.serve(path, self.fixture(name), content_type, validators=True)
        for path, (name, content_type) in OUTLET_PAGES.items():
            self.serve(path, self.fixture(name), content_type)

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


def static(body: bytes, content_type: str, *, validators: bool = False) -> Handler:
    etag = f'"{zlib.crc32(body):08x}"'
    modified = formatdate(1777788000, usegmt=True)

    def answer(request: Request) -> Answer:
        headers = {"Content-Type": content_type}
        if validators:
            headers |= {"ETag": etag, "Last-Modified": modified}
            if request.headers.get("if-none-match") == etag or (
                    "if-none-match" not in request.headers and request.headers.get("if-modified-since") == modified):
                return Answer(304, headers)
        return Answer(200, headers, body)
    return answer


def rss(base: str, items: list[tuple[str, str, str]], title: str = "وكالة أنباء الوادي") -> bytes:
    """An RSS 2.0 feed of (title, path, pubDate) items."""
    entries = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate></item>"
                      for t, p, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>{base}/</link><language>ar</language>{entries}</channel></rss>").encode()


NUMBER_WORDS = ["الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"]


def numbered_article(number: int) -> tuple[str, bytes]:
    """An invented report of the ``number``-th session of a council, as (title, page)."""
    ordinal = f"{NUMBER_WORDS[number % 10]} من الدورة {number // 10 + 1}"
    title = f"المجلس البلدي يعقد اجتماعه رقم {number}"
    paragraphs = [
        f"عقد المجلس البلدي اجتماعه رقم {number}، وهو الاجتماع {ordinal}، وناقش الأعضاء خلاله جدول أعمال "
        "تضمن مشروعات الطرق والإنارة والحدائق العامة في الأحياء الشرقية من المدينة.",
        f"وقرر المجلس في اجتماعه رقم {number} تشكيل لجنة لمتابعة تنفيذ المشروعات المتأخرة، على أن ترفع "
        "تقريرها خلال شهر إلى رئيس المجلس، مع توصيات بشأن الشركات المخالفة للعقود.",
        "كما استمع الأعضاء إلى شكاوى عدد من السكان بشأن انقطاع المياه في ساعات الذروة، ووعد المسؤولون "
        "بمعالجة الأعطال قبل بداية فصل الصيف بالتنسيق مع سلطة المياه.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title></head>'
            f'<body><nav><a href="/">الرئيسية</a> <a href="/local/">محليات</a></nav>'
            f"<article><h1>{title}</h1>{body}</article><footer>جميع الحقوق محفوظة</footer></body></html>")
    return title, page.encode()


def serve_numbered_outlet(server: FixtureServer, count: int, *, delay_s: float = 0.0,
                          feed_path: str = "/council/rss.xml") -> list[str]:
    """A feed of ``count`` generated articles, each page answered after ``delay_s``; returns their paths."""
    paths, items = [], []
    for number in range(1, count + 1):
        title, page = numbered_article(number)
        path = f"/council/{number}.html"
        paths.append(path)
        items.append((title, path, formatdate(1777788000 + 60 * number)))
        server.routes[path] = delayed(static(page, "text/html; charset=utf-8"), delay_s)
    server.serve(feed_path, rss(server.base, items, "أخبار المجلس البلدي"), "application/rss+xml", validators=True)
    return paths


def delayed(handler: Handler, delay_s: float) -> Handler:
    def answer(request: Request) -> Answer:
        reply = handler(request)
        reply.delay_s = delay_s
        return reply
    return answer


def feeds_toml(path: Path, feeds: list[tuple[str, str]], *, interval: float = 60,
               **crawler: object) -> Path:
    """A FEEDS.toml of (source, url) feeds polled every ``interval`` s, with test-sized crawler settings."""
    settings = {"contact": CONTACT, "timeout": 2.0, "host_interval": 0.0, "host_concurrency": 4, "retries": 1,
                "backoff": 0.05, "max_retry_after": 5.0, **crawler}
    lines = ["[crawler]"] + [f"{key} = {toml_value(value)}" for key, value in settings.items()]
    for source, url in feeds:
        lines += ["", "[[feed]]", f"source = {toml_value(source)}", f"url = {toml_value(url)}",
                  f"interval = {interval}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
