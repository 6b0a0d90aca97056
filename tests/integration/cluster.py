"""A broker the test starts and real `investwire worker` processes on it, as an outside tester runs them."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from connectors.sinks.topic_reader import snapshot
from connectors.sources.files import Record
from connectors.sources.kafka_producer import produce
from extraction import Extractor, to_article
from schemas import InvestmentEvent, RawArticle
from schemas.topics import TOTALS
from streams.admin import ensure_topics
from streams.embedded_broker import EmbeddedBroker
from streams.lag import group_lag
from streams.runner import CONSUMED
from tests.conftest import extraction_cases, free_port, without_updated_at

CASES = [case["article"] for case in extraction_cases()]
#: short group timeouts: a killed worker's partitions move in a few seconds (BROKER.md)
FAST_GROUP = {
    "INVESTWIRE_SESSION_TIMEOUT": "3",
    "INVESTWIRE_HEARTBEAT_INTERVAL": "0.5",
    "INVESTWIRE_REBALANCE_TIMEOUT": "3",
    "INVESTWIRE_PARTITIONS": "4",
}


def record(article: dict[str, Any], url: str | None = None) -> Record:
    article = dict(article, url=url or article["url"])
    return Record(article["url"].encode(), json.dumps(article, ensure_ascii=False).encode(), "test")


def events_of(records: list[Record]) -> Iterator[InvestmentEvent]:
    """What the pure extractor finds in the records, as a worker would."""
    extractor = Extractor()
    for r in records:
        yield from extractor.extract(to_article(RawArticle.model_validate_json(r.value)))


class Cluster:
    """`async with Cluster(tmp_path) as c:` a fresh broker; `c.start(name)` a worker process."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.tmp_path = tmp_path
        self.env = {**FAST_GROUP, **env}
        self.broker_proc = EmbeddedBroker()
        self.broker = ""
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        #: each worker's web port, kept across its restarts
        self.ports: dict[str, int] = {}

    async def __aenter__(self) -> Cluster:
        self.broker = await asyncio.to_thread(self.broker_proc.start)
        await ensure_topics(self.broker, int(self.env["INVESTWIRE_PARTITIONS"]))
        return self

    async def __aexit__(self, *exc: object) -> None:
        for proc in self.workers.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
        self.broker_proc.stop()

    def start(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        """Start (or restart) worker `name`; its data directory and web port survive restarts."""
        port = self.ports.setdefault(name, free_port())
        full = {
            **os.environ,
            **self.env,
            **env,
            "KAFKA_BROKER": self.broker,
            "INVESTWIRE_DATA_DIR": str(self.tmp_path / name),
            "INVESTWIRE_WEB_PORT": str(port),
        }
        log = (self.tmp_path / f"{name}.log").open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "investwire", "worker"], env=full, stdout=log, stderr=log
        )
        self.workers[name] = proc
        return proc

    def kill(self, name: str) -> None:
        """kill -9: no flush, no commit, no goodbye to the group."""
        proc = self.workers[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)

    async def feed(self, records: list[Record]) -> None:
        sent, refused = await produce(self.broker, records)
        assert (sent, refused) == (len(records), 0)

    async def totals_published(self) -> int:
        """Records on the totals topic so far (its high-water marks): grows at each flush."""
        return sum((await group_lag(self.broker, "nobody", [TOTALS.name])).values())

    async def articles_read(self, name: str) -> float:
        """`investwire_articles_in_total` of worker `name` (since its last start)."""
        return await self.sample(name, "investwire_articles_in_total")

    async def sample(self, name: str, metric: str) -> float:
        """A sample of worker `name`'s /metrics (counters count since its last start)."""
        url = f"http://127.0.0.1:{self.ports[name]}/metrics"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            text = await resp.text()
        return next(
            s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
            if s.name == metric
        )

    async def settled(self, timeout: float = 180.0, quiet: float = 8.0) -> dict[str, dict[str, Any]]:
        """The totals once the group has read everything and the totals topic has not changed for
        `quiet` seconds (longer than a rebalance, so a restarted worker has republished)."""
        deadline = time.monotonic() + timeout
        last: dict[str, dict[str, Any]] | None = None
        stable_since = time.monotonic()
        while time.monotonic() < deadline:
            for name, proc in self.workers.items():
                code = proc.poll()
                assert code is None or code == -signal.SIGKILL, f"worker {name} exited with {code}"
            lag = await group_lag(self.broker, "investwire", CONSUMED)
            totals = without_updated_at(await snapshot(self.broker, TOTALS.name))
            if not lag or sum(lag.values()) or totals != last:
                last, stable_since = totals, time.monotonic()
            elif time.monotonic() - stable_since >= quiet:
                return totals
            await asyncio.sleep(1.0)
        raise TimeoutError(f"the workers did not finish; logs in {self.tmp_path}")
