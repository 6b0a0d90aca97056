"""How far a consumer group is behind, from committed offsets and fetch high-water marks.

Tansu answers ListOffsets(latest) wrongly (start of the last batch + 1), so the
end of a partition is read from a fetch reply's high-water mark instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def high_water_marks(
    bootstrap: str, tps: list[TopicPartition], start: dict[TopicPartition, int]
) -> dict[TopicPartition, int]:
    """The high-water mark of each partition, from one fetch starting at `start` (or 0)."""
    # a short fetch wait: a partition with nothing past `start` answers (with its mark) at once
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None, fetch_max_wait_ms=20
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        for tp in tps:
            consumer.seek(tp, start.get(tp, 0))
        marks: dict[TopicPartition, int] = {}
        for _ in range(80):
            await consumer.getmany(timeout_ms=50, max_records=10_000)
            for tp in tps:
                hw = consumer.highwater(tp)
                if hw is not None:
                    marks[tp] = hw
            if len(marks) == len(tps):
                break
        return marks
    finally:
        await consumer.stop()


async def topic_partitions(bootstrap: str, topics: Sequence[str]) -> list[TopicPartition]:
    """Every partition of those of `topics` that exist, in order."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        present = [t for t in topics if t in existing]
        described = await admin.describe_topics(present) if present else []
    finally:
        await admin.close()
    return [
        TopicPartition(d["topic"], p["partition"])
        for d in described
        for p in sorted(d["partitions"], key=lambda p: p["partition"])
    ]


async def group_lag(bootstrap: str, group: str, topics: Sequence[str]) -> dict[TopicPartition, int]:
    """Messages not yet committed by `group` in each partition of `topics` (missing topics count 0).

    Committed offsets are read by a consumer of the group that is assigned the
    partitions by hand (it never joins the group, so the workers see no rebalance).
    """
    tps = await topic_partitions(bootstrap, topics)
    if not tps:
        return {}
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        reader.assign(tps)
        committed = {tp: (await reader.committed(tp)) or 0 for tp in tps}
    finally:
        await reader.stop()
    marks = await high_water_marks(bootstrap, tps, committed)
    return {tp: max(0, marks.get(tp, 0) - committed[tp]) for tp in tps}
