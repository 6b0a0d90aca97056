"""The totals ledger: flows add once in exact fen, period figures are kept not added, corrections
replace, and rows are a pure function of the set of article versions (any order, any repeats)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregation import ArticleState, TotalsLedger, article_facts, merge
from schemas import Amount, InvestmentEvent, Period, RegionRef
from schemas.totals import ArticleFacts, ArticleVersion, Contribution

HUNAN = RegionRef(code="430000", name="湖南省", level="province")
HENGYANG = RegionRef(code="430400", name="衡阳市", level="city")
COUNTY = RegionRef(code="430421", name="衡阳县", level="county")
H1 = Period(start=date(2024, 1, 1), end=date(2024, 6, 30), label="上半年")
M8 = Period(start=date(2024, 1, 1), end=date(2024, 8, 31), label="1-8月")


def event(
    n: int,
    kind: str = "signing",
    value: float = 1e9,
    part_of: str | None = None,
    fact: str | None = None,
    metric: str = "total_investment",
    period: Period | None = None,
    confidence: float = 0.9,
) -> InvestmentEvent:
    return InvestmentEvent(
        event_id=f"e{n}",
        fact_id=fact or f"f{n}",
        article_id="a",
        url="u",
        published_at=date(2024, 5, 1),
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
        confidence=confidence,
    )


def version(*events: InvestmentEvent, article: str = "a", offset: int = 0) -> ArticleFacts:
    """One version of an article, as partition 0 of a one-partition facts topic sees it."""
    (facts,) = article_facts(
        events,
        article_id=article,
        url=f"https://x/{article}",
        fetched_at=None,
        raw_offset=offset,
        partitions=1,
    )
    return facts


def rows(ledger: TotalsLedger) -> dict[str, dict[str, Any]]:
    return {r.key: r.model_dump(mode="json", exclude={"updated_at"}) for r in ledger.rows()}


def ledger_of(*versions: ArticleFacts, min_confidence: float = 0.5) -> TotalsLedger:
    ledger = TotalsLedger(min_confidence)
    for v in versions:
        ledger.apply(v)
    return ledger


def test_a_flow_rolls_up_to_city_and_province_for_its_year_and_all_years() -> None:
    got = rows(ledger_of(version(event(1, value=2e9))))
    assert set(got) == {
        f"{c}|total_investment|{y}" for c in ("430000", "430400", "430421") for y in ("2024", "all")
    }
    assert got["430000|total_investment|all"]["amount_cny"] == 2e9
    assert got["430000|total_investment|all"]["event_count"] == 1


def test_money_is_exact_in_fen_whatever_the_order() -> None:
    values = [0.1, 0.2, 0.3, 1e9 + 0.07, 12345.675]
    forward = ledger_of(*(version(event(i, value=v), article=f"a{i}") for i, v in enumerate(values)))
    backward = ledger_of(
        *(version(event(i, value=v), article=f"a{i}") for i, v in reversed(list(enumerate(values))))
    )
    row = forward.row("430000|total_investment|all")
    assert row is not None and row.amount_cny == Decimal("1000012346.35")  # 12345.675 → …67.68 (half-even)
    assert rows(forward) == rows(backward)


def test_the_same_fact_twice_is_counted_once() -> None:
    ledger = ledger_of(version(event(1)), version(event(1)), version(event(2, fact="f1"), article="copy"))
    assert rows(ledger)["430400|total_investment|all"]["amount_cny"] == 1e9
    assert rows(ledger)["430400|total_investment|all"]["event_count"] == 1


def test_part_of_targets_pipelines_and_period_figures_without_a_period_make_no_row() -> None:
    ledger = ledger_of(
        version(
            event(2, kind="project", value=1e9, part_of="e1"),
            event(3, kind="target", value=9e9),
            event(4, kind="pipeline", value=7e9),
            event(5, kind="period_stat", value=7e9),
        )
    )
    assert ledger.rows() == [] and ledger.pending() == []


def test_period_figures_keep_the_latest_and_are_never_summed() -> None:
    for order in ((M8, H1), (H1, M8)):
        ledger = ledger_of(
            *(
                version(
                    event(i, kind="period_stat", value=v, period=p, metric="funds_in_place"), article=f"a{i}"
                )
                for i, (p, v) in enumerate(
                    zip(order, (3e9, 2e9) if order[0] is M8 else (2e9, 3e9), strict=True)
                )
            )
        )
        row = rows(ledger)["430400|funds_in_place|2024"]
        assert row["amount_cny"] == 0 and row["event_count"] == 0
        assert row["reported"]["value_cny"] == 3e9 and row["reported"]["period"]["label"] == "1-8月"


def test_two_figures_for_one_period_are_chosen_by_their_content_not_their_arrival() -> None:
    a = version(event(1, kind="period_stat", value=2.3e9, period=H1, metric="funds_in_place"), article="a")
    b = version(event(2, kind="period_stat", value=9.92e8, period=H1, metric="funds_in_place"), article="b")
    assert rows(ledger_of(a, b)) == rows(ledger_of(b, a))
    assert rows(ledger_of(a, b))["430000|funds_in_place|all"]["reported"]["value_cny"] == 2.3e9


def test_flows_below_the_confidence_threshold_are_unconfirmed_not_added() -> None:
    ledger = ledger_of(version(event(1, value=2e9), event(2, value=5e8, confidence=0.4)), min_confidence=0.5)
    row = rows(ledger)["430000|total_investment|all"]
    assert (row["amount_cny"], row["event_count"], row["unconfirmed_cny"], row["unconfirmed_count"]) == (
        2e9,
        1,
        5e8,
        1,
    )
    assert (
        rows(ledger_of(version(event(2, value=5e8, confidence=0.4)), min_confidence=0.3))[
            "430000|total_investment|all"
        ]["amount_cny"]
        == 5e8
    )


def test_a_correction_moves_the_total_by_the_difference_in_either_order() -> None:
    first = version(event(1, value=1e9), event(2, value=3e9), offset=1)
    fixed = version(event(1, value=1e9), event(3, value=3.5e9), offset=7)  # event 2's amount corrected
    for ledger in (ledger_of(first, fixed), ledger_of(fixed, first), ledger_of(first, fixed, first)):
        row = rows(ledger)["430000|total_investment|all"]
        assert row["amount_cny"] == 4.5e9 and row["event_count"] == 2 and row["revised"] is True
    assert rows(ledger_of(first))["430000|total_investment|all"]["revised"] is False


def test_a_fact_still_stated_by_a_copy_stays_counted_once_and_unrevised() -> None:
    original = version(event(1, value=1e9), article="a", offset=1)
    copy = version(event(9, value=1e9, fact="f1"), article="b", offset=2)
    withdrawn = version(event(2, value=2e9), article="a", offset=3)
    row = rows(ledger_of(original, copy, withdrawn))["430000|total_investment|all"]
    assert row["amount_cny"] == 3e9 and row["event_count"] == 2 and row["revised"] is False


def test_a_row_emptied_by_a_correction_is_deleted_and_stays_deleted_after_a_rebuild() -> None:
    ledger = ledger_of(version(event(1, metric="attracted_funds"), offset=1))
    for key, gen, _row in ledger.pending():
        ledger.sent(key, gen)
    ledger.apply(version(event(2), offset=2))
    pending = {key: row for key, _gen, row in ledger.pending()}
    assert (
        pending["430000|attracted_funds|all"] is None and pending["430000|total_investment|all"] is not None
    )
    rebuilt = TotalsLedger.of(ledger.articles.values(), 0.5)
    assert {k: r for k, _g, r in rebuilt.pending() if r is None} == {
        k: None for k in pending if k.split("|")[1] == "attracted_funds"
    }
    assert rows(rebuilt) == rows(ledger)


def test_a_row_is_forgotten_only_when_the_content_sent_is_the_latest() -> None:
    ledger = ledger_of(version(event(1), article="a"))
    (key, gen, _row), *_ = ledger.pending()
    ledger.apply(version(event(2), article="b"))  # changes the row while the first send is in flight
    ledger.sent(key, gen)
    assert key in dict((k, g) for k, g, _ in ledger.pending())


# -- properties: any order, any repeats, and a rebuild all give the rows of a plain recount -------

REGIONS = [(HUNAN, HENGYANG, COUNTY), (HUNAN, HENGYANG), (HUNAN,)]
CONTRIBUTIONS = st.builds(
    Contribution,
    fact_id=st.sampled_from([f"f{i}" for i in range(8)]),
    flow=st.booleans(),
    metric=st.sampled_from(["total_investment", "funds_in_place"]),
    regions=st.sampled_from(REGIONS),
    year=st.sampled_from([None, 2023, 2024]),
    value_fen=st.integers(1, 10**14),
    project_count=st.integers(0, 50),
    confidence=st.sampled_from([0.3, 0.6, 0.9]),
    period=st.sampled_from([H1, M8]),
)
VERSIONS = st.builds(
    lambda article, offset, facts: ArticleFacts(
        article_id=article,
        url=article,
        version=ArticleVersion.of(None, offset, facts),
        contributions=facts,
    ),
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 5),
    st.lists(CONTRIBUTIONS, max_size=4, unique_by=lambda c: c.fact_id),
)


def recount(versions: list[ArticleFacts], min_confidence: float) -> dict[str, dict[str, Any]]:
    """The rows by the rules read plainly: each article's latest version; each fact once, its most
    confident copy; sums of the confirmed flows; the figure with the latest period end."""
    latest: dict[str, ArticleFacts] = {}
    for v in versions:
        if v.article_id not in latest or v.version.order() > latest[v.article_id].version.order():
            latest[v.article_id] = v
    copies: dict[str, list[Contribution]] = {}
    for v in latest.values():
        for c in v.contributions:
            copies.setdefault(c.fact_id, []).append(c)
    chosen = {f: min(cs, key=lambda c: (-c.confidence, c.model_dump_json())) for f, cs in copies.items()}
    withdrawn = {
        (key, c.fact_id)
        for v in versions
        for c in v.contributions
        if c.fact_id not in {x.fact_id for x in latest[v.article_id].contributions}
        for key in c.row_keys()
    }
    out: dict[str, dict[str, Any]] = {}
    for c in chosen.values():
        for key in c.row_keys():
            code = key.split("|")[0]
            row = out.setdefault(
                key,
                {
                    "key": key,
                    "region": next(r for r in c.regions if r.code == code).model_dump(),
                    "metric": c.metric.value,
                    "year": key.split("|")[2],
                    "fen": 0,
                    "project_count": 0,
                    "event_count": 0,
                    "ufen": 0,
                    "unconfirmed_count": 0,
                    "figures": [],
                    "revised": False,
                },
            )
            if not c.flow:
                row["figures"].append(c)
            elif c.confidence >= min_confidence:
                row["fen"] += c.value_fen
                row["project_count"] += c.project_count
                row["event_count"] += 1
            else:
                row["ufen"] += c.value_fen
                row["unconfirmed_count"] += 1
    for key, fact in withdrawn:
        if key in out and fact not in chosen:
            out[key]["revised"] = True
    for row in out.values():
        figures = row.pop("figures")
        best = max(
            figures,
            key=lambda c: (
                c.period.end,
                -c.period.start.toordinal(),
                c.value_fen,
                c.project_count,
                c.fact_id,
            ),
            default=None,
        )
        row["reported"] = best and {
            "period": best.period.model_dump(mode="json"),
            "value_cny": best.value_fen / 100,
            "project_count": best.project_count or None,
            "fact_id": best.fact_id,
        }
        row["amount_cny"] = row.pop("fen") / 100
        row["unconfirmed_cny"] = row.pop("ufen") / 100
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(VERSIONS, max_size=10), st.randoms(use_true_random=False), st.sampled_from([0.5, 0.7]))
def test_rows_are_a_function_of_the_set_of_versions(
    versions: list[ArticleFacts], rnd: Any, min_confidence: float
) -> None:
    want = recount(versions, min_confidence)
    shuffled = versions + rnd.sample(versions, k=len(versions) // 2)  # redeliveries
    rnd.shuffle(shuffled)
    once = ledger_of(*versions, min_confidence=min_confidence)
    again = ledger_of(*shuffled, min_confidence=min_confidence)
    rebuilt = TotalsLedger.of(again.articles.values(), min_confidence)
    from_table = TotalsLedger(min_confidence)  # as the worker rebuilds: the table's JSON kept as is
    for state in again.articles.values():
        stored = state.model_dump_json().encode()
        from_table.restore(ArticleState.model_validate_json(stored), stored)
    assert rows(once) == want
    assert rows(again) == want
    assert rows(rebuilt) == want
    assert rows(from_table) == want
    assert dict(from_table.articles) == dict(again.articles)


@given(st.lists(VERSIONS, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_merge_gives_one_state_for_any_order(versions: list[ArticleFacts], rnd: Any) -> None:
    versions = [v.model_copy(update={"article_id": "a", "url": "a"}) for v in versions]
    shuffled = rnd.sample(versions, k=len(versions))
    states = []
    for order in (versions, shuffled):
        state = None
        for v in order:
            state = merge(state, v)
        states.append(state)
    assert states[0] == states[1]


def test_article_facts_go_to_every_partition_with_the_facts_of_its_provinces() -> None:
    sichuan = RegionRef(code="510000", name="四川省", level="province")
    far = event(2).model_copy(update={"region": sichuan, "region_path": [sichuan], "fact_id": "f2"})
    parts = article_facts(
        [event(1), far], article_id="a", url="u", fetched_at=datetime(2024, 5, 1), raw_offset=3, partitions=4
    )
    assert len(parts) == 4 and len({p.version for p in parts}) == 1
    assert sorted(c.fact_id for p in parts for c in p.contributions) == ["f1", "f2"]


def test_a_row_is_sent_again_when_a_fact_withdrawn_from_it_is_stated_elsewhere() -> None:
    ledger = ledger_of(version(event(1), event(2), offset=1), version(event(2), offset=2))
    assert rows(ledger)["430421|total_investment|all"]["revised"] is True
    for key, gen, _row in ledger.pending():
        ledger.sent(key, gen)
    sichuan = RegionRef(code="510000", name="四川省", level="province")
    elsewhere = event(9, fact="f1").model_copy(update={"region": sichuan, "region_path": [sichuan]})
    ledger.apply(version(elsewhere, article="b"))
    pending = {key: row for key, _gen, row in ledger.pending()}
    assert pending["430421|total_investment|all"] is not None
    assert pending["430421|total_investment|all"].revised is False
