"""Cross-validation by document of the learned entity model, scored by the gold scorer.

    .venv/bin/python benchmarks/entity_cv.py [--folds 5] [--seed 0] [--max-iterations 150] [--set GOLD:DOCS ...]
        [--override components.gbakg_resolver.min_confidence=0.3 ...] [--keep DIR]

The training documents (by default the seed gold and ``devset/train``; never a test split) are dealt
into folds with the seed; for each fold a model is trained on the others and the held-out documents
are extracted with the whole pipeline and scored with ``../shared/gold/score.py`` (strict types).
Prints each fold's typed entity P/R/F1, the mean typed F1 over folds, and the micro scores of all
held-out documents together (typed, untyped, per type).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.documents import read_document  # noqa: E402
from extract.gold import to_gold  # noqa: E402
from extract.pipeline import build_nlp, extract_document  # noqa: E402
from extract.training import TRAINING_SETS, folds, load_annotated, train_model  # noqa: E402

SCORER = ROOT.parent / "shared" / "gold" / "score.py"


def _score(pred: Path, gold: Path, *extra: str) -> str:
    command = [sys.executable, str(SCORER), str(pred), "--gold", str(gold), *extra]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _value(text: str) -> object:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return text
    return tuple(value) if isinstance(value, list) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-iterations", type=int, default=150)
    parser.add_argument("--set", action="append", default=[], help="GOLD_DIR:DOCS_DIR (repeatable)")
    parser.add_argument("--override", action="append", default=[], help="pipeline setting=JSON value (repeatable)")
    parser.add_argument("--keep", type=Path, help="keep models and predictions in this folder")
    args = parser.parse_args()
    sets = [tuple(Path(p) for p in s.split(":", 1)) for s in args.set] or list(TRAINING_SETS)
    if any("test" in part for pair in sets for p in pair for part in p.parts):
        parser.error("a test split is for measuring only")
    overrides = tuple((k, _value(v)) for k, v in (o.split("=", 1) for o in args.override))
    where = {}
    for gold_dir, docs_dir in sets:
        for g in sorted(Path(gold_dir).glob("*.json")):
            where[g.stem] = (g, Path(docs_dir) / json.loads(g.read_text(encoding="utf-8"))["doc"])
    started = time.perf_counter()
    docs = load_annotated(sets)  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        all_pred, all_gold = base / "pred", base / "gold"
        for p in (all_pred, all_gold):
            p.mkdir(parents=True, exist_ok=True)
        f1s = []
        for i, held in enumerate(folds(docs, args.folds, args.seed)):
            rest = [d for d in docs if d not in held]
            model = train_model(rest, base / f"model{i}.bin", seed=args.seed, params={"max_iterations": args.max_iterations})
            nlp = build_nlp("", str(model), overrides)
            pred, gold = base / f"fold{i}" / "pred", base / f"fold{i}" / "gold"
            for p in (pred, gold):
                p.mkdir(parents=True, exist_ok=True)
            for d in held:
                gold_path, doc_path = where[d.doc_id]
                text = json.dumps(to_gold(extract_document(read_document(doc_path), nlp=nlp)), ensure_ascii=False)
                for folder in (pred, all_pred):
                    (folder / f"{d.doc_id}.json").write_text(text, encoding="utf-8")
                for folder in (gold, all_gold):
                    (folder / gold_path.name).write_text(gold_path.read_text(encoding="utf-8"), encoding="utf-8")
            typed = json.loads(_score(pred, gold, "--json"))["micro"]["entity_typed"]
            f1s.append(typed["f1"])
            names = ", ".join(d.doc_id for d in held)
            print(f"fold {i}: typed entity P={typed['p']:.3f} R={typed['r']:.3f} F1={typed['f1']:.3f}  ({names})")
        print(f"mean typed entity F1 over {args.folds} folds: {sum(f1s) / len(f1s):.3f}")
        print("all held-out documents together:")
        print(_score(all_pred, all_gold, "--by-type"))
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
