"""A small news site served from a folder by a local HTTP server, and the README's example
spider that crawls it (what the Scrapy tests run)."""

from __future__ import annotations

import contextlib
import functools
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.conftest import ROOT

#: page name → (charset, title, text): three Hunan cities, each page in its own charset
ARTICLES = {
    "hengyang.html": ("gbk", "衡阳市重大项目集中签约", "共签约项目28个，总投资156.8亿元。"),
    "yueyang.html": ("utf-8", "岳阳市招商引资成果", "城陵矶新港区引进新材料项目，总投资20亿元。"),
    "changde.html": ("gb18030", "常德经开区签约仪式", "6个项目集中签约，总投资43.5亿元。"),
}


def example_spider() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- scrapy-example -->", 1)[1].split("```python\n", 1)[1]
    return block.split("```", 1)[0]


@contextlib.contextmanager
def news_site(folder: Path) -> Iterator[str]:
    """Write the site into `folder` and serve it; yields its base URL (the list page is /index.html)."""
    folder.mkdir(parents=True, exist_ok=True)
    links = "".join(
        f'<li><a href="/news/{name}">{title}</a></li>' for name, (_, title, _) in ARTICLES.items()
    )
    (folder / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    (folder / "news").mkdir()
    for name, (charset, title, text) in ARTICLES.items():
        head = f'<meta charset="{charset}"><title>{title}</title>'
        page = f"<html><head>{head}</head><body><p>{text}</p></body></html>"
        (folder / "news" / name).write_bytes(page.encode(charset))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def crawl(site: str, broker: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """`scrapy runspider` of the README's spider from the site's list page into `broker`."""
    spider = workdir / "news_spider.py"
    spider.write_text(example_spider(), encoding="utf-8")
    settings = {"INVESTWIRE_BROKER": broker, "TELNETCONSOLE_ENABLED": "False", "LOG_LEVEL": "INFO"}
    return subprocess.run(
        [
            *(sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"start={site}/index.html"),
            *(arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
