"""(d) `investwire replay` of a 50-article fixture, whole process, and where its time goes.

    python benchmarks/replay.py [--articles 50] [--runs 3]

The fixture is built from the project's own case articles (tests/fixtures/*_cases.jsonl),
each under a URL of its own. Baseline in the same run: `investwire extract` on the same file
(the same imports and the same extraction, no broker, no worker). Prints each run's wall
time and phases (`replay --timings`), the best of each, and the ratio replay / extract.
Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "fixtures").glob("*_cases.jsonl"))


def fixture(n: int, path: Path) -> None:
    articles = [
        json.loads(line)["article"]
        for case_file in CASES
        for line in case_file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            article = dict(articles[i % len(articles)])
            article["url"] = f"{article['url']}#replay-{i}"
            out.write(json.dumps(article, ensure_ascii=False) + "\n")


def timed(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
    return time.perf_counter() - started, proc.stderr.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    cli = [sys.executable, "-m", "investwire"]
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "articles.jsonl"
        fixture(args.articles, file)
        replays, extracts = [], []
        for run in range(args.runs):
            seconds, phases = timed([*cli, "replay", str(file), "--out", f"{tmp}/out", "--timings"])
            replays.append(seconds)
            print(f"replay  run {run + 1}: {seconds:5.2f} s   {phases}")
            cmd = f"{' '.join(cli)} extract {file} > /dev/null"
            started = time.perf_counter()
            subprocess.run(cmd, shell=True, cwd=ROOT, check=True)
            extracts.append(time.perf_counter() - started)
            print(f"extract run {run + 1}: {extracts[-1]:5.2f} s")
    best_replay, best_extract = min(replays), min(extracts)
    print(
        f"{args.articles} articles: replay best {best_replay:.2f} s, extract best {best_extract:.2f} s, "
        f"ratio replay/extract = {best_replay / best_extract:.2f}"
    )


if __name__ == "__main__":
    main()
