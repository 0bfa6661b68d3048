"""SHACL shapes: the corpus graph conforms; deliberately broken graphs fail with readable messages."""

from decimal import Decimal

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from kg.graph import ID, entity_iri
from kg.validate import format_violations, validate
from kg.vocab import GBA


def test_corpus_graph_conforms(corpus_graph):
    assert validate(corpus_graph) == []


def _copy(graph):
    g = Graph()
    for prefix, ns in graph.namespaces():
        g.bind(prefix, ns)
    for triple in graph:
        g.add(triple)
    return g


@pytest.fixture(scope="module")
def small_graph(corpus_records):
    from kg.graph import build_graph

    return build_graph([r for r in corpus_records if r.info.doc_id.startswith("003")])


def test_small_graph_conforms(small_graph):
    assert validate(small_graph) == []


def _assertion_of(graph, predicate):
    return next(graph.subjects(RDF.predicate, predicate))


BREAKS = [
    (
        "locatedIn to a person",
        lambda g: g.add((entity_iri("Facility", "中国散裂中子源"), GBA.locatedIn, entity_iri("Person", "倪明选"))),
        "locatedIn must point to a place",
    ),
    (
        "confidence above 1",
        lambda g: g.set((_assertion_of(g, GBA.partOf), GBA.confidence, Literal(Decimal("1.5"), datatype=XSD.decimal))),
        "gba:confidence = '1.5'",
    ),
    (
        "assertion without its triple",
        lambda g: g.remove(
            (
                g.value(_assertion_of(g, GBA.servesUsersFrom), RDF.subject),
                GBA.servesUsersFrom,
                g.value(_assertion_of(g, GBA.servesUsersFrom), RDF.object),
            )
        ),
        "the triple this assertion states is not in the graph",
    ),
    (
        "entity without a zh-Hans label",
        lambda g: g.remove((entity_iri("Facility", "中国散裂中子源"), RDFS.label, Literal("中国散裂中子源", lang="zh-Hans"))),
        "an entity needs a zh-Hans label",
    ),
    (
        "rank that is not a whole number",
        lambda g: g.set((next(g.subjects(RDF.type, GBA.Ranking)), GBA.value, Literal("first"))),
        "a rank is a whole number from 1",
    ),
    (
        "evidence ending before it starts",
        lambda g: g.set((_assertion_of(g, GBA.partOf), GBA.endOffset, Literal(0))),
        "the evidence must start before it ends",
    ),
    (
        "a document with a bad digest",
        lambda g: g.set((ID["doc/003_fae5498d62657f38"], GBA.sha256, Literal("xyz"))),
        "sha256 must be 64 lower-case hex digits",
    ),
    (
        "an entity typed twice wrongly",
        lambda g: g.add((URIRef("urn:x"), GBA.affiliatedWith, entity_iri("University", "香港科技大学"))),
        "only a person is affiliatedWith an organisation",
    ),
]


@pytest.mark.parametrize(("name", "damage", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_broken_graph_fails_with_a_readable_message(small_graph, name, damage, message):
    g = _copy(small_graph)
    damage(g)
    violations = validate(g)
    assert violations, name
    text = format_violations(violations)
    assert message in text
    assert all("\n" not in str(v) for v in violations)


def test_validate_command_exits_nonzero_on_a_broken_graph(tmp_path, small_graph, capsys):
    from kg.cli import main

    g = _copy(small_graph)
    g.add((entity_iri("Facility", "中国散裂中子源"), GBA.locatedIn, entity_iri("Person", "倪明选")))
    bad = tmp_path / "bad.ttl"
    g.serialize(bad, format="turtle")
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--graph", str(bad)])
    assert exit_info.value.code == 1
    out = capsys.readouterr()
    assert "id:Facility/中国散裂中子源 gba:locatedIn = id:Person/倪明选: locatedIn must point to a place" in out.out
    assert "1 violation" in out.err


def test_background_validation_finds_what_validate_finds(small_graph):
    from kg.validate import BackgroundValidation

    g = _copy(small_graph)
    g.add((entity_iri("Facility", "中国散裂中子源"), GBA.locatedIn, entity_iri("Person", "倪明选")))
    background = BackgroundValidation(g)
    assert background.process is not None
    found = background.result()
    assert found == validate(g) and "locatedIn must point to a place" in format_violations(found)


def test_background_validation_that_fails_raises_a_catalogued_error(small_graph, monkeypatch):
    import kg.validate
    from kg.errors import GbaKgError

    def broken(graph):
        raise RuntimeError("shapes exploded")

    monkeypatch.setattr(kg.validate, "validate", broken)
    with pytest.raises(GbaKgError, match="SHACL validation failed: RuntimeError: shapes exploded"):
        kg.validate.BackgroundValidation(small_graph).result()


def _parts_and_merged(records, damage=None, doc_id=None):
    from kg.graph import build_graph, document_triples

    triples_of = document_triples(records)
    merged = build_graph(records, triples_of=triples_of)
    if damage is not None:
        doc = Graph()
        for triple in triples_of[doc_id]:
            doc.add(triple)
        damage(doc)
        for triple in triples_of[doc_id] - set(doc):
            merged.remove(triple)
        for triple in doc:
            merged.add(triple)
        triples_of = {**triples_of, doc_id: set(doc)}
    return triples_of, merged


@pytest.mark.parametrize(("name", "damage", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_validation_by_parts_finds_what_validating_the_merged_graph_finds(corpus_records, name, damage, message, tmp_path):
    from kg.validate import validate_by_parts

    records = [r for r in corpus_records if r.info.doc_id.startswith("003")]
    triples_of, merged = _parts_and_merged(records, damage, records[0].info.doc_id)
    expected = validate(merged)
    assert expected and message in format_violations(expected)
    assert validate_by_parts(triples_of, merged, tmp_path) == expected
    assert validate_by_parts(triples_of, merged, tmp_path) == expected  # from the cache this time


def test_validation_by_parts_sees_an_entity_across_documents(corpus_records, tmp_path):
    from kg.validate import validate_by_parts

    records = [r for r in corpus_records if r.info.doc_id[:3] in ("001", "003")]
    label = Literal("粤港澳大湾區（別名）", lang="zh-Hant")
    region = entity_iri("Region", "粤港澳大湾区")
    triples_of, merged = _parts_and_merged(records, lambda g: g.add((region, RDFS.label, label)), records[0].info.doc_id)
    assert {(region, RDFS.label, label)} <= triples_of[records[0].info.doc_id]
    expected = validate(merged)
    assert any(v.focus == "id:Region/粤港澳大湾区" and "at most one per language" in v.message for v in expected)
    assert validate_by_parts(triples_of, merged, tmp_path) == expected


def test_validation_by_parts_revalidates_only_changed_buckets(corpus_records, tmp_path):
    from kg.validate import validate_by_parts

    triples_of, merged = _parts_and_merged(corpus_records)
    assert validate_by_parts(triples_of, merged, tmp_path) == []
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert len([n for n in stamps if n.startswith("documents-")]) == 5
    doc_id = sorted(triples_of)[0]
    bad = (entity_iri("Facility", "中国散裂中子源"), GBA.locatedIn, entity_iri("Person", "倪明选"))
    triples_of[doc_id] = triples_of[doc_id] | {bad}
    merged.add(bad)
    found = validate_by_parts(triples_of, merged, tmp_path)
    assert [v.message for v in found] == ["locatedIn must point to a place"]
    changed = {p.name for p in tmp_path.iterdir() if p.stat().st_mtime_ns != stamps.get(p.name)}
    assert len([n for n in changed if n.startswith("documents-")]) == 1


def test_shares_of_the_buckets_together_find_the_whole(corpus_records, tmp_path):
    from kg.validate import validate_by_parts

    _, damage, message = BREAKS[0]
    records = [r for r in corpus_records if r.info.doc_id[:3] in ("001", "003")]
    triples_of, merged = _parts_and_merged(records, damage, records[-1].info.doc_id)
    whole = validate_by_parts(triples_of, merged)
    assert whole and message in format_violations(whole)
    first = validate_by_parts(triples_of, merged, tmp_path / "a", share=(0, 2))
    second = validate_by_parts(triples_of, merged, tmp_path / "b", share=(1, 2))
    assert sorted({*first, *second}) == whole
    names = [{p.name for p in (tmp_path / d).iterdir()} for d in "ab"]
    assert names[0] and names[1] and not names[0] & names[1]
    with pytest.raises(ValueError, match="share 2 of 2"):
        validate_by_parts(triples_of, merged, share=(2, 2))
