"""Fit the kind model (extraction/data/kind_model.json) from the annotated articles, and say
honestly how well it does on articles it was not fitted on.

    python training/fit_kind_model.py [--shared ../shared] [--out extraction/data/kind_model.json]

Every amount the extractor's rules keep is an example: its scope features (extraction/scope.py)
and, as label, the kind of the gold event (required or optional) with the same amount; amounts
the answers do not have are left out (the context rules decide what is no event). A multinomial
logistic regression fits the kind weights; its regularization is chosen by cross-validation with
the folds split by article. Then:

- cross-validated kind accuracy per set (folds by article);
- leave one set out: weights fitted on seeds + dev and scored on dev2 by the event scorer, and
  weights fitted on dev2 scored on seeds and dev (the rules were read on every open set, so this
  measures the weights, not the rules);
- confidence: a second logistic regression, fitted on events extracted from held-out articles,
  turns the kind's probability and how the region was read into P(the event is right); the
  calibration table (confidence bin → share right) is itself cross-fitted.

Writes the weights file (data, checked in) and prints every figure. Needs scikit-learn.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from extraction import Extractor, to_article
from extraction.candidates import Candidate, ruled_out
from extraction.confidence import confidence_features
from extraction.kind_model import KindModel
from extraction.scope import feature_names, priors
from investwire.scoring import Report, score, verdicts
from schemas import parse_raw_article
from schemas.articles import Article
from schemas.events import RegionRef

KINDS = ("signing", "project", "period_stat", "target", "pipeline")
SETS = {
    "seeds": ("seeds/articles.jsonl", "gold/seeds.jsonl"),
    "dev": ("dev/articles.jsonl", "dev/gold.jsonl"),
    "dev2": ("dev2/articles.jsonl", "dev2/gold.jsonl"),
}
#: The project's own annotated cases (texts written for investwire), also used by the unit tests.
OWN_CASES = tuple(sorted((Path(__file__).resolve().parents[1] / "tests/fixtures").glob("*_cases.jsonl")))
LEAVE_ONE_OUT = (
    (("seeds", "dev"), ("dev2",)),
    (("seeds", "dev", "ours"), ("dev2",)),
    (("dev2",), ("seeds", "dev")),
)
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
FOLDS = 5
TOLERANCE = 0.005
BINS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


@dataclass
class AnnotatedSet:
    name: str
    articles: list[Article]
    gold: dict[str, dict[str, Any]]


@dataclass
class Examples:
    urls: list[str] = field(default_factory=list)
    sets: list[str] = field(default_factory=list)
    rows: list[dict[str, float]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def matrix(self, names: tuple[str, ...]) -> np.ndarray:
        return np.array([[row.get(n, 0.0) for n in names] for row in self.rows])


def load_set(shared: Path, name: str) -> AnnotatedSet:
    articles_path, gold_path = SETS[name]
    articles = [
        to_article(parse_raw_article(line.encode(), 10**8))
        for line in (shared / articles_path).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    gold = {
        g["url"]: g
        for g in (json.loads(line) for line in (shared / gold_path).read_text(encoding="utf-8").splitlines())
    }
    return AnnotatedSet(name, articles, gold)


def load_own_cases(paths: tuple[Path, ...] = OWN_CASES) -> AnnotatedSet:
    cases = [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    articles = [to_article(parse_raw_article(json.dumps(c["article"]).encode(), 10**8)) for c in cases]
    gold = {c["article"]["url"]: {"url": c["article"]["url"], "events": c["expected"]} for c in cases}
    return AnnotatedSet("ours", articles, gold)


def label_of(c: Candidate, gold_line: dict[str, Any] | None) -> str | None:
    """The kind of the gold event with this amount (required first, then the same metric first)."""
    if gold_line is None:
        return None
    best: tuple[int, str] | None = None
    for rank, key in enumerate(("events", "optional")):
        for g in gold_line.get(key, []):
            value = g.get("value")
            if value is None or (g.get("currency") or "CNY") != c.money.currency:
                continue
            if abs(c.money.value - value) <= TOLERANCE * abs(value):
                order = 2 * rank + (g.get("metric") != c.metric)
                if best is None or order < best[0]:
                    best = (order, g["kind"])
    return best[1] if best else None


def examples_of(extractor: Extractor, sets: list[AnnotatedSet]) -> Examples:
    ex = Examples()
    for s in sets:
        for a in s.articles:
            for c in extractor.candidates(a):
                label = label_of(c, s.gold.get(a.url))
                if label is None:
                    continue
                ex.urls.append(a.url)
                ex.sets.append(s.name)
                ex.rows.append(c.features)
                ex.labels.append(label)
    return ex


class SoftmaxFit:
    """Multinomial logistic regression whose L2 penalty is centred on prior weights, not on zero:
    minimises -Σ log p(yᵢ | xᵢ) + ‖W - W₀‖² / (2C) by L-BFGS (deterministic). With W₀ = 0 it is the
    usual ridge-penalised fit; the intercepts are not penalised."""

    def __init__(self, x: np.ndarray, y: list[str], c_value: float, prior: np.ndarray | None) -> None:
        self.classes_ = np.array(sorted(set(y)), dtype=object)
        k, f = len(self.classes_), x.shape[1]
        w0 = np.zeros((k, f)) if prior is None else prior[[KINDS.index(c) for c in self.classes_]]
        onehot = np.zeros((len(y), k))
        onehot[np.arange(len(y)), [list(self.classes_).index(v) for v in y]] = 1.0

        def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = theta[: k * f].reshape(k, f), theta[k * f :]
            z = x @ w.T + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            nll = -float(np.sum(onehot * np.log(np.maximum(p, 1e-300))))
            diff = w - w0
            g = p - onehot
            grad_w = g.T @ x + diff / c_value
            return nll + float(np.sum(diff * diff)) / (2 * c_value), np.concatenate(
                [grad_w.ravel(), g.sum(0)]
            )

        start = np.concatenate([w0.ravel(), np.zeros(k)])
        res = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 20000, "gtol": 1e-9})
        self.coef_ = res.x[: k * f].reshape(k, f)
        self.intercept_ = res.x[k * f :]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.coef_.T + self.intercept_
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return np.asarray(p / p.sum(axis=1, keepdims=True))


def prior_matrix(names: tuple[str, ...]) -> np.ndarray:
    table = priors()
    return np.array([[table.get(n, {}).get(k, 0.0) for n in names] for k in KINDS])


@dataclass(frozen=True)
class Choice:
    """How to fit: the penalty's strength, and whether it is centred on the priors."""

    c: float
    prior: np.ndarray | None

    def __str__(self) -> str:
        return f"C={self.c:g} {'around the priors' if self.prior is not None else 'around zero'}"


def fit_kinds(x: np.ndarray, y: list[str], choice: Choice) -> SoftmaxFit:
    return SoftmaxFit(x, y, choice.c, choice.prior)


def kinds_json(model: SoftmaxFit, names: tuple[str, ...]) -> dict[str, Any]:
    by_kind = {}
    classes = list(model.classes_)
    for kind in KINDS:
        if kind in classes:
            i = classes.index(kind)
            weights = {
                n: round(float(w), 4) for n, w in zip(names, model.coef_[i], strict=True) if abs(w) >= 5e-5
            }
            by_kind[kind] = {"intercept": round(float(model.intercept_[i]), 4), "weights": weights}
        else:  # a kind no example shows can never win
            by_kind[kind] = {"intercept": -50.0, "weights": {}}
    return by_kind


def as_model(by_kind: dict[str, Any], confidence: dict[str, Any] | None = None) -> KindModel:
    return KindModel.from_json(
        {
            "kinds": list(KINDS),
            "by_kind": by_kind,
            "confidence": confidence or {"intercept": 0.0, "weights": {"kind_logit": 1.0}},
            "version": "fitting",
        }
    )


def grouped_folds(urls: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(urls)), groups=urls))


def cv_log_loss(
    x: np.ndarray, y: list[str], urls: list[str], rows: list[dict[str, float]], choice: Choice
) -> tuple[float, np.ndarray]:
    """Held-out log-loss and held-out predictions, folds split by article."""
    pred = np.empty(len(y), dtype=object)
    loss = 0.0
    ya = np.array(y, dtype=object)
    for train, test in grouped_folds(urls):
        m = fit_kinds(x[train], list(ya[train]), choice)
        probs = m.predict_proba(x[test])
        classes = list(m.classes_)
        for row, j in zip(probs, test, strict=True):
            p = row[classes.index(y[j])] if y[j] in classes else 1e-6
            loss -= float(np.log(max(p, 1e-6)))
        for row, j in zip(probs, test, strict=True):  # the extractor's decision, kinds ruled out aside
            out = ruled_out(rows[j])
            pred[j] = max((c for c in classes if c not in out), key=lambda c: row[classes.index(c)])
    return loss / len(y), pred


class RecordingExtractor(Extractor):
    """The extractor, keeping the confidence features of every event it builds (in order)."""

    def __init__(self, model: KindModel) -> None:
        super().__init__(model=model)
        self.recorded: list[dict[str, float]] = []

    def _confidence(self, c: Candidate, region: RegionRef) -> float:
        self.recorded.append(confidence_features(c, region))
        return super()._confidence(c, region)


def run(
    extractor: Extractor, s: AnnotatedSet, urls: set[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    predicted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in s.articles:
        if urls is None or a.url in urls:
            predicted[a.url] += [e.model_dump(mode="json") for e in extractor.extract(a)]
    return predicted


def score_with(model: KindModel, s: AnnotatedSet) -> Report:
    return score(list(s.gold.values()), run(Extractor(model=model), s))


def describe(r: Report) -> str:
    tp = r.tp or 1
    return (
        f"F1 {r.f1:.3f} (P {r.precision:.3f} R {r.recall:.3f})  kind {r.kind_ok / tp:.3f}  "
        f"province {r.province_ok / tp:.3f}  part_of {r.part_of_ok / tp:.3f}  total error {r.total_error:.3f}"
    )


def held_out_events(
    sets: list[AnnotatedSet], ex: Examples, x: np.ndarray, names: tuple[str, ...], choice: Choice
) -> tuple[list[dict[str, float]], list[bool], list[int]]:
    """Events extracted from each fold's articles by weights fitted on the other folds, with their
    confidence features, whether each is right, and its fold."""
    feats: list[dict[str, float]] = []
    right: list[bool] = []
    fold_of: list[int] = []
    all_urls = sorted({a.url for s in sets for a in s.articles})
    url_folds = list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(all_urls)), groups=all_urls))
    ya = np.array(ex.labels, dtype=object)
    for k, (_, test_idx) in enumerate(url_folds):
        test_urls = {all_urls[i] for i in test_idx}
        train = np.array([u not in test_urls for u in ex.urls])
        model = as_model(kinds_json(fit_kinds(x[train], list(ya[train]), choice), names))
        rec = RecordingExtractor(model)
        for s in sets:
            predicted = run(rec, s, test_urls)
            for url, events in predicted.items():
                right += verdicts(s.gold.get(url, {"url": url}), events)
                fold_of += [k] * len(events)
        feats += rec.recorded
    return feats, right, fold_of


def fit_confidence(feats: list[dict[str, float]], right: list[bool]) -> dict[str, Any]:
    names = sorted({k for f in feats for k in f})
    x = np.array([[f.get(n, 0.0) for n in names] for f in feats])
    m = LogisticRegression(C=1.0, max_iter=20000, tol=1e-8).fit(x, right)
    weights = {n: round(float(w), 4) for n, w in zip(names, m.coef_[0], strict=True) if abs(w) >= 5e-5}
    return {"intercept": round(float(m.intercept_[0]), 4), "weights": weights}


def calibration_table(feats: list[dict[str, float]], right: list[bool], fold_of: list[int]) -> list[str]:
    """Confidence of each held-out event from a calibrator fitted on the other folds' events."""
    conf = []
    for k in sorted(set(fold_of)):
        train = [i for i, f in enumerate(fold_of) if f != k]
        cal = as_model(
            {kind: {"intercept": 0.0, "weights": {}} for kind in KINDS},
            fit_confidence([feats[i] for i in train], [right[i] for i in train]),
        )
        conf += [(i, cal.event_confidence(feats[i])) for i, f in enumerate(fold_of) if f == k]
    lines = ["confidence bin   events  right  share right"]
    for lo, hi in itertools.pairwise(BINS):
        inside = [right[i] for i, c in conf if lo <= c < hi]
        if inside:
            share = sum(inside) / len(inside)
            lines.append(f"[{lo:.1f}, {min(hi, 1.0):.1f})     {len(inside):6d} {sum(inside):6d}  {share:.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "extraction/data/kind_model.json"
    )
    a = ap.parse_args(argv)
    sets = [load_set(a.shared, n) for n in SETS] + [load_own_cases()]
    names = feature_names()
    ex = examples_of(Extractor(), sets)
    x = ex.matrix(names)
    print(f"examples {len(ex.labels)}: {dict(sorted(Counter(ex.labels).items()))}")

    choices = [Choice(c, p) for p in (None, prior_matrix(names)) for c in C_GRID]
    losses = [cv_log_loss(x, ex.labels, ex.urls, ex.rows, ch) for ch in choices]
    for ch, (loss, _) in zip(choices, losses, strict=True):
        print(f"held-out log-loss, {ch}: {loss:.3f}")
    best = min(range(len(choices)), key=lambda i: losses[i][0])
    c_best = choices[best]
    print(f"chosen: {c_best}")
    pred = losses[best][1]
    for name in [*SETS, "ours"]:
        idx = [i for i, s in enumerate(ex.sets) if s == name]
        ok = sum(pred[i] == ex.labels[i] for i in idx)
        print(f"cross-validated kind accuracy, {name}: {ok / len(idx):.3f} ({ok}/{len(idx)})")

    ya = np.array(ex.labels, dtype=object)
    by_set = {s.name: s for s in sets}
    for train_sets, test_sets in LEAVE_ONE_OUT:
        train = np.array([s in train_sets for s in ex.sets])
        model = as_model(kinds_json(fit_kinds(x[train], list(ya[train]), c_best), names))
        for t in test_sets:
            figures = describe(score_with(model, by_set[t]))
            print(f"weights from {'+'.join(train_sets)} only (rules read on every set), on {t}: {figures}")

    feats, right, fold_of = held_out_events(sets, ex, x, names, c_best)
    print(f"held-out events {len(right)}, right {sum(right)}")
    print("\n".join(calibration_table(feats, right, fold_of)))

    by_kind = kinds_json(fit_kinds(x, ex.labels, c_best), names)
    confidence = fit_confidence(feats, right)
    body = {"kinds": list(KINDS), "by_kind": by_kind, "confidence": confidence}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:10]
    a.out.write_text(
        json.dumps({**body, "version": digest}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    )
    final = KindModel.load(a.out)
    for s in sets:
        print(f"in sample, {s.name}: {describe(score_with(final, s))}")
    print(f"wrote {a.out} (version {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
