"""Derived data is built once per set of sources and loaded afterwards; a cache that cannot be
read or written never stops an extractor from starting."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from extraction.built import STALE_AFTER_S, load_or_build


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INVESTWIRE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_built_once_then_loaded_until_a_source_changes() -> None:
    builds: list[str] = []

    def build() -> str:
        builds.append("built")
        return f"words {len(builds)}"

    assert load_or_build("words", str, [b"table v1"], build) == "words 1"
    assert load_or_build("words", str, [b"table v1"], build) == "words 1"
    assert builds == ["built"]
    assert load_or_build("words", str, [b"table v2"], build) == "words 2"


def test_an_unreadable_or_foreign_cache_file_is_built_again(_cache: Path) -> None:
    assert load_or_build("words", str, [b"t"], lambda: "first") == "first"
    (cached,) = _cache.glob("words-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert load_or_build("words", str, [b"t"], lambda: "again") == "again"
    assert load_or_build("words", int, [b"t"], lambda: 7) == 7  # a str where an int is wanted


def test_a_cache_that_cannot_be_written_builds_every_time(_cache: Path) -> None:
    _cache.parent.mkdir(parents=True, exist_ok=True)
    _cache.write_text("a file where the folder should be")
    assert load_or_build("words", str, [b"t"], lambda: "built") == "built"
    assert load_or_build("words", str, [b"t"], lambda: "built again") == "built again"


def test_a_damaged_cache_file_is_built_again_not_loaded(_cache: Path) -> None:
    assert load_or_build("words", list, [b"t"], lambda: ["湖南", "衡阳"]) == ["湖南", "衡阳"]
    (cached,) = _cache.glob("words-*.pickle")
    blob = bytearray(cached.read_bytes())
    blob[-5] ^= 0x01  # one bit of 衡阳: it would still unpickle, as 衡陳
    cached.write_bytes(bytes(blob))
    assert load_or_build("words", list, [b"t"], lambda: ["rebuilt"]) == ["rebuilt"]
    assert load_or_build("words", list, [b"t"], lambda: ["not again"]) == ["rebuilt"]


def test_without_a_home_directory_it_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    for name in ("INVESTWIRE_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert load_or_build("words", str, [b"t"], lambda: "built") == "built"


def test_a_new_build_removes_builds_and_leftovers_no_one_touched_for_a_month(_cache: Path) -> None:
    load_or_build("words", str, [b"v1"], lambda: "one")
    (untouched,) = _cache.glob("words-*.pickle")
    load_or_build("words", str, [b"v2"], lambda: "two")  # another installation's, recent: kept
    (recent,) = set(_cache.glob("words-*.pickle")) - {untouched}
    leftover = _cache / ".words-0123.pickle.x.tmp"  # a writer killed half-way
    leftover.write_bytes(b"half written")
    long_ago = time.time() - STALE_AFTER_S - 60
    for old in (untouched, leftover):
        os.utime(old, (long_ago, long_ago))
    load_or_build("words", str, [b"v3"], lambda: "three")
    assert recent.exists() and not untouched.exists() and not leftover.exists()
    assert len(list(_cache.glob("words-*.pickle"))) == 2
