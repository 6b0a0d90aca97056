"""Company names (…有限公司, …集团, …商会) in a sentence, cut at the words around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME_CHAR = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9·&]")
_SUFFIX = re.compile(
    r"(?:股份有限公司|有限责任公司|集团有限公司|集团股份有限公司|有限公司|集团公司|控股集团|集团|公司|商会)"
    r"(?:\([\u4e00-\u9fa5]{1,6}\))?"
)
_MAX_NAME = 40
#: Words that end the text before a company name (由/与/如…) and never start one.
_LEAD_WORDS = re.compile(
    r".*(?:由|与|和|同|跟|如|及|是|为|了|在|向|对|将|被|让|有|包括|其中|企业|签约|签订|签署|签下|引进|牵手|携手|的|等|即|系|从|和|以及|吸引|落户)"
)
_NOT_COMPANY = re.compile(
    r"^(?:该|本|此|这|各|多|一|两|其|我|贵)|^(?:分公司|子公司|公司|集团)$|^[\u4e00-\u9fa5]{0,2}(?:商务|政府|管委)"
)


@dataclass(frozen=True, slots=True)
class CompanyMention:
    start: int
    end: int
    name: str


def _name_start(text: str, end: int) -> int:
    """Walk back from a company suffix over name characters and short parentheses (深圳正威(集团))."""
    i = end
    floor = max(0, end - _MAX_NAME)
    while i > floor:
        ch = text[i - 1]
        if _NAME_CHAR.match(ch):
            i -= 1
        elif ch == ")":
            open_at = text.rfind("(", max(floor, i - 10), i - 1)
            if open_at < 0 or open_at == i - 2:
                break
            i = open_at
        else:
            break
    return i


def find_companies(text: str) -> list[CompanyMention]:
    out: list[CompanyMention] = []
    last_end = 0
    for m in _SUFFIX.finditer(text):
        start = max(_name_start(text, m.start()), last_end)
        body = text[start : m.start()]
        if len(body) < 2:
            continue
        lead = _LEAD_WORDS.match(body)
        cut = lead.end() if lead else 0
        name = text[start + cut : m.end()]
        if len(name) < 4 or _NOT_COMPANY.search(name):
            continue
        if name.endswith("分公司") and out and out[-1].end == start + cut:
            continue
        out.append(CompanyMention(start + cut, m.end(), name))
        last_end = m.end()
    return out
