"""Which extractor read an event: the package version, a digest of the rules' code and data, and
the kind model's version. Consumers tell two rule sets apart by it."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata, resources

from extraction.kind_model import KindModel


@cache
def _rules_digest() -> str:
    """A digest of the extraction package's code and data files: what the rules are."""
    h = hashlib.sha256()
    root = resources.files("extraction")
    for entry in sorted(
        [p for p in root.iterdir() if p.name.endswith(".py")]
        + [p for p in root.joinpath("data").iterdir() if p.name.endswith((".toml", ".tsv", ".json", ".csv"))],
        key=lambda p: p.name,
    ):
        h.update(entry.name.encode())
        h.update(entry.read_bytes())
    return h.hexdigest()[:10]


def extractor_version(model: KindModel) -> str:
    """investwire's version, the digest of the rules, and the kind model's own version."""
    try:
        package = metadata.version("investwire")
    except metadata.PackageNotFoundError:
        package = "0+unknown"
    return f"{package}+{_rules_digest()}.{model.version}"
