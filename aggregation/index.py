"""Where the ledger keeps what grows with history: in memory, or on disk in RocksDB.

Values are bytes under a `group` and a `member`; the greatest member of a group can be found
without reading the others, which is how a row finds its latest period figure. Groups hold no
NUL byte, so on disk `group NUL member` keeps every group's members together and in order.

The index is derived state: the ledger table is the source of truth, so an index on disk is
wiped when it is opened and rebuilt from the table (`TotalsLedger.of`).
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from rocksdict import BlockBasedIndexType, BlockBasedOptions, Cache, Options, Rdict, WriteOptions

_SEP = b"\x00"

#: Bounds on what one on-disk index holds in memory (memtables, then block cache), whatever its size.
WRITE_BUFFER_BYTES = 8 << 20
BLOCK_CACHE_BYTES = 16 << 20


class Index(Protocol):
    def get(self, group: bytes, member: bytes) -> bytes | None: ...
    def put(self, group: bytes, member: bytes, value: bytes) -> None: ...
    def delete(self, group: bytes, member: bytes) -> None: ...
    def members(self, group: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Every member of `group` with its value (the group must not change meanwhile)."""
        ...

    def last(self, group: bytes) -> tuple[bytes, bytes] | None:
        """The greatest member of `group` with its value, None when it has none."""
        ...

    def close(self) -> None: ...


class MemoryIndex:
    """Dicts: grows with history, as the in-memory table store does anyway."""

    def __init__(self) -> None:
        self._groups: dict[bytes, dict[bytes, bytes]] = {}

    def get(self, group: bytes, member: bytes) -> bytes | None:
        members = self._groups.get(group)
        return members.get(member) if members else None

    def put(self, group: bytes, member: bytes, value: bytes) -> None:
        self._groups.setdefault(group, {})[member] = value

    def delete(self, group: bytes, member: bytes) -> None:
        members = self._groups.get(group)
        if members is not None and members.pop(member, None) is not None and not members:
            del self._groups[group]

    def members(self, group: bytes) -> Iterator[tuple[bytes, bytes]]:
        yield from self._groups.get(group, {}).items()

    def last(self, group: bytes) -> tuple[bytes, bytes] | None:
        members = self._groups.get(group)
        if not members:
            return None
        best = max(members)
        return best, members[best]

    def close(self) -> None:
        self._groups.clear()


class RocksIndex:
    """A RocksDB database of its own in a fresh folder under `root`; memory stays bounded.

    Opening wipes `root`, so what an earlier process (or assignment) left there is gone;
    a folder of its own per instance lets a new index open before a dropped one is closed.
    The folder goes when the index is closed or dropped. There is no write-ahead log:
    nothing in the index outlives its process.
    """

    def __init__(self, root: Path) -> None:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        self.path = Path(tempfile.mkdtemp(dir=root))
        self._db = Rdict(str(self.path), options=_options())
        no_log = WriteOptions()
        no_log.disable_wal = True  # type: ignore[assignment]  # a property, not the stub's method
        self._db.set_write_options(no_log)
        self._drop = weakref.finalize(self, _drop, self._db, self.path)

    def get(self, group: bytes, member: bytes) -> bytes | None:
        value: bytes | None = self._db.get(group + _SEP + member)
        return value

    def put(self, group: bytes, member: bytes, value: bytes) -> None:
        self._db[group + _SEP + member] = value

    def delete(self, group: bytes, member: bytes) -> None:
        del self._db[group + _SEP + member]

    def members(self, group: bytes) -> Iterator[tuple[bytes, bytes]]:
        prefix = group + _SEP
        it = self._db.iter()
        it.seek(prefix)
        while it.valid():
            key: bytes = it.key()
            if not key.startswith(prefix):
                return
            yield key[len(prefix) :], it.value()
            it.next()

    def last(self, group: bytes) -> tuple[bytes, bytes] | None:
        prefix = group + _SEP
        it = self._db.iter()
        it.seek_for_prev(group + b"\x01")  # just past the group's last member
        if it.valid() and (key := it.key()).startswith(prefix):
            return key[len(prefix) :], it.value()
        return None

    def close(self) -> None:
        self._drop()

    def memory_bytes(self) -> int:
        return held_bytes(self._db)


def held_bytes(db: Rdict) -> int:
    """What RocksDB holds in memory for `db`: memtables, table readers, block cache."""
    props = ("cur-size-all-mem-tables", "estimate-table-readers-mem", "block-cache-usage")
    return sum(db.property_int_value(f"rocksdb.{p}") or 0 for p in props)


def _drop(db: Rdict, path: Path) -> None:
    """Close and delete; when a newer index of the partition wiped the folder, just let go."""
    if path.exists():
        db.close()
        shutil.rmtree(path, ignore_errors=True)


def _options() -> Options:
    options = Options(raw_mode=True)
    options.create_if_missing(True)
    options.set_write_buffer_size(WRITE_BUFFER_BYTES)
    options.set_max_write_buffer_number(2)
    table = BlockBasedOptions()
    table.set_block_cache(Cache(BLOCK_CACHE_BYTES))
    table.set_bloom_filter(10, False)  # most lookups are of articles and facts never seen
    # Index and filters in the cache, not beside it (they grow with the data), and partitioned so
    # a lookup loads a small part of them: whole, a file's index thrashes a small cache (~0.3 ms
    # a hit, against ~20 µs so). Larger blocks make the index smaller.
    table.set_cache_index_and_filter_blocks(True)
    table.set_index_type(BlockBasedIndexType.two_level_index_search())
    table.set_partition_filters(True)
    table.set_pin_top_level_index_and_filter(True)
    table.set_pin_l0_filter_and_index_blocks_in_cache(True)
    table.set_block_size(16 << 10)
    options.set_block_based_table_factory(table)
    return options


def ledger_index(store: str, data_dir: Path, partition: int) -> Index:
    """The index of one partition's ledger: on disk beside an on-disk table store (`rocksdb://`),
    else in memory like the table."""
    if store.startswith("rocksdb:"):
        return RocksIndex(data_dir / "ledger-index" / str(partition))
    return MemoryIndex()
