"""Shared fixtures: the extractor (built once per session) and where ../shared lives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aggregation import TotalsLedger, contribution_of
from extraction import Extractor
from schemas import InvestmentEvent

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


def needs_shared(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present")
    return path


def extraction_cases() -> list[dict[str, Any]]:
    """The fixture articles written for investwire, each with the events it must give
    (tests/fixtures/*_cases.jsonl: extraction_cases one per rule of EVENTS.md, the others one per
    class of scope, place and metric that unseen articles got wrong)."""
    return [
        json.loads(line)
        for path in sorted(FIXTURES.glob("*_cases.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def totals_of(events: list[InvestmentEvent]) -> dict[str, dict[str, Any]]:
    """The totals rows a ledger gives for `events` (without `updated_at`), keyed like the topic."""
    ledger = TotalsLedger(store={})
    for e in events:
        c = contribution_of(e)
        if c is not None:
            ledger.apply(c)
    return {r.key: r.model_dump(mode="json", exclude={"updated_at"}) for r in ledger.take_dirty()}


def without_updated_at(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in row.items() if f != "updated_at"} for k, row in rows.items()}
