"""The command line as a new user meets it: one line on stderr and a non-zero exit, no traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import extraction_cases


def investwire(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "investwire", *args], input=stdin, capture_output=True, timeout=60
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def one_line_error(proc: subprocess.CompletedProcess[str], says: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("investwire: ") and says in last, proc.stderr


def test_version() -> None:
    proc = investwire("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("investwire ")


def test_extract_missing_file_folder_and_empty_input(tmp_path: Path) -> None:
    one_line_error(investwire("extract", str(tmp_path / "nope.jsonl")), "no such file")
    one_line_error(investwire("extract", str(tmp_path)), "is a folder")
    one_line_error(investwire("extract", "-", stdin=b"\n  \n"), "empty input")


def test_extract_refused_lines_are_told_and_exit_non_zero() -> None:
    good = json.dumps(extraction_cases()[0]["article"], ensure_ascii=False).encode()
    proc = investwire("extract", "-", stdin=b"not json\n" + good + b"\n" + b'{"url": "u"}\n')
    one_line_error(proc, "2 of 3 line(s) refused")
    assert "line 1: not JSON" in proc.stderr and "line 3: invalid article" in proc.stderr
    assert proc.stdout.strip(), "the good line's events are still written"


def test_extract_of_text_with_figures_loads_no_html_or_words_library(tmp_path: Path) -> None:
    """Start-up: trafilatura is for HTML, jionlp for amounts and dates spelled in words (and for
    the gazetteer's first build, which the second start loads from the cache)."""
    article = {
        "url": "https://example.org/a",
        "published_at": "2024-03-05",
        "text": "2024年3月5日，某县举行项目签约仪式，签约项目12个，总投资86亿元。",
    }
    env = {**os.environ, "INVESTWIRE_CACHE_DIR": str(tmp_path / "cache")}
    for _start in ("first (builds the caches)", "second (loads them)"):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "investwire", "extract", "-"],
            input=json.dumps(article, ensure_ascii=False).encode(),
            capture_output=True,
            timeout=120,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr[-500:]
        assert json.loads(proc.stdout.splitlines()[0])["amount"]["value"] == 8.6e9
    imported = {line.rsplit(b"|", 1)[-1].strip() for line in proc.stderr.splitlines() if b"|" in line}
    assert b"investwire.cli" in imported
    assert not {m for m in imported if m.split(b".")[0] in (b"trafilatura", b"jionlp")}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a broker that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for s in [*held, server]:
        s.close()


def test_an_unreachable_broker_is_one_line_within_seconds(tmp_path: Path, silent_port: int) -> None:
    page = tmp_path / "a.html"
    page.write_text("<p>正文</p>", encoding="utf-8")
    for broker in ("127.0.0.1:1", f"127.0.0.1:{silent_port}"):
        started = time.monotonic()
        one_line_error(
            investwire("ingest", str(page), "--broker", broker), f"cannot reach the broker at {broker}"
        )
        assert time.monotonic() - started < 15
    one_line_error(investwire("tail", "investment.events", "--broker", "127.0.0.1:1"), "cannot reach")
    one_line_error(investwire("worker", "--broker", "127.0.0.1:1"), "cannot reach")


def test_ingest_of_a_missing_file_says_so_before_looking_for_a_broker(tmp_path: Path) -> None:
    one_line_error(investwire("ingest", str(tmp_path / "x.jsonl"), "--broker", "127.0.0.1:1"), "no such file")
