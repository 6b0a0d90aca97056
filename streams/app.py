"""The Faust app: raw article → normalized article → events → per-region totals.

    articles.raw ──normalize──▶ articles.normalized ──extract──▶ investment.events
         │                                                         │ group_by province
         └──────────▶ articles.deadletter ◀────────────────────────┤
                                                              totals (ledger table)
                                                                   ▼
                                                           investment.totals

Agents are thin: decode, call the pure code (extraction, aggregation), produce.
Anything that cannot be read goes to the dead-letter topic with its stage and
reason, and the worker carries on.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import faust
from faust.types import EventT

from aggregation import TotalsLedger, contribution_of
from extraction import Extractor, UnreadableArticleError, to_article
from schemas import Article, DeadLetter, InvestmentEvent, RejectedInput, parse_raw_article
from streams.settings import Settings

log = logging.getLogger(__name__)

#: The repartition stream's name: events regrouped so that one partition owns each province.
BY_PROVINCE = "by-province"


def province_key(value: bytes) -> bytes:
    """Repartition key of an event: its province, so a region's rows live on one partition."""
    try:
        return InvestmentEvent.model_validate_json(value).region.code[:2].encode()
    except ValueError:
        return b"??"


class Pipeline:
    """One worker's Faust app, its topics, agents, ledger table and counters."""

    def __init__(self, settings: Settings, broker: str, extractor: Extractor | None = None) -> None:
        self.settings = settings
        self.extractor = extractor or Extractor()
        self.counts: Counter[str] = Counter()
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
            recovery_consistency_check=not (settings.embedded and settings.store.startswith("rocksdb")),
            web_enabled=settings.web_enabled,
            web_port=settings.web_port,
            # a refused message travels whole to the dead-letter topic (base64 makes it a third larger)
            producer_max_request_size=settings.max_message_bytes * 2 + 65_536,
            producer_max_batch_size=1 if settings.single_message_batches() else 16_384,
        )
        self.raw = self._topic("articles.raw")
        self.normalized = self._topic("articles.normalized", internal=True)
        self.events = self._topic("investment.events")
        self.totals = self._topic("investment.totals", config={"cleanup.policy": "compact"})
        self.deadletter = self._topic(
            "articles.deadletter", config={"max.message.bytes": settings.max_message_bytes * 2 + 65_536}
        )
        self.ledger_table = self.app.Table(
            "totals-ledger",
            schema=faust.Schema(key_serializer="json", value_serializer="raw"),
            partitions=settings.partitions,
        )
        self.ledger = TotalsLedger(store=self.ledger_table)
        self._stale = True
        self._register()

    # -- wiring ------------------------------------------------------------------------

    def _topic(self, name: str, internal: bool = False, config: dict[str, Any] | None = None) -> faust.TopicT:
        """Topics carry bytes; the pydantic models of schemas/ encode and decode them."""
        return self.app.topic(
            name, key_serializer="raw", value_serializer="raw", internal=internal, config=config or {}
        )

    def _register(self) -> None:
        app = self.app
        app.agent(self.raw, name="normalize")(self._normalize)
        app.agent(self.normalized, name="extract")(self._extract)
        app.agent(self.events, name="totals")(self._totals)
        app.timer(interval=self.settings.totals_publish_interval, name="publish-totals")(self.publish_totals)
        app.on_rebalance_complete.connect(self._on_rebalance)  # type: ignore[arg-type]

    async def _on_rebalance(self, sender: Any, **kwargs: Any) -> None:
        self._stale = True  # rows are rebuilt from the recovered ledger before the next event

    async def _dead(self, ev: EventT, stage: str, reason: str) -> None:
        msg = ev.message
        letter = DeadLetter.wrap(
            msg.value,
            stage=stage,
            reason=reason,
            source_topic=msg.topic,
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
                article = to_article(parse_raw_article(ev.message.value, self.settings.max_message_bytes))
            except (RejectedInput, UnreadableArticleError) as e:
                await self._dead(ev, "normalize", str(e))
            except Exception as e:  # a bug must not stop the worker: the message is kept with it
                log.exception("normalize failed")
                await self._dead(ev, "normalize", f"{type(e).__name__}: {e}")
            else:
                self.counts["articles.normalized"] += 1
                await self.normalized.send(
                    key=article.article_id.encode(), value=article.model_dump_json().encode()
                )

    async def _extract(self, stream: faust.StreamT[bytes]) -> None:
        async for ev in stream.events():
            try:
                article = Article.model_validate_json(ev.message.value or b"")
                found = self.extractor.extract(article)
            except Exception as e:  # the extractor must never take the worker down
                log.exception("extract failed")
                await self._dead(ev, "extract", f"{type(e).__name__}: {e}")
            else:
                self.counts["articles.extracted"] += 1
                for event in found:
                    self.counts["events.out"] += 1
                    await self.events.send(
                        key=event.event_id.encode(), value=event.model_dump_json().encode()
                    )

    async def _totals(self, stream: faust.StreamT[bytes]) -> None:
        async for ev in stream.group_by(province_key, name=BY_PROVINCE).events():
            if self._stale:
                self._rebuild()
            try:
                event = InvestmentEvent.model_validate_json(ev.message.value or b"")
            except ValueError as e:
                await self._dead(ev, "totals", f"not an investment event: {e}")
                continue
            contribution = contribution_of(event, partition=ev.message.partition)
            if contribution is not None:
                applied = self.ledger.apply(contribution)
                self.counts["facts.applied" if applied else "facts.repeated"] += 1
            self.counts["events.totalled"] += 1

    def _rebuild(self) -> None:
        changelog = self.ledger_table.changelog_topic.get_topic_name()
        owned = {tp.partition for tp in self.app.assignor.assigned_actives() if tp.topic == changelog}
        self.ledger.rebuild(owned)
        self._stale = False

    async def publish_totals(self) -> int:
        """Send the rows that changed since the last call; returns how many."""
        rows = self.ledger.take_dirty()
        for row in rows:
            await self.totals.send(key=row.key.encode(), value=row.model_dump_json().encode())
        self.counts["totals.published"] += len(rows)
        return len(rows)

    @property
    def idle(self) -> bool:
        """Nothing waiting to be published (used with consumer lag to tell when a replay is done)."""
        return not self.ledger.dirty
