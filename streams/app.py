"""The Faust app: raw article → events and facts → per-region totals, in two hops.

    articles.raw ──read (process pool: normalize, extract, facts)──▶ investment.events
         │                                  └──▶ investment.facts (every partition)
         ▼                                                 │ totals (ledger table)
    articles.deadletter ◀──────────────────────────────────┤
                                                           ▼
                                                   investment.totals

Agents are thin: take a batch, hand it to the pure code (extraction in worker processes,
aggregation here), send what it gives back through one batching producer and wait for the
broker's acknowledgements before the batch's offsets may be committed. Anything that cannot
be read goes to the dead-letter topic with its stage and reason, and the worker carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from typing import Any, cast

import faust
from aiokafka.structs import RecordMetadata
from faust.streams import Stream, _current_event
from faust.types import EventT

from aggregation import ArticleState, TotalsLedger, ledger_index
from aggregation.footprint import Footprint, Route, route
from extraction import Extractor
from schemas import DeadLetter
from schemas.topics import (
    ARTICLE_MAX_BYTES,
    DEADLETTER,
    EVENTS,
    FACTS,
    FOOTPRINTS_TABLE,
    LEDGER_TABLE,
    RAW,
    TOTALS,
    TopicSpec,
)
from schemas.totals import ArticleFacts
from streams.consumer import consumer_class
from streams.cpu import CpuPool, Read, Refused
from streams.outputs import Outputs
from streams.probe import BrokerTraits
from streams.recovery import PromptTableManager
from streams.restore import complete_restores
from streams.settings import Settings

log = logging.getLogger(__name__)

Acks = list[asyncio.Future[RecordMetadata]]

#: Faust's RocksDB store gives each partition a 2 GiB block cache, which a rebuild's full read
#: of the table fills; the ledger's reads are point lookups and scans of one rebuild.
TABLE_STORE_OPTIONS = {"block_cache_size": 64 << 20}


#: the longest the ledger rebuild holds the event loop at a time (seconds)
_REBUILD_SLICE = 0.05
#: a rebuild longer than this says how far it got, this often (seconds)
_REBUILD_TELL_EVERY = 10.0


@contextlib.contextmanager
def applying(ev: EventT) -> Iterator[None]:
    """Faust's tables and their RocksDB stores pick the partition they write from the event being
    iterated (a context variable); the events of a batch are applied one at a time under it."""
    token = _current_event.set(weakref.ref(ev))
    try:
        yield
    finally:
        _current_event.reset(token)


class Pipeline:
    """One worker's Faust app, its topics, agents, ledger table and counters."""

    def __init__(
        self, settings: Settings, broker: str, traits: BrokerTraits, extractor: Extractor | None = None
    ) -> None:
        self.settings = settings
        self.counts: Counter[str] = Counter()
        self.cpu = CpuPool(
            settings.cpu_processes, extractor or Extractor(), settings.max_message_bytes, settings.partitions
        )
        self.outputs = Outputs(broker)
        completing = settings.complete_table_restores
        self.complete_restores = not traits.exact_list_offsets if completing is None else completing
        self.broker = broker
        consistency_check = settings.recovery_consistency_check
        self.app = faust.App(
            settings.app_id,
            broker=f"kafka://{broker}",
            store=settings.store,
            datadir=str(settings.data_dir),
            topic_partitions=settings.partitions,
            topic_replication_factor=1,
            broker_session_timeout=settings.session_timeout,
            broker_heartbeat_interval=settings.heartbeat_interval,
            broker_rebalance_timeout=settings.rebalance_timeout,
            broker_commit_interval=settings.commit_interval,
            consumer_auto_offset_reset="earliest",
            processing_guarantee=settings.processing_guarantee,
            recovery_consistency_check=traits.exact_list_offsets
            if consistency_check is None
            else consistency_check,
            web_enabled=False,  # streams.web serves the routes; Faust only advertises where
            canonical_url=settings.web_url,
            TableManager=PromptTableManager,
            producer_max_request_size=ARTICLE_MAX_BYTES,
        )
        self.app.transport.Consumer = consumer_class(settings.fetch_max_wait)  # type: ignore[misc]
        self.raw = self._topic(RAW)
        self.facts = self._topic(FACTS)
        self.ledger_table = self.app.Table(
            LEDGER_TABLE,
            key_type=str,
            value_type=bytes,  # raw: the ArticleState JSON, in the changelog and on recovery alike
            partitions=settings.partitions,
            options=TABLE_STORE_OPTIONS,
        )
        self.footprints = self.app.Table(
            FOOTPRINTS_TABLE,
            key_type=str,
            value_type=bytes,  # raw: the Footprint JSON
            partitions=settings.partitions,
            options=TABLE_STORE_OPTIONS,
        )
        #: ledgers of the partitions this worker owns, rebuilt from the table after each rebalance
        self.ledgers: dict[int, TotalsLedger] = {}
        self.ready = False
        #: when the running rebalance (table recovery included) began; None when there is none
        self.rebalancing_since: float | None = time.monotonic()
        self._publishing = asyncio.Lock()
        #: called with (agent, batch) when an agent is done with a batch (metrics time it)
        self.batch_observers: list[Callable[[str, Sequence[EventT]], None]] = []
        self._register()

    # -- wiring ------------------------------------------------------------------------

    def _topic(self, spec: TopicSpec) -> faust.TopicT:
        """The agents' topics carry bytes; the pydantic models of schemas/ encode and decode them."""
        return self.app.topic(
            spec.name,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partitions or self.settings.partitions,
            config=spec.config,
        )

    def _register(self) -> None:
        app, n = self.app, self.settings.cpu_processes
        # two actors per process: while one waits for its acknowledgements the other has the pool
        app.agent(self.raw, name="read", concurrency=2 * n)(self._read)
        app.agent(self.facts, name="totals")(self._totals)
        app.timer(interval=self.settings.totals_publish_interval, name="publish-totals")(self.publish_totals)
        app.on_partitions_revoked.connect(self._on_revoked)  # type: ignore[arg-type]
        app.on_rebalance_complete.connect(self._on_rebalance_complete)  # type: ignore[arg-type]

    async def start(self) -> None:
        await self.cpu.start()  # fork the processes before the app starts its threads
        await self.outputs.start()
        await self.app.start()

    async def stop(self) -> None:
        try:
            await self.app.stop()
        finally:
            self.cpu.stop()
            await self.outputs.stop()
            self._close_ledgers()

    async def _on_revoked(self, sender: Any, *args: Any, **kwargs: Any) -> None:
        """No row is published from here until the rows of the new assignment are rebuilt."""
        async with self._publishing:
            self.ready = False
            self._close_ledgers()
            self.rebalancing_since = time.monotonic()

    def _close_ledgers(self) -> None:
        for ledger in self.ledgers.values():
            ledger.close()
        self.ledgers = {}

    async def _on_rebalance_complete(self, sender: Any, *args: Any, **kwargs: Any) -> None:
        """After Faust's table recovery, before the streams resume."""
        async with self._publishing:
            if self.complete_restores:
                actives = self.app.assignor.assigned_actives()
                owned = [
                    (table, {tp.partition for tp in actives if tp.topic == source.name})
                    for table, source in ((self.ledger_table, FACTS), (self.footprints, RAW))
                ]
                found = await complete_restores(self.broker, owned)
                log.info("table restores completed past ListOffsets: %d records", found)
            await self._rebuild()

    async def _rebuild(self) -> None:
        """Rows of the owned partitions from the recovered table (keys `PARTITION|ARTICLE_ID`),
        streamed in one pass into ledgers whose indexes start empty (on disk: wiped).

        A long history takes seconds to minutes: the rebuild gives the event loop a turn every
        `_REBUILD_SLICE` seconds, so that the worker goes on answering (commits, timers, the
        web routes), and each turn counts as progress against `recovery_timeout`."""
        owned = {tp.partition for tp in self.app.assignor.assigned_actives() if tp.topic == FACTS.name}
        self._close_ledgers()
        s = self.settings
        self.ledgers = {
            p: TotalsLedger(s.min_confidence, ledger_index(s.store, s.data_dir, p)) for p in owned
        }
        began = told = turn = time.monotonic()
        before = self.counts["ledger.restored"]
        for n, (key, raw) in enumerate(self.ledger_table.items()):
            if (owner := self.ledgers.get(int(str(key).split("|", 1)[0]))) is not None:
                owner.restore(ArticleState.model_validate_json(raw), raw)
                self.counts["ledger.restored"] += 1
            if n % 256 == 0 and (now := time.monotonic()) - turn > _REBUILD_SLICE:
                if now - told > _REBUILD_TELL_EVERY:
                    told = now
                    taken = self.counts["ledger.restored"] - before
                    log.info("rebuilding the totals: %d article states taken so far", taken)
                await asyncio.sleep(0)
                turn = self.rebalancing_since = time.monotonic()
        took = time.monotonic() - began
        if took > _REBUILD_TELL_EVERY:
            taken = self.counts["ledger.restored"] - before
            log.info("totals rebuilt from %d article states in %.1f s", taken, took)
        self.ready = True
        self.rebalancing_since = None

    async def _dead(self, ev: EventT, stage: str, reason: str) -> asyncio.Future[RecordMetadata]:
        msg = ev.message
        letter = DeadLetter.wrap(
            msg.value,
            stage=stage,
            reason=reason,
            source_topic=msg.topic,
            max_bytes=DEADLETTER.max_bytes,
            partition=msg.partition,
            offset=msg.offset,
            key=msg.key,
        )
        self.counts[f"dead.{stage}"] += 1
        return await self.outputs.send(DEADLETTER.name, msg.key, letter.model_dump_json().encode())

    # -- agents ------------------------------------------------------------------------

    def _batches(self, stream: faust.StreamT[bytes]) -> AsyncIterator[Sequence[EventT]]:
        """The stream's events a batch at a time; their offsets are acknowledged after the batch."""
        s = self.settings
        return cast(Stream[bytes], stream).take_events(s.batch_size, within=s.batch_within)

    async def _read(self, stream: faust.StreamT[bytes]) -> None:
        async for batch in self._batches(stream):
            self.counts["articles.in"] += len(batch)
            try:
                results = await self.cpu.read([(ev.message.value, ev.message.offset) for ev in batch])
            except BrokenProcessPool as e:
                await self.app.crash(e)
                raise
            acks: Acks = []
            for ev, result in zip(batch, results, strict=True):
                acks += await self._send(ev, result)
            await self.outputs.settle(acks)
            self._done("read", batch)

    async def _send(self, ev: EventT, result: Read | Refused) -> Acks:
        """What one read article sends: its events, then its facts to the partitions that must hear
        of this version (aggregation.footprint)."""
        if isinstance(result, Refused):
            if result.stage != "normalize":
                self.counts["articles.normalized"] += 1
            return [await self._dead(ev, result.stage, result.reason)]
        self.counts["articles.normalized"] += 1
        self.counts["articles.extracted"] += 1
        self.counts["events.out"] += len(result.events)
        acks = [await self.outputs.send(EVENTS.name, k, v) for k, v in result.events]
        if ev.message.key == result.url.encode():
            with applying(ev):
                way = self._route(result)
            sends = [(p, result.facts.get(p, result.no_facts)) for p in sorted(way.targets)]
            if way.shadowed:
                aid, latest = result.article_id, way.footprint.latest
                shadow = ArticleFacts(article_id=aid, url=result.url, version=latest, contributions=[])
                sends += [(p, shadow.model_dump_json().encode()) for p in sorted(way.shadowed)]
        else:  # not keyed by url: its versions may be read by several workers, so tell every partition
            sends = [(p, result.facts.get(p, result.no_facts)) for p in range(self.settings.partitions)]
        key = result.article_id.encode()
        for partition, facts in sends:
            acks.append(await self.outputs.send(FACTS.name, key, facts, partition))
        return acks

    def _route(self, read: Read) -> Route:
        """Where the article's version goes, by its footprint, which it then updates (no await
        between reading and writing it: the agent's concurrent actors see one after the other)."""
        stored = self.footprints.get(read.article_id)
        before = Footprint.model_validate_json(stored) if stored else None
        way = route(before, read.version, set(read.facts))
        if way.footprint != before:
            self.footprints[read.article_id] = way.footprint.model_dump_json().encode()
        return way

    async def _totals(self, stream: faust.StreamT[bytes]) -> None:
        async for batch in self._batches(stream):
            if not self.ready:
                async with self._publishing:
                    if not self.ready:
                        await self._rebuild()
            acks: Acks = []
            for ev in batch:
                with applying(ev):
                    acks += await self._apply(ev)
            await self.outputs.settle(acks)
            await self.publish_totals()  # a batch's rows go out with it, not at the next tick
            self._done("totals", batch)

    def _done(self, agent: str, batch: Sequence[EventT]) -> None:
        for observe in self.batch_observers:
            observe(agent, batch)

    async def _apply(self, ev: EventT) -> Acks:
        """One version of one article's facts into the ledger (a dead letter if it is none)."""
        try:
            facts = ArticleFacts.model_validate_json(ev.message.value or b"")
        except ValueError as e:
            return [await self._dead(ev, "totals", f"not an article's facts: {e}")]
        partition = ev.message.partition
        if (ledger := self.ledgers.get(partition)) is None:
            s = self.settings
            ledger = self.ledgers[partition] = TotalsLedger(
                s.min_confidence, ledger_index(s.store, s.data_dir, partition)
            )
        state = ledger.apply(facts)
        self.counts["versions.applied" if state else "versions.repeated"] += 1
        if state is not None:
            self.ledger_table[f"{partition}|{facts.article_id}"] = state.model_dump_json().encode()
        return []

    async def publish_totals(self) -> int:
        """Send the changed rows of the owned partitions (a null value deletes a row); a row is
        forgotten only once the broker acknowledged it. Returns how many were sent."""
        async with self._publishing:
            if not self.ready:
                return 0
            pending = [(ledger, item) for ledger in self.ledgers.values() for item in ledger.pending()]
            await self.outputs.settle(
                [
                    await self.outputs.send(
                        TOTALS.name, key.encode(), row.model_dump_json().encode() if row is not None else None
                    )
                    for _ledger, (key, _gen, row) in pending
                ]
            )
            for ledger, (key, gen, _row) in pending:
                ledger.sent(key, gen)
        self.counts["totals.published"] += len(pending)
        return len(pending)

    @property
    def idle(self) -> bool:
        """Rows rebuilt and nothing waiting to be published (with zero lag: a replay is done)."""
        return self.ready and not any(ledger.dirty for ledger in self.ledgers.values())
