"""Pure aggregation: the facts articles state in, per-region running totals out."""

from aggregation.index import Index, MemoryIndex, RocksIndex, ledger_index
from aggregation.ledger import ArticleState, TotalsLedger, article_facts, contribution_of, merge

__all__ = [
    "ArticleState",
    "Index",
    "MemoryIndex",
    "RocksIndex",
    "TotalsLedger",
    "article_facts",
    "contribution_of",
    "ledger_index",
    "merge",
]
