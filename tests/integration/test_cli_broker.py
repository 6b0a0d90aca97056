"""`ingest` and `tail` against a real broker, run as a user runs them."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.broker import topic_partitions
from schemas.topics import RAW
from streams.embedded_broker import EmbeddedBroker
from streams.runner import ensure_topics
from tests.unit.test_cli import investwire, one_line_error
from tests.unit.test_files_source import PAGE, write_warc


@pytest.fixture(scope="module")
def broker() -> Iterator[str]:
    with EmbeddedBroker() as address:
        asyncio.run(ensure_topics(address, 2))
        yield address


def test_ingest_a_folder_then_tail_it(tmp_path: Path, broker: str) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "index.html").write_bytes(PAGE.format(meta="").encode("gbk"))
    lines = [
        json.dumps({"url": f"https://news.example.cn/{i}", "text": "签约"}, ensure_ascii=False)
        for i in range(3)
    ]
    (tmp_path / "crawl.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    write_warc(tmp_path / "crawl.warc.gz", gz=True)
    (tmp_path / "empty.html").write_text("", encoding="utf-8")

    proc = investwire("ingest", str(tmp_path), "--broker", broker)
    assert proc.returncode == 1, proc.stderr  # empty.html and the undecodable WARC response are refused
    assert "sent 7, refused 2 (" in proc.stderr and "empty page ×1" in proc.stderr
    assert "skipped 2 (" in proc.stderr and "HTTP 404 ×1" in proc.stderr
    assert f"refused {tmp_path / 'empty.html'}: empty page" in proc.stderr

    proc = investwire("tail", RAW.name, "--broker", broker, "--exit-at-end", "--keys")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == 7
    assert {r["key"] for r in rows} >= {(tmp_path / d / "index.html").as_uri() for d in "ab"}
    assert all({"partition", "offset", "timestamp"} <= r.keys() for r in rows)
    assert {r["value"]["url"] for r in rows} == {r["key"] for r in rows}

    proc = investwire("tail", RAW.name, "--broker", broker, "--count", "2")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 2
    proc = investwire("tail", RAW.name, "--broker", broker, "--from-end", "--exit-at-end")
    assert proc.returncode == 0 and proc.stdout == ""


def test_tail_of_a_topic_that_does_not_exist_is_an_error_and_creates_nothing(broker: str) -> None:
    one_line_error(investwire("tail", "no.such.topic", "--broker", broker), "no topic 'no.such.topic'")
    assert "no.such.topic" not in asyncio.run(topic_partitions(broker))


def test_ingest_of_nothing_is_an_error(tmp_path: Path, broker: str) -> None:
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    one_line_error(investwire("ingest", str(tmp_path), "--broker", broker), "no articles in")
