"""Start a broker (when none is configured) and a worker in this process, watch that the
worker stays healthy, and tell when everything fed in has been processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from extraction import Extractor
from schemas.topics import FACTS, RAW
from streams.admin import ensure_topics
from streams.app import Pipeline
from streams.embedded_broker import EmbeddedBroker
from streams.lag import group_lag
from streams.probe import probe
from streams.settings import Settings
from streams.web.server import serving

log = logging.getLogger(__name__)

#: Longest wait for the app to stop; a worker that cannot stop must still exit.
STOP_TIMEOUT = 30.0


class WorkerFailedError(RuntimeError):
    """The worker cannot go on (crashed, or its recovery did not finish in time): exit non-zero
    so that a supervisor restarts it."""


class Phases:
    """Wall seconds of the named steps of a run, in the order they began (for `replay --timings`
    and the replay benchmark: where a short run's time goes)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def line(self) -> str:
        return " ".join(f"{k}={v:.2f}s" for k, v in self.seconds.items())


@dataclass
class Running:
    pipeline: Pipeline
    broker: str
    embedded: bool

    async def watch(self) -> None:
        """Return never; raise WorkerFailedError as soon as the worker cannot go on."""
        p = self.pipeline
        while True:
            if p.app.crashed:
                raise WorkerFailedError(f"the worker crashed: {p.app.crash_reason!r}")
            since = p.rebalancing_since
            if since is not None and time.monotonic() - since > p.settings.recovery_timeout:
                raise WorkerFailedError(
                    f"rebalance and table recovery did not finish within {p.settings.recovery_timeout:.0f} s"
                )
            await asyncio.sleep(0.5)

    async def serve(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set; raise WorkerFailedError if the worker fails first."""
        watcher = asyncio.create_task(self.watch())
        stopper = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({watcher, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            watcher.cancel()
        if watcher.done() and not watcher.cancelled() and watcher.exception() is not None:
            raise watcher.exception()  # type: ignore[misc]


@contextlib.asynccontextmanager
async def running(
    settings: Settings,
    fresh_broker: bool = False,
    extractor: Extractor | None = None,
    phases: Phases | None = None,
) -> AsyncIterator[Running]:
    """A worker on the configured broker, or on an embedded one started (and stopped) for it,
    with its web server (`streams.web`) unless `web_enabled` is off.

    On a normal exit the changed rows are published and the producer flushed; an error there
    is raised, not swallowed.
    """
    phase = phases or Phases()
    broker_proc: EmbeddedBroker | None = None
    address = settings.broker
    if address is None or fresh_broker:
        broker_proc = EmbeddedBroker(binary=settings.tansu_bin)
        with phase("broker"):
            address = await asyncio.to_thread(broker_proc.start)
        settings = settings.model_copy(update={"broker": None})
    try:
        with phase("topics"):
            await ensure_topics(address, settings.partitions)
        with phase("probe"):
            traits = await probe(address)
        log.info("broker %s: %s", address, traits)
        with phase("worker"):
            pipeline = Pipeline(settings, address, traits, extractor)
        async with serving(pipeline, address) if settings.web_enabled else contextlib.nullcontext():
            with phase("worker"):
                await pipeline.start()
            try:
                yield Running(pipeline, address, broker_proc is not None)
                if not pipeline.app.crashed:
                    await pipeline.publish_totals()
                    await pipeline.app.producer.flush()
            finally:
                with phase("stop"):
                    await asyncio.wait_for(pipeline.stop(), timeout=STOP_TIMEOUT)
    finally:
        if broker_proc is not None:
            broker_proc.stop()


#: What the worker group reads; its lag says how far processing is behind the input.
CONSUMED = [RAW.name, FACTS.name]


async def wait_until_processed(run: Running, expected_articles: int, timeout: float = 300.0) -> None:
    """Block until the worker has read every article and committed every offset it owes.

    Not a sleep: it watches the group's lag on every topic it reads (committed offsets read
    before the fetch high-water marks, and an article's offset is committed only after its
    facts were acknowledged, so zero lag means nothing is left in flight), then publishes the
    changed totals rows and flushes the producer.
    """
    p = run.pipeline
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if p.app.crashed:
            raise WorkerFailedError(f"the worker crashed: {p.app.crash_reason!r}")
        if p.counts["articles.in"] >= expected_articles:
            lag = await group_lag(run.broker, p.settings.app_id, CONSUMED)
            if sum(lag.values()) == 0:
                await p.publish_totals()
                await p.app.producer.flush()
                if p.idle:
                    return
                continue
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the pipeline did not finish within {timeout:.0f} s: {dict(p.counts)}")
