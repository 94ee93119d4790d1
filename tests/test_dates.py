"""Dates in the text, resolved to the right day against published_at."""

from __future__ import annotations

import pytest

from processors import Normalizer
from schemas import Article

NORMALIZER = Normalizer()
THURSDAY = "2024-12-05T10:00:00+03:00"  # a Thursday


def dates(body: str, published_at: str | None = THURSDAY) -> list[tuple[str, str, str, bool]]:
    article = NORMALIZER(Article(id="a", source="s", body=body, published_at=published_at))
    for found in article.dates:
        assert body[found.start:found.end] == found.text
    return [(d.text, d.date, d.calendar, d.relative) for d in article.dates]


@pytest.mark.parametrize(("month", "number"), [
    ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("أبريل", 4), ("إبريل", 4), ("مايو", 5), ("يونيو", 6),
    ("يونيه", 6), ("يوليو", 7), ("أغسطس", 8), ("سبتمبر", 9), ("أكتوبر", 10), ("نوفمبر", 11), ("ديسمبر", 12),
    ("كانون الثاني", 1), ("شباط", 2), ("آذار", 3), ("نيسان", 4), ("أيار", 5), ("حزيران", 6), ("تموز", 7),
    ("آب", 8), ("أيلول", 9), ("تشرين الأول", 10), ("تشرين الثاني", 11), ("كانون الأول", 12),
])
def test_gregorian_months_of_both_series(month, number):
    assert dates(f"جرى ذلك في 9 {month} 2023 وفق البيان") == \
        [(f"9 {month} 2023", f"2023-{number:02d}-09", "gregorian", False)]


def test_a_day_without_a_year_takes_the_nearest_year():
    assert dates("وقع الانفجار في 28 ديسمبر")[0][1] == "2024-12-28"
    assert dates("منذ 3 من يناير الماضي", "2025-01-20T00:00:00")[0][:2] == ("3 من يناير", "2025-01-03")
    assert dates("في 30 ديسمبر", "2025-01-02T08:00:00")[0][1] == "2024-12-30"


@pytest.mark.parametrize(("text", "day"), [
    ("أمس", "2024-12-04"), ("بالأمس", "2024-12-04"), ("أول أمس", "2024-12-03"), ("غداً", "2024-12-06"),
    ("اليوم", "2024-12-05"), ("واليوم", "2024-12-05"),
])
def test_relative_days(text, day):
    [(found, resolved, _, relative)] = dates(f"قال الوزير {text} إن الاجتماع مهم")
    assert resolved == day and relative
    assert found in text


@pytest.mark.parametrize(("text", "day"), [
    ("الأربعاء الماضي", "2024-12-04"),
    ("الخميس الماضي", "2024-11-28"),
    ("الخميس", "2024-12-05"),
    ("الجمعة المقبل", "2024-12-06"),
    ("الأحد القادم", "2024-12-08"),
    ("السبت", "2024-11-30"),
    ("يوم الاثنين", "2024-12-02"),
])
def test_weekdays_resolve_against_the_publication_day(text, day):
    assert [d[1] for d in dates(f"عقد الاجتماع {text} في العاصمة")] == [day]


def test_the_two_is_not_monday():
    assert dates("اتفق الاثنين على مواصلة الحوار") == []


def test_names_and_noun_phrases_with_today_are_not_dates():
    assert dates("عين اليوم – متابعات: احتفل السكان باليوم الوطني") == []


@pytest.mark.parametrize(("text", "day"), [
    ("15 رمضان 1436 هـ", "2015-07-02"),
    ("1 شوال 1436", "2015-07-17"),
    ("10 ذي الحجة 1445هـ", "2024-06-16"),
    ("12 ربيع الأول 1446", "2024-09-15"),
])
def test_hijri_dates_are_converted(text, day):
    [(found, resolved, calendar, relative)] = dates(f"وذلك يوم {text} حسب التقويم")
    assert (resolved, calendar, relative) == (day, "hijri", False)


def test_hijri_day_without_a_year_uses_the_nearest_hijri_year():
    assert dates("في 5 جمادى الآخرة", "2024-12-05T10:00:00")[0][1] == "2024-12-06"  # Umm al-Qura


def test_a_weekday_before_a_date_belongs_to_that_date():
    assert dates("الأحد 30 نوفمبر 2025") == [("الأحد 30 نوفمبر 2025", "2025-11-30", "gregorian", False)]


def test_impossible_dates_are_ignored_and_relative_dates_need_a_publication_day():
    assert dates("في 31 شباط 2024") == []
    assert dates("أمس والخميس الماضي و9 مايو", None) == []
    assert dates("في 9 مايو 2024", None)[0][1] == "2024-05-09"


def test_published_at_without_timezone_stays_without():
    article = NORMALIZER(Article(id="a", source="s", body="خبر", published_at="2015-08-03T06:00:00"))
    assert article.published == "2015-08-03T06:00:00"
