"""`investwire extract` as a user runs it, whole process, one core: articles/s against a naive
regex + jionlp baseline reading the same file in the same run, and the start-up on one article.

    python benchmarks/extract_process.py [--articles 2000]

Times are CPU seconds of each process (user + system), steadier than wall time on a shared
machine.
The articles are the seeds (or the packaged samples), each copy with its digits changed so no
two are alike. The baseline is what a first script would do: json.loads each line, find amounts
with a regex, let jionlp parse each one, print a JSON line per amount.

Both start-ups are measured too, so the rate splits into start-up and a cost per further
article: the ratio moves with the file's length, towards the ratio of those costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds" / "articles.jsonl"
SAMPLES = ROOT / "investwire" / "samples" / "articles.jsonl"
INVESTWIRE = Path(sys.executable).with_name("investwire")

BASELINE = r"""
import json, re, sys, contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    import jionlp
money = re.compile(r"\d+(?:\.\d+)?(?:万|亿)?(?:元|美元|港元|欧元)")
for line in open(sys.argv[1], encoding="utf-8"):
    a = json.loads(line)
    for m in money.finditer(a.get("text") or ""):
        try:
            v = jionlp.parse_money(m.group(0))
        except Exception:
            continue
        sys.stdout.write(json.dumps({"url": a["url"], "money": v}, ensure_ascii=False) + "\n")
"""


def varied_articles(n: int) -> list[str]:
    source = SEEDS if SEEDS.exists() else SAMPLES
    base = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    out = []
    for i in range(n):
        a = dict(base[i % len(base)])
        a["url"] = f"{a['url']}#{i}"
        a["text"] = re.sub(r"\d", lambda _m: str(rng.randint(1, 9)), a.get("text") or "")
        out.append(json.dumps(a, ensure_ascii=False))
    return out


def timed(cmd: list[str]) -> float:
    """CPU seconds (user + system) the command took: on a shared machine, steadier than the wall."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    args = ap.parse_args()
    core = str(min(os.sched_getaffinity(0)))
    with tempfile.TemporaryDirectory() as tmp:
        many, one, script = Path(tmp, "many.jsonl"), Path(tmp, "one.jsonl"), Path(tmp, "baseline.py")
        lines = varied_articles(args.articles)
        many.write_text("\n".join(lines) + "\n", encoding="utf-8")
        one.write_text(lines[0] + "\n", encoding="utf-8")
        script.write_text(BASELINE, encoding="utf-8")
        pin = ["taskset", "-c", core]
        timed([*pin, str(INVESTWIRE), "extract", str(one)])  # the gazetteer cache, written once
        startup = min(timed([*pin, str(INVESTWIRE), "extract", str(one)]) for _ in range(3))
        naive_startup = min(timed([*pin, sys.executable, str(script), str(one)]) for _ in range(3))
        ours = timed([*pin, str(INVESTWIRE), "extract", str(many)])
        naive = timed([*pin, sys.executable, str(script), str(many)])
    rate, base = args.articles / ours, args.articles / naive
    # what each costs an article more, start-up aside: the ratio tends to theirs / ours as files grow
    each, naive_each = [
        1000 * (t - t0) / (args.articles - 1) for t, t0 in ((ours, startup), (naive, naive_startup))
    ]
    print(f"articles                     : {args.articles:,} (seed-size, digits varied)")
    print(f"investwire extract           : {rate:8,.0f} articles per CPU second (whole process, one core)")
    print(f"naive regex + jionlp baseline: {base:8,.0f} articles per CPU second")
    print(f"ratio ours/baseline          : {rate / base:.2f}")
    print(f"start-up, one-article file   : {startup:.2f} CPU s (baseline {naive_startup:.2f})")
    print(
        f"each further article         : {each:.3f} ms (baseline {naive_each:.3f}; "
        f"ratio for long files {naive_each / each:.3f})"
    )
    figures = {
        "articles_per_s": round(rate),
        "baseline_per_s": round(base),
        "startup_s": round(startup, 2),
        "baseline_startup_s": round(naive_startup, 2),
        "ms_per_article": round(each, 3),
        "baseline_ms_per_article": round(naive_each, 3),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
