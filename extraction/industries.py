"""Industry categories of a project or batch, from the taxonomy in data/industries.tsv."""

from __future__ import annotations

from functools import cache
from importlib import resources

from extraction.trie import Trie


@cache
def _automaton() -> tuple[Trie, tuple[str, ...]]:
    text = resources.files("extraction").joinpath("data/industries.tsv").read_text(encoding="utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln and not ln.startswith("#")][1:]
    order = tuple(category for category, _ in rows)
    trie = Trie()
    for category, keywords in rows:
        for kw in keywords.split("|"):
            if kw:
                trie.add(kw, category)
    return trie.build(), order


def categories() -> tuple[str, ...]:
    return _automaton()[1]


def tag_industries(text: str) -> list[str]:
    """Categories whose keywords occur in `text`, in taxonomy order."""
    auto, order = _automaton()
    found = {category for _, _, category in auto.iter(text)}
    return [c for c in order if c in found]
