"""Faust's Kafka consumer with the fetch wait as a setting, and stream partitions that can be held
back while a rebalance finishes and then rewound to what the group has committed.

Faust builds its aiokafka consumer with a fixed `fetch_max_wait_ms=1500`. Kafka answers a
waiting fetch as soon as records arrive, so there the wait only spaces an idle consumer's
requests; Tansu answers only once about half of it has passed, records or not (a bare
produce → consume round trip: 27 ms p50 with a 100 ms wait, 404 ms with 1,500 ms;
benchmarks/latency.py), and every hop of the pipeline would pay that.

Holding and rewinding: see streams.recovery, which uses them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, cast

import aiokafka
from faust.transport.drivers import aiokafka as faust_kafka
from faust.types import TP


class ConsumerThread(faust_kafka.AIOKafkaConsumerThread):
    """The thread that runs aiokafka, with its consumer's fetch wait."""

    consumer: HoldingConsumer

    def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        # its fetcher reads it at start
        consumer._fetch_max_wait_ms = int(self.consumer.fetch_max_wait * 1000)
        return consumer

    async def committed_offsets(self, tps: Iterable[TP]) -> dict[TP, int | None]:
        """The group's committed offset of each partition (None where it has committed none)."""
        return await self.call_thread(self._committed, list(tps))

    async def _committed(self, tps: list[TP]) -> dict[TP, int | None]:
        consumer = self._ensure_consumer()
        offsets = await asyncio.gather(*(consumer.committed(aiokafka.TopicPartition(*tp)) for tp in tps))
        return dict(zip(tps, offsets, strict=True))


class HoldingConsumer(faust_kafka.Consumer):
    """Faust's aiokafka consumer whose stream partitions can be held paused, then rewound."""

    fetch_max_wait: float = 1.5
    #: stream partitions whose resume waits for flow to resume (None: resumes go through at once)
    held: set[TP] | None = None
    #: the consumer generation whose rebalance holds them
    held_generation: int = -1

    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    def hold(self, generation: int) -> None:
        """Until flow resumes, stream partitions Faust resumes stay paused and its seek is ours."""
        self.held, self.held_generation = set(), generation

    def drop_hold(self) -> None:
        """The rebalance ended without resuming flow (a new one began): nothing to resume."""
        self.held = None

    def resume_partitions(self, tps: Iterable[TP]) -> None:
        if self.held is None:
            super().resume_partitions(tps)
        else:
            self.held.update(tps)

    async def perform_seek(self) -> None:
        """Seek the held partitions, still paused, to the group's committed offsets, or where it
        committed none, to where `auto_offset_reset` says (aiokafka seeks only offsets above 0)."""
        if self.held is None:
            await super().perform_seek()
            return
        if not self.held:
            return
        thread = cast(ConsumerThread, self._thread)
        committed = await thread.committed_offsets(self.held)
        targets = {tp: off for tp, off in committed.items() if off is not None and off >= 0}
        if fresh := committed.keys() - targets.keys():
            earliest = self.app.conf.consumer_auto_offset_reset == "earliest"
            targets.update(await (self.earliest_offsets if earliest else self.highwaters)(*fresh))
        await self.seek_wait(targets)
        self._committed_offset.update({tp: off or None for tp, off in committed.items() if off is not None})

    def resume_flow(self) -> None:
        """Faust resumes flow right after flow control emptied the agents' queues: the held
        partitions resume here, before the fetcher's next round (unless a new rebalance began:
        then it resumes what it assigns)."""
        super().resume_flow()
        if self.held is not None:
            held, self.held = self.held, None
            if self.app.consumer_generation_id == self.held_generation:
                super().resume_partitions(held & self.assignment())


def consumer_class(fetch_max_wait: float) -> type[HoldingConsumer]:
    """The holding consumer whose fetches wait at most `fetch_max_wait` seconds."""
    wait = fetch_max_wait

    class Consumer(HoldingConsumer):
        fetch_max_wait = wait

    return Consumer
