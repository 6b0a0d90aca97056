"""Two `investwire worker` processes share the partitions: a region's totals are answered by the
worker that owns it, the other redirects there, and either answers for every region."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp

from schemas.topics import FACTS, facts_partition
from tests.conftest import totals_of, without_updated_at
from tests.integration.cluster import CASES, Cluster, events_of, record


async def _get(url: str, redirects: bool = True) -> tuple[int, Any, str]:
    async with aiohttp.ClientSession() as s, s.get(url, allow_redirects=redirects) as r:
        body = await r.json() if r.content_type == "application/json" else None
        return r.status, body, r.headers.get("Location", "")


async def test_each_region_is_answered_by_its_owner_and_every_worker_answers_for_all(tmp_path: Path) -> None:
    records = [record(a) for a in CASES]
    expected = totals_of(list(events_of(records)))
    async with Cluster(tmp_path) as cluster:
        cluster.start("a")
        cluster.start("b")
        await cluster.feed(records)
        assert await cluster.settled() == expected
        url = {name: f"http://127.0.0.1:{port}" for name, port in cluster.ports.items()}
        owned: dict[str, set[int]] = {}
        for name in url:
            status, ready, _ = await _get(f"{url[name]}/readyz")
            assert status == 200, ready
            owned[name] = set(ready["partitions"].get(FACTS.name, []))
        assert owned["a"] and owned["b"] and not owned["a"] & owned["b"], owned

        n = int(cluster.env["INVESTWIRE_PARTITIONS"])
        provinces = sorted(
            {r["region"]["code"] for r in expected.values() if r["region"]["level"] == "province"}
        )
        of_b = next(code for code in provinces if facts_partition(code, n) in owned["b"])
        query = f"/totals?region={of_b}&metric=total_investment"
        status, _, location = await _get(url["a"] + query, redirects=False)
        assert (status, location) == (307, url["b"] + query)
        status, found, _ = await _get(url["a"] + query)  # followed: the owner's rows
        assert status == 200 and without_updated_at({r["key"]: r for r in found}) == {
            k: r for k, r in expected.items() if k.startswith(of_b[:2]) and r["metric"] == "total_investment"
        }
        for name in url:  # no region: each worker gathers every partition's rows
            status, found, _ = await _get(f"{url[name]}/totals")
            assert status == 200 and without_updated_at({r["key"]: r for r in found}) == expected
