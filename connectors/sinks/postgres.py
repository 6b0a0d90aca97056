"""`investment.totals` into PostgreSQL: one row per key, upserted, newest wins.

For dashboards that read SQL. The topic is the source of truth; the table can be
dropped and refilled from it at any time (`sync_totals`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import psycopg

from connectors.sinks.topic_reader import follow, snapshot
from schemas import RegionTotal

TABLE_DDL = """
CREATE TABLE IF NOT EXISTS investment_totals (
    key            text PRIMARY KEY,
    region_code    char(6) NOT NULL,
    region_name    text NOT NULL,
    region_level   text NOT NULL,
    metric         text NOT NULL,
    year           text NOT NULL,
    amount_cny     double precision NOT NULL,
    project_count  integer NOT NULL,
    event_count    integer NOT NULL,
    reported       jsonb,
    updated_at     timestamptz NOT NULL
)
"""
UPSERT = """
INSERT INTO investment_totals AS t (key, region_code, region_name, region_level, metric, year, amount_cny,
                                    project_count, event_count, reported, updated_at)
VALUES (%(key)s, %(region_code)s, %(region_name)s, %(region_level)s, %(metric)s, %(year)s, %(amount_cny)s,
        %(project_count)s, %(event_count)s, %(reported)s, %(updated_at)s)
ON CONFLICT (key) DO UPDATE SET
    amount_cny = EXCLUDED.amount_cny, project_count = EXCLUDED.project_count,
    event_count = EXCLUDED.event_count, reported = EXCLUDED.reported, updated_at = EXCLUDED.updated_at
WHERE t.updated_at <= EXCLUDED.updated_at
"""


def _params(row: RegionTotal) -> dict[str, Any]:
    return {
        "key": row.key,
        "region_code": row.region.code,
        "region_name": row.region.name,
        "region_level": row.region.level,
        "metric": row.metric.value,
        "year": row.year,
        "amount_cny": row.amount_cny,
        "project_count": row.project_count,
        "event_count": row.event_count,
        "reported": json.dumps(row.reported.model_dump(mode="json"), ensure_ascii=False)
        if row.reported
        else None,
        "updated_at": row.updated_at,
    }


async def upsert(conn: psycopg.AsyncConnection[Any], rows: Iterable[RegionTotal]) -> int:
    n = 0
    async with conn.cursor() as cur:
        for row in rows:
            await cur.execute(UPSERT, _params(row))
            n += 1
    return n


async def sync_totals(broker: str, dsn: str) -> int:
    """Bring the table up to the topic's current content; returns the rows written."""
    rows = await snapshot(broker, "investment.totals")
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(TABLE_DDL)
        return await upsert(conn, (RegionTotal.model_validate(v) for v in rows.values()))


async def run_totals_sink(broker: str, dsn: str) -> None:
    """Follow the topic for ever, upserting each row as it comes."""
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
        await conn.execute(TABLE_DDL)
        async for _key, value in follow(broker, "investment.totals"):
            await upsert(conn, [RegionTotal.model_validate_json(value)])
