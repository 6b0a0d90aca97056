"""What the commands do with a running pipeline: feed it, watch it, replay through it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from connectors.base import Sink
from connectors.ingest import Summary, send
from connectors.sinks.jsonl import write_sorted
from connectors.sinks.runner import run_sink
from connectors.sinks.topic_reader import follow, snapshot
from connectors.sources.files import Files
from schemas.topics import DEADLETTER, EVENTS, TOTALS
from streams.runner import Phases, running, wait_until_processed
from streams.settings import Settings

console = Console(stderr=True, soft_wrap=True)


async def ingest_paths(broker: str, paths: list[Path], progress: bool = False) -> Summary:
    """Send the articles in `paths`; with `progress`, a live count and each refusal as it happens."""
    if not progress:
        return await send(broker, Files(paths))
    with Progress(
        TextColumn("ingest"), SpinnerColumn(), TextColumn("{task.completed} sent"), console=console
    ) as bar:
        task = bar.add_task("ingest", total=None)
        return await send(
            broker,
            Files(paths),
            on_sent=lambda _r: bar.advance(task),
            on_refused=lambda r: console.print(f"[yellow]refused {r.origin}: {r.reason}[/yellow]"),
        )


_METRIC_LABELS = {
    "total_investment": "总投资",
    "attracted_funds": "引资",
    "funds_in_place": "到位资金",
    "fdi_utilized": "实际利用外资",
}


def resolved_period(period: dict[str, Any]) -> str:
    """A period as the dates it covers (2024年1-5月), never as the article's relative words
    (今年1-5月), which mean nothing a year later."""
    start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])
    whole_months = start.day == 1 and (end + timedelta(days=1)).day == 1
    if not whole_months:
        return f"{start.year}年{start.month}月{start.day}日-{_date_after(start, end)}日"
    if start.year != end.year:
        return f"{start.year}年{start.month}月-{end.year}年{end.month}月"
    if (start.month, end.month) == (1, 12):
        return f"{start.year}年"
    months = f"{start.month}" if start.month == end.month else f"{start.month}-{end.month}"
    return f"{start.year}年{months}月"


def _date_after(start: date, end: date) -> str:
    """The end of a day range, leaving out what it shares with the start."""
    if end.year != start.year:
        return f"{end.year}年{end.month}月{end.day}"
    return f"{end.month}月{end.day}" if end.month != start.month else f"{end.day}"


def totals_table(rows: dict[str, dict[str, Any]], limit: int = 30) -> Table:
    """Running totals per region (all years), largest first: signings and projects summed,
    beside the latest period figure the region reported."""
    table = Table(title="investwire · running totals per region (all years, 亿元 CNY)")
    table.add_column("region")
    table.add_column("metric")
    table.add_column("flows", justify="right")
    table.add_column("n", justify="right")
    table.add_column("events", justify="right")
    table.add_column("latest reported", justify="right")
    shown = sorted(
        (r for r in rows.values() if r.get("year") == "all"),
        key=lambda r: (-r["amount_cny"], -(r.get("reported") or {}).get("value_cny", 0), r["key"]),
    )[:limit]
    for r in shown:
        rep = r.get("reported")
        table.add_row(
            f"{r['region']['name']} {r['region']['code']}",
            _METRIC_LABELS.get(r["metric"], r["metric"]),
            f"{r['amount_cny'] / 1e8:,.2f}" if r["event_count"] else "",
            str(r["project_count"]) if r["event_count"] else "",
            str(r["event_count"]),
            f"{rep['value_cny'] / 1e8:,.2f} ({resolved_period(rep['period'])})" if rep else "",
        )
    return table


async def run_live(settings: Settings, paths: list[Path], once: bool = False) -> None:
    async with running(settings) as run:
        where = "embedded broker" if run.embedded else "broker"
        web = f", dashboard on {settings.web_url}/" if settings.web_enabled else ""
        console.print(f"investwire worker up on {where} {run.broker}{web}")
        summary = await ingest_paths(run.broker, paths, progress=True)
        console.print(summary.line())
        if once:
            await wait_until_processed(run, summary.sent)
            rows = await snapshot(run.broker, TOTALS.name)
            Console().print(totals_table(rows))
            return
        live_rows: dict[str, dict[str, Any]] = {}
        stop = _stop_event()

        async def watch() -> None:
            import json

            async for key, value in follow(run.broker, TOTALS.name):
                live_rows[key] = json.loads(value)

        watcher = asyncio.create_task(watch())
        try:
            with Live(totals_table(live_rows), console=Console(), refresh_per_second=2) as live:
                while not stop.is_set():
                    live.update(totals_table(live_rows))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=0.5)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_worker(settings: Settings) -> None:
    async with running(settings) as run:
        where = "embedded broker" if run.embedded else "broker"
        web = f", dashboard and routes on {settings.web_url}/" if settings.web_enabled else ""
        console.print(f"investwire worker up on {where} {run.broker}{web}; Ctrl-C or SIGTERM stops it")
        await run.serve(_stop_event())


async def sink_until_stopped(broker: str, sink: Sink, group_id: str) -> None:
    await run_sink(broker, sink, group_id, _stop_event())


def _refers_to(letter: dict[str, Any]) -> str:
    """A dead letter's place in a replay's output: the message it refers to (letters are sent in
    the order the pool's processes finish, not in the order of their sources)."""
    partition, offset = letter.get("partition") or 0, letter.get("offset") or 0
    return f"{letter['source_topic']}:{partition:04d}:{offset:012d}:{letter['stage']}"


#: A replay is one worker on a broker of its own: no one to take over from, so a short session
#: (a group join takes half of it) and frequent commits (completion is read from committed
#: offsets) cost nothing and save seconds. Settings given explicitly win.
REPLAY_TIMING: dict[str, float] = {
    "session_timeout": 2.0,
    "heartbeat_interval": 0.3,
    "rebalance_timeout": 2.0,
    "commit_interval": 0.2,
}


async def replay_file(
    settings: Settings, file: Path, out: Path, timeout: float = 600.0, phases: Phases | None = None
) -> dict[str, int]:
    """FILE through a fresh pipeline, with no web server (a replay is a batch job)."""
    phase = phases or Phases()
    chosen = settings.model_fields_set
    settings = settings.model_copy(
        update={"web_enabled": False} | {k: v for k, v in REPLAY_TIMING.items() if k not in chosen}
    )
    async with running(settings, fresh_broker=True, phases=phase) as run:
        with phase("ingest"):
            summary = await ingest_paths(run.broker, [file])
        with phase("process"):
            await wait_until_processed(run, summary.sent, timeout=timeout)
        with phase("read"):
            events, totals, dead = await asyncio.gather(
                snapshot(run.broker, EVENTS.name),
                snapshot(run.broker, TOTALS.name),
                snapshot(run.broker, DEADLETTER.name, keep_all=True),
            )
    write_sorted(events, out / "events.jsonl")
    write_sorted(totals, out / "totals.jsonl")
    write_sorted({_refers_to(d): d for d in dead.values()}, out / "deadletter.jsonl")
    return {
        "articles": summary.sent,
        "refused": len(summary.refused),
        "events": len(events),
        "totals": len(totals),
        "deadletter": len(dead),
    }
