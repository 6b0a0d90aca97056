"""An investment event, as published on `investment.events` (see ../shared/EVENTS.md)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class EventKind(StrEnum):
    """What happened."""

    SIGNING = "signing"
    PROJECT = "project"
    PERIOD_STAT = "period_stat"
    TARGET = "target"
    PIPELINE = "pipeline"


class Metric(StrEnum):
    """What an amount measures."""

    TOTAL_INVESTMENT = "total_investment"
    ATTRACTED_FUNDS = "attracted_funds"
    FUNDS_IN_PLACE = "funds_in_place"
    FDI_UTILIZED = "fdi_utilized"


#: Kinds whose amounts are flows that running totals add up.
FLOW_KINDS = frozenset({EventKind.SIGNING, EventKind.PROJECT})


class Amount(BaseModel):
    """Money in units of its currency, with the CNY value at the documented annual rate."""

    value: float
    currency: str = "CNY"
    value_cny: float
    approx: bool = False
    low: float | None = Field(default=None, description="lower bound when the text gives a range")
    high: float | None = Field(default=None, description="upper bound when the text gives a range")


class RegionRef(BaseModel):
    """A GB/T 2260 administrative division (or a statistical zone code under it)."""

    code: str = Field(pattern=r"^\d{6}$")
    name: str
    level: str = Field(description="province, city or county")


class Investor(BaseModel):
    name: str
    origin: RegionRef | None = None


class Period(BaseModel):
    """The span a period figure covers, resolved against the article's date."""

    start: date
    end: date
    label: str


class InvestmentEvent(BaseModel):
    """One fact read from one article; `event_id` is stable for the same article and fact."""

    event_id: str
    fact_id: str = Field(description="same fact in any article (syndicated copies share it)")
    article_id: str
    url: str
    published_at: date | None = None
    source: str | None = None
    kind: EventKind
    metric: Metric | None = None
    amount: Amount | None = None
    project_count: int | None = None
    region: RegionRef
    region_path: list[RegionRef] = Field(
        default_factory=list, description="the region and the divisions above it, province first"
    )
    investor: Investor | None = None
    project: str | None = None
    industries: list[str] = Field(default_factory=list)
    part_of: str | None = Field(default=None, description="event_id of the signing batch it belongs to")
    event_date: date | None = None
    period: Period | None = None
    evidence: str
    evidence_span: tuple[int, int] = Field(description="[start, end) of the evidence in the original text")
    confidence: float = Field(
        ge=0.0, le=1.0, description="calibrated probability that the kind and province are right"
    )
    extractor_version: str = Field(
        default="", description="the extractor that read it: package version + digest of its rules and data"
    )

    @property
    def is_flow(self) -> bool:
        """Whether running totals add this event (EVENTS.md: flows, not part of a counted batch)."""
        return self.kind in FLOW_KINDS and not self.part_of
