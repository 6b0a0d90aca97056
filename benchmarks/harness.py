"""What the pipeline benchmarks share: their articles, the broker, `investwire worker` processes,
reading topics from outside, and CPU accounting from /proc.

Everything here talks to the pipeline the way an operator would: the CLI in a process of its
own, topics by their names in `schemas.topics`, the group by `Settings().app_id`. Nothing reads
a worker's internals, so the benchmarks keep working while the topology and the ledger change.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schemas.topics import ARTICLE_MAX_BYTES, EVENTS, RAW, TOTALS  # noqa: E402
from schemas.totals import RegionTotal  # noqa: E402
from streams.embedded_broker import EmbeddedBroker  # noqa: E402
from streams.lag import topic_partitions  # noqa: E402
from streams.settings import Settings  # noqa: E402

SEEDS = ROOT.parent / "shared" / "seeds" / "articles.jsonl"
SAMPLES = ROOT / "investwire" / "samples" / "articles.jsonl"
CASES = sorted((ROOT / "tests" / "fixtures").glob("*_cases.jsonl"))
CORES = len(os.sched_getaffinity(0))
TICK = os.sysconf("SC_CLK_TCK")

# -- articles ------------------------------------------------------------------------------


def articles_for(kind: str, n: int) -> tuple[list[bytes], str]:
    """`n` payloads of the `--input` a benchmark was given, and how to name them."""
    if kind == "seeds":
        return seed_articles(n), seed_source()[1]
    return [a.payload for a in generated_articles(n)], "generated from tests/fixtures"


def seed_source() -> tuple[Path, str]:
    return (SEEDS, "seeds") if SEEDS.exists() else (SAMPLES, "samples")


def seed_articles(n: int) -> list[bytes]:
    """`n` article records, the seed articles (or the samples) repeated under distinct URLs, each
    copy with a publication date of its own so that it reports facts of its own."""
    source, _ = seed_source()
    base = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = []
    for i in range(n):
        record = dict(base[i % len(base)])
        record["url"] = f"{record['url']}#bench-{i}"
        record["published_at"] = f"{2000 + (i // len(base)) % 25}-{1 + (i // len(base) // 25) % 12:02d}-28"
        out.append(json.dumps(record, ensure_ascii=False).encode())
    return out


@dataclass(frozen=True)
class Generated:
    """A short article of our own whose one flow lands in a totals row no other article touches."""

    url: str
    payload: bytes
    #: its (region, metric, year) row of investment.totals
    row: str
    region: str


_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?(?=\s*(?:亿|万|个亿))")
_YEAR = re.compile(r"(?<!\d)20\d\d(?=年|-)")
_FLOWS = ("signing", "project")  # the flow kinds of EVENTS.md


def _templates() -> list[tuple[dict[str, Any], str, str]]:
    """Fixture articles with one expected event, a flow of a city or county named in full once:
    (article, region code, metric)."""
    from extraction.regions import gazetteer

    g = gazetteer()
    out = []
    for path in CASES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            article, expected = case.get("article"), case.get("expected") or []
            if not isinstance(article, dict) or len(expected) != 1:
                continue
            e = expected[0]
            d = g.get(str(e.get("region", "")))
            if e.get("kind") not in _FLOWS or e.get("part_of") or d is None or d.level == "province":
                continue
            if article.get("text", "").count(d.name) == 1 and article.get("published_at"):
                out.append((article, d.code, str(e["metric"])))
    return out


def _swap(text: str, old: str, new: str) -> str:
    """`text` with the places of division `old` (and its parents) named as those of `new`."""
    from extraction.regions import gazetteer

    g = gazetteer()
    pairs = []
    for a, b in zip(reversed(g.chain(old)), reversed(g.chain(new)), strict=False):
        pairs.append((a.name, b.name))
        if len(a.short) >= 2 and a.short != a.name:
            pairs.append((a.short, b.short))
    # one pass, longest first, so a replaced name is never replaced again
    pairs.sort(key=lambda p: -len(p[0]))
    table = dict(pairs)
    pattern = re.compile("|".join(re.escape(a) for a, _ in pairs))
    return pattern.sub(lambda m: table[m.group(0)], text)


def _vary(text: str, year: int, factor: float) -> str:
    """Another year, and every amount times one factor (so the article's figures still agree)."""

    def amount(m: re.Match[str]) -> str:
        digits = m.group(0).replace(",", "")
        value = float(digits) * factor
        decimals = len(digits.partition(".")[2])
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))

    return _AMOUNT.sub(amount, _YEAR.sub(str(year), text))


def generated_articles(
    n: int, seed: int = 8, prefix: str = "bench", years: Sequence[int] = range(2001, 2025)
) -> list[Generated]:
    """`n` short articles made from the fixture cases by swapping in other cities and counties,
    other amounts and other years, in random order; each one's flow is the only fact of its
    (region, metric, year) row. Every article is checked with the pure extractor (about 1 ms
    each): only those where it finds exactly one event, a flow of the swapped-in region, metric
    and year, are used."""
    from extraction import Extractor, to_article
    from extraction.regions import gazetteer
    from schemas import RawArticle

    rng = random.Random(seed)
    g = gazetteer()
    templates = _templates()
    if not templates:
        raise SystemExit("no usable fixture cases in tests/fixtures/*_cases.jsonl")
    targets = {
        level: [d.code for d in g.divisions.values() if d.level == level and d.code[4] != "7"]
        for level in ("city", "county")
    }
    for pool in targets.values():
        rng.shuffle(pool)
    extractor = Extractor()
    out: list[Generated] = []
    used: set[tuple[str, str]] = set()  # (region, metric): the rows of every year are ours
    for t, target in enumerate(zip(*targets.values(), strict=False)):
        if len(out) >= n:
            break
        article, code, metric = templates[t % len(templates)]
        region = target[0] if g.get(code).level == "city" else target[1]
        if (region, metric) in used:
            continue
        used.add((region, metric))
        text = _swap(article["text"], code, region)
        for year in years:
            if len(out) >= n:
                break
            body = _vary(text, year, rng.uniform(0.3, 3.0))
            published = _YEAR.sub(str(year), article["published_at"])
            url = f"https://bench.invalid/{prefix}/{len(out)}"
            raw = RawArticle(url=url, text=body, published_at=published, source="bench")
            found = extractor.extract(to_article(raw))
            if len(found) != 1 or not found[0].is_flow:
                continue
            e = found[0]
            when = e.event_date or e.published_at
            if (e.region.code, str(e.metric), when and when.year) != (region, metric, year):
                continue
            record = {"url": url, "text": body, "published_at": published, "source": "bench"}
            payload = json.dumps(record, ensure_ascii=False).encode()
            out.append(Generated(url, payload, RegionTotal.make_key(region, metric, str(year)), region))
    if len(out) < n:
        raise SystemExit(f"could make only {len(out)} of {n} articles from the fixture cases")
    rng.shuffle(out)
    return out


# -- the broker and the workers ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_id() -> str:
    """The workers' consumer group: their app id, as their settings read it."""
    return Settings().app_id


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path


@dataclass
class Workers:
    """`investwire worker` processes on `broker`, each with a data folder, web port and log of its
    own under a temporary folder; `env` adds INVESTWIRE_* settings to the environment."""

    broker: str
    env: dict[str, str] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="investwire-bench-")))

    def start(self, n: int = 1) -> None:
        for _ in range(n):
            name = f"worker-{len(self.workers) + 1}"
            env = {
                **os.environ,
                **self.env,
                "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
                "KAFKA_BROKER": self.broker,
                "INVESTWIRE_DATA_DIR": str(self.folder / name),
                "INVESTWIRE_WEB_PORT": str(free_port()),
            }
            log = self.folder / f"{name}.log"
            with log.open("ab") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "investwire", "worker", "--broker", self.broker],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            self.workers.append(Worker(name, proc, log))

    def check(self) -> None:
        """Stop the benchmark (with the log's tail) if a worker exited."""
        for w in self.workers:
            if w.proc.poll() is not None:
                tail = w.log.read_text(errors="replace").splitlines()[-15:]
                raise SystemExit(f"{w.name} exited with {w.proc.returncode}; {w.log}:\n" + "\n".join(tail))

    def stop(self) -> None:
        for w in self.workers:
            if w.proc.poll() is None:
                w.proc.send_signal(signal.SIGTERM)
        for w in self.workers:
            try:
                w.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait(timeout=10)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        """Stop the workers; their folder is removed unless the benchmark failed (logs kept)."""
        self.stop()
        if exc_type is None:
            shutil.rmtree(self.folder, ignore_errors=True)


async def wait_for_group(
    broker: str, members: int, timeout: float = 120.0, workers: Workers | None = None
) -> float:
    """Wait until the workers' group is Stable with `members` members; returns the seconds waited."""
    started = time.monotonic()
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        while time.monotonic() - started < timeout:
            if workers is not None:
                workers.check()
            with contextlib.suppress(Exception):
                (described,) = await admin.describe_consumer_groups([group_id()])
                (_err, _gid, state, _ptype, _proto, found) = described.groups[0]
                if state == "Stable" and len(found) == members:
                    return time.monotonic() - started
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    raise SystemExit(f"the group {group_id()} did not reach {members} stable members in {timeout:.0f} s")


# -- topics from outside -------------------------------------------------------------------


def producer(broker: str, **options: Any) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=broker, max_request_size=ARTICLE_MAX_BYTES, **options)


async def produce_all(
    broker: str, topic: str, payloads: Sequence[bytes], keys: Sequence[bytes] | None = None
) -> float:
    """Send everything as fast as the client batches it (linger 20 ms, 256 KiB batches, as
    `investwire ingest` does) and wait for every acknowledgement; returns when the first was sent."""
    p = producer(broker, linger_ms=20, max_batch_size=256 * 1024)
    await p.start()
    try:
        first = time.time()
        futures = [
            await p.send(topic, key=keys[i] if keys else str(i).encode(), value=payload)
            for i, payload in enumerate(payloads)
        ]
        await asyncio.gather(*futures)
    finally:
        await p.stop()
    return first


async def all_topics(broker: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=broker)
    await admin.start()
    try:
        return sorted(await admin.list_topics())
    finally:
        await admin.close()


async def high_water_marks(broker: str, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    """Each partition's high-water mark from a fetch reply. Tansu's ListOffsets(latest) answers the
    start of the last batch + 1 (BROKER.md), so the fetch starts there: it reads one batch at
    most and its reply carries the true mark (on Kafka it starts at the end and reads nothing)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=broker, group_id=None, enable_auto_commit=False, max_partition_fetch_bytes=65_536
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        for tp in tps:
            consumer.seek(tp, max(0, ends[tp] - 1))
        marks: dict[TopicPartition, int] = {tp: 0 for tp in tps if ends[tp] == 0}
        for _ in range(50):
            if len(marks) == len(tps):
                break
            await consumer.getmany(timeout_ms=200, max_records=1)
            for tp in tps:
                hw = consumer.highwater(tp)
                if hw is not None:
                    marks[tp] = hw
        return marks
    finally:
        await consumer.stop()


async def committed(broker: str, tps: list[TopicPartition]) -> dict[TopicPartition, int | None]:
    """The group's committed offsets, read by a consumer that never joins it (no rebalance)."""
    reader = AIOKafkaConsumer(bootstrap_servers=broker, group_id=group_id(), enable_auto_commit=False)
    await reader.start()
    try:
        reader.assign(tps)
        return {tp: await reader.committed(tp) for tp in tps}
    finally:
        await reader.stop()


async def behind(broker: str) -> int:
    """Records the group has not committed yet, on every topic it has committed on (whatever the
    topology reads) and on articles.raw in any case."""
    tps = await topic_partitions(broker, await all_topics(broker))
    done = await committed(broker, tps)
    read = {tp.topic for tp, off in done.items() if off is not None and off >= 0} | {RAW.name}
    tps = [tp for tp in tps if tp.topic in read]
    marks = await high_water_marks(broker, tps)
    return sum(max(0, marks.get(tp, 0) - (done.get(tp) or 0)) for tp in tps)


async def published_counts(broker: str) -> tuple[int, int]:
    """Records on investment.events and on investment.totals so far."""
    tps = await topic_partitions(broker, [EVENTS.name, TOTALS.name])
    marks = await high_water_marks(broker, tps)
    return tuple(sum(n for tp, n in marks.items() if tp.topic == t) for t in (EVENTS.name, TOTALS.name))  # type: ignore[return-value]


async def output_marks(broker: str) -> int:
    """Records on investment.events and investment.totals so far."""
    tps = await topic_partitions(broker, [EVENTS.name, TOTALS.name])
    return sum((await high_water_marks(broker, tps)).values())


async def drained_within(broker: str, workers: Workers, timeout: float, quiet: float = 2.0) -> bool:
    """True once the group has committed everything it reads and events and totals stopped
    growing for `quiet` seconds (longer than the totals' publish interval); False at `timeout`."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        workers.check()
        marks = await output_marks(broker)
        if marks != last:
            last, since = marks, time.monotonic()
        elif time.monotonic() - since >= quiet and await behind(broker) == 0:
            return True
        await asyncio.sleep(0.5)
    return False


async def wait_until_drained(
    broker: str, workers: Workers, timeout: float = 900.0, quiet: float = 2.0
) -> None:
    """`drained_within`, or stop the benchmark."""
    if not await drained_within(broker, workers, timeout, quiet):
        raise SystemExit(f"the workers did not finish within {timeout:.0f} s (logs in {workers.folder})")


async def last_published(broker: str, topics: Sequence[str] = (EVENTS.name, TOTALS.name)) -> float:
    """When the newest record of `topics` was published (its record timestamp, epoch seconds)."""
    tps = await topic_partitions(broker, topics)
    marks = await high_water_marks(broker, tps)
    consumer = AIOKafkaConsumer(bootstrap_servers=broker, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        pending = {tp for tp in tps if marks.get(tp, 0) > 0}
        consumer.assign(list(pending))
        for tp in pending:
            consumer.seek(tp, marks[tp] - 1)
        newest = 0.0
        while pending:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, msgs in batch.items():
                for m in msgs:
                    newest = max(newest, m.timestamp / 1000)
                pending.discard(tp)
        return newest
    finally:
        await consumer.stop()


async def warm_up(broker: str, workers: Workers, count: int = 8) -> float:
    """Send `count` generated articles spread over every partition of articles.raw and wait until
    each one's totals row is out, then until the group is idle: every stage has run once (and
    every lazy start-up cost is paid) before anything is timed. Returns the seconds it took."""
    started = time.monotonic()
    raw = await topic_partitions(broker, [RAW.name])
    articles = generated_articles(count, seed=1, prefix="warm-up", years=[2000])  # no timed row's year
    rows = {a.row for a in articles}
    p = producer(broker)
    await p.start()
    try:
        for i, a in enumerate(articles):
            await p.send_and_wait(
                RAW.name, key=a.url.encode(), value=a.payload, partition=i % max(1, len(raw))
            )
    finally:
        await p.stop()
    async with TopicReader(broker, [TOTALS.name]) as reader:
        async for rec in reader.records(timeout=120.0, check=workers.check):
            rows.discard(rec.key)
            if not rows:
                break
    if rows:
        raise SystemExit(f"warm-up: {len(rows)} totals rows never came (logs in {workers.folder})")
    await wait_until_drained(broker, workers)
    return time.monotonic() - started


#: The outside reader's longest fetch wait. Tansu answers a fetch that finds nothing new only after
#: about half of it, even if records arrive meanwhile (a 1,500 ms wait, Faust's, gives round trips
#: of 0-750 ms), so keep it short.
READER_FETCH_WAIT_MS = 100
#: What Faust's aiokafka driver asks of every consumer it makes (hard-coded there).
FAUST_FETCH_WAIT_MS = 1500


@dataclass(frozen=True)
class Received:
    topic: str
    key: str
    value: bytes | None
    timestamp: float  # the record's own (epoch seconds)
    received: float  # when this reader got it


class TopicReader:
    """`async with TopicReader(broker, topics) as r: async for rec in r.records(): ...` every
    record of `topics` from the start, with when it was received."""

    def __init__(
        self, broker: str, topics: Sequence[str], fetch_max_wait_ms: int = READER_FETCH_WAIT_MS
    ) -> None:
        self.broker = broker
        self.topics = list(topics)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=broker,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=fetch_max_wait_ms,
        )

    async def __aenter__(self) -> TopicReader:
        tps = await topic_partitions(self.broker, self.topics)
        await self.consumer.start()
        self.consumer.assign(tps)
        for tp in tps:
            self.consumer.seek(tp, 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def records(self, timeout: float | None = None, check: Any = None) -> Any:
        """Records as they come; ends after `timeout` seconds (None: never)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or time.monotonic() < deadline:
            if check is not None:
                check()
            batch = await self.consumer.getmany(timeout_ms=200)
            now = time.time()
            for tp, msgs in batch.items():
                for m in msgs:
                    key = (m.key or b"").decode("utf-8", "replace")
                    yield Received(tp.topic, key, m.value, m.timestamp / 1000, now)


# -- CPU accounting ------------------------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds user + system) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (st := _stat(int(entry))) is not None:
            tree.setdefault(st[0], []).append(int(entry))
    return tree


def _descendants(pid: int, tree: dict[int, list[int]], stop: set[int]) -> Iterator[int]:
    """Every process under `pid`, leaving out the subtrees of the pids in `stop`."""
    for child in tree.get(pid, []):
        if child not in stop:
            yield child
            yield from _descendants(child, tree, stop)


def cpu_split(roles: dict[str, int]) -> dict[str, float]:
    """CPU seconds so far of each role's process (`NAME`) and of its other descendants
    (`NAME pool`: a worker's process pool), plus the whole machine's busy seconds (`machine`,
    every process of every user). A role started by another (the broker and the workers by the
    benchmark) counts only under its own name."""
    tree = _children()
    pids = set(roles.values())
    out: dict[str, float] = {}
    for name, pid in roles.items():
        own = _stat(pid)
        out[name] = own[1] if own else 0.0
        kids = [st for c in _descendants(pid, tree, pids) if (st := _stat(c)) is not None]
        if kids:
            out[f"{name} pool"] = sum(k[1] for k in kids)
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    out["machine"] = (sum(fields[:8]) - idle) / TICK
    return out


def cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items()}


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def worker_env(cpu_processes: int | None) -> dict[str, str]:
    return {"INVESTWIRE_CPU_PROCESSES": str(cpu_processes)} if cpu_processes else {}


def cpu_processes_setting(env: dict[str, str]) -> int:
    """The worker's INVESTWIRE_CPU_PROCESSES as it will read it (the setting's default if unset)."""
    return int(env.get("INVESTWIRE_CPU_PROCESSES") or Settings().cpu_processes)


# -- one timed run of the pipeline ---------------------------------------------------------


@dataclass
class PipelineRun:
    articles: int
    workers: int
    #: first article produced → last events/totals record published, seconds
    seconds: float
    events: int  # records published on investment.events during the run
    totals: int  # records published on investment.totals during the run
    #: CPU seconds of each process over the run (broker, worker-N, worker-N pool, bench, machine)
    cpu: dict[str, float]
    #: wall seconds the CPU figures cover (first produce → drained, the quiet check included)
    cpu_wall: float
    join_seconds: float
    warm_up_seconds: float
    peak_rss_mib: dict[str, float]

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


async def pipeline_run(
    broker: EmbeddedBroker, payloads: Sequence[bytes], workers: int, env: dict[str, str]
) -> PipelineRun:
    """`workers` worker processes in one group on `broker`: started, joined and warmed up, then
    every payload produced at once into articles.raw, timed until the last record they caused."""
    address = broker.address
    assert broker.process is not None
    with Workers(address, env) as group:
        group.start(workers)
        join = await wait_for_group(address, workers, workers=group)
        warm = await warm_up(address, group)
        roles = {"broker": broker.process.pid, "bench": os.getpid()}
        roles.update({w.name: w.proc.pid for w in group.workers})
        keys = [json.loads(p)["url"].encode() for p in payloads]  # keyed by url, as ingest does
        counts = await published_counts(address)
        before, t0 = cpu_split(roles), time.monotonic()
        first = await produce_all(address, RAW.name, payloads, keys)
        await wait_until_drained(address, group)
        cpu, wall = cpu_delta(before, cpu_split(roles)), time.monotonic() - t0
        last = await last_published(address)
        after = await published_counts(address)
        rss = {w.name: peak_rss_mib(w.proc.pid) for w in group.workers}
    return PipelineRun(
        articles=len(payloads),
        workers=workers,
        seconds=last - first,
        events=after[0] - counts[0],
        totals=after[1] - counts[1],
        cpu=cpu,
        cpu_wall=wall,
        join_seconds=join,
        warm_up_seconds=warm,
        peak_rss_mib=rss,
    )
