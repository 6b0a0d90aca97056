"""The machine's PostgreSQL (127.0.0.1:5432, database test), a fresh schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

DSN = os.environ.get("INVESTWIRE_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")


def pg_available() -> bool:
    try:
        with psycopg.connect(DSN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


needs_postgres = pytest.mark.skipif(
    not pg_available(), reason="no PostgreSQL at INVESTWIRE_TEST_POSTGRES_DSN"
)


def fresh_schema() -> Iterator[str]:
    """A DSN whose tables land in a fresh schema, and whose connections are named for this test."""
    name = f"iw_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield make_conninfo(DSN, options=f"-c search_path={name}", application_name=name)
    finally:
        with psycopg.connect(DSN, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def rows(dsn: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(query).fetchall()
