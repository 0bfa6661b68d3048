import json
import subprocess
import sys

from kg.evaluate import evaluate, format_evaluation

from .conftest import CORPUS, GOLD


def test_eval_agrees_with_the_reference_scorer(tmp_path):
    from kg.cli import main

    try:
        main(["extract", *map(str, sorted(CORPUS.glob("*.txt"))), "--out", str(tmp_path)])
    except SystemExit as done:
        assert done.code == 0
    command = [sys.executable, str(GOLD / "score.py"), str(tmp_path), "--json"]
    reference = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)["micro"]
    ours = evaluate(tmp_path, GOLD, CORPUS)
    for key, counts in (("entity_typed", ours.entities), ("entity_untyped", ours.entities_untyped), ("relation", ours.relations)):
        assert (counts.tp, counts.fp, counts.fn) == (reference[key]["tp"], reference[key]["fp"], reference[key]["fn"])
    assert set(ours.by_script) == {"zh-Hans", "zh-Hant"}
    text = format_evaluation(ours)
    assert "entities by script" in text and "zh-Hant" in text and "Laboratory" in text
    assert ours.entities.f1 >= 0.85
    assert ours.by_script["zh-Hant"].f1 >= 0.80
    for name, counts in ours.by_type.items():
        if counts.tp + counts.fn >= 10:
            assert counts.f1 >= 0.6, name


def test_gold_scored_against_itself_is_perfect():
    ours = evaluate(GOLD, GOLD, CORPUS)
    assert ours.entities.f1 == 1.0 and ours.relations.f1 == 1.0
