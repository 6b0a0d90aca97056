"""Pure aggregation: investment events in, per-region running totals out."""

from aggregation.ledger import Contribution, TotalsLedger, contribution_of

__all__ = ["Contribution", "TotalsLedger", "contribution_of"]
