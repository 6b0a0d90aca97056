"""The ledger's index: on disk (RocksDB) and in memory it answers alike, so a ledger gives the same
rows and the same rows to send whichever it keeps its history in."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aggregation import MemoryIndex, RocksIndex, TotalsLedger, ledger_index
from aggregation.ledger import _ordered
from schemas.totals import ArticleFacts
from tests.unit.test_ledger import VERSIONS, rows


@contextmanager
def on_disk() -> Iterator[RocksIndex]:
    with tempfile.TemporaryDirectory() as tmp:
        index = RocksIndex(Path(tmp) / "index")
        try:
            yield index
        finally:
            index.close()


def pending(ledger: TotalsLedger) -> list[tuple[str, int, dict[str, Any] | None]]:
    return [
        (key, gen, row and row.model_dump(mode="json", exclude={"updated_at"}))
        for key, gen, row in ledger.pending()
    ]


@given(st.lists(st.integers(-(10**30), 10**30), min_size=2, max_size=20))
def test_ranked_integers_sort_as_the_integers_do(numbers: list[int]) -> None:
    assert sorted(numbers, key=_ordered) == sorted(numbers)


GROUPS = st.sampled_from([b"g", b"g|1", b"h"])
MEMBERS = st.binary(max_size=3)
OPS = st.lists(st.tuples(st.booleans(), GROUPS, MEMBERS, st.binary(max_size=2)), max_size=40)


@settings(max_examples=100, deadline=None)
@given(OPS)
def test_the_indexes_answer_alike(ops: list[tuple[bool, bytes, bytes, bytes]]) -> None:
    memory = MemoryIndex()
    with on_disk() as disk:
        for put, group, member, value in ops:
            for index in (memory, disk):
                if put:
                    index.put(group, member, value)
                else:
                    index.delete(group, member)
            for g in (b"g", b"g|1", b"h", b"x"):
                assert memory.last(g) == disk.last(g)
                assert sorted(memory.members(g)) == list(disk.members(g))
                assert memory.get(g, member) == disk.get(g, member)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(VERSIONS, st.booleans()), max_size=12),
    st.sampled_from([0.5, 0.7]),
)
def test_a_ledger_on_disk_gives_the_rows_and_sends_of_one_in_memory(
    steps: list[tuple[ArticleFacts, bool]], min_confidence: float
) -> None:
    """Random versions (corrections, copies sharing facts, repeats), with sends in between."""
    memory = TotalsLedger(min_confidence)
    with on_disk() as index:
        disk = TotalsLedger(min_confidence, index)
        for version, send in steps:
            assert memory.apply(version) == disk.apply(version)
            assert pending(memory) == pending(disk)
            if send:
                for ledger in (memory, disk):
                    for key, gen, _row in ledger.pending():
                        ledger.sent(key, gen)
        assert rows(memory) == rows(disk)
        assert dict(memory.articles) == dict(disk.articles)
        with on_disk() as again:  # the order of the states moves generations and passing rows only
            rebuilt = TotalsLedger.of(disk.articles.values(), min_confidence, again)
            assert rows(rebuilt) == rows(memory)
            assert {k: r for k, _g, r in pending(rebuilt) if r} == {
                r["key"]: r for r in rows(memory).values()
            }


def test_an_index_on_disk_starts_empty_and_is_deleted_when_closed(tmp_path: Path) -> None:
    first = ledger_index("rocksdb://", tmp_path, 3)
    first.put(b"a", b"x", b"1")
    second = ledger_index("rocksdb://", tmp_path, 3)  # a rebuild while the old one is still open
    assert second.get(b"a", b"x") is None and isinstance(second, RocksIndex)
    second.close()
    first.close()
    assert not second.path.exists()
    assert isinstance(ledger_index("memory://", tmp_path, 3), MemoryIndex)


def test_an_index_on_disk_dropped_unclosed_deletes_its_folder(tmp_path: Path) -> None:
    index = RocksIndex(tmp_path / "ledger-index" / "0")
    folder, ledger = index.path, TotalsLedger(0.5, index)
    assert folder.exists()
    del index, ledger  # as a revoke drops the ledgers
    assert not folder.exists()
