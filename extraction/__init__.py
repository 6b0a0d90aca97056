"""Pure extraction: article in, investment events out. No broker, no I/O beyond its data files."""

from extraction.article import EmptyArticleError, to_article
from extraction.extractor import Extractor

__all__ = ["EmptyArticleError", "Extractor", "to_article"]
