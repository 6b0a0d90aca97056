"""Article metadata read from the page text and URL: title, published date, outlet, dateline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from extraction._jionlp import jionlp

#: 2019-08-01, 2019/8/1, 2021年04月01日: one kind of separator throughout (not 2014年1-4月).
_DATE = (
    r"(?:19|20)\d{2}"
    r"(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2}|\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)(?!\d)"
)
_LABELLED_DATE = re.compile(r"(?:发布时间|发布日期|发表时间|时间|日期|发布)\s*[:]?\s*(?P<d>" + _DATE + ")")
_ANY_DATE = re.compile("(?P<d>" + _DATE + ")")
_URL_DATES = (
    re.compile(r"(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-/](?P<m>\d{1,2})/(?P<d>\d{1,2})/"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})-?(?P<m>[01]\d)/(?P<d>[0-3]\d)"),
)
_SOURCE = re.compile(
    r"来源\s*[:]\s*(?P<s>[\u4e00-\u9fa5A-Za-z0-9·]{2,16}?)(?=\s|作者|编辑|发布|时间|浏览|$|\d)"
)
_OUTLET_SUFFIX = r"(?:日报|晚报|早报|时报|网|社|在线|电视台|新闻)"
_DATED = r"(?:\d{1,2}月)?\d{0,2}日?(?:电|讯)"
_DATELINE = re.compile(
    rf"(?P<outlet>[\u4e00-\u9fa5]{{2,10}}?{_OUTLET_SUFFIX})(?P<place>[\u4e00-\u9fa5]{{2,4}}?)?{_DATED}"
)
#: What every dateline holds from its outlet's suffix on: a cheap first look (the dateline's
#: leading lazy run makes its own search try each character of the head).
_DATELINE_TAIL = re.compile(rf"{_OUTLET_SUFFIX}[\u4e00-\u9fa5]{{0,4}}?{_DATED}")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
#: 力争到2030年, 至2025年: a goal's year, not the story's.
_GOAL_YEAR_BEFORE = re.compile(r"(?:到|至|争|计划|目标|规划|展望|预计)$")
_BOILER_TITLE = re.compile(
    r"当前位置|首页|欢迎|导航|放大|缩小|字体|字号|来源|发布时间|浏览|打印|分享|版\s*[:]|^\W*$|上一版|下一版|上一篇|下一篇"
    r"|老年模式|无障碍|登录|注册|搜索|^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}"
)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    published: date | None
    source: str | None


def _to_date(raw: str) -> date | None:
    """A date string the text or URL gives; jionlp reads the Chinese forms."""
    digits = re.findall(r"\d+", raw)
    if len(digits) >= 3:
        try:
            return date(int(digits[0]), int(digits[1]), int(digits[2]))
        except ValueError:
            pass
    try:
        parsed = jionlp().parse_time(raw)
        return date.fromisoformat(parsed["time"][0][:10])
    except Exception:  # jionlp raises ValueError and others on text it cannot read
        return None


def published_date(text: str, url: str) -> date | None:
    head = text[:800]
    for rx in (_LABELLED_DATE, _ANY_DATE):
        m = rx.search(head)
        if m:
            d = _to_date(m.group("d"))
            if d and 1990 <= d.year <= 2100:
                return d
    for rx in _URL_DATES:
        m = rx.search(url)
        if m:
            try:
                return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
    return None


def dateline_date(dateline: str, text: str, reference: date | None = None) -> date | None:
    """中新网贵阳3月23日电: the month and day of the dateline, in the latest year the story names
    (not after the `reference` date, when the crawler says when it fetched the page)."""
    m = re.search(r"(\d{1,2})月(\d{1,2})日", dateline)
    years = [
        int(m.group(1))
        for m in _YEAR.finditer(text)
        if (reference is None or int(m.group(1)) <= reference.year)
        and not _GOAL_YEAR_BEFORE.search(text, max(0, m.start() - 4), m.start())
    ]
    if not m or not years:
        return None
    try:
        return date(max(years), int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None


def title_of(text: str) -> str | None:
    for line in text.splitlines()[:40]:
        line = line.strip()
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in line)
        if 6 <= len(line) <= 60 and cjk >= 4 and not _BOILER_TITLE.search(line) and not line.endswith("。"):
            return line
    return None


def read_metadata(
    text: str,
    url: str,
    title: str | None,
    published: date | None,
    source: str | None,
    body: str = "",
    fetched: date | None = None,
) -> Metadata:
    """`text` as crawled (navigation kept: dates and datelines stand there), `body` without it;
    `fetched` is when the page was fetched (no clock is read: the same page reads the same way)."""
    m = _SOURCE.search(text[:1500]) or _SOURCE.search(text[-800:])
    head = text[:1500]
    dl = _DATELINE.search(head) if _DATELINE_TAIL.search(head) else None
    found_title = title or title_of(text)
    return Metadata(
        title=found_title,
        published=published
        or published_date(text, url)
        or dateline_date(dl.group(0) if dl else "", body or text, fetched),
        source=source or (m.group("s") if m else (dl.group("outlet") if dl else None)),
    )
