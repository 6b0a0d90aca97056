"""What the commands do with a running pipeline: feed it, watch it, replay through it."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from connectors.sinks.jsonl import write_sorted
from connectors.sinks.topic_reader import follow, snapshot
from connectors.sources.files import Record, read_records
from connectors.sources.kafka_producer import produce
from schemas.topics import DEADLETTER, EVENTS, TOTALS
from streams.runner import running, wait_until_processed
from streams.settings import Settings

console = Console(stderr=True)


async def ingest_paths(broker: str, paths: list[Path], progress: bool = False) -> tuple[int, int]:
    records = list(read_records(paths))
    if not progress:
        return await produce(broker, records)
    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[refused]} refused"),
        console=console,
    ) as bar:
        task = bar.add_task("ingest", total=len(records), refused=0)
        refused = 0

        def on_refused(record: Record, e: Exception) -> None:
            nonlocal refused
            refused += 1
            bar.update(task, advance=1, refused=refused)
            console.print(f"[yellow]refused {record.origin}: {type(e).__name__}: {e}[/yellow]")

        return await produce(
            broker, records, on_sent=lambda _r: bar.update(task, advance=1), on_refused=on_refused
        )


_METRIC_LABELS = {
    "total_investment": "总投资",
    "attracted_funds": "引资",
    "funds_in_place": "到位资金",
    "fdi_utilized": "实际利用外资",
}


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
            f"{rep['value_cny'] / 1e8:,.2f} ({rep['period']['label']})" if rep else "",
        )
    return table


async def run_live(settings: Settings, paths: list[Path], once: bool = False) -> None:
    async with running(settings) as run:
        where = "embedded broker" if run.embedded else "broker"
        console.print(f"investwire worker up on {where} {run.broker}")
        sent, _refused = await ingest_paths(run.broker, paths, progress=True)
        if once:
            await wait_until_processed(run, sent)
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
        console.print(f"investwire worker up on {run.broker}; Ctrl-C or SIGTERM stops it")
        await run.serve(_stop_event())


async def replay_file(settings: Settings, file: Path, out: Path, timeout: float = 600.0) -> dict[str, int]:
    async with running(settings, fresh_broker=True) as run:
        sent, refused = await ingest_paths(run.broker, [file])
        await wait_until_processed(run, sent, timeout=timeout)
        events = await snapshot(run.broker, EVENTS.name)
        totals = await snapshot(run.broker, TOTALS.name)
        dead = await snapshot(run.broker, DEADLETTER.name, keep_all=True)
    write_sorted(events, out / "events.jsonl")
    write_sorted(totals, out / "totals.jsonl")
    write_sorted(dead, out / "deadletter.jsonl")
    return {
        "articles": sent,
        "refused": refused,
        "events": len(events),
        "totals": len(totals),
        "deadletter": len(dead),
    }
