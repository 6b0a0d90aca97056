"""Per-region running totals, as published on the compacted `investment.totals` topic."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from schemas.events import Metric, Period, RegionRef


class PeriodFigure(BaseModel):
    """The latest reported period figure (a period_stat) for a region, metric and year."""

    period: Period
    value_cny: float
    project_count: int | None = None
    event_id: str
    published_at: date | None = None


class RegionTotal(BaseModel):
    """One row per `REGION_CODE|METRIC|YEAR` (YEAR may be `all`).

    `amount_cny`, `project_count` and `event_count` add up only flows: signing and
    project events that are not part of a counted batch. Period figures are never
    added; the latest one is kept beside the sum in `reported`.
    """

    key: str
    region: RegionRef
    metric: Metric
    year: str
    amount_cny: float
    project_count: int
    event_count: int
    reported: PeriodFigure | None = None
    updated_at: datetime

    @staticmethod
    def make_key(region_code: str, metric: str, year: str) -> str:
        return f"{region_code}|{metric}|{year}"
