"""Saved queries as tables of query -> expected rows, on both engines; the query CLI; safety and errors."""

import json
import random

import pyoxigraph
import pytest

from kg.errors import QueryError
from kg.query import check_safe, format_result, resolve_query, run_query, saved_queries
from kg.store import memory_store, open_store, query_store

ID = "https://w3id.org/gba-kg/id/"

# query name, bindings, rows that must appear (only the leading columns given are compared)
EXPECTED = [
    ("facilities_by_city", {}, [("东莞", "Facility", "中国散裂中子源"), ("东莞", "Facility", "中国散裂中子源二期工程")]),
    ("zone_hosts", {}, [("前海", "CooperationZone", "前海综合保税区", "CooperationZone", "partOf")]),
    (
        "partners",
        {"orgLabel": "广东省科学院@zh-Hans"},
        [("广东省科学院", "香港电灯集团", "Company", "states cooperation with")],
    ),
    (
        "cross_border_links",
        {},
        [
            ("香港科技大学（广州）", "广州", "partOf", "香港科技大学", "香港"),
            ("中国散裂中子源", "东莞", "servesUsersFrom", "香港", "香港"),
        ],
    ),
    ("serving_hk_macao", {}, [("中国散裂中子源", "Facility", "澳门"), ("中国散裂中子源", "Facility", "香港")]),
    (
        "event_organisers",
        {},
        [("2023大湾区科学论坛", "hosted by", "广州", "City"), ("大湾区科学论坛", "initiated by", "“一带一路”国际科学组织联盟")],
    ),
    ("entities_by_documents", {}, [("粤港澳大湾区", "Region", "5"), ("香港科技大学（广州）", "University", "4")]),
    (
        "evidence",
        {"subjectLabel": "中国散裂中子源@zh-Hans", "objectLabel": "东莞@zh-Hans"},
        [("中国散裂中子源", "locatedIn", "东莞", "003_fae5498d62657f38")],
    ),
    (
        "ranking_history",
        {"cluster": f"<{ID}InnovationCluster/深圳—香港—广州创新集群>"},
        [("2024", "2", "世界知识产权组织", "001_eba568d0866d8c84", "深圳—香港—广州创新集群")],
    ),
    ("quantities", {}, [("“一带一路”国际科学组织联盟", "成员单位", "78", "家"), ("广东省", "国家重大科技基础设施", "10", "个")]),
    ("dates", {}, [("2023大湾区科学论坛", "held", "2023-05-20"), ("大湾区科学论坛战略咨询委员会", "established", "2022-09")]),
    ("people", {}, [("倪明选", "香港科技大学（广州）", "University", "1"), ("叶玉如", "香港科技大学", "University")]),
    ("international", {}, [("中国-新西兰生物医药与健康联合实验室", "Laboratory", "cooperatesWithCountry", "新西兰")]),
    ("documents", {}, [("003_fae5498d62657f38", "zh-Hant"), ("000_a205b5efdfadfb85", "zh-Hans")]),
    (
        "graph_of_document",
        {"g": f"<{ID}graph/003_fae5498d62657f38>"},
        [(f"{ID}graph/003_fae5498d62657f38", "中国散裂中子源", "locatedIn", "东莞")],
    ),
]


@pytest.fixture(scope="module")
def store(built_out):
    return open_store(built_out)


def test_at_least_twelve_saved_queries_with_titles_and_all_tested():
    saved = saved_queries()
    assert len(saved) >= 12
    assert all(q.title and q.description for q in saved.values())
    assert set(saved) == {name for name, _, _ in EXPECTED}


def _rows(result, width):
    return {tuple(row[:width]) for row in result.rows}


@pytest.mark.parametrize(("name", "bindings", "expected"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_saved_query_rows_on_the_store(store, name, bindings, expected):
    result = query_store(store, resolve_query(name), bindings)
    for row in expected:
        assert row in _rows(result, len(row)), (name, row)


RDFLIB_FAST = [e for e in EXPECTED if e[0] != "graph_of_document"]


@pytest.mark.parametrize(("name", "bindings", "expected"), RDFLIB_FAST, ids=[e[0] for e in RDFLIB_FAST])
def test_both_engines_give_the_same_rows(store, corpus_graph, name, bindings, expected):
    def values(result):
        return [[None if t is None else t.toPython() for t in row] for row in result.terms]

    assert values(query_store(store, resolve_query(name), bindings)) == values(
        run_query(corpus_graph, resolve_query(name), bindings)
    )


def test_entities_by_documents_is_the_top_hundred_by_document_count(store, corpus_graph):
    counts = {
        str(name): n.toPython()
        for name, n in run_query(
            corpus_graph,
            "SELECT ?name (COUNT(DISTINCT ?d) AS ?n) WHERE { ?x gba:mentionedIn ?d ; skos:prefLabel ?name } GROUP BY ?x ?name",
        ).terms
    }
    top = sorted(counts, key=lambda name: (-counts[name], name))[:100]
    rows = query_store(store, resolve_query("entities_by_documents")).rows
    assert len(counts) > 100
    assert [(name, int(n)) for name, _, n in rows] == [(name, counts[name]) for name in top]


def test_store_answers_convert_to_the_same_rdflib_terms_as_rdflib_builds():
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    store = ox.Store()
    store.update(
        'INSERT DATA { <urn:a> <urn:p> "深圳"@zh-Hans , "Shenzhen"@en , "plain" ,'
        ' "12"^^<http://www.w3.org/2001/XMLSchema#integer> ,'
        ' "0.5"^^<http://www.w3.org/2001/XMLSchema#decimal> , "2023-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> ,'
        ' "x"^^<urn:custom> , <urn:b> , _:b0 . }'
    )
    answer = query_store(store, "SELECT ?o WHERE { <urn:a> <urn:p> ?o }")
    built = {
        Literal("深圳", lang="zh-hans"),
        Literal("Shenzhen", lang="en"),
        Literal("plain"),
        Literal("12", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
        Literal("0.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
        Literal("2023-05", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYearMonth")),
        Literal("x", datatype=URIRef("urn:custom")),
        URIRef("urn:b"),
    }
    converted = {row[0] for row in answer.terms if not isinstance(row[0], BNode)}
    assert converted == built
    by_value = {(type(t), str(t), getattr(t, "language", None)): t for t in built}
    for term in converted:
        twin = by_value[(type(term), str(term), getattr(term, "language", None))]
        assert (term.n3(), hash(term), type(term)) == (twin.n3(), hash(twin), type(twin))
        if isinstance(term, Literal):
            assert (term.value, term.datatype, term.ill_typed) == (twin.value, twin.datatype, twin.ill_typed)
    assert sum(isinstance(row[0], BNode) for row in answer.terms) == 1


def test_in_memory_store_of_the_merged_graph_only(built_out):
    merged = open_store(built_out, memory=True, named_graphs=False)
    dataset = open_store(built_out, memory=True)
    assert list(merged.named_graphs()) == [] and len(list(dataset.named_graphs())) == 7
    assert len(merged) == len(list(dataset.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())))


def test_in_memory_store_is_filled_in_predicate_then_subject_order(built_out, tmp_path):
    lines = sorted(str(q.triple) + " .\n" for q in open_store(built_out, memory=True, named_graphs=False))
    random.Random(0).shuffle(lines)
    (tmp_path / "shuffled.nt").write_text("".join(lines), encoding="utf-8")
    store = memory_store([tmp_path / "shuffled.nt"])
    inserted = [(q.predicate.value, str(q.subject)) for q in store][::-1]  # the store lists newest first
    assert len(inserted) == len(lines) and inserted == sorted(inserted) and len(set(inserted)) > 1000


def test_bindings_are_values_not_text(store):
    hostile = '东莞" } UNION { ?s ?p ?o } #@zh-Hans'
    result = query_store(store, resolve_query("evidence"), {"objectLabel": hostile})
    assert result.rows == []


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("LOAD <file:///etc/passwd>", "LOAD"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ],
)
def test_queries_that_reach_outside_the_graph_are_refused(query, refused):
    with pytest.raises(QueryError, match=refused.replace("(", r"\(")):
        check_safe(query)


def test_keywords_inside_strings_variables_and_names_are_fine():
    check_safe('SELECT ?load ?service WHERE { ?load gba:rule "LOAD SERVICE" . # DELETE\n }')
    check_safe(f"SELECT * FROM <{ID}graph/003_fae5498d62657f38> WHERE {{ ?s ?p ?o }}")


@pytest.mark.parametrize("engine", ["store", "rdflib"])
def test_syntax_error_names_line_and_column(store, corpus_graph, engine):
    text = "SELECT ?x WHERE {\n  ?x a gba:City .\n  FILTER( }"
    with pytest.raises(QueryError, match=r"SPARQL syntax error at line 3, column \d+"):
        query_store(store, text) if engine == "store" else run_query(corpus_graph, text)


def test_json_and_xml_results_follow_the_sparql_formats(store):
    result = query_store(store, "SELECT ?x ?l WHERE { ?x a gba:Facility ; rdfs:label ?l } ORDER BY ?x ?l LIMIT 1")
    payload = json.loads(format_result(result, "json"))
    assert payload["head"]["vars"] == ["x", "l"]
    binding = payload["results"]["bindings"][0]
    assert binding["x"]["type"] == "uri" and binding["x"]["value"].startswith(ID + "Facility/")
    assert binding["l"]["type"] == "literal"
    assert json.loads(format_result(query_store(store, "ASK { ?x a gba:City }"), "json"))["boolean"] is True
    xml = format_result(result, "xml")
    assert xml.startswith('<?xml version="1.0"?>') and '<variable name="x"/>' in xml and "<uri>" + ID in xml


def test_query_command_formats_and_engines(built_out, capsys):
    from kg.cli import main

    for args in (["--format", "csv"], ["--format", "tsv", "--engine", "rdflib"], ["--format", "json"]):
        with pytest.raises(SystemExit) as exit_info:
            main(["query", "facilities_by_city", "--out", str(built_out), *args])
        assert exit_info.value.code == 0
        assert "中国散裂中子源" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["queries"])
    listing = capsys.readouterr().out
    assert "ranking_history\tRanking history of an innovation cluster" in listing
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "SELECT ?x WHERE { ?x a }", "--out", str(built_out)])
    assert exit_info.value.code == 1
    assert "gbakg: error: SPARQL syntax error at line 1, column" in capsys.readouterr().err


def test_store_loader_fills_the_store_from_both_files_and_stamps_it(built_out, tmp_path):
    from kg.store import STORE_DIR, StoreLoader, open_read_only, store_is_fresh

    sources = [tmp_path / "graph.ttl", tmp_path / "graph.trig"]
    for source in sources:
        source.write_bytes((built_out / source.name).read_bytes())
    with StoreLoader(tmp_path) as loader:
        for source in reversed(sources):  # the build loads the TriG first
            loader.load(source)
        target = loader.finish()
    assert target == tmp_path / STORE_DIR and store_is_fresh(target, sources)
    store = open_read_only(target)
    default = {str(q.triple) for q in store.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph())}
    reference = pyoxigraph.Store()  # a store writes literals canonically (1.0 as 1): compare store with store
    reference.bulk_load(path=str(sources[0]), format=pyoxigraph.RdfFormat.TURTLE)
    assert default == {str(q.triple) for q in reference} and len(default) > 5000
    assert len(list(store.named_graphs())) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", "graph.ttl", "store"]


def test_store_loader_names_the_bad_file_and_line_and_leaves_no_half_built_store(tmp_path):
    from kg.errors import GraphFileError
    from kg.store import StoreLoader

    (tmp_path / "graph.ttl").write_text("<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> .\n", encoding="utf-8")
    with pytest.raises(GraphFileError, match=r"graph\.ttl: not valid RDF at line 2"):
        with StoreLoader(tmp_path) as loader:
            loader.load(tmp_path / "graph.ttl")
            loader.finish()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


@pytest.mark.parametrize(("name", "end"), [("graph.ttl", b" .\n\n"), ("graph.trig", b"}\n\n")])
def test_a_written_graph_file_loaded_in_pieces_gives_the_quads_of_the_whole_file(built_out, name, end):
    from kg.store import written_pieces

    source = built_out / name
    fmt = pyoxigraph.RdfFormat.TURTLE if name.endswith(".ttl") else pyoxigraph.RdfFormat.TRIG
    pieces = list(written_pieces(source, end, size=20_000))
    assert len(pieces) > 5 and all(piece.startswith(b"@prefix") for piece in pieces)
    whole = set(pyoxigraph.parse(path=str(source), format=fmt))
    assert {quad for piece in pieces for quad in pyoxigraph.parse(piece, format=fmt)} == whole


def test_a_file_without_prefixes_is_cut_into_pieces_without_losing_its_first_statement(tmp_path):
    from kg.store import written_pieces

    source = tmp_path / "plain.ttl"
    source.write_bytes(b"".join(b"<urn:x:%d> <urn:x:p> %d .\n\n" % (i, i) for i in range(50)))
    pieces = list(written_pieces(source, b" .\n\n", size=100))
    assert len(pieces) > 3 and pieces[0].startswith(b"<urn:x:0>")
    quads = {q for piece in pieces for q in pyoxigraph.parse(piece, format=pyoxigraph.RdfFormat.TURTLE)}
    assert len(quads) == 50
