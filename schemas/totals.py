"""What the totals stage reads (`investment.facts`) and publishes (`investment.totals`).

Money is exact: the ledger adds integer fen, and rows carry `Decimal` yuan that
JSON shows as a number with at most two decimals (exact up to 9×10¹³ yuan), so a
sum never depends on the order of adding.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from schemas.events import Metric, Period, RegionRef

#: Yuan with two decimals; a JSON number on the wire, a Decimal in Python.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


def to_fen(yuan: float) -> int:
    """Exact fen of an amount as the extractor wrote it (its shortest decimal form, half-even)."""
    return int(Decimal(repr(yuan)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def to_yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


class Contribution(BaseModel):
    """What one fact, as one article states it, brings to the rows of its region chain."""

    model_config = ConfigDict(frozen=True)

    fact_id: str
    flow: bool = Field(description="true: a signing or project the rows add; false: a period figure")
    metric: Metric
    regions: tuple[RegionRef, ...] = Field(
        description="the region and the divisions above it, province first"
    )
    year: int | None
    value_fen: int
    project_count: int
    confidence: float
    period: Period | None = None

    def row_keys(self) -> list[str]:
        years = ["all"] + ([str(self.year)] if self.year else [])
        return [RegionTotal.make_key(r.code, self.metric, y) for r in self.regions for y in years]


class ArticleVersion(BaseModel):
    """Which of two versions of one article is the later: crawl time, then place in `articles.raw`,
    then the content itself, so every worker orders them alike."""

    model_config = ConfigDict(frozen=True)

    fetched_at: str = Field(description="UTC ISO time of the crawl, empty when the crawler gave none")
    raw_offset: int = Field(description="offset of the article's message in articles.raw")
    digest: str = Field(description="SHA-256 of the version's facts")

    @staticmethod
    def of(fetched_at: datetime | None, raw_offset: int, facts: list[Contribution]) -> ArticleVersion:
        when = ""
        if fetched_at is not None:
            aware = fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)
            when = aware.astimezone(UTC).isoformat()
        body = "\n".join(sorted(c.model_dump_json() for c in facts))
        return ArticleVersion(
            fetched_at=when, raw_offset=raw_offset, digest=hashlib.sha256(body.encode()).hexdigest()
        )

    def order(self) -> tuple[str, int, str]:
        return (self.fetched_at, self.raw_offset, self.digest)


class ArticleFacts(BaseModel):
    """One version of one article: the facts it states on one partition of `investment.facts`.

    A version goes to every partition where it states facts and where an earlier version did
    (`aggregation.footprint`), with no facts where it has none, so a partition learns that a
    correction no longer states what an earlier version did.
    """

    article_id: str
    url: str
    version: ArticleVersion
    contributions: list[Contribution]


class PeriodFigure(BaseModel):
    """The reported period figure (a period_stat) of a row: the latest period end, then the
    largest figure, so the choice depends on the facts and not on which copy came first."""

    period: Period
    value_cny: Money
    project_count: int | None = None
    fact_id: str


class RegionTotal(BaseModel):
    """One row per `REGION_CODE|METRIC|YEAR` (YEAR may be `all`); a tombstone removes a row no fact fills.

    `amount_cny`, `project_count` and `event_count` add flows (signing and project events not
    part of a counted batch) whose confidence reaches `INVESTWIRE_MIN_CONFIDENCE`; flows below it
    are in `unconfirmed_cny` / `unconfirmed_count` instead. Period figures are never added: the
    latest is `reported`. `revised` says a later version of an article withdrew a fact that
    counted here. Every field but `updated_at` (when the row was sent) is a pure function of
    the facts and the threshold.
    """

    key: str
    region: RegionRef
    metric: Metric
    year: str
    amount_cny: Money
    project_count: int
    event_count: int
    unconfirmed_cny: Money = Decimal(0)
    unconfirmed_count: int = 0
    reported: PeriodFigure | None = None
    revised: bool = False
    updated_at: datetime

    @staticmethod
    def make_key(region_code: str, metric: str, year: str) -> str:
        return f"{region_code}|{metric}|{year}"
