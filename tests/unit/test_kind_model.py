"""The kind model: a probability over kinds, and a weights file that the fitting script reproduces."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from extraction.kind_model import kind_model
from extraction.scope import feature_names
from tests.conftest import needs_shared


def test_probabilities_over_every_kind() -> None:
    model = kind_model()
    assert set(model.kinds) == {"signing", "project", "period_stat", "target", "pipeline"}
    probs = model.probabilities({"occasion_at": 1.0, "sign_verb": 1.0, "count_many": 1.0})
    assert abs(sum(probs.values()) - 1.0) < 1e-9
    assert model.decide({"occasion_at": 1.0, "sign_verb": 1.0, "count_many": 1.0})[0] == "signing"
    assert 0.0 < model.event_confidence({"kind_logit": 2.0}) < 1.0


def test_weights_name_only_known_features() -> None:
    names = set(feature_names())
    for linear in kind_model().by_kind.values():
        assert set(linear.weights) <= names


def test_the_checked_in_weights_are_what_the_fit_gives(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    shared = needs_shared("eval", "score.py").parents[1]
    from training.fit_kind_model import main

    out = tmp_path / "kind_model.json"
    assert main(["--shared", str(shared), "--out", str(out)]) == 0
    fitted = json.loads(out.read_text(encoding="utf-8"))
    shipped = json.loads(resources.files("extraction").joinpath("data/kind_model.json").read_text("utf-8"))
    pairs = [(fitted["by_kind"][k], shipped["by_kind"][k]) for k in shipped["kinds"]]
    pairs.append((fitted["confidence"], shipped["confidence"]))
    for got, want in pairs:
        assert abs(got["intercept"] - want["intercept"]) < 2e-3
        for name in set(want["weights"]) | set(got["weights"]):
            assert abs(got["weights"].get(name, 0.0) - want["weights"].get(name, 0.0)) < 2e-3, name
