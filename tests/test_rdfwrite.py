"""The streaming Turtle and TriG writer: what it writes reads back as the same graph, in one order."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.graph import PREFIX_IRIS, entity_iri
from kg.rdfwrite import trig_lines, turtle_lines
from kg.vocab import GBA

LAB = URIRef("https://w3id.org/gba-kg/id/Laboratory/鹏城实验室")
ODD = [
    Literal('说 "你好"\\ \n\r\t\x07\x1b end', lang="zh-Hans"),
    Literal(""),
    Literal("-0.50", datatype=XSD.decimal),
    Literal("1e3", datatype=XSD.double),
    Literal("007", datatype=XSD.integer),
    Literal("true", datatype=XSD.boolean),
    Literal("2023-05", datatype=XSD.gYearMonth),
    Literal("x", datatype=URIRef("urn:custom:type")),
    URIRef("https://w3id.org/gba-kg/ontology#"),
    URIRef("https://w3id.org/gba-kg/ontology#name.ending."),
    entity_iri("Program", "“一带一路”倡议"),
]


def _read(text, fmt="turtle"):
    return Graph().parse(data=text, format=fmt)


def test_odd_terms_read_back_as_written():
    graph = Graph()
    for i, obj in enumerate(ODD):
        graph.add((LAB, URIRef(f"urn:x:p{i}"), obj))
    text = "".join(turtle_lines(graph, PREFIX_IRIS))
    assert isomorphic(_read(text), graph)
    assert '"说 \\"你好\\"\\\\ \\n\\r\\t\\u0007\\u001B end"@zh-Hans' in text
    assert "<https://w3id.org/gba-kg/ontology#name.ending.>" in text  # a prefixed name may not end in "."


def test_an_iri_that_turtle_cannot_hold_is_refused():
    graph = Graph()
    graph.add((LAB, GBA.mentionedIn, URIRef("urn:x:with space")))
    with pytest.raises(ValueError, match="may not hold ' ' \\(at 10\\)"):
        "".join(turtle_lines(graph, PREFIX_IRIS))


def test_layout_groups_by_subject_type_first_and_uses_prefixes():
    graph = Graph()
    graph.add((LAB, GBA.mentionedIn, URIRef("https://w3id.org/gba-kg/id/doc/b")))
    graph.add((LAB, GBA.mentionedIn, URIRef("https://w3id.org/gba-kg/id/doc/a")))
    graph.add((LAB, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), GBA.Laboratory))
    graph.add((LAB, GBA.documentCount, Literal(2)))
    assert "".join(turtle_lines(graph, PREFIX_IRIS)) == (
        "@prefix gba: <https://w3id.org/gba-kg/ontology#> .\n\n"
        "<https://w3id.org/gba-kg/id/Laboratory/鹏城实验室> a gba:Laboratory ;\n"
        "    gba:documentCount 2 ;\n"
        "    gba:mentionedIn <https://w3id.org/gba-kg/id/doc/a> ,\n"
        "        <https://w3id.org/gba-kg/id/doc/b> .\n"
    )


def test_trig_writes_named_graphs_in_name_order_and_skips_empty_ones():
    one, two = URIRef("urn:g:2"), URIRef("urn:g:1")
    text = "".join(
        trig_lines(
            [
                (one, [(LAB, GBA.documentCount, Literal(1))]),
                (two, [(LAB, GBA.documentCount, Literal(2))]),
                (URIRef("urn:g:0"), []),
            ],
            PREFIX_IRIS,
        )
    )
    assert text.index("<urn:g:1>") < text.index("<urn:g:2>") and "urn:g:0" not in text
    ds = Dataset()
    ds.parse(data=text, format="trig")
    assert set(ds.graph(one)) == {(LAB, GBA.documentCount, Literal(1))}
    assert set(ds.graph(two)) == {(LAB, GBA.documentCount, Literal(2))}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), st.sampled_from([None, "zh-Hans", "en"]), st.text(max_size=12)), max_size=8))
def test_any_text_in_literals_and_names_reads_back(items):
    graph = Graph()
    for value, lang, name in items:
        value = "".join(c for c in value if not 0xD800 <= ord(c) <= 0xDFFF)
        graph.add((entity_iri("Company", name or "x"), GBA.sentence, Literal(value, lang=lang)))
    assert isomorphic(_read("".join(turtle_lines(graph, PREFIX_IRIS))), graph)
