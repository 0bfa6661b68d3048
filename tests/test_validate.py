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
        "entity without a zh-Hans or an en label",
        lambda g: [
            g.remove((entity_iri("Facility", "中国散裂中子源"), RDFS.label, label))
            for label in list(g.objects(entity_iri("Facility", "中国散裂中子源"), RDFS.label))
            if label.language in ("zh-Hans", "en")
        ],
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


def test_an_entity_known_only_by_its_english_name_needs_no_zh_hans_label(small_graph):
    g = _copy(small_graph)
    entity = entity_iri("Facility", "中国散裂中子源")
    for label in list(g.objects(entity, RDFS.label)):
        if label.language != "en":
            g.remove((entity, RDFS.label, label))
    assert any(label.language == "en" for label in g.objects(entity, RDFS.label))
    assert validate(g) == []


@pytest.mark.parametrize(("name", "damage", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_broken_graph_fails_with_a_readable_message(small_graph, name, damage, message):
    g = _copy(small_graph)
    damage(g)
    violations = validate(g)
    assert violations, name
    text = format_violations(violations)
    assert message in text
    assert all("\n" not in str(v) for v in violations)


@pytest.mark.parametrize("engine", ["gbakg", "pyshacl"])
def test_validate_command_exits_nonzero_on_a_broken_graph(tmp_path, small_graph, capsys, engine):
    from kg.cli import main

    g = _copy(small_graph)
    g.add((entity_iri("Facility", "中国散裂中子源"), GBA.locatedIn, entity_iri("Person", "倪明选")))
    bad = tmp_path / "bad.ttl"
    g.serialize(bad, format="turtle")
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--graph", str(bad), "--engine", engine])
    assert exit_info.value.code == 1
    out = capsys.readouterr()
    assert "id:Facility/中国散裂中子源 gba:locatedIn = id:Person/倪明选: locatedIn must point to a place" in out.out
    assert "1 violation" in out.err


def _with(record, **changes):
    from dataclasses import replace

    return replace(record, **changes)


def _first_changed(items, **changes):
    return [items[0]._replace(**changes), *items[1:]]


RECORD_BREAKS = [
    (
        "confidence above 1",
        lambda r: _with(r, relations=_first_changed(r.relations, confidence=1.5)),
        "gba:confidence = '1.5'",
    ),
    (
        "mention ending where it starts",
        lambda r: _with(r, mentions=_first_changed(r.mentions, end=r.mentions[0].start)),
        "gba:startOffset",
    ),
    (
        "entity without a zh-Hans or an en label",
        lambda r: _with(r, entities=_first_changed(r.entities, labels={"zh-Hant": "無名"})),
        "rdfs:label",
    ),
    (
        "locatedIn to a person",
        lambda r: _with(
            r,
            relations=_first_changed(
                r.relations, subject=("Facility", "中国散裂中子源"), predicate="locatedIn", object=("Person", "倪明选")
            ),
        ),
        "locatedIn must point to a place",
    ),
    (
        "empty evidence sentence",
        lambda r: _with(r, relations=_first_changed(r.relations, evidence="")),
        "gba:sentence",
    ),
]


@pytest.mark.parametrize(("name", "damage", "message"), RECORD_BREAKS, ids=[b[0] for b in RECORD_BREAKS])
def test_documents_and_entities_checked_apart_find_what_validating_the_merged_graph_finds(corpus_records, name, damage, message):
    from kg.graph import merged_triples
    from kg.parts import document_part
    from kg.validate import validate_entities

    damaged = damage(next(r for r in corpus_records if r.info.doc_id.startswith("003")))
    records = [damaged if r.info.doc_id == damaged.info.doc_id else r for r in corpus_records]
    expected = validate(merged_triples(records))
    assert expected and message in format_violations(expected, limit=1000)
    apart = {*validate_entities(merged_triples(records, view=True)), *(v for r in records for v in document_part(r).violations)}
    assert sorted(apart) == expected


def _damaged(graph, seed):
    """A copy of ``graph`` with one to four triples removed, added or changed, chosen by ``seed``."""
    import random

    rng = random.Random(seed)
    triples = sorted(graph, key=lambda t: tuple(map(str, t)))
    nodes = sorted({t[0] for t in triples}, key=str)
    predicates = sorted({t[1] for t in triples}, key=str)
    strays = [
        Literal(-1),
        Literal("x", lang="en"),
        Literal("2024-13", datatype=XSD.gYearMonth),
        Literal(""),
        Literal(2.5),
        Literal("别名", lang="zh-Hans"),
        URIRef("urn:stray"),
        URIRef("http://www.wikidata.org/entity/X1"),
    ]
    objects = sorted({t[2] for t in triples}, key=str) + strays
    g = _copy(graph)
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.4:
            g.remove(rng.choice(triples))
        elif roll < 0.7:
            g.add((rng.choice(nodes), rng.choice(predicates), rng.choice(objects)))
        else:
            s, p, _ = rng.choice(triples)
            g.set((s, p, rng.choice(objects)))
    return g


def _comparable(violations, messages):
    """Violations without the messages pyshacl words itself (a shape's own sh:message is kept)."""
    return sorted((v.focus, v.path, v.value, v.shape, v.message if v.message in messages else "") for v in violations)


DAMAGES = [("break", i) for i in range(len(BREAKS))] + [("random", seed) for seed in range(14)]


@pytest.mark.parametrize(("kind", "number"), DAMAGES, ids=[f"{k}-{n}" for k, n in DAMAGES])
def test_the_built_in_validator_finds_what_pyshacl_finds(small_graph, kind, number):
    from kg.validate import SHAPES_FILE

    messages = {str(m) for m in Graph().parse(SHAPES_FILE).objects(None, URIRef("http://www.w3.org/ns/shacl#message"))}
    if kind == "break":
        g = _copy(small_graph)
        BREAKS[number][1](g)
    else:
        g = _damaged(small_graph, number)
    ours, reference = validate(g), validate(g, engine="pyshacl")
    assert _comparable(ours, messages) == _comparable(reference, messages)
    if kind == "break":
        assert ours


def test_the_built_in_validator_reads_a_triple_index_as_it_reads_a_graph(small_graph):
    from kg.triples import TripleIndex

    g = _copy(small_graph)
    BREAKS[0][1](g)
    BREAKS[2][1](g)
    found = validate(TripleIndex(g))
    assert found == validate(g)
    expected = {"locatedIn must point to a place", "the triple this assertion states is not in the graph"}
    assert expected <= {v.message for v in found}


def test_shapes_the_built_in_validator_does_not_implement_are_refused(tmp_path, small_graph):
    from kg.shacl import UnsupportedShapeError

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix gba: <https://w3id.org/gba-kg/ontology#> .\n"
        "gba:S a sh:NodeShape ; sh:targetClass gba:City ; sh:xone ( [ sh:datatype gba:X ] ) .\n",
        encoding="utf-8",
    )
    with pytest.raises(UnsupportedShapeError, match="xone"):
        validate(small_graph, shapes)
    with pytest.raises(ValueError, match="unknown SHACL engine"):
        validate(small_graph, engine="jena")


def test_a_documents_sparql_constraints_find_the_same_on_its_turtle(corpus_records):
    from kg.graph import PREFIX_IRIS, record_triples
    from kg.rdfwrite import TermWriter, subject_blocks, turtle_from_blocks
    from kg.triples import TripleIndex
    from kg.validate import validate_document

    triples = record_triples(corpus_records[3])
    assertion = next(s for s, p, _ in triples if p == RDF.subject)
    stated = tuple(next(o for s, p, o in triples if s == assertion and p == q) for q in (RDF.subject, RDF.predicate, RDF.object))
    for graph in (triples, [t for t in triples if t != stated]):
        write = TermWriter(PREFIX_IRIS)
        turtle = "".join(turtle_from_blocks((text for _, text in subject_blocks(graph, write)), PREFIX_IRIS, write.used))
        found = validate_document(TripleIndex(graph), turtle)
        assert found == validate_document(TripleIndex(graph))
        messages = {v.message for v in found}
        assert messages == (set() if graph is triples else {"the triple this assertion states is not in the graph"})
