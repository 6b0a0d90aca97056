"""`GET /metrics`: the worker's counters, processing latency and consumer lag, in Prometheus'
text format by prometheus-client.

The counters are the pipeline's own (`Pipeline.counts`), read at each scrape, so they are the
numbers the worker acts on; latency is each message's age when its agent finished its batch;
lag from the worker's consumer (committed offset against the fetch high-water mark).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import cast

from faust.transport.consumer import Consumer
from faust.types import TP, EventT
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from schemas.topics import FACTS, RAW
from streams.app import Pipeline

#: The agent that reads each topic.
STAGES = {RAW.name: "read", FACTS.name: "totals"}
#: The stages a dead letter names: reading an article is normalizing it, then extracting.
DEAD_STAGES = ("normalize", "extract", "totals")

#: Seconds from a message's timestamp until an agent is done with it: extraction takes tens of
#: milliseconds, a batch adds its wait to fill, a backed-up worker seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0)


class StageLatency:
    """Observes every message of a finished batch: its age (now less its record timestamp),
    by the agent that handled it."""

    def __init__(self, histogram: Histogram) -> None:
        self.histogram = histogram

    def __call__(self, agent: str, batch: Sequence[EventT]) -> None:
        now = time.time()
        observe = self.histogram.labels(stage=agent).observe
        for ev in batch:
            observe(max(0.0, now - ev.message.timestamp))


class PipelineCollector(Collector):
    """The pipeline's counters and its consumer's lag, as they are at the scrape."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def collect(self) -> Iterator[Metric]:
        counts = self.pipeline.counts
        yield CounterMetricFamily(
            "investwire_articles_in", "messages read from articles.raw", value=counts["articles.in"]
        )
        yield CounterMetricFamily(
            "investwire_events_out", "events sent to investment.events", value=counts["events.out"]
        )
        dead = CounterMetricFamily(
            "investwire_dead_letters", "messages sent to articles.deadletter", labels=["stage"]
        )
        for stage in DEAD_STAGES:
            dead.add_metric([stage], counts[f"dead.{stage}"])
        yield dead
        lag = GaugeMetricFamily(
            "investwire_consumer_lag",
            "messages of this worker's partitions not yet processed and committed",
            labels=["topic", "partition"],
        )
        for tp, behind in sorted(self.lag().items()):
            lag.add_metric([tp.topic, str(tp.partition)], behind)
        yield lag
        yield CounterMetricFamily(
            "investwire_ledger_states_restored",
            "article states the rebuilds since start took from the ledger table (owned partitions)",
            value=counts["ledger.restored"],
        )
        yield GaugeMetricFamily(
            "investwire_ready",
            "1 when the worker has recovered its tables and rebuilt its rows",
            value=1 if self.pipeline.ready else 0,
        )

    def lag(self) -> dict[TP, int]:
        """Per assigned partition of the agents' topics: its high-water mark less the offset this
        group committed there (read from the broker at assignment, kept by Faust since)."""
        consumer = cast(Consumer, self.pipeline.app.consumer)
        try:
            assigned = consumer.assignment()
        except Exception:  # not started yet, or stopping: no partitions to speak of
            return {}
        committed = consumer._committed_offset  # Faust keeps it; the broker is not asked per scrape
        found: dict[TP, int] = {}
        for tp in assigned:
            if tp.topic not in STAGES:
                continue
            high = consumer.highwater(tp)
            if high is not None:
                found[tp] = max(0, high - (committed.get(tp) or 0))
        return found


class IngestCounters:
    """What `POST /articles` did: lines by outcome, requests by status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.lines = Counter(
            "investwire_ingest_lines",
            "lines of POST /articles bodies, by outcome (accepted: acknowledged by the broker)",
            ["outcome"],
            registry=registry,
        )
        self.requests = Counter(
            "investwire_ingest_requests", "POST /articles requests, by status", ["status"], registry=registry
        )
        for outcome in ("accepted", "refused"):
            self.lines.labels(outcome=outcome)


class Metrics:
    """One registry per web server (several workers may share a process in tests)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.registry = CollectorRegistry()
        self.collector = PipelineCollector(pipeline)
        self.registry.register(self.collector)
        ProcessCollector(registry=self.registry)
        self.latency = Histogram(
            "investwire_processing_seconds",
            "seconds from a message's timestamp until an agent was done with it, by stage",
            ["stage"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        pipeline.batch_observers.append(StageLatency(self.latency))
        self.ingest = IngestCounters(self.registry)

    def render(self) -> bytes:
        return generate_latest(self.registry)
