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


@pytest.fixture(scope="module")
def merged_index(corpus_records):
    from kg.graph import merged_triples

    return merged_triples([r for r in corpus_records if r.info.doc_id[:3] in ("001", "003")])


def _damaged_index(index, damage):
    from kg.triples import TripleIndex

    g = Graph()
    for triple in index:
        g.add(triple)
    damage(g)
    return TripleIndex(g)


@pytest.mark.parametrize(("name", "damage", "message"), BREAKS, ids=[b[0] for b in BREAKS])
def test_shares_and_the_store_together_find_what_validating_the_whole_graph_finds(merged_index, name, damage, message):
    import pyoxigraph

    from kg.store import to_oxigraph
    from kg.validate import validate_share, validate_sparql

    index = _damaged_index(merged_index, damage)
    expected = validate(index)
    assert expected and message in format_violations(expected)
    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*map(to_oxigraph, triple)) for triple in index)
    shares = [validate_share(index, share=(i, 3), sparql=False) for i in range(3)]
    on_store = validate_sparql(index, store)
    assert sorted({*shares[0], *shares[1], *shares[2], *on_store}) == expected
    assert all(not set(shares[i]) & set(shares[j]) for i, j in [(0, 1), (0, 2), (1, 2)])
    assert validate_share(index) == expected
    assert all("the triple this assertion states" not in v.message for share in shares for v in share)
    if name == "assertion without its triple":
        assert [v.message for v in on_store] == ["the triple this assertion states is not in the graph"]


def test_a_share_that_does_not_exist_is_refused(merged_index):
    from kg.validate import validate_share

    with pytest.raises(ValueError, match="share 2 of 2"):
        validate_share(merged_index, share=(2, 2))


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
