"""Totals into a real PostgreSQL (127.0.0.1:5432, database test)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from aiokafka import AIOKafkaProducer

from connectors.sinks.postgres import sync_totals
from schemas import RegionRef, RegionTotal
from streams.embedded_broker import EmbeddedBroker

DSN = os.environ.get("INVESTWIRE_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        with psycopg.connect(DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


async def _send_totals(broker: str, rows: list[RegionTotal]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=broker)
    await producer.start()
    try:
        for row in rows:
            await producer.send_and_wait(
                "investment.totals", key=row.key.encode(), value=row.model_dump_json().encode()
            )
    finally:
        await producer.stop()


@pytest.mark.skipif(not _pg_available(), reason="no PostgreSQL at INVESTWIRE_TEST_POSTGRES_DSN")
async def test_rows_are_upserted_and_the_newest_wins() -> None:
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS investment_totals")
    region = RegionRef(code="430400", name="衡阳市", level="city")
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    first = RegionTotal(
        key="430400|total_investment|all",
        region=region,
        metric="total_investment",
        year="all",
        amount_cny=1e9,
        project_count=2,
        event_count=1,
        updated_at=t0,
    )
    newer = first.model_copy(
        update={"amount_cny": 3e9, "event_count": 2, "updated_at": t0 + timedelta(seconds=5)}
    )
    with EmbeddedBroker() as broker:
        await _send_totals(broker, [first, newer])
        assert await sync_totals(broker, DSN) == 1
        assert await sync_totals(broker, DSN) == 1  # idempotent
    with psycopg.connect(DSN) as conn:
        rows = conn.execute("SELECT key, amount_cny, event_count FROM investment_totals").fetchall()
    assert rows == [("430400|total_investment|all", 3e9, 2)]
