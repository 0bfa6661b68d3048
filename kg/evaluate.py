"""Scoring predictions against gold files with the matching rules of the development scorer.

Names are compared after NFKC, traditional→simplified folding, removal of whitespace, quotes
and middle dots, dash unification and lower-casing; a predicted entity matches an unused gold
entity whose canonical or any alias has the same normal form (and, strictly, the same type);
relations are compared as (subject, predicate, object) after mapping names to gold entities.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.normalise import detect_script, fold

from .errors import GbaKgError

__all__ = ["Counts", "Evaluation", "evaluate", "format_evaluation", "norm", "score_document"]

_DROP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉·•・]")
_DASH = re.compile(r"[‐‑‒–—―－~～]")


def norm(name: str) -> str:
    s = unicodedata.normalize("NFKC", name or "")
    s = fold(s)
    s = _DASH.sub("-", s)
    s = _DROP.sub("", s)
    return s.lower()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

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


@dataclass
class Evaluation:
    entities: Counts = field(default_factory=Counts)
    entities_untyped: Counts = field(default_factory=Counts)
    relations: Counts = field(default_factory=Counts)
    by_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_predicate: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_script: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    per_document: dict[str, Counts] = field(default_factory=dict)


def score_document(gold: dict[str, Any], pred: dict[str, Any], evaluation: Evaluation, script: str) -> None:
    """Add one document's counts to ``evaluation``."""
    gents = gold["entities"]
    name2g: dict[str, set[int]] = {}
    for i, e in enumerate(gents):
        for n in [e["canonical"], e.get("text", ""), *e.get("aliases_in_doc", [])]:
            if n:
                name2g.setdefault(norm(n), set()).add(i)
    doc_counts = Counts()
    for strict in (True, False):
        used: set[int] = set()
        counts = Counts()
        for pe in pred.get("entities", []):
            same_name = name2g.get(norm(pe.get("canonical", "")), set())
            candidates = [i for i in same_name if i not in used and (not strict or gents[i]["type"] == pe.get("type"))]
            if candidates:
                used.add(min(candidates))
                counts.tp += 1
                if strict:
                    evaluation.by_type[pe["type"]].tp += 1
            else:
                counts.fp += 1
                if strict:
                    evaluation.by_type[pe.get("type") or "?"].fp += 1
        counts.fn = len(gents) - counts.tp
        if strict:
            for i, e in enumerate(gents):
                if i not in used:
                    evaluation.by_type[e["type"]].fn += 1
            evaluation.entities.add(counts)
            doc_counts = counts
        else:
            evaluation.entities_untyped.add(counts)

    def gid(name: str) -> object:
        ids = name2g.get(norm(name))
        return min(ids) if ids else ("?", norm(name))

    gold_rel = {(gid(r["subject"]), r["predicate"], gid(r["object"])) for r in gold["relations"]}
    pred_rel = {
        (gid(r.get("subject", "")), r.get("predicate"), gid(r.get("object", "")))
        for r in pred.get("relations", [])
        if r.get("predicate") != "mentionedWith"
    }
    evaluation.relations.add(Counts(len(gold_rel & pred_rel), len(pred_rel - gold_rel), len(gold_rel - pred_rel)))
    for t in gold_rel | pred_rel:
        c = evaluation.by_predicate[str(t[1])]
        if t in gold_rel and t in pred_rel:
            c.tp += 1
        elif t in pred_rel:
            c.fp += 1
        else:
            c.fn += 1
    evaluation.by_script[script].add(doc_counts)
    evaluation.per_document[gold["doc"]] = doc_counts


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise GbaKgError(f"{path}: not a readable JSON file ({err})") from None
    if not isinstance(data, dict) or not {"doc", "entities", "relations"} <= set(data):
        raise GbaKgError(f"{path}: not in the gold format (needs doc, entities, relations)")
    return data


def _script_of(gold: dict[str, Any], corpus: Path | None) -> str:
    if corpus is not None and (corpus / gold["doc"]).is_file():
        return detect_script((corpus / gold["doc"]).read_text(encoding="utf-8"))
    return detect_script(" ".join(e.get("text", "") for e in gold["entities"]))


def evaluate(pred_dir: str | Path, gold_dir: str | Path, corpus: str | Path | None = None) -> Evaluation:
    """Micro-averaged scores of every gold document; a missing prediction counts as empty."""
    pred_path, gold_path = Path(pred_dir), Path(gold_dir)
    for folder in (pred_path, gold_path):
        if not folder.is_dir():
            raise GbaKgError(f"{folder}: folder not found")
    golds = [_read(p) for p in sorted(gold_path.glob("*.json"))]
    if not golds:
        raise GbaKgError(f"{gold_path}: no gold JSON files")
    preds = {}
    for p in sorted(pred_path.glob("*.json")):
        data = _read(p)
        preds[p.name] = data
        preds.setdefault(Path(data["doc"]).stem, data)
    corpus_path = Path(corpus) if corpus else gold_path.parent / "corpus"
    evaluation = Evaluation()
    for gold in golds:
        stem = Path(gold["doc"]).stem
        pred = preds.get(f"{stem}.json") or preds.get(stem) or {"entities": [], "relations": []}
        score_document(gold, pred, evaluation, _script_of(gold, corpus_path if corpus_path.is_dir() else None))
    return evaluation


def format_evaluation(evaluation: Evaluation) -> str:
    """Tables of P/R/F1 per class, per script, per predicate and overall."""

    def line(name: str, c: Counts) -> str:
        return f"  {name:26s} P={c.precision:.3f} R={c.recall:.3f} F1={c.f1:.3f}  (tp={c.tp} fp={c.fp} fn={c.fn})"

    out = ["entities by class (typed)"]
    out += [line(k, v) for k, v in sorted(evaluation.by_type.items())]
    out += ["entities by script (typed)"]
    out += [line(k, v) for k, v in sorted(evaluation.by_script.items())]
    out += ["relations by predicate"]
    out += [line(k, v) for k, v in sorted(evaluation.by_predicate.items())]
    out += ["overall"]
    out += [
        line("entity_typed", evaluation.entities),
        line("entity_untyped", evaluation.entities_untyped),
        line("relation", evaluation.relations),
    ]
    return "\n".join(out)
