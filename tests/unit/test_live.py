"""The live table names periods by the dates they cover, not by the article's relative words."""

from __future__ import annotations

import pytest
from rich.console import Console

from investwire.live import resolved_period, totals_table


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2024-01-01", "2024-05-31", "2024年1-5月"),
        ("2024-01-01", "2024-12-31", "2024年"),
        ("2024-03-01", "2024-03-31", "2024年3月"),
        ("2023-11-01", "2024-02-29", "2023年11月-2024年2月"),
        ("2024-01-01", "2024-05-20", "2024年1月1日-5月20日"),
        ("2024-03-05", "2024-03-10", "2024年3月5日-10日"),
        ("2023-12-05", "2024-01-10", "2023年12月5日-2024年1月10日"),
    ],
)
def test_resolved_period(start: str, end: str, shown: str) -> None:
    assert resolved_period({"start": start, "end": end, "label": "今年"}) == shown


def test_the_table_shows_the_resolved_period_and_not_the_label() -> None:
    row = {
        "key": "430000|total_investment|all",
        "region": {"code": "430000", "name": "湖南省", "level": "province"},
        "metric": "total_investment",
        "year": "all",
        "amount_cny": 0,
        "project_count": 0,
        "event_count": 0,
        "reported": {
            "period": {"start": "2024-01-01", "end": "2024-05-31", "label": "今年1-5月"},
            "value_cny": 3e10,
        },
    }
    console = Console(width=200, record=True)
    console.print(totals_table({row["key"]: row}))
    text = console.export_text()
    assert "2024年1-5月" in text and "今年" not in text
