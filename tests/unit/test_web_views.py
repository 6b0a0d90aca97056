"""What the dashboard and GET /events keep of the published topics, and how regions nest."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from streams.web.queries import within
from streams.web.views import Changes, EventsView, TotalsView


def msg(key: str, value: dict[str, Any] | None, timestamp: int = 0) -> Any:
    body = None if value is None else json.dumps(value).encode()
    return SimpleNamespace(key=key.encode(), value=body, timestamp=timestamp)


def test_a_region_holds_the_divisions_under_it() -> None:
    assert within("430000", "430000") and within("430100", "430000") and within("430102", "430000")
    assert within("430102", "430100") and not within("430202", "430100")
    assert not within("440300", "430000") and not within("430100", "430102")


def test_totals_keep_the_last_row_per_key_and_tell_of_removed_ones() -> None:
    view = TotalsView(Changes())
    view.apply(msg("430000|total_investment|all", {"amount_cny": 1}))
    view.apply(msg("430100|total_investment|all", {"amount_cny": 2}))
    seen = view.changes.seq
    view.apply(msg("430000|total_investment|all", {"amount_cny": 3}))
    view.apply(msg("430100|total_investment|all", None))  # a tombstone
    assert view.rows == {"430000|total_investment|all": {"amount_cny": 3}}
    assert view.since(seen) == [
        ("430000|total_investment|all", {"amount_cny": 3}),
        ("430100|total_investment|all", None),
    ]
    assert view.since(view.changes.seq) == []


def test_events_keep_the_latest_and_a_repeat_moves_to_the_front() -> None:
    view = EventsView(Changes(), capacity=3)
    for n in range(5):
        view.apply(msg(f"e{n}", {"event_id": f"e{n}", "n": n}, timestamp=n))
    view.apply(msg("e2", {"event_id": "e2", "n": 22}, timestamp=9))
    every = view.newest(lambda _ts, _e: True, 10)
    assert [e["event_id"] for e in every] == ["e2", "e4", "e3"]
    assert every[0]["n"] == 22
    assert [e["event_id"] for e in view.newest(lambda ts, _e: ts >= 4, 10)] == ["e2", "e4"]
    assert [e["event_id"] for e in view.newest(lambda _ts, _e: True, 1)] == ["e2"]
    last = view.changes.seq
    view.apply(msg("e5", {"event_id": "e5"}, timestamp=10))
    assert [e["event_id"] for e in view.newest(lambda _ts, _e: True, 10, after_seq=last)] == ["e5"]
