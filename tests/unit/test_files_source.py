"""Files into articles.raw messages: kinds by name, unique keys, charsets honoured, refusals kept."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from connectors.base import Record, Refusal, Skip
from connectors.sources.files import Files

PAGE = (
    "<html><head>{meta}<title>衡阳市重大项目集中签约</title></head><body><p>3月15日，衡阳市举行"
    "重大项目集中签约仪式，共签约项目28个，总投资156.8亿元。</p></body></html>"
)
TEXT = "4月2日，岳阳市城陵矶新港区与深圳某新材料公司签订投资协议，项目总投资20亿元。"


def _read(*paths: Path) -> list[Record | Refusal | Skip]:
    return list(Files(list(paths)).read())


def _body(record: Record | Refusal | Skip) -> dict:
    assert isinstance(record, Record), record
    return json.loads(record.value)


def test_json_lines_pass_through_byte_for_byte_broken_lines_too(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text('{"url": "u1", "text": "x"}\nnot json\n\n{"text": "no url"}\n', encoding="utf-8")
    items = _read(f)
    assert all(isinstance(i, Record) for i in items)
    assert [i.value for i in items] == [b'{"url": "u1", "text": "x"}', b"not json", b'{"text": "no url"}']
    assert items[0].key == b"u1"
    assert items[1].key == b"a.jsonl:2"  # refused by the worker, with its reason


def test_gzipped_json_lines_and_a_truncated_gzip_is_refused_after_the_good_lines(tmp_path: Path) -> None:
    lines = b"".join(json.dumps({"url": f"u{i}", "text": TEXT}).encode() + b"\n" for i in range(200))
    whole = gzip.compress(lines)
    (tmp_path / "ok.jsonl.gz").write_bytes(whole)
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    ok = _read(tmp_path / "ok.jsonl.gz")
    assert [i.key for i in ok] == [f"u{i}".encode() for i in range(200)]  # type: ignore[union-attr]
    cut = _read(tmp_path / "cut.jsonl.gz")
    *good, last = cut
    assert all(isinstance(i, Record) for i in good) and 0 < len(good) < 200
    assert isinstance(last, Refusal) and "unreadable from line" in last.reason


def test_two_index_html_in_two_folders_are_two_articles(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "index.html").write_text(PAGE.format(meta=""), encoding="utf-8")
    items = _read(tmp_path)
    assert len({i.key for i in items if isinstance(i, Record)}) == 2
    assert {_body(i)["url"] for i in items} == {(tmp_path / d / "index.html").as_uri() for d in "ab"}


def test_gbk_pages_are_decoded_by_their_meta_charset_or_by_detection(tmp_path: Path) -> None:
    declared = PAGE.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    (tmp_path / "declared.html").write_bytes(declared.encode("gbk"))
    (tmp_path / "undeclared.html").write_bytes(PAGE.format(meta="").encode("gbk"))
    lying = PAGE.format(meta='<meta charset="utf-8">')  # says utf-8, sends GBK: common on old sites
    (tmp_path / "lying.htm").write_bytes(lying.encode("gbk"))
    (tmp_path / "note.txt").write_bytes(TEXT.encode("gb18030"))
    bodies = {Path(_body(i)["url"]).name: _body(i) for i in _read(tmp_path)}
    assert bodies["declared.html"]["html"] == declared
    assert bodies["undeclared.html"]["html"] == PAGE.format(meta="")
    assert bodies["lying.htm"]["html"] == lying
    assert bodies["note.txt"] == {"url": (tmp_path / "note.txt").as_uri(), "text": TEXT}


def test_what_cannot_be_read_is_refused_with_its_reason_and_other_kinds_in_folders_are_skipped(
    tmp_path: Path,
) -> None:
    (tmp_path / "empty.html").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "style.css").write_text("p {}", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "ok.html").write_text(PAGE.format(meta=""), encoding="utf-8")
    items = _read(tmp_path, tmp_path / "missing.jsonl", tmp_path / "style.css")
    refused = {Path(i.origin).name: i.reason for i in items if isinstance(i, Refusal)}
    assert refused["empty.html"] == "empty page"
    assert "no charset fits" in refused["binary.txt"]
    assert refused["missing.jsonl"] == "no such file or folder"
    assert refused["style.css"].startswith("not a kind of file ingest reads")  # named, so refused
    assert [i.reason for i in items if isinstance(i, Skip)] == ["other kind of file (.css)"]
    assert [Path(_body(i)["url"]).name for i in items if isinstance(i, Record)] == ["ok.html"]


def write_warc(path: Path, gz: bool) -> None:
    """A crawl archive: two HTML pages (GBK and UTF-8), an image, a 404 and an undecodable page."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "test"}))

    def response(url: str, status: str, ctype: str, body: bytes) -> None:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2024-05-20T08:00:00Z"},
        )
        writer.write_record(record)

    response(
        "https://news.example.cn/a.html",
        "200 OK",
        "text/html; charset=GBK",
        PAGE.format(meta="").encode("gbk"),
    )
    response("https://news.example.cn/b.html", "200 OK", "text/html", PAGE.format(meta="").encode("utf-8"))
    response("https://news.example.cn/logo.png", "200 OK", "image/png", b"\x89PNG....")
    response("https://news.example.cn/gone.html", "404 Not Found", "text/html", b"<html>404</html>")
    response("https://news.example.cn/bad.html", "200 OK", "text/html; charset=utf-8", bytes(range(256)) * 4)
    path.write_bytes(buf.getvalue())


def test_warc_html_responses_become_articles_with_their_crawl_time(tmp_path: Path) -> None:
    for gz in (False, True):
        path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
        write_warc(path, gz)
        items = _read(path)
        records = [_body(i) for i in items if isinstance(i, Record)]
        assert [r["url"] for r in records] == [
            "https://news.example.cn/a.html",
            "https://news.example.cn/b.html",
        ]
        assert all(r["html"] == PAGE.format(meta="") for r in records)
        assert records[0]["fetched_at"] == "2024-05-20T08:00:00Z"
        assert sorted(i.reason for i in items if isinstance(i, Skip)) == ["HTTP 404", "not HTML (image/png)"]
        (refused,) = [i for i in items if isinstance(i, Refusal)]
        assert "bad.html" in refused.origin and "no charset fits" in refused.reason


def test_a_file_that_is_not_warc_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.warc").write_bytes(b"this is no archive\r\n\r\n")
    (item,) = _read(tmp_path / "x.warc")
    assert isinstance(item, Refusal) and "not a readable WARC file" in item.reason
