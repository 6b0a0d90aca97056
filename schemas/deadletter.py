"""What `articles.deadletter` holds: the refused payload, where and why it was refused."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field


class DeadLetter(BaseModel):
    stage: str = Field(description="the agent that refused the message: normalize, extract, totals")
    reason: str
    source_topic: str
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    payload: str = Field(description="the original bytes, as UTF-8 text or base64")
    payload_encoding: Literal["utf-8", "base64"]
    payload_bytes: int
    failed_at: datetime

    @classmethod
    def wrap(
        cls,
        payload: bytes | None,
        *,
        stage: str,
        reason: str,
        source_topic: str,
        partition: int | None = None,
        offset: int | None = None,
        key: bytes | str | None = None,
    ) -> DeadLetter:
        """Keep the payload byte for byte: UTF-8 text when it decodes, base64 otherwise."""
        raw = payload or b""
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = base64.b64encode(raw).decode("ascii"), "base64"
        if isinstance(key, bytes):
            key = key.decode("utf-8", errors="replace")
        return cls(
            stage=stage,
            reason=reason,
            source_topic=source_topic,
            partition=partition,
            offset=offset,
            key=key,
            payload=text,
            payload_encoding=encoding,  # type: ignore[arg-type]
            payload_bytes=len(raw),
            failed_at=datetime.now(UTC),
        )

    def original(self) -> bytes:
        """The payload as it was received."""
        if self.payload_encoding == "base64":
            return base64.b64decode(self.payload)
        return self.payload.encode("utf-8")
