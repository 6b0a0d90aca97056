"""POST /articles on a real aiohttp server, with a producer that stands in for the broker (the
integration tests send to a real one): statuses, refused lines, what reaches the producer."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer
from aiokafka.errors import KafkaTimeoutError
from prometheus_client import CollectorRegistry

from connectors.base import Record
from streams.settings import Settings
from streams.web.intake import NDJSON, Intake
from streams.web.metrics import IngestCounters

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def article(n: int, **extra: Any) -> bytes:
    body = {"url": f"https://example.org/a/{n}", "text": f"衡阳市签约项目{n}个，总投资{n}亿元。", **extra}
    return json.dumps(body, ensure_ascii=False).encode()


class Broker:
    """Acknowledges what it is sent, refuses the keys in `refuse`, and holds every send while
    `held` is clear."""

    def __init__(self, refuse: Iterable[bytes] = ()) -> None:
        self.refuse = set(refuse)
        self.sent: list[Record] = []
        self.pending_bytes = 0
        self.held = asyncio.Event()
        self.held.set()

    async def send_all(
        self,
        records: Iterable[Record],
        on_sent: Callable[[Record], None] | None = None,
        on_refused: Callable[[Record, Exception], None] | None = None,
    ) -> tuple[int, int]:
        batch = list(records)
        size = sum(len(r.value) for r in batch)
        self.pending_bytes += size
        await self.held.wait()
        self.pending_bytes -= size
        ok = [r for r in batch if r.key not in self.refuse]
        for r in batch:
            if r.key in self.refuse and on_refused:
                on_refused(r, KafkaTimeoutError())
        self.sent.extend(ok)
        return len(ok), len(batch) - len(ok)


class Server:
    def __init__(self, settings: Settings, broker: Broker) -> None:
        self.broker = broker
        self.registry = CollectorRegistry()
        self.counters = IngestCounters(self.registry)
        app = web.Application()
        app.router.add_post("/articles", Intake(settings, broker, self.counters).handle)  # type: ignore[arg-type]
        self.test_server = TestServer(app)

    @property
    def url(self) -> str:
        return str(self.test_server.make_url("/articles"))

    def counted(self, name: str, **labels: str) -> float:
        value = self.registry.get_sample_value(name, labels)
        return value or 0.0


@pytest.fixture
async def server() -> AsyncIterator[Callable[..., Any]]:
    started: list[Server] = []

    async def start(broker: Broker | None = None, **settings: Any) -> Server:
        s = Server(Settings(ingest_token=TOKEN, **settings), broker or Broker())
        await s.test_server.start_server()
        started.append(s)
        return s

    yield start
    for s in started:
        await s.test_server.close()


async def post(url: str, body: bytes, content_type: str = NDJSON, **headers: str) -> tuple[int, Any, Any]:
    async with (
        ClientSession() as session,
        session.post(url, data=body, headers={"Content-Type": content_type, **AUTH, **headers}) as r,
    ):
        return r.status, await r.json(), r.headers


async def test_good_lines_go_on_whatever_lines_beside_them_are_refused(server: Any) -> None:
    s = await server()
    lines = [
        article(1),
        b"not json",
        "衡阳".encode("gbk") + b'{"url": "x"}',
        b'{"url": "https://example.org/no-text"}',
        b"",
        b'["a list"]',
        article(2) + b"\r",
    ]
    status, answer, _ = await post(s.url, b"\n".join(lines))
    assert status == 202
    assert answer["accepted"] == 2
    assert [(r["line"], r["reason"].split(":")[0]) for r in answer["refused"]] == [
        (2, "not JSON"),
        (3, "not UTF-8 text"),
        (4, "invalid article"),
        (6, "not a JSON object but a JSON list"),
    ]
    assert [(r.key, r.value) for r in s.broker.sent] == [
        (b"https://example.org/a/1", article(1)),
        (b"https://example.org/a/2", article(2)),
    ]
    assert s.counted("investwire_ingest_lines_total", outcome="accepted") == 2
    assert s.counted("investwire_ingest_lines_total", outcome="refused") == 4
    assert s.counted("investwire_ingest_requests_total", status="202") == 1


async def test_one_article_as_json(server: Any) -> None:
    s = await server()
    body = json.dumps(json.loads(article(7)), ensure_ascii=False, indent=2).encode()
    status, answer, _ = await post(s.url, body, "application/json")
    assert (status, answer) == (202, {"accepted": 1, "refused": []})
    assert s.broker.sent[0].value == body


async def test_without_the_token_or_with_a_wrong_one_nothing_is_sent(server: Any) -> None:
    s = await server()
    async with ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            async with session.post(s.url, data=article(1), headers={"Content-Type": NDJSON, **headers}) as r:
                assert r.status == 401
                assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert s.broker.sent == []
    assert s.counted("investwire_ingest_requests_total", status="401") == 3


def _raw_request(url: str, head: bytes, body_start: bytes) -> bytes:
    """Send a request's head and the start of its body, then read the head of the answer (the rest
    of the body is never sent: a server that waited for it would time this out)."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(head + body_start)
        answer = b""
        while b"\r\n\r\n" not in answer and (chunk := conn.recv(65536)):
            answer += chunk
    return answer


async def test_an_oversize_body_is_refused_before_it_is_read(server: Any) -> None:
    s = await server(max_body_bytes=1000)
    head = (
        f"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: {NDJSON}\r\nAuthorization: Bearer {TOKEN}\r\n"
        f"Content-Length: 100000000\r\n\r\n"
    ).encode()
    # 100 MB announced, 10 bytes sent: the answer comes at once
    answer = await asyncio.to_thread(_raw_request, s.url, head, b"0123456789")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # no length announced (chunked): refused as soon as it grows past the limit
    chunked = head.replace(b"Content-Length: 100000000", b"Transfer-Encoding: chunked")
    chunk = b"%x\r\n%s\r\n" % (600, b"x" * 600)
    answer = await asyncio.to_thread(_raw_request, s.url, chunked, chunk * 2)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert s.broker.sent == []


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("text/plain", article(1), 415),
        ("application/x-ndjson; charset=gbk", article(1), 415),
        (NDJSON, b"\n \n", 400),
        (NDJSON, b"not json\n[]", 422),
        ("application/json", "衡阳".encode("gbk"), 422),
    ],
)
async def test_bad_requests_get_their_status(
    server: Any, content_type: str, body: bytes, status: int
) -> None:
    s = await server()
    got, answer, _ = await post(s.url, body, content_type)
    assert got == status, answer
    assert s.broker.sent == []


async def test_a_backed_up_broker_answers_429_and_a_202_waits_for_the_acknowledgements(server: Any) -> None:
    broker = Broker()
    broker.held.clear()
    s = await server(broker, ingest_max_pending_bytes=len(article(1)) + 10)
    first = asyncio.create_task(post(s.url, article(1)))
    while not broker.pending_bytes:
        await asyncio.sleep(0.01)
    status, answer, headers = await post(s.url, article(2))
    assert status == 429 and headers["Retry-After"] == "1", answer
    assert not first.done()  # no 202 before the broker acknowledged
    broker.held.set()
    assert (await first)[:2] == (202, {"accepted": 1, "refused": []})
    assert [r.key for r in broker.sent] == [b"https://example.org/a/1"]


async def test_lines_the_broker_does_not_acknowledge_are_told(server: Any) -> None:
    s = await server(Broker(refuse={b"https://example.org/a/2"}))
    status, answer, _ = await post(s.url, article(1) + b"\n" + article(2))
    assert status == 202 and answer["accepted"] == 1
    (refused,) = answer["refused"]
    assert refused["line"] == 2 and refused["reason"].startswith("not acknowledged by the broker")
    s = await server(Broker(refuse={b"https://example.org/a/1"}))
    status, answer, headers = await post(s.url, article(1))
    assert status == 503 and headers["Retry-After"] == "1" and answer["accepted"] == 0
