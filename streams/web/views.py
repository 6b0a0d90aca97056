"""What the dashboard and `GET /events` show, read from the published topics.

Every worker follows the whole of `investment.totals` (the last record per key: the broker
may never compact), the latest records of `investment.events` and the size of
`articles.deadletter`, so any worker's dashboard shows every region, whoever owns it. Each
change gets a sequence number, so a live view sends a client only what changed since its
last message.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from connectors.sinks.topic_reader import partitions_of
from schemas.topics import DEADLETTER, EVENTS, TOTALS

log = logging.getLogger(__name__)


class Changes:
    """Wakes every waiter when any view changed."""

    def __init__(self) -> None:
        self.seq = 0
        self._event = asyncio.Event()

    def next(self) -> int:
        self.seq += 1
        return self.seq

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Until the next change, or `timeout` seconds."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)


class TotalsView:
    """The current `investment.totals` rows; a tombstone removes its row."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.rows: dict[str, dict[str, Any]] = {}
        #: key → sequence number of its last change (removed rows too, so clients learn of them)
        self.changed: dict[str, int] = {}

    def apply(self, msg: ConsumerRecord[bytes, bytes]) -> None:
        key = (msg.key or b"").decode("utf-8", "replace")
        if msg.value is None:
            self.rows.pop(key, None)
        else:
            self.rows[key] = json.loads(msg.value)
        self.changed[key] = self.changes.next()

    def since(self, seq: int) -> list[tuple[str, dict[str, Any] | None]]:
        """Every row changed after `seq` (None: the row no longer exists)."""
        return [(key, self.rows.get(key)) for key, at in self.changed.items() if at > seq]


class EventsView:
    """The latest `capacity` events, newest last; an event seen again moves to the end."""

    def __init__(self, changes: Changes, capacity: int) -> None:
        self.changes = changes
        self.capacity = capacity
        #: event_id → (sequence number, record timestamp in ms, the event)
        self.latest: OrderedDict[str, tuple[int, int, dict[str, Any]]] = OrderedDict()

    def apply(self, msg: ConsumerRecord[bytes, bytes]) -> None:
        if msg.value is None:
            return
        event = json.loads(msg.value)
        self.latest.pop(event["event_id"], None)
        self.latest[event["event_id"]] = (self.changes.next(), msg.timestamp, event)
        while len(self.latest) > self.capacity:
            self.latest.popitem(last=False)

    def newest(
        self, keep: Callable[[int, dict[str, Any]], bool], limit: int, after_seq: int = 0
    ) -> list[dict[str, Any]]:
        """Up to `limit` events, newest first, that came after `after_seq` and pass
        `keep(timestamp, event)`."""
        found: list[dict[str, Any]] = []
        for seq, ts, event in reversed(self.latest.values()):
            if seq <= after_seq or len(found) >= limit:
                break
            if keep(ts, event):
                found.append(event)
        return found


class DeadLetterCount:
    """How many letters `articles.deadletter` holds: the sum of its high-water marks (the topic
    keeps every letter, so its offsets start at 0), read from fetch replies, which are right
    even where ListOffsets is not."""

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self.consumer: AIOKafkaConsumer | None = None
        self.tps: list[TopicPartition] = []

    def apply(self, msg: ConsumerRecord[bytes, bytes]) -> None:
        self.changes.next()

    @property
    def total(self) -> int:
        if self.consumer is None:
            return 0
        return sum(self.consumer.highwater(tp) or 0 for tp in self.tps)


class Follower:
    """Reads one topic (every partition, no consumer group) and hands each record to `apply`;
    a record it cannot read is logged and passed over, never the end of the worker."""

    def __init__(
        self,
        broker: str,
        topic: str,
        apply: Callable[[ConsumerRecord[bytes, bytes]], None],
        changes: Changes,
        tail: int | None = None,
    ) -> None:
        self.broker = broker
        self.topic = topic
        self.apply = apply
        self.changes = changes
        #: None: from the start; N: about the last N records (at least N per partition's share)
        self.tail = tail
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=broker, group_id=None, enable_auto_commit=False, metadata_max_age_ms=5000
        )
        self.tps: list[TopicPartition] = []

    async def start(self) -> None:
        await self.consumer.start()
        self.tps = await partitions_of(self.consumer, self.topic)
        self.consumer.assign(self.tps)
        if self.tail is None:
            await self.consumer.seek_to_beginning(*self.tps)
            return
        await self.consumer.seek_to_end(*self.tps)
        share = -(-self.tail // max(1, len(self.tps)))
        for tp in self.tps:
            self.consumer.seek(tp, max(0, await self.consumer.position(tp) - share))

    async def run(self) -> None:
        while True:
            try:
                batch = await self.consumer.getmany(timeout_ms=1000, max_records=2000)
            except KafkaError as e:  # the broker went away: the view waits for it, stale but there
                log.warning("following %s: %s", self.topic, e)
                await asyncio.sleep(1.0)
                continue
            for msgs in batch.values():
                for msg in msgs:
                    try:
                        self.apply(msg)
                    except (ValueError, KeyError, TypeError) as e:
                        log.warning("%s %d@%d not shown: %s", self.topic, msg.partition, msg.offset, e)
            if batch:
                self.changes.fire()

    async def stop(self) -> None:
        await self.consumer.stop()


class Views:
    """The three views and the followers that keep them, started and stopped together."""

    def __init__(self, broker: str, events_capacity: int = 5000) -> None:
        self.changes = Changes()
        self.totals = TotalsView(self.changes)
        self.events = EventsView(self.changes, events_capacity)
        self.deadletters = DeadLetterCount(self.changes)
        self.followers = [
            Follower(broker, TOTALS.name, self.totals.apply, self.changes),
            Follower(broker, EVENTS.name, self.events.apply, self.changes, tail=events_capacity),
            Follower(broker, DEADLETTER.name, self.deadletters.apply, self.changes, tail=0),
        ]
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        for f in self.followers:
            await f.start()
        dead = self.followers[-1]
        self.deadletters.consumer, self.deadletters.tps = dead.consumer, dead.tps
        self._tasks = [asyncio.create_task(f.run(), name=f"follow {f.topic}") for f in self.followers]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for f in self.followers:
            await f.stop()
