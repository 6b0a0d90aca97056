"""Every topic investwire reads or writes, declared once: name, key, value model, partitions, config.

The app, `ensure_topics`, the readers, the sinks and the compose file's topic creation
(`python -m streams.admin`) all take topics from here.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from schemas.articles import RawArticle
from schemas.deadletter import DEADLETTER_MAX_BYTES, DeadLetter
from schemas.events import InvestmentEvent
from schemas.totals import ArticleFacts, RegionTotal

#: Largest record on the article topics (a crawled page; ingest refuses more, see the settings).
ARTICLE_MAX_BYTES = 10_485_760


@dataclass(frozen=True)
class TopicSpec:
    name: str
    key: str
    value: type[BaseModel] | None
    description: str
    config: dict[str, str] = field(default_factory=dict)
    #: fixed partition count; None: INVESTWIRE_PARTITIONS
    partitions: int | None = None

    @property
    def compacted(self) -> bool:
        return self.config.get("cleanup.policy") == "compact"

    @property
    def max_bytes(self) -> int:
        return int(self.config.get("max.message.bytes", 1_048_576))


RAW = TopicSpec(
    "articles.raw",
    key="url",
    value=RawArticle,
    description="crawled pages as sent by crawlers; anything that is not a valid RawArticle "
    "is refused to articles.deadletter",
    config={"max.message.bytes": str(ARTICLE_MAX_BYTES)},
)
EVENTS = TopicSpec(
    "investment.events",
    key="event_id",
    value=InvestmentEvent,
    description="one record per investment event (EVENTS.md), deterministic ids",
)
FACTS = TopicSpec(
    "investment.facts",
    key="article_id",
    value=ArticleFacts,
    description="article versions with the facts of the provinces a partition owns (facts_partition), "
    "on every partition the version states facts on or an earlier version did; what the totals "
    "ledger reads",
)
TOTALS = TopicSpec(
    "investment.totals",
    key="REGION_CODE|METRIC|YEAR",
    value=RegionTotal,
    description="running totals per region, metric and year; the last record per key is the state, "
    "a null value deletes the row",
    config={"cleanup.policy": "compact", "min.cleanable.dirty.ratio": "0.1"},
)
DEADLETTER = TopicSpec(
    "articles.deadletter",
    key="source key",
    value=DeadLetter,
    description="refused input with the stage and the reason",
    config={"max.message.bytes": str(DEADLETTER_MAX_BYTES), "retention.ms": "-1"},
)
PROBE = TopicSpec(
    "investwire.probe",
    key="none",
    value=None,
    description="a few records written at each worker start to learn how the broker answers ListOffsets",
    partitions=1,
)

TOPICS: dict[str, TopicSpec] = {spec.name: spec for spec in (RAW, EVENTS, FACTS, TOTALS, DEADLETTER, PROBE)}

#: The Faust table of the totals ledger; its changelog is `changelog_topic(app_id)`.
LEDGER_TABLE = "totals-ledger"
#: The read agent's Faust table of where each article's versions went (aggregation.footprint),
#: partitioned like articles.raw.
FOOTPRINTS_TABLE = "footprints"


def changelog_topic(app_id: str) -> str:
    """Faust's name for the ledger table's changelog."""
    return f"{app_id}-{LEDGER_TABLE}-changelog"


def facts_partition(region_code: str, partitions: int) -> int:
    """The partition of `investment.facts`, and so the worker, that owns a province's rows."""
    return zlib.crc32(region_code[:2].encode()) % partitions


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
        if spec.value is not None
    }
