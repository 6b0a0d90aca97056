"""The worker's producer for what it publishes: events, facts, totals rows and dead letters.

Its own aiokafka producer, so these records travel in real batches (linger, one request per
partition) whatever the broker's table-restore workaround does to Faust's producer, which
keeps only the ledger's changelog. A caller awaits the acknowledgements of what it sent
before it lets Faust commit the input (`settle`): at least once, like the rest, and the
ledger makes repeats harmless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata

from schemas.topics import ARTICLE_MAX_BYTES

#: Records wait this long for others to share their batch; a worker under load fills batches
#: sooner, an idle one adds at most this to an article's latency.
LINGER_MS = 5


class Outputs:
    def __init__(self, broker: str) -> None:
        self.producer = AIOKafkaProducer(
            bootstrap_servers=broker,
            linger_ms=LINGER_MS,
            max_batch_size=256 * 1024,
            max_request_size=ARTICLE_MAX_BYTES,
        )

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None = None
    ) -> asyncio.Future[RecordMetadata]:
        """Queue one record; the future resolves when the broker acknowledged it."""
        return await self.producer.send(topic, value=value, key=key, partition=partition)

    @staticmethod
    async def settle(acks: Iterable[asyncio.Future[RecordMetadata]]) -> None:
        """Wait for every acknowledgement; raises the first refusal."""
        await asyncio.gather(*acks)
