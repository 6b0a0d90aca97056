"""The whole pipeline on a real broker (the embedded Tansu) and a real Faust worker."""

from __future__ import annotations

import json
from pathlib import Path

from connectors.sinks.topic_reader import snapshot
from connectors.sources.files import Record
from connectors.sources.kafka_producer import produce
from extraction import Extractor, to_article
from schemas import InvestmentEvent, RawArticle
from schemas.topics import DEADLETTER, EVENTS, RAW, TOTALS
from streams.runner import running, wait_until_processed
from streams.settings import Settings
from tests.conftest import extraction_cases, totals_of, without_updated_at

CASES = [case["article"] for case in extraction_cases()]

BAD = [
    (b"not json", "not JSON"),
    (b"\xff\xfe\xfa binary", "not UTF-8"),
    (b'{"url": "https://example.org/no-text"}', "no text and no html"),
    (b'{"url": 42, "text": "x"}', "must be a string"),
    (b'{"url": "https://example.org/blank", "text": "   "}', "no text and no html"),
    (b'["a list"]', "not a JSON object"),
    # the two large ones last: a letter of either must still fit the dead-letter topic
    (b"\xff" + bytes(range(256)) * 15_600, "not UTF-8"),  # just under the 4 MB limit, base64 would not fit
    (json.dumps({"url": "https://example.org/huge", "text": "x" * 4_100_000}).encode(), "exceeds the limit"),
]


def _good(article: dict) -> Record:
    return Record(article["url"].encode(), json.dumps(article, ensure_ascii=False).encode(), "test")


async def test_articles_in_exact_events_and_totals_out(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    records = []
    for i, article in enumerate(CASES):
        records.append(_good(article))
        bad, _ = BAD[i % len(BAD)]
        records.append(Record(f"bad-{i}".encode(), bad, "test"))
    async with running(settings) as run:
        sent, refused = await produce(run.broker, records)
        assert (sent, refused) == (len(records), 0)
        await wait_until_processed(run, len(records), timeout=120)
        events = await snapshot(run.broker, EVENTS.name)
        totals = await snapshot(run.broker, TOTALS.name)
        dead = await snapshot(run.broker, DEADLETTER.name, keep_all=True)

    # events: exactly what the pure extractor says about the same articles
    extractor = Extractor()
    expected = [e for a in CASES for e in extractor.extract(to_article(RawArticle.model_validate(a)))]
    assert sorted(events) == sorted(e.event_id for e in expected)
    for e in expected:
        assert events[e.event_id] == json.loads(e.model_dump_json())

    # totals: exactly what a ledger over those events says
    assert without_updated_at(totals) == totals_of(expected)

    # every bad message is in the dead-letter topic with its reason
    assert len(dead) == len(CASES)
    reasons = sorted(d["reason"] for d in dead.values())
    for letter in dead.values():
        assert (
            len(json.dumps(letter, ensure_ascii=False, separators=(",", ":")).encode())
            <= DEADLETTER.max_bytes
        )
        assert letter["stage"] == "normalize"
        assert letter["source_topic"] == RAW.name
    for _payload, reason in BAD[: len(CASES)]:
        assert any(reason in r for r in reasons), reason


async def test_a_thousand_malformed_messages_between_good_ones(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    records = []
    good_urls = []
    for i in range(1000):
        bad, _ = BAD[i % (len(BAD) - 2)]  # the large ones once is enough for the other test
        records.append(Record(f"bad-{i}".encode(), bad, "test"))
        if i % 50 == 0:
            article = dict(CASES[(i // 50) % len(CASES)], url=f"https://example.org/good/{i}")
            records.append(_good(article))
            good_urls.append(article["url"])
    async with running(settings) as run:
        app_before = run.pipeline.app
        await produce(run.broker, records)
        await wait_until_processed(run, len(records), timeout=240)
        dead = await snapshot(run.broker, DEADLETTER.name, keep_all=True)
        events = await snapshot(run.broker, EVENTS.name)
        counts = dict(run.pipeline.counts)
        assert run.pipeline.app is app_before and not run.pipeline.app.should_stop
    assert len(dead) == 1000
    assert all(d["reason"] and d["stage"] == "normalize" for d in dead.values())
    assert counts["articles.normalized"] == len(good_urls)
    assert counts["articles.extracted"] == len(good_urls)
    urls_with_events = {InvestmentEvent.model_validate(e).url for e in events.values()}
    extractor = Extractor()
    expected_urls = {
        url
        for url, i in zip(good_urls, range(0, 1000, 50), strict=True)
        if extractor.extract(to_article(RawArticle.model_validate(CASES[(i // 50) % len(CASES)])))
    }
    assert urls_with_events == expected_urls


class _BrokenOnMarker(Extractor):
    """An extractor with a bug that shows on one article."""

    def extract(self, article):  # type: ignore[no-untyped-def]
        if "BUG" in article.text:
            raise RuntimeError("extractor bug on this article")
        return super().extract(article)


async def test_an_extractor_bug_dead_letters_the_article_and_the_worker_goes_on(tmp_path: Path) -> None:
    bad = dict(CASES[0], url="https://example.org/bug", text=CASES[0]["text"] + "BUG")
    records = [_good(CASES[0]), _good(bad), _good(CASES[1])]
    async with running(Settings(data_dir=tmp_path), extractor=_BrokenOnMarker()) as run:
        await produce(run.broker, records)
        await wait_until_processed(run, len(records), timeout=120)
        dead = await snapshot(run.broker, DEADLETTER.name, keep_all=True)
        events = await snapshot(run.broker, EVENTS.name)
    (letter,) = dead.values()
    assert letter["stage"] == "extract"
    assert "RuntimeError: extractor bug on this article" in letter["reason"]
    assert json.loads(letter["payload"])["url"] == "https://example.org/bug"
    assert {e["url"] for e in events.values()} == {CASES[0]["url"], CASES[1]["url"]}
