"""Extraction is pure: no clock, so a recorded fixture gives the same events on any day."""

from __future__ import annotations

import datetime as real
import sys
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extraction import Extractor, to_article
from schemas import RawArticle
from tests.conftest import extraction_cases

_ARTICLES = [
    to_article(RawArticle.model_validate({k: v for k, v in c["article"].items() if k != "published_at"}))
    for c in extraction_cases()[:12]
]


def _dump(extractor: Extractor) -> list[str]:
    return [e.model_dump_json() for a in _ARTICLES for e in extractor.extract(a)]


def _clocked(today: real.date) -> dict[str, type]:
    class FrozenDate(real.date):
        @classmethod
        def today(cls) -> FrozenDate:
            return cls(today.year, today.month, today.day)

    class FrozenDateTime(real.datetime):
        @classmethod
        def now(cls, tz: real.tzinfo | None = None) -> FrozenDateTime:
            return cls(today.year, today.month, today.day, 12, tzinfo=tz)

    return {"date": FrozenDate, "datetime": FrozenDateTime}


_BASELINE = _dump(Extractor())


@settings(max_examples=8, deadline=None)
@given(st.dates(min_value=real.date(2001, 1, 1), max_value=real.date(2060, 12, 31)))
def test_the_same_events_on_any_day(today: real.date) -> None:
    """Articles without a publication date are the ones a clock would change."""
    modules: list[ModuleType] = [m for n, m in sys.modules.items() if n.startswith("extraction") and m]
    with pytest.MonkeyPatch.context() as mp:
        for module in modules:
            for name, fake in _clocked(today).items():
                if getattr(module, name, None) in (real.date, real.datetime):
                    mp.setattr(module, name, fake)
        assert _dump(Extractor()) == _BASELINE
