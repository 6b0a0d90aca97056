"""Routing article versions by footprint gives every partition's ledger the rows it would have
if every version went to every partition, whatever the order, repeats and out-of-order crawls."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregation import TotalsLedger, article_facts
from aggregation.footprint import Footprint, route
from schemas import Amount, InvestmentEvent, RegionRef
from schemas.topics import facts_partition
from schemas.totals import ArticleFacts

PARTITIONS = 4
PROVINCES = [RegionRef(code=f"{n}0000", name=f"省{n}", level="province") for n in (11, 12, 13, 14, 15, 21)]
assert {facts_partition(p.code, PARTITIONS) for p in PROVINCES} == set(range(PARTITIONS))


def signing(n: int, province: RegionRef, value: float) -> InvestmentEvent:
    return InvestmentEvent(
        event_id=f"e{n}",
        fact_id=f"f{n}-{province.code}-{value}",
        article_id="a",
        url="https://x/a",
        published_at=date(2024, 5, 1),
        kind="signing",
        metric="total_investment",
        amount=Amount(value=value, value_cny=value),
        project_count=1,
        region=province,
        region_path=[province],
        evidence="…",
        evidence_span=(0, 1),
        confidence=0.9,
    )


def versions_of(draw_versions: list[tuple[int, list[tuple[int, int]]]]) -> list[list[ArticleFacts]]:
    """Each version: (crawl day, [(province index, value in 亿)]) → its record for every partition."""
    out = []
    for offset, (day, stated) in enumerate(draw_versions):
        events = [signing(i, PROVINCES[p], v * 1e8) for i, (p, v) in enumerate(stated)]
        out.append(
            article_facts(
                events,
                article_id="a",
                url="https://x/a",
                fetched_at=datetime(2024, 5, day, tzinfo=UTC),
                raw_offset=offset,
                partitions=PARTITIONS,
            )
        )
    return out


def rows(ledger: TotalsLedger) -> list[dict[str, object]]:
    return [r.model_dump(exclude={"updated_at"}) for r in ledger.rows()]


history = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.lists(st.tuples(st.integers(0, len(PROVINCES) - 1), st.integers(1, 3)), max_size=3),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(history, st.randoms(use_true_random=False), st.integers(0, 3))
def test_each_partition_ends_as_if_every_version_went_everywhere(
    drawn: list[tuple[int, list[tuple[int, int]]]], rnd, repeats: int
) -> None:
    versions = versions_of(drawn)
    order = list(range(len(versions))) + [rnd.randrange(len(versions)) for _ in range(repeats)]
    rnd.shuffle(order)
    everywhere = [TotalsLedger(0.5) for _ in range(PARTITIONS)]
    routed = [TotalsLedger(0.5) for _ in range(PARTITIONS)]
    footprint: Footprint | None = None
    for i in order:
        records = versions[i]
        for p in range(PARTITIONS):
            everywhere[p].apply(records[p])
        touched = {p for p, r in enumerate(records) if r.contributions}
        way = route(footprint, records[0].version, touched)
        footprint = way.footprint
        for p in way.targets:
            routed[p].apply(records[p])
        for p in way.shadowed:
            latest = records[0].model_copy(update={"version": footprint.latest, "contributions": []})
            routed[p].apply(latest)
    for p in range(PARTITIONS):
        assert rows(routed[p]) == rows(everywhere[p])


def test_a_version_goes_only_where_it_states_facts_or_where_the_article_has_been() -> None:
    first, correction = versions_of([(1, [(0, 2)]), (2, [(1, 3)])])
    p0 = facts_partition(PROVINCES[0].code, PARTITIONS)
    p1 = facts_partition(PROVINCES[1].code, PARTITIONS)
    way = route(None, first[0].version, {p0})
    assert way.targets == {p0} and not way.shadowed
    way = route(way.footprint, correction[0].version, {p1})
    assert way.targets == {p0, p1}  # p0 must hear that the correction withdrew its facts


def test_an_older_crawl_read_late_is_told_where_the_latest_says_nothing() -> None:
    newer, older = versions_of([(3, [(0, 2)]), (1, [(1, 3)])])
    p0 = facts_partition(PROVINCES[0].code, PARTITIONS)
    p1 = facts_partition(PROVINCES[1].code, PARTITIONS)
    first = route(None, newer[0].version, {p0})
    late = route(first.footprint, older[0].version, {p1})
    assert late.targets == {p1} and late.shadowed == {p1} - {p0}
    assert late.footprint.latest == newer[0].version
    again = route(late.footprint, older[0].version, {p1})  # routed again after a crash
    assert (again.targets, again.shadowed) == (late.targets, late.shadowed)
