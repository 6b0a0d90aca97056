"""Project counts: 签约项目60个, 33个项目, 六大项目, 百余个招商项目 → how many projects."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.numerals import CN_NUMERAL, parse_number

_INT = r"\d+"
_UNIT = "(?:个|项|宗|批)"
_COUNT_BEFORE = re.compile(
    rf"(?P<n>{_INT}|{CN_NUMERAL})(?P<fz>余|多)?(?:{_UNIT}|大)(?P<mod>(?:“[^”]{{1,12}}”|[^\d,;。:!?、()“”\"\n]){{0,12}}?)(?:项目|合同)"
)
_COUNT_AFTER = re.compile(
    rf"(?:项目|合同)(?:协议|合同)?(?:数量|总数|数)?(?:共计|合计|总计|累计|共)?(?:达到|达|为|有)?(?P<n>{_INT}|{CN_NUMERAL})(?P<fz>余|多)?{_UNIT}"
)
#: Words that make a count a size bracket (亿元以上项目19个), a breakdown rather than the batch.
_BRACKET = re.compile(
    r"(亿元|万元|万美元|亿美元|千万|亿)(以上|以下|级)|[超过上]亿元?|超千万|以上的?$|以下的?$|\d(亿|万)元?(至|到|-)"
)


@dataclass(frozen=True, slots=True)
class ProjectCount:
    start: int
    end: int
    n: int
    bracket: bool


def find_counts(text: str) -> list[ProjectCount]:
    """Project counts in `text`, each marked when it counts a size bracket."""
    out: dict[int, ProjectCount] = {}
    for rx in (_COUNT_BEFORE, _COUNT_AFTER):
        for m in rx.finditer(text):
            n = parse_number(m.group("n"))
            if n is None or n < 1 or n != int(n):
                continue
            lead = text[max(0, m.start() - 10) : m.start()]
            mod = m.groupdict().get("mod") or ""
            bracket = bool(_BRACKET.search(lead) or _BRACKET.search(mod))
            if m.start() not in out:
                out[m.start()] = ProjectCount(m.start(), m.end(), int(n), bracket)
    return sorted(out.values(), key=lambda c: c.start)
