"""Bad input gets a clear reason, never a crash."""

from __future__ import annotations

import json

import pytest

from extraction import EmptyArticleError, to_article
from schemas import DeadLetter, RejectedInput, parse_raw_article

LIMIT = 1_000_000


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "empty message"),
        (b"not json at all", "not JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2]", "not a JSON object"),
        (b"{}", "url: Field required"),
        (json.dumps({"url": "u"}).encode(), "no text and no html"),
        (json.dumps({"url": "u", "text": "   "}).encode(), "no text and no html"),
        (json.dumps({"url": 7, "text": "x"}).encode(), "url: Value error, must be a string"),
        (json.dumps({"url": "u", "text": ["x"]}).encode(), "text: Value error, must be a string"),
        (json.dumps({"url": "u", "text": "x" * 1_500_000}).encode(), "exceeds the limit"),
        (json.dumps({"url": "u", "text": "x" * 1_000_001}).encode()[:LIMIT], "not JSON"),
    ],
)
def test_rejections_say_why(payload: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput, match=reason):
        parse_raw_article(payload, LIMIT)


def test_megabytes_of_text_are_refused_by_the_model() -> None:
    with pytest.raises(RejectedInput, match="at most 1000000 characters"):
        parse_raw_article(json.dumps({"url": "u", "text": "字" * 1_000_001}).encode(), 10_000_000)


def test_html_without_an_article_is_empty() -> None:
    raw = parse_raw_article(
        json.dumps({"url": "u", "html": "<html><body><div></div></body></html>"}).encode(), LIMIT
    )
    with pytest.raises(EmptyArticleError):
        to_article(raw)


def test_dead_letters_keep_the_payload_byte_for_byte() -> None:
    for payload in (b"\xff\x00\x01binary", "中文 text".encode()):
        letter = DeadLetter.wrap(payload, stage="normalize", reason="r", source_topic="articles.raw")
        assert letter.original() == payload
        assert DeadLetter.model_validate_json(letter.model_dump_json()).original() == payload
    assert DeadLetter.wrap(b"\xff", stage="s", reason="r", source_topic="t").payload_encoding == "base64"
