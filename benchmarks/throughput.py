"""Throughput of investwire against its own ceilings, in one run on one embedded broker.

    PYTHONPATH=$PWD python benchmarks/throughput.py [--articles 2000] [--cpu-processes 2]
        [--input seeds|generated]

(a) ceiling: the same articles through a bare aiokafka consume → produce loop on the broker;
(b) baseline: the pure extractor on the same articles, no broker, one core;
(b') the pure extractor in one process per core at once: what the machine's cores, as others
    share them at the moment, can extract (on an idle 2-core machine about 2 × (b));
(c) the pipeline end to end on the whole machine: `investwire worker` in a process of its own
    (INVESTWIRE_CPU_PROCESSES from --cpu-processes, else the setting's default), joined and warmed
    up, then all N articles produced at once; rate = N / (first article produced → last record
    the run published on investment.events or investment.totals, by record timestamps).
Prints articles/s of each, the ratios (c)/(b) (the issue's goal: ≥ 1.2), (c)/(b') and (c)/(a), and the
CPU seconds of the broker, the worker and its pool over (c). Figures, not assertions.

--input seeds: the seed articles (or the packaged samples) repeated under distinct URLs and
dates (~8 KiB each); generated: short articles of our own, each with a totals row of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from collections.abc import Sequence

import harness
from aiokafka import AIOKafkaConsumer

from streams.embedded_broker import EmbeddedBroker


async def raw_ceiling(broker: str, payloads: Sequence[bytes], topic: str = "bench.in") -> float:
    """(a) articles/s through a bare consume → produce loop (from its first record read to its
    last one acknowledged), the most any consumer-producer on this broker can do with them."""
    await harness.produce_all(broker, topic, payloads)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker,
        group_id="bench-passthrough",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    producer = harness.producer(broker, linger_ms=20, max_batch_size=256 * 1024)
    await consumer.start()
    await producer.start()
    try:
        done = 0
        started: float | None = None
        while done < len(payloads):
            batch = await consumer.getmany(timeout_ms=1000, max_records=2000)
            for _tp, msgs in batch.items():
                if started is None and msgs:
                    started = time.perf_counter()
                for m in msgs:
                    await producer.send(f"{topic}.out", key=m.key, value=m.value)
                    done += 1
            if batch:
                await consumer.commit()
        await producer.flush()
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        await consumer.stop()
        await producer.stop()
    return len(payloads) / elapsed


def extractor_rate(payloads: Sequence[bytes]) -> float:
    """(b) articles/s of the pure extractor (raw bytes → article → events), one core, no broker."""
    from extraction import Extractor, to_article
    from schemas import parse_raw_article

    extractor = Extractor()
    extractor.extract(to_article(parse_raw_article(payloads[0], 4_000_000)))  # lazy loads paid before
    started = time.perf_counter()
    for p in payloads:
        extractor.extract(to_article(parse_raw_article(p, 4_000_000)))
    return len(payloads) / (time.perf_counter() - started)


def _extract_share(payloads: Sequence[bytes]) -> float:
    return len(payloads) / extractor_rate(payloads)


def machine_extractor_rate(payloads: Sequence[bytes]) -> float:
    """(b') articles/s of the pure extractor in one process per core, all at once: what this
    machine's cores, shared as they are at the moment, can extract."""
    cores = harness.CORES
    shares = [list(payloads[i::cores]) for i in range(cores)]
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        seconds = pool.map(_extract_share, shares)
    return len(payloads) / max(seconds)


def print_cpu(run: harness.PipelineRun) -> None:
    """The CPU split of a run: seconds and cores used of each process over the run."""
    wall = run.cpu_wall
    ours = sum(v for k, v in run.cpu.items() if k != "machine")
    parts = ", ".join(f"{k} {v:.1f}" for k, v in run.cpu.items() if k != "machine")
    print(f"    CPU s over {wall:.1f} s: {parts}")
    busy = run.cpu["machine"] / wall
    print(f"    = {ours / wall:.2f} of {harness.CORES} cores ours; machine busy {busy:.2f} (all users)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--cpu-processes", type=int, default=None, help="INVESTWIRE_CPU_PROCESSES of the worker")
    ap.add_argument("--input", choices=("seeds", "generated"), default="seeds")
    args = ap.parse_args()

    payloads, source = harness.articles_for(args.input, args.articles)
    env = harness.worker_env(args.cpu_processes)
    size = sum(len(p) for p in payloads) / len(payloads)
    print(
        f"{len(payloads)} articles of {size / 1024:.1f} KiB on average ({source}); "
        f"worker with INVESTWIRE_CPU_PROCESSES={harness.cpu_processes_setting(env)}, {harness.CORES} cores"
    )
    broker = EmbeddedBroker()
    with broker as address:
        a = asyncio.run(raw_ceiling(address, payloads))
        print(f"(a) ceiling, aiokafka passthrough : {a:10,.0f} articles/s")
        b = extractor_rate(payloads)
        print(f"(b) pure extractor, one core      : {b:10,.0f} articles/s")
        b_all = machine_extractor_rate(payloads)
        print(f"(b') pure extractor, {harness.CORES} processes : {b_all:10,.0f} articles/s (cores as shared)")
        run = asyncio.run(harness.pipeline_run(broker, payloads, 1, env))
    c = run.rate
    print(
        f"(c) investwire end to end         : {c:10,.0f} articles/s "
        f"({run.seconds:.1f} s; {run.events:,} events and {run.totals:,} totals records published)"
    )
    print_cpu(run)
    print(
        f"ratio (c)/(b) = {c / b:.3f} (goal ≥ 1.2)   ratio (c)/(b') = {c / b_all:.3f}   "
        f"ratio (c)/(a) = {c / a:.4f}"
    )
    print(
        f"worker start: group joined in {run.join_seconds:.1f} s, warm-up {run.warm_up_seconds:.1f} s; "
        f"peak RSS {', '.join(f'{k} {v:.0f} MiB' for k, v in run.peak_rss_mib.items())}"
    )


if __name__ == "__main__":
    main()
