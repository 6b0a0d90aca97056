"""Throughput of investwire against its own ceilings, in one run on one embedded broker.

    python benchmarks/throughput.py [--articles 2000]

(a) raw ceiling: article-sized messages through a bare aiokafka consumer → producer passthrough;
(b) the pure extractor on the same articles, no broker, one core;
(c) the pipeline end to end, from the first article produced to the last record it published
    (event or totals row: copies of the same seed articles are the same facts, so their totals
    rows stop changing early), in a worker process of its own (its peak memory is reported).
Prints articles/s for each and the ratios (c)/(a) and (c)/(b). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds" / "articles.jsonl"
SAMPLES = ROOT / "investwire" / "samples" / "articles.jsonl"


def load_articles(n: int) -> list[bytes]:
    """`n` article records, the seed articles (or the samples) repeated under distinct URLs."""
    source = SEEDS if SEEDS.exists() else SAMPLES
    base = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for i in range(n):
        record = dict(base[i % len(base)])
        record["url"] = f"{record['url']}#bench-{i}"
        # a publication date of its own, so each copy reports facts of its own and moves the totals
        record["published_at"] = f"{2000 + (i // len(base)) % 25}-{1 + (i // len(base) // 25) % 12:02d}-28"
        out.append(json.dumps(record, ensure_ascii=False).encode())
    return out


async def _produce(broker: str, topic: str, payloads: list[bytes]) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=broker, linger_ms=20, max_batch_size=256 * 1024, max_request_size=8_000_000
    )
    await producer.start()
    started = time.perf_counter()
    try:
        for i, p in enumerate(payloads):
            await producer.send(topic, key=str(i).encode(), value=p)
        await producer.flush()
    finally:
        await producer.stop()
    return started


async def raw_ceiling(broker: str, payloads: list[bytes]) -> float:
    """(a) articles/s through a bare consume → produce loop."""
    await _produce(broker, "bench.in", payloads)
    consumer = AIOKafkaConsumer(
        "bench.in",
        bootstrap_servers=broker,
        group_id="bench-passthrough",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=broker, linger_ms=20, max_batch_size=256 * 1024, max_request_size=8_000_000
    )
    await consumer.start()
    await producer.start()
    try:
        done = 0
        started = None
        while done < len(payloads):
            batch = await consumer.getmany(timeout_ms=1000, max_records=2000)
            for _tp, msgs in batch.items():
                if started is None and msgs:
                    started = time.perf_counter()
                for m in msgs:
                    await producer.send("bench.out", key=m.key, value=m.value)
                    done += 1
            if batch:
                await consumer.commit()
        await producer.flush()
        elapsed = time.perf_counter() - (started or time.perf_counter())
    finally:
        await consumer.stop()
        await producer.stop()
    return len(payloads) / elapsed


def extractor_rate(payloads: list[bytes]) -> float:
    """(b) articles/s of the pure extractor, one core, no broker."""
    from extraction import Extractor, to_article
    from schemas import parse_raw_article

    extractor = Extractor()
    started = time.perf_counter()
    for p in payloads:
        extractor.extract(to_article(parse_raw_article(p, 4_000_000)))
    return len(payloads) / (time.perf_counter() - started)


def _pipeline_worker(broker: str, payloads: list[bytes], out: mp.Queue) -> None:  # type: ignore[type-arg]
    from connectors.sources.files import Record
    from connectors.sources.kafka_producer import produce
    from schemas.topics import EVENTS, TOTALS
    from streams.runner import running, wait_until_processed
    from streams.settings import Settings

    async def go() -> dict[str, float]:
        # the embedded broker's settings, as `investwire run` would use them
        settings = Settings(broker=broker, app_id="investwire-bench", changelog_single_message_batches=True)
        async with running(settings) as run:
            records = [Record(str(i).encode(), p, "bench") for i, p in enumerate(payloads)]
            first = time.time()
            await produce(broker, records)
            await wait_until_processed(run, len(records), timeout=1800)
            last = max(
                await _last_timestamp(broker, TOTALS.name),
                await _last_timestamp(broker, EVENTS.name),
            )
            counts = dict(run.pipeline.counts)
        return {
            "first": first,
            "last": last,
            "events": counts.get("events.out", 0),
            "rows": counts.get("totals.published", 0),
        }

    result = asyncio.run(go())
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put(result)


async def _last_timestamp(broker: str, topic: str) -> float:
    """When the last record of `topic` was published (its record timestamp, seconds)."""
    from connectors.sinks.topic_reader import partitions_of
    from streams.lag import high_water_marks

    consumer = AIOKafkaConsumer(bootstrap_servers=broker, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        tps = await partitions_of(consumer, topic)
        ends = await high_water_marks(broker, tps, {})
        consumer.assign(tps)
        newest = 0.0
        for tp in tps:
            if ends.get(tp, 0) > 0:
                consumer.seek(tp, ends[tp] - 1)
        pending = {tp for tp in tps if ends.get(tp, 0) > 0}
        while pending:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, msgs in batch.items():
                for m in msgs:
                    newest = max(newest, m.timestamp / 1000)
                pending.discard(tp)
        return newest
    finally:
        await consumer.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from streams.embedded_broker import EmbeddedBroker

    payloads = load_articles(args.articles)
    size = sum(len(p) for p in payloads) / len(payloads)
    source = "seeds" if SEEDS.exists() else "samples"
    print(f"{len(payloads)} articles of {size / 1024:.1f} KiB on average ({source})")
    with EmbeddedBroker() as broker:
        a = asyncio.run(raw_ceiling(broker, payloads))
        print(f"(a) raw ceiling, aiokafka passthrough : {a:10,.0f} articles/s")
        b = extractor_rate(payloads)
        print(f"(b) pure extractor, one core          : {b:10,.0f} articles/s")
        result = _run_pipeline(broker, payloads)
    c = len(payloads) / (result["last"] - result["first"])
    print(
        f"(c) investwire end to end             : {c:10,.0f} articles/s "
        f"({result['events']:,.0f} events, {result['rows']:,.0f} totals rows published)"
    )
    print(f"ratio (c)/(a) = {c / a:.3f}   ratio (c)/(b) = {c / b:.3f}")
    print(f"worker peak memory (RSS): {result['peak_rss_mb']:,.0f} MiB")


def _run_pipeline(broker: str, payloads: list[bytes]) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_pipeline_worker, args=(broker, payloads, queue))
    proc.start()
    result: dict[str, float] = queue.get()
    proc.join()
    return result


if __name__ == "__main__":
    main()
