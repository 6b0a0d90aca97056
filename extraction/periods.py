"""Dates and periods in the text, resolved against the article's published date.

今年1-6月, 上半年, 1至8月, 前10个月, 一季度, 截至8月底, 2023年 → a [start, end] span;
7月30日, 26日 → a day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from extraction.numerals import parse_cn_int

_YEAR = r"(?:(?P<year>(?:19|20)\d{2})年|(?P<rel>今年|去年|上年|前年|当年|本年))?"
_MONTH = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_PERIOD_RES = [
    (
        "months",
        re.compile(_YEAR + rf"(?P<m1>{_MONTH})(?:月份?)?\s*(?:-|至|到|~)\s*(?P<m2>{_MONTH})月(?:份|底|末)?"),
    ),
    ("first_n", re.compile(_YEAR + rf"前(?P<n>{_MONTH})(?:个)?月")),
    ("half", re.compile(_YEAR + r"(?P<half>上半年|下半年)")),
    ("quarter", re.compile(_YEAR + r"(?:前)?(?P<q>[一二三四1-4])季度")),
    ("first3q", re.compile(_YEAR + r"前三季度")),
    ("until", re.compile(r"截[至止](?:" + _YEAR[3:-2] + r")?(?P<um>\d{1,2})月(?:底|末|份)?")),
    ("month", re.compile(_YEAR + rf"(?P<om>{_MONTH})月份")),
    ("since", re.compile(r"(?P<rel>今年|年初)以来")),
    (
        "year",
        re.compile(r"(?P<year>(?:19|20)\d{2})年(?:全年|度)?(?=[,，\s]|全[省市县区]|[我该本][省市县区])"),
    ),
    ("lastyear", re.compile(r"(?P<rel>去年|上年)(?:全年)?")),
]
_DAY = re.compile(r"(?:(?P<y>(?:19|20)\d{2})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日")


@dataclass(frozen=True, slots=True)
class Span:
    start: date
    end: date
    label: str


def _num(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else parse_cn_int(text)


def _year(m: re.Match[str], published: date | None, end_month: int | None) -> int | None:
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    base = published.year if published else None
    if base is None:
        return None
    rel = groups.get("rel")
    if rel in ("去年", "上年"):
        return base - 1
    if rel == "前年":
        return base - 2
    if rel in ("今年", "本年", "当年", "年初"):
        return base
    # a month span that ends after the article was published is last year's
    if published and end_month and end_month > published.month:
        return base - 1
    return base


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=4096)  # one sentence is read for each of its amounts
def find_period(text: str, published: date | None) -> Span | None:
    """The first period a sentence speaks of, or None."""
    for name, rx in _PERIOD_RES:
        m = rx.search(text)
        if not m:
            continue
        label = m.group(0)
        try:
            if name == "months":
                m1, m2 = _num(m.group("m1")), _num(m.group("m2"))
                if not m1 or not m2 or not 1 <= m1 <= m2 <= 12:
                    continue
                y = _year(m, published, m2)
                if y:
                    return Span(date(y, m1, 1), _month_end(y, m2), label)
            elif name == "first_n":
                n = _num(m.group("n"))
                y = _year(m, published, n)
                if y and n and 1 <= n <= 12:
                    return Span(date(y, 1, 1), _month_end(y, n), label)
            elif name == "half":
                first = m.group("half") == "上半年"
                y = _year(m, published, 6 if first else 12)
                if y:
                    return Span(date(y, 1 if first else 7, 1), _month_end(y, 6 if first else 12), label)
            elif name == "quarter":
                q = _num(m.group("q")) if not m.group("q").isdigit() else int(m.group("q"))
                y = _year(m, published, (q or 1) * 3)
                if y and q:
                    start_month = 1 if label.find("前") >= 0 else (q - 1) * 3 + 1
                    return Span(date(y, start_month, 1), _month_end(y, q * 3), label)
            elif name == "first3q":
                y = _year(m, published, 9)
                if y:
                    return Span(date(y, 1, 1), _month_end(y, 9), label)
            elif name == "until":
                um = int(m.group("um"))
                y = _year(m, published, um)
                if y and 1 <= um <= 12:
                    return Span(date(y, 1, 1), _month_end(y, um), label)
            elif name == "month":
                om = _num(m.group("om"))
                y = _year(m, published, om)
                if y and om and 1 <= om <= 12:
                    return Span(date(y, om, 1), _month_end(y, om), label)
            elif name == "since":
                y = _year(m, published, None)
                if y and published:
                    return Span(date(y, 1, 1), published, label)
            elif name in ("year", "lastyear"):
                y = _year(m, published, None)
                if y:
                    return Span(date(y, 1, 1), date(y, 12, 31), label)
        except ValueError:
            continue
    return None


@lru_cache(maxsize=4096)
def find_day(text: str, published: date | None) -> date | None:
    """The first day a sentence names (7月30日, 26日), in the year the article implies."""
    for m in _DAY.finditer(text):
        d = int(m.group("d"))
        month = int(m.group("m")) if m.group("m") else (published.month if published else None)
        year = int(m.group("y")) if m.group("y") else (published.year if published else None)
        if month is None or year is None:
            continue
        if not m.group("y") and published and (month, d) > (published.month, published.day):
            year -= 1 if m.group("m") else 0
            if not m.group("m"):
                month = published.month - 1 or 12
        try:
            return date(year, month, d)
        except ValueError:
            continue
    return None
