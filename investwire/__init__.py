"""investwire: Chinese investment-promotion news in, investment events and per-region totals out.

The public names live here; the modules behind them can move.
"""

from aggregation import TotalsLedger, contribution_of
from extraction import EmptyArticleError, Extractor, UnreadableArticleError, to_article
from schemas import (
    TOPICS,
    Article,
    DeadLetter,
    InvestmentEvent,
    RawArticle,
    RegionTotal,
    json_schemas,
    parse_raw_article,
)

__all__ = [
    "TOPICS",
    "Article",
    "DeadLetter",
    "EmptyArticleError",
    "Extractor",
    "InvestmentEvent",
    "RawArticle",
    "RegionTotal",
    "TotalsLedger",
    "UnreadableArticleError",
    "contribution_of",
    "json_schemas",
    "parse_raw_article",
    "to_article",
]
