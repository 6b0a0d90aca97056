"""The keyword lists of data/lexicon.toml, loaded once, with matchers for the rules."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from extraction.scope import Where, where_of


def _alternation(words: list[str]) -> re.Pattern[str]:
    """One regex that prefers the longest word at each position."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Money in this context is not an investment event (EVENTS.md), whatever its keyword."""

    reason: str
    where: Where
    pattern: re.Pattern[str]
    also: tuple[tuple[Where, ...], re.Pattern[str]] | None = None

    def fires(self, stretch: Callable[[Where], str]) -> bool:
        if not self.pattern.search(stretch(self.where)):
            return False
        if self.also is None:
            return True
        wheres, pattern = self.also
        return any(pattern.search(stretch(w)) for w in wheres)


def _rule(r: dict[str, Any]) -> ContextRule:
    also = r.get("also")
    return ContextRule(
        r["reason"],
        where_of(r["reason"], r["where"]),
        re.compile(r["pattern"]),
        (tuple(where_of(r["reason"], w) for w in also["where"]), re.compile(also["pattern"]))
        if also
        else None,
    )


@dataclass(frozen=True)
class Lexicon:
    metric_of: dict[str, str | None]
    metric_re: re.Pattern[str]
    #: The words an amount's metric can come from (EVENTS.md's metrics, 投资 after an amount):
    #: a text without one of them holds no event, whatever amounts it names.
    measure_re: re.Pattern[str]
    occasion: re.Pattern[str]
    construction: re.Pattern[str]
    registration: re.Pattern[str]
    plan_quote: re.Pattern[str]
    level_of: dict[str, str]
    level_re: re.Pattern[str]
    not_investment: tuple[ContextRule, ...]


@cache
def lexicon() -> Lexicon:
    raw = tomllib.loads(
        resources.files("extraction").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    )
    metric_of: dict[str, str | None] = {}
    for metric, words in raw["metric"].items():
        for w in words:
            metric_of[w] = None if metric == "negative" else metric
    kinds = raw["kind"]
    level_of = {w: level for level, words in raw["level"].items() for w in words}
    return Lexicon(
        metric_of=metric_of,
        metric_re=_alternation(list(metric_of)),
        measure_re=_alternation([w for w, metric in metric_of.items() if metric] + ["投资"]),
        occasion=_alternation(kinds["occasion"]),
        construction=_alternation(kinds["construction"]),
        registration=_alternation(kinds["registration"]),
        plan_quote=_alternation(kinds["plan_quote"]),
        level_of=level_of,
        level_re=_alternation(list(level_of)),
        not_investment=tuple(_rule(r) for r in raw["not_investment"]),
    )
