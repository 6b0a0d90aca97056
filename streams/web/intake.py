"""`POST /articles`: crawlers that speak HTTP, not Kafka.

One article (`application/json`) or many (`application/x-ndjson`, one per line). Each line
is checked as the worker checks `articles.raw` input; good lines go on, whatever lines beside
them are refused, and the answer waits until the broker acknowledged every line it counts as
accepted. The token is compared in constant time, and an oversize body is refused from its
`Content-Length`, or as soon as it grows past the limit, without being read to its end.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from connectors.base import Record
from connectors.sources.kafka_producer import AckedProducer
from schemas import RejectedInput, parse_raw_article
from streams.settings import Settings
from streams.web.metrics import IngestCounters

JSON = "application/json"
NDJSON = "application/x-ndjson"
#: Seconds a client is told to wait when the broker is backed up or away.
RETRY_AFTER = "1"


@dataclass(frozen=True)
class Line:
    """A line that is an article, with its number in the body (its record's origin is unique)."""

    number: int
    record: Record


class Intake:
    """The handler of `POST /articles`, with the producer it shares across requests."""

    def __init__(self, settings: Settings, producer: AckedProducer, counters: IngestCounters) -> None:
        self.settings = settings
        self.producer = producer
        self.counters = counters
        token = settings.ingest_token
        self.token = f"Bearer {token.get_secret_value()}".encode() if token else None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        response = await self._answer(request)
        self.counters.requests.labels(status=str(response.status)).inc()
        return response

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        if self.token is not None:
            given = request.headers.get("Authorization", "").encode()
            if not hmac.compare_digest(given, self.token):
                return _error(
                    401,
                    "a valid `Authorization: Bearer TOKEN` header is required",
                    closing=True,
                    headers={"WWW-Authenticate": 'Bearer realm="investwire"'},
                )
        if request.content_type not in (JSON, NDJSON):
            return _error(415, f"send {JSON} (one article) or {NDJSON} (one article per line)", closing=True)
        if request.charset and request.charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
            return _error(415, f"articles are UTF-8 JSON, not {request.charset}", closing=True)
        limit = self.settings.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            return _too_large(limit)
        body = await _read_at_most(request, limit)
        if body is None:
            return _too_large(limit)
        lines, refused = self._check(body, single=request.content_type == JSON)
        if not lines and not refused:
            return _error(400, "the body holds no article")
        if lines:
            size = sum(len(line.record.value) for line in lines)
            pending = self.producer.pending_bytes
            if pending and pending + size > self.settings.ingest_max_pending_bytes:
                return _error(
                    429, "the broker is behind; send again later", headers={"Retry-After": RETRY_AFTER}
                )
        accepted, broker_refused = await self._send(lines)
        refused.extend(broker_refused)
        refused.sort(key=lambda r: r["line"])
        self.counters.lines.labels(outcome="accepted").inc(accepted)
        self.counters.lines.labels(outcome="refused").inc(len(refused))
        answer = {"accepted": accepted, "refused": refused}
        if accepted or not refused:
            return web.json_response(answer, status=202)
        if broker_refused:
            return web.json_response(answer, status=503, headers={"Retry-After": RETRY_AFTER})
        return web.json_response(answer, status=422)

    def _check(self, body: bytes, single: bool) -> tuple[list[Line], list[dict[str, Any]]]:
        """The lines that are articles, as `articles.raw` records keyed by url, and the others with why."""
        lines: list[Line] = []
        refused: list[dict[str, Any]] = []
        for number, raw in enumerate([body] if single else body.split(b"\n"), 1):
            line = raw.rstrip(b"\r")
            if not single and not line.strip():
                continue
            try:
                article = parse_raw_article(line, self.settings.max_message_bytes)
            except RejectedInput as e:
                refused.append({"line": number, "reason": str(e)})
                continue
            lines.append(Line(number, Record(article.url.encode(), line, f"line {number}")))
        return lines, refused

    async def _send(self, lines: list[Line]) -> tuple[int, list[dict[str, Any]]]:
        refused: list[dict[str, Any]] = []
        number = {line.record.origin: line.number for line in lines}

        def on_refused(record: Record, e: Exception) -> None:
            refused.append(
                {"line": number[record.origin], "reason": f"not acknowledged by the broker: {e!r}"}
            )

        accepted, _ = await self.producer.send_all((line.record for line in lines), on_refused=on_refused)
        return accepted, refused


async def _read_at_most(request: web.Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is longer than `limit` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> web.Response:
    return _error(413, f"the body exceeds {limit:,} bytes (INVESTWIRE_MAX_BODY_BYTES)", closing=True)


def _error(
    status: int, message: str, closing: bool = False, headers: dict[str, str] | None = None
) -> web.Response:
    """An error as JSON; `closing` ends the connection, so an unread body is never read."""
    response = web.json_response({"error": message}, status=status, headers=headers)
    if closing:
        response.force_close()
    return response
