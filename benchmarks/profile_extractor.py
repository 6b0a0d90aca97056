"""Where the extractor spends its time: the pure extractor in this process under cProfile, on
the digit-varied seed articles `extract_process.py` reads (no two alike, so no cache helps).

    python benchmarks/profile_extractor.py [--articles 1000] [--top 15] [--passes 3]

Prints the CPU per article (the fastest of the unprofiled passes, then under the profiler), the
share of each extraction module and library by own time, and the top functions. To compare two
commits, copy it into the other checkout (it profiles the `extraction` package of the tree it
sits in) and run both at once, each pinned to a core of its own (`taskset -c 0`, `-c 1`), then
swapped: the machine's speed moves less between two cores at one time than between two runs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIBRARIES = ("opencc", "jionlp", "pydantic")


def part_of(filename: str, name: str) -> str:
    """The extraction module, library or built-in a profiled function belongs to."""
    if filename == "~":  # C code: <method 'search' of 're.Pattern' objects>, <built-in method ...>
        if kind := re.search(r"of '([\w.]+)' objects", name):
            return f"{kind.group(1).split('.')[-1]} methods"
        lib = next((lib for lib in LIBRARIES if lib in name), None)
        return lib or "built-in functions"
    if "/extraction/" in filename:
        return "extraction." + Path(filename).stem
    for lib in LIBRARIES:
        if f"/{lib}/" in filename:
            return lib
    return "other"


def _timed(extractor: Any, articles: list[Any]) -> float:
    started = time.process_time()
    for a in articles:
        extractor.extract(a)
    return time.process_time() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--passes", type=int, default=3, help="unprofiled passes; the fastest is printed")
    args = ap.parse_args()
    from benchmarks.extract_process import varied_articles
    from extraction import Extractor, to_article
    from schemas import RawArticle

    articles = [to_article(RawArticle.model_validate_json(line)) for line in varied_articles(args.articles)]
    extractor = Extractor()
    for a in articles[:20]:  # what loads on first use (jionlp) is not the steady state
        extractor.extract(a)
    plain = min(_timed(extractor, articles) for _ in range(args.passes))
    profiler = cProfile.Profile()
    profiler.enable()
    profiled = _timed(extractor, articles)
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_part: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_part[part_of(filename, name)] += own
    total = sum(by_part.values())
    n = len(articles)
    print(
        f"{n} articles: {1000 * plain / n:.2f} ms per article (best of {args.passes}),"
        f" {1000 * profiled / n:.2f} profiled"
    )
    for part, own in sorted(by_part.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {part:24s} {100 * own / total:5.1f}%")
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
