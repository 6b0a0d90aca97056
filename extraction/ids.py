"""Deterministic ids: the same article and fact give the same id on any machine."""

from __future__ import annotations

import hashlib


def _digest(*parts: object, size: int) -> str:
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:size]


def article_id(url: str) -> str:
    return _digest("article", url.strip(), size=16)


def event_id(article: str, *fact: object) -> str:
    return _digest("event", article, *fact, size=24)


def fact_id(*fact: object) -> str:
    """The fact without its article, so syndicated copies of one report share it."""
    return _digest("fact", *fact, size=24)
