"""Read a topic: its whole content up to now, or as it grows.

The embedded broker never compacts, so readers of `investment.totals` keep the
last record per key themselves, and drop a key whose last record is a tombstone (a
null value: the row no longer exists); `snapshot` does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from streams.lag import high_water_marks


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    """Every partition of `topic`, also one created after the consumer started."""
    parts = consumer.partitions_for_topic(topic)
    if parts is None:
        await consumer._client.force_metadata_update()  # the topic was created after the client started
        parts = consumer.partitions_for_topic(topic) or set()
    return [TopicPartition(topic, p) for p in sorted(parts)]


async def snapshot(broker: str, topic: str, keep_all: bool = False) -> dict[str, dict[str, Any]]:
    """The last record of every key in `topic`, read from the start to the current end
    (every record, keyed by partition and offset, with `keep_all`)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=broker, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await partitions_of(consumer, topic)
        if not tps:
            return {}
        ends = await high_water_marks(broker, tps, {})
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, 0)
        latest: dict[str, dict[str, Any]] = {}
        pending = {tp for tp in tps if ends.get(tp, 0) > 0}
        while pending:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for tp, msgs in batch.items():
                for msg in msgs:
                    if msg.offset >= ends[tp]:
                        continue
                    if keep_all:
                        latest[f"{tp.partition:04d}:{msg.offset:012d}"] = json.loads(msg.value or b"{}")
                        continue
                    key = (msg.key or b"").decode("utf-8", "replace")
                    if msg.value is None:
                        latest.pop(key, None)
                    else:
                        latest[key] = json.loads(msg.value)
                if msgs and msgs[-1].offset + 1 >= ends[tp]:
                    pending.discard(tp)
        return latest
    finally:
        await consumer.stop()


async def follow(broker: str, topic: str, from_beginning: bool = True) -> AsyncIterator[tuple[str, bytes]]:
    """Every record of `topic` as it arrives: (key, value); tombstones are skipped."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
        metadata_max_age_ms=2000,
    )
    await consumer.start()
    try:
        async for msg in consumer:
            if msg.value is None:
                continue
            yield (msg.key or b"").decode("utf-8", "replace"), msg.value
    finally:
        await consumer.stop()
