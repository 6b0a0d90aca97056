"""The records on every investwire topic, and the one place that declares the topics."""

from schemas.articles import Article, RawArticle, RejectedInput, parse_raw_article
from schemas.deadletter import DeadLetter
from schemas.events import (
    Amount,
    EventKind,
    InvestmentEvent,
    Investor,
    Metric,
    Period,
    RegionRef,
)
from schemas.topics import TOPICS, TopicSpec, json_schemas
from schemas.totals import PeriodFigure, RegionTotal

__all__ = [
    "TOPICS",
    "Amount",
    "Article",
    "DeadLetter",
    "EventKind",
    "InvestmentEvent",
    "Investor",
    "Metric",
    "Period",
    "PeriodFigure",
    "RawArticle",
    "RegionRef",
    "RegionTotal",
    "RejectedInput",
    "TopicSpec",
    "json_schemas",
    "parse_raw_article",
]
