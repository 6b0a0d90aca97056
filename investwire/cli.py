"""The `investwire` command line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from streams.settings import Settings

app = typer.Typer(
    help="Investment announcements in, structured events and per-region running totals out.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)

BrokerOpt = Annotated[
    str | None,
    typer.Option(
        "--broker", envvar="KAFKA_BROKER", help="host:port of Kafka; unset starts the embedded broker"
    ),
]


def _settings(broker: str | None = None) -> Settings:
    s = Settings()
    return s.model_copy(update={"broker": broker}) if broker is not None else s


def _require_broker(broker: str | None, command: str) -> str:
    """The configured broker; commands that talk to a running pipeline start none of their own."""
    address = _settings(broker).broker
    if address is None:
        err.print(f"[red]{command} needs a broker: pass --broker HOST:PORT or set KAFKA_BROKER[/red]")
        raise typer.Exit(2)
    return address


def _quiet_logs(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    for name in ("faust", "mode", "aiokafka", "kafka"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.ERROR)


def sample_paths() -> list[Path]:
    """The sample articles that ship with investwire (written for it, not crawled)."""
    return [Path(str(resources.files("investwire").joinpath("samples/articles.jsonl")))]


@app.command()
def run(
    paths: Annotated[list[Path] | None, typer.Argument(help=".jsonl/.txt/.html files or folders")] = None,
    broker: BrokerOpt = None,
    once: Annotated[bool, typer.Option(help="exit when everything fed in is processed")] = False,
    verbose: bool = False,
) -> None:
    """Start a worker (and the embedded broker if none is configured), ingest PATHS (default: the
    samples), and show the running totals live until Ctrl-C."""
    from investwire.live import run_live

    _quiet_logs(verbose)
    asyncio.run(run_live(_settings(broker), paths or sample_paths(), once=once))


@app.command()
def worker(broker: BrokerOpt = None, verbose: bool = False) -> None:
    """Run one worker until stopped (what docker-compose runs; scale by running more)."""
    from investwire.live import run_worker

    _quiet_logs(verbose)
    asyncio.run(run_worker(_settings(broker)))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".jsonl/.txt/.html files or folders")],
    broker: BrokerOpt = None,
) -> None:
    """Send articles into articles.raw, with a progress bar and a count of what was sent and refused."""
    from investwire.live import ingest_paths

    address = _require_broker(broker, "ingest")
    sent, refused = asyncio.run(ingest_paths(address, paths, progress=True))
    err.print(f"sent {sent}, refused {refused}")
    if refused:
        raise typer.Exit(1)


@app.command()
def extract(
    source: Annotated[str, typer.Argument(help="file of article JSON lines, or - for stdin")],
) -> None:
    """No broker: article JSON lines in, one event JSON line per event out (what score.py scores)."""
    from extraction import Extractor, UnreadableArticleError, to_article
    from schemas import RejectedInput, parse_raw_article

    extractor = Extractor()
    max_bytes = Settings().max_message_bytes
    stream = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    bad = 0
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                article = to_article(parse_raw_article(line.rstrip(b"\r\n"), max_bytes))
            except (RejectedInput, UnreadableArticleError) as e:
                bad += 1
                err.print(f"line {n}: {e}")
                continue
            for event in extractor.extract(article):
                sys.stdout.write(event.model_dump_json() + "\n")
    if bad:
        err.print(f"{bad} line(s) refused")


@app.command()
def replay(
    file: Annotated[Path, typer.Argument(help="recorded article JSON lines")],
    out: Annotated[
        Path, typer.Option("--out", help="folder for events.jsonl, totals.jsonl, deadletter.jsonl")
    ],
    timeout: float = 600.0,
    verbose: bool = False,
) -> None:
    """Run the whole pipeline on a fresh embedded broker over FILE and write the final topics to OUT."""
    from investwire.live import replay_file

    _quiet_logs(verbose)
    counts = asyncio.run(replay_file(Settings(), file, out, timeout=timeout))
    err.print(" ".join(f"{k}={v}" for k, v in counts.items()))


@app.command()
def tail(
    topic: Annotated[
        str, typer.Argument(help="investment.events, investment.totals, articles.deadletter, …")
    ],
    broker: BrokerOpt = None,
) -> None:
    """Print a topic as it grows, one JSON line per record."""
    from connectors.sinks.topic_reader import follow

    address = _require_broker(broker, "tail")

    async def go() -> None:
        async for _key, value in follow(address, topic):
            sys.stdout.write(value.decode("utf-8", "replace") + "\n")
            sys.stdout.flush()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(go())


@app.command()
def schema(
    out: Annotated[
        Path | None, typer.Option(help="write one <topic>.schema.json per topic into this folder")
    ] = None,
) -> None:
    """The JSON Schema of every topic's records, for downstream consumers."""
    from schemas import json_schemas

    schemas = json_schemas()
    if out is None:
        sys.stdout.write(json.dumps(schemas, ensure_ascii=False, indent=2) + "\n")
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        (out / f"{name}.schema.json").write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    err.print(f"wrote {len(schemas)} schemas to {out}")


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Option(help="gold answers, one JSON line per article (EVENTS.md form)")],
    articles: Annotated[Path, typer.Option(help="the articles, one JSON line each")],
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="list every miss")] = False,
) -> None:
    """Score the extractor on your own annotated articles (precision, recall, F1, totals error)."""
    from investwire.scoring import score_articles

    report = score_articles(gold, articles)
    if verbose:
        for line in report.misses:
            sys.stdout.write(line + "\n")
    sys.stdout.write(report.summary() + "\n")


@app.command("sink-postgres")
def sink_postgres(
    dsn: Annotated[
        str, typer.Option(envvar="INVESTWIRE_POSTGRES_DSN", help="postgresql://… of the database")
    ],
    broker: BrokerOpt = None,
) -> None:
    """Keep a PostgreSQL table in step with investment.totals (one row per key, upserted)."""
    from connectors.sinks.postgres import run_totals_sink

    address = _require_broker(broker, "sink-postgres")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_totals_sink(address, dsn))
