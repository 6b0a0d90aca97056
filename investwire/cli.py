"""The `investwire` command line.

What goes wrong in a user's hands (a missing file, no broker, an empty input) is one line on
stderr and a non-zero exit, never a traceback; `main` is the entry point that sees to it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Annotated, BinaryIO, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from streams.settings import Settings

app = typer.Typer(
    help="Investment announcements in, structured events and per-region running totals out.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)

BrokerOpt = Annotated[
    str | None,
    typer.Option(
        "--broker", envvar="KAFKA_BROKER", help="host:port of Kafka; unset starts the embedded broker"
    ),
]


class CliError(Exception):
    """A problem the user can fix, told in one line."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _exit(message: str, code: int = 1) -> NoReturn:
    err.print(Text(f"investwire: {message}", style="red"))
    raise SystemExit(code)


def main() -> None:
    """Run the app; the errors a user can cause end as one line and exit code 1."""
    try:
        app()
    except CliError as e:
        _exit(str(e), e.code)
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as e:
        if (message := _service_error(e)) is not None:
            _exit(message)
        if isinstance(e, OSError):
            _exit(f"{e.filename}: {e.strerror}" if e.filename else str(e))
        raise


def _service_error(e: Exception) -> str | None:
    """The broker's or the database's error as one line, else None. Their clients are looked up,
    not imported: one that was never loaded raised nothing, and `extract` starts without them."""
    broker, kafka, database = (
        sys.modules.get(m) for m in ("connectors.broker", "aiokafka.errors", "psycopg")
    )
    if broker is not None and isinstance(e, broker.BrokerUnreachableError):
        return str(e)
    if kafka is not None and isinstance(e, kafka.KafkaError):
        return f"broker: {e}"
    if database is not None and isinstance(e, database.OperationalError):
        return f"database: {str(e).strip().splitlines()[0]}"
    return None


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"investwire {metadata.version('investwire')}\n")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Investment announcements in, structured events and per-region running totals out."""


def _settings(broker: str | None = None) -> Settings:
    s = Settings()
    return s.model_copy(update={"broker": broker}) if broker is not None else s


def _require_broker(broker: str | None, command: str) -> str:
    """The configured broker, once it answers; commands that talk to a running pipeline start
    none of their own."""
    from connectors.broker import topic_partitions

    address = _settings(broker).broker
    if address is None:
        raise CliError(f"{command} needs a broker: pass --broker HOST:PORT or set KAFKA_BROKER", code=2)
    asyncio.run(topic_partitions(address))
    return address


def _reachable(broker: str | None) -> None:
    """Fail within seconds when a configured broker does not answer (none configured: embedded)."""
    address = _settings(broker).broker
    if address is not None:
        _require_broker(address, "")


def _existing(paths: list[Path]) -> list[Path]:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CliError(f"no such file or folder: {', '.join(missing)}")
    return paths


def _quiet_logs(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr)
    for name in ("faust", "mode", "aiokafka", "kafka"):
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.CRITICAL)


def sample_paths() -> list[Path]:
    """The sample articles that ship with investwire (written for it, not crawled)."""
    return [Path(str(resources.files("investwire").joinpath("samples/articles.jsonl")))]


@app.command()
def run(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="files (.jsonl[.gz], .warc[.gz], .html, .txt) or folders")
    ] = None,
    broker: BrokerOpt = None,
    once: Annotated[bool, typer.Option(help="exit when everything fed in is processed")] = False,
    verbose: bool = False,
) -> None:
    """Start a worker (and the embedded broker if none is configured), ingest PATHS (default: the
    samples), and show the running totals live until Ctrl-C."""
    from investwire.live import run_live

    _quiet_logs(verbose)
    paths = _existing(paths or sample_paths())
    _reachable(broker)
    asyncio.run(run_live(_settings(broker), paths, once=once))


@app.command()
def worker(broker: BrokerOpt = None, verbose: bool = False) -> None:
    """Run one worker until stopped (what docker-compose runs; scale by running more). On a
    configured broker its state is on disk (`rocksdb://`) unless INVESTWIRE_STORE says otherwise."""
    from investwire.live import run_worker

    _quiet_logs(verbose)
    _reachable(broker)
    settings = _settings(broker)
    if settings.broker is not None and "store" not in settings.model_fields_set:
        # memory stays bounded whatever the history; an embedded broker keeps nothing across a
        # restart, so its worker keeps nothing either
        settings = settings.model_copy(update={"store": "rocksdb://"})
    asyncio.run(run_worker(settings))


@app.command()
def serve(
    port: Annotated[
        int | None,
        typer.Option("--port", min=1, max=65535, help="web port (default INVESTWIRE_WEB_PORT, 6066)"),
    ] = None,
    broker: BrokerOpt = None,
    verbose: bool = False,
) -> None:
    """The embedded broker (unless KAFKA_BROKER is set), a worker and its web server: the dashboard,
    POST /articles, /totals, /events, /metrics; ingests nothing by itself; until Ctrl-C or SIGTERM."""
    from investwire.live import run_worker

    _quiet_logs(verbose)
    _reachable(broker)
    settings = _settings(broker).model_copy(update={"web_enabled": True})
    if port is not None:
        settings = settings.model_copy(update={"web_port": port})
    asyncio.run(run_worker(settings))


@app.command()
def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="files (.jsonl[.gz], .warc[.gz], .html, .txt) or folders")
    ],
    broker: BrokerOpt = None,
) -> None:
    """Send articles into articles.raw; says what was sent, refused (and why) and skipped, and
    exits 1 when anything was refused."""
    from investwire.live import ingest_paths

    _quiet_logs()
    _existing(paths)
    address = _require_broker(broker, "ingest")
    summary = asyncio.run(ingest_paths(address, paths, progress=True))
    err.print(Text(summary.line()))
    if not summary.sent and not summary.refused:
        raise CliError(f"no articles in {', '.join(map(str, paths))}")
    if summary.refused:
        raise typer.Exit(1)


def _lines(source: str) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of a file or of stdin (`-`), numbered."""
    if source != "-":
        path = Path(source)
        if path.is_dir():
            raise CliError(
                f"{source} is a folder; extract reads one file of article JSON lines (or - for stdin)"
            )
        if not path.exists():
            raise CliError(f"no such file: {source}")
    stream: BinaryIO = sys.stdin.buffer if source == "-" else open(source, "rb")  # noqa: SIM115
    with stream:
        for n, line in enumerate(stream, 1):
            if line.strip():
                yield n, line.rstrip(b"\r\n")


@app.command()
def extract(
    source: Annotated[str, typer.Argument(help="file of article JSON lines, or - for stdin")],
) -> None:
    """No broker: article JSON lines in, one event JSON line per event out (what score.py scores).
    Refused lines are told on stderr with their reason, and make the exit code 1."""
    from extraction import Extractor, UnreadableArticleError, to_article
    from schemas import RejectedInput, parse_raw_article

    extractor = Extractor()
    limit = Settings().max_message_bytes
    read = bad = 0
    for n, line in _lines(source):
        read += 1
        try:
            article = to_article(parse_raw_article(line, limit))
        except (RejectedInput, UnreadableArticleError) as e:
            bad += 1
            err.print(Text(f"line {n}: {e}"))
            continue
        for event in extractor.extract(article):
            sys.stdout.write(event.model_dump_json() + "\n")
    if not read:
        raise CliError(f"no articles in {'stdin' if source == '-' else source} (empty input)")
    if bad:
        raise CliError(f"{bad} of {read} line(s) refused")


@app.command()
def replay(
    file: Annotated[Path, typer.Argument(help="recorded article JSON lines")],
    out: Annotated[
        Path, typer.Option("--out", help="folder for events.jsonl, totals.jsonl, deadletter.jsonl")
    ],
    timeout: float = 600.0,
    timings: Annotated[bool, typer.Option(help="say how long each step took")] = False,
    verbose: bool = False,
) -> None:
    """Run the whole pipeline on a fresh embedded broker over FILE and write the final topics to OUT."""
    from investwire.live import replay_file
    from streams.runner import Phases

    _quiet_logs(verbose)
    _existing([file])
    phases = Phases()
    counts = asyncio.run(replay_file(Settings(), file, out, timeout=timeout, phases=phases))
    err.print(" ".join(f"{k}={v}" for k, v in counts.items()))
    if timings:
        err.print(phases.line())


@app.command()
def tail(
    topic: Annotated[
        str, typer.Argument(help="investment.events, investment.totals, articles.deadletter, …")
    ],
    broker: BrokerOpt = None,
    from_beginning: Annotated[
        bool,
        typer.Option("--from-beginning/--from-end", help="start at the oldest record or the newest"),
    ] = True,
    count: Annotated[int | None, typer.Option("--count", "-c", min=1, help="exit after N records")] = None,
    exit_at_end: Annotated[
        bool, typer.Option("--exit-at-end", "-e", help="exit at the end of the topic instead of waiting")
    ] = False,
    keys: Annotated[
        bool,
        typer.Option("--keys", "-K", help="lines of key, partition, offset, timestamp, value"),
    ] = False,
) -> None:
    """Print a topic's records, one JSON line each, and follow it as it grows (like kcat -C).
    A topic that does not exist is an error; tail never creates one."""
    from investwire.tail import NoSuchTopicError
    from investwire.tail import tail as run_tail

    _quiet_logs()
    address = _require_broker(broker, "tail")
    try:
        asyncio.run(run_tail(address, topic, from_beginning, count, exit_at_end, keys))
    except NoSuchTopicError as e:
        raise CliError(str(e)) from None
    except KeyboardInterrupt:
        pass


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

    _existing([gold, articles])
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
    group: Annotated[
        str, typer.Option(help="consumer group; a new one reads the topics again from the start")
    ] = "investwire-sink-postgres",
) -> None:
    """Keep tables investment_events and investment_totals in step with their topics, until
    SIGTERM or Ctrl-C (tables made by the sink; see the README)."""
    from connectors.sinks.postgres import PostgresSink
    from investwire.live import sink_until_stopped

    _quiet_logs()
    address = _require_broker(broker, "sink-postgres")
    err.print(f"sink-postgres: {address} → PostgreSQL, group {group}; Ctrl-C or SIGTERM stops it")
    asyncio.run(sink_until_stopped(address, PostgresSink(dsn), group))
