"""Shared fixtures: the extractor (built once per session) and where ../shared lives."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction import Extractor

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
