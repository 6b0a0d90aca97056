"""Per-region running totals as a pure function of the facts the articles state.

The broker delivers at least once and workers crash and rebalance, so nothing here
depends on how often or in which order anything arrives:

- An article's state (`ArticleState`) is its latest version's facts plus the facts its
  earlier versions stated and it no longer does; `merge` builds it from any versions in any
  order, with any repeats, to the same result. A correction therefore replaces what an
  article said instead of adding to it.
- A fact stated by several articles (syndicated copies share a `fact_id`) counts once, as
  its most confident copy states it.
- A row adds exact integer fen, exists only while some fact fills it, and reports the
  period figure that is last by period end, then by its own content.
- Memory does not grow with history: a row is running sums that a fact's chosen copy changing
  moves (the old copy out, the new one in), so no update reads the row's other facts, and
  Python holds only the rows and the dirty set. Article states, copies, withdrawn facts and
  period figures are in an index, in memory or on disk (aggregation.index).

What adds up (EVENTS.md): `signing` and `project` events that are not `part_of` a counted
batch, confirmed when their confidence reaches `min_confidence`. A `period_stat` is a figure
to date: kept beside the sums, never added. Targets and pipelines do not touch totals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from aggregation.index import Index, MemoryIndex
from schemas.events import FLOW_KINDS, EventKind, InvestmentEvent, RegionRef
from schemas.topics import facts_partition
from schemas.totals import (
    ArticleFacts,
    ArticleVersion,
    Contribution,
    PeriodFigure,
    RegionTotal,
    to_fen,
    to_yuan,
)


def contribution_of(event: InvestmentEvent) -> Contribution | None:
    """What an event brings to the totals, or None when it brings nothing."""
    if event.metric is None or event.amount is None:
        return None
    flow = event.kind in FLOW_KINDS
    if flow and event.part_of:
        return None
    if not flow and (event.kind != EventKind.PERIOD_STAT or event.period is None):
        return None
    when = event.event_date or (event.period.end if event.period else None) or event.published_at
    return Contribution(
        fact_id=event.fact_id,
        flow=flow,
        metric=event.metric,
        regions=tuple(event.region_path or [event.region]),
        year=when.year if when else None,
        value_fen=to_fen(event.amount.value_cny),
        project_count=event.project_count or (1 if event.kind == EventKind.PROJECT else 0),
        confidence=event.confidence,
        period=event.period,
    )


def _preferred(c: Contribution) -> tuple[float, str]:
    """Of two copies of one fact the more confident one counts (then the content decides)."""
    return (-c.confidence, c.model_dump_json())


def article_facts(
    events: Iterable[InvestmentEvent],
    *,
    article_id: str,
    url: str,
    fetched_at: datetime | None,
    raw_offset: int,
    partitions: int,
) -> list[ArticleFacts]:
    """One version of an article for every partition of `investment.facts` (index = partition)."""
    facts: dict[str, Contribution] = {}
    for event in events:
        c = contribution_of(event)
        if c is not None and (c.fact_id not in facts or _preferred(c) < _preferred(facts[c.fact_id])):
            facts[c.fact_id] = c
    stated = sorted(facts.values(), key=lambda c: c.fact_id)
    version = ArticleVersion.of(fetched_at, raw_offset, stated)
    return [
        ArticleFacts(
            article_id=article_id,
            url=url,
            version=version,
            contributions=[c for c in stated if facts_partition(c.regions[0].code, partitions) == p],
        )
        for p in range(partitions)
    ]


class ArticleState(BaseModel):
    """What the ledger keeps of one article on one partition (the ledger table's value)."""

    article_id: str
    url: str
    version: ArticleVersion
    contributions: list[Contribution]
    #: every fact an earlier version stated → the row keys it touched there
    earlier: dict[str, list[str]]

    def withdrawn(self) -> dict[str, list[str]]:
        """The facts earlier versions stated and the latest does not."""
        stated = {c.fact_id for c in self.contributions}
        return {f: keys for f, keys in self.earlier.items() if f not in stated}


def merge(state: ArticleState | None, facts: ArticleFacts) -> ArticleState:
    """The state after one more version; the same for any order and repeats of the versions."""
    incoming = sorted(facts.contributions, key=lambda c: c.fact_id)
    if state is None:
        return ArticleState(
            article_id=facts.article_id,
            url=facts.url,
            version=facts.version,
            contributions=incoming,
            earlier={},
        )
    if facts.version == state.version:
        return state
    if facts.version.order() > state.version.order():
        latest, older, version = incoming, state.contributions, facts.version
    else:
        latest, older, version = state.contributions, incoming, state.version
    earlier = dict(state.earlier)
    for c in older:
        earlier[c.fact_id] = sorted(set(earlier.get(c.fact_id, [])) | set(c.row_keys()))
    return ArticleState(
        article_id=state.article_id,
        url=state.url,
        version=version,
        contributions=latest,
        earlier=dict(sorted(earlier.items())),
    )


#: Groups of the ledger's index: an article's state; a fact's copies (article → [confidence, JSON]);
#: the rows a fact was withdrawn from; and, per row key, its period figures ranked by `_figure`.
_STATES = b"a"
_COPIES = b"c"
_WITHDRAWN = b"w"
_FIGURES = b"p|"


class _Sums:
    """What the chosen copies of a row's facts add up to, moved by adding and subtracting a copy."""

    __slots__ = (
        "best",
        "confirmed",
        "events",
        "facts",
        "figures",
        "names",
        "projects",
        "unconfirmed",
        "unconfirmed_count",
    )

    def __init__(self) -> None:
        self.facts = self.figures = self.confirmed = self.projects = self.events = 0
        self.unconfirmed = self.unconfirmed_count = 0
        #: (name, level) of the row's region → how many facts name it so, and one of them
        self.names: dict[tuple[str, str], tuple[int, RegionRef]] = {}
        #: the greatest of the row's period figures (rank, PeriodFigure JSON); None when unknown
        self.best: tuple[bytes, bytes] | None = None

    def add(self, c: Contribution, region: RegionRef, sign: int, confirmed: bool) -> None:
        self.facts += sign
        name = (region.name, region.level)
        if count := self.names.get(name, (0, region))[0] + sign:
            self.names[name] = (count, region)
        else:
            del self.names[name]
        if not c.flow:
            self.figures += sign if c.period is not None else 0
        elif confirmed:
            self.confirmed += sign * c.value_fen
            self.projects += sign * c.project_count
            self.events += sign
        else:
            self.unconfirmed += sign * c.value_fen
            self.unconfirmed_count += sign

    def region(self) -> RegionRef:
        """The region as most of the row's facts name it (names differ only across gazetteers)."""
        if len(self.names) == 1:
            return next(iter(self.names.values()))[1]
        return min(self.names.items(), key=lambda n: (-n[1][0], n[0]))[1][1]


class _States(Mapping[str, ArticleState]):
    """The article states in an index, read as a mapping."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def __getitem__(self, article: str) -> ArticleState:
        raw = self._index.get(_STATES, article.encode())
        if raw is None:
            raise KeyError(article)
        return ArticleState.model_validate_json(raw)

    def __iter__(self) -> Iterator[str]:
        return (member.decode() for member, _ in self._index.members(_STATES))

    def __len__(self) -> int:
        return sum(1 for _ in self._index.members(_STATES))


class TotalsLedger:
    """The rows of one partition, kept in step with the states of its articles.

    What grows with history (article states, copies of facts, withdrawn facts, period figures)
    is in `index`, in memory or on disk (aggregation.index); held here is only what the rows
    bound: each row's running sums, moved when a fact's chosen copy changes (the old copy
    subtracted, the new one added), how many withdrawn facts make it revised, and `dirty`.

    `dirty` maps each row key changed since it was last sent to a generation number, so a
    row is forgotten only when the send of that very content succeeded (`sent`).
    """

    def __init__(self, min_confidence: float, index: Index | None = None) -> None:
        self.min_confidence = min_confidence
        self._index: Index = index if index is not None else MemoryIndex()
        self.articles: Mapping[str, ArticleState] = _States(self._index)
        self._sums: dict[str, _Sums] = {}  # row key → its sums, while some fact fills it
        self._revised: dict[str, int] = {}  # row key → facts withdrawn from it that no article states
        self.dirty: dict[str, int] = {}
        self._generation = 0

    @classmethod
    def of(
        cls, states: Iterable[ArticleState], min_confidence: float, index: Index | None = None
    ) -> TotalsLedger:
        """A ledger from stored states; every row (and every emptied row, as a tombstone) is dirty."""
        ledger = cls(min_confidence, index)
        for state in states:
            ledger.restore(state)
        return ledger

    def restore(self, state: ArticleState, stored: bytes | None = None) -> None:
        """Take the stored state of an article not taken yet (a rebuild streams the table here);
        `stored` is that state's JSON as the table holds it, kept as is rather than written again."""
        self._replace(None, state, stored)

    def apply(self, facts: ArticleFacts) -> ArticleState | None:
        """Take one article version; returns the article's new state, or None when nothing changed."""
        raw = self._index.get(_STATES, facts.article_id.encode())
        old = ArticleState.model_validate_json(raw) if raw is not None else None
        new = merge(old, facts)
        if new == old:
            return None
        self._replace(old, new)
        return new

    def close(self) -> None:
        """Let go of the index (one on disk is deleted)."""
        self._index.close()

    def _replace(self, old: ArticleState | None, new: ArticleState, stored: bytes | None = None) -> None:
        aid = new.article_id
        before = {c.fact_id: c for c in old.contributions} if old else {}
        after = {c.fact_id: c for c in new.contributions}
        for fact in sorted(before.keys() | after.keys()):
            if before.get(fact) != after.get(fact):
                self._set_copy(fact, aid, after.get(fact))
        for fact, keys in new.withdrawn().items():
            self._withdraw(fact, keys)
        self._index.put(
            _STATES, aid.encode(), stored if stored is not None else new.model_dump_json().encode()
        )

    def _set_copy(self, fact: str, article: str, copy: Contribution | None) -> None:
        member = fact.encode()
        raw = self._index.get(_COPIES, member)
        copies: dict[str, list[Any]] = json.loads(raw) if raw is not None else {}
        before = _chosen(copies)
        if copy is None:
            copies.pop(article, None)
        else:
            copies[article] = [copy.confidence, copy.model_dump_json()]
        after = _chosen(copies)
        if copies:
            self._index.put(_COPIES, member, json.dumps(copies).encode())
        else:
            self._index.delete(_COPIES, member)
        if (raw is not None) != bool(copies):
            self._restated(fact, bool(copies))
        if before == after:
            return
        if before is not None:
            self._count(Contribution.model_validate_json(before), -1)
        if after is not None:
            mine = copy is not None and after == copies[article][1]
            self._count(copy if mine and copy is not None else Contribution.model_validate_json(after), 1)

    def _count(self, c: Contribution, sign: int) -> None:
        """Add (sign 1) or subtract (-1) the chosen copy of a fact in each of its rows."""
        confirmed = c.confidence >= self.min_confidence
        figure = _figure(c)
        for key, region in _cells(c).items():
            sums = self._sums.get(key)
            if sums is None:
                sums = self._sums[key] = _Sums()
            sums.add(c, region, sign, confirmed)
            if not sums.facts:
                del self._sums[key]
            if figure is not None:
                self._file(key, sums, figure, sign)
            self._touch(key)

    def _file(self, key: str, sums: _Sums, figure: tuple[bytes, bytes], sign: int) -> None:
        """Put a period figure among its row's (sign 1) or take it out, minding the greatest: known
        while figures only come, looked up again in the index when it goes."""
        rank, value = figure
        if sign > 0:
            self._index.put(_FIGURES + key.encode(), rank, value)
            if sums.figures == 1 or (sums.best is not None and rank > sums.best[0]):
                sums.best = figure
        else:
            self._index.delete(_FIGURES + key.encode(), rank)
            if sums.best is not None and sums.best[0] == rank:
                sums.best = None

    def _withdraw(self, fact: str, keys: list[str]) -> None:
        """A later version dropped `fact`: the rows it counted in are revised while no article states it."""
        member = fact.encode()
        raw = self._index.get(_WITHDRAWN, member)
        known: list[str] = json.loads(raw) if raw is not None else []
        added = sorted(set(keys) - set(known))
        if added:
            self._index.put(_WITHDRAWN, member, json.dumps(sorted([*known, *added])).encode())
            if self._index.get(_COPIES, member) is None:
                for key in added:
                    self._revised[key] = self._revised.get(key, 0) + 1
        for key in keys:
            self._touch(key)

    def _restated(self, fact: str, stated: bool) -> None:
        """Some article states `fact` again, or none does any more: the rows it was withdrawn from follow."""
        raw = self._index.get(_WITHDRAWN, fact.encode())
        for key in json.loads(raw) if raw is not None else []:
            if count := self._revised.get(key, 0) + (-1 if stated else 1):
                self._revised[key] = count
            else:
                del self._revised[key]
            self._touch(key)

    def _touch(self, key: str) -> None:
        self._generation += 1
        self.dirty[key] = self._generation

    def rows(self) -> list[RegionTotal]:
        """Every row that exists, by key."""
        now = datetime.now(UTC)
        return [row for key in sorted(self._sums) if (row := self.row(key, now)) is not None]

    def row(self, key: str, now: datetime | None = None) -> RegionTotal | None:
        """The row of `key`, or None when no fact fills it."""
        sums = self._sums.get(key)
        if sums is None:
            return None
        _code, metric, year = key.split("|")
        if sums.figures and sums.best is None:
            sums.best = self._index.last(_FIGURES + key.encode())
        return RegionTotal(
            key=key,
            region=sums.region(),
            metric=metric,  # type: ignore[arg-type]
            year=year,
            amount_cny=to_yuan(sums.confirmed),
            project_count=sums.projects,
            event_count=sums.events,
            unconfirmed_cny=to_yuan(sums.unconfirmed),
            unconfirmed_count=sums.unconfirmed_count,
            reported=PeriodFigure.model_validate_json(sums.best[1]) if sums.figures and sums.best else None,
            revised=key in self._revised,
            updated_at=now or datetime.now(UTC),
        )

    def pending(self) -> list[tuple[str, int, RegionTotal | None]]:
        """The changed rows to send (None: delete the row), with the generation to confirm."""
        now = datetime.now(UTC)
        return [(key, gen, self.row(key, now)) for key, gen in sorted(self.dirty.items())]

    def sent(self, key: str, generation: int) -> None:
        """The row of `key` as of `generation` is on the topic: forget it unless it changed since."""
        if self.dirty.get(key) == generation:
            del self.dirty[key]


def _chosen(copies: dict[str, list[Any]]) -> str | None:
    """The JSON of the copy that counts: the most confident, then the content (as `_preferred`)."""
    return min(copies.values(), key=lambda cj: (-cj[0], cj[1]))[1] if copies else None


def _cells(c: Contribution) -> dict[str, RegionRef]:
    """The rows a copy counts in, each with the region of the chain that row is of."""
    keys = c.row_keys()  # as many for each region of the chain, in its order
    per_region = len(keys) // max(len(c.regions), 1)
    cells: dict[str, RegionRef] = {}
    for i, key in enumerate(keys):
        cells.setdefault(key, c.regions[i // per_region])
    return cells


_COMPLEMENT = str.maketrans("0123456789", "9876543210")


def _ordered(n: int) -> str:
    """An integer as text that sorts as the integer does: sign, length, then digits."""
    digits = str(abs(n))
    if n >= 0:
        return f"P{len(digits):04d}{digits}"
    return f"N{9999 - len(digits):04d}{digits.translate(_COMPLEMENT)}"


def _figure(c: Contribution) -> tuple[bytes, bytes] | None:
    """A period figure's place among a row's figures, and what the row reports when it is the
    greatest: the latest period end, then the longer span, then the larger figure, then fact_id."""
    if c.flow or c.period is None:
        return None
    p = c.period
    rank = (
        f"{p.end.isoformat()}{9_999_999 - p.start.toordinal():07d}"
        f"{_ordered(c.value_fen)}{_ordered(c.project_count)}{c.fact_id}"
    )
    figure = PeriodFigure(
        period=p, value_cny=to_yuan(c.value_fen), project_count=c.project_count or None, fact_id=c.fact_id
    )
    exact = {**figure.model_dump(mode="json"), "value_cny": str(figure.value_cny)}  # JSON has floats
    return rank.encode(), json.dumps(exact, ensure_ascii=False).encode()
