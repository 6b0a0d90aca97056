"""Text every rule reads: main text, Simplified, half-width, with a map back to the original.

Each step rewrites the text and carries an index list: `source[i]` is the
position in the original text of the character now at `i`, so evidence can be
shown where it stood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import opencc

#: Converter damage: pinyin with tone marks pasted after each character, 產(chǎn)業(yè) (the regex opens
#: with the parenthesis, so that it skips from one to the next).
_PINYIN_NOTE = re.compile(r"\((?<=[\u4e00-\u9fff]\()(?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7})\)")
#: Horizontal space; removed where it splits a number from a digit, a CJK character or a unit.
_SPACE_RUN = re.compile(r"[ \t\u00a0\u3000]+")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "~": "-", "～": "-", "〜": "-"})
_PUNCT = str.maketrans(
    {"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!", "？": "?", "％": "%", "．": "."}
)
#: A line that only announces a list of links or adverts; it and list lines after it are dropped.
_LIST_HEADINGS = re.compile(
    r"^\s*(相关推荐|相关阅读|相关新闻|相关文章|相关内容|热门推荐|热门点击|热门文章|猜你喜欢|延伸阅读|随便看看|网友评论|"
    r"精彩推荐|推荐阅读|友情链接|更多阅读|热点推荐|为您推荐|热门新闻|最新文章|图片新闻|阅读下一篇|标题导航|版面导航)\s*[:：]?\s*$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-·•▪►]\s*\S|\[(?:热评|热点|推荐|广告|图文|视频|专题)\])")
_NAV_LINE = re.compile(r"(?:[|>»/]\s*[^|>»/\s]{1,8}\s*){3,}")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """Normalized text and, for each of its characters, where it came from in `original`."""

    original: str
    text: str
    source: tuple[int, ...]
    with_boilerplate: str = ""  # normalized, lists and navigation kept: where datelines and dates stand

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """[start, end) of normalized text → the same stretch of the original text."""
        if not self.text:
            return (0, 0)
        start = min(max(start, 0), len(self.source) - 1)
        last = min(max(end - 1, start), len(self.source) - 1)
        return (self.source[start], self.source[last] + 1)


#: Variant characters OpenCC's tables leave as they are (seen in crawled pages).
_VARIANTS = str.maketrans("陜峯綫衞羣敎啓麪畧畱槪", "陕峰线卫群教启面略留概")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("hk2s")


def _sub(text: str, source: list[int], pattern: re.Pattern[str], repl: str) -> tuple[str, list[int]]:
    """re.sub that keeps the index map: replaced stretches map to their first character."""
    if pattern.search(text) is None:
        return text, source
    out: list[str] = []
    out_src: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(text[pos : m.start()])
        out_src.extend(source[pos : m.start()])
        out.append(repl)
        out_src.extend([source[m.start()] if m.start() < len(source) else 0] * len(repl))
        pos = m.end()
    out.append(text[pos:])
    out_src.extend(source[pos:])
    return "".join(out), out_src


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _drop_spaces_in_numbers(text: str, source: list[int]) -> tuple[str, list[int]]:
    """1115.2 亿元 → 1115.2亿元, 项目 159个 → 项目159个; other spaces stay."""
    cuts = []
    for m in _SPACE_RUN.finditer(text):
        before = text[m.start() - 1] if m.start() else ""
        after = text[m.end()] if m.end() < len(text) else ""
        number_before = before.isdigit() or before == "."
        unit_after = _is_cjk(after) or after == "%"
        # not between two numbers: 2019-09-22 12:43 keeps its space
        if (number_before and unit_after) or (_is_cjk(before) and after.isdigit()):
            cuts.append((m.start(), m.end()))
    if not cuts:
        return text, source
    out, out_src, pos = [], [], 0
    for a, b in cuts:
        out.append(text[pos:a])
        out_src.extend(source[pos:a])
        pos = b
    out.append(text[pos:])
    out_src.extend(source[pos:])
    return "".join(out), out_src


def _to_simplified(text: str, source: list[int]) -> tuple[str, list[int]]:
    """OpenCC t2s line by line; a line whose length changes is converted char by char."""
    cc = _t2s()
    converted = _VARIANT_CHARS.sub(lambda m: chr(int(_VARIANTS[ord(m.group())])), cc.convert(text))
    if len(converted) == len(text):
        return converted, source
    out: list[str] = []
    for ch in text:
        c = cc.convert(ch).translate(_VARIANTS)
        out.append(c[:1] if c else ch)
    return "".join(out), source


_HALF_WIDTH = {o: o - 0xFEE0 for o in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_WIDTH_TABLE: dict[int, str] = {
    k: v if isinstance(v, str) else chr(int(v))  # type: ignore[call-overload]
    for k, v in {**_HALF_WIDTH, **_PUNCT, **_DASHES}.items()
}
_WIDTH_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _WIDTH_TABLE) + "]")
_VARIANT_CHARS = re.compile("[" + "".join(chr(c) for c in _VARIANTS) + "]")


def _half_width(text: str) -> str:
    """Full-width ASCII (digits, letters, punctuation) to half-width; CJK punctuation kept."""
    return _WIDTH_CHARS.sub(lambda m: _WIDTH_TABLE[ord(m.group())], text)


def _drop_boilerplate(text: str, source: list[int]) -> tuple[str, list[int]]:
    """Remove link lists, navigation bars and the lists under 'related/recommended' headings."""
    out: list[str] = []
    out_src: list[int] = []
    pos = 0
    in_list = False
    for line in text.splitlines(keepends=True):
        n = len(line)
        body = line.strip()
        drop = False
        if _LIST_HEADINGS.match(body):
            drop, in_list = True, True
        elif in_list and (not body or _LIST_ITEM.match(body) or ("。" not in body and len(body) < 40)):
            drop = True
        else:
            in_list = False
            if "。" not in body and ((len(body) < 60 and _LIST_ITEM.match(body)) or _NAV_LINE.search(body)):
                drop = True
        if drop:
            out.append("\n")
            out_src.append(source[pos + n - 1] if n else (source[pos] if pos < len(source) else 0))
        else:
            out.append(line)
            out_src.extend(source[pos : pos + n])
        pos += n
    return "".join(out), out_src


def normalize_text(raw: str) -> NormalizedText:
    """Repair and normalize crawled text so the extraction rules see one spelling of everything."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    source = list(range(len(text)))
    if len(text) != len(raw):  # map back through the newline folding
        source = []
        i = 0
        while i < len(raw):
            source.append(i)
            i += 2 if raw.startswith("\r\n", i) else 1
    text, source = _sub(text, source, _PINYIN_NOTE, "")
    text, source = _to_simplified(text, source)
    text = _half_width(text)
    text, source = _drop_spaces_in_numbers(text, source)
    full = text
    text, source = _drop_boilerplate(text, source)
    return NormalizedText(original=raw, text=text, source=tuple(source), with_boilerplate=full)
