"""The learned entity model: gold projection, tags, training on a slice, and what the shipped model finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.crf import DEFAULT_MODEL, Labeled, Tagger, bio_tags, candidate_marks, project_gold, spans_from_tags
from extract.documents import RawDocument
from extract.pipeline import build_nlp, extract_document
from extract.training import load_annotated, train_and_record


def _raw(text: str, doc_id: str = "t") -> RawDocument:
    import hashlib

    return RawDocument(doc_id, f"{doc_id}.txt", text, hashlib.sha256(text.encode()).hexdigest())


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("在深圳湾实验室和深圳", [("深圳", "City"), ("深圳湾实验室", "Laboratory")], [(1, 7, "Laboratory"), (8, 10, "City")]),
        ("香港科技大学 （广州）成立", [("香港科技大学（广州）", "University")], [(0, 11, "University")]),
        ("港澳与香港", [("港", "City"), ("香港", "City")], [(3, 5, "City")]),  # one-character names are left out
        ("HKUST and HKUSTx", [("HKUST", "University")], [(0, 5, "University")]),  # Latin names at word boundaries only
    ],
)
def test_project_gold(text: str, names: list[tuple[str, str]], expected: list[tuple[int, int, str]]) -> None:
    assert [tuple(s) for s in project_gold(text, names)] == expected


def test_tags_round_trip() -> None:
    spans = [Labeled(0, 2, "City"), Labeled(3, 6, "Person")]
    tags = bio_tags(7, spans)
    assert tags == ["B-City", "I-City", "O", "B-Person", "I-Person", "I-Person", "O"]
    assert spans_from_tags(tags, offset=10) == [(10, 12, "City"), (13, 16, "Person")]


def test_candidate_marks_name_source_type_and_position() -> None:
    marks = candidate_marks(4, [(0, 3, "City", "place:table")])
    assert "k=place:City:B" in marks[0] and "k=place:City:I" in marks[1] and "k=place:City:E" in marks[2]
    assert "k=place" in marks[0] and marks[3] == []


def test_training_on_a_slice_recognises_its_entity(tmp_path: Path) -> None:
    gold_dir, docs_dir = tmp_path / "gold", tmp_path / "docs"
    gold_dir.mkdir()
    docs_dir.mkdir()
    lines = [
        "今天，蓝鲸湾研究所发布报告。",
        "记者走访了蓝鲸湾研究所。",
        "蓝鲸湾研究所位于海边。",
        "他说，工作很顺利。",
    ] * 3
    (docs_dir / "s1.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    name = "蓝鲸湾研究所"
    entity = {"text": name, "canonical": name, "type": "ResearchInstitute", "aliases_in_doc": [name]}
    (gold_dir / "s1.json").write_text(json.dumps({"doc": "s1.txt", "entities": [entity], "relations": []}), encoding="utf-8")
    model = tmp_path / "model.bin"
    record = train_and_record(model, sets=[(gold_dir, docs_dir)], seed=3, params={"max_iterations": 50, "c1": 0.0})
    assert record["seed"] == 3 and record["documents"][0]["document"] == "s1.txt" and record["gold_spans"] == 9
    assert json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))["features"].startswith("gbakg.crf_features")
    text = "昨天，蓝鲸湾研究所发布报告。"
    found = {(text[s.start : s.end], s.type) for s in Tagger(model).spans(text, [], lac=True)}
    assert ("蓝鲸湾研究所", "ResearchInstitute") in found
    nlp = build_nlp("", str(model))
    record_of_doc = extract_document(_raw("昨天，蓝鲸湾研究所发布报告。"), nlp=nlp)
    mention = next(m for m in record_of_doc.mentions if m.canonical == "蓝鲸湾研究所")
    assert mention.rule == "model:crf" and 0.5 < mention.confidence <= 1.0


def test_the_shipped_model_is_small_and_recorded() -> None:
    assert DEFAULT_MODEL.stat().st_size < 50_000_000
    record = json.loads(Path(f"{DEFAULT_MODEL}.json").read_text(encoding="utf-8"))
    assert record["seed"] == 0
    assert not any("test" in d["gold"] for d in record["documents"])
    assert {d["document"] for d in record["documents"]} >= {"000_a205b5efdfadfb85.txt", "da01.txt"}


def test_annotated_documents_project_most_gold_names() -> None:
    docs = load_annotated()
    assert len(docs) == 31
    assert sum(len(d.gold) for d in docs) > 4000
    first = next(d for d in docs if d.doc_id == "000_a205b5efdfadfb85")
    assert any(d.text[s:e] == "粤港澳大湾区" and t == "Region" for d in [first] for s, e, t in d.gold)
