"""Extraction speed on one core: the seed articles repeated to 10,000 (no broker).

    python benchmarks/extraction_speed.py [--articles 10000]

Prints articles/s and MB/s of the pure extractor, and the same for a baseline
measured in the same run: normalization alone (HTML-free text through OpenCC
and the offset map), the floor any extractor pays before it reads a sentence; and, on the
normalized texts, what splitting them into sentences and finding their place names take.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds" / "articles.jsonl"
SAMPLES = ROOT / "investwire" / "samples" / "articles.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    args = ap.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    from extraction import Extractor, to_article
    from extraction.normalize import normalize_text
    from extraction.sentences import split_sentences
    from schemas import RawArticle

    source = SEEDS if SEEDS.exists() else SAMPLES
    base = [
        RawArticle.model_validate_json(line)
        for line in source.read_text("utf-8").splitlines()
        if line.strip()
    ]
    articles = [to_article(base[i % len(base)]) for i in range(args.articles)]
    chars = sum(len(a.text) for a in articles)
    started = time.perf_counter()
    extractor = Extractor()
    build = time.perf_counter() - started

    started = time.perf_counter()
    texts = [normalize_text(a.text).text for a in articles]
    floor = time.perf_counter() - started
    # what else every article with an amount goes through before any rule reads it
    steps: dict[str, float] = {}
    for name, step in (("sentence split", split_sentences), ("place automaton", extractor.gaz.find)):
        started = time.perf_counter()
        for text in texts:
            step(text)
        steps[name] = time.perf_counter() - started

    started = time.perf_counter()
    events = sum(len(extractor.extract(a)) for a in articles)
    took = time.perf_counter() - started
    print(
        f"{len(articles):,} articles ({'seeds' if source == SEEDS else 'samples'} repeated), "
        f"{chars / 1e6:.1f} M characters, one core; dictionaries built in {build:.2f} s"
    )
    print(f"baseline, normalization only : {len(articles) / floor:8,.0f} articles/s")
    for name, took_step in steps.items():
        print(f"  then the {name:16s}: {len(articles) / took_step:8,.0f} articles/s")
    print(
        f"extractor                    : {len(articles) / took:8,.0f} articles/s, {events:,} events "
        f"({chars / took / 1e6:.2f} M chars/s)"
    )
    print(f"ratio extractor/baseline     : {floor / took:.3f}")
    print(
        json.dumps(
            {"articles_per_s": round(len(articles) / took), "baseline_per_s": round(len(articles) / floor)}
        )
    )


if __name__ == "__main__":
    main()
