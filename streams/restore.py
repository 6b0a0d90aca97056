"""Finish Faust's table restores on a broker whose ListOffsets(latest) is inexact (Tansu).

Faust restores a changelog partition up to the end ListOffsets(latest) gives; Tansu answers
with the start of the partition's last batch + 1, so a restore stops before the rest of that
batch (../shared/BROKER.md). This reads the rest, from that answer to the fetch high-water
mark, into the table, after Faust's restore and before the streams resume. It replaces
writing the changelog in one-message batches, which held a worker to as many changelog
records per second as the broker answers produce requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from faust.types import TP, TableT
from faust.types.tuples import Message

from streams.lag import high_water_marks


def _message(m: ConsumerRecord[bytes, bytes]) -> Message:
    return Message(
        m.topic,
        m.partition,
        m.offset,
        m.timestamp / 1000,
        m.timestamp_type,
        None,
        m.key,
        m.value,
        None,
        tp=TP(m.topic, m.partition),
    )


async def complete_restores(broker: str, tables: Iterable[tuple[TableT, set[int]]]) -> int:
    """Apply to each table the records of its changelog partitions (the given partition numbers)
    past ListOffsets(latest); returns how many there were."""
    wanted = {
        TopicPartition(table.changelog_topic.get_topic_name(), p): table
        for table, partitions in tables
        for p in partitions
    }
    if not wanted:
        return 0
    tps = list(wanted)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=broker, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=20
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        listed: dict[TopicPartition, int] = await consumer.end_offsets(tps)
        marks = await high_water_marks(broker, tps, listed)
        pending = {tp for tp in tps if marks.get(tp, 0) > listed[tp]}
        for tp in pending:
            consumer.seek(tp, listed[tp])
        found: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]] = defaultdict(list)
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=200)
            for tp, msgs in batch.items():
                found[tp] += [m for m in msgs if m.offset < marks[tp]]
                if msgs and msgs[-1].offset + 1 >= marks[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    for tp, msgs in found.items():
        table = wanted[tp]
        schema = cast(Any, table.changelog_topic).schema  # how Faust's recovery decodes them
        events = [await schema.decode(table.app, _message(m), propagate=True) for m in msgs]
        table.apply_changelog_batch(events)
    return sum(len(msgs) for msgs in found.values())
