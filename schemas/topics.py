"""Every topic investwire reads or writes: name, key, value model, partitions, compaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from schemas.articles import Article, RawArticle
from schemas.deadletter import DeadLetter
from schemas.events import InvestmentEvent
from schemas.totals import RegionTotal


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str
    value: type[BaseModel]
    compacted: bool = False
    internal: bool = False
    description: str = ""


TOPICS: dict[str, TopicSpec] = {
    spec.name: spec
    for spec in (
        TopicSpec(
            "articles.raw",
            key="url",
            value=RawArticle,
            description="crawled pages as sent by crawlers; anything that is not a valid RawArticle "
            "is refused to articles.deadletter",
        ),
        TopicSpec(
            "articles.normalized",
            key="article_id",
            value=Article,
            internal=True,
            description="validated articles with their main text, simplified and half-width",
        ),
        TopicSpec(
            "investment.events",
            key="event_id",
            value=InvestmentEvent,
            description="one record per investment event (EVENTS.md), deterministic ids",
        ),
        TopicSpec(
            "investment.totals",
            key="REGION_CODE|METRIC|YEAR",
            value=RegionTotal,
            compacted=True,
            description="running totals per region, metric and year; the last record per key is the state",
        ),
        TopicSpec(
            "articles.deadletter",
            key="source key",
            value=DeadLetter,
            description="refused input with the stage and the reason",
        ),
    )
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every topic's records, for downstream consumers."""
    return {
        name: {
            "topic": name,
            "key": spec.key,
            "compacted": spec.compacted,
            "description": spec.description,
            "value": spec.value.model_json_schema(),
        }
        for name, spec in TOPICS.items()
    }


RAW = TOPICS["articles.raw"]
EVENTS = TOPICS["investment.events"]
TOTALS = TOPICS["investment.totals"]
DEADLETTER = TOPICS["articles.deadletter"]
