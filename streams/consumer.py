"""Faust's Kafka consumer with the fetch wait as a setting (`INVESTWIRE_FETCH_MAX_WAIT`).

Faust builds its aiokafka consumer with a fixed `fetch_max_wait_ms=1500`. Kafka answers a
waiting fetch as soon as records arrive, so there the wait only spaces an idle consumer's
requests; Tansu answers only once about half of it has passed, records or not (a bare
produce → consume round trip: 27 ms p50 with a 100 ms wait, 404 ms with 1,500 ms;
benchmarks/latency.py), and every hop of the pipeline would pay that.
"""

from __future__ import annotations

from typing import Any

import aiokafka
from faust.transport.drivers import aiokafka as faust_kafka


def consumer_class(fetch_max_wait: float) -> type[faust_kafka.Consumer]:
    """Faust's aiokafka consumer whose fetches wait at most `fetch_max_wait` seconds."""

    class ConsumerThread(faust_kafka.AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> aiokafka.AIOKafkaConsumer:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = int(fetch_max_wait * 1000)  # its fetcher reads it at start
            return consumer

    class Consumer(faust_kafka.Consumer):
        def _new_consumer_thread(self) -> faust_kafka.AIOKafkaConsumerThread:
            return ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    return Consumer
