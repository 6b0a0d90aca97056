"""Start a broker (when none is configured) and a worker in this process, and tell when
everything fed in has been processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from extraction import Extractor
from schemas import TOPICS
from streams.app import BY_PROVINCE, Pipeline
from streams.embedded_broker import EmbeddedBroker
from streams.lag import group_lag
from streams.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Running:
    pipeline: Pipeline
    broker: str
    embedded: bool


async def ensure_topics(broker: str, partitions: int) -> None:
    """Create the public topics with the configured partitions (compaction where declared)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name,
                num_partitions=partitions,
                replication_factor=1,
                topic_configs={"cleanup.policy": "compact"} if spec.compacted else {},
            )
            for name, spec in TOPICS.items()
            if name not in existing
        ]
        if wanted:
            await admin.create_topics(wanted)
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def running(
    settings: Settings, fresh_broker: bool = False, extractor: Extractor | None = None
) -> AsyncIterator[Running]:
    """A worker on the configured broker, or on an embedded one started (and stopped) for it."""
    broker_proc: EmbeddedBroker | None = None
    address = settings.broker
    if address is None or fresh_broker:
        broker_proc = EmbeddedBroker(binary=settings.tansu_bin)
        address = await asyncio.to_thread(broker_proc.start)
        settings = settings.model_copy(update={"broker": None})
    try:
        await ensure_topics(address, settings.partitions)
        pipeline = Pipeline(settings, address, extractor)
        await pipeline.app.start()
        try:
            yield Running(pipeline, address, broker_proc is not None)
        finally:
            with contextlib.suppress(Exception):
                await pipeline.publish_totals()
                await pipeline.app.producer.flush()
            await pipeline.app.stop()
    finally:
        if broker_proc is not None:
            broker_proc.stop()


async def consumed_topics(broker: str, app_id: str) -> list[str]:
    """The topics the worker's group reads, the repartition topic included."""
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        names = await admin.list_topics()
    finally:
        await admin.close()
    internal = [n for n in names if n.startswith(app_id) and n.endswith(f"{BY_PROVINCE}-repartition")]
    return ["articles.raw", "articles.normalized", "investment.events", *internal]


async def wait_until_processed(run: Running, expected_articles: int, timeout: float = 300.0) -> None:
    """Block until the worker has read every article and committed every offset it owes.

    Not a sleep: it watches the group's lag on every topic it reads (committed
    offset against the fetch high-water mark), then flushes the totals rows and
    the producer, and checks once more.
    """
    p = run.pipeline
    deadline = time.monotonic() + timeout
    settled = 0
    while time.monotonic() < deadline:
        if p.counts["articles.in"] >= expected_articles:
            topics = await consumed_topics(run.broker, p.settings.app_id)
            lag = await group_lag(run.broker, p.settings.app_id, topics)
            if sum(lag.values()) == 0:
                await p.publish_totals()
                await p.app.producer.flush()
                settled += 1
                if settled >= 2 and p.idle:
                    return
                continue
            settled = 0
        await asyncio.sleep(0.2)
    raise TimeoutError(f"the pipeline did not finish within {timeout:.0f} s: {dict(p.counts)}")
