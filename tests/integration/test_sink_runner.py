"""The sink runner commits a batch's offsets only after the sink stored it, and retries a batch
the sink could not store instead of skipping it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from connectors.base import Message, Sink
from connectors.sinks.runner import run_sink
from schemas.topics import EVENTS
from streams.embedded_broker import EmbeddedBroker
from streams.lag import group_lag
from streams.runner import ensure_topics


class Flaky(Sink):
    """Stores nothing while `down` is set (like a database that is restarting)."""

    topics = (EVENTS.name,)

    def __init__(self) -> None:
        self.down = True
        self.failures = 0
        self.stored: dict[bytes | None, bytes | None] = {}

    async def write(self, batch: Sequence[Message]) -> list[tuple[Message, str]]:
        if self.down:
            self.failures += 1
            raise ConnectionError("store is down")
        self.stored.update((m.key, m.value) for m in batch)
        return []


async def test_offsets_wait_for_the_store() -> None:
    with EmbeddedBroker() as broker:
        await ensure_topics(broker, 2)
        producer = AIOKafkaProducer(bootstrap_servers=broker)
        await producer.start()
        for i in range(20):
            await producer.send(EVENTS.name, key=f"e{i}".encode(), value=b"{}")
        await producer.stop()

        sink, stop = Flaky(), asyncio.Event()
        task = asyncio.create_task(run_sink(broker, sink, "flaky", stop))
        deadline = time.monotonic() + 30
        while sink.failures < 2:  # two tries of the same records, a pause between them
            assert time.monotonic() < deadline and not task.done()
            await asyncio.sleep(0.2)
        assert sum((await group_lag(broker, "flaky", [EVENTS.name])).values()) == 20  # nothing committed
        sink.down = False
        while sum((await group_lag(broker, "flaky", [EVENTS.name])).values()):
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(task, 30)
    assert sorted(sink.stored) == sorted(f"e{i}".encode() for i in range(20))
