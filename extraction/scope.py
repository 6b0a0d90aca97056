"""The scope of a figure, as features: one occasion, a tally over a period or many occasions,
not yet done, or not investment at all.

A figure's kind is not in its verb (签约 words a month's tally as often as a ceremony) but in the
words around it: the clause chain since the previous amount, the sentence up to it, and the
sentences before it in the paragraph. `data/cues.toml` declares each cue and the stretch of text
it reads; the structural features (a single project, a count, the metric) come from the
candidate. The kind model weighs them all.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, cast

from extraction.sentences import CLAUSE_BREAK

Where = Literal["upto", "left", "clause", "after", "before", "sentence", "around"]
_WHERE: tuple[Where, ...] = ("upto", "left", "clause", "after", "before", "sentence", "around")
_AFTER_END = re.compile(r"[,;。:!?]")

#: Features read off the candidate itself, in the order the model lists them.
STRUCTURAL = (
    "single",
    "count_many",
    "count_one",
    "investor",
    "project_named",
    "distributed",
    "subset",
    "headline",
    "in_plan_quote",
    "approx",
    "foreign_currency",
    "metric_total_investment",
    "metric_attracted_funds",
    "metric_funds_in_place",
    "metric_fdi_utilized",
    "first_amount",
    "in_goal_quote",
)


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    where: Where
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Stretches:
    """The pieces of text around one amount that cues read."""

    upto: str
    left: str
    clause: str
    after: str
    before: str
    sentence: str
    around: str  # a few characters either side, the amount itself marked 【…】

    def get(self, where: Where) -> str:
        text: str = getattr(self, where)
        return text


def stretches(sentence: str, lo: int, start: int, end: int, before: list[str]) -> Stretches:
    """`lo` is where the text since the previous amount begins; `before` the sentences before."""
    left = sentence[lo:start]
    parts = CLAUSE_BREAK.split(left)
    tail = sentence[end : end + 40]
    stop = _AFTER_END.search(tail)
    return Stretches(
        upto=sentence[:start],
        left=left,
        clause=parts[-1] if parts else left,
        after=tail[: stop.start()] if stop else tail,
        before="\n".join(before),
        sentence=sentence,
        around=f"{sentence[max(lo, start - 10) : start]}【{sentence[start:end]}】{sentence[end : end + 12]}",
    )


@cache
def _cue_file() -> dict[str, dict[str, dict[str, object]]]:
    return tomllib.loads(resources.files("extraction").joinpath("data/cues.toml").read_text(encoding="utf-8"))


@cache
def cues() -> tuple[Cue, ...]:
    return tuple(
        Cue(name, where_of(f"cue {name}", str(spec["where"])), re.compile(str(spec["pattern"])))
        for name, spec in _cue_file()["cue"].items()
    )


def priors() -> dict[str, dict[str, float]]:
    """Feature → kind → the weight the fit starts from (EVENTS.md's decided cases)."""
    return {f: {k: float(str(w)) for k, w in by_kind.items()} for f, by_kind in _cue_file()["prior"].items()}


def feature_names() -> tuple[str, ...]:
    return STRUCTURAL + tuple(c.name for c in cues())


def where_of(name: str, where: str) -> Where:
    if where not in _WHERE:
        raise ValueError(f"{name}: unknown stretch {where!r}")
    return cast(Where, where)


@cache
def _cues_by_stretch() -> tuple[tuple[Where, tuple[Cue, ...]], ...]:
    return tuple((w, tuple(c for c in cues() if c.where == w)) for w in _WHERE)


#: Stretches that are the same for every amount of a sentence.
_PER_SENTENCE: frozenset[Where] = frozenset({"sentence", "before"})


def cue_features(s: Stretches, sentence_memo: dict[Where, list[str]] | None = None) -> dict[str, float]:
    """The cues that fire on these stretches (absent ones are 0); an empty stretch fires none.
    `sentence_memo` keeps what the per-sentence stretches fired for the sentence's other amounts."""
    out: dict[str, float] = {}
    for where, group in _cues_by_stretch():
        fired = sentence_memo.get(where) if sentence_memo is not None else None
        if fired is None:
            text = s.get(where)
            fired = [c.name for c in group if text and c.pattern.search(text)]
            if sentence_memo is not None and where in _PER_SENTENCE:
                sentence_memo[where] = fired
        for name in fired:
            out[name] = 1.0
    return out
