"""Topic contents to JSON lines files, sorted by key: the replay's recorded output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Fields that say when something happened on this machine, not what happened: left out of
#: replay files so that two replays of the same input give identical files.
VOLATILE_FIELDS = ("updated_at", "failed_at")


def write_sorted(
    records: dict[str, dict[str, Any]], path: Path, drop: tuple[str, ...] = VOLATILE_FIELDS
) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for key in sorted(records):
            value = {k: v for k, v in records[key].items() if k not in drop}
            f.write(json.dumps(value, ensure_ascii=False, sort_keys=True) + "\n")
    return len(records)
