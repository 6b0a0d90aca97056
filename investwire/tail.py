"""`investwire tail`: a topic's records on stdout, one JSON line each, as kcat shows them."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from connectors.broker import topic_partitions
from streams.lag import high_water_marks


class NoSuchTopicError(LookupError):
    """The topic is not on the broker (and tail does not create it)."""


async def records(
    broker: str, topic: str, from_beginning: bool = True, exit_at_end: bool = False
) -> AsyncGenerator[ConsumerRecord[bytes, bytes]]:
    """The topic's records in arrival order; with `exit_at_end`, only those there when it started.
    Partitions are assigned, not subscribed, so no consumer group and no topic is ever created."""
    topics = await topic_partitions(broker)
    if topic not in topics:
        known = ", ".join(sorted(t for t in topics if not t.startswith("__"))) or "none"
        raise NoSuchTopicError(f"no topic {topic!r} on {broker} (topics there: {known})")
    consumer = AIOKafkaConsumer(bootstrap_servers=broker, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(topics[topic])]
        ends = await high_water_marks(broker, tps, {})  # Tansu's ListOffsets is off; fetches are not
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, 0 if from_beginning else ends.get(tp, 0))
        pending = {tp for tp in tps if from_beginning and ends.get(tp, 0) > 0}
        while pending or not exit_at_end:
            batch = await consumer.getmany(*tps, timeout_ms=500)
            for tp, msgs in sorted(batch.items(), key=lambda kv: kv[0].partition):
                for msg in msgs:
                    if exit_at_end and msg.offset >= ends[tp]:
                        pending.discard(tp)
                        break
                    yield msg
                    if msg.offset + 1 >= ends.get(tp, 0):
                        pending.discard(tp)
    finally:
        await consumer.stop()


def line(msg: ConsumerRecord[bytes, bytes], keys: bool) -> str:
    """The value as it is (JSON already); with `keys`, an object with key, partition, offset,
    timestamp and the value."""
    value = None if msg.value is None else msg.value.decode("utf-8", "replace")
    if not keys:
        return "null" if value is None else value
    try:
        parsed = None if value is None else json.loads(value)
    except ValueError:
        parsed = value
    return json.dumps(
        {
            "key": None if msg.key is None else msg.key.decode("utf-8", "replace"),
            "partition": msg.partition,
            "offset": msg.offset,
            "timestamp": datetime.fromtimestamp(msg.timestamp / 1000, UTC).isoformat(timespec="milliseconds"),
            "value": parsed,
        },
        ensure_ascii=False,
    )


async def tail(
    broker: str, topic: str, from_beginning: bool, count: int | None, exit_at_end: bool, keys: bool
) -> int:
    """Print records until `count`, the end (with `exit_at_end`) or Ctrl-C; returns how many."""
    n = 0
    async with aclosing(records(broker, topic, from_beginning, exit_at_end)) as stream:
        async for msg in stream:
            sys.stdout.write(line(msg, keys) + "\n")
            sys.stdout.flush()
            n += 1
            if n == count:
                break
    return n
