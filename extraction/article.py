"""A crawler's raw record → a validated Article with its main text."""

from __future__ import annotations

from datetime import date, datetime

from extraction.html import html_to_text, looks_like_html
from extraction.ids import article_id
from schemas.articles import Article, RawArticle

#: The longest main text the extractor reads; a longer page is refused whole, never cut.
MAX_TEXT_CHARS = 100_000


class UnreadableArticleError(ValueError):
    """The page cannot be read as an article; the reason says why (it goes to the dead letters)."""


class EmptyArticleError(UnreadableArticleError):
    """The page has no main text to read (an empty page, or HTML with no article in it)."""


class ArticleTooLongError(UnreadableArticleError):
    """The main text is longer than the extractor reads (a dump, not an article)."""


def check_length(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ArticleTooLongError(
            f"main text has {len(text):,} characters; the extractor reads at most {MAX_TEXT_CHARS:,}"
        )


def to_article(raw: RawArticle) -> Article:
    """Main text from `text`, or from `html` through trafilatura; metadata from both."""
    title, published = raw.title, raw.published_at
    text = raw.text or ""
    if not text.strip() or looks_like_html(text):
        html_text, html_title, html_date = html_to_text(raw.html or text)
        text = html_text
        title = title or html_title
        if published is None and html_date:
            try:
                published = date.fromisoformat(html_date[:10])
            except ValueError:
                published = None
    if not text.strip():
        raise EmptyArticleError("no main text found in the page")
    check_length(text)
    if isinstance(published, datetime):
        published = published.date()
    return Article(
        article_id=article_id(raw.url),
        url=raw.url,
        title=title,
        source=raw.source,
        published_at=published,
        fetched_at=raw.fetched_at,
        text=text,
    )
