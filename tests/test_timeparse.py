"""The time grammar: absolute forms, relative phrases, and honest failure."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimdiff.model import Interval
from claimdiff.timeparse import parse_time


def iv(start: str, end: str | None = None) -> Interval:
    s = dt.date.fromisoformat(start)
    return Interval(s, dt.date.fromisoformat(end) if end else s)


@pytest.mark.parametrize(
    ("text", "expected", "how"),
    [
        ("2020", iv("2020-01-01", "2020-12-31"), "ISO year"),
        ("2020-09", iv("2020-09-01", "2020-09-30"), "ISO month"),
        ("2024-02", iv("2024-02-01", "2024-02-29"), "ISO month"),
        ("2020-09-27", iv("2020-09-27"), "ISO day"),
        ("2023-10-25T13:21", iv("2023-10-25"), "ISO day"),
        ("2023-10-25 13:21:07.5+02:00", iv("2023-10-25"), "ISO day"),
        ("2023-10-25t13:21Z", iv("2023-10-25"), "ISO day"),
        ("2020-09-27/2020-11-10", iv("2020-09-27", "2020-11-10"), "ISO interval"),
        ("2020-09/2021", iv("2020-09-01", "2021-12-31"), "ISO interval"),
        ("September 2020", iv("2020-09-01", "2020-09-30"), "month name"),
        ("Sep 2020", iv("2020-09-01", "2020-09-30"), "month name"),
        ("Sept. 2020", iv("2020-09-01", "2020-09-30"), "month name"),
        ("in SEPTEMBER 2020", iv("2020-09-01", "2020-09-30"), "month name"),
        ("27 September 2020", iv("2020-09-27"), "day and month name"),
        ("Sept 27, 2020", iv("2020-09-27"), "day and month name"),
        ("September 27th, 2020", iv("2020-09-27"), "day and month name"),
        ("on the 1st of March 2021", iv("2021-03-01"), "day and month name"),
        ("early 2023", iv("2023-01-01", "2023-04-30"), None),
        ("mid 2023", iv("2023-05-01", "2023-08-31"), None),
        ("mid-2023", iv("2023-05-01", "2023-08-31"), None),
        ("late 2022", iv("2022-09-01", "2022-12-31"), None),
        ("the end of 2022", iv("2022-09-01", "2022-12-31"), None),
        ("early September 2020", iv("2020-09-01", "2020-09-10"), None),
        ("mid-February 2023", iv("2023-02-11", "2023-02-20"), None),
        ("late February 2024", iv("2024-02-21", "2024-02-29"), None),
        ("spring 2021", iv("2021-03-01", "2021-05-31"), "season"),
        ("summer of 2021", iv("2021-06-01", "2021-08-31"), "season"),
        ("fall 2021", iv("2021-09-01", "2021-11-30"), "season"),
        ("winter 2024", iv("2023-12-01", "2024-02-29"), "season"),
        ("Q3 2021", iv("2021-07-01", "2021-09-30"), "quarter"),
        ("2021 q1", iv("2021-01-01", "2021-03-31"), "quarter"),
        ("the 1990s", iv("1990-01-01", "1999-12-31"), "decade"),
        ("in 2020", iv("2020-01-01", "2020-12-31"), "ISO year"),
        ("between March and May 2020", iv("2020-03-01", "2020-05-31"), "range"),
        ("from 2020 to 2021", iv("2020-01-01", "2021-12-31"), "range"),
        ("27 September to 3 October 2020", iv("2020-09-27", "2020-10-03"), "range"),
        ("2020-09-27 \u2013 2020-11-10", iv("2020-09-27", "2020-11-10"), "range"),
    ],
)
def test_absolute_forms(text: str, expected: Interval, how: str | None) -> None:
    spec = parse_time(text)
    assert spec.interval == expected
    assert spec.text == text
    if how is not None:
        assert spec.how == how


PUB = iv("2023-01-12")  # a Thursday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("last December", iv("2022-12-01", "2022-12-31")),
        ("in September", iv("2022-09-01", "2022-09-30")),
        ("September", iv("2022-09-01", "2022-09-30")),
        ("last September", iv("2022-09-01", "2022-09-30")),
        ("in January", iv("2023-01-01", "2023-01-31")),
        ("last January", iv("2022-01-01", "2022-01-31")),
        ("this September", iv("2023-09-01", "2023-09-30")),
        ("next March", iv("2023-03-01", "2023-03-31")),
        ("last year", iv("2022-01-01", "2022-12-31")),
        ("this year", iv("2023-01-01", "2023-12-31")),
        ("next year", iv("2024-01-01", "2024-12-31")),
        ("last month", iv("2022-12-01", "2022-12-31")),
        ("this month", iv("2023-01-01", "2023-01-31")),
        ("earlier this month", iv("2023-01-01", "2023-01-12")),
        ("last week", iv("2023-01-02", "2023-01-08")),
        ("this week", iv("2023-01-09", "2023-01-15")),
        ("on Thursday", iv("2023-01-12")),
        ("Tuesday", iv("2023-01-10")),
        ("on Friday", iv("2023-01-06")),
        ("last Thursday", iv("2023-01-05")),
        ("next Monday", iv("2023-01-16")),
        ("yesterday", iv("2023-01-11")),
        ("today", iv("2023-01-12")),
        ("the day before yesterday", iv("2023-01-10")),
        ("last weekend", iv("2023-01-07", "2023-01-08")),
        ("recently", iv("2022-01-12", "2023-01-12")),
        ("3 days ago", iv("2023-01-09")),
        ("two weeks ago", iv("2022-12-26", "2023-01-01")),
        ("a year ago", iv("2022-01-01", "2022-12-31")),
        ("27 September", iv("2022-09-27")),
        ("January 12", iv("2023-01-12")),
        ("early last year", iv("2022-01-01", "2022-04-30")),
        ("late last month", iv("2022-12-21", "2022-12-31")),
        ("last spring", iv("2022-03-01", "2022-05-31")),
        ("winter", iv("2022-12-01", "2023-02-28")),
        ("from last December to yesterday", iv("2022-12-01", "2023-01-11")),
    ],
)
def test_relative_forms(text: str, expected: Interval) -> None:
    spec = parse_time(text, PUB)
    assert spec.interval == expected
    assert spec.how == "relative to published 2023-01-12"


def test_in_month_includes_the_published_month_but_last_month_name_does_not() -> None:
    sept = iv("2023-09-12")
    assert parse_time("in September", sept).interval == iv("2023-09-01", "2023-09-30")
    assert parse_time("last September", sept).interval == iv("2022-09-01", "2022-09-30")
    nov = iv("2023-11-02")
    assert parse_time("last September", nov).interval == iv("2023-09-01", "2023-09-30")


def test_coarse_published_gives_a_wider_interval() -> None:
    month = iv("2023-01-01", "2023-01-31")
    assert parse_time("yesterday", month).interval == iv("2022-12-31", "2023-01-30")
    year = iv("2023-01-01", "2023-12-31")
    assert parse_time("in September", year).interval == iv("2022-09-01", "2023-09-30")
    spec = parse_time("last December", year)
    assert spec.interval == iv("2022-12-01", "2022-12-31")
    assert spec.how == "relative to published 2023-01-01/2023-12-31"


def test_recently_on_a_leap_day() -> None:
    assert parse_time("recently", iv("2024-02-29")).interval == iv("2023-02-28", "2024-02-29")


@pytest.mark.parametrize(
    ("text", "published", "reason"),
    [
        ("last December", None, "needs article.published"),
        ("on Thursday", None, "needs article.published"),
        ("sometime around the thaw", PUB, "not understood"),
        ("", PUB, "empty"),
        ("   ", None, "empty"),
        ("2020-02-30", None, "no day 2020-02-30"),
        ("2020-13", None, "no month 13"),
        ("0000", None, "out of range"),
        ("31 April 2020", None, "no day 31"),
        ("30 February", PUB, "no day 30"),
        ("12/03/2020", None, "ambiguous"),
        ("2021/2020", None, "ends before it starts"),
        ("between 2020 and foo", None, "not understood"),
        ("Thursday 2020", None, "not understood"),
    ],
)
def test_unresolved_says_why(text: str, published: Interval | None, reason: str) -> None:
    spec = parse_time(text, published)
    assert spec.interval is None
    assert spec.how.startswith("unresolved: ")
    assert reason in spec.how


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_never_raises_on_any_text(text: str) -> None:
    spec = parse_time(text, PUB)
    assert (spec.interval is None) == spec.how.startswith("unresolved")
    if spec.interval is not None:
        assert spec.interval.start <= spec.interval.end


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_days_round_trip(day: dt.date) -> None:
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
    assert parse_time(text).interval == Interval(day, day)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["yesterday", "last month", "last year", "on Monday", "recently", "last June"]),
)
def test_past_phrases_never_end_after_published(day: dt.date, phrase: str) -> None:
    spec = parse_time(phrase, Interval(day, day))
    assert spec.interval is not None
    assert spec.interval.end <= day


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_in_month_starts_on_or_before_published(day: dt.date) -> None:
    spec = parse_time("in September", Interval(day, day))
    assert spec.interval is not None
    start = spec.interval.start
    assert start.month == 9
    assert start <= day < start.replace(year=start.year + 1)
