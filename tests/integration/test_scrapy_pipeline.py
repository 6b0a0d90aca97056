"""A real Scrapy crawl, by the README's example spider, of pages a local HTTP server serves: every
page lands in articles.raw, decoded in its own charset, by the time the crawl process exits."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.sinks.topic_reader import snapshot
from schemas import parse_raw_article
from schemas.topics import RAW
from streams.embedded_broker import EmbeddedBroker
from streams.runner import ensure_topics
from tests.integration.site import ARTICLES, news_site
from tests.integration.site import crawl as run_crawl


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    with news_site(tmp_path / "site") as url:
        yield url


async def test_a_crawl_sends_every_page_to_articles_raw(site: str, tmp_path: Path) -> None:
    with EmbeddedBroker() as broker:
        await ensure_topics(broker, 2)
        crawl = await asyncio.to_thread(run_crawl, site, broker, tmp_path)
        assert crawl.returncode == 0, crawl.stderr
        assert "'investwire/sent': 3" in crawl.stderr, crawl.stderr
        raw = await snapshot(broker, RAW.name)  # right after the crawl exits: flushed on close
    assert set(raw) == {f"{site}/news/{name}" for name in ARTICLES}
    for name, (_, title, text) in ARTICLES.items():
        article = parse_raw_article(json.dumps(raw[f"{site}/news/{name}"]).encode(), 10_000_000)
        assert article.title == title and article.html and text in article.html
        assert article.fetched_at is not None
