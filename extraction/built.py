"""Data derived from the package's files and its libraries, built once and kept in the user's
cache directory under a digest of everything it is built from, so later starts load it.

A cache that cannot be read or is damaged is built again; one that cannot be written (a
read-only home, no home at all) is built on every start instead.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata, resources
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_SUM = hashlib.sha256().digest_size


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
    try:
        path = cache_dir() / f"{name}-{h.hexdigest()[:16]}.pickle"
    except RuntimeError:  # no home directory to keep a cache in
        return build()
    loaded = _load(path, kind)
    if loaded is not None:
        return loaded
    built = build()
    _store(path, built)
    _prune(path.parent, name)
    return built


def _load(path: Path, kind: type[T]) -> T | None:
    """The file's value if it is whole and of `kind`: it opens with the sha256 of its payload, so
    a damaged file is built again instead of unpickled into something half right."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    payload = blob[_SUM:]
    if hashlib.sha256(payload).digest() != blob[:_SUM]:
        return None
    try:
        loaded = pickle.loads(payload)  # our own file, written by _store
    except Exception:  # a class it names changed in a way the digest does not see: build again
        return None
    return loaded if isinstance(loaded, kind) else None


def _store(path: Path, value: object) -> None:
    """Written whole or not at all: a concurrent reader sees the old file or the new one."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:  # a read-only or full disk: the next start builds it again
        pass


#: Files of other digests (an upgrade, a changed rule file) older than this are removed when a
#: new one is built; an installation still using one builds it again (a second).
STALE_AFTER_S = 30 * 24 * 3600


def _prune(folder: Path, name: str) -> None:
    """Old builds of `name` and temporary files a crashed writer left."""
    now = time.time()
    for old in (*folder.glob(f"{name}-*.pickle"), *folder.glob(f".{name}-*.tmp")):
        try:
            if now - old.stat().st_mtime > STALE_AFTER_S:
                old.unlink()
        except OSError:  # another process removed or replaced it first
            pass


def cache_dir() -> Path:
    if configured := os.environ.get("INVESTWIRE_CACHE_DIR"):
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "investwire"
