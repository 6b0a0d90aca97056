"""Speed work must not change what the extractor says: its output on the shared sets, byte for
byte, has the digest recorded in tests/fixtures/extraction_digests.json.

A deliberate change of the rules or weights records new digests:
    INVESTWIRE_RECORD_DIGESTS=1 .venv/bin/python -m pytest tests/unit/test_extraction_digest.py
(the events themselves are not kept: they quote the shared articles).
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from extraction import Extractor, UnreadableArticleError, to_article
from schemas import RejectedInput, parse_raw_article
from tests.conftest import FIXTURES, needs_shared

DIGESTS = FIXTURES / "extraction_digests.json"
SETS = {name: (name, "articles.jsonl") for name in ("seeds", "dev", "dev2")}


def digest_of(extractor: Extractor, lines: list[bytes]) -> str:
    h = hashlib.sha256()
    for line in lines:
        try:
            article = to_article(parse_raw_article(line, 4_000_000))
        except (RejectedInput, UnreadableArticleError) as e:
            h.update(f"refused {e}\n".encode())
            continue
        for event in extractor.extract(article):
            h.update(event.model_dump_json(exclude={"extractor_version"}).encode() + b"\n")
    return h.hexdigest()


@pytest.mark.parametrize("name", list(SETS))
def test_output_on_the_shared_sets_is_unchanged(name: str, extractor: Extractor) -> None:
    path = needs_shared(*SETS[name])
    lines = [ln for ln in path.read_bytes().splitlines() if ln.strip()]
    got = digest_of(extractor, lines)
    recorded = json.loads(DIGESTS.read_text("utf-8")) if DIGESTS.exists() else {}
    if os.environ.get("INVESTWIRE_RECORD_DIGESTS"):
        recorded[name] = got
        DIGESTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert recorded.get(name) == got, f"the extractor's output on {name} changed"
