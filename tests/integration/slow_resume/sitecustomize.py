"""Put on a worker's PYTHONPATH by test_worker_faults: a worker that ends its rebalances slowly, as
on a long history and a busy broker. Its ledger rebuild takes two seconds more (meanwhile the
fetcher fills up with what was produced), and each partition's committed offset arrives 0.1 s
late (the window in which it seeks its stream partitions to them)."""

import asyncio
import sys
from typing import Any

import aiokafka

from streams.app import Pipeline

_committed = aiokafka.AIOKafkaConsumer.committed
_rebuild = Pipeline._rebuild


async def _late_committed(self: aiokafka.AIOKafkaConsumer, partition: aiokafka.TopicPartition) -> Any:
    await asyncio.sleep(0.1)
    return await _committed(self, partition)


async def _long_rebuild(self: Pipeline) -> None:
    await asyncio.sleep(2.0)
    await _rebuild(self)


aiokafka.AIOKafkaConsumer.committed = _late_committed  # type: ignore[method-assign]
Pipeline._rebuild = _long_rebuild  # type: ignore[method-assign]
print("slow_resume: loaded", file=sys.stderr, flush=True)
