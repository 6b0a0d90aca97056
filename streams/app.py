"""The Faust app: raw article → normalized article → events and facts → per-region totals.

    articles.raw ──normalize──▶ articles.normalized ──extract──▶ investment.events
         │           (process pool)          │        (process pool)
         │                                   └──▶ investment.facts (every partition)
         ▼                                                │ totals (ledger table)
    articles.deadletter ◀─────────────────────────────────┤
                                                          ▼
                                                  investment.totals

Agents are thin: decode, call the pure code (extraction in worker processes, aggregation
here), produce. Anything that cannot be read goes to the dead-letter topic with its stage
and reason, and the worker carries on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import faust
from faust.types import EventT

from aggregation import ArticleState, TotalsLedger, article_facts, ledger_index
from extraction import Extractor, UnreadableArticleError
from schemas import Article, DeadLetter, RejectedInput
from schemas.topics import (
    ARTICLE_MAX_BYTES,
    DEADLETTER,
    EVENTS,
    FACTS,
    LEDGER_TABLE,
    NORMALIZED,
    RAW,
    TOTALS,
    TopicSpec,
)
from schemas.totals import ArticleFacts
from streams.cpu import CpuPool
from streams.probe import BrokerTraits
from streams.settings import Settings

log = logging.getLogger(__name__)

#: Header of an articles.normalized record: the article's offset in articles.raw (its version).
RAW_OFFSET_HEADER = "raw-offset"


class Pipeline:
    """One worker's Faust app, its topics, agents, ledger table and counters."""

    def __init__(
        self, settings: Settings, broker: str, traits: BrokerTraits, extractor: Extractor | None = None
    ) -> None:
        self.settings = settings
        self.counts: Counter[str] = Counter()
        self.cpu = CpuPool(settings.cpu_processes, extractor or Extractor(), settings.max_message_bytes)
        single_batches = settings.changelog_single_message_batches
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
            producer_max_request_size=ARTICLE_MAX_BYTES,
            producer_max_batch_size=1
            if (not traits.exact_list_offsets if single_batches is None else single_batches)
            else 16_384,
        )
        self.raw = self._topic(RAW)
        self.normalized = self._topic(NORMALIZED)
        self.events = self._topic(EVENTS)
        self.facts = self._topic(FACTS)
        self.totals = self._topic(TOTALS)
        self.deadletter = self._topic(DEADLETTER)
        self.ledger_table = self.app.Table(
            LEDGER_TABLE,
            key_type=str,
            value_type=bytes,  # raw: the ArticleState JSON, in the changelog and on recovery alike
            partitions=settings.partitions,
        )
        #: ledgers of the partitions this worker owns, rebuilt from the table after each rebalance
        self.ledgers: dict[int, TotalsLedger] = {}
        self.ready = False
        #: when the running rebalance (table recovery included) began; None when there is none
        self.rebalancing_since: float | None = time.monotonic()
        self._publishing = asyncio.Lock()
        self._register()

    # -- wiring ------------------------------------------------------------------------

    def _topic(self, spec: TopicSpec) -> faust.TopicT:
        """Topics carry bytes; the pydantic models of schemas/ encode and decode them."""
        return self.app.topic(
            spec.name,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partitions or self.settings.partitions,
            config=spec.config,
        )

    def _register(self) -> None:
        app, n = self.app, self.settings.cpu_processes
        app.agent(self.raw, name="normalize", concurrency=n)(self._normalize)
        app.agent(self.normalized, name="extract", concurrency=n)(self._extract)
        app.agent(self.facts, name="totals")(self._totals)
        app.timer(interval=self.settings.totals_publish_interval, name="publish-totals")(self.publish_totals)
        app.on_partitions_revoked.connect(self._on_revoked)  # type: ignore[arg-type]
        app.on_rebalance_complete.connect(self._on_rebalance_complete)  # type: ignore[arg-type]

    async def start(self) -> None:
        await self.cpu.start()  # fork the processes before the app starts its threads
        await self.app.start()

    async def stop(self) -> None:
        try:
            await self.app.stop()
        finally:
            self.cpu.stop()

    async def _on_revoked(self, sender: Any, *args: Any, **kwargs: Any) -> None:
        """No row is published from here until the rows of the new assignment are rebuilt."""
        async with self._publishing:
            self.ready = False
            self.ledgers.clear()
            self.rebalancing_since = time.monotonic()

    async def _on_rebalance_complete(self, sender: Any, *args: Any, **kwargs: Any) -> None:
        async with self._publishing:
            self._rebuild()

    def _rebuild(self) -> None:
        """Rows of the owned partitions from the recovered table (keys `PARTITION|ARTICLE_ID`),
        streamed in one pass into ledgers whose indexes start empty (on disk: wiped)."""
        owned = {tp.partition for tp in self.app.assignor.assigned_actives() if tp.topic == FACTS.name}
        for ledger in self.ledgers.values():
            ledger.close()
        s = self.settings
        self.ledgers = {
            p: TotalsLedger(s.min_confidence, ledger_index(s.store, s.data_dir, p)) for p in owned
        }
        for key, raw in self.ledger_table.items():
            if (owner := self.ledgers.get(int(str(key).split("|", 1)[0]))) is not None:
                owner.restore(ArticleState.model_validate_json(raw))
        self.ready = True
        self.rebalancing_since = None

    async def _dead(self, ev: EventT, stage: str, reason: str) -> None:
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
        await self.deadletter.send(key=msg.key, value=letter.model_dump_json().encode())

    # -- agents ------------------------------------------------------------------------

    async def _normalize(self, stream: faust.StreamT[bytes]) -> None:
        async for ev in stream.events():
            self.counts["articles.in"] += 1
            try:
                article = await self.cpu.normalize(ev.message.value)
            except (RejectedInput, UnreadableArticleError) as e:
                await self._dead(ev, "normalize", str(e))
            except BrokenProcessPool as e:
                await self.app.crash(e)
                raise
            except Exception as e:  # a bug must not stop the worker: the message is kept with it
                log.exception("normalize failed")
                await self._dead(ev, "normalize", f"{type(e).__name__}: {e}")
            else:
                self.counts["articles.normalized"] += 1
                await self.normalized.send(
                    key=article.article_id.encode(),
                    value=article.model_dump_json().encode(),
                    headers={RAW_OFFSET_HEADER: str(ev.message.offset).encode()},
                )

    async def _extract(self, stream: faust.StreamT[bytes]) -> None:
        async for ev in stream.events():
            try:
                article = Article.model_validate_json(ev.message.value or b"")
                found = await self.cpu.extract(article)
            except BrokenProcessPool as e:
                await self.app.crash(e)
                raise
            except Exception as e:  # the extractor must never take the worker down
                log.exception("extract failed")
                await self._dead(ev, "extract", f"{type(e).__name__}: {e}")
                continue
            self.counts["articles.extracted"] += 1
            for event in found:
                self.counts["events.out"] += 1
                await self.events.send(key=event.event_id.encode(), value=event.model_dump_json().encode())
            headers = dict(ev.message.headers or {})
            versions = article_facts(
                found,
                article_id=article.article_id,
                url=article.url,
                fetched_at=article.fetched_at,
                raw_offset=int(headers.get(RAW_OFFSET_HEADER, b"-1")),
                partitions=self.settings.partitions,
            )
            for partition, facts in enumerate(versions):
                await self.facts.send(
                    key=article.article_id.encode(),
                    value=facts.model_dump_json().encode(),
                    partition=partition,
                )

    async def _totals(self, stream: faust.StreamT[bytes]) -> None:
        async for ev in stream.events():
            if not self.ready:
                self._rebuild()
            try:
                facts = ArticleFacts.model_validate_json(ev.message.value or b"")
            except ValueError as e:
                await self._dead(ev, "totals", f"not an article's facts: {e}")
                continue
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

    async def publish_totals(self) -> int:
        """Send the changed rows of the owned partitions (a null value deletes a row); a row is
        forgotten only once the broker acknowledged it. Returns how many were sent."""
        async with self._publishing:
            if not self.ready:
                return 0
            pending = [(ledger, item) for ledger in self.ledgers.values() for item in ledger.pending()]
            futures = [
                await self.totals.send(
                    key=key.encode(), value=row.model_dump_json().encode() if row is not None else None
                )
                for _ledger, (key, _gen, row) in pending
            ]
            await asyncio.gather(*futures)
            for ledger, (key, gen, _row) in pending:
                ledger.sent(key, gen)
        self.counts["totals.published"] += len(pending)
        return len(pending)

    @property
    def idle(self) -> bool:
        """Rows rebuilt and nothing waiting to be published (with zero lag: a replay is done)."""
        return self.ready and not any(ledger.dirty for ledger in self.ledgers.values())
