"""CNY value of foreign money at the annual average rate of data/fx_rates.csv."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def _table() -> dict[str, dict[int, float]]:
    text = resources.files("extraction").joinpath("data/fx_rates.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if ln and not ln.startswith("#"))
    table: dict[str, dict[int, float]] = {}
    for row in rows:
        year = int(row.pop("year"))
        for currency, rate in row.items():
            table.setdefault(currency, {})[year] = float(rate)
    return table


def cny_rate(currency: str, year: int | None) -> float | None:
    """CNY per unit of `currency` in `year` (nearest year in the table); None if unknown."""
    if currency == "CNY":
        return 1.0
    by_year = _table().get(currency)
    if not by_year:
        return None
    if year is None or year not in by_year:
        years = sorted(by_year)
        year = min(years, key=lambda y: abs(y - (year or years[-1])))
    return by_year[year]


def to_cny(value: float, currency: str, year: int | None) -> float:
    rate = cny_rate(currency, year)
    return round(value * rate, 2) if rate is not None else 0.0
