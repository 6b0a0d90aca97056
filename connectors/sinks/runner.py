"""Run any Sink: read its topics in a consumer group, hand it batches, and commit a batch's
offsets only once the sink has stored it. A batch the sink cannot store (the database is
down) is read again after a pause, never skipped; records it refuses go to the dead-letter
topic with the reason."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import CommitFailedError

from connectors.base import Message, Sink
from schemas import DeadLetter
from schemas.topics import DEADLETTER
from streams.settings import Settings

log = logging.getLogger(__name__)

#: Longest pause between two tries of a batch the sink could not store.
MAX_BACKOFF = 30.0


async def run_sink(
    broker: str,
    sink: Sink,
    group_id: str,
    stop: asyncio.Event,
    settings: Settings | None = None,
    max_batch: int = 1000,
) -> None:
    """Until `stop` is set: batches of the sink's topics into the sink, offsets after."""
    s = settings or Settings()
    await sink.open()  # a store that is not there stops the sink before it joins the group
    consumer = AIOKafkaConsumer(
        *sink.topics,
        bootstrap_servers=broker,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=int(s.session_timeout * 1000),
        heartbeat_interval_ms=int(s.heartbeat_interval * 1000),
        rebalance_timeout_ms=int(s.rebalance_timeout * 1000),
        metadata_max_age_ms=5000,
    )
    producer = AIOKafkaProducer(bootstrap_servers=broker)
    backoff = 1.0
    try:
        await consumer.start()
        await producer.start()
        while not stop.is_set():
            fetched = await consumer.getmany(timeout_ms=500, max_records=max_batch)
            batch = [_message(m) for msgs in fetched.values() for m in msgs]
            if not batch:
                continue
            try:
                refused = await sink.write(batch)
            except Exception as e:  # the store is down or refused the batch: read it again later
                log.warning(
                    "%s: %d records not stored (%s); again in %.0f s", group_id, len(batch), e, backoff
                )
                for tp, msgs in fetched.items():
                    consumer.seek(tp, msgs[0].offset)
                await _sleep(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = 1.0
            await _dead_letters(producer, refused, group_id)
            try:
                await consumer.commit({tp: msgs[-1].offset + 1 for tp, msgs in fetched.items()})
            except CommitFailedError as e:  # the group rebalanced: the new owner writes them again, alike
                log.warning("%s: offsets not committed (%s)", group_id, e)
    finally:
        await consumer.stop()
        await producer.stop()
        await sink.close()


def _message(m: ConsumerRecord[bytes, bytes]) -> Message:
    return Message(m.topic, m.partition, m.offset, m.key, m.value, m.timestamp)


async def _dead_letters(
    producer: AIOKafkaProducer, refused: Sequence[tuple[Message, str]], stage: str
) -> None:
    """Refused records into the dead-letter topic, acknowledged before their offsets are committed."""
    for msg, reason in refused:
        letter = DeadLetter.wrap(
            msg.value,
            stage=stage,
            reason=reason,
            source_topic=msg.topic,
            partition=msg.partition,
            offset=msg.offset,
            key=msg.key,
        )
        await producer.send_and_wait(DEADLETTER.name, key=msg.key, value=letter.model_dump_json().encode())


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
