"""Rules across sentences: which projects and sub-batches belong to a signing batch
(`part_of`), which amounts tell the same fact twice, and which are restatements.

EVENTS.md: an example project or a sub-batch of a signing batch told in the same
article is part_of it; a project beside a period figure or a target is a flow of
its own; the same fact told twice is one event; a headline that restates a body
figure roughly is the body figure; a larger aggregate over several signings is
not an event of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extraction.candidates import Candidate

_AGGREGATE = re.compile(r"总计|合计|累计|共计|一共|总共|总额|共签约")
#: Scope cues (data/cues.toml) that put an amount at a signing occasion.
_AT_AN_OCCASION = frozenset({"occasion_at", "occasion_named", "occasion_this", "sign_done"})
#: Scope cues (data/cues.toml) of a total over many: 共, 全省/全市.
_TOTAL_CUES = frozenset({"tally_word", "aggregate_level"})
_DAY = re.compile(r"\d{1,2}月\d{1,2}日")
_TOLERANCE = 0.005
_HEADLINE_TOLERANCE = 0.1


def _close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b))


def link_parts(cands: list[Candidate], cny: Callable[[Candidate], float]) -> None:
    """Set `part_of` for sub-batches and projects, in text order."""
    batches = [c for c in cands if not c.single and not c.headline]  # a headline restates, never contains
    for c in batches:
        parent = _preceding_batch(c, batches, cny)
        if parent is None:
            continue
        same_sentence = parent.sentence.index == c.sentence.index
        if c.kind == "signing" and parent.kind == "signing":
            if parent.metric == c.metric and (c.subset or same_sentence or not c.own_occasion):
                c.part_of = parent
        elif c.subset and c.sentence.index - parent.sentence.index <= 2:
            if parent.kind != "signing" and "occasion_at" in c.features:
                continue  # a ceremony told inside a tally is a signing of its own (EVENTS.md)
            c.kind, c.kind_from = parent.kind, "rule"  # a breakdown of a pipeline or statistic is more of it
            if parent.kind == "signing":
                c.part_of = parent
    for c in cands:
        if not c.single:
            continue
        before = [b for b in batches if b.start < c.start]
        parent = before[-1] if before else None
        if parent is None:
            after = [
                b
                for b in batches
                if (b.start > c.start and b.sentence.paragraph == c.sentence.paragraph)
                or (b.start > c.start and b.sentence.index - c.sentence.index <= 3)
            ]
            parent = after[0] if after else None
        if parent is None and (c.features.keys() & _AT_AN_OCCASION):
            # a project signed at the article's one ceremony, its total told further on
            signings = [b for b in batches if b.kind == "signing" and cny(b) >= cny(c) * 0.999]
            parent = signings[0] if len(signings) == 1 and _same_day(c, signings[0]) else None
        if parent is not None and parent.kind == "signing" and cny(parent) >= cny(c) * 0.999:
            c.part_of = parent
        elif (
            parent is not None
            and parent.kind in ("pipeline", "target")
            and c.subset
            and c.sentence.index - parent.sentence.index <= 2
            and not (c.features.keys() & {"sign_clause", "sign_done"})  # one already signed is a flow
        ):
            c.kind, c.kind_from = parent.kind, "rule"  # an example of projects released or planned


def _same_day(a: Candidate, b: Candidate) -> bool:
    """No two different days named in the sentences of two amounts (3月2日 in 深圳, 3月8日 at home)."""
    da, db = set(_DAY.findall(a.sentence.text)), set(_DAY.findall(b.sentence.text))
    return not (da and db) or bool(da & db)


def _two_projects(a: Candidate, b: Candidate) -> bool:
    """Two named projects are two facts, however close their amounts."""
    ka, kb = _name_key(a), _name_key(b)
    if not (a.single and b.single and ka and kb):
        return False
    return not (ka in kb or kb in ka)


def _siblings(a: Candidate, b: Candidate) -> bool:
    """其中,外资项目60个…;内资项目9个…: parts side by side in one breakdown, neither inside the other."""
    return (
        a.sentence.index == b.sentence.index
        and a.subset
        and b.subset
        and "其中" not in a.sentence.text[a.money.end : b.money.start]
    )


def _preceding_batch(
    c: Candidate, batches: list[Candidate], cny: Callable[[Candidate], float]
) -> Candidate | None:
    """The nearest earlier batch larger than `c`, preferring one of the same metric."""
    earlier = [
        b
        for b in batches
        if b.start < c.start
        and cny(b) > cny(c) * 1.001
        and not (b.count and c.count and c.count > b.count)  # more projects than b: not inside it
        and not _siblings(b, c)
    ]
    if not earlier:
        return None
    nearest = earlier[-1]
    for b in reversed(earlier):
        if b.kind != nearest.kind:
            break
        if b.metric == c.metric:
            return b
    return nearest


def _name_key(c: Candidate) -> str | None:
    name = c.project or (c.investor.name if c.investor else None)
    return re.sub(r"项目|合同书|[“”\"]", "", name) if name else None


def merge_duplicates(cands: list[Candidate], cny: Callable[[Candidate], float]) -> list[Candidate]:
    """One candidate per fact: repeats and headline restatements point at the one kept."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda x: (x.headline, x.start)):
        twin = next((k for k in kept if _same_fact(k, c)), None)
        if twin is not None:
            c.duplicate_of = twin
            if twin.part_of is None and c.part_of is not None and c.part_of is not twin:
                twin.part_of = c.part_of  # the restatement says which batch the fact belongs to
            if twin.count is None and c.count is not None:
                twin.count = c.count
            if max(c.probs.values(), default=0) > max(twin.probs.values(), default=0) and not c.single:
                twin.kind, twin.probs = c.kind, c.probs
            continue
        if c.headline or c.money.approx:
            near = next(
                (
                    k
                    for k in kept
                    if k.money.currency == c.money.currency
                    and _close(k.money.value, c.money.value, _HEADLINE_TOLERANCE)
                    and (
                        # a headline restates a body figure: of its metric, or roughly (逾3000亿) of any
                        (c.headline and (k.metric == c.metric or c.money.approx) and not _two_projects(k, c))
                        or (
                            k.metric == c.metric
                            and k.kind == c.kind
                            and k.single == c.single
                            and c.count in (None, k.count)
                        )
                    )
                ),
                None,
            )
            if near is not None:
                c.duplicate_of = near
                continue
        kept.append(c)
    kept.sort(key=lambda x: x.start)
    for c in cands:  # a part_of that points at a repeat points at the fact kept
        while c.part_of is not None and c.part_of.duplicate_of is not None:
            c.part_of = c.part_of.duplicate_of
        if c.part_of is c or (c.duplicate_of is not None and c.part_of is c.duplicate_of):
            c.part_of = None
    return _drop_aggregates(kept, cny)


def _same_fact(a: Candidate, b: Candidate) -> bool:
    if a.metric != b.metric or a.money.currency != b.money.currency:
        return False
    if not _close(a.money.value, b.money.value, _TOLERANCE):
        return False
    if a.copies > 1 or b.copies > 1:
        return False
    if a.single and b.single:
        ka, kb = _name_key(a), _name_key(b)
        if ka and kb:
            return ka in kb or kb in ka
        return a.sentence.index != b.sentence.index
    if a.single != b.single:
        return (b.count if a.single else a.count) in (None, 1)
    return a.count is None or b.count is None or a.count == b.count


def drop_covering_aggregates(
    kept: list[Candidate], cny: Callable[[Candidate], float], within: Callable[[str, str], bool], home: str
) -> list[Candidate]:
    """A story's own signing, then a larger one of a region above it (珲春's batch, then 本届博览会
    期间,吉林省共签约…1962亿元): the larger covers it and more, so it is not an event (EVENTS.md).
    One the article places its batches inside (在…107个项目中,我市…) is the batch itself and stays."""

    def above_home(c: Candidate) -> bool:
        return bool(c.region) and c.region != home and within(home, c.region or "")

    def at_home(o: Candidate) -> bool:
        return o.region == home or within(o.region or "", home)

    covering = set()
    for c in kept:
        if c.kind != "signing" or c.single or c.part_of is not None or not above_home(c):
            continue
        if any(k.part_of is c for k in kept) or not (c.features.keys() & _TOTAL_CUES):
            continue
        inside = [
            o
            for o in kept
            if o is not c
            and o.kind == "signing"
            and o.part_of is None
            and o.metric == c.metric
            and o.start < c.start  # the story's own batch first, the larger one told as context after it
            and at_home(o)
        ]
        if inside and all(cny(c) > cny(o) for o in inside):
            covering.add(id(c))
    return [c for c in kept if id(c) not in covering]


def _drop_aggregates(kept: list[Candidate], cny: Callable[[Candidate], float]) -> list[Candidate]:
    """A total over several signings told in the article ("两次活动…总计107亿") is not an event,
    whether it reads as a signing or as a tally."""
    signings = [c for c in kept if c.kind == "signing" and c.part_of is None and not c.single]
    out = []
    for c in kept:
        total = c.kind in ("signing", "period_stat") and c.part_of is None and not c.single
        if total and _AGGREGATE.search(c.sentence.text[: c.money.start]):
            others = [o for o in signings if o is not c and o.metric == c.metric and o.start < c.start]
            if len(others) >= 2 and cny(c) >= 0.95 * sum(cny(o) for o in others):
                continue
        out.append(c)
    return out
