"""A worker started on a long history: time from its start until new articles are in the totals.

    PYTHONPATH=$PWD python benchmarks/restart.py [--history 0 10000 100000] [--runs 3] [--articles 200]

Each run is a fresh embedded broker whose ledger changelog already holds `--history` article
states (as a worker that read that many articles leaves it; states whose facts were withdrawn, so
the rows stay those of the new articles), spread over the partitions. One `investwire worker`
starts, restores the table and rebuilds its ledger from it, and `--articles` seed articles are
produced; a run ends when the group has committed everything and the output topics stopped
growing, or counts as stalled after `--max-wait` seconds. The baseline is history 0 in the same
run. Figures, not assertions: the seconds of each run, their best, and how many stalled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import harness
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from schemas.topics import RAW, changelog_topic
from streams.admin import ensure_topics
from streams.embedded_broker import EmbeddedBroker
from streams.settings import Settings


async def fill_history(broker: str, n: int, partitions: int) -> None:
    """`n` ledger states in the ledger table's changelog, as Faust writes them (JSON key)."""
    topic = changelog_topic(Settings().app_id)
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()
    p = harness.producer(broker, linger_ms=20)
    await p.start()
    try:
        pending = []
        for i in range(n):
            part, aid = i % partitions, f"history-{i:09d}"
            state = {
                "article_id": aid,
                "url": f"https://example.org/history/{i}",
                "version": {"fetched_at": "", "raw_offset": i, "digest": "0" * 64},
                "contributions": [],
                "earlier": {},
            }
            key = json.dumps(f"{part}|{aid}").encode()
            pending.append(await p.send(topic, json.dumps(state).encode(), key=key, partition=part))
        await asyncio.gather(*pending)
    finally:
        await p.stop()


async def one_run(history: int, payloads: list[bytes], max_wait: float) -> float:
    """Seconds from the worker's start to drained (less the 2 s of quiet); _Stalled if it did not."""
    partitions = Settings().partitions
    with EmbeddedBroker() as broker:
        await ensure_topics(broker, partitions)
        if history:
            await fill_history(broker, history, partitions)
        with harness.Workers(broker) as workers:
            started = time.monotonic()
            workers.start(1)
            keys = [json.loads(p)["url"].encode() for p in payloads]  # keyed by url, as ingest does
            await harness.produce_all(broker, RAW.name, payloads, keys)
            if not await harness.drained_within(broker, workers, max_wait):
                print(f"    stalled: logs kept in {workers.folder}")
                raise _Stalled  # leaving the block with an error keeps the workers' folder
            return time.monotonic() - started - 2.0


class _Stalled(Exception):
    """The run did not drain within --max-wait (the worker's folder is kept)."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--history", type=int, nargs="+", default=[0, 10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--max-wait", type=float, default=90.0)
    args = ap.parse_args()
    payloads = harness.seed_articles(args.articles)
    print(f"{len(payloads)} seed articles after a start on a history of {args.history} ledger states")
    best: dict[int, float] = {}
    for history in args.history:
        times: list[float] = []
        stalled = 0
        for run in range(args.runs):
            try:
                took = asyncio.run(one_run(history, payloads, args.max_wait))
            except _Stalled:
                stalled += 1
                print(f"history {history:>9,}  run {run + 1}: stalled (> {args.max_wait:.0f} s)")
                continue
            times.append(took)
            print(f"history {history:>9,}  run {run + 1}: {took:6.1f} s to drained")
        if times:
            best[history] = min(times)
        figure = f"best {min(times):.1f} s" if times else "never drained"
        print(f"history {history:>9,}: {figure}, {stalled} of {args.runs} stalled")
    if args.history[0] in best:
        base = best[args.history[0]]
        for history, t in best.items():
            print(f"ratio best(history {history:,}) / best(history {args.history[0]:,}) = {t / base:.2f}")


if __name__ == "__main__":
    main()
