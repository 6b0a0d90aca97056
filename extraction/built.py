"""Data derived from the package's files and its libraries, built once and kept in the user's
cache directory under a digest of everything it is built from, so later starts load it.

A cache that cannot be read is built again; one that cannot be written (a read-only home) is
built on every start instead.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import metadata, resources
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def package_file(part: str) -> bytes:
    """A file of the extraction package (its code or data), as bytes for a digest."""
    return resources.files("extraction").joinpath(part).read_bytes()


def library(name: str) -> bytes:
    """A library's version, for a digest: what it builds may change with it."""
    return f"{name} {metadata.version(name)}".encode()


def load_or_build(name: str, kind: type[T], sources: Iterable[bytes], build: Callable[[], T]) -> T:
    """`build()`, or what an earlier process built from the same `sources` (and Python version)."""
    h = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    for source in sources:
        h.update(hashlib.sha256(source).digest())
    path = cache_dir() / f"{name}-{h.hexdigest()[:16]}.pickle"
    try:
        with path.open("rb") as f:
            loaded = pickle.load(f)  # our own file, written below
        if isinstance(loaded, kind):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:
        pass
    return built


def cache_dir() -> Path:
    if configured := os.environ.get("INVESTWIRE_CACHE_DIR"):
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "investwire"
