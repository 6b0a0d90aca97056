"""Send article records into `articles.raw`, counting a record as sent only once the broker
acknowledged it."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaProducer

from connectors.sources.files import Record
from schemas.topics import ARTICLE_MAX_BYTES, RAW

#: Sends awaiting their acknowledgement at once; more wait (memory stays bounded).
MAX_IN_FLIGHT = 1_000


async def produce(
    broker: str,
    records: Iterable[Record],
    on_sent: Callable[[Record], None] | None = None,
    on_refused: Callable[[Record, Exception], None] | None = None,
    max_request_size: int = ARTICLE_MAX_BYTES,
) -> tuple[int, int]:
    """Send every record, keyed by url; returns (acknowledged, refused by the client or broker)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=broker, linger_ms=20, max_batch_size=256 * 1024, max_request_size=max_request_size
    )
    await producer.start()
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

    try:
        for record in records:
            try:
                ack = await producer.send(RAW.name, key=record.key, value=record.value)
            except Exception as e:  # the client refused it (too large, …)
                refused += 1
                if on_refused:
                    on_refused(record, e)
                continue
            in_flight.append((record, ack))
            if len(in_flight) >= MAX_IN_FLIGHT:
                await settle_oldest()
        await producer.flush()
        while in_flight:
            await settle_oldest()
    finally:
        await producer.stop()
    return sent, refused
