"""Money in Chinese text: 325亿元, 8.01亿美元, 2000余万元, 近百亿元, 10-20亿元 → value and currency."""

from __future__ import annotations

import re
from dataclasses import dataclass

import opencc

from extraction._jionlp import jionlp
from extraction.built import library, load_or_build, package_file
from extraction.numerals import CN_NUMERAL, parse_number
from extraction.rates import currency_of_word

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?"
#: Every currency word of data/currencies.toml, the longer first (元人民币 before 元).
_CUR = "|".join(re.escape(w) for w in sorted(currency_of_word(), key=len, reverse=True))
MONEY_RE = re.compile(
    rf"(?P<num>{_NUM}|{CN_NUMERAL})(?P<fz1>余|多)?(?P<mag>万亿|千万|百万|十万|个亿|亿|万)?(?P<fz2>余|多)?"
    rf"(?P<cur>{_CUR})?(?P<post>左右|以上|多)?"
)
#: 3亿5000万元: one amount written in two magnitudes.
COMPOUND_RE = re.compile(rf"(?P<yi>\d+)亿(?P<wan>\d{{1,4}})万(?P<fz>余|多)?(?P<cur>{_CUR})?")
#: Currency words jionlp reads (it says whether an amount is approximate); others are read here only.
_JIONLP_READS = frozenset({"", "元", "人民币", "美元", "美金", "港元", "港币", "欧元", "日元", "英镑"})
#: A sentence of normalized text that may hold an amount: a number, then within three characters a
#: magnitude or a currency word of the table (most sentences name no amount at all).
MAY_HOLD_MONEY = re.compile(rf"[\d零〇一二两三四五六七八九十百千](?:[^,;。]{{0,3}}?)(?:万|亿|{_CUR})")
_DIGITS = re.compile(r"[\d,.]+")
_MAGNITUDE = {"": 1, "万": 1e4, "个亿": 1e8, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12}
#: After a bare 万/亿 these characters mean the number counts things, not money (3万吨, 1.5亿像素).
_MEASURE_AFTER = set("吨人平亩千瓦户家个台辆套件次只头张份株度米公里方间床位册倍像立斤吨千克标箱字条根块粒片")
_APPROX_BEFORE = re.compile(r"(约|近|超过|超|逾|大约|将近|接近|上|几)$")
_RANGE_BEFORE = re.compile(rf"({_NUM})\s*(万|亿)?(?:元)?\s*(?:-|至|到)\s*$")


@dataclass(frozen=True, slots=True)
class Money:
    start: int
    end: int
    text: str
    value: float
    currency: str
    approx: bool
    low: float | None = None
    high: float | None = None


def _jionlp_value(core: str) -> tuple[float, bool] | None:
    """jionlp's reading of a money string; ranges (2000余万元) give their lower end, approximate."""
    try:
        parsed = jionlp().parse_money(core)
    except Exception:  # jionlp raises on strings it does not know; the caller falls back
        return None
    num = parsed.get("num")
    if isinstance(num, list):
        return float(num[0]), True
    if num is None:
        return None
    return float(num), parsed.get("definition", "accurate") != "accurate"


def may_name_money() -> re.Pattern[str]:
    """The first look at a page before it is normalized: a number (full-width, Chinese, compatibility
    ideographs too) then, within a dozen characters (spaces, converter damage such as 两(liǎng)), a
    magnitude or a foreign currency's word, as Simplified, Hong Kong or Taiwan spelling. Normalizing
    only narrows the gap and changes the spelling, so a page without one holds no amount.
    The spellings come from three OpenCC converters (0.2 s to load): built once, then loaded."""
    sources = [package_file(p) for p in ("money.py", "rates.py", "data/currencies.toml")] + [
        library("opencc")
    ]
    alternation = load_or_build("first-look", str, sources, _money_words)
    number = "0-9０-９零〇一二两兩三四五六七八九十百千仟佰韆\uf900-\ufaff"
    return re.compile(rf"[{number}][^\n]{{0,12}}?(?:{alternation})")


def _money_words() -> str:
    """万, 亿 and the foreign currency words in every spelling, as one alternation, longest first."""
    words = {"万", "亿"} | {w for w, code in currency_of_word().items() if code != "CNY"}
    for config in ("s2hk", "s2tw", "s2t"):
        converter = opencc.OpenCC(config)
        words |= {converter.convert(w) for w in set(words)}
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _currency(word: str) -> str:
    return currency_of_word().get(word, "CNY")  # no word after 万/亿: yuan


def find_money(text: str) -> list[Money]:
    """Every amount of money in `text` that is at least in 万 or names its currency."""
    out: list[Money] = []
    taken: list[tuple[int, int]] = []
    for m in COMPOUND_RE.finditer(text):
        cur = m.group("cur") or ""
        value = int(m.group("yi")) * 1e8 + int(m.group("wan")) * 1e4
        approx = bool(m.group("fz")) or bool(_APPROX_BEFORE.search(text[max(0, m.start() - 4) : m.start()]))
        out.append(Money(m.start(), m.end(), m.group(0), round(value, 2), _currency(cur), approx))
        taken.append((m.start(), m.end()))
    for m in MONEY_RE.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        mag, cur = m.group("mag") or "", m.group("cur") or ""
        if not mag and _currency(cur) == "CNY":
            continue
        if mag and not cur:
            nxt = text[m.end() : m.end() + 1]
            if nxt in _MEASURE_AFTER or mag not in ("亿", "个亿", "万", "万亿"):
                continue
        num = parse_number(m.group("num"))
        if num is None or num == 0:
            continue
        fuzzy = bool(m.group("fz1") or m.group("fz2") or m.group("post"))
        core = (
            m.group("num")
            + (m.group("fz1") or "")
            + mag.replace("个亿", "亿")
            + (m.group("fz2") or "")
            + (cur if cur != "元人民币" else "元")
        )
        if not cur:
            core += "元"
        value = num * _MAGNITUDE[mag]
        approx = fuzzy
        # jionlp can only add that an amount in words is approximate (数十亿, 几百万): digits it reads
        # exactly, and 余/多/左右 are known here already
        in_words = not _DIGITS.fullmatch(m.group("num"))
        read = (
            _jionlp_value(core.replace(",", "")) if in_words and not approx and cur in _JIONLP_READS else None
        )
        if read is not None and abs(read[0] - value) <= 1e-6 * max(value, 1):
            approx = approx or read[1]
        before = text[max(0, m.start() - 4) : m.start()]
        approx = approx or bool(_APPROX_BEFORE.search(before))
        low = high = None
        rng = _RANGE_BEFORE.search(text[max(0, m.start() - 16) : m.start()])
        if rng:
            lo = parse_number(rng.group(1))
            if lo is not None:
                low, high = lo * _MAGNITUDE[rng.group(2) or mag], value
        out.append(Money(m.start(), m.end(), m.group(0), round(value, 2), _currency(cur), approx, low, high))
    return sorted(out, key=lambda x: x.start)
