"""Company names (…有限公司, …集团, …商会) in a sentence, cut at the words around them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"[\u4e00-\u9fa5A-Za-z0-9·&]"
_COMPANY = re.compile(
    rf"(?P<body>(?:{_NAME}|\({_NAME}{{1,8}}\)){{2,40}}?)"
    r"(?P<suffix>股份有限公司|有限责任公司|集团有限公司|集团股份有限公司|有限公司|集团公司|控股集团|集团|公司|商会)"
    r"(?:\([\u4e00-\u9fa5]{1,6}\))?"
)
#: Words that end the text before a company name (由/与/如…) and never start one.
_LEAD_WORDS = re.compile(
    r".*(?:由|与|和|同|跟|如|及|是|为|了|在|向|对|将|被|让|有|包括|其中|企业|签约|签订|签署|签下|引进|牵手|携手|的|等|即|系|从|和|以及|吸引|落户)"
)
_NOT_COMPANY = re.compile(r"^(?:该|本|此|这|各|多|一|两|其|我|贵)|^(?:分公司|子公司|公司|集团)$|^[\u4e00-\u9fa5]{0,2}(?:商务|政府|管委)")


@dataclass(frozen=True, slots=True)
class CompanyMention:
    start: int
    end: int
    name: str


def find_companies(text: str) -> list[CompanyMention]:
    out: list[CompanyMention] = []
    for m in _COMPANY.finditer(text):
        name = m.group(0)
        lead = _LEAD_WORDS.match(m.group("body"))
        cut = lead.end() if lead else 0
        name = name[cut:]
        if len(name) < 4 or _NOT_COMPANY.search(name):
            continue
        if name.endswith("分公司") and out and out[-1].end == m.start() + cut:
            continue
        out.append(CompanyMention(m.start() + cut, m.end(), name))
    return out
