"""A real Scrapy crawl, by the README's example spider, of pages a local HTTP server serves: every
page lands in articles.raw, decoded in its own charset, by the time the crawl process exits."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from connectors.sinks.topic_reader import snapshot
from schemas import parse_raw_article
from schemas.topics import RAW
from streams.embedded_broker import EmbeddedBroker
from streams.runner import ensure_topics
from tests.conftest import ROOT

ARTICLES = {
    "hengyang.html": ("gbk", "衡阳市重大项目集中签约", "共签约项目28个，总投资156.8亿元。"),
    "yueyang.html": ("utf-8", "岳阳市招商引资成果", "城陵矶新港区引进新材料项目，总投资20亿元。"),
    "changde.html": ("gb18030", "常德经开区签约仪式", "6个项目集中签约，总投资43.5亿元。"),
}


def _example_spider() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- scrapy-example -->", 1)[1].split("```python\n", 1)[1]
    return block.split("```", 1)[0]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    links = "".join(
        f'<li><a href="/news/{name}">{title}</a></li>' for name, (_, title, _) in ARTICLES.items()
    )
    (tmp_path / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    (tmp_path / "news").mkdir()
    for name, (charset, title, text) in ARTICLES.items():
        head = f'<meta charset="{charset}"><title>{title}</title>'
        page = f"<html><head>{head}</head><body><p>{text}</p></body></html>"
        (tmp_path / "news" / name).write_bytes(page.encode(charset))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_a_crawl_sends_every_page_to_articles_raw(site: str, tmp_path: Path) -> None:
    spider = tmp_path / "news_spider.py"
    spider.write_text(_example_spider(), encoding="utf-8")
    with EmbeddedBroker() as broker:
        await ensure_topics(broker, 2)
        settings = {"INVESTWIRE_BROKER": broker, "TELNETCONSOLE_ENABLED": "False", "LOG_LEVEL": "INFO"}
        crawl = subprocess.run(
            [
                *(sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"start={site}/index.html"),
                *(arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert crawl.returncode == 0, crawl.stderr
        assert "'investwire/sent': 3" in crawl.stderr, crawl.stderr
        raw = await snapshot(broker, RAW.name)  # right after the crawl exits: flushed on close
    assert set(raw) == {f"{site}/news/{name}" for name in ARTICLES}
    for name, (_, title, text) in ARTICLES.items():
        article = parse_raw_article(json.dumps(raw[f"{site}/news/{name}"]).encode(), 10_000_000)
        assert article.title == title and article.html and text in article.html
        assert article.fetched_at is not None
