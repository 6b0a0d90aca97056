"""Pure aggregation: the facts articles state in, per-region running totals out."""

from aggregation.ledger import ArticleState, TotalsLedger, article_facts, contribution_of, merge

__all__ = ["ArticleState", "TotalsLedger", "article_facts", "contribution_of", "merge"]
