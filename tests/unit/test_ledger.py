"""Running totals: flows add once, period figures are kept not added, rebuilds give the same rows."""

from __future__ import annotations

from datetime import date

from aggregation import TotalsLedger, contribution_of
from schemas import Amount, InvestmentEvent, Period, RegionRef

HUNAN = RegionRef(code="430000", name="湖南省", level="province")
HENGYANG = RegionRef(code="430400", name="衡阳市", level="city")
COUNTY = RegionRef(code="430421", name="衡阳县", level="county")


def event(
    n: int,
    kind: str = "signing",
    value: float = 1e9,
    part_of: str | None = None,
    fact: str | None = None,
    metric: str = "total_investment",
    period: Period | None = None,
    published: date = date(2024, 5, 1),
) -> InvestmentEvent:
    return InvestmentEvent(
        event_id=f"e{n}",
        fact_id=fact or f"f{n}",
        article_id="a",
        url="u",
        published_at=published,
        kind=kind,
        metric=metric,
        amount=Amount(value=value, value_cny=value),
        project_count=3,
        region=COUNTY,
        region_path=[HUNAN, HENGYANG, COUNTY],
        part_of=part_of,
        period=period,
        evidence="…",
        evidence_span=(0, 1),
        confidence=0.9,
    )


def apply(ledger: TotalsLedger, *events: InvestmentEvent) -> None:
    for e in events:
        c = contribution_of(e, partition=0)
        if c is not None:
            ledger.apply(c)


def test_a_flow_rolls_up_to_city_and_province_for_its_year_and_all_years() -> None:
    ledger = TotalsLedger(store={})
    apply(ledger, event(1, value=2e9))
    rows = {r.key: r for r in ledger.take_dirty()}
    assert set(rows) == {
        f"{c}|total_investment|{y}" for c in ("430000", "430400", "430421") for y in ("2024", "all")
    }
    assert rows["430000|total_investment|all"].amount_cny == 2e9
    assert rows["430000|total_investment|all"].event_count == 1


def test_the_same_fact_twice_is_counted_once() -> None:
    ledger = TotalsLedger(store={})
    apply(ledger, event(1), event(1), event(2, fact="f1"))  # redelivery, then a syndicated copy
    assert ledger.rows["430400|total_investment|all"].amount_cny == 1e9
    assert ledger.rows["430400|total_investment|all"].event_count == 1


def test_part_of_targets_and_pipelines_do_not_add() -> None:
    ledger = TotalsLedger(store={})
    apply(
        ledger,
        event(1, value=5e9),
        event(2, kind="project", value=1e9, part_of="e1"),
        event(3, kind="target", value=9e9),
        event(4, kind="pipeline", value=7e9),
    )
    assert ledger.rows["430000|total_investment|all"].amount_cny == 5e9


def test_period_figures_keep_the_latest_and_are_never_summed() -> None:
    ledger = TotalsLedger(store={})
    h1 = Period(start=date(2024, 1, 1), end=date(2024, 6, 30), label="上半年")
    m8 = Period(start=date(2024, 1, 1), end=date(2024, 8, 31), label="1-8月")
    apply(
        ledger,
        event(1, kind="period_stat", value=3e9, period=m8, metric="funds_in_place"),
        event(2, kind="period_stat", value=2e9, period=h1, metric="funds_in_place"),
    )
    row = ledger.rows["430400|funds_in_place|2024"]
    assert row.amount_cny == 0
    assert row.reported is not None and row.reported.value_cny == 3e9 and row.reported.period.label == "1-8月"


def test_rebuild_from_the_store_gives_the_same_rows() -> None:
    store: dict[str, str] = {}
    ledger = TotalsLedger(store=store)
    apply(ledger, event(1, value=2e9), event(2, value=3e9), event(3, kind="project", value=1e9))
    before = {k: (r.amount_cny, r.event_count, r.project_count) for k, r in ledger.rows.items()}
    again = TotalsLedger(store=store)
    again.rebuild()
    assert {k: (r.amount_cny, r.event_count, r.project_count) for k, r in again.rows.items()} == before
    assert len(again.take_dirty()) == len(before)


def test_rebuild_keeps_only_owned_partitions() -> None:
    store: dict[str, str] = {}
    ledger = TotalsLedger(store=store)
    ledger.apply(contribution_of(event(1), partition=0))  # type: ignore[arg-type]
    ledger.apply(contribution_of(event(2), partition=1))  # type: ignore[arg-type]
    ledger.rebuild(owned=[1])
    assert ledger.rows["430000|total_investment|all"].event_count == 1
