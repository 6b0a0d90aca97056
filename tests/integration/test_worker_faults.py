"""Real `investwire worker` processes on a real broker: whatever happens to the workers, and in
whatever order and number the articles come, the totals are those of one clean pass, row for row."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from pathlib import Path

import pytest

from aggregation import contribution_of
from tests.conftest import totals_of
from tests.integration.cluster import CASES, Cluster, events_of, record

ONE_PASS = [record(a) for a in CASES]
#: a sitecustomize that makes a worker slow to end its rebalances
SLOW_RESUME = Path(__file__).parent / "slow_resume"


def clean_totals() -> dict:
    return totals_of(list(events_of(ONE_PASS)))


def copies(seed: int) -> list:
    """Every article twice, and republished under two other urls, in a shuffled order."""
    out = [record(a) for a in CASES for _ in range(2)]
    out += [record(a, url=f"{a['url']}?via={outlet}") for a in CASES for outlet in ("mirror", "portal")]
    random.Random(seed).shuffle(out)
    return out


@pytest.mark.parametrize("seed", [11, 23, 37])
async def test_shuffled_repeated_and_syndicated_articles_give_the_totals_of_one_pass(
    tmp_path: Path, seed: int
) -> None:
    async with Cluster(tmp_path) as cluster:
        cluster.start("w")
        await cluster.feed(copies(seed))
        assert await cluster.settled() == clean_totals()


@pytest.mark.parametrize("store", ["memory://", "rocksdb://"])
async def test_ten_kill_nines_with_restarts_give_the_totals_of_an_uninterrupted_run(
    tmp_path: Path, store: str
) -> None:
    rnd = random.Random(store)
    records = copies(5)
    chunks = [records[i::10] for i in range(10)]
    async with Cluster(tmp_path, INVESTWIRE_STORE=store) as cluster:
        for n, chunk in enumerate(chunks):
            started = time.monotonic()
            cluster.start("w")
            moment = ("ingest", "processing", "flush")[n % 3]
            if moment == "ingest":  # kill while the chunk is being produced
                feeding = asyncio.create_task(cluster.feed(chunk))
                await asyncio.sleep(rnd.uniform(4.0, 7.0))
                cluster.kill("w")
                await feeding
                continue
            await cluster.feed(chunk)
            if moment == "processing":
                await asyncio.sleep(rnd.uniform(4.0, 9.0))
            else:  # right after the worker has published rows
                published = await cluster.totals_published()
                while await cluster.totals_published() == published and time.monotonic() - started < 30:
                    await asyncio.sleep(0.05)
            cluster.kill("w")
        cluster.start("w")
        assert await cluster.settled() == clean_totals()


async def test_a_worker_restarted_after_its_work_restores_every_state_it_wrote(tmp_path: Path) -> None:
    """Every article once, so a ledger state lost in the table restore would show in the rows the
    restarted worker republishes; its metrics say how many states its rebuild took."""
    async with Cluster(tmp_path) as cluster:
        cluster.start("w")
        await cluster.feed(ONE_PASS)
        assert await cluster.settled(quiet=3.0) == clean_totals()
        assert await cluster.sample("w", "investwire_ledger_states_restored_total") == 0
        cluster.kill("w")
        cluster.start("w")
        assert await cluster.settled() == clean_totals()
        with_facts = {e.article_id for e in events_of(ONE_PASS) if contribution_of(e) is not None}
        assert await cluster.sample("w", "investwire_ledger_states_restored_total") >= len(with_facts)


async def test_two_workers_one_killed_for_good_the_survivor_finishes_exactly(tmp_path: Path) -> None:
    async with Cluster(tmp_path) as cluster:
        cluster.start("a")
        survivor = cluster.start("b")
        await cluster.feed(copies(3)[:120])
        await asyncio.sleep(6.0)  # both have joined and are working
        cluster.kill("a")
        await cluster.feed(copies(3)[120:])
        assert await cluster.settled() == clean_totals()
        survivor.send_signal(signal.SIGTERM)
        assert survivor.wait(timeout=60) == 0


async def test_records_fetched_while_a_worker_seeks_its_committed_offsets_are_all_processed(
    tmp_path: Path,
) -> None:
    """A worker ending a rebalance seeks its partitions to the group's commits while the fetcher
    runs; with a slow broker's answer, more arrives meanwhile than the agents take at once. A first
    start (nothing committed) and a restart (commits) must both read every article."""
    slow = {"PYTHONPATH": os.pathsep.join([str(SLOW_RESUME), *filter(None, [os.environ.get("PYTHONPATH")])])}
    syndicated = [record(a, url=f"{a['url']}?copy={n}") for n in range(20) for a in CASES]
    first, second = syndicated[: len(syndicated) // 2], syndicated[len(syndicated) // 2 :]
    async with Cluster(tmp_path, INVESTWIRE_STORE="memory://") as cluster:  # a restart restores
        await cluster.feed(first)
        cluster.start("w", **slow)
        assert await cluster.settled(timeout=120.0) == clean_totals()
        assert await cluster.articles_read("w") >= len(first)
        cluster.kill("w")
        await cluster.feed(second)
        cluster.start("w", **slow)
        assert await cluster.settled(timeout=120.0) == clean_totals()
        assert await cluster.articles_read("w") >= len(second)
    assert "slow_resume: loaded" in (tmp_path / "w.log").read_text(), "the slow-down did not load"


async def test_a_corrected_article_moves_the_total_by_exactly_the_difference(tmp_path: Path) -> None:
    (article,) = [a for a in CASES if a["url"] == "https://example.org/t/9"]
    assert article["text"].count("总投资42亿元") == 1
    corrected = dict(article, text=article["text"].replace("总投资42亿元", "总投资47亿元"))
    (changed,) = [e for e in events_of([record(article)]) if e.amount and e.amount.value == 4.2e9]
    async with Cluster(tmp_path) as cluster:
        cluster.start("w")
        await cluster.feed(ONE_PASS)
        before = await cluster.settled()
        await cluster.feed([record(corrected)])
        after = await cluster.settled()
    assert set(after) == set(before)
    moved = {k for k in after if after[k] != before[k]}
    touched = contribution_of(changed)
    assert touched is not None and moved == set(touched.row_keys())
    for key in moved:
        assert after[key]["amount_cny"] - before[key]["amount_cny"] == 5e8, key
        assert after[key]["event_count"] == before[key]["event_count"], key
        assert after[key]["revised"] and not before[key]["revised"], key


async def test_a_worker_whose_recovery_fails_exits_non_zero_in_bounded_time(tmp_path: Path) -> None:
    """Its RocksDB state is ahead of the changelog (the broker lost data: a Tansu with memory
    storage restarted), and Faust's consistency check, forced on, refuses to restore it."""
    rocks = {"INVESTWIRE_STORE": "rocksdb://", "INVESTWIRE_RECOVERY_CONSISTENCY_CHECK": "true"}
    async with Cluster(tmp_path, **rocks) as first:
        first.start("w")
        await first.feed(ONE_PASS)
        await first.settled(quiet=3.0)
        first.kill("w")
    async with Cluster(tmp_path, **rocks) as second:  # a new, empty broker
        second.start("other")
        await second.feed(ONE_PASS[:4])
        await second.settled(quiet=3.0)
        second.kill("other")
        proc = second.start("w")
        started = time.monotonic()
        code = await asyncio.to_thread(proc.wait, 60)
        assert code not in (0, None) and time.monotonic() - started < 60
