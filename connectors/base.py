"""The two shapes every connector has: a Source of articles for `articles.raw`, and a Sink that
keeps what investwire publishes somewhere else.

A new connector is one class; `connectors.ingest.send` and `connectors.sinks.runner.run_sink`
do the broker work (batching, acknowledgements, offsets) for all of them alike.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Record:
    """One message for `articles.raw`: its key, its bytes, and where it came from."""

    key: bytes
    value: bytes
    origin: str

    @staticmethod
    def article(origin: str, url: str, **fields: str | None) -> Record:
        """The `articles.raw` message of one page (keyed by its url); None fields are left out."""
        body = {"url": url, **{k: v for k, v in fields.items() if v is not None}}
        return Record(url.encode(), json.dumps(body, ensure_ascii=False).encode(), origin)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Something a source found but could not make into a message, and why (shown, never dropped)."""

    origin: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skip:
    """Something that is not an article and was not meant to be one (a stylesheet beside the
    pages, a WARC response that is an image): counted in the summary, not refused."""

    origin: str
    reason: str


class Source(ABC):
    """Where articles come from (files, a crawl archive, …)."""

    @abstractmethod
    def read(self) -> Iterator[Record | Refusal | Skip]:
        """Every article as the message a crawler would send; what cannot be one is a Refusal
        with its reason rather than an exception, so one bad item never stops the rest."""


@dataclass(frozen=True, slots=True)
class Message:
    """One record read from a topic, with its place there."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: int


class Sink(ABC):
    """Where published records go. The runner calls `write` with batches and commits their
    offsets only after it returns, so a sink must write all of a batch or raise, and writing a
    batch again must change nothing (after a crash the same records come again). Records it
    cannot store at all (not a valid record) it returns with the reason, for the dead-letter topic."""

    #: the topics whose records this sink keeps
    topics: tuple[str, ...]

    async def open(self) -> None:  # noqa: B027 - optional hook
        """Connect and prepare (create tables, …) before the first batch."""

    @abstractmethod
    async def write(self, batch: Sequence[Message]) -> Sequence[tuple[Message, str]]:
        """Store the batch, or raise to have it read and written again after a pause; returns
        the records refused, each with its reason."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release what `open` took."""
