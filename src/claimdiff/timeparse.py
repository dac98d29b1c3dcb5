"""``when`` / ``published`` text → a closed interval of days.

Curators copy time expressions from articles as written ("last December",
"early 2023", "on Thursday"), so the grammar accepts the common English forms
and resolves relative ones against the article's publication date. Every
result is an :class:`~claimdiff.model.Interval`: comparing times is then a
matter of overlap, never of guessing a single day.

The grammar is deliberately small and written out here (regular expressions
plus :mod:`calendar`) instead of depending on a general date parser: every
accepted form is listed in ``docs/validation.md`` and tested, and anything
else is *unresolved* (a warning, time unknown) rather than silently guessed.

Relative phrases are resolved against each end of the published interval and
the results joined, so a day-precise ``published`` gives a precise answer and a
coarse one (``2023-01``) gives an honest, wider interval.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable

from claimdiff.model import Interval, TimeSpec

__all__ = ["parse_time"]

_MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        _MONTHS[_name.lower()] = _i
        _MONTHS[_name[:3].lower()] = _i
_MONTHS["sept"] = 9

_WEEKDAYS: dict[str, int] = {}
for _i, _name in enumerate(calendar.day_name):
    _WEEKDAYS[_name.lower()] = _i
    _WEEKDAYS[_name[:3].lower()] = _i
_WEEKDAYS.update({"tues": 1, "wednes": 2, "thur": 3, "thurs": 3})

# Season -> (first month, number of months). Winter YEAR is meteorological:
# December of YEAR-1 through February of YEAR (first month 0 = previous December).
_SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 3),
    "summer": (6, 3),
    "autumn": (9, 3),
    "fall": (9, 3),
    "winter": (0, 3),
}

_WORDS = "zero one two three four five six seven eight nine ten eleven twelve"
_NUMBERS = {w: i for i, w in enumerate(_WORDS.split())}
_NUMBERS.update({"a": 1, "an": 1, "a couple": 2, "several": 3})

_MONTH_RE = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_WEEKDAY_RE = "(" + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + ")"
_SEASON_RE = "(" + "|".join(_SEASONS) + ")"
_YEAR_RE = r"(\d{4})"
_DAY_RE = r"(\d{1,2})"

_ISO = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)?)?"
)
_AMBIGUOUS_NUMERIC = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}")

# Modifiers that select a third of a period.
_PARTS = {
    "early": 0,
    "beginning": 0,
    "start": 0,
    "mid": 1,
    "middle": 1,
    "late": 2,
    "end": 2,
}
_PART_RE = re.compile(r"(early|beginning|start|mid|middle|late|end) (.+)")

_Resolver = Callable[[dt.date], "Interval | None"]


# --------------------------------------------------------------------------- calendar helpers


def _month(year: int, month: int) -> Interval:
    last = calendar.monthrange(year, month)[1]
    return Interval(dt.date(year, month, 1), dt.date(year, month, last))


def _year(year: int) -> Interval:
    return Interval(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _span_months(year: int, month: int, count: int) -> Interval:
    y2, m2 = _add_months(year, month, count - 1)
    return Interval(dt.date(year, month, 1), _month(y2, m2).end)


def _season(name: str, year: int) -> Interval:
    first, count = _SEASONS[name]
    if first == 0:
        return _span_months(year - 1, 12, count)
    return _span_months(year, first, count)


def _week_of(day: dt.date) -> Interval:
    monday = day - dt.timedelta(days=day.weekday())
    return Interval(monday, monday + dt.timedelta(days=6))


def _part(iv: Interval, part: int) -> Interval:
    """The early / mid / late third of ``iv``.

    A whole year splits into Jan–Apr, May–Aug, Sep–Dec; a whole month into days
    1–10, 11–20, 21–end; anything else into three near-equal runs of days.
    """
    s, e = iv.start, iv.end
    if s.month == 1 and s.day == 1 and e == dt.date(s.year, 12, 31):
        return _span_months(s.year, 1 + 4 * part, 4)
    if s.day == 1 and (s.year, s.month) == (e.year, e.month) and e == _month(s.year, s.month).end:
        starts = (1, 11, 21)
        first = s.replace(day=starts[part])
        last = e if part == 2 else s.replace(day=starts[part] + 9)
        return Interval(first, last)
    step = iv.days / 3
    first = s + dt.timedelta(days=round(step * part))
    last = e if part == 2 else s + dt.timedelta(days=round(step * (part + 1)) - 1)
    return Interval(first, max(first, last))


def _day(year: int, month: int, day: int) -> Interval | None:
    try:
        d = dt.date(year, month, day)
    except ValueError:
        return None
    return Interval(d, d)


def _latest(
    candidates: Callable[[int], Interval], anchor: dt.date, ok: Callable[[Interval], bool]
) -> Interval | None:
    """The latest yearly instance (``candidates(year)``) accepted by ``ok``."""
    for year in range(anchor.year + 1, anchor.year - 3, -1):
        try:
            iv = candidates(year)
        except ValueError:
            continue
        if ok(iv):
            return iv
    return None


# --------------------------------------------------------------------------- absolute forms


class _Unresolved(Exception):
    """A form that was recognised but names no real day (``2020-02-30``)."""


def _absolute(s: str) -> tuple[Interval, str] | None:
    """Absolute forms, on normalised text; ``None`` when the form is not absolute."""
    m = _ISO.fullmatch(s.upper())
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        year = int(y)
        if year < 1:
            raise _Unresolved(f"year {y} is out of range")
        if mo is None:
            return _year(year), "ISO year"
        if not 1 <= int(mo) <= 12:
            raise _Unresolved(f"there is no month {mo}")
        if d is None:
            return _month(year, int(mo)), "ISO month"
        iv = _day(year, int(mo), int(d))
        if iv is None:
            raise _Unresolved(f"there is no day {s[:10]}")
        return iv, "ISO day"
    m = re.fullmatch(_MONTH_RE + " " + _YEAR_RE, s)
    if m:
        return _month(int(m.group(2)), _MONTHS[m.group(1)]), "month name"
    m = re.fullmatch(_DAY_RE + " " + _MONTH_RE + " " + _YEAR_RE, s) or re.fullmatch(
        _MONTH_RE + " " + _DAY_RE + " " + _YEAR_RE, s
    )
    if m:
        a, b, yr = m.groups()
        day, month = (a, b) if a.isdigit() else (b, a)
        iv = _day(int(yr), _MONTHS[month], int(day))
        if iv is None:
            raise _Unresolved(f"there is no day {day} in {month} {yr}")
        return iv, "day and month name"
    m = re.fullmatch(_SEASON_RE + " " + _YEAR_RE, s)
    if m:
        return _season(m.group(1), int(m.group(2))), "season"
    m = re.fullmatch(r"q([1-4]) " + _YEAR_RE, s) or re.fullmatch(_YEAR_RE + r" q([1-4])", s)
    if m:
        q, yr = (m.group(1), m.group(2)) if len(m.group(1)) == 1 else (m.group(2), m.group(1))
        return _span_months(int(yr), 3 * int(q) - 2, 3), "quarter"
    m = re.fullmatch(r"(\d{3})0s", s)
    if m:
        start = int(m.group(1)) * 10
        return Interval(dt.date(max(start, 1), 1, 1), dt.date(start + 9, 12, 31)), "decade"
    return None


# --------------------------------------------------------------------------- relative forms


def _relative(s: str) -> _Resolver | None:
    """Relative forms: a function from an anchor day to an interval."""
    if s in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return lambda a: Interval(a, a)
    if s in ("yesterday", "last night"):
        return lambda a: Interval(a - dt.timedelta(days=1), a - dt.timedelta(days=1))
    if s == "day before yesterday":
        return lambda a: Interval(a - dt.timedelta(days=2), a - dt.timedelta(days=2))
    if s == "tomorrow":
        return lambda a: Interval(a + dt.timedelta(days=1), a + dt.timedelta(days=1))
    if s in ("recently", "lately", "in recent months", "recent months", "past year"):
        return lambda a: Interval(_minus_year(a), a)
    if s in ("in recent weeks", "recent weeks", "past few weeks"):
        return lambda a: Interval(a - dt.timedelta(weeks=6), a)
    if s in ("in recent days", "recent days", "past few days"):
        return lambda a: Interval(a - dt.timedelta(days=7), a)
    m = re.fullmatch(r"(last|this|next|earlier this) (week|month|year)", s)
    if m:
        return _unit(m.group(1), m.group(2))
    if s == "last weekend":

        def weekend(a: dt.date) -> Interval:
            sunday = a - dt.timedelta(days=(a.weekday() + 1) % 7 or 7)
            return Interval(sunday - dt.timedelta(days=1), sunday)

        return weekend
    m = re.fullmatch(r"(\d+|" + "|".join(_NUMBERS) + r") (day|week|month|year)s? ago", s)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        return _ago(n, m.group(2))
    m = re.fullmatch(r"(?:(last|this|next) )?" + _MONTH_RE, s)
    if m:
        return _named_month(m.group(1), _MONTHS[m.group(2)])
    m = re.fullmatch(r"(?:(last|this|next) )?" + _SEASON_RE, s)
    if m:
        return _named_season(m.group(1), m.group(2))
    m = re.fullmatch(r"(?:(last|this|next) )?" + _WEEKDAY_RE, s)
    if m:
        return _weekday(m.group(1), _WEEKDAYS[m.group(2)])
    m = re.fullmatch(_DAY_RE + " " + _MONTH_RE, s) or re.fullmatch(_MONTH_RE + " " + _DAY_RE, s)
    if m:
        a, b = m.groups()
        day, month = (int(a), _MONTHS[b]) if a.isdigit() else (int(b), _MONTHS[a])
        if _day(2000, month, day) is None:  # 2000 is a leap year: only impossible days fail
            raise _Unresolved(f"there is no day {day} in {calendar.month_name[month]}")
        return lambda a: _latest(lambda y: _strict_day(y, month, day), a, lambda iv: iv.end <= a)
    return None


def _strict_day(year: int, month: int, day: int) -> Interval:
    return Interval(dt.date(year, month, day), dt.date(year, month, day))


def _minus_year(a: dt.date) -> dt.date:
    try:
        return a.replace(year=a.year - 1)
    except ValueError:  # 29 February
        return a.replace(year=a.year - 1, day=28)


def _unit(which: str, unit: str) -> _Resolver:
    def resolve(a: dt.date) -> Interval:
        if unit == "week":
            cur = _week_of(a)
            shift = dt.timedelta(weeks=1)
            if which == "last":
                return Interval(cur.start - shift, cur.end - shift)
            if which == "next":
                return Interval(cur.start + shift, cur.end + shift)
        elif unit == "month":
            cur = _month(a.year, a.month)
            if which in ("last", "next"):
                return _month(*_add_months(a.year, a.month, -1 if which == "last" else 1))
        else:
            cur = _year(a.year)
            if which in ("last", "next"):
                return _year(a.year + (-1 if which == "last" else 1))
        if which == "earlier this":
            return Interval(cur.start, a)
        return cur

    return resolve


def _ago(n: int, unit: str) -> _Resolver:
    def resolve(a: dt.date) -> Interval:
        if unit == "day":
            d = a - dt.timedelta(days=n)
            return Interval(d, d)
        if unit == "week":
            return _week_of(a - dt.timedelta(weeks=n))
        if unit == "month":
            return _month(*_add_months(a.year, a.month, -n))
        return _year(a.year - n)

    return resolve


def _named_month(which: str | None, month: int) -> _Resolver:
    def resolve(a: dt.date) -> Interval | None:
        this_month_start = a.replace(day=1)
        if which == "last":
            return _latest(lambda y: _month(y, month), a, lambda iv: iv.end < this_month_start)
        if which == "this":
            return _month(a.year, month)
        if which == "next":
            return _month(a.year + (month <= a.month), month)
        return _latest(lambda y: _month(y, month), a, lambda iv: iv.start <= this_month_start)

    return resolve


def _named_season(which: str | None, name: str) -> _Resolver:
    def resolve(a: dt.date) -> Interval | None:
        this_month_start = a.replace(day=1)
        if which == "last":
            return _latest(lambda y: _season(name, y), a, lambda iv: iv.end < this_month_start)
        if which == "next":
            later = [
                iv for y in (a.year, a.year + 1, a.year + 2) if (iv := _season(name, y)).start > a
            ]
            return later[0] if later else None
        return _latest(lambda y: _season(name, y), a, lambda iv: iv.start <= a)

    return resolve


def _weekday(which: str | None, weekday: int) -> _Resolver:
    def resolve(a: dt.date) -> Interval:
        back = (a.weekday() - weekday) % 7
        if which == "last" and back == 0:
            back = 7
        if which == "next":
            d = a + dt.timedelta(days=(weekday - a.weekday()) % 7 or 7)
        else:
            d = a - dt.timedelta(days=back)
        return Interval(d, d)

    return resolve


# --------------------------------------------------------------------------- entry point


def _normalise(text: str) -> str:
    s = text.strip().lower().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[,]", " ", s)
    s = re.sub(r"\b(mid|late|early)-", r"\1 ", s)
    s = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", s)
    s = re.sub(r"\b([a-z]+)\.", r"\1", s)
    s = " ".join(w for w in s.split() if w not in ("the", "of"))
    s = re.sub(r"^(in|on|during|at|around|about|circa|c)\s+", "", s)
    return s.strip()


def _single(s: str, anchor: Interval | None) -> tuple[Interval | None, str]:
    """One time expression (no range). Returns the interval and ``how``."""
    part: int | None = None
    m = _PART_RE.fullmatch(s)
    if m:
        part, s = _PARTS[m.group(1)], m.group(2)
    absolute = _absolute(s)
    if absolute is not None:
        iv, how = absolute
        if part is not None:
            iv, how = _part(iv, part), f"{how}, {('early', 'mid', 'late')[part]} third"
        return iv, how
    resolver = _relative(s)
    if resolver is None:
        return None, "unresolved: not understood"
    if anchor is None:
        return None, "unresolved: relative time needs article.published"
    ends = [resolver(anchor.start), resolver(anchor.end)]
    found = [iv for iv in ends if iv is not None]
    if not found:
        return None, "unresolved: no such time before the published date"
    if part is not None:
        found = [_part(iv, part) for iv in found]
    iv = Interval(min(iv.start for iv in found), max(iv.end for iv in found))
    return iv, f"relative to published {anchor.iso()}"


_RANGE = re.compile(r"(?:from )?(.+?)(?: ?/ ?| (?:to|until|till|through|-) )(.+)")
_BETWEEN = re.compile(r"between (.+?) and (.+)")


def parse_time(text: str, published: Interval | None = None) -> TimeSpec:
    """Resolve ``text`` to an interval; relative phrases use ``published``.

    Never raises: an expression that cannot be resolved gives a ``TimeSpec``
    whose ``interval`` is ``None`` and whose ``how`` starts with
    ``"unresolved:"`` followed by the reason.
    """
    return _parse_time(text, published)


@functools.lru_cache(maxsize=16384)
def _parse_time(text: str, published: Interval | None) -> TimeSpec:
    # Cached: a corpus repeats the same few phrases and dates many thousand times,
    # and TimeSpec is immutable, so sharing results is safe.
    s = _normalise(text)
    if not s:
        return TimeSpec(text, None, "unresolved: empty")
    if _AMBIGUOUS_NUMERIC.fullmatch(s):
        return TimeSpec(text, None, "unresolved: numeric day/month order is ambiguous; use ISO")
    try:
        m = _BETWEEN.fullmatch(s) or _RANGE.fullmatch(s)
        if m is None:
            iv, how = _single(s, published)
            return TimeSpec(text, iv, how)
        left, right = m.group(1), m.group(2)
        year = re.search(r" (\d{4})$", right)
        if year and not re.search(r"\d{4}", left):
            left = f"{left} {year.group(1)}"  # "March to May 2020": the year applies to both
        first, how1 = _single(left, published)
        last, how2 = _single(right, published)
    except _Unresolved as exc:
        return TimeSpec(text, None, f"unresolved: {exc}")
    if first is None or last is None:
        return TimeSpec(text, None, how1 if first is None else how2)
    if last.end < first.start:
        return TimeSpec(text, None, "unresolved: the range ends before it starts")
    relative = [h for h in (how1, how2) if h.startswith("relative")]
    how = relative[0] if relative else ("ISO interval" if "/" in s else "range")
    return TimeSpec(text, Interval(first.start, last.end), how)
