"""`GET /` the dashboard page and `GET /stream`, the server-sent events that keep it live.

A client names the metric and year it shows (`/stream?metric=…&year=…`); it gets the province
and city rows of those at once, then only the rows that changed (and the keys of rows that
no longer exist), the new events, and every two seconds the dead-letter count and lag. A burst
of changes is sent as one message.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from schemas.events import Metric
from streams.app import Pipeline
from streams.web.metrics import PipelineCollector
from streams.web.views import Views

STATIC = Path(__file__).resolve().parent / "static"
#: The levels drawn as bars; counties would crowd out the cities.
LEVELS = ("province", "city")
FEED_SIZE = 30
#: Seconds between stats messages (also what keeps an idle connection open).
STATS_EVERY = 2.0
#: Seconds changes are gathered before they are sent.
COALESCE = 0.2


class Dashboard:
    def __init__(self, pipeline: Pipeline, views: Views, collector: PipelineCollector) -> None:
        self.pipeline = pipeline
        self.views = views
        self.collector = collector
        self.closing = asyncio.Event()

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def close(self, app: web.Application) -> None:
        """Let every open stream end, so the server stops without waiting for its clients."""
        self.closing.set()
        self.views.changes.fire()

    def stats(self) -> dict[str, Any]:
        counts = self.pipeline.counts
        return {
            "deadletters": self.views.deadletters.total,
            "lag": sum(self.collector.lag().values()),
            "articles_in": counts["articles.in"],
            "events_out": counts["events.out"],
            "ready": self.pipeline.ready,
        }

    async def stream(self, request: web.Request) -> web.StreamResponse:
        metric = request.query.get("metric") or Metric.TOTAL_INVESTMENT.value
        year = request.query.get("year") or "all"
        shown = _shown(metric, year)
        totals, events, changes = self.views.totals, self.views.events, self.views.changes
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        seq = changes.seq
        rows = [row for key, row in totals.rows.items() if shown(key) and _drawn(row)]
        await _send(
            response, "totals", {"reset": True, "rows": rows, "removed": [], "years": self._years(metric)}
        )
        await _send(response, "events", {"events": events.newest(lambda _ts, _e: True, FEED_SIZE)})
        await _send(response, "stats", self.stats())
        totals_seq = events_seq = seq
        try:
            while not self.closing.is_set():
                await changes.wait(STATS_EVERY)
                if self.closing.is_set():
                    break
                await asyncio.sleep(COALESCE)
                seq = changes.seq
                changed = [(key, row) for key, row in totals.since(totals_seq) if shown(key)]
                totals_seq = seq
                if changed:
                    await _send(
                        response,
                        "totals",
                        {
                            "reset": False,
                            "rows": [row for _key, row in changed if row is not None and _drawn(row)],
                            "removed": [key for key, row in changed if row is None],
                            "years": self._years(metric),
                        },
                    )
                new = events.newest(lambda _ts, _e: True, FEED_SIZE, after_seq=events_seq)
                events_seq = seq
                if new:
                    await _send(response, "events", {"events": new})
                await _send(response, "stats", self.stats())
        except ConnectionResetError:
            pass  # the page was closed
        return response

    def _years(self, metric: str) -> list[str]:
        years = {row["year"] for row in self.views.totals.rows.values() if row.get("metric") == metric}
        return sorted(years - {"all"}, reverse=True)


def _shown(metric: str, year: str) -> Callable[[str], bool]:
    """Whether a row key (`CODE|METRIC|YEAR`) is of the chosen metric and year."""
    tail = f"|{metric}|{year}"
    return lambda key: key.endswith(tail)


def _drawn(row: dict[str, Any]) -> bool:
    return bool(row.get("region", {}).get("level") in LEVELS)


async def _send(response: web.StreamResponse, event: str, data: dict[str, Any]) -> None:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    await response.write(f"event: {event}\ndata: {body}\n\n".encode())
