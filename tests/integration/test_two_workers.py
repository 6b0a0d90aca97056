"""Two worker processes in one group share the work; the totals still equal what the events say."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from connectors.sinks.topic_reader import snapshot
from connectors.sources.files import Record
from connectors.sources.kafka_producer import produce
from extraction import Extractor, to_article
from schemas import RawArticle
from schemas.topics import TOTALS
from streams.admin import ensure_topics
from streams.embedded_broker import EmbeddedBroker
from streams.lag import group_lag
from streams.runner import CONSUMED
from tests.conftest import extraction_cases, totals_of, without_updated_at

CASES = [case["article"] for case in extraction_cases()]


def _worker(broker: str, data_dir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, KAFKA_BROKER=broker, INVESTWIRE_DATA_DIR=str(data_dir), INVESTWIRE_PARTITIONS="4")
    return subprocess.Popen(
        [sys.executable, "-m", "investwire", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def _settled(broker: str, deadline: float) -> dict[str, dict]:
    """Wait for zero lag, then for the totals topic to stop changing (workers publish every 0.5 s)."""
    last: dict[str, dict] | None = None
    while time.monotonic() < deadline:
        lag = await group_lag(broker, "investwire", CONSUMED)
        if lag and sum(lag.values()) == 0:
            totals = await snapshot(broker, TOTALS.name)
            if totals and totals == last:
                return totals
            last = totals
        await asyncio.sleep(1.5)
    raise TimeoutError("the workers did not finish")


async def test_two_workers_share_the_work(tmp_path: Path) -> None:
    with EmbeddedBroker() as broker:
        await ensure_topics(broker, 4)
        workers = [_worker(broker, tmp_path / f"w{i}") for i in range(2)]
        try:
            records = []
            for i in range(3):  # every article three times: redelivery-like repeats of the same facts
                for article in CASES:
                    records.append(
                        Record(f"{article['url']}#{i}".encode(), json.dumps(article).encode(), "t")
                    )
            await produce(broker, records)
            totals = await _settled(broker, time.monotonic() + 180)
            assert all(w.poll() is None for w in workers), "a worker died"
        finally:
            for w in workers:
                w.send_signal(signal.SIGTERM)
            codes = [w.wait(timeout=60) for w in workers]
    assert codes == [0, 0]
    extractor = Extractor()
    expected = [e for a in CASES for e in extractor.extract(to_article(RawArticle.model_validate(a)))]
    assert without_updated_at(totals) == totals_of(expected)
