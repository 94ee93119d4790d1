"""Article pages: bytes to text, then trafilatura for the main text, title and date.

Charset. A page is decoded by the first of these that is plausible: its bytes as UTF-8 when
they are valid UTF-8 (valid multi-byte sequences do not happen by chance in windows-1256 or
ISO-8859-6 text, and servers often declare a wrong single-byte charset for UTF-8 pages); the
charset of the Content-Type header; the page's own ``<meta>`` or XML declaration;
charset-normalizer's guess. Single-byte charsets decode almost any bytes, so a decoding is
plausible only if its words do not look like mojibake (Latin-1 letters inside Arabic words,
or words made of Latin-1 letters). ``benchmarks/feeds.py`` measures this against the
alternatives.

Text is not cleaned: tatweel, presentation forms and bidi marks reach the normalizer as the
page has them. trafilatura drops characters that are not printable (bidi marks, zero-width
joiners…), so they are swapped for unused printable placeholders before extraction and
swapped back after it.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import charset_normalizer
import htmldate
import lxml.etree
import lxml.html
import trafilatura

from feeds.dates import ascii_digits, iso_date, iso_offset
from feeds.errors import Failure

# Query parameters that only track where a reader came from: not part of an article's address.
TRACKING_PARAMETERS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|ocid|igshid|_ga|ref_src)$",
                                 re.IGNORECASE)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Types that may hide HTML (a server that does not say, or says it vaguely): sniffed.
SNIFFED_TYPES = ("", "text/plain", "application/octet-stream", "application/xml", "text/xml")
HTML_SIGNATURE = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title|p|div)[\s>]", re.IGNORECASE)
ARABIC = "\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff"
WORD = re.compile(r"\w+")
LATIN1_LETTER = re.compile(r"[\u00c0-\u00ff]")
ARABIC_LETTER = re.compile(f"[{ARABIC}]")
MOJIBAKE_WORD_SHARE = 0.1
# Yi syllables: printable letters no Arabic page uses, to stand in for unprintable characters.
PLACEHOLDERS = [chr(code) for code in range(0xA000, 0xA48D)]
# htmldate: the page's metadata and markup, not a guess from its text; the date in its address
# only when nothing else says (it has no time of day).
DATE_SEARCH = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z",
               "deferred_url_extractor": True}
MIN_SENTENCE_WORDS = 8
# The labels of related-links boxes («اقرأ أيضا», «أخبار ذات صلة»…): trafilatura drops the links
# as link-dense but keeps the label as a heading of the article.
RELATED_LABEL = re.compile(r"(اقرأ|إقرأ|اقرا|إقرا|شاهد|طالع)\s+(أيضا|أيضاً|ايضا|ايضاً)"
                           r"|(أخبار|مواضيع|مقالات|قصص)\s+(ذات صلة|متعلقة|مشابهة)|قد يهمك|المزيد من \S+")
LABEL_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div", "td", "header")
MAX_LABEL_CHARS = 40
HEAD_BYTES = 4096


class ExtractError(Failure):
    """A page with no article: ``reason`` is ``not_html`` or ``no_text``."""


@dataclass(frozen=True)
class Page:
    canonical_url: str
    title: str | None
    body: str
    published_at: str | None
    language: str | None  # as the page declares it
    encoding: str


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    how: str  # which rule chose the encoding


# URLs


def normalize_url(url: str) -> str:
    """One spelling for one address: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, and non-ASCII characters percent-encoded as UTF-8."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in {("http", 80), ("https", 443)} else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/!$&'()*+,;=:@-._~") or "/"
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
                       if not TRACKING_PARAMETERS.match(key)], quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


def canonical_url(tree: lxml.html.HtmlElement, final_url: str) -> str:
    """The page's ``<link rel=canonical>``, unless it points at a site's home page from an
    article (a common template mistake); else the address the page was fetched from."""
    for link in tree.iter("link"):
        if "canonical" not in (link.get("rel") or "").lower().split() or not (link.get("href") or "").strip():
            continue
        candidate = urljoin(final_url, link.get("href").strip())
        parts = urlsplit(candidate)
        if parts.scheme in {"http", "https"} and parts.hostname and (
                parts.path not in {"", "/"} or urlsplit(final_url).path in {"", "/"}):
            return normalize_url(candidate)
        break
    return normalize_url(final_url)


def article_id(canonical: str) -> str:
    """Stable for a canonical URL: its host and a hash of the whole address."""
    host = urlsplit(canonical).netloc.removeprefix("www.")
    return f"{host}:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:32]}"


# Bytes to text


def charset_of(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


def declared_charsets(content: bytes, content_type: str) -> list[tuple[str, str]]:
    """(how, codec name) for the header's charset, then the page's own declaration."""
    found = [("header", charset_of(content_type))]
    head = content[:HEAD_BYTES]
    for how, pattern in (("xml declaration", XML_ENCODING), ("meta", META_CHARSET)):
        match = pattern.search(head)
        found.append((how, match.group(1).decode("ascii") if match else None))
    charsets = []
    for how, name in found:
        try:
            codec = codecs.lookup(name).name if name else None
        except LookupError:
            codec = None
        if codec and codec not in {c for _, c in charsets}:
            charsets.append((how, codec))
    return charsets


def plausible(text: str) -> bool:
    """Words do not look like mojibake: Latin-1 letters mixed into Arabic words, or words
    mostly made of Latin-1 letters (Arabic bytes decoded as ISO-8859-1 or windows-1252)."""
    words = [word for word in WORD.findall(text) if not word.isascii()]
    if not words:
        return True
    suspicious = 0
    for word in words:
        latin = len(LATIN1_LETTER.findall(word))
        if latin and (ARABIC_LETTER.search(word) or latin >= 2 and latin * 2 >= len(word)):
            suspicious += 1
    return suspicious <= MOJIBAKE_WORD_SHARE * len(words)


def decode_html(content: bytes, content_type: str = "") -> Decoded:
    """The page's text, by the first plausible of: valid UTF-8, declared charsets, detection."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if content.startswith(bom):
            return Decoded(content.decode(codec, errors="replace").lstrip("\ufeff"), codec, "byte order mark")
    try:
        return Decoded(content.decode("utf-8"), "utf-8", "valid utf-8")
    except UnicodeDecodeError:
        pass
    for how, codec in declared_charsets(content, content_type):
        try:
            text = content.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if plausible(text):
            return Decoded(text, codec, how)
    best = charset_normalizer.from_bytes(content).best()
    if best is not None and plausible(str(best)):
        return Decoded(str(best), codecs.lookup(best.encoding).name, "detected")
    return Decoded(content.decode("windows-1256", errors="replace"), "cp1256", "fallback")


# Pages


def looks_like_html(content: bytes, content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in HTML_TYPES:
        return True
    return media_type in SNIFFED_TYPES and HTML_SIGNATURE.search(content[:HEAD_BYTES]) is not None


def parse_html(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(XML_DECLARATION.sub("", text, count=1))


def declared_language(tree: lxml.html.HtmlElement) -> str | None:
    if tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"):
        return tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    for meta in tree.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "content-language" or meta.get("property") == "og:locale":
            if meta.get("content"):
                return meta.get("content")
    return None


class Placeholders:
    """Unprintable characters (bidi marks, zero-width joiners…) swapped for printable ones that
    the page does not use, so that trafilatura keeps them; ``restore`` swaps them back."""

    def __init__(self, tree: lxml.html.HtmlElement) -> None:
        self.to_placeholder: dict[str, str] = {}
        strings = [s for s in self._strings(tree) if not s.isprintable()]
        hidden = {c for s in strings for c in s if not c.isprintable() and not c.isspace()}
        if not hidden:
            return
        used = {c for s in self._strings(tree) for c in s if "\ua000" <= c <= "\ua48c"}
        free = (p for p in PLACEHOLDERS if p not in used)
        self.to_placeholder = {c: next(free) for c in sorted(hidden)}
        self._to_placeholder = str.maketrans(self.to_placeholder)
        self._back = str.maketrans({p: c for c, p in self.to_placeholder.items()})
        for element in tree.iter():
            if element.text:
                element.text = element.text.translate(self._to_placeholder)
            if element.tail:
                element.tail = element.tail.translate(self._to_placeholder)
            if isinstance(element.tag, str):
                for name, value in element.attrib.items():
                    element.set(name, value.translate(self._to_placeholder))

    @staticmethod
    def _strings(tree: lxml.html.HtmlElement):
        for element in tree.iter():
            yield from (s for s in (element.text, element.tail) if s)
            if isinstance(element.tag, str):
                yield from element.attrib.values()

    def restore(self, text: str | None) -> str | None:
        return text.translate(self._back) if text and self.to_placeholder else text


def drop_related_labels(tree: lxml.html.HtmlElement) -> None:
    """Remove the elements whose whole text is a related-links label (keeping their tail text)."""
    labels = [element for element in tree.iter(*LABEL_TAGS)
              if len(text := " ".join(element.text_content().split())) <= MAX_LABEL_CHARS
              and RELATED_LABEL.fullmatch(text.rstrip(" :：").replace("\u0640", ""))]
    for label in labels:
        if label.getparent() is not None:
            label.drop_tree()


def page_date(extracted_date: str | None, html: str) -> str | None:
    """trafilatura's date (htmldate on the page's metadata and markup, its address last), else
    htmldate's search of the text on a copy with Arabic-Indic digits made ASCII; a midnight
    without an offset is a bare date."""
    found = extracted_date
    if not found and ascii_digits(html) != html:
        found = htmldate.find_date(ascii_digits(html), **{**DATE_SEARCH, "extensive_search": True})
    if not found:
        return None
    found = iso_offset(found)
    return iso_date(found[:10] if found.endswith("T00:00:00") else found)


def has_article_text(body: str, title: str | None) -> bool:
    """At least one line besides the title is a sentence: menus, share buttons, captions and a
    soft 404's apology are not an article."""
    return any(len(line.split()) >= MIN_SENTENCE_WORDS for line in body.splitlines()
               if line.strip() != (title or "").strip())


def extract_page(content: bytes, url: str, content_type: str = "") -> Page:
    """The article of a fetched page; raises ExtractError when there is none."""
    if not looks_like_html(content, content_type):
        raise ExtractError("not_html", f"{content_type or 'no Content-Type'}, {len(content):,} bytes")
    decoded = decode_html(content, content_type)
    try:
        tree = parse_html(decoded.text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractError("not_html", f"unparseable: {exc}") from None
    canonical = canonical_url(tree, url)
    language = declared_language(tree)
    drop_related_labels(tree)
    placeholders = Placeholders(tree)
    document = trafilatura.bare_extraction(
        tree, url=canonical, with_metadata=True, include_comments=False, include_tables=True,
        deduplicate=False, date_extraction_params=DATE_SEARCH)
    body = placeholders.restore(document.text) if document is not None else None
    title = placeholders.restore(document.title) if document is not None else None
    if body and title and body.split("\n", 1)[0].strip() == title.strip():
        body = body.split("\n", 1)[1] if "\n" in body else ""  # the headline is the title, not the body
    if not body or not has_article_text(body, title):
        raise ExtractError("no_text", f"no sentence of {MIN_SENTENCE_WORDS} words or more besides the title"
                           + (f" in {len(body.split())} extracted words" if body else ""))
    return Page(canonical_url=canonical, title=title.strip() if title and title.strip() else None, body=body,
                published_at=page_date(document.date, decoded.text), language=language,
                encoding=decoded.encoding)
