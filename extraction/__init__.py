"""Pure extraction: article in, investment events out. No broker, no clock; no I/O beyond its
data files and the gazetteer it keeps in the user's own cache directory."""

from extraction.article import ArticleTooLongError, EmptyArticleError, UnreadableArticleError, to_article
from extraction.extractor import Extractor

__all__ = ["ArticleTooLongError", "EmptyArticleError", "Extractor", "UnreadableArticleError", "to_article"]
