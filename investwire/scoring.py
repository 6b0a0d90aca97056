"""Score the extractor on annotated articles, by the rules of EVENTS.md ("How it is scored").

Gold lines: {"url", "events": [...], "optional": [...]}, each event with kind, metric,
value, currency, project_count, region (a code) and part_of.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction import Extractor, UnreadableArticleError, to_article
from schemas import RejectedInput, parse_raw_article

TOLERANCE = 0.005
FLOW_KINDS = {"signing", "project"}


def _flat(e: dict[str, Any]) -> dict[str, Any]:
    amount = e.get("amount") or {}
    value = amount.get("value", e.get("value")) if isinstance(amount, dict) else amount
    region = e.get("region")
    if isinstance(region, dict):
        region = region.get("code")
    return {
        "kind": e.get("kind"),
        "metric": e.get("metric"),
        "value": float(value) if value is not None else None,
        "currency": (
            (amount.get("currency") if isinstance(amount, dict) else None) or e.get("currency") or "CNY"
        )
        if value is not None
        else None,
        "project_count": e.get("project_count"),
        "region": str(region) if region else None,
        "part_of": bool(e.get("part_of")),
    }


def _matches(g: dict[str, Any], p: dict[str, Any]) -> bool:
    if g["metric"] != p["metric"]:
        return False
    if g["value"] is None:
        return (
            p["value"] is None and g["project_count"] is not None and g["project_count"] == p["project_count"]
        )
    if p["value"] is None or g["currency"] != p["currency"]:
        return False
    return abs(p["value"] - g["value"]) <= TOLERANCE * abs(g["value"])


def _affinity(g: dict[str, Any], p: dict[str, Any]) -> int:
    return (
        2 * (g["kind"] == p["kind"])
        + ((p["region"] or "")[:4] == (g["region"] or "")[:4])
        + (g["project_count"] == p["project_count"])
    )


def _match(
    golds: list[dict[str, Any]], preds: list[dict[str, Any]]
) -> tuple[list[tuple[Any, Any]], list[Any]]:
    free = list(range(len(preds)))
    pairs = []
    for g in golds:
        best = None
        for i in free:
            if _matches(g, preds[i]) and (best is None or _affinity(g, preds[i]) > _affinity(g, preds[best])):
                best = i
        if best is not None:
            free.remove(best)
            pairs.append((g, preds[best]))
    return pairs, [preds[i] for i in free]


def _totals(events: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for e in events:
        if (
            e["kind"] in FLOW_KINDS
            and e["metric"] == "total_investment"
            and not e["part_of"]
            and e["value"] is not None
            and e["currency"] == "CNY"
        ):
            out[(e["region"] or "")[:2]] += e["value"]
    return out


@dataclass
class Report:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    kind_ok: int = 0
    province_ok: int = 0
    part_of_ok: int = 0
    total_error: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> str:
        tp = self.tp or 1
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}\n"
            f"among matched: kind {self.kind_ok / tp:.3f}  province {self.province_ok / tp:.3f}  "
            f"part_of {self.part_of_ok / tp:.3f}\n"
            f"per-province total_investment error (signing+project, not part_of): {self.total_error:.3f}"
        )


def score(gold_lines: list[dict[str, Any]], predicted: dict[str, list[dict[str, Any]]]) -> Report:
    report = Report()
    gold_flow: list[dict[str, Any]] = []
    pred_flow: list[dict[str, Any]] = []
    for g in gold_lines:
        req = [_flat(e) for e in g.get("events", [])]
        opt = [_flat(e) for e in g.get("optional", [])]
        preds = [_flat(e) for e in predicted.get(g["url"], [])]
        pairs, rest = _match(req, preds)
        _, spurious = _match(opt, rest)
        report.tp += len(pairs)
        report.fn += len(req) - len(pairs)
        report.fp += len(spurious)
        for ge, pe in pairs:
            report.kind_ok += ge["kind"] == pe["kind"]
            report.province_ok += (ge["region"] or "")[:2] == (pe["region"] or "")[:2]
            report.part_of_ok += ge["part_of"] == pe["part_of"]
        matched = [id(ge) for ge, _ in pairs]
        for ge in req:
            if id(ge) not in matched:
                report.misses.append(f"{g['url']}  missed    {ge}")
        for pe in spurious:
            report.misses.append(f"{g['url']}  spurious  {pe}")
        gold_flow += req
        pred_flow += preds
    gt, pt = _totals(gold_flow), _totals(pred_flow)
    denom = sum(gt.values()) or 1.0
    report.total_error = sum(abs(pt.get(k, 0.0) - gt.get(k, 0.0)) for k in set(gt) | set(pt)) / denom
    return report


def verdicts(gold_line: dict[str, Any], predicted: list[dict[str, Any]]) -> list[bool]:
    """For each predicted event of one article: right (it matches a gold event, required or
    optional, of the same kind and province) or wrong (spurious, or another kind or province)."""
    flat = [_flat(e) for e in predicted]
    req = [_flat(e) for e in gold_line.get("events", [])]
    opt = [_flat(e) for e in gold_line.get("optional", [])]
    pairs, rest = _match(req, flat)
    more, _ = _match(opt, rest)
    gold_of = {id(p): g for g, p in pairs + more}
    out: list[bool] = []
    for p in flat:
        g = gold_of.get(id(p))
        if g is None:
            out.append(False)
        else:
            out.append(g["kind"] == p["kind"] and (g["region"] or "")[:2] == (p["region"] or "")[:2])
    return out


def score_articles(gold: Path, articles: Path, extractor: Extractor | None = None) -> Report:
    extractor = extractor or Extractor()
    predicted: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with articles.open("rb") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                article = to_article(parse_raw_article(line.rstrip(b"\r\n"), 4_000_000))
            except (RejectedInput, UnreadableArticleError):
                continue
            predicted[article.url] += [e.model_dump(mode="json") for e in extractor.extract(article)]
    gold_lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    return score(gold_lines, predicted)
