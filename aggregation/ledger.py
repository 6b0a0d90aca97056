"""Per-region running totals that stay right when events arrive twice.

The broker delivers at least once (no transactions on the embedded broker), so
nothing here adds blindly. The ledger keeps one record per fact (`fact_id`) in
a key-value store (a Faust table in the stream, a dict in tests); the row sums
are derived from those records and rebuilt from them after a restart or a
rebalance. Storing a fact twice is a no-op, so a repeated event, or the same
fact syndicated by another outlet, is counted once.

What adds up (EVENTS.md): `signing` and `project` events that are not
`part_of` a counted batch. A `period_stat` is a figure to date: a row keeps
the latest one beside its sum and never adds it. Targets and pipelines do not
touch totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pydantic import BaseModel

from schemas.events import FLOW_KINDS, EventKind, InvestmentEvent, Period, RegionRef
from schemas.totals import PeriodFigure, RegionTotal


class Contribution(BaseModel):
    """What one fact brings to the rows of its region chain."""

    fact_id: str
    event_id: str
    kind: EventKind
    metric: str
    regions: list[RegionRef]
    year: int | None
    value_cny: float
    project_count: int
    period: Period | None = None
    published_at: date | None = None
    partition: int | None = None

    @property
    def is_flow(self) -> bool:
        return self.kind in FLOW_KINDS


def contribution_of(event: InvestmentEvent, partition: int | None = None) -> Contribution | None:
    """The ledger record of an event, or None when the event never touches totals."""
    if event.metric is None or event.amount is None:
        return None
    if event.kind in FLOW_KINDS and event.part_of:
        return None
    if event.kind not in FLOW_KINDS and event.kind != EventKind.PERIOD_STAT:
        return None
    when = event.event_date or (event.period.end if event.period else None) or event.published_at
    return Contribution(
        fact_id=event.fact_id,
        event_id=event.event_id,
        kind=event.kind,
        metric=event.metric.value,
        regions=event.region_path or [event.region],
        year=when.year if when else None,
        value_cny=event.amount.value_cny,
        project_count=event.project_count or (1 if event.kind == EventKind.PROJECT else 0),
        period=event.period,
        published_at=event.published_at,
        partition=partition,
    )


def _row_keys(c: Contribution) -> Iterator[tuple[str, RegionRef, str]]:
    years = ["all"] + ([str(c.year)] if c.year else [])
    for region in c.regions:
        for year in years:
            yield RegionTotal.make_key(region.code, c.metric, year), region, year


def _later(a: PeriodFigure, b: PeriodFigure) -> bool:
    """Whether figure `a` supersedes `b`: it covers a later end, or the same span reported later."""
    if a.period.end != b.period.end:
        return a.period.end > b.period.end
    return (a.published_at or date.min, a.event_id) > (b.published_at or date.min, b.event_id)


@dataclass
class _Row:
    region: RegionRef
    metric: str
    year: str
    amount_cny: float = 0.0
    project_count: int = 0
    event_count: int = 0
    reported: PeriodFigure | None = None


@dataclass
class TotalsLedger:
    """Facts in `store` (fact_id → Contribution JSON); rows derived from them, and which changed."""

    store: MutableMapping[str, str]
    rows: dict[str, _Row] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)

    def rebuild(self, owned: Iterable[int] | None = None) -> None:
        """Recompute every row from the stored facts (only those of `owned` partitions, if given)."""
        keep = set(owned) if owned is not None else None
        self.rows.clear()
        for raw in list(self.store.values()):
            c = Contribution.model_validate_json(raw)
            if keep is None or c.partition in keep:
                self._add(c)
        self.dirty = set(self.rows)

    def apply(self, contribution: Contribution) -> bool:
        """Record a fact once; returns False when it was already there."""
        if contribution.fact_id in self.store:
            return False
        self.store[contribution.fact_id] = contribution.model_dump_json()
        self._add(contribution)
        return True

    def _add(self, c: Contribution) -> None:
        for key, region, year in _row_keys(c):
            row = self.rows.get(key)
            if row is None:
                row = self.rows[key] = _Row(region=region, metric=c.metric, year=year)
            if c.is_flow:
                row.amount_cny = round(row.amount_cny + c.value_cny, 2)
                row.project_count += c.project_count
                row.event_count += 1
            elif c.period is not None:
                figure = PeriodFigure(
                    period=c.period,
                    value_cny=c.value_cny,
                    project_count=c.project_count or None,
                    event_id=c.event_id,
                    published_at=c.published_at,
                )
                if row.reported is None or _later(figure, row.reported):
                    row.reported = figure
            else:
                continue
            self.dirty.add(key)

    def total(self, key: str, now: datetime | None = None) -> RegionTotal:
        row = self.rows[key]
        return RegionTotal(
            key=key,
            region=row.region,
            metric=row.metric,  # type: ignore[arg-type]
            year=row.year,
            amount_cny=row.amount_cny,
            project_count=row.project_count,
            event_count=row.event_count,
            reported=row.reported,
            updated_at=now or datetime.now(UTC),
        )

    def take_dirty(self) -> list[RegionTotal]:
        """The rows changed since the last call, sorted by key."""
        now = datetime.now(UTC)
        keys, self.dirty = sorted(self.dirty), set()
        return [self.total(k, now) for k in keys if k in self.rows]
