"""Wild input: any text gives a list of valid events or a clear error, never a crash or a hang."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extraction import ArticleTooLongError, Extractor, UnreadableArticleError, to_article
from extraction.article import MAX_TEXT_CHARS
from schemas import InvestmentEvent, RawArticle, RejectedInput, parse_raw_article

_EXTRACTOR = Extractor()
_FRAGMENTS = st.sampled_from(
    [
        "签约项目",
        "总投资",
        "亿元",
        "万美元",
        "其中",
        "分别",
        "今年1-6月",
        "实际到位资金",
        "湖南省",
        "衡阳县",
        "、",
        ",",
        "。",
        "\n",
        "<p>",
        "</div>",
        "12",
        "3.5",
        "约",
        "余",
        "以上",
        "力争",
        "发布",
        "(",
        "“",
        "0",
        "个",
    ]
)
_TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(_FRAGMENTS, max_size=80).map("".join),
    st.binary(max_size=400).map(lambda b: b.decode("utf-8", errors="replace")),
)


def _check(text: str) -> None:
    payload = json.dumps({"url": "https://example.org/x", "text": text}).encode()
    try:
        article = to_article(parse_raw_article(payload, 4_000_000))
    except (RejectedInput, UnreadableArticleError):
        return
    for event in _EXTRACTOR.extract(article):
        InvestmentEvent.model_validate(event.model_dump())
        assert event.amount is not None and event.amount.value > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_any_text_gives_valid_events_or_a_clear_error(text: str) -> None:
    _check(text)


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=1, max_size=200))
def test_any_bytes_are_refused_or_read(payload: bytes) -> None:
    try:
        parse_raw_article(payload, 4_000_000)
    except RejectedInput as e:
        assert str(e)


def test_ten_megabytes_of_text_are_refused_at_once_with_the_reason() -> None:
    text = ("今年1-6月,全市签约项目12个,总投资35亿元。" * 300_000)[:10_000_000]
    raw = RawArticle.model_construct(
        url="u", text=text, html=None, title=None, source=None, published_at=None, fetched_at=None
    )
    started = time.monotonic()
    with pytest.raises(
        ArticleTooLongError, match="7,500,000 characters; the extractor reads at most 100,000"
    ):
        to_article(raw)
    assert time.monotonic() - started < 1


def test_the_longest_readable_article_is_read_whole() -> None:
    """Nothing past a limit is cut silently: the last sentence of a maximal article counts."""
    filler = "本市持续优化营商环境。" * ((MAX_TEXT_CHARS - 40) // 11)
    text = filler + "9月8日,全市举行签约仪式,签约项目5个,总投资12亿元。"
    assert len(text) <= MAX_TEXT_CHARS
    events = _EXTRACTOR.extract(to_article(RawArticle(url="https://example.org/long", text=text)))
    assert [e.amount.value for e in events if e.amount] == [1.2e9]
