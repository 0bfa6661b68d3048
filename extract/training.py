"""Training the entity model on annotated documents: gold projected onto the text, features, CRF.

    gbakg train [--gold DIR:DOCS ...] [--out FILE] [--seed N]

The training documents are the seed corpus with its gold and the devset's train split (never its
test split). Cross-validation is by document.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .crf import Labeled, bio_tags, char_features, line_ranges, project_gold

__all__ = ["TRAINING_SETS", "Annotated", "cross_validate", "load_annotated", "train_and_record", "train_model"]

_SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
TRAINING_SETS: tuple[tuple[Path, Path], ...] = (
    (_SHARED / "gold", _SHARED / "corpus"),
    (_SHARED / "devset" / "train" / "gold", _SHARED / "devset" / "train" / "docs"),
)
AUGMENT: tuple[str, ...] = ("known",)
DEFAULT_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True}


@dataclass
class Annotated:
    """One annotated document as the model sees it: folded text, rule candidates, gold spans."""

    doc_id: str
    text: str
    candidates: list[tuple[int, int, str, str]]
    gold: list[Labeled]
    lac: list[str] | None = None

    def items(self, without: tuple[str, ...] = ()) -> Iterator[tuple[list[list[str]], list[str]]]:
        """Each line's features and gold tags (``without``: leave out the candidates of these rules)."""
        candidates = [c for c in self.candidates if not c[3].startswith(without)] if without else self.candidates
        rows = char_features(self.text, candidates, self.lac)
        for s, e in line_ranges(self.text):
            yield rows[s:e], bio_tags(e - s, self.gold, s)


def rule_candidates(path: str | Path, data_file: str = "") -> tuple[str, list[tuple[int, int, str, str]]]:
    """The folded text of a document and the candidates of the rule recognisers in it."""
    from .components import candidates
    from .documents import read_document
    from .pipeline import prepare_doc, rule_stages

    raw = read_document(path)
    doc = prepare_doc(raw, data_file)
    for proc in rule_stages(data_file):
        doc = proc(doc)
    text = doc.text
    return text, [(c.start_char, c.end_char, c.label, c.rule) for c in candidates(doc)]


def load_annotated(sets: Sequence[tuple[Path, Path]] = TRAINING_SETS, data_file: str = "") -> list[Annotated]:
    """Every annotated document of the training sets (gold folder, documents folder)."""
    from .crf import lac_marks
    from .normalise import fold
    from .pipeline import build_nlp

    with_lac = bool(build_nlp(data_file).config["components"]["gbakg_model"]["lac"])
    out = []
    for gold_dir, docs_dir in sets:
        for gold_path in sorted(Path(gold_dir).glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            doc_path = Path(docs_dir) / gold["doc"]
            text, cands = rule_candidates(doc_path, data_file)
            names = []
            for ent in gold["entities"]:
                for name in {ent["text"], *ent.get("aliases_in_doc", [])}:
                    names.append((fold(name), ent["type"]))
            lac = lac_marks(text) if with_lac else None
            out.append(Annotated(gold_path.stem, text, cands, project_gold(text, names), lac))
    return out


def train_model(
    docs: Sequence[Annotated],
    out: str | Path,
    *,
    seed: int = 0,
    params: dict[str, Any] | None = None,
    augment: tuple[str, ...] = AUGMENT,
) -> Path:
    """Train the CRF on ``docs`` (in a seeded order) and write it to ``out``; each document is seen a
    second time without the candidates of the rules in ``augment`` (the known-entity gazetteer), so the
    model also learns to find names without them (``--data none``, names no data file holds)."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.select("lbfgs")
    trainer.set_params({**DEFAULT_PARAMS, **(params or {})})
    order = sorted(docs, key=lambda d: d.doc_id)
    random.Random(seed).shuffle(order)
    for doc in order:
        for xseq, yseq in doc.items():
            trainer.append(xseq, yseq)
        if augment:
            for xseq, yseq in doc.items(without=augment):
                trainer.append(xseq, yseq)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return out


def folds(docs: Sequence[Annotated], k: int, seed: int) -> list[list[Annotated]]:
    order = sorted(docs, key=lambda d: d.doc_id)
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def cross_validate(docs: Sequence[Annotated], k: int = 5, *, seed: int = 0, params: dict[str, Any] | None = None) -> list[Any]:
    """Span-level P/R/F1 per fold (exact start, end and type), training on the other folds."""
    import tempfile

    from .crf import Tagger

    results = []
    parts = folds(docs, k, seed)
    for i, held in enumerate(parts):
        rest = [d for j, part in enumerate(parts) if j != i for d in part]
        with tempfile.TemporaryDirectory() as tmp:
            model = train_model(rest, Path(tmp) / "m.bin", seed=seed, params=params)
            tagger = Tagger(model)
            tp = fp = fn = 0
            for d in held:
                pred = {(s.start, s.end, s.type) for s in tagger.spans(d.text, d.candidates)}
                gold = {tuple(g) for g in d.gold}
                tp += len(pred & gold)
                fp += len(pred - gold)
                fn += len(gold - pred)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        results.append((i, [d.doc_id for d in held], p, r, 2 * p * r / (p + r) if p + r else 0.0))
    return results


def train_and_record(
    out: str | Path,
    *,
    sets: Sequence[tuple[Path, Path]] = TRAINING_SETS,
    seed: int = 0,
    data_file: str = "",
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Train the shipped model from the annotated sets and write it with a JSON record beside it
    (``<out>.json``: the documents and their SHA-256, the seed, the parameters, the feature version)."""
    import hashlib

    from .crf import FEATURES_VERSION

    docs = load_annotated(sets, data_file)
    model = train_model(docs, out, seed=seed, params=params)
    used = []
    for gold_dir, docs_dir in sets:
        for gold_path in sorted(Path(gold_dir).glob("*.json")):
            doc_name = json.loads(gold_path.read_text(encoding="utf-8"))["doc"]
            digest = hashlib.sha256((Path(docs_dir) / doc_name).read_bytes()).hexdigest()
            used.append({"gold": gold_path.name, "document": doc_name, "sha256": digest})
    record = {
        "model": model.name,
        "features": FEATURES_VERSION,
        "seed": seed,
        "params": {**DEFAULT_PARAMS, **(params or {})},
        "data_file": data_file or "extract/data/known_entities.tsv",
        "documents": used,
        "characters": sum(len(d.text) for d in docs),
        "gold_spans": sum(len(d.gold) for d in docs),
    }
    Path(str(out) + ".json").write_text(json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return record
