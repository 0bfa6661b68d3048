"""Summary triples agree with the aggregates and paths they stand for, in the built graph."""

from rdflib import Literal, URIRef

from kg.graph import SUMMARY_GRAPH
from kg.query import run_query
from kg.summary import SUMMARY_PREDICATES
from kg.vocab import GBA

ID = "https://w3id.org/gba-kg/id/"
CSNS = URIRef(ID + "Facility/中国散裂中子源")


def _pairs(graph, text):
    return {tuple(row) for row in run_query(graph, text).terms}


def test_document_count_is_the_number_of_documents_naming_the_entity(corpus_graph):
    counted = _pairs(corpus_graph, "SELECT ?x (COUNT(DISTINCT ?d) AS ?n) WHERE { ?x gba:mentionedIn ?d } GROUP BY ?x")
    stored = _pairs(corpus_graph, "SELECT ?x ?n WHERE { ?x gba:documentCount ?n }")
    assert counted == stored and len(stored) > 250
    assert corpus_graph.value(CSNS, GBA.documentCount) == Literal(2)  # 000 and 003; 002's 散裂中子源 is a kind, not CSNS


def test_in_city_is_the_city_itself_or_where_the_entity_is_located_or_based(corpus_graph):
    walked = _pairs(corpus_graph, "SELECT DISTINCT ?x ?c WHERE { ?x (gba:locatedIn|gba:homeCity)? ?c . ?c a gba:City }")
    stored = _pairs(corpus_graph, "SELECT ?x ?c WHERE { ?x gba:inCity ?c }")
    assert walked == stored
    assert (CSNS, GBA.inCity, URIRef(ID + "City/东莞")) in corpus_graph
    assert (URIRef(ID + "City/香港"), GBA.inCity, URIRef(ID + "City/香港")) in corpus_graph


def test_document_entity_and_fact_counts(corpus_graph):
    entities = _pairs(corpus_graph, "SELECT ?d (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e gba:mentionedIn ?d } GROUP BY ?d")
    facts = _pairs(
        corpus_graph,
        "SELECT ?d (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a rdf:predicate ?p ; prov:wasDerivedFrom ?d . "
        "FILTER(?p != gba:mentionedWith) } GROUP BY ?d",
    )
    assert entities == _pairs(corpus_graph, "SELECT ?d ?n WHERE { ?d gba:entityCount ?n }")
    assert facts == _pairs(corpus_graph, "SELECT ?d ?n WHERE { ?d gba:factCount ?n }")
    assert len(entities) == 5 and all(n.toPython() > 10 for _, n in facts)


def test_summary_is_its_own_named_graph_and_not_in_the_documents(corpus_records):
    from kg.graph import build_dataset, graph_iri

    ds = build_dataset(corpus_records)
    summary = ds.graph(SUMMARY_GRAPH)
    assert len(summary) > 350 and {p for _, p, _ in summary} == set(SUMMARY_PREDICATES)
    for record in corpus_records:
        named = ds.graph(graph_iri(record.info.doc_id))
        assert not any(p in SUMMARY_PREDICATES for _, p, _ in named)


def test_document_rank_orders_by_document_count_then_name(corpus_graph):
    counted = run_query(
        corpus_graph,
        "SELECT ?x ?name (COUNT(DISTINCT ?d) AS ?n) WHERE { ?x gba:mentionedIn ?d ; skos:prefLabel ?name } GROUP BY ?x ?name",
    ).terms
    expected = [x for x, _, _ in sorted(counted, key=lambda r: (-r[2].toPython(), str(r[1]), str(r[0])))]
    ranks = dict(_pairs(corpus_graph, "SELECT ?x ?r WHERE { ?x gba:documentRank ?r }"))
    assert sorted(ranks, key=lambda x: ranks[x].toPython()) == expected
    assert sorted(r.toPython() for r in ranks.values()) == list(range(1, len(expected) + 1))
    assert corpus_graph.value(expected[0], GBA.documentCount) == Literal(5)


def test_pref_label_is_the_one_simplified_chinese_label_of_each_entity_else_its_english_one(corpus_graph):
    labels = _pairs(corpus_graph, 'SELECT ?x ?l WHERE { ?x gba:mentionedIn ?d ; rdfs:label ?l FILTER(lang(?l) = "zh-Hans") }')
    english = _pairs(
        corpus_graph,
        "SELECT ?x ?l WHERE { ?x gba:mentionedIn ?d ; rdfs:label ?l FILTER(lang(?l) = 'en') "
        "FILTER NOT EXISTS { ?x rdfs:label ?z FILTER(lang(?z) = 'zh-Hans') } }",
    )
    preferred = _pairs(corpus_graph, "SELECT ?x ?l WHERE { ?x skos:prefLabel ?l }")
    assert preferred == labels | english and len({x for x, _ in preferred}) == len(preferred)
    assert (CSNS, Literal("中国散裂中子源", lang="zh-Hans")) in preferred
    assert english and all(label.language == "en" for _, label in english)
