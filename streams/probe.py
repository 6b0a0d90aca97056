"""What the broker does, found out at start, so its workarounds follow the broker and not who
started it.

Tansu answers ListOffsets(latest) with the start of the last batch + 1 while fetch replies
carry the true high-water mark (../shared/BROKER.md). Writing three batches of two records
and comparing the two answers tells a broker with that bug from one without.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from schemas.topics import PROBE

BATCHES, RECORDS = 3, 2


@dataclass(frozen=True)
class BrokerTraits:
    """What the probe found."""

    exact_list_offsets: bool


async def probe(broker: str) -> BrokerTraits:
    tp = TopicPartition(PROBE.name, 0)
    producer = AIOKafkaProducer(bootstrap_servers=broker, linger_ms=0)
    await producer.start()
    try:
        for _ in range(BATCHES):
            batch = producer.create_batch()
            for i in range(RECORDS):
                batch.append(key=None, value=str(i).encode(), timestamp=None)
            await (await producer.send_batch(batch, tp.topic, partition=tp.partition))
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=broker, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([tp])
        listed = (await consumer.end_offsets([tp]))[tp]
        consumer.seek(tp, max(0, listed - BATCHES * RECORDS))
        highwater = None
        for _ in range(50):
            await consumer.getmany(tp, timeout_ms=100)
            highwater = consumer.highwater(tp)
            if highwater is not None:
                break
    finally:
        await consumer.stop()
    return BrokerTraits(exact_list_offsets=highwater == listed)
