"""Send article records into `articles.raw`, counting a record as sent only once the broker
acknowledged it."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaProducer

from connectors.sources.files import Record
from schemas.topics import ARTICLE_MAX_BYTES, RAW

#: Sends awaiting their acknowledgement at once, per call of `send_all`; more wait (memory stays bounded).
MAX_IN_FLIGHT = 1_000


class AckedProducer:
    """One producer for `articles.raw` that says, record by record, what the broker acknowledged.

    Long-lived, so the HTTP intake pays for the connection once; `pending_bytes` (sent, not yet
    acknowledged) is what it reads to tell a client that the broker is backed up.
    """

    def __init__(self, broker: str, max_request_size: int = ARTICLE_MAX_BYTES) -> None:
        self.producer = AIOKafkaProducer(
            bootstrap_servers=broker,
            linger_ms=20,
            max_batch_size=256 * 1024,
            max_request_size=max_request_size,
        )
        self.pending_bytes = 0

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send_all(
        self,
        records: Iterable[Record],
        on_sent: Callable[[Record], None] | None = None,
        on_refused: Callable[[Record, Exception], None] | None = None,
    ) -> tuple[int, int]:
        """Send every record, keyed by its key, and wait for each acknowledgement; returns
        (acknowledged, refused by the client or the broker)."""
        sent = refused = 0
        in_flight: deque[tuple[Record, asyncio.Future[object]]] = deque()

        async def settle_oldest() -> None:
            nonlocal sent, refused
            record, ack = in_flight.popleft()
            try:
                await ack
            except Exception as e:  # the broker refused it: counted and shown
                refused += 1
                if on_refused:
                    on_refused(record, e)
            else:
                sent += 1
                if on_sent:
                    on_sent(record)
            finally:
                self.pending_bytes -= len(record.value)

        try:
            for record in records:
                try:
                    ack = await self.producer.send(RAW.name, key=record.key, value=record.value)
                except Exception as e:  # the client refused it (too large, …)
                    refused += 1
                    if on_refused:
                        on_refused(record, e)
                    continue
                self.pending_bytes += len(record.value)
                in_flight.append((record, ack))
                if len(in_flight) >= MAX_IN_FLIGHT:
                    await settle_oldest()
            while in_flight:
                await settle_oldest()
        finally:
            for record, ack in in_flight:  # cancelled midway: what is left is no longer ours to count
                ack.cancel()
                self.pending_bytes -= len(record.value)
        return sent, refused


async def produce(
    broker: str,
    records: Iterable[Record],
    on_sent: Callable[[Record], None] | None = None,
    on_refused: Callable[[Record, Exception], None] | None = None,
    max_request_size: int = ARTICLE_MAX_BYTES,
) -> tuple[int, int]:
    """Send every record with a producer of its own; returns (acknowledged, refused)."""
    producer = AckedProducer(broker, max_request_size)
    await producer.start()
    try:
        return await producer.send_all(records, on_sent, on_refused)
    finally:
        await producer.stop()
