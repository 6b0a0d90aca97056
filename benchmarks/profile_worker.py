"""Where the worker's own process spends its CPU (the event loop: Faust, aiokafka, asyncio,
pydantic, the ledger), with extraction in the pool's processes left out.

    python benchmarks/profile_worker.py [--articles 1000] [--top 15]

Runs a worker in this process under cProfile on an embedded broker, feeds it the seed articles
(repeated under distinct URLs and dates, as benchmarks/throughput.py does) and waits until they
are processed. Prints CPU seconds per article by package and the top functions by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PACKAGES = ("faust", "mode", "aiokafka", "asyncio", "pydantic", "aggregation", "streams", "schemas", "json")


def package_of(filename: str) -> str:
    for name in PACKAGES:
        if f"/{name}/" in filename or filename.endswith(f"/{name}.py"):
            return name
    return "other" if filename != "~" else "builtins"


async def run(payloads: list[bytes], profiler: cProfile.Profile) -> float:
    from connectors.sources.files import Record
    from connectors.sources.kafka_producer import produce
    from streams.runner import running, wait_until_processed
    from streams.settings import Settings

    settings = Settings(app_id="investwire-profile", web_enabled=False, data_dir=Path("/tmp/iw-profile"))
    async with running(settings, fresh_broker=True) as r:
        records = [Record(json.loads(p)["url"].encode(), p, "bench") for p in payloads]  # as ingest keys them
        started = time.process_time()
        profiler.enable()
        await produce(r.broker, records)
        await wait_until_processed(r, len(records), timeout=1800)
        profiler.disable()
        return time.process_time() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    from benchmarks.harness import seed_articles

    payloads = seed_articles(args.articles)
    profiler = cProfile.Profile()
    cpu = asyncio.run(run(payloads, profiler))
    stats = pstats.Stats(profiler)
    by_package: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[package_of(filename)] += own
    profiled = sum(by_package.values())
    per_article = 1000 * cpu / args.articles
    print(f"{args.articles} articles: worker process {cpu:.2f} CPU s, {per_article:.2f} ms per article")
    for name, own in sorted(by_package.items(), key=lambda kv: -kv[1]):
        print(f"  {name:12s} {100 * own / profiled:5.1f}%  {1000 * own / args.articles:6.2f} ms/article")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
