"""The extractor on fixture articles written for investwire, one per rule of EVENTS.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction import Extractor, to_article
from extraction.normalize import normalize_text
from schemas import RawArticle
from tests.conftest import extraction_cases

CASES = extraction_cases()


def _key(e: dict) -> tuple:
    return (e["kind"], e["metric"], round(e["value"]), e["currency"], e["region"], bool(e["part_of"]))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fixture_article(case: dict, extractor: Extractor) -> None:
    events = extractor.extract(to_article(RawArticle.model_validate(case["article"])))
    got = sorted(
        _key(
            {
                "kind": e.kind.value,
                "metric": e.metric and e.metric.value,
                "value": e.amount.value,
                "currency": e.amount.currency,
                "region": e.region.code,
                "part_of": e.part_of,
            }
        )
        for e in events
    )
    assert got == sorted(_key(e) for e in case["expected"])
    counts = {(_key(x)[:4]): x.get("project_count") for x in case["expected"] if "project_count" in x}
    for e in events:
        want = counts.get(
            (e.kind.value, e.metric and e.metric.value, round(e.amount.value), e.amount.currency)
        )
        if want is not None:
            assert e.project_count == want


def test_ids_are_deterministic_and_part_of_points_at_a_signing(extractor: Extractor) -> None:
    case = CASES[0]["article"]
    first = extractor.extract(to_article(RawArticle.model_validate(case)))
    again = Extractor(extractor.gaz).extract(to_article(RawArticle.model_validate(case)))
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert len({e.event_id for e in first}) == len(first)
    by_id = {e.event_id: e for e in first}
    for e in first:
        if e.part_of:
            assert by_id[e.part_of].kind.value == "signing"


def test_evidence_points_into_the_original_text(extractor: Extractor) -> None:
    raw = RawArticle.model_validate(CASES[3]["article"])  # Traditional, with converter damage
    for e in extractor.extract(to_article(raw)):
        a, b = e.evidence_span
        assert 0 <= a < b <= len(raw.text or "")
        assert e.evidence  # normalized sentence
        assert any(ch.isdigit() for ch in (raw.text or "")[a:b])


def test_every_event_carries_its_region_path_and_cny(extractor: Extractor) -> None:
    for case in CASES:
        for e in extractor.extract(to_article(RawArticle.model_validate(case["article"]))):
            assert e.region_path[-1].code == e.region.code
            assert e.region_path[0].level == "province" or e.region.code == "000000"  # no place named at all
            assert e.amount.value_cny > 0
            assert 0 < e.confidence <= 1


def test_html_page_gives_the_main_article_and_nothing_from_boilerplate(extractor: Extractor) -> None:
    page = (Path(__file__).parent.parent / "fixtures" / "page.html").read_text(encoding="utf-8")
    events = extractor.extract(to_article(RawArticle(url="https://example.org/page", html=page)))
    values = sorted(e.amount.value for e in events)
    assert values == [1_500_000_000, 2_600_000_000, 5_870_000_000]


def test_industries_are_tagged_from_the_taxonomy(extractor: Extractor) -> None:
    events = extractor.extract(to_article(RawArticle.model_validate(CASES[2]["article"])))
    tags = {t for e in events if e.kind.value == "project" for t in e.industries}
    assert "新能源" in tags


def _without_measure_words(text: str, extractor: Extractor) -> str:
    """The text as the rules read it (Simplified), its measure words blotted out."""
    return extractor.lex.measure_re.sub(lambda m: "某" * len(m.group(0)), normalize_text(text).text)


def test_a_page_whose_amounts_measure_nothing_is_passed_over_before_it_is_parsed(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second look: amounts, but no word a metric is read from (a budget, a GDP figure), so
    no sentence is read; the same page with a signing in it is."""
    text = (
        "2023年全市国民经济运行情况\n"
        "初步核算,全市地区生产总值完成1562.3亿元,同比增长5.6%。"
        "全年一般公共预算收入98.7亿元,社会消费品零售总额612亿元。"
    )
    page = RawArticle(url="https://example.gov.cn/tjxx/2024/0412.html", text=text)

    def parsed(*_args: object) -> None:
        raise AssertionError("the page was parsed")

    monkeypatch.setattr(extractor, "_read", parsed)
    assert extractor.extract(to_article(page)) == []
    signed = page.model_copy(update={"text": text + "全年招商引资签约项目36个,总投资218亿元。"})
    with pytest.raises(AssertionError, match="parsed"):
        extractor.extract(to_article(signed))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_without_its_measure_words_no_fixture_article_keeps_an_amount(
    case: dict, extractor: Extractor
) -> None:
    """What the second look relies on: every amount the rules keep has its metric from one of
    those words, so the same article with them blotted out keeps none."""
    raw = case["article"]
    article = to_article(
        RawArticle.model_validate({**raw, "text": _without_measure_words(raw["text"], extractor)})
    )
    assert extractor.candidates(article) == []
