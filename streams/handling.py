"""Runs one stage on one record as received, and turns every failure into a dead letter.

This is the single place where bytes become messages, so that the Faust agents
and the in-process runner emit the same records, and so that no bad record
crashes a worker or disappears: each record yields the stage's outputs or one
``DeadLetter`` with the original bytes, the stage and a reason.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson
from pydantic import ValidationError

from processors import Rejected, WindowState
from schemas import DeadLetter
from schemas.models import COUNTRY_PATTERN, ISO_DATE_PATTERN, ISO_DATETIME_PATTERN, NOT_BLANK
from streams.topology import Output, Stage

log = logging.getLogger(__name__)
ERROR_CHARS = 2000
ID_SCAN_BYTES = 2 << 20  # a dead letter names the article of a record up to this size


@dataclass(frozen=True)
class Origin:
    """Where a record was read from, for the dead letter."""

    topic: str | None = None
    partition: int | None = None
    offset: int | None = None


def handle(stage: Stage, raw: bytes, state: WindowState | None,
           origin: Origin = Origin()) -> list[Output]:
    """The stage's outputs for ``raw``, or a single dead letter."""
    limit = stage.max_input_bytes
    if limit is not None and len(raw) > limit:
        return [dead_letter(stage.name, "too_large", f"{len(raw)} bytes, over the limit of {limit}", raw, origin,
                            keep=limit)]
    try:
        record = stage.input_model.from_json(raw)
    except orjson.JSONDecodeError as exc:
        return [dead_letter(stage.name, "invalid_json", describe_error(exc), raw, origin)]
    except ValidationError as exc:
        return [dead_letter(stage.name, f"invalid_{stage.input_model.schema_name}",
                            describe_error(exc), raw, origin)]
    try:
        outputs = stage.process(record, state)
    except Rejected as exc:
        return [dead_letter(stage.name, exc.reason, exc.detail, raw, origin)]
    except Exception as exc:  # a processor bug must not stop the stream
        log.exception("stage %s failed on a record", stage.name)
        return [dead_letter(stage.name, "processing_error", f"{type(exc).__name__}: {exc}", raw, origin)]
    return within_limit(stage, outputs, raw, origin)


def within_limit(stage: Stage, outputs: list[Output], raw: bytes, origin: Origin) -> list[Output]:
    """``outputs``, or one dead letter when any is over the stage's output limit: the broker
    would refuse it, and the worker must not fail on a record it cannot send."""
    limit = stage.max_output_bytes
    if limit is None:
        return outputs
    oversized = [output for output in outputs if len(output.data) > limit]
    if not oversized:
        return outputs
    sizes = "; ".join(f"its {output.topic} record is {len(output.data):,} bytes" for output in oversized)
    return [dead_letter(stage.name, "output_too_large", f"{sizes}, over the limit of {limit:,}", raw, origin,
                        keep=limit // 2)]


def dead_letter(stage: str, reason: str, error: str, raw: bytes, origin: Origin = Origin(),
                keep: int | None = None) -> Output:
    """A ``DeadLetter`` output carrying ``raw`` as received (its first ``keep`` bytes, if given)."""
    kept = raw if keep is None else raw[:utf8_boundary(raw, keep)]
    try:
        original, encoding = kept.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        original, encoding = base64.b64encode(kept).decode("ascii"), "base64"
    article_id = article_id_of(raw) if len(raw) <= ID_SCAN_BYTES else None
    letter = DeadLetter(
        stage=stage,
        reason=reason,
        error=error[:ERROR_CHARS],
        original=original,
        original_encoding=encoding,
        original_size=len(raw),
        truncated=len(kept) < len(raw),
        article_id=article_id,
        topic=origin.topic,
        partition=origin.partition,
        offset=origin.offset,
        timestamp=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
    )
    return Output("dlq", article_id, letter)


def utf8_boundary(raw: bytes, end: int) -> int:
    """``end``, moved back to the start of the UTF-8 character it cuts, so that a truncated text
    stays text."""
    while 0 < end < len(raw) and raw[end] & 0xC0 == 0x80:
        end -= 1
    return end


def article_id_of(raw: bytes) -> str | None:
    """The article id, when the record is a JSON object that has a usable one."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    candidate = value.get("id")
    if candidate is None and isinstance(value.get("article"), dict):
        candidate = value["article"].get("id")
    if isinstance(candidate, str) and candidate.strip() and len(candidate) <= 256:
        return candidate
    return None


def describe_error(exc: orjson.JSONDecodeError | ValidationError) -> str:
    """Why a record is not a valid message, in one line, without echoing the input."""
    if isinstance(exc, orjson.JSONDecodeError):
        return f"not JSON: {exc}"
    parts = []
    for error in exc.errors(include_input=False, include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "(record)"
        wanted = PATTERN_WORDS.get((error.get("ctx") or {}).get("pattern", ""))
        parts.append(f"{where} must be {wanted}" if error["type"] == "string_pattern_mismatch" and wanted
                     else f"{where}: {error['msg']}")
    return "; ".join(parts)


# What the contracts' patterns ask for, in words: a regular expression tells a producer nothing.
PATTERN_WORDS = {
    ISO_DATETIME_PATTERN: "an ISO 8601 date or time, such as 2024-11-30T14:00:00+03:00",
    ISO_DATE_PATTERN: "a date such as 2024-11-30",
    NOT_BLANK: "text that is not blank",
    COUNTRY_PATTERN: "an ISO 3166 alpha-2 country code, such as SA",
}
