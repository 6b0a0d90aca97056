"""What `articles.deadletter` holds: the refused payload, where and why it was refused.

A letter always fits the dead-letter topic: a payload too large to travel whole is cut,
and the letter keeps its SHA-256 and where to find the original (topic, partition, offset).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

#: Longest reason and key kept; an exception's text can quote the whole input.
MAX_REASON_CHARS = 2_000
MAX_KEY_CHARS = 1_024
#: Largest dead letter: Kafka's default limit, so a letter fits any broker.
DEADLETTER_MAX_BYTES = 1_048_576


class DeadLetter(BaseModel):
    stage: str = Field(description="the agent that refused the message: normalize, extract, totals")
    reason: str
    source_topic: str
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    payload: str = Field(description="the original bytes (or their start, when truncated), UTF-8 or base64")
    payload_encoding: Literal["utf-8", "base64"]
    payload_bytes: int = Field(description="size of the original payload")
    payload_sha256: str = Field(description="digest of the original payload")
    payload_truncated: bool = Field(
        default=False, description="the payload is a prefix; the original is at source_topic/partition/offset"
    )
    failed_at: datetime

    @classmethod
    def wrap(
        cls,
        payload: bytes | None,
        *,
        stage: str,
        reason: str,
        source_topic: str,
        max_bytes: int = DEADLETTER_MAX_BYTES,
        partition: int | None = None,
        offset: int | None = None,
        key: bytes | str | None = None,
    ) -> DeadLetter:
        """Keep the payload byte for byte (UTF-8 text when it decodes, base64 otherwise) when the
        letter's JSON fits in `max_bytes`, else the longest prefix that does."""
        raw = payload or b""
        if isinstance(key, bytes):
            key = key.decode("utf-8", errors="replace")
        letter = cls(
            stage=stage,
            reason=reason[:MAX_REASON_CHARS],
            source_topic=source_topic,
            partition=partition,
            offset=offset,
            key=key[:MAX_KEY_CHARS] if key is not None else None,
            payload="",
            payload_encoding="utf-8",
            payload_bytes=len(raw),
            payload_sha256=hashlib.sha256(raw).hexdigest(),
            failed_at=datetime.now(UTC),
        )
        empty = _size(letter)
        budget = max_bytes - empty - 1  # "true" is one byte shorter than "false"
        keep = len(raw)
        while True:
            text, encoding = _encode(raw[:keep], cut_allowed=keep < len(raw))
            candidate = letter.model_copy(
                update={"payload": text, "payload_encoding": encoding, "payload_truncated": keep < len(raw)}
            )
            size = _size(candidate) - empty
            if size <= budget or keep == 0:
                return candidate
            keep = min(keep - 1, keep * budget // (size + 1))

    def original(self) -> bytes:
        """The payload as it was received (its start, when `payload_truncated`)."""
        if self.payload_encoding == "base64":
            return base64.b64decode(self.payload)
        return self.payload.encode("utf-8")


def _size(letter: DeadLetter) -> int:
    return len(letter.model_dump_json().encode("utf-8"))


def _encode(raw: bytes, cut_allowed: bool) -> tuple[str, Literal["utf-8", "base64"]]:
    """UTF-8 text when the bytes decode (a prefix may drop a character it cut), base64 otherwise."""
    for cut in range(4 if cut_allowed else 1):
        try:
            return raw[: len(raw) - cut].decode("utf-8"), "utf-8"
        except UnicodeDecodeError as e:
            if e.start < len(raw) - 3:
                break
    return base64.b64encode(raw).decode("ascii"), "base64"
