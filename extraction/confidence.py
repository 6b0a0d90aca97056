"""What says how sure to be of an event, as the features of the calibrated confidence model."""

from __future__ import annotations

import math

from extraction.candidates import Candidate
from schemas.events import RegionRef


def confidence_features(c: Candidate, region: RegionRef) -> dict[str, float]:
    """What says how sure to be of an event: its kind's probability, how its region was read."""
    p = min(max(c.probs.get(c.kind, 0.0), 1e-4), 1 - 1e-4)
    return {
        # a kind set by a linking rule has no probability of the model's own
        "kind_logit": math.log(p / (1 - p)) if c.kind_from == "model" else 0.0,
        "kind_by_rule": 1.0 if c.kind_from == "rule" else 0.0,
        f"kind_{c.kind}": 1.0,
        f"region_via_{c.region_via or 'unknown'}": 1.0,
        f"region_level_{region.level}": 1.0,
        "part_of": 1.0 if c.part_of is not None else 0.0,
        "approx": 1.0 if c.money.approx else 0.0,
    }
