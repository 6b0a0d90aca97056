"""`GET /totals`, `GET /events`, `GET /healthz`, `GET /readyz`.

A province's rows, its cities' and counties' included, live in the ledger of one partition of
`investment.facts` (`facts_partition`), so the worker that owns that partition answers for
them; another worker redirects the client there, by the URL each worker advertises to the
group (Faust's assignor shares it). Without a region the worker asks the owner of each
partition for its rows and answers with all of them.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from schemas.events import Metric
from schemas.topics import changelog_topic, facts_partition
from streams.app import Pipeline
from streams.web.views import EventsView

RETRY_AFTER = {"Retry-After": "1"}
MAX_EVENTS = 1000


class BadQueryError(ValueError):
    """A query parameter a client got wrong: 400 with the reason."""


def region_param(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not re.fullmatch(r"\d{6}", value):
        raise BadQueryError(f"region must be a six-digit GB/T 2260 code, not {value!r}")
    return value


def within(code: str, region: str) -> bool:
    """Whether division `code` is `region` or lies under it (430000 holds 430100 and 430102)."""
    prefix = region[:2] if region.endswith("0000") else region[:4] if region.endswith("00") else region
    return code.startswith(prefix)


class Queries:
    def __init__(self, pipeline: Pipeline, events: EventsView) -> None:
        self.pipeline = pipeline
        self.events_view = events
        self.url = pipeline.settings.web_url
        self.timeout = aiohttp.ClientTimeout(total=10)

    # -- totals --------------------------------------------------------------------------

    async def totals(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        try:
            region = region_param(q.get("region"))
            metric = q.get("metric") or None
            if metric is not None and metric not in Metric.__members__.values():
                raise BadQueryError(f"metric must be one of {', '.join(m.value for m in Metric)}")
            year = q.get("year") or None
            if year is not None and not (year == "all" or re.fullmatch(r"\d{4}", year)):
                raise BadQueryError(f"year must be a year such as 2024, or all, not {year!r}")
        except BadQueryError as e:
            return web.json_response({"error": str(e)}, status=400)
        p = self.pipeline
        if not p.ready:
            return _unavailable("this worker is rebalancing; its rows are being rebuilt")
        if q.get("local") == "1":
            return web.json_response(self._rows(list(p.ledgers), region, metric, year))
        if region is not None:
            partition = facts_partition(region, p.settings.partitions)
            if partition in p.ledgers:
                return web.json_response(self._rows([partition], region, metric, year))
            owner = self._owner(partition)
            if owner is None or owner == self.url:
                return _unavailable(f"no worker owns partition {partition} of the totals right now")
            raise web.HTTPTemporaryRedirect(owner.rstrip("/") + request.path_qs)
        return await self._everyone(metric, year)

    def _rows(
        self, partitions: list[int], region: str | None, metric: str | None, year: str | None
    ) -> list[Any]:
        rows = [
            row
            for partition in partitions
            for row in self.pipeline.ledgers[partition].rows()
            if (region is None or within(row.region.code, region))
            and (metric is None or row.metric == metric)
            and (year is None or row.year == year)
        ]
        return [row.model_dump(mode="json") for row in sorted(rows, key=lambda r: r.key)]

    def _owner(self, partition: int) -> str | None:
        """The URL of the worker whose ledger holds `partition`, as the group's assignment says."""
        changelog = changelog_topic(self.pipeline.settings.app_id)
        for url, topics in self.pipeline.app.assignor.table_metadata(changelog).items():
            if partition in topics.get(changelog, ()):
                return str(url)
        return None

    async def _everyone(self, metric: str | None, year: str | None) -> web.StreamResponse:
        p = self.pipeline
        remote: dict[str, list[int]] = {}
        for partition in range(p.settings.partitions):
            if partition in p.ledgers:
                continue
            owner = self._owner(partition)
            if owner is None or owner == self.url:
                return _unavailable(f"no worker owns partition {partition} of the totals right now")
            remote.setdefault(owner, []).append(partition)
        rows = self._rows(list(p.ledgers), None, metric, year)
        params = {"local": "1", **({"metric": metric} if metric else {}), **({"year": year} if year else {})}
        async with aiohttp.ClientSession(timeout=self.timeout) as session:

            async def ask(url: str) -> list[Any]:
                async with session.get(f"{url.rstrip('/')}/totals", params=params) as answer:
                    answer.raise_for_status()
                    found: list[Any] = await answer.json()
                    return found

            try:
                for found in await asyncio.gather(*(ask(url) for url in remote)):
                    rows.extend(found)
            except (aiohttp.ClientError, TimeoutError) as e:
                return web.json_response(
                    {"error": f"a worker did not answer for its rows: {e!r}"}, status=502, headers=RETRY_AFTER
                )
        return web.json_response(sorted(rows, key=lambda r: r["key"]))

    # -- events --------------------------------------------------------------------------

    async def events(self, request: web.Request) -> web.StreamResponse:
        q = request.query
        try:
            region = region_param(q.get("region"))
            since_ms = _since_ms(q.get("since"))
            limit = _limit(q.get("limit"))
        except BadQueryError as e:
            return web.json_response({"error": str(e)}, status=400)

        def keep(ts: int, event: dict[str, Any]) -> bool:
            if since_ms is not None and ts < since_ms:
                return False
            path = event.get("region_path") or [event["region"]]
            return region is None or any(r["code"] == region for r in path)

        return web.json_response(self.events_view.newest(keep, limit))

    # -- probes --------------------------------------------------------------------------

    async def healthz(self, request: web.Request) -> web.StreamResponse:
        app = self.pipeline.app
        if app.crashed:
            return web.json_response({"alive": False, "reason": repr(app.crash_reason)}, status=503)
        return web.json_response({"alive": True})

    async def readyz(self, request: web.Request) -> web.StreamResponse:
        p = self.pipeline
        try:
            assigned = p.app.consumer.assignment()
        except Exception:  # the consumer is not up yet
            assigned = set()
        partitions: dict[str, list[int]] = {}
        for tp in sorted(assigned):
            partitions.setdefault(tp.topic, []).append(tp.partition)
        ready = p.ready and bool(assigned) and not p.app.crashed
        body = {"ready": ready, "partitions": partitions}
        if not ready:
            body["reason"] = "crashed" if p.app.crashed else "recovering or not assigned"
        return web.json_response(body, status=200 if ready else 503)


def _unavailable(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=503, headers=RETRY_AFTER)


def _since_ms(value: str | None) -> int | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadQueryError(f"since must be an ISO 8601 date or time, not {value!r}") from None
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() * 1000)


def _limit(value: str | None) -> int:
    if not value:
        return 50
    if not value.isdigit() or not 1 <= int(value) <= MAX_EVENTS:
        raise BadQueryError(f"limit must be a number from 1 to {MAX_EVENTS}")
    return int(value)
