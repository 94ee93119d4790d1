"""Dates as feeds and pages write them, to ISO 8601: RFC 822 (RSS), RFC 3339 (Atom), with
Arabic-Indic or Persian digits. The writer's UTC offset is kept, and none is invented."""

from __future__ import annotations

import email.utils
import re
from datetime import date, datetime

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
OFFSET_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")
CALENDAR_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def ascii_digits(text: str) -> str:
    return text.translate(DIGITS)


def iso_date(value: str | None) -> str | None:
    """``value`` (RFC 822 or ISO 8601, any digits) as ISO 8601, or None when it is no date."""
    if not value or not value.strip():
        return None
    text = ascii_digits(value.strip())
    if CALENDAR_DATE.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    return when.isoformat()


def iso_offset(value: str) -> str:
    """htmldate's ``+0300`` offsets as ISO 8601's ``+03:00``."""
    return OFFSET_WITHOUT_COLON.sub(r"\1:\2", value)
