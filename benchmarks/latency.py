"""Latency from an article's produce to its totals row and to its events, at a steady rate.

    PYTHONPATH=$PWD python benchmarks/latency.py [--rate 200] [--seconds 30] [--warm-up 5]
        [--workers 1] [--cpu-processes 2]

Articles of our own (made from tests/fixtures/*_cases.jsonl with other places, amounts and
years) each state one flow in a (region, metric, year) row of investment.totals that no other
article touches, so the first record of that row is that article's arrival, seen from outside.
They are produced into articles.raw at --rate articles/s, paced, for --warm-up + --seconds
seconds; a reader (aiokafka, from outside) follows investment.totals and investment.events and
notes when each article's row and its first event arrive. Latency = received by the reader −
handed to the producer, both on this machine's clock; only articles of the last --seconds
count. Prints the produce rate actually achieved, p50/p99/max of both latencies, how many never
arrived within the wait, and p50 of the first and last fifth of the window (a growing backlog
shows as the second far above the first).

Baseline, measured in the same run on the same broker before any worker starts: a bare
produce → consume round trip of the same payloads at the same rate, with the same producer and
reader (the ratios are against it); and once more with the fetch wait Faust gives its consumers,
the floor of each topic-to-topic hop inside the pipeline on this broker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import harness

from schemas.topics import EVENTS, RAW, TOTALS
from streams.embedded_broker import EmbeddedBroker


@dataclass
class Paced:
    """When each message was handed to the producer (epoch seconds), by index."""

    sent: list[float] = field(default_factory=list)

    def rate(self, first: int, last: int) -> float:
        """Messages/s handed over from message `first` to message `last` (inclusive)."""
        span = self.sent[last] - self.sent[first]
        return (last - first) / span if span > 0 else float("nan")


async def produce_paced(
    broker: str, topic: str, payloads: Sequence[bytes], keys: Sequence[bytes], rate: float
) -> Paced:
    """Send the payloads at `rate` per second, one after the other on a fixed schedule (a late
    send does not make the next ones early), without waiting for acknowledgements in between."""
    producer = harness.producer(broker)  # linger 0: each article leaves as soon as it is handed over
    await producer.start()
    paced = Paced()
    try:
        acks = []
        start = time.monotonic()
        for i, payload in enumerate(payloads):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            paced.sent.append(time.time())
            acks.append(await producer.send(topic, key=keys[i], value=payload))
        await asyncio.gather(*acks)
    finally:
        await producer.stop()
    return paced


def quantile(latencies: Sequence[float], expected: int, q: float) -> float:
    """The `q` quantile in seconds, counting what never arrived as infinitely late."""
    return harness.percentile([*latencies, *[math.inf] * (expected - len(latencies))], q)


def show(seconds: float, waited: float) -> str:
    """Milliseconds; what never arrived took longer than the wait for it (a lower bound)."""
    return f"> {waited:5,.0f} s " if math.isinf(seconds) else f"{seconds * 1000:8,.0f} ms"


def summary(name: str, latencies: Sequence[float], expected: int, waited: float = 0.0) -> str:
    missing = expected - len(latencies)
    cells = "   ".join(
        f"{label} {show(quantile(latencies, expected, q), waited)}"
        for label, q in (("p50", 0.5), ("p99", 0.99), ("max", 1.0))
    )
    return f"{name}: {cells}   ({len(latencies)} of {expected} seen{f', {missing} not' if missing else ''})"


def trend(latencies_in_order: Sequence[float | None], waited: float) -> str:
    """p50 of the first and of the last fifth of the window, in produce order."""
    fifth = max(1, len(latencies_in_order) // 5)
    parts = []
    for label, part in (("first", latencies_in_order[:fifth]), ("last", latencies_in_order[-fifth:])):
        seen = [x for x in part if x is not None]
        parts.append(f"{label} fifth p50 {show(quantile(seen, len(part), 0.5), waited).strip()}")
    return ", ".join(parts)


def ratio(a: float, b: float) -> str:
    return "n/a (not all seen)" if math.isinf(a) else f"{a / b:,.0f}x"


async def baseline(
    broker: str, payloads: Sequence[bytes], rate: float, fetch_max_wait_ms: int
) -> tuple[list[float], float]:
    """Round trips produce → consume of `payloads` on a topic of its own: latencies and rate."""
    topic = f"bench.roundtrip.{fetch_max_wait_ms}"
    keys = [str(i).encode() for i in range(len(payloads))]
    await harness.produce_all(broker, topic, [b"create"], keys=[b"-"])  # the topic exists before
    seen: dict[int, float] = {}
    async with harness.TopicReader(broker, [topic], fetch_max_wait_ms) as reader:

        async def read() -> None:
            async for rec in reader.records():
                if rec.key != "-":
                    seen.setdefault(int(rec.key), rec.received)
                    if len(seen) == len(payloads):
                        return

        task = asyncio.create_task(read())
        paced = await produce_paced(broker, topic, payloads, keys, rate)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(task, timeout=30)
    lat = [seen[i] - paced.sent[i] for i in range(len(payloads)) if i in seen]
    return lat, paced.rate(0, len(payloads) - 1)


async def measure(args: argparse.Namespace) -> None:
    warm_n = round(args.rate * args.warm_up)
    timed_n = round(args.rate * args.seconds)
    articles = harness.generated_articles(warm_n + timed_n)
    size = sum(len(a.payload) for a in articles) / len(articles)
    env = harness.worker_env(args.cpu_processes)
    print(
        f"{len(articles)} articles of {size:.0f} bytes on average, each with a totals row of its own; "
        f"{args.rate:g}/s for {args.warm_up:g} s warm-up + {args.seconds:g} s timed; "
        f"{args.workers} worker(s), INVESTWIRE_CPU_PROCESSES={harness.cpu_processes_setting(env)}, "
        f"{harness.CORES} cores"
    )
    broker = EmbeddedBroker()
    with broker as address:
        base_n = round(args.rate * args.baseline_seconds)
        sample = [a.payload for a in articles[:base_n]]
        base_lat, base_rate = await baseline(address, sample, args.rate, harness.READER_FETCH_WAIT_MS)
        print(f"baseline, bare produce → consume round trip at {base_rate:,.1f} msg/s:")
        print("    " + summary(f"reader's fetch wait {harness.READER_FETCH_WAIT_MS} ms", base_lat, base_n))
        faust_lat, _ = await baseline(address, sample, args.rate, harness.FAUST_FETCH_WAIT_MS)
        print("    " + summary(f"Faust's fetch wait {harness.FAUST_FETCH_WAIT_MS} ms", faust_lat, base_n))

        assert broker.process is not None
        with harness.Workers(address, env) as group:
            group.start(args.workers)
            await harness.wait_for_group(address, args.workers, workers=group)
            await harness.warm_up(address, group)
            row_of = {a.row: i for i, a in enumerate(articles)}
            index_of = {a.url: i for i, a in enumerate(articles)}
            row_at: dict[int, float] = {}
            event_at: dict[int, float] = {}
            async with harness.TopicReader(address, [TOTALS.name, EVENTS.name]) as reader:

                async def read() -> None:
                    async for rec in reader.records(check=group.check):
                        if rec.topic == TOTALS.name:
                            if (i := row_of.get(rec.key)) is not None and rec.value is not None:
                                row_at.setdefault(i, rec.received)
                        elif rec.value is not None:
                            url = json.loads(rec.value).get("url")
                            if (i := index_of.get(url)) is not None:
                                event_at.setdefault(i, rec.received)

                task = asyncio.create_task(read())
                roles = {"broker": broker.process.pid, "bench": os.getpid()}
                roles.update({w.name: w.proc.pid for w in group.workers})
                before = harness.cpu_split(roles)
                t0 = time.monotonic()
                paced = await produce_paced(
                    address,
                    RAW.name,
                    [a.payload for a in articles],
                    [a.url.encode() for a in articles],
                    args.rate,
                )
                produced = time.monotonic()
                cpu = harness.cpu_delta(before, harness.cpu_split(roles))
                wall = produced - t0
                # wait for the stragglers: until every timed article arrived, or nothing new came
                # for --quiet seconds
                timed = range(warm_n, len(articles))
                last_count, last_change = -1, time.monotonic()
                while (
                    time.monotonic() - last_change < args.quiet
                    and time.monotonic() - produced < args.max_wait
                ):
                    if task.done():
                        task.result()
                    count = sum(1 for i in timed if i in row_at) + sum(1 for i in timed if i in event_at)
                    if count == 2 * len(timed):
                        break
                    if count != last_count:
                        last_count, last_change = count, time.monotonic()
                    await asyncio.sleep(0.5)
                waited = time.monotonic() - produced
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    print(
        f"produce rate achieved: {paced.rate(warm_n, len(articles) - 1):,.1f} articles/s over the timed "
        f"{args.seconds:g} s ({paced.rate(0, len(articles) - 1):,.1f} overall); waited {waited:.0f} s after"
    )
    rows = [row_at[i] - paced.sent[i] for i in timed if i in row_at]
    events = [event_at[i] - paced.sent[i] for i in timed if i in event_at]
    print("    " + summary("produce → totals row ", rows, len(timed), waited))
    print("    " + summary("produce → first event", events, len(timed), waited))
    in_order = [row_at[i] - paced.sent[i] if i in row_at else None for i in timed]
    print(f"    totals row: {trend(in_order, waited)}")
    if row_at:
        done = max(row_at.values()) - paced.sent[0]
        print(
            f"    totals rows arrived at {len(row_at) / done:,.1f} articles/s on average "
            f"({len(row_at)} rows in the {done:.0f} s from the first produce to the last row seen)"
        )
    ours = sum(v for k, v in cpu.items() if k != "machine")
    split = ", ".join(f"{k} {v:.1f}" for k, v in cpu.items() if k != "machine")
    print(
        f"    CPU s while producing ({wall:.0f} s): {split}; {ours / wall:.2f} cores ours, machine busy "
        f"{cpu['machine'] / wall:.2f} of {harness.CORES}"
    )
    n = len(timed)
    b50, b99 = quantile(base_lat, base_n, 0.5), quantile(base_lat, base_n, 0.99)
    print(
        f"ratio totals row / round trip: p50 {ratio(quantile(rows, n, 0.5), b50)}, "
        f"p99 {ratio(quantile(rows, n, 0.99), b99)}; first event / round trip: p50 "
        f"{ratio(quantile(events, n, 0.5), b50)}, p99 {ratio(quantile(events, n, 0.99), b99)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=200.0, help="articles/s to produce")
    ap.add_argument("--seconds", type=float, default=30.0, help="timed window")
    ap.add_argument("--warm-up", type=float, default=5.0, help="seconds at the rate before the window")
    ap.add_argument("--baseline-seconds", type=float, default=5.0, help="length of each round-trip baseline")
    ap.add_argument("--quiet", type=float, default=20.0, help="stop waiting after this long with no arrival")
    ap.add_argument("--max-wait", type=float, default=30.0, help="longest wait for arrivals after producing")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--cpu-processes", type=int, default=None, help="INVESTWIRE_CPU_PROCESSES of each worker")
    asyncio.run(measure(ap.parse_args()))


if __name__ == "__main__":
    main()
