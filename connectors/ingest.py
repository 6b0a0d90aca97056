"""Any Source into `articles.raw`: records are sent (and counted once acknowledged), refusals and
skips are kept with their reasons for the summary a person reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from connectors.base import Record, Refusal, Source
from connectors.sources.kafka_producer import produce


@dataclass
class Summary:
    """What one ingest did: sent, refused (each with its reason) and skipped (counted by reason)."""

    sent: int = 0
    refused: list[Refusal] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        """One line for the terminal: `sent 12, refused 2 (empty page ×2), skipped 1 (HTTP 404 ×1)`."""
        parts = [f"sent {self.sent}", f"refused {len(self.refused)}"]
        reasons = Counter(r.reason for r in self.refused)
        if reasons:
            parts[-1] += f" ({_counts(reasons)})"
        if self.skipped:
            parts.append(f"skipped {sum(self.skipped.values())} ({_counts(self.skipped)})")
        return ", ".join(parts)


def _counts(c: Counter[str], most: int = 5) -> str:
    shown = [f"{reason} ×{n}" for reason, n in c.most_common(most)]
    return "; ".join(shown + ([f"{len(c) - most} more reasons"] if len(c) > most else []))


async def send(
    broker: str,
    source: Source,
    on_sent: Callable[[Record], None] | None = None,
    on_refused: Callable[[Refusal], None] | None = None,
) -> Summary:
    """Send every record of `source`; refusals of the source and of the broker alike end in
    `Summary.refused` and pass through `on_refused` as they happen."""
    summary = Summary()

    def refuse(refusal: Refusal) -> None:
        summary.refused.append(refusal)
        if on_refused:
            on_refused(refusal)

    def records() -> Iterator[Record]:
        for item in source.read():
            if isinstance(item, Record):
                yield item
            elif isinstance(item, Refusal):
                refuse(item)
            else:
                summary.skipped[item.reason] += 1

    summary.sent, _ = await produce(
        broker,
        records(),
        on_sent=on_sent,
        on_refused=lambda record, e: refuse(Refusal(record.origin, f"{type(e).__name__}: {e}")),
    )
    return summary
