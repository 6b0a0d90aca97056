"""Which partitions of `investment.facts` must hear of an article version.

A partition needs a version when the version states facts of its provinces, and when it holds
facts of the article from another version (so that a correction can withdraw them there). The
read agent keeps, per article, a footprint: the latest version it has routed, the partitions
that version states facts on, and every partition any version stated facts on. With it, each
partition hears of every version that matters to it and no other — one record per article and
touched partition instead of one per partition — and the ledger's rows stay those of sending
every version everywhere (tests/unit/test_footprint.py checks that on random histories).

It relies on every version of an article reaching the same read agent: `articles.raw` keyed by
url, as its contract says; a message keyed otherwise is sent to every partition.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from schemas.totals import ArticleVersion


class Footprint(BaseModel):
    """What the read agent remembers of one article (the footprints table's value)."""

    latest: ArticleVersion
    latest_partitions: list[int]
    ever: list[int]


@dataclass(frozen=True)
class Route:
    #: partitions that get this version's record (its facts there, or none)
    targets: frozenset[int]
    #: partitions that get the latest version's record, with no facts: they hear of this older
    #: version's facts and must also know it is not the latest
    shadowed: frozenset[int]
    footprint: Footprint


def route(footprint: Footprint | None, version: ArticleVersion, touched: set[int]) -> Route:
    """Where one version goes, and the footprint after it; the same answer again for a version
    routed before (a worker that crashed before its sends were acknowledged routes it again)."""
    if footprint is None:
        first = Footprint(latest=version, latest_partitions=sorted(touched), ever=sorted(touched))
        return Route(frozenset(touched), frozenset(), first)
    ever = set(footprint.ever) | touched
    if version.order() >= footprint.latest.order():
        return Route(
            frozenset(touched | set(footprint.ever)),
            frozenset(),
            Footprint(latest=version, latest_partitions=sorted(touched), ever=sorted(ever)),
        )
    return Route(
        frozenset(touched),
        frozenset(touched - set(footprint.latest_partitions)),
        Footprint(latest=footprint.latest, latest_partitions=footprint.latest_partitions, ever=sorted(ever)),
    )
