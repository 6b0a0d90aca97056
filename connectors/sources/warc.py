"""Articles from WARC crawl archives (warcio): each successful HTML response is one page, keyed
by its target url, with the crawl time of the record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from connectors.base import Record, Refusal, Skip, Source
from connectors.sources.decoding import UndecodableError, decode_page

HTML_TYPES = ("text/html", "application/xhtml+xml")


class WarcFile(Source):
    """Response records with HTML bodies; other responses are skipped with why (an image, a
    404), requests and metadata records are not pages and are passed over."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> Iterator[Record | Refusal | Skip]:
        origin = str(self.path)
        try:
            with self.path.open("rb") as fh:
                records = ArchiveIterator(fh)
                for record in records:
                    if record.rec_type == "response":
                        body = record.content_stream().read()  # before the offset, which skips the rest
                        origin = f"{self.path}@{records.get_record_offset()}"
                        yield self._page(record, body, origin)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as e:
            yield Refusal(origin, f"not a readable WARC file from here on: {e}")

    @staticmethod
    def _page(record: ArcWarcRecord, body: bytes, origin: str) -> Record | Refusal | Skip:
        headers = record.rec_headers
        http = record.http_headers
        url = headers.get_header("WARC-Target-URI") or ""
        where = f"{origin} {url}"
        if http is None:
            return Skip(where, "response without HTTP headers")
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return Skip(where, f"HTTP {status}")
        content_type = http.get_header("Content-Type") or ""
        if not content_type.lower().startswith(HTML_TYPES) and not (
            not content_type and b"<html" in body[:2048].lower()
        ):
            return Skip(where, f"not HTML ({content_type.split(';')[0] or 'no content type'})")
        try:
            html, _charset = decode_page(body, content_type)
        except UndecodableError as e:
            return Refusal(where, str(e))
        if not url:
            return Refusal(where, "response record without WARC-Target-URI")
        if not html.strip():
            return Refusal(where, "empty page")
        return Record.article(where, url, html=html, fetched_at=headers.get_header("WARC-Date"))
