"""`investwire extract` scored by ../shared/eval/score.py on the seeds and the open dev sets.

Skipped where ../shared is not beside the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import needs_shared

BARS = {
    "seeds": {
        "f1": 0.95,
        "kind_acc": 0.95,
        "province_acc": 0.95,
        "part_of_acc": 0.95,
        "province_total_error": 0.02,
    },
    "dev": {"f1": 0.95, "province_acc": 0.95, "province_total_error": 0.02},
    "dev2": {"f1": 0.95, "province_acc": 0.97, "province_total_error": 0.05},
}


@pytest.mark.parametrize(
    ("name", "articles", "gold"),
    [
        ("seeds", ("seeds", "articles.jsonl"), ("gold", "seeds.jsonl")),
        ("dev", ("dev", "articles.jsonl"), ("dev", "gold.jsonl")),
        ("dev2", ("dev2", "articles.jsonl"), ("dev2", "gold.jsonl")),
    ],
)
def test_scorecard(name: str, articles: tuple[str, str], gold: tuple[str, str], tmp_path: Path) -> None:
    scorer = needs_shared("eval", "score.py")
    pred = tmp_path / "events.jsonl"
    with pred.open("wb") as out:
        subprocess.run(
            [sys.executable, "-m", "investwire", "extract", str(needs_shared(*articles))],
            stdout=out,
            check=True,
        )
    result = subprocess.run(
        [sys.executable, str(scorer), "--gold", str(needs_shared(*gold)), "--pred", str(pred), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for metric, bar in BARS[name].items():
        if metric == "province_total_error":
            assert figures[metric] <= bar, (metric, figures)
        else:
            assert figures[metric] >= bar, (metric, figures)
