"""Articles from files: JSON lines (one crawler record each), .txt and .html pages, or folders of them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUFFIXES = (".jsonl", ".txt", ".html", ".htm")


@dataclass(frozen=True, slots=True)
class Record:
    """One message for `articles.raw`: its key, its bytes, and where it came from."""

    key: bytes
    value: bytes
    origin: str


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_file() and p.suffix.lower() in SUFFIXES:
                yield p
    else:
        yield path


def read_records(paths: list[Path]) -> Iterator[Record]:
    """Every article in `paths`, as the bytes a crawler would send. JSON lines are passed through
    unchanged, so a broken line reaches the dead-letter topic with its reason instead of vanishing."""
    for path in paths:
        for f in _files(path):
            suffix = f.suffix.lower()
            if suffix == ".jsonl":
                with f.open("rb") as fh:
                    for n, line in enumerate(fh, 1):
                        line = line.rstrip(b"\r\n")
                        if not line.strip():
                            continue
                        yield Record(_key_of(line, f"{f.name}:{n}"), line, f"{f}:{n}")
            else:
                body = f.read_text(encoding="utf-8", errors="replace")
                field = "text" if suffix == ".txt" else "html"
                record = {"url": f"file:{f.name}", field: body}
                yield Record(record["url"].encode(), json.dumps(record, ensure_ascii=False).encode(), str(f))


def _key_of(line: bytes, fallback: str) -> bytes:
    try:
        url = json.loads(line).get("url")
    except (ValueError, AttributeError):
        url = None
    return (url if isinstance(url, str) and url else fallback).encode()
