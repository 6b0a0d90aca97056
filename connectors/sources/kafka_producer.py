"""Send article records into `articles.raw`."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaProducer

from connectors.sources.files import Record

RAW_TOPIC = "articles.raw"


async def produce(
    broker: str,
    records: Iterable[Record],
    on_sent: Callable[[Record], None] | None = None,
    on_refused: Callable[[Record, Exception], None] | None = None,
    max_request_size: int = 8_000_000,
) -> tuple[int, int]:
    """Send every record, keyed by url; returns (sent, refused by the broker or client)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=broker, linger_ms=20, max_batch_size=256 * 1024, max_request_size=max_request_size
    )
    await producer.start()
    sent = refused = 0
    try:
        for record in records:
            try:
                await producer.send(RAW_TOPIC, key=record.key, value=record.value)
            except Exception as e:  # a message the client or broker cannot take is counted and shown
                refused += 1
                if on_refused:
                    on_refused(record, e)
                continue
            sent += 1
            if on_sent:
                on_sent(record)
        await producer.flush()
    finally:
        await producer.stop()
    return sent, refused
