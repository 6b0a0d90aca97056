"""The scope of a figure decides its kind: one occasion, a tally, not yet done, not investment."""

from __future__ import annotations

import pytest

from extraction import Extractor, to_article
from extraction.scope import cue_features, feature_names, stretches
from schemas import RawArticle


def _kinds(extractor: Extractor, text: str, published: str = "2023-06-30") -> list[tuple[str, float]]:
    article = to_article(RawArticle(url="https://example.org/scope", text=text, published_at=published))
    return [(e.kind.value, e.amount.value) for e in extractor.extract(article) if e.amount]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a month's tally worded with 签约 is a period figure, the day's ceremony a signing
        (
            "6月28日,安顺市举行重大项目集中签约仪式,现场签约项目15个,总投资88.6亿元。"
            "据统计,该市6月份共签约项目41个,签约总金额达203.4亿元。",
            [("signing", 8.86e9), ("period_stat", 2.034e10)],
        ),
        # year to date
        (
            "今年以来,玉林市新签约招商项目326个,总投资1052亿元,同比增长18%。",
            [("period_stat", 1.052e11)],
        ),
        # lined up for signing, not signed
        (
            "截至目前,全区已梳理拟签约项目96个,总投资865亿元,将在东博会期间集中签约。",
            [("pipeline", 8.65e10)],
        ),
        # a goal
        (
            "2023年,海口市力争实际到位内资达到600亿元以上。",
            [("target", 6e10)],
        ),
    ],
)
def test_scope_decides_the_kind(extractor: Extractor, text: str, want: list[tuple[str, float]]) -> None:
    assert sorted(_kinds(extractor, text)) == sorted(want)


@pytest.mark.parametrize(
    "text",
    [
        "2022年,全省对外直接投资28.6亿美元,同比增长12%。",  # outward investment
        # funding sources of fixed-asset investment
        "全市固定资产投资增长8%,从资金来源看,国家预算内资金到位12.3亿元,自筹资金到位85.6亿元。",
        "签约项目平均投资规模达4.2亿元。",  # an average
        "投资额在5000万元以上的项目有12个。",  # a threshold
        "今年全州共安排重点项目186个,年度计划投资512亿元。",  # an annual plan
        "该公司此次增资1.5亿美元,用于扩大产能。",  # a capital increase
    ],
)
def test_money_that_is_not_investment_gives_no_event(extractor: Extractor, text: str) -> None:
    assert _kinds(extractor, text) == []


def test_cues_read_their_own_stretch_of_text() -> None:
    sentence = "据统计,今年1-5月全市共签约项目41个,总投资203.4亿元,引资180亿元"
    first_end = sentence.index("亿元") + 2
    start = sentence.index("180")
    feats = cue_features(stretches(sentence, first_end, start, start + 5, ["上月举行招商推介会。"]))
    assert {"statistics", "month_span", "sign_verb", "occasion_before"} <= set(feats)
    assert "sign_clause" not in feats  # 签约 lies before the previous amount, not in this clause chain
    assert "tally_word" not in feats  # so does 共
    assert set(feats) <= set(feature_names())


def test_cue_names_the_rules_use_are_declared() -> None:
    """Rules in candidates.py and linking.py name cues of cues.toml: a renamed cue must fail here."""
    from extraction import candidates, linking

    used = (
        set(candidates._NOT_YET)
        | set(candidates._SIGNING_CUES)
        | set(candidates._SIGNING_EVIDENCE)
        | set(linking._AT_AN_OCCASION)
        | {"intend_sign", "period_word", "pipe_verb", "occasion_at", "sign_clause", "sign_done", "headline"}
    )
    assert used <= set(feature_names())
