"""The currencies investwire reads (data/currencies.toml): their words and annual CNY rates."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Currency:
    code: str
    words: tuple[str, ...]
    rates: dict[int, float]  # CNY per unit by year; empty for CNY itself


@cache
def currencies() -> dict[str, Currency]:
    text = resources.files("extraction").joinpath("data/currencies.toml").read_text(encoding="utf-8")
    out = {}
    for code, spec in tomllib.loads(text).items():
        rates = {int(y): float(r) for y, r in spec.get("rates", {}).items()}
        out[code] = Currency(code, tuple(spec["words"]), rates)
    return out


@cache
def currency_of_word() -> dict[str, str]:
    """词 → code: 美金 → USD."""
    return {w: c.code for c in currencies().values() for w in c.words}


def cny_rate(currency: str, year: int | None) -> float:
    """CNY per unit of `currency` in `year` (the nearest year in its table)."""
    if currency == "CNY":
        return 1.0
    by_year = currencies()[currency].rates  # money.py reads only currencies of the table
    if year is None or year not in by_year:
        years = sorted(by_year)
        year = min(years, key=lambda y: abs(y - (year or years[-1])))
    return by_year[year]


def to_cny(value: float, currency: str, year: int | None) -> float:
    return round(value * cny_rate(currency, year), 2)
