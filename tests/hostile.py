"""A corpus of hostile records, written for Akhbar: what a broken or malicious feed can send.

Each entry is (name, raw bytes, expectation): ``"dlq:<reason>"`` for a record that must
become a dead letter with that reason, or ``"processed"`` for one that must come out
as an enriched article or a duplicate marker, safely.
"""

from __future__ import annotations

import orjson

ARABIC = "أجرى وزير الخارجية الروسي سيرغي لافروف اتصالا هاتفيا مع نظيره التركي هاكان فيدان."


def article(record_id: str, body: object = ARABIC, **fields) -> bytes:
    return orjson.dumps({"id": record_id, "source": "hostile", "body": body,
                         "published_at": "2024-12-01T10:00:00Z", **fields})


def hostile_records(max_bytes: int) -> list[tuple[str, bytes, str]]:
    return [
        ("not json", b"this is not json {", "dlq:invalid_json"),
        ("truncated json", article("h-trunc")[:40], "dlq:invalid_json"),
        ("json array", b"[1, 2, 3]", "dlq:invalid_article"),
        ("json string", b'"an article"', "dlq:invalid_article"),
        ("json null", b"null", "dlq:invalid_article"),
        ("missing id", orjson.dumps({"source": "hostile", "body": ARABIC}), "dlq:invalid_article"),
        ("empty id", article(""), "dlq:invalid_article"),
        ("blank id", article("   "), "dlq:invalid_article"),
        ("missing body", orjson.dumps({"id": "h-nobody", "source": "hostile"}), "dlq:invalid_article"),
        ("empty body", article("h-empty", ""), "dlq:invalid_article"),
        ("whitespace body", article("h-space", " \n\t "), "dlq:invalid_article"),
        ("numeric body", article("h-num", 12345), "dlq:invalid_article"),
        ("list title", article("h-list", title=["a", "b"]), "dlq:invalid_article"),
        ("numeric id", orjson.dumps({"id": 7, "source": "hostile", "body": ARABIC}), "dlq:invalid_article"),
        ("invalid utf-8", b'{"id": "h-utf8", "source": "hostile", "body": "\xff\xfe\xd9"}', "dlq:invalid_json"),
        ("lone surrogate", b'{"id": "h-surrogate", "source": "hostile", "body": "\\ud800 \xd9\x86\xd8\xb5"}',
         "dlq:invalid_json"),
        ("over the size limit", article("h-huge", "خبر " * (max_bytes // 4)), "dlq:too_large"),
        ("10 MB body", article("h-10mb", "ا" * 5_000_000), "dlq:too_large"),
        ("under the size limit, but a normalized message over the message limit",
         article("h-dense", "و " * (max_bytes // 4)), "dlq:output_too_large"),
        ("absurd published_at", article("h-date", published_at="99999-01-01T00:00:00"), "dlq:invalid_article"),
        ("impossible published_at", article("h-feb30", published_at="2024-02-30T10:00:00"),
         "dlq:invalid_published_at"),
        ("one 100,000-character token", article("h-token", "ب" * 100_000), "processed"),
        ("only diacritics", article("h-diacritics", "\u064e\u0650\u064f\u0651\u0652" * 200), "processed"),
        ("bidi overrides", article("h-bidi", "\u202e" + ARABIC + "\u202c\u2066لافروف\u2069"), "processed"),
        ("zero-width characters", article("h-zw", ARABIC.replace(" ", " \u200b\u200d")), "processed"),
        ("NUL bytes", article("h-nul", ARABIC.replace(" ", "\u0000 ")), "processed"),
        ("script tags", article("h-script", "<script>alert('x')</script>" + ARABIC + "<img src=x onerror=1>"),
         "processed"),
        ("not arabic", article("h-english", "Lavrov called Fidan on Saturday about Aleppo."), "processed"),
        ("absurd dates in the text", article("h-textdates", "في 45 نوفمبر 99999 وفي 31 فبراير " + ARABIC),
         "processed"),
        ("same id, first content", article("h-same", ARABIC), "processed"),
        ("same id, other content", article("h-same", "غمرت السيول أحياء في مدينة جدة."), "processed"),
    ]
