"""`investment.events` and `investment.totals` into PostgreSQL tables `investment_events` and
`investment_totals`, kept in step with the topics.

Columns follow the record models (`connectors.sinks.columns`), beside the whole record as
jsonb and the record's place in its topic. A row is written only by a record further on in
its partition than the one it holds (a key always lands on one partition), so replaying the
topics from the start, or a batch written twice after a crash, leaves the tables as they were;
a tombstone (null value) deletes its row. A lost connection is opened again on the next try.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.types.json import Jsonb
from pydantic import BaseModel, ValidationError

from connectors.base import Message, Sink
from connectors.sinks.columns import Column, columns_of
from schemas import InvestmentEvent, RegionTotal
from schemas.topics import EVENTS, TOTALS

log = logging.getLogger(__name__)

#: information_schema's names of the types `columns_of` gives, where they differ.
_CATALOG_NAMES = {"timestamptz": "timestamp with time zone"}


@dataclass(frozen=True)
class Table:
    """One topic's table: its rows are the topic's records, keyed as the topic is."""

    name: str
    topic: str
    model: type[BaseModel]
    key: str
    columns: list[Column] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", columns_of(self.model))

    def create(self) -> list[sql.Composed]:
        """Statements that make the table, add the columns the model gained, and give changed
        fields their new type."""
        t = sql.Identifier(self.name)
        body = sql.SQL(", ").join(
            sql.SQL("{} {}{}").format(
                sql.Identifier(c.name),
                sql.SQL(c.sql_type),
                sql.SQL(" PRIMARY KEY" if c.name == self.key else ""),
            )
            for c in self.columns
        )
        return [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} ({}, record jsonb NOT NULL, kafka_partition integer NOT NULL,"
                " kafka_offset bigint NOT NULL, written_at timestamptz NOT NULL DEFAULT now())"
            ).format(t, body),
            *(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                    t, sql.Identifier(c.name), sql.SQL(c.sql_type)
                )
                for c in self.columns
            ),
        ]

    def retype(self, existing: dict[str, str]) -> list[sql.Composed]:
        """ALTER statements for columns whose type in the database is not the model's."""
        return [
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}").format(
                sql.Identifier(self.name),
                sql.Identifier(c.name),
                sql.SQL(c.sql_type),
                sql.Identifier(c.name),
                sql.SQL(c.sql_type),
            )
            for c in self.columns
            if c.name in existing and existing[c.name] != _CATALOG_NAMES.get(c.sql_type, c.sql_type)
        ]

    def upsert(self) -> sql.Composed:
        names = [c.name for c in self.columns] + ["record", "kafka_partition", "kafka_offset"]
        return sql.SQL(
            "INSERT INTO {t} AS t ({cols}) VALUES ({vals}) ON CONFLICT ({key}) DO UPDATE SET {sets},"
            " written_at = now() WHERE t.kafka_offset < EXCLUDED.kafka_offset"
        ).format(
            t=sql.Identifier(self.name),
            cols=sql.SQL(", ").join(map(sql.Identifier, names)),
            vals=sql.SQL(", ").join(sql.Placeholder() * len(names)),
            key=sql.Identifier(self.key),
            sets=sql.SQL(", ").join(
                sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(n)) for n in names if n != self.key
            ),
        )

    def delete(self) -> sql.Composed:
        return sql.SQL("DELETE FROM {} WHERE {} = %s AND kafka_offset < %s").format(
            sql.Identifier(self.name), sql.Identifier(self.key)
        )

    def row(self, msg: Message) -> list[Any]:
        """The upsert's parameters for one record; ValidationError if it is not one."""
        record = self.model.model_validate_json(msg.value or b"")
        python, as_json = record.model_dump(), record.model_dump(mode="json")
        return [c.value(python, as_json) for c in self.columns] + [Jsonb(as_json), msg.partition, msg.offset]


TABLES = (
    Table("investment_events", EVENTS.name, InvestmentEvent, key="event_id"),
    Table("investment_totals", TOTALS.name, RegionTotal, key="key"),
)


class PostgresSink(Sink):
    """The tables of `TABLES`, in one database, written one transaction per batch."""

    def __init__(self, dsn: str, tables: Sequence[Table] = TABLES) -> None:
        named = "application_name" in conninfo_to_dict(dsn)
        self.conninfo = dsn if named else make_conninfo(dsn, application_name="investwire-sink-postgres")
        self.tables = {t.topic: t for t in tables}
        self.topics = tuple(self.tables)
        self.conn: psycopg.AsyncConnection[Any] | None = None

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        if self.conn is None or self.conn.closed:
            self.conn = await psycopg.AsyncConnection.connect(self.conninfo, connect_timeout=5)
        return self.conn

    async def open(self) -> None:
        conn = await self._connection()
        async with conn.transaction():
            for table in self.tables.values():
                for statement in table.create():
                    await conn.execute(statement)
                cur = await conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = %s",
                    (table.name,),
                )
                for statement in table.retype(dict(await cur.fetchall())):
                    log.warning("%s", statement.as_string(conn))
                    await conn.execute(statement)

    async def write(self, batch: Sequence[Message]) -> list[tuple[Message, str]]:
        latest: dict[tuple[str, bytes | None], Message] = {}
        for msg in batch:  # in offset order per partition: the last record of a key is its state
            latest[(msg.topic, msg.key)] = msg
        refused: list[tuple[Message, str]] = []
        rows: dict[str, list[list[Any]]] = {}
        deletes: dict[str, list[tuple[str, int]]] = {}
        for (topic, key), msg in latest.items():
            if msg.value is None:
                deletes.setdefault(topic, []).append(((key or b"").decode("utf-8", "replace"), msg.offset))
                continue
            try:
                rows.setdefault(topic, []).append(self.tables[topic].row(msg))
            except ValidationError as e:
                refused.append((msg, f"not a {self.tables[topic].model.__name__}: {e.errors()[0]['msg']}"))
        try:
            conn = await self._connection()
            async with conn.transaction(), conn.cursor() as cur:
                for topic, params in rows.items():
                    await cur.executemany(self.tables[topic].upsert(), params)
                for topic, keys in deletes.items():
                    await cur.executemany(self.tables[topic].delete(), keys)
        except psycopg.OperationalError:
            await self.close()  # opened again on the next try
            raise
        return refused

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None and not conn.closed:
            await conn.close()
