"""Main text of an HTML page: the article, without navigation, link lists and footers."""

from __future__ import annotations

import logging
import re

logging.getLogger("trafilatura").setLevel(logging.ERROR)
_LOOKS_LIKE_HTML = re.compile(r"<(?:html|body|div|p|article|span|table|head)\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text[:5000]))


def html_to_text(html: str) -> tuple[str, str | None, str | None]:
    """(main text, title, published date as YYYY-MM-DD) of a page; empty text when none is found.

    trafilatura is imported here, on the first page: a fifth of a second of start-up that input
    already in text never needs.
    """
    import trafilatura

    text = (
        trafilatura.extract(
            html, include_comments=False, include_tables=True, include_links=False, favor_precision=True
        )
        or ""
    )
    meta = trafilatura.extract_metadata(html)
    title = meta.title if meta is not None else None
    date = meta.date if meta is not None else None
    if title and text and not text.startswith(title):
        text = f"{title}\n{text}"
    return text, title, date
