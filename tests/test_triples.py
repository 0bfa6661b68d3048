import random
from collections import Counter

import pytest
from rdflib import RDF, Graph, URIRef

from kg.analytics import project
from kg.explorer import explorer_data
from kg.graph import merged_triples
from kg.report import analyse
from kg.triples import TripleIndex
from kg.vocab import GBA


@pytest.fixture(scope="module")
def index(corpus_records):
    return merged_triples(corpus_records)


def _patterns(graph: Graph, seed: int = 0):
    rng = random.Random(seed)
    triples = sorted(graph)
    for s, p, o in rng.sample(triples, 200):
        yield from [(s, None, None), (s, p, None), (s, p, o), (None, p, None), (None, p, o), (s, None, o), (None, None, o)]
    yield (URIRef("urn:absent"), None, None)
    yield (None, URIRef("urn:absent"), None)


def test_same_triples_as_the_rdflib_graph(index, corpus_graph):
    assert len(index) == len(corpus_graph) == len(set(index))
    assert set(index) == set(corpus_graph)
    for triple in list(corpus_graph)[:500]:
        assert triple in index


def test_every_look_up_answers_what_rdflib_answers(index, corpus_graph):
    for s, p, o in _patterns(corpus_graph):
        assert set(index.triples((s, p, o))) == set(corpus_graph.triples((s, p, o))), (s, p, o)
        if s is None and p is not None:
            assert sorted(index.subjects(p, o)) == sorted(set(corpus_graph.subjects(p, o)))
        if o is None:  # as multisets: literals of some datatypes (gYearMonth) have no total order to sort by
            assert Counter(index.objects(s, p)) == Counter(corpus_graph.objects(s, p))
        if s is None and o is None:
            assert sorted(index.subject_objects(p)) == sorted(corpus_graph.subject_objects(p))
        if s is not None and p is not None:
            objects = set(corpus_graph.objects(s, p))
            assert index.value(s, p) in objects if objects else index.value(s, p) is None


def test_adding_a_triple_twice_counts_it_once():
    a, p = URIRef("urn:x:a"), URIRef("urn:x:p")
    index = TripleIndex([(a, p, a)])
    index.add((a, p, a))
    index.update([(a, p, a), (a, RDF.type, GBA.City)])
    assert len(index) == 2 and set(index.subjects(RDF.type, GBA.City)) == {a}
    assert len(index.to_graph()) == 2


def test_report_and_explorer_read_the_index_as_they_read_the_graph(index, corpus_graph):
    from_index, from_graph = project(index), project(corpus_graph)
    assert sorted(from_index.nodes(data=True)) == sorted(from_graph.nodes(data=True))
    assert sorted(from_index.edges(data=True)) == sorted(from_graph.edges(data=True))
    assert analyse(from_index, seed=0).rows == analyse(from_graph, seed=0).rows
    assert explorer_data(index, seed=0) == explorer_data(corpus_graph, seed=0)
