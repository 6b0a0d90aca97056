"""Issue 9, done when: pages crawled by Scrapy from a local server, a batch over HTTP and a WARC
file all end as rows in PostgreSQL, in `GET /totals` and as bars on the dashboard in Chromium,
with `investwire serve` (its embedded broker, a worker, its web server) as a user starts it.
Bad requests get their status and lose nothing good beside them; `/metrics` parses and agrees
with what was sent."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from connectors.sinks.postgres import PostgresSink
from connectors.sinks.runner import run_sink
from connectors.sinks.topic_reader import snapshot
from extraction import Extractor, to_article
from schemas import InvestmentEvent, RawArticle
from schemas.topics import DEADLETTER, RAW
from tests.conftest import ROOT, extraction_cases, free_port, totals_of, without_updated_at
from tests.integration.browser import Dashboard
from tests.integration.cluster import FAST_GROUP
from tests.integration.pg import needs_postgres, rows
from tests.integration.site import crawl, news_site

pytestmark = needs_postgres

TOKEN = "edge-token-9"
MAX_BODY = 1_000_000
ARTIFACTS = ROOT / "tests" / "artifacts"
WARC_PAGES = [
    (
        "https://news.example.cn/zhuzhou.html",
        "gbk",
        "5月18日，株洲市举行重大项目集中签约仪式，共签约项目12个，总投资86.5亿元。",
    ),
    (
        "https://news.example.cn/chenzhou.html",
        "utf-8",
        "5月19日，郴州市高新区与深圳某公司签约电子信息产业园项目，总投资30亿元。",
    ),
]


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"not in {timeout:.0f} s: {what}"
        await asyncio.sleep(0.5)


class Serve:
    """`investwire serve --port P` in a process of its own, with no KAFKA_BROKER: it starts the
    embedded broker, whose address it tells in its first line."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"
        env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BROKER", "INVESTWIRE_BROKER")}
        env.update(
            FAST_GROUP,
            INVESTWIRE_DATA_DIR=str(tmp_path / "data"),
            INVESTWIRE_INGEST_TOKEN=TOKEN,
            INVESTWIRE_MAX_BODY_BYTES=str(MAX_BODY),
        )
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "investwire", "serve", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=log,
            )
        self.broker = ""

    async def up(self) -> None:
        async def ready() -> bool:
            assert self.proc.poll() is None, self.log.read_text()
            found = re.search(r"embedded broker (\S+), dashboard and routes on (\S+)/;", self.log.read_text())
            if found is None:
                return False
            self.broker = found.group(1)
            assert found.group(2) == self.url
            return (await get(f"{self.url}/readyz"))[0] == 200

        await until(ready, "serve is ready")

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=60)


async def get(url: str, **params: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as s, s.get(url, params=params) as r:
        return r.status, await r.json() if r.content_type == "application/json" else await r.text()


async def post(url: str, body: bytes, content_type: str, token: str | None = TOKEN) -> tuple[int, Any]:
    headers = {"Content-Type": content_type, **({"Authorization": f"Bearer {token}"} if token else {})}
    async with aiohttp.ClientSession() as s, s.post(url, data=body, headers=headers) as r:
        return r.status, await r.json()


def oversize(url: str) -> bytes:
    """A request announcing a body over the limit and sending 10 bytes of it: the head of the answer."""
    port = int(url.rsplit(":", 1)[1])
    head = (
        f"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {MAX_BODY * 50}\r\n\r\n0123456789"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(head.encode())
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := conn.recv(4096)):
            answer += chunk
    return answer


def write_warc(path: Path) -> None:
    """Two article pages (one in GBK, as its header says), a 404 and an image."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        def response(url: str, status: str, content_type: str, body: bytes) -> None:
            http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2024-05-20T08:00:00Z"},
                )
            )

        for url, charset, text in WARC_PAGES:
            page = f"<html><head><title>{text[:12]}</title></head><body><p>{text}</p></body></html>"
            response(url, "200 OK", f"text/html; charset={charset}", page.encode(charset))
        response("https://news.example.cn/gone.html", "404 Not Found", "text/html", b"<html>gone</html>")
        response("https://news.example.cn/logo.png", "200 OK", "image/png", b"\x89PNG\r\n")


def events_of(articles: list[dict[str, Any]]) -> list[InvestmentEvent]:
    extractor = Extractor()
    return [e for a in articles for e in extractor.extract(to_article(RawArticle.model_validate(a)))]


def drawn(totals: dict[str, dict[str, Any]], level: str, year: str = "all") -> dict[str, float]:
    """The bars the dashboard must draw for total_investment: region name → 亿元 (cities: top 20)."""
    shown = sorted(
        (
            r
            for r in totals.values()
            if r["region"]["level"] == level
            and r["metric"] == "total_investment"
            and r["year"] == year
            and r["event_count"] > 0
        ),
        key=lambda r: (-r["amount_cny"], r["key"]),
    )
    return {r["region"]["name"]: r["amount_cny"] / 1e8 for r in shown[: 20 if level == "city" else None]}


def metric_samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_crawl_batch_and_warc_end_in_postgres_totals_and_the_dashboard(
    tmp_path: Path, schema_dsn: str
) -> None:
    serve = Serve(tmp_path)
    page: Dashboard | None = None
    stop_sink = asyncio.Event()
    sink: asyncio.Task[None] | None = None
    try:
        await serve.up()
        sink = asyncio.create_task(run_sink(serve.broker, PostgresSink(schema_dsn), "edges-sink", stop_sink))
        page = await asyncio.to_thread(Dashboard, serve.url + "/")

        async def bars(level: str) -> dict[str, float]:
            assert page is not None
            return await asyncio.to_thread(page.bars, level)

        async def shows(articles: list[dict[str, Any]]) -> bool:
            """The bars show every city and province these articles add to."""
            expected = totals_of(events_of(articles))
            cities, provinces = await bars("city"), await bars("province")
            return set(drawn(expected, "city")) <= set(cities) and set(drawn(expected, "province")) <= set(
                provinces
            )

        async def connected() -> bool:
            assert page is not None
            return await asyncio.to_thread(page.text, "connection") == "live"

        await until(connected, "the page's event stream is open")
        assert await bars("province") == {} and await bars("city") == {}

        # bad requests: each its status, nothing sent
        articles = f"{serve.url}/articles"
        one = json.dumps(extraction_cases()[0]["article"], ensure_ascii=False).encode()
        assert (await post(articles, one, "application/json", token=None))[0] == 401
        assert (await post(articles, one, "application/json", token="wrong"))[0] == 401
        assert (await asyncio.to_thread(oversize, serve.url)).startswith(b"HTTP/1.1 413")
        assert (await post(articles, "衡阳市".encode("gbk"), "application/json"))[0] == 422

        # 1. Scrapy crawls a local site into the broker serve started
        with news_site(tmp_path / "site") as site:
            crawled = await asyncio.to_thread(crawl, site, serve.broker, tmp_path)
        assert crawled.returncode == 0 and "'investwire/sent': 3" in crawled.stderr, crawled.stderr
        raw = await snapshot(serve.broker, RAW.name)
        assert len(raw) == 3
        await until(lambda: shows(list(raw.values())), "the crawled pages' cities as bars")

        # 2. a batch over HTTP, good lines between malformed and non-UTF-8 ones
        batch = [case["article"] for case in extraction_cases()[:15]]
        lines = [json.dumps(a, ensure_ascii=False).encode() for a in batch]
        lines[3:3] = [b"not json", "衡阳市".encode("gbk"), b'{"url": "https://example.org/no-text"}']
        status, answer = await post(articles, b"\n".join(lines), "application/x-ndjson")
        assert status == 202 and answer["accepted"] == len(batch), answer
        assert [(r["line"], r["reason"].split(":")[0]) for r in answer["refused"]] == [
            (4, "not JSON"),
            (5, "not UTF-8 text"),
            (6, "invalid article"),
        ]
        await until(lambda: shows(batch), "the batch's regions as bars")

        # 3. a WARC file, by `investwire ingest`
        warc = tmp_path / "crawl.warc.gz"
        write_warc(warc)
        ingest = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "investwire", "ingest", str(warc), "--broker", serve.broker],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ingest.returncode == 0 and "sent 2, refused 0, skipped 2" in ingest.stderr, ingest.stderr

        # every article that entered, and the totals and events a clean pass over them gives
        raw = await snapshot(serve.broker, RAW.name)
        assert set(raw) == {
            *(f"{site}/news/{name}" for name in ("hengyang.html", "yueyang.html", "changde.html")),
            *(a["url"] for a in batch),
            *(url for url, _, _ in WARC_PAGES),
        }
        events = {e.event_id: e for e in events_of(list(raw.values()))}
        expected = totals_of(list(events.values()))

        async def totals_right() -> bool:
            status, found = await get(f"{serve.url}/totals")
            return status == 200 and without_updated_at({r["key"]: r for r in found}) == expected

        await until(totals_right, "GET /totals gives the totals of every article")
        status, hunan = await get(
            f"{serve.url}/totals", region="430000", metric="total_investment", year="all"
        )
        assert status == 200 and {r["key"] for r in hunan} == {
            k
            for k, r in expected.items()
            if r["region"]["code"][:2] == "43" and k.endswith("|total_investment|all")
        }

        async def in_postgres() -> bool:
            found = rows(schema_dsn, "SELECT key, record FROM investment_totals")
            (n_events,) = rows(schema_dsn, "SELECT count(*) FROM investment_events")[0]
            return n_events == len(events) and without_updated_at(dict(found)) == expected

        await until(in_postgres, "investment_totals and investment_events hold every row")

        # the dashboard: bars are the rows, the feed the latest events, the counters the topics'
        async def dashboard_right() -> bool:
            return await bars("province") == drawn(expected, "province") and await bars("city") == drawn(
                expected, "city"
            )

        await until(dashboard_right, "the bars are the rows of GET /totals")
        assert page is not None
        feed = await asyncio.to_thread(page.feed)
        assert len(feed) == min(30, len(events))
        for item in feed:
            event = events[item["event_id"]]
            assert (item["evidence"], item["href"]) == (event.evidence, event.url)
        dead = await snapshot(serve.broker, DEADLETTER.name, keep_all=True)
        assert await asyncio.to_thread(page.text, "deadletters") == str(len(dead))
        assert await asyncio.to_thread(page.text, "events-out") == str(len(events))

        async def caught_up() -> bool:
            assert page is not None
            return await asyncio.to_thread(page.text, "lag") == "0"

        await until(caught_up, "the page shows no lag once the worker committed everything")
        await asyncio.to_thread(page.screenshot, ARTIFACTS / "dashboard.png")

        # the year picker redraws the bars of that year
        years = await asyncio.to_thread(page.years)
        year = next(y for y in years if y != "all" and drawn(expected, "province", y))
        await asyncio.to_thread(page.pick, "year", year)

        async def year_drawn() -> bool:
            return await bars("province") == drawn(expected, "province", year)

        await until(year_drawn, f"the bars of {year}")
        await asyncio.to_thread(page.screenshot, ARTIFACTS / f"dashboard-{year}.png")

        # /metrics parses, and says what was sent
        status, text = await get(f"{serve.url}/metrics")
        assert status == 200
        m = metric_samples(text)
        assert m[("investwire_articles_in_total", ())] == len(raw)
        assert m[("investwire_events_out_total", ())] == len(events)
        dead_by_stage = {
            labels[0][1]: v for (name, labels), v in m.items() if name == "investwire_dead_letters_total"
        }
        assert sum(dead_by_stage.values()) == len(dead)
        assert m[("investwire_processing_seconds_count", (("stage", "read"),))] == len(raw)
        assert m[("investwire_ingest_lines_total", (("outcome", "accepted"),))] == len(batch)
        assert m[("investwire_ingest_lines_total", (("outcome", "refused"),))] == 3 + 1
        statuses = {
            labels[0][1]: v for (name, labels), v in m.items() if name == "investwire_ingest_requests_total"
        }
        assert statuses == {"202": 1, "401": 2, "413": 1, "422": 1}
        assert all(v == 0 for (name, _), v in m.items() if name == "investwire_consumer_lag")
    finally:
        if page is not None:
            await asyncio.to_thread(page.close)
        stop_sink.set()
        if sink is not None:
            await asyncio.wait_for(sink, 30)
        code = serve.stop()
    assert code == 0, serve.log.read_text()
