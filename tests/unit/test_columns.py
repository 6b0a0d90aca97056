"""Table columns come from the record model, so the totals table follows RegionTotal as it changes
(exact Decimal money, new fields) without hand-written DDL."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from psycopg.types.json import Jsonb
from pydantic import BaseModel, PlainSerializer

from connectors.sinks.columns import columns_of
from connectors.sinks.postgres import Table
from schemas import Metric, Period, RegionRef

Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class Figure(BaseModel):
    period: Period
    value_cny: Money


class FutureTotal(BaseModel):
    """RegionTotal as the totals rework may make it."""

    key: str
    region: RegionRef
    metric: Metric
    amount_cny: Money
    unconfirmed_cny: Money = Decimal(0)
    revised: bool = False
    reported: Figure | None = None
    tags: list[str] = []
    updated_at: datetime


def test_columns_follow_the_model() -> None:
    types = {c.name: c.sql_type for c in columns_of(FutureTotal)}
    assert types == {
        "key": "text",
        "region_code": "text",
        "region_name": "text",
        "region_level": "text",
        "metric": "text",
        "amount_cny": "numeric",
        "unconfirmed_cny": "numeric",
        "revised": "boolean",
        "reported_period": "jsonb",
        "reported_value_cny": "numeric",
        "tags": "jsonb",
        "updated_at": "timestamptz",
    }


def test_values_stay_exact_and_enums_are_their_value() -> None:
    row = FutureTotal(
        key="430000|total_investment|all",
        region=RegionRef(code="430000", name="湖南省", level="province"),
        metric=Metric.TOTAL_INVESTMENT,
        amount_cny=Decimal("15680000000.10"),
        updated_at=datetime(2024, 6, 1, tzinfo=UTC),
    )
    python, as_json = row.model_dump(), row.model_dump(mode="json")
    values = {c.name: c.value(python, as_json) for c in columns_of(FutureTotal)}
    assert values["amount_cny"] == Decimal("15680000000.10")
    assert values["metric"] == "total_investment" and type(values["metric"]) is str
    assert values["region_code"] == "430000" and values["reported_value_cny"] is None
    assert isinstance(values["tags"], Jsonb)


def test_a_column_whose_type_changed_is_altered() -> None:
    table = Table("investment_totals", "investment.totals", FutureTotal, key="key")
    existing = {"amount_cny": "double precision", "updated_at": "timestamp with time zone", "key": "text"}
    (statement,) = table.retype(existing)
    assert "amount_cny" in repr(statement) and "numeric" in repr(statement)
