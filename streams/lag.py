"""How far a consumer group is behind, from committed offsets and fetch high-water marks.

Tansu answers ListOffsets(latest) wrongly (start of the last batch + 1), so the
end of a partition is read from a fetch reply's high-water mark instead.
"""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def high_water_marks(bootstrap: str, tps: list[TopicPartition], start: dict[TopicPartition, int]) -> dict[
    TopicPartition, int
]:
    """The high-water mark of each partition, from one fetch starting at `start` (or 0)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, start.get(tp, 0))
        marks: dict[TopicPartition, int] = {}
        for _ in range(20):
            await consumer.getmany(timeout_ms=200, max_records=10_000)
            for tp in tps:
                hw = consumer.highwater(tp)
                if hw is not None:
                    marks[tp] = hw
            if len(marks) == len(tps):
                break
        return marks
    finally:
        await consumer.stop()


async def group_lag(bootstrap: str, group: str, topics: list[str]) -> dict[TopicPartition, int]:
    """Messages not yet committed by `group` in each partition of `topics` (missing topics count 0)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        committed_meta = await admin.list_consumer_group_offsets(group)
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    committed = {tp: meta.offset for tp, meta in committed_meta.items() if meta.offset >= 0}
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    await probe.start()
    try:
        tps = [
            TopicPartition(t, p)
            for t in topics
            if t in existing
            for p in sorted(probe.partitions_for_topic(t) or [])
        ]
    finally:
        await probe.stop()
    marks = await high_water_marks(bootstrap, tps, committed)
    return {tp: max(0, marks.get(tp, 0) - committed.get(tp, 0)) for tp in tps}
