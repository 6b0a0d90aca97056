"""Shared fixtures: the extractor (built once per session) and where ../shared lives."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from aggregation import TotalsLedger, article_facts
from extraction import Extractor
from schemas import InvestmentEvent
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def _web_port_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers serve their web routes by default; a test's get a free port, since other test runs
    share the machine (and 6066 may be taken)."""
    monkeypatch.setenv("INVESTWIRE_WEB_PORT", str(free_port()))


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
    """The totals rows a ledger gives for `events` (one version per article, without `updated_at`)."""
    ledger = TotalsLedger(Settings().min_confidence)
    by_article: dict[str, list[InvestmentEvent]] = {}
    for e in events:
        by_article.setdefault(e.article_id, []).append(e)
    for article, found in by_article.items():
        (facts,) = article_facts(
            found, article_id=article, url=found[0].url, fetched_at=None, raw_offset=0, partitions=1
        )
        ledger.apply(facts)
    return {r.key: r.model_dump(mode="json", exclude={"updated_at"}) for r in ledger.rows()}


def without_updated_at(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {k: {f: v for f, v in row.items() if f != "updated_at"} for k, row in rows.items()}
