"""HTML to text and extraction in worker processes, so the event loop keeps heartbeating.

One page of a million characters costs seconds of CPU; on the event loop that stops
heartbeats and costs a rebalance. The agents that call this run `processes` at a time and
wait for each result, so at most that many articles are in the pool (back-pressure: the
stream is not read further until a process is free).
"""

from __future__ import annotations

import asyncio
import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor

from extraction import Extractor, to_article
from schemas import Article, InvestmentEvent, parse_raw_article

_extractor: Extractor | None = None


#: prctl option: the signal the kernel sends a process when its parent dies
_PR_SET_PDEATHSIG = 1


def _init(extractor: Extractor, parent: int) -> None:
    """Keep the extractor; die with the worker, even a `kill -9`ed one (a forked process holds
    both ends of the pool's pipes, so it would never see the parent go)."""
    global _extractor
    _extractor = extractor
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _normalize(payload: bytes | None, max_bytes: int) -> Article:
    return to_article(parse_raw_article(payload, max_bytes))


def _extract(article: Article) -> list[InvestmentEvent]:
    assert _extractor is not None, "the pool's initializer sets the extractor"
    return _extractor.extract(article)


def _ready() -> None:
    """Nothing: submitted once at start so the processes exist before the app's threads do."""


class CpuPool:
    """A process pool for the pure, CPU-bound steps (forked, so the extractor is built once)."""

    def __init__(self, processes: int, extractor: Extractor, max_bytes: int) -> None:
        self.processes = processes
        self.max_bytes = max_bytes
        self._pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init,
            initargs=(extractor, os.getpid()),
        )

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, _ready) for _ in range(self.processes)))

    async def normalize(self, payload: bytes | None) -> Article:
        """RawArticle bytes → Article; RejectedInput or UnreadableArticleError for what is not one."""
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, _normalize, payload, self.max_bytes
        )

    async def extract(self, article: Article) -> list[InvestmentEvent]:
        return await asyncio.get_running_loop().run_in_executor(self._pool, _extract, article)

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
