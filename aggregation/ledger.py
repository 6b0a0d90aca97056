"""Per-region running totals as a pure function of the facts the articles state.

The broker delivers at least once and workers crash and rebalance, so nothing here
depends on how often or in which order anything arrives:

- An article's state (`ArticleState`) is its latest version's facts plus the facts its
  earlier versions stated and it no longer does; `merge` builds it from any versions in any
  order, with any repeats, to the same result. A correction therefore replaces what an
  article said instead of adding to it.
- A fact stated by several articles (syndicated copies share a `fact_id`) counts once, as
  its most confident copy states it.
- A row adds exact integer fen, exists only while some fact fills it, and reports the
  period figure that is last by period end, then by its own content.

What adds up (EVENTS.md): `signing` and `project` events that are not `part_of` a counted
batch, confirmed when their confidence reaches `min_confidence`. A `period_stat` is a figure
to date: kept beside the sums, never added. Targets and pipelines do not touch totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel

from schemas.events import FLOW_KINDS, EventKind, InvestmentEvent
from schemas.topics import facts_partition
from schemas.totals import (
    ArticleFacts,
    ArticleVersion,
    Contribution,
    PeriodFigure,
    RegionTotal,
    to_fen,
    to_yuan,
)


def contribution_of(event: InvestmentEvent) -> Contribution | None:
    """What an event brings to the totals, or None when it brings nothing."""
    if event.metric is None or event.amount is None:
        return None
    flow = event.kind in FLOW_KINDS
    if flow and event.part_of:
        return None
    if not flow and (event.kind != EventKind.PERIOD_STAT or event.period is None):
        return None
    when = event.event_date or (event.period.end if event.period else None) or event.published_at
    return Contribution(
        fact_id=event.fact_id,
        flow=flow,
        metric=event.metric,
        regions=tuple(event.region_path or [event.region]),
        year=when.year if when else None,
        value_fen=to_fen(event.amount.value_cny),
        project_count=event.project_count or (1 if event.kind == EventKind.PROJECT else 0),
        confidence=event.confidence,
        period=event.period,
    )


def _preferred(c: Contribution) -> tuple[float, str]:
    """Of two copies of one fact the more confident one counts (then the content decides)."""
    return (-c.confidence, c.model_dump_json())


def article_facts(
    events: Iterable[InvestmentEvent],
    *,
    article_id: str,
    url: str,
    fetched_at: datetime | None,
    raw_offset: int,
    partitions: int,
) -> list[ArticleFacts]:
    """One version of an article for every partition of `investment.facts` (index = partition)."""
    facts: dict[str, Contribution] = {}
    for event in events:
        c = contribution_of(event)
        if c is not None and (c.fact_id not in facts or _preferred(c) < _preferred(facts[c.fact_id])):
            facts[c.fact_id] = c
    stated = sorted(facts.values(), key=lambda c: c.fact_id)
    version = ArticleVersion.of(fetched_at, raw_offset, stated)
    return [
        ArticleFacts(
            article_id=article_id,
            url=url,
            version=version,
            contributions=[c for c in stated if facts_partition(c.regions[0].code, partitions) == p],
        )
        for p in range(partitions)
    ]


class ArticleState(BaseModel):
    """What the ledger keeps of one article on one partition (the ledger table's value)."""

    article_id: str
    url: str
    version: ArticleVersion
    contributions: list[Contribution]
    #: every fact an earlier version stated → the row keys it touched there
    earlier: dict[str, list[str]]

    def withdrawn(self) -> dict[str, list[str]]:
        """The facts earlier versions stated and the latest does not."""
        stated = {c.fact_id for c in self.contributions}
        return {f: keys for f, keys in self.earlier.items() if f not in stated}


def merge(state: ArticleState | None, facts: ArticleFacts) -> ArticleState:
    """The state after one more version; the same for any order and repeats of the versions."""
    incoming = sorted(facts.contributions, key=lambda c: c.fact_id)
    if state is None:
        return ArticleState(
            article_id=facts.article_id,
            url=facts.url,
            version=facts.version,
            contributions=incoming,
            earlier={},
        )
    if facts.version == state.version:
        return state
    if facts.version.order() > state.version.order():
        latest, older, version = incoming, state.contributions, facts.version
    else:
        latest, older, version = state.contributions, incoming, state.version
    earlier = dict(state.earlier)
    for c in older:
        earlier[c.fact_id] = sorted(set(earlier.get(c.fact_id, [])) | set(c.row_keys()))
    return ArticleState(
        article_id=state.article_id,
        url=state.url,
        version=version,
        contributions=latest,
        earlier=dict(sorted(earlier.items())),
    )


class TotalsLedger:
    """The rows of one partition, kept in step with the states of its articles.

    `dirty` maps each row key changed since it was last sent to a generation number, so a
    row is forgotten only when the send of that very content succeeded (`sent`).
    """

    def __init__(self, min_confidence: float) -> None:
        self.min_confidence = min_confidence
        self.articles: dict[str, ArticleState] = {}
        self._copies: dict[str, dict[str, Contribution]] = {}  # fact → article → its copy
        self._row_facts: dict[str, set[str]] = {}  # row key → facts counted in it
        self._row_retracted: dict[str, set[str]] = {}  # row key → facts withdrawn from it
        self.dirty: dict[str, int] = {}
        self._generation = 0

    @classmethod
    def of(cls, states: Iterable[ArticleState], min_confidence: float) -> TotalsLedger:
        """A ledger from stored states; every row (and every emptied row, as a tombstone) is dirty."""
        ledger = cls(min_confidence)
        for state in states:
            ledger._replace(None, state)
        return ledger

    def apply(self, facts: ArticleFacts) -> ArticleState | None:
        """Take one article version; returns the article's new state, or None when nothing changed."""
        old = self.articles.get(facts.article_id)
        new = merge(old, facts)
        if new == old:
            return None
        self._replace(old, new)
        return new

    def _replace(self, old: ArticleState | None, new: ArticleState) -> None:
        aid = new.article_id
        for c in old.contributions if old else []:
            self._set_copy(c.fact_id, aid, None)
        for c in new.contributions:
            self._set_copy(c.fact_id, aid, c)
        for fact, keys in new.withdrawn().items():
            for key in keys:
                self._row_retracted.setdefault(key, set()).add(fact)
                self._touch(key)
        self.articles[aid] = new

    def _chosen(self, fact: str) -> Contribution | None:
        copies = self._copies.get(fact)
        return min(copies.values(), key=_preferred) if copies else None

    def _set_copy(self, fact: str, article: str, copy: Contribution | None) -> None:
        before = self._chosen(fact)
        copies = self._copies.setdefault(fact, {})
        if copy is None:
            copies.pop(article, None)
            if not copies:
                del self._copies[fact]
        else:
            copies[article] = copy
        after = self._chosen(fact)
        if before == after:
            return
        for key in before.row_keys() if before else []:
            self._row_facts[key].discard(fact)
            if not self._row_facts[key]:
                del self._row_facts[key]
            self._touch(key)
        for key in after.row_keys() if after else []:
            self._row_facts.setdefault(key, set()).add(fact)
            self._touch(key)

    def _touch(self, key: str) -> None:
        self._generation += 1
        self.dirty[key] = self._generation

    def rows(self) -> list[RegionTotal]:
        """Every row that exists, by key."""
        now = datetime.now(UTC)
        return [row for key in sorted(self._row_facts) if (row := self.row(key, now)) is not None]

    def row(self, key: str, now: datetime | None = None) -> RegionTotal | None:
        """The row of `key`, or None when no fact fills it."""
        facts = self._row_facts.get(key)
        if not facts:
            return None
        code, metric, year = key.split("|")
        confirmed = unconfirmed = projects = events = pending = 0
        figures: list[Contribution] = []
        region = None
        for fact in sorted(facts):
            c = self._chosen(fact)
            assert c is not None, "a row holds only facts some article states"
            region = region or next(r for r in c.regions if r.code == code)
            if not c.flow:
                figures.append(c)
            elif c.confidence >= self.min_confidence:
                confirmed += c.value_fen
                projects += c.project_count
                events += 1
            else:
                unconfirmed += c.value_fen
                pending += 1
        assert region is not None
        withdrawn = self._row_retracted.get(key, set())
        return RegionTotal(
            key=key,
            region=region,
            metric=metric,  # type: ignore[arg-type]
            year=year,
            amount_cny=to_yuan(confirmed),
            project_count=projects,
            event_count=events,
            unconfirmed_cny=to_yuan(unconfirmed),
            unconfirmed_count=pending,
            reported=_latest_figure(figures),
            revised=any(f not in self._copies for f in withdrawn),
            updated_at=now or datetime.now(UTC),
        )

    def pending(self) -> list[tuple[str, int, RegionTotal | None]]:
        """The changed rows to send (None: delete the row), with the generation to confirm."""
        now = datetime.now(UTC)
        return [(key, gen, self.row(key, now)) for key, gen in sorted(self.dirty.items())]

    def sent(self, key: str, generation: int) -> None:
        """The row of `key` as of `generation` is on the topic: forget it unless it changed since."""
        if self.dirty.get(key) == generation:
            del self.dirty[key]


def _latest_figure(figures: list[Contribution]) -> PeriodFigure | None:
    """The figure with the latest period end; ties go to the longer span, then the larger figure."""
    ranked = [
        (c.period.end, -c.period.start.toordinal(), c.value_fen, c.project_count, c.fact_id, c)
        for c in figures
        if c.period is not None
    ]
    if not ranked:
        return None
    best = max(ranked, key=lambda r: r[:5])[5]
    assert best.period is not None
    return PeriodFigure(
        period=best.period,
        value_cny=to_yuan(best.value_fen),
        project_count=best.project_count or None,
        fact_id=best.fact_id,
    )
