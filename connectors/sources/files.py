"""Articles from files and folders: JSON lines (plain or gzip'd, one crawler record each), WARC
crawl archives, and saved `.html`/`.txt` pages.

A page's key is its file's absolute `file://` url, so two `index.html` in two folders stay two
articles. Which reader a file gets follows its name's ending (`KINDS`).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from connectors.base import Record, Refusal, Skip, Source
from connectors.sources.decoding import UndecodableError, decode_page
from connectors.sources.warc import WarcFile

__all__ = ["KINDS", "Files", "JsonLines", "Page", "Record"]


class JsonLines(Source):
    """One crawler record per line, passed on byte for byte: a broken line reaches the
    dead-letter topic with the worker's reason instead of vanishing here. A line without a url
    is keyed `file name:line` (the same on every machine, so replays give the same files)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Iterator[Record | Refusal | Skip]:
        opener = gzip.open if self.path.name.lower().endswith(".gz") else open
        n = 0
        try:
            with opener(self.path, "rb") as fh:
                for n, line in enumerate(fh, 1):
                    line = line.rstrip(b"\r\n")
                    if line.strip():
                        yield Record(_key_of(line, f"{self.path.name}:{n}"), line, f"{self.path}:{n}")
        except (OSError, EOFError, zlib.error) as e:
            yield Refusal(f"{self.path}:{n + 1}", f"unreadable from line {n + 1} on: {e}")


def _key_of(line: bytes, fallback: str) -> bytes:
    try:
        url = json.loads(line).get("url")
    except (ValueError, AttributeError):
        url = None
    return (url if isinstance(url, str) and url else fallback).encode()


class Page(Source):
    """A saved page: `.html`/`.htm` as html, `.txt` as text, in the charset it declares or is found in."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Iterator[Record | Refusal | Skip]:
        html = self.path.suffix.lower() != ".txt"
        try:
            body = self.path.read_bytes()
            text, _charset = decode_page(body, html=html)
        except (OSError, UndecodableError) as e:
            yield Refusal(str(self.path), str(e))
            return
        if not text.strip():
            yield Refusal(str(self.path), "empty page")
            return
        yield Record.article(
            str(self.path), self.path.resolve().as_uri(), **{"html" if html else "text": text}
        )


#: File name endings → the source that reads such a file (longest ending first wins).
KINDS: dict[str, Callable[[Path], Source]] = {
    ".jsonl": JsonLines,
    ".jsonl.gz": JsonLines,
    ".warc": WarcFile,
    ".warc.gz": WarcFile,
    ".html": Page,
    ".htm": Page,
    ".txt": Page,
}


def kind_of(path: Path) -> Callable[[Path], Source] | None:
    name = path.name.lower()
    for ending in sorted(KINDS, key=len, reverse=True):
        if name.endswith(ending):
            return KINDS[ending]
    return None


class Files(Source):
    """Every article in the given files and folders (folders searched recursively, hidden ones
    left out; files of other kinds in them are skipped and counted)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths

    def read(self) -> Iterator[Record | Refusal | Skip]:
        for path in self.paths:
            if path.is_dir():
                for f in sorted(path.rglob("*")):
                    if f.is_file() and not any(p.startswith(".") for p in f.relative_to(path).parts):
                        yield from self._file(f, in_folder=True)
            elif path.exists():
                yield from self._file(path, in_folder=False)
            else:
                yield Refusal(str(path), "no such file or folder")

    @staticmethod
    def _file(path: Path, in_folder: bool) -> Iterator[Record | Refusal | Skip]:
        kind = kind_of(path)
        if kind is None:
            reason = f"not a kind of file ingest reads ({', '.join(KINDS)})"
            yield (
                Skip(str(path), f"other kind of file ({path.suffix or 'no suffix'})")
                if in_folder
                else Refusal(str(path), reason)
            )
        else:
            yield from kind(path).read()
