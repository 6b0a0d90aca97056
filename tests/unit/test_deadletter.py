"""Dead letters keep the payload whole when it fits, and otherwise its start, digest and reference."""

from __future__ import annotations

import hashlib
import os

import pytest

from schemas import DeadLetter
from schemas.topics import DEADLETTER


@pytest.mark.parametrize(
    "payload",
    [os.urandom(3_999_000), ("投资" * 700_000).encode(), b"\x00" * 3_000_000, b"\xff" * 10],
    ids=["binary", "chinese", "control-characters", "small-binary"],
)
def test_a_letter_always_fits_the_dead_letter_topic(payload: bytes) -> None:
    letter = DeadLetter.wrap(
        payload,
        stage="normalize",
        reason="r" * 10_000,
        source_topic="articles.raw",
        offset=7,
        key=b"k" * 9_999,
    )
    assert len(letter.model_dump_json().encode()) <= DEADLETTER.max_bytes
    assert letter.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert letter.payload_bytes == len(payload) and letter.offset == 7
    assert payload.startswith(letter.original())
    assert letter.payload_truncated == (len(letter.original()) < len(payload))


def test_a_payload_that_fits_is_kept_byte_for_byte() -> None:
    payload = "签约项目3个".encode() + b"\xfe"
    letter = DeadLetter.wrap(payload, stage="normalize", reason="not UTF-8", source_topic="articles.raw")
    assert letter.original() == payload and not letter.payload_truncated
    assert letter.payload_encoding == "base64"
