"""What a crawler sends (`articles.raw`) and what the normalizer makes of it for the extractor (`Article`)."""

from __future__ import annotations

import json
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

#: Upper bound for one article's text or HTML; a crawler that sends more sends no article.
MAX_ARTICLE_CHARS = 1_000_000


class RawArticle(BaseModel):
    """One crawled page as it enters `articles.raw` (keyed by url)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    url: str = Field(min_length=1, max_length=4096)
    text: str | None = Field(default=None, max_length=MAX_ARTICLE_CHARS)
    html: str | None = Field(default=None, max_length=MAX_ARTICLE_CHARS)
    title: str | None = None
    source: str | None = None
    published_at: datetime | date | None = None
    fetched_at: datetime | None = None

    @field_validator("url", "text", "html", "title", "source", mode="before")
    @classmethod
    def _strings_only(cls, v: object) -> object:
        """Refuse numbers and lists where text belongs, instead of silently str()-ing them."""
        if v is not None and not isinstance(v, str):
            raise ValueError(f"must be a string, got {type(v).__name__}")
        return v

    @model_validator(mode="after")
    def _has_content(self) -> RawArticle:
        if not (self.text and self.text.strip()) and not (self.html and self.html.strip()):
            raise ValueError("article has no text and no html")
        return self


class Article(BaseModel):
    """A validated article: its main text as found (HTML already reduced to the article) and metadata.

    Evidence offsets of the events point into `text`; the extractor normalizes it
    (Simplified, half-width) itself, keeping the map back.
    """

    article_id: str
    url: str
    title: str | None = None
    source: str | None = None
    published_at: date | None = None
    fetched_at: datetime | None = None
    text: str = Field(min_length=1)


class RejectedInput(ValueError):
    """A raw message that is not an article, with the reason a person can act on."""


def parse_raw_article(payload: bytes | None, max_bytes: int) -> RawArticle:
    """Bytes from `articles.raw` → RawArticle, or RejectedInput saying exactly what is wrong."""
    if not payload:
        raise RejectedInput("empty message")
    if len(payload) > max_bytes:
        raise RejectedInput(f"message of {len(payload):,} bytes exceeds the limit of {max_bytes:,} bytes")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RejectedInput(f"not UTF-8 text: {e.reason} at byte {e.start}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise RejectedInput(f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(data, dict):
        raise RejectedInput(f"not a JSON object but a JSON {type(data).__name__}")
    try:
        return RawArticle.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'article'}: {err['msg']}" for err in e.errors()
        )
        raise RejectedInput(f"invalid article: {problems}") from None
