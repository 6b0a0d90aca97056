"""The kind of a figure, and how sure to be of an event, from fitted weights.

`data/kind_model.json` is written by training/fit_kind_model.py from the annotated articles:
a multinomial logistic regression over the scope features (extraction/scope.py) whose classes
are the event kinds (money that is no investment event at all is ruled out before, by the
context rules of lexicon.toml that EVENTS.md decides), and a second logistic regression that
turns the kind's probability and how the region was found into the probability that the event
is right (kind and province). Reading it is a dot product: pure, fast, deterministic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Linear:
    """One class's weights: intercept plus a weight per named feature (absent features weigh 0)."""

    intercept: float
    weights: dict[str, float]

    def score(self, features: dict[str, float]) -> float:
        w = self.weights
        return self.intercept + sum(v * w.get(k, 0.0) for k, v in features.items())


@dataclass(frozen=True)
class KindModel:
    kinds: tuple[str, ...]
    by_kind: dict[str, Linear]
    confidence: Linear
    version: str
    _columns: dict[str, tuple[float, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = {n for lin in self.by_kind.values() for n in lin.weights}
        columns = {n: tuple(self.by_kind[k].weights.get(n, 0.0) for k in self.kinds) for n in names}
        object.__setattr__(self, "_columns", columns)  # every kind's weight of a feature, in one look-up

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        scores = [self.by_kind[k].intercept for k in self.kinds]
        columns = self._columns
        for name, value in features.items():
            column = columns.get(name)
            if column is not None:
                scores = [s + value * w for s, w in zip(scores, column, strict=True)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {k: e / total for k, e in zip(self.kinds, exp, strict=True)}

    def decide(
        self, features: dict[str, float], ruled_out: frozenset[str] = frozenset()
    ) -> tuple[str, dict[str, float]]:
        """The most probable kind not ruled out (ties go to the first listed), with the
        probabilities renormalized over the kinds left."""
        probs = self.probabilities(features)
        left = [k for k in self.kinds if k not in ruled_out] or list(self.kinds)
        total = sum(probs[k] for k in left)
        probs = {k: (probs[k] / total if k in left else 0.0) for k in self.kinds}
        best = max(left, key=lambda k: (probs[k], -self.kinds.index(k)))
        return best, probs

    def event_confidence(self, features: dict[str, float]) -> float:
        """P(the event is right), from the calibration fitted on held-out articles."""
        return 1.0 / (1.0 + math.exp(-self.confidence.score(features)))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KindModel:
        def linear(d: dict[str, Any]) -> Linear:
            return Linear(float(d["intercept"]), {k: float(v) for k, v in d["weights"].items()})

        return cls(
            kinds=tuple(data["kinds"]),
            by_kind={k: linear(data["by_kind"][k]) for k in data["kinds"]},
            confidence=linear(data["confidence"]),
            version=str(data["version"]),
        )

    @classmethod
    def load(cls, path: Path) -> KindModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


@cache
def kind_model() -> KindModel:
    """The model that ships with the package."""
    text = resources.files("extraction").joinpath("data/kind_model.json").read_text(encoding="utf-8")
    return KindModel.from_json(json.loads(text))
