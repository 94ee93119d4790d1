"""Dates written in Arabic news text, resolved to calendar days against ``published_at``.

Recognised: a day with a Gregorian month of either series (Egyptian/Gulf «نوفمبر»,
Levantine/Iraqi «تشرين الثاني») or a Hijri month, with or without a year; weekday
names, alone or with «الماضي» / «المقبل»; «اليوم», «أمس», «أول أمس», «غدا». Matching
runs on the match forms of the tokens, so spelling variants (أ/ا، ة/ه، ى/ي) and
diacritics do not matter. Hijri dates are converted with hijridate (Umm al-Qura).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from hijridate import Gregorian, Hijri

from processors.arabic import original_offset
from schemas import DateMention, Token

GREGORIAN_MONTHS: dict[tuple[str, ...], int] = {
    ("يناير",): 1, ("فبراير",): 2, ("مارس",): 3, ("ابريل",): 4, ("افريل",): 4, ("مايو",): 5,
    ("يونيو",): 6, ("يونيه",): 6, ("يوليو",): 7, ("يوليه",): 7, ("اغسطس",): 8, ("سبتمبر",): 9,
    ("اكتوبر",): 10, ("نوفمبر",): 11, ("ديسمبر",): 12,
    ("كانون", "الثاني"): 1, ("شباط",): 2, ("اذار",): 3, ("نيسان",): 4, ("ايار",): 5, ("حزيران",): 6,
    ("تموز",): 7, ("اب",): 8, ("ايلول",): 9, ("تشرين", "الاول"): 10, ("تشرين", "الثاني"): 11,
    ("كانون", "الاول"): 12,
}
HIJRI_MONTHS: dict[tuple[str, ...], int] = {
    ("محرم",): 1, ("صفر",): 2, ("ربيع", "الاول"): 3, ("ربيع", "الاخر"): 4, ("ربيع", "الثاني"): 4,
    ("جمادي", "الاولي"): 5, ("جمادي", "الاول"): 5, ("جمادي", "الاخره"): 6, ("جمادي", "الاخر"): 6,
    ("جمادي", "الثانيه"): 6, ("رجب",): 7, ("شعبان",): 8, ("رمضان",): 9, ("شوال",): 10,
    ("ذو", "القعده"): 11, ("ذي", "القعده"): 11, ("ذو", "الحجه"): 12, ("ذي", "الحجه"): 12,
}
WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
PAST = frozenset({"الماضي", "المنصرم", "الفائت"})
NEXT = frozenset({"المقبل", "القادم"})
# «الاثنين» also means "the two": it is a weekday only next to one of these cues.
WEEKDAY_CUES = frozenset({"يوم", "(", "مساء", "صباح", "ظهر", "فجر", "ليل", "ليله", "عصر", ")", *PAST, *NEXT})
HIJRI_SUFFIXES = frozenset({"ه", "هـ", "هجري", "هجريه", "للهجره"})
GREGORIAN_SUFFIXES = frozenset({"م", "ميلادي", "ميلاديه", "للميلاد"})
RELATIVE_DAYS = {("اول", "امس"): -2, ("امس",): -1, ("اليوم",): 0, ("غدا",): 1}
# Forms a date can start with, besides a number: a cheap filter before the matchers.
_TRIGGERS = frozenset(WEEKDAYS) | {words[0] for words in RELATIVE_DAYS}


def _forms(token: Token) -> tuple[str, ...]:
    """The token's match form, its base form, and the form without a leading «و» / «ف»."""
    norm = token.norm
    return (norm, token.base, norm[1:]) if norm[:1] in ("و", "ف") else (norm, token.base)


def _day_number(token: Token) -> tuple[int, int] | None:
    """(day, proclitic length) for «30», «و30», «ب30»."""
    norm = token.norm
    prefix = 1 if norm[:1] in ("و", "ف", "ب", "ل") else 0
    digits = norm[prefix:]
    if digits.isdigit() and len(digits) <= 2 and 1 <= int(digits) <= 31:
        return int(digits), prefix
    return None


def find_dates(text: str, tokens: Sequence[Token], field: str, published: datetime | None) -> list[DateMention]:
    """Dates in one field, with offsets into its original ``text``.

    Without ``published``, only dates that carry their year are resolved.
    """
    today = published.date() if published else None
    found: list[DateMention] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not (token.norm[-1].isdigit() or token.base in _TRIGGERS or token.norm in _TRIGGERS
                or token.norm[1:] in _TRIGGERS):
            i += 1
            continue
        match = (_explicit_date(tokens, i, today) or _weekday(tokens, i, today)
                 or _relative_day(tokens, i, today))
        if match is None:
            i += 1
            continue
        length, day, calendar, relative, skip = match
        start, end = tokens[i].start, tokens[i + length - 1].end
        if skip:
            start += original_offset(text[start:tokens[i].end], skip)
        found.append(DateMention(text=text[start:end], start=start, end=end, field=field,
                                 date=day.isoformat(), calendar=calendar, relative=relative))
        i += length
    return found


def _explicit_date(tokens, i, today):
    """[weekday] DAY [من] MONTH [YEAR] [suffix]."""
    j = i
    if tokens[j].norm in WEEKDAYS:
        j += 1
    number = _day_number(tokens[j]) if j < len(tokens) else None
    if number is None:
        return None
    day_number, skip = number
    if j > i:
        skip = 0
    j += 1
    if j < len(tokens) and tokens[j].norm == "من":
        j += 1
    for months, calendar in ((GREGORIAN_MONTHS, "gregorian"), (HIJRI_MONTHS, "hijri")):
        for width in (2, 1):
            key = tuple(t.norm for t in tokens[j:j + width])
            if len(key) == width and key in months:
                return _resolve(tokens, j + width, i, day_number, months[key], calendar, today, skip)
    return None


def _resolve(tokens, j, i, day_number, month, calendar, today, skip):
    year = None
    suffixes = HIJRI_SUFFIXES if calendar == "hijri" else GREGORIAN_SUFFIXES
    if j < len(tokens):
        digits, suffix = tokens[j].norm[:4], tokens[j].norm[4:]  # «1445» or «1445هـ»
        if len(digits) == 4 and digits.isdigit() and (not suffix or suffix in suffixes):
            year = int(digits)
            j += 1
            if not suffix and j < len(tokens) and tokens[j].norm in suffixes:
                j += 1
    try:
        if year is not None:
            day = _to_date(year, month, day_number, calendar)
        elif today is not None:
            this_year = today.year if calendar == "gregorian" else Gregorian.fromdate(today).to_hijri().year
            candidates = []
            for y in (this_year - 1, this_year, this_year + 1):
                try:
                    candidates.append(_to_date(y, month, day_number, calendar))
                except (ValueError, OverflowError):
                    continue
            if not candidates:
                return None
            day = min(candidates, key=lambda d: abs((d - today).days))
        else:
            return None
    except (ValueError, OverflowError):  # 31 شباط, a Hijri year outside the Umm al-Qura table
        return None
    return j - i, day, calendar, year is None, skip


def _to_date(year: int, month: int, day_number: int, calendar: str) -> date:
    if calendar == "hijri":
        return date(*Hijri(year, month, day_number).to_gregorian().datetuple())
    return date(year, month, day_number)


def _weekday(tokens, i, today):
    if today is None:
        return None
    name = next((form for form in _forms(tokens[i]) if form in WEEKDAYS), None)
    if name is None:
        return None
    weekday, skip = WEEKDAYS[name], len(tokens[i].norm) - len(name)
    previous = tokens[i - 1].norm if i else ""
    following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    if weekday == 0 and previous not in WEEKDAY_CUES and following not in WEEKDAY_CUES:
        return None
    if following in PAST:
        back = (today.weekday() - weekday) % 7 or 7
        return 2, today - timedelta(days=back), "gregorian", True, skip
    if following in NEXT:
        ahead = (weekday - today.weekday()) % 7 or 7
        return 2, today + timedelta(days=ahead), "gregorian", True, skip
    return 1, today - timedelta(days=(today.weekday() - weekday) % 7), "gregorian", True, skip


def _relative_day(tokens, i, today):
    if today is None:
        return None
    for words, offset in RELATIVE_DAYS.items():
        window = tokens[i:i + len(words)]
        if len(window) < len(words) or any(w not in _forms(t) for t, w in zip(window, words)):
            continue
        if words == ("اليوم",) and not _is_today(tokens, i):
            return None
        skip = len(window[0].norm) - len(words[0])  # every form is a suffix of the match form
        return len(words), today + timedelta(days=offset), "gregorian", True, skip
    return None


def _is_today(tokens, i) -> bool:
    """«اليوم» as "today", not in a name («عين اليوم») or a noun phrase («اليوم الوطني»)."""
    previous = tokens[i - 1].norm if i else ""
    following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    return previous not in {"عين", "حتي", "صحيفه", "جريده"} and not following.startswith("ال")
