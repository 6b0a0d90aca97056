"""The worker's web server (aiohttp): its routes, and what it starts and stops with it.

It starts before the Faust app, so `/healthz` answers while tables recover and `/readyz`
says when they have.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from connectors.sources.kafka_producer import AckedProducer
from streams.app import Pipeline
from streams.web.dashboard import STATIC, Dashboard
from streams.web.intake import Intake
from streams.web.metrics import Metrics
from streams.web.queries import Queries
from streams.web.views import Views

#: Seconds a stopping server waits for requests in progress.
SHUTDOWN_TIMEOUT = 5.0


class WebServer:
    def __init__(self, pipeline: Pipeline, broker: str) -> None:
        self.settings = pipeline.settings
        self.views = Views(broker)
        self.producer = AckedProducer(broker)
        self.metrics = Metrics(pipeline)
        queries = Queries(pipeline, self.views.events)
        intake = Intake(self.settings, self.producer, self.metrics.ingest)
        dashboard = Dashboard(pipeline, self.views, self.metrics.collector)
        app = web.Application()
        app.add_routes(
            [
                web.post("/articles", intake.handle),
                web.get("/totals", queries.totals),
                web.get("/events", queries.events),
                web.get("/metrics", self._metrics),
                web.get("/healthz", queries.healthz),
                web.get("/readyz", queries.readyz),
                web.get("/stream", dashboard.stream),
                web.get("/", dashboard.index),
                web.static("/static", STATIC),
            ]
        )
        app.on_shutdown.append(dashboard.close)
        self.runner = web.AppRunner(app, access_log=None)

    async def _metrics(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})


@contextlib.asynccontextmanager
async def serving(pipeline: Pipeline, broker: str) -> AsyncIterator[WebServer]:
    """The web server of `pipeline` on the configured address, for the time of the block."""
    server = WebServer(pipeline, broker)
    s = server.settings
    async with contextlib.AsyncExitStack() as stack:
        await server.producer.start()
        stack.push_async_callback(server.producer.stop)
        await server.views.start()
        stack.push_async_callback(server.views.stop)
        await server.runner.setup()
        stack.push_async_callback(server.runner.cleanup)
        await web.TCPSite(server.runner, s.web_bind, s.web_port, shutdown_timeout=SHUTDOWN_TIMEOUT).start()
        yield server
