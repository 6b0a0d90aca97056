"""Events and totals into a real PostgreSQL (127.0.0.1:5432, database test), each run in a schema
of its own: batched, idempotent on replay, reconnecting after its connections are killed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import psycopg
from aiokafka import AIOKafkaProducer
from psycopg.conninfo import conninfo_to_dict

from connectors.sinks.postgres import PostgresSink
from connectors.sinks.runner import run_sink
from connectors.sinks.topic_reader import snapshot
from extraction import Extractor, to_article
from schemas import RawArticle, RegionRef, RegionTotal
from schemas.topics import DEADLETTER, EVENTS, TOTALS
from streams.embedded_broker import EmbeddedBroker
from streams.lag import group_lag
from streams.runner import ensure_topics
from tests.conftest import extraction_cases
from tests.integration.pg import DSN, needs_postgres, rows

pytestmark = needs_postgres


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.3)


@contextlib.asynccontextmanager
async def _sink(broker: str, dsn: str, group: str) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_sink(broker, PostgresSink(dsn), group, stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def _send(broker: str, records: list[tuple[str, bytes, bytes | None]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=broker)
    await producer.start()
    try:
        for topic, key, value in records:
            await producer.send(topic, key=key, value=value)
        await producer.flush()
    finally:
        await producer.stop()


def _totals(n: int, t0: datetime) -> list[RegionTotal]:
    region = RegionRef(code="430400", name="衡阳市", level="city")
    return [
        RegionTotal(
            key=RegionTotal.make_key("430400", "total_investment", str(2020 + i)),
            region=region,
            metric="total_investment",
            year=str(2020 + i),
            amount_cny=1e9 * (i + 1),
            project_count=i + 1,
            event_count=i + 1,
            updated_at=t0,
        )
        for i in range(n)
    ]


async def _lag(broker: str, group: str) -> int:
    return sum((await group_lag(broker, group, [EVENTS.name, TOTALS.name])).values())


async def test_tables_follow_the_topics_survive_killed_connections_and_replay_alike(schema_dsn: str) -> None:
    extractor = Extractor()
    events = [
        e
        for case in extraction_cases()[:12]
        for e in extractor.extract(to_article(RawArticle.model_validate(case["article"])))
    ]
    t0 = datetime(2024, 6, 1, tzinfo=UTC)
    totals = _totals(4, t0)
    newer = totals[0].model_copy(
        update={"amount_cny": 7.5e9, "event_count": 9, "updated_at": t0 + timedelta(1)}
    )
    first: list[tuple[str, bytes, bytes | None]] = [
        *((EVENTS.name, e.event_id.encode(), e.model_dump_json().encode()) for e in events),
        *((TOTALS.name, t.key.encode(), t.model_dump_json().encode()) for t in totals),
        (TOTALS.name, newer.key.encode(), newer.model_dump_json().encode()),  # the newest wins
        (TOTALS.name, totals[3].key.encode(), None),  # a tombstone deletes its row
        (TOTALS.name, b"bad", b'{"key": "bad"}'),  # not a RegionTotal: dead-lettered
    ]
    with EmbeddedBroker() as broker:
        await ensure_topics(broker, 2)
        await _send(broker, first)
        async with _sink(broker, schema_dsn, "sink-a"):

            async def settled() -> bool:
                return await _lag(broker, "sink-a") == 0

            await _until(settled)
            got = dict(rows(schema_dsn, "SELECT key, amount_cny FROM investment_totals"))
            assert got == {newer.key: 7.5e9, totals[1].key: 2e9, totals[2].key: 3e9}
            (n_events,) = rows(schema_dsn, "SELECT count(*) FROM investment_events")[0]
            assert n_events == len({e.event_id for e in events}) > 0
            e = events[0]
            row = rows(
                schema_dsn,
                f"SELECT kind, region_code, amount_value_cny, record->>'evidence' FROM investment_events"
                f" WHERE event_id = '{e.event_id}'",
            )[0]
            assert row == (e.kind.value, e.region.code, e.amount.value_cny if e.amount else None, e.evidence)
            dead = await snapshot(broker, DEADLETTER.name, keep_all=True)
            assert [(d["key"], d["source_topic"], d["stage"]) for d in dead.values()] == [
                ("bad", TOTALS.name, "sink-a")
            ]
            assert "not a RegionTotal" in next(iter(dead.values()))["reason"]

            # the database drops the sink's connections; the sink opens a new one and goes on
            with psycopg.connect(DSN, autocommit=True) as admin:
                killed = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = %s",
                    (conninfo_to_dict(schema_dsn)["application_name"],),
                ).fetchone()
            assert killed and killed[0] >= 1
            later = _totals(6, t0)[4:]
            await _send(broker, [(TOTALS.name, t.key.encode(), t.model_dump_json().encode()) for t in later])

            async def caught_up() -> bool:
                return len(rows(schema_dsn, "SELECT key FROM investment_totals")) == 5 and await settled()

            await _until(caught_up)

        everything = "SELECT * FROM {} ORDER BY 1"
        before = {
            t: rows(schema_dsn, everything.format(t)) for t in ("investment_events", "investment_totals")
        }
        # another group reads both topics again from the start into the same tables: nothing changes
        async with _sink(broker, schema_dsn, "sink-b"):

            async def replayed() -> bool:
                return await _lag(broker, "sink-b") == 0

            await _until(replayed)
        after = {t: rows(schema_dsn, everything.format(t)) for t in before}
        assert after == before
