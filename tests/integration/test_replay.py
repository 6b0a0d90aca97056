"""Recorded fixtures through `investwire replay`: output files equal the checked-in ones."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from investwire.live import replay_file
from streams.settings import Settings
from tests.conftest import FIXTURES, needs_shared


async def test_replay_output_equals_the_recorded_files(tmp_path: Path) -> None:
    counts = await replay_file(
        Settings(data_dir=tmp_path / "state"), FIXTURES / "replay" / "articles.jsonl", tmp_path / "out"
    )
    assert counts["deadletter"] == 3
    for name in ("events.jsonl", "totals.jsonl", "deadletter.jsonl"):
        got = (tmp_path / "out" / name).read_text(encoding="utf-8")
        want = (FIXTURES / "replay" / "expected" / name).read_text(encoding="utf-8")
        assert _without_version(got) == _without_version(want), name


def _without_version(jsonl: str) -> list[dict[str, object]]:
    """The records, without the extractor's version (a digest of its code: any edit changes it)."""
    records = [json.loads(line) for line in jsonl.splitlines() if line.strip()]
    for r in records:
        r.pop("extractor_version", None)
    return records


async def test_replaying_the_seeds_gives_totals_that_equal_their_events(tmp_path: Path) -> None:
    seeds = needs_shared("seeds", "articles.jsonl")
    await replay_file(Settings(data_dir=tmp_path / "state"), seeds, tmp_path / "out")
    events = [
        json.loads(line) for line in (tmp_path / "out" / "events.jsonl").read_text("utf-8").splitlines()
    ]
    totals = {
        json.loads(line)["key"]: json.loads(line)
        for line in (tmp_path / "out" / "totals.jsonl").read_text("utf-8").splitlines()
    }
    assert events and totals
    want: dict[str, float] = defaultdict(float)
    seen: set[str] = set()
    for e in events:
        confirmed = e["confidence"] >= Settings().min_confidence
        if (
            e["kind"] in ("signing", "project")
            and not e["part_of"]
            and confirmed
            and e["fact_id"] not in seen
        ):
            seen.add(e["fact_id"])
            for region in e["region_path"]:
                want[f"{region['code']}|{e['metric']}|all"] += e["amount"]["value_cny"]
    got = {k: row["amount_cny"] for k, row in totals.items() if k.endswith("|all") and row["event_count"]}
    assert set(got) == set(want)
    for key, value in want.items():
        assert abs(got[key] - value) < 0.01, key
