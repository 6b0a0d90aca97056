import json
from pathlib import Path

from connectors.sources.files import read_records


def test_jsonl_lines_pass_through_and_pages_are_wrapped(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"url": "u1", "text": "x"}\nnot json\n\n', encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("正文", encoding="utf-8")
    (tmp_path / "sub" / "c.html").write_text("<p>正文</p>", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x", encoding="utf-8")
    records = list(read_records([tmp_path]))
    assert [r.key for r in records] == [b"u1", b"a.jsonl:2", b"file:b.txt", b"file:c.html"]
    assert records[1].value == b"not json"  # refused downstream, with its reason, not here
    assert json.loads(records[2].value) == {"url": "file:b.txt", "text": "正文"}
    assert json.loads(records[3].value)["html"] == "<p>正文</p>"
