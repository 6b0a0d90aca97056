"""Reading raw articles in worker processes: HTML to text, extraction and the facts, so the
event loop keeps heartbeating and both cores work.

One page of a million characters costs seconds of CPU; on the event loop that stops
heartbeats and costs a rebalance. The agent that calls this hands over a batch at a time and
waits for it, so at most `processes` batches are in the pool (back-pressure: the stream is not
read further until a process is free). Everything is encoded to the bytes that go on the
topics here, so the event loop only moves bytes.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from aggregation import article_facts
from extraction import Extractor, UnreadableArticleError, _jionlp, to_article
from schemas import RejectedInput, parse_raw_article
from schemas.totals import ArticleFacts, ArticleVersion

log = logging.getLogger(__name__)

_extractor: Extractor | None = None

#: prctl option: the signal the kernel sends a process when its parent dies
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Read:
    """One raw article, read: its events (key, value), its facts record for each partition it
    states facts on, and its record with no facts (for any other partition that must hear of it)."""

    article_id: str
    url: str
    version: ArticleVersion
    events: list[tuple[bytes, bytes]]
    facts: dict[int, bytes]
    no_facts: bytes


@dataclass(frozen=True)
class Refused:
    """A raw message that is no article (stage `normalize`) or that the extractor failed on."""

    stage: str
    reason: str


def _init_extractor(extractor: Extractor) -> None:
    global _extractor
    _extractor = extractor


def _init(extractor: Extractor, parent: int) -> None:
    """Keep the extractor; die with the worker, even a `kill -9`ed one (a forked process holds
    both ends of the pool's pipes, so it would never see the parent go)."""
    _init_extractor(extractor)
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _read(payload: bytes | None, raw_offset: int, max_bytes: int, partitions: int) -> Read | Refused:
    assert _extractor is not None, "the pool's initializer sets the extractor"
    try:
        article = to_article(parse_raw_article(payload, max_bytes))
    except (RejectedInput, UnreadableArticleError) as e:
        return Refused("normalize", str(e))
    except Exception as e:  # a bug must not stop the worker: the message is kept with it
        log.exception("normalize failed")
        return Refused("normalize", f"{type(e).__name__}: {e}")
    try:
        found = _extractor.extract(article)
    except Exception as e:  # the extractor must never take the worker down
        log.exception("extract failed")
        return Refused("extract", f"{type(e).__name__}: {e}")
    versions = article_facts(
        found,
        article_id=article.article_id,
        url=article.url,
        fetched_at=article.fetched_at,
        raw_offset=raw_offset,
        partitions=partitions,
    )
    version = versions[0].version
    return Read(
        article_id=article.article_id,
        url=article.url,
        version=version,
        events=[(e.event_id.encode(), e.model_dump_json().encode()) for e in found],
        facts={p: f.model_dump_json().encode() for p, f in enumerate(versions) if f.contributions},
        no_facts=ArticleFacts(
            article_id=article.article_id, url=article.url, version=version, contributions=[]
        )
        .model_dump_json()
        .encode(),
    )


def _read_batch(
    batch: list[tuple[bytes | None, int]], max_bytes: int, partitions: int
) -> list[Read | Refused]:
    return [_read(payload, offset, max_bytes, partitions) for payload, offset in batch]


#: A page read once before the processes fork: libraries that load their data on first use
#: (trafilatura here, jionlp by its own warm-up) then do it once, in the worker, instead of in
#: every process on the first real article (seconds each on a loaded machine).
_WARM_UP = (
    '{"url": "https://example.org/warm-up", "published_at": "2024-01-02", "html": "<html><body>'
    "<article><h1>招商引资项目集中签约</h1><p>2024年1月2日，某市举行招商引资项目集中签约仪式，"
    '现场签约项目10个，总投资50亿元，其中外资项目2个，合同外资1.2亿美元。</p></article></body></html>"}'
).encode()


def _ready() -> None:
    """Nothing: submitted once at start so the processes exist before the app's threads do."""


class CpuPool:
    """A process pool for the pure, CPU-bound steps (forked, so the extractor is built once)."""

    def __init__(self, processes: int, extractor: Extractor, max_bytes: int, partitions: int) -> None:
        self.processes = processes
        self.max_bytes = max_bytes
        self.partitions = partitions
        self._extractor = extractor
        self._pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init,
            initargs=(extractor, os.getpid()),
        )

    async def start(self) -> None:
        _init_extractor(self._extractor)
        _read(_WARM_UP, -1, self.max_bytes, self.partitions)
        _jionlp.warm_up()  # imported on first use, which a page spelling no amount in words never is
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, _ready) for _ in range(self.processes)))

    async def read(self, batch: list[tuple[bytes | None, int]]) -> list[Read | Refused]:
        """(raw message value, its offset in articles.raw) → what to send, in the same order."""
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, _read_batch, batch, self.max_bytes, self.partitions
        )

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
