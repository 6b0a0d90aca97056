"""Memory of the totals ledger against how many articles it has seen (issue 8).

    python benchmarks/memory.py [--max 1000000] [--regions 400] [--publish-every 5000]

One partition's ledger is fed as the worker feeds it: every article's facts are applied, the
state it returns is written to the table store (a dict for `memory://`; for `rocksdb://` a
RocksDB opened by Faust's options class with the worker's settings, standing in for the Faust
table), and every `--publish-every` articles the pending rows are serialised as for
`investment.totals` and confirmed. The articles are distinct, with facts in the chains
(province, city, county) of `--regions` real counties of the gazetteer, four metrics, years
2015-2025, flows and period figures; about 5% get a corrected second version a while later,
and about 5% are syndicated copies of a recent article (same facts, another confidence).

It runs twice, each in a process of its own: with the ledger's index in memory (the baseline:
it grows with history) and on disk (RocksDB: it should stay flat). At 10k, 100k, 1M articles
(every power of ten up to --max, and --max) it prints VmRSS after a gc and articles/s so far
and since the last mark (time in the ledger and the table store only, not in making up the
input), and on disk what RocksDB says it holds in memory (memtables, table readers, block
cache) for the ledger's index and for the table; then RSS(last)/RSS(the one before), and the
time to rebuild the ledger from the table as `Pipeline._rebuild` does. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, MutableMapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from faust.stores.rocksdb import RocksDBOptions
from rocksdict import Rdict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aggregation import ArticleState, MemoryIndex, RocksIndex, TotalsLedger  # noqa: E402
from aggregation.index import held_bytes  # noqa: E402
from schemas.events import Period, RegionRef  # noqa: E402
from schemas.totals import ArticleFacts, ArticleVersion, Contribution  # noqa: E402
from streams.app import TABLE_STORE_OPTIONS  # noqa: E402

METRICS = ["total_investment", "attracted_funds", "funds_in_place", "fdi_utilized"]
CORRECTED = 0.05
COPIES = 0.05
#: how many articles later a correction arrives
CORRECTION_LAG = 2_000

Chain = tuple[RegionRef, ...]


def chains(n: int, seed: int = 8) -> list[Chain]:
    """The chains of `n` counties of the gazetteer (a seeded sample), and of their cities."""
    from extraction.regions import gazetteer

    gaz = gazetteer()
    counties = sorted(d.code for d in gaz.divisions.values() if d.level == "county")
    picked = random.Random(seed).sample(counties, n)
    out: dict[tuple[str, ...], Chain] = {}
    for code in picked:
        chain = tuple(RegionRef(code=d.code, name=d.name, level=d.level) for d in gaz.chain(code))
        for cut in (len(chain), len(chain) - 1):
            if cut:
                out[tuple(r.code for r in chain[:cut])] = chain[:cut]
    return list(out.values())


def _stated(source: int, regions: list[Chain], variant: int) -> list[Contribution]:
    """What article `source` reports (its copies report the same facts); `variant` 1 corrects one."""
    rng = random.Random(source * 2 + 1)
    out = []
    for j in range(rng.choice((1, 1, 2, 3))):
        correct = variant and j == 0
        fact = hashlib.sha256(f"bench|{source}|{j}|{int(correct)}".encode()).hexdigest()[:24]
        year = rng.randint(2015, 2025)
        flow = rng.random() < 0.8
        month = rng.randint(1, 12)
        end = (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        value = rng.lognormvariate(20, 2) * (1.1 if correct else 1.0)
        out.append(
            Contribution(
                fact_id=fact,
                flow=flow,
                metric=rng.choice(METRICS),  # type: ignore[arg-type]
                regions=rng.choice(regions),
                year=year,
                value_fen=int(value),
                project_count=rng.randint(0, 30) if flow else 0,
                confidence=rng.choice((0.4, 0.6, 0.75, 0.9)),
                period=None if flow else Period(start=date(year, 1, 1), end=end, label=f"1-{month}月"),
            )
        )
    return out


def versions(n: int, regions: list[Chain]) -> Iterator[tuple[int, ArticleFacts]]:
    """(distinct articles so far, one version): `n` articles and their corrections, in arrival order."""
    corrections: dict[int, int] = {}  # arrival → article whose second version it is
    offset = 0
    for i in range(n):
        rng = random.Random(-i - 1)
        source = rng.randrange(max(0, i - 5_000), i) if i and rng.random() < COPIES else i
        if rng.random() < CORRECTED:
            corrections[i + CORRECTION_LAG] = i
        due = [i] + ([corrections.pop(i)] if i in corrections else [])
        for k, article in enumerate(due):
            facts = _stated(source if k == 0 else article, regions, variant=k)
            if k == 0 and source != i:  # a syndicated copy: the same facts, its own confidence
                facts = [c.model_copy(update={"confidence": rng.choice((0.4, 0.9))}) for c in facts]
            offset += 1
            when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=offset)
            yield (
                i + 1,
                ArticleFacts(
                    article_id=f"article-{article}",
                    url=f"https://example.org/{article}",
                    version=ArticleVersion.of(when, offset, facts),
                    contributions=sorted(facts, key=lambda c: c.fact_id),
                ),
            )


def rss_mb() -> float:
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def publish(ledger: TotalsLedger) -> int:
    """What `Pipeline.publish_totals` does, without the broker: serialise, then confirm."""
    pending = ledger.pending()
    for key, _gen, row in pending:
        (key.encode(), row.model_dump_json().encode() if row is not None else None)
    for key, gen, _row in pending:
        ledger.sent(key, gen)
    return len(pending)


def run(mode: str, n: int, regions: list[Chain], every: int, rebuild: bool, work: Path) -> None:
    """Feed one ledger (index `mode`: memory or disk) and print its figures."""
    marks = sorted({10**k for k in range(4, 10) if 10**k < n} | {n})
    table: MutableMapping[bytes, bytes]
    index: MemoryIndex | RocksIndex
    if mode == "disk":
        table = RocksDBOptions(**TABLE_STORE_OPTIONS).open(work / "table-0.db")  # as the worker's tables
        index = RocksIndex(work / "ledger-index" / "0")
    else:
        table, index = {}, MemoryIndex()
    ledger = TotalsLedger(0.5, index)

    def rocks() -> str:
        """MB RocksDB itself holds (memtables, table readers, block cache): ledger index, table."""
        if not isinstance(table, Rdict) or not isinstance(index, RocksIndex):
            return f"{'-':>9} {'-':>9}"
        return f"{index.memory_bytes() / 2**20:>9.1f} {held_bytes(table) / 2**20:>9.1f}"

    # the columns: index, articles, RSS MB, articles/s overall and since the last mark, RocksDB's MB

    print(f"{mode:>6} {0:>10,} {rss_mb():>9.1f} {'':>12} {'':>12} {rocks()}", flush=True)
    rss: list[tuple[int, float]] = []
    sent = published = 0
    busy = lap = 0.0  # seconds in the ledger and the table store (making up the input is not counted)
    for seen, facts in versions(n, regions):
        began = time.perf_counter()
        state = ledger.apply(facts)
        if state is not None:
            table[f"0|{facts.article_id}".encode()] = state.model_dump_json().encode()
        if published != seen and (seen % every == 0 or seen == marks[0]):
            sent += publish(ledger)
            published = seen
        busy += time.perf_counter() - began
        if marks and seen == marks[0]:
            rss.append((marks.pop(0), rss_mb()))
            since = seen - (rss[-2][0] if len(rss) > 1 else 0)
            rates = f"{seen / busy:>12,.0f} {since / (busy - lap):>12,.0f}"
            print(f"{mode:>6} {seen:>10,} {rss[-1][1]:>9.1f} {rates} {rocks()}", flush=True)
            lap = busy
    (a, rss_a), (b, rss_b) = rss[-2:] if len(rss) > 1 else rss * 2
    print(
        f"{mode:>6} RSS({b:,})/RSS({a:,}) = {rss_b / rss_a:.2f}; "
        f"{len(ledger.rows()):,} rows, {sent:,} row updates sent"
    )
    if rebuild:  # as Pipeline._rebuild: drop the ledger, wipe the index, stream the table into it
        ledger.close()
        del ledger
        began = time.perf_counter()
        index = RocksIndex(work / "ledger-index" / "0") if mode == "disk" else MemoryIndex()
        rebuilt = TotalsLedger(0.5, index)
        for _key, raw in table.items():
            rebuilt.restore(ArticleState.model_validate_json(raw), raw)
        took = time.perf_counter() - began
        print(
            f"{mode:>6} rebuild from the table: {took:,.1f} s ({n / took:,.0f} articles/s), "
            f"RSS after {rss_mb():,.1f} MB, {len(rebuilt.rows()):,} rows; RocksDB MB (index, table):"
            f"{rocks()}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max", type=int, default=20_000, help="articles to feed (default 20,000)")
    parser.add_argument("--regions", type=int, default=400, help="counties whose chains the facts are in")
    parser.add_argument("--publish-every", type=int, default=5_000, help="articles between publishes")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the rebuild from the table")
    parser.add_argument("--modes", default="memory,disk", help="indexes to run, in order")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # mode,chains-file: one run in this process
    args = parser.parse_args()
    if args.child:
        mode, path = args.child.split(",", 1)
        regions = [tuple(RegionRef.model_validate(r) for r in c) for c in json.loads(Path(path).read_text())]
        with tempfile.TemporaryDirectory(prefix="investwire-memory-") as work:
            run(mode, args.max, regions, args.publish_every, not args.no_rebuild, Path(work))
        return
    regions = chains(args.regions)
    print(
        f"ledger memory: {args.max:,} articles (~{CORRECTED:.0%} corrected, ~{COPIES:.0%} syndicated "
        f"copies), {len(regions)} region chains of {args.regions} counties, publish every "
        f"{args.publish_every:,}\n"
        f"{'index':>6} {'articles':>10} {'RSS MB':>9} {'articles/s':>12} {'(this lap)':>12} "
        f"{'index MB':>9} {'table MB':>9}",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="investwire-memory-"))
    try:
        spec = work / "chains.json"
        spec.write_text(json.dumps([[r.model_dump() for r in c] for c in regions]))
        for mode in args.modes.split(","):
            child = [sys.executable, __file__, "--child", f"{mode},{spec}", *sys.argv[1:]]
            subprocess.run(child, check=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
