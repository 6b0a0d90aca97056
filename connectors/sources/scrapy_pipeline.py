"""A Scrapy item pipeline that sends every scraped page to `articles.raw`.

Enable it in a Scrapy project's settings::

    ITEM_PIPELINES = {"connectors.sources.scrapy_pipeline.ArticlesPipeline": 800}
    INVESTWIRE_BROKER = "localhost:9092"   # or KAFKA_BROKER in the environment

Items are articles as a crawler sends them (`url`, `html` or `text`, optional `title`,
`source`, `published_at`, `fetched_at`; `page_item(response)` makes one). They are passed on
as they are: one the worker cannot read lands in `articles.deadletter` with the reason.
Sending never blocks the crawl: aiokafka batches the records (`INVESTWIRE_LINGER_MS`), the
pipeline waits only when its buffer is full, and closing the spider flushes what is left.
Needs Scrapy's asyncio reactor (the default since Scrapy 2.13).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import TextResponse

from connectors.base import Record
from connectors.broker import BrokerUnreachableError
from schemas.topics import ARTICLE_MAX_BYTES, RAW

log = logging.getLogger(__name__)


def page_item(response: TextResponse) -> dict[str, Any]:
    """The article of a fetched page: its url, its HTML decoded as Scrapy decodes it (HTTP
    header, then `<meta charset>`, then detection), its title and when it was fetched."""
    return {
        "url": response.url,
        "html": response.text,
        "title": response.css("title::text").get(),
        "fetched_at": datetime.now(UTC).isoformat(),
    }


class ArticlesPipeline:
    """Each item into `articles.raw`, keyed by its url; counted in the crawl's stats as
    `investwire/sent` (acknowledged by the broker) and `investwire/refused`."""

    def __init__(self, crawler: Crawler, broker: str, linger_ms: int) -> None:
        self.crawler = crawler
        self.broker = broker
        self.linger_ms = linger_ms
        self.producer: AIOKafkaProducer | None = None
        self.in_flight: set[asyncio.Future[Any]] = set()
        self.unkeyed = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlesPipeline:
        broker = crawler.settings.get("INVESTWIRE_BROKER") or os.environ.get("KAFKA_BROKER")
        if not broker:
            raise NotConfigured("set INVESTWIRE_BROKER (or KAFKA_BROKER) to the broker's host:port")
        return cls(crawler, broker, crawler.settings.getint("INVESTWIRE_LINGER_MS", 100))

    async def open_spider(self, spider: Spider | None = None) -> None:
        self.producer = AIOKafkaProducer(
            bootstrap_servers=self.broker,
            linger_ms=self.linger_ms,
            max_batch_size=256 * 1024,
            max_request_size=ARTICLE_MAX_BYTES,  # a larger item is dropped, and Scrapy logs why
        )
        try:
            await self.producer.start()
        except KafkaError as e:
            await self.producer.stop()
            self.producer = None
            raise BrokerUnreachableError(f"cannot reach the broker at {self.broker}: {e}") from None

    def _record(self, item: Any) -> Record:
        body = ItemAdapter(item).asdict()
        url = body.get("url")
        if not (isinstance(url, str) and url):
            self.unkeyed += 1
            url = f"scrapy:{self.crawler.spider.name if self.crawler.spider else ''}:{self.unkeyed}"
        return Record(url.encode(), json.dumps(body, ensure_ascii=False, default=str).encode(), url)

    async def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        assert self.producer is not None, "open_spider was not called"
        record = self._record(item)
        try:
            ack = await self.producer.send(RAW.name, key=record.key, value=record.value)
        except KafkaError as e:  # the client will not take it (too large): Scrapy logs and counts the drop
            self._count("refused")
            raise DropItem(f"not sent to {RAW.name}: {type(e).__name__}: {e}") from None
        self.in_flight.add(ack)
        ack.add_done_callback(lambda done: self._settled(done, record))
        return item

    def _settled(self, ack: asyncio.Future[Any], record: Record) -> None:
        self.in_flight.discard(ack)
        if ack.cancelled() or ack.exception() is not None:
            self._count("refused")
            why = "cancelled" if ack.cancelled() else ack.exception()
            log.error("%s not sent to %s: %s", record.origin, RAW.name, why)
        else:
            self._count("sent")

    def _count(self, what: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"investwire/{what}")

    async def close_spider(self, spider: Spider | None = None) -> None:
        """Flush: every record sent and acknowledged (or counted as refused) before the crawl ends."""
        if self.producer is None:
            return
        try:
            await self.producer.flush()
            await asyncio.gather(*self.in_flight, return_exceptions=True)
        finally:
            await self.producer.stop()
