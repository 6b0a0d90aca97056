"""Pure extraction: article in, investment events out. No broker, no I/O beyond its data files."""

from extraction.article import ArticleTooLongError, EmptyArticleError, UnreadableArticleError, to_article
from extraction.extractor import Extractor

__all__ = ["ArticleTooLongError", "EmptyArticleError", "Extractor", "UnreadableArticleError", "to_article"]
