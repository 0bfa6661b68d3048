"""Analytics on small hand-made graphs: measures, engines, communities, brokers, stability."""

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDFS

from kg import analytics
from kg.analytics import (
    betweenness,
    centrality,
    closeness,
    communities,
    core_numbers,
    cross_border_brokers,
    pagerank,
    pagerank_arrays,
    participation,
    project,
    sample_sources,
    without_document,
)
from kg.stability import leave_one_out, top_nodes
from kg.vocab import GBA

ENGINES = ["networkx", "igraph"]


def two_cliques_and_a_bridge() -> nx.Graph:
    G = nx.Graph()
    G.add_edges_from((f"a{i}", f"a{j}") for i in range(5) for j in range(i + 1, 5))
    G.add_edges_from((f"b{i}", f"b{j}") for i in range(5) for j in range(i + 1, 5))
    G.add_edges_from([("a0", "bridge"), ("bridge", "b0")])
    return G


@pytest.mark.parametrize("engine", ENGINES)
def test_star_centre_has_the_highest_betweenness(engine):
    G = nx.star_graph(6)
    b = betweenness(G, engine=engine)
    assert max(b, key=b.get) == 0 and b[0] == pytest.approx(1.0)
    assert all(b[leaf] == 0 for leaf in range(1, 7))


@pytest.mark.parametrize("engine", ENGINES)
def test_two_cliques_give_two_communities(engine):
    found = communities(two_cliques_and_a_bridge(), seed=3, engine=engine)
    cliques = [{f"a{i}" for i in range(5)}, {f"b{i}" for i in range(5)}]
    assert len(found) == 2
    assert all(any(c <= set(group) for group in found) for c in cliques)


def test_bridge_node_is_the_top_broker():
    from kg.report import _brokers, analyse

    G = two_cliques_and_a_bridge()
    groups = communities(G, seed=0)
    p = participation(G, groups)
    assert max(p, key=p.get) == "bridge" and p["bridge"] == pytest.approx(0.5)
    nx.set_node_attributes(G, {v: {"label": v, "type": "Laboratory", "docs": ["d"], "n_docs": 1} for v in G})
    assert _brokers(analyse(G))[0]["iri"] == "bridge"


def random_graph(directed=False):
    G = nx.gnm_random_graph(80, 220, seed=7, directed=directed)
    for u, v in G.edges():
        G[u][v]["weight"] = 1 + (u * v) % 3
    return nx.relabel_nodes(G, {v: f"n{v:02d}" for v in G})


@pytest.mark.parametrize("directed", [False, True])
def test_igraph_and_networkx_agree_on_small_graphs(directed):
    G = random_graph(directed)
    exact_nx, exact_ig = betweenness(G, engine="networkx"), betweenness(G, engine="igraph")
    assert all(exact_nx[v] == pytest.approx(exact_ig[v], abs=1e-12) for v in G)
    sources = sample_sources(G, 16, seed=5)
    sampled_nx = betweenness(G, sources=sources, engine="networkx")
    sampled_ig = betweenness(G, sources=sources, engine="igraph")
    assert all(sampled_nx[v] == pytest.approx(sampled_ig[v], abs=1e-12) for v in G)
    assert core_numbers(G, engine="networkx") == core_numbers(G, engine="igraph")


def test_sampled_estimates_equal_exact_values_when_every_node_is_a_source():
    G = random_graph()
    everyone = sorted(G)
    exact_b, full_b = betweenness(G), betweenness(G, sources=everyone)
    assert all(exact_b[v] == pytest.approx(full_b[v]) for v in G)
    exact_c, full_c = closeness(G), closeness(G, sources=everyone)
    assert all(exact_c[v] == pytest.approx(full_c[v]) for v in G)
    D = random_graph(directed=True)
    exact_d, full_d = closeness(D), closeness(D, sources=sorted(D))
    assert all(exact_d[v] == pytest.approx(full_d[v]) for v in D)


def test_sampled_betweenness_ranks_like_the_exact_one():
    G = nx.barabasi_albert_graph(600, 2, seed=1)
    exact = betweenness(G)
    sampled = betweenness(G, sources=sample_sources(G, 200, seed=0))
    assert set(top_nodes(exact, 5)) & set(top_nodes(sampled, 5))
    assert top_nodes(exact, 1) == top_nodes(sampled, 1)


def test_large_graphs_switch_to_sampling_and_the_compiled_engine(monkeypatch):
    G = random_graph()
    small = centrality(G)
    assert small["method"]["engine"] == "networkx" and small["method"]["betweenness"].startswith("exact")
    monkeypatch.setattr(analytics, "IGRAPH_LIMIT", 50)
    big = centrality(G, exact_limit=50, samples=20, seed=4)
    assert big["method"]["engine"] == "igraph"
    assert big["method"]["betweenness"] == "sampled from 20 sources, seed 4 (igraph)"
    assert big["method"]["closeness"].startswith("sampled")
    assert big == centrality(G, exact_limit=50, samples=20, seed=4)
    assert {m["core"] for m in big["measures"].values()} == {m["core"] for m in small["measures"].values()}


def test_sampled_betweenness_is_counted_by_igraph_below_its_limit_with_the_same_values():
    G = random_graph()
    sampled = centrality(G, exact_limit=50, samples=20, seed=4)
    assert sampled["method"]["engine"] == "networkx"
    assert sampled["method"]["betweenness"] == "sampled from 20 sources, seed 4 (igraph)"
    by_networkx = betweenness(G, sources=sample_sources(G, 20, seed=4), engine="networkx")
    assert all(sampled["measures"][v]["betweenness"] == pytest.approx(by_networkx[v], abs=1e-12) for v in G)
    assert max(by_networkx.values()) > 0


def test_pagerank_on_arrays_matches_networkx():
    for G in (random_graph(), random_graph(directed=True), nx.star_graph(5)):
        nodes = sorted(G)
        index = {v: i for i, v in enumerate(nodes)}
        src = [index[u] for u, _ in G.edges()]
        dst = [index[v] for _, v in G.edges()]
        w = [G[u][v].get("weight", 1) for u, v in G.edges()]
        import numpy as np

        ranks = pagerank_arrays(len(nodes), np.array(src), np.array(dst), np.array(w, dtype=float), directed=G.is_directed())
        reference = pagerank(G)
        assert all(ranks[index[v]] == pytest.approx(reference[v], abs=1e-8) for v in G)


def corpus_like_graph() -> nx.Graph:
    G = nx.Graph()
    docs = {"hub": ["d1", "d2", "d3"], "a": ["d1"], "b": ["d2"], "c": ["d3"], "d": ["d1", "d2"], "e": ["d3"]}
    for v, ds in docs.items():
        G.add_node(v, docs=ds)
    for u, v, support in [
        ("hub", "a", {"d1": 2}),
        ("hub", "b", {"d2": 1}),
        ("hub", "c", {"d3": 1}),
        ("hub", "d", {"d1": 1, "d2": 1}),
        ("d", "e", {"d3": 1}),
        ("a", "d", {"d1": 1}),
    ]:
        G.add_edge(u, v, weight=sum(support.values()), support=support)
    return G


def test_leaving_a_document_out_removes_its_support_and_its_own_entities():
    H = without_document(corpus_like_graph(), "d1")
    assert "a" not in H and H["hub"]["d"]["weight"] == 1 and H["hub"]["d"]["support"] == {"d2": 1}


def test_leave_one_out_agrees_with_reranking_each_reduced_graph():
    G = corpus_like_graph()
    result = leave_one_out(G, top=3)
    assert [r["doc"] for r in result["runs"]] == ["d1", "d2", "d3"]
    for run in result["runs"]:
        reduced = top_nodes(pagerank(without_document(G, run["doc"])), 3)
        assert run["overlap"] == len(set(reduced) & set(result["top"])) / 3
    assert result["top"][0] == "hub" and result["stay"]["hub"] == 1.0


def test_leave_one_out_samples_documents_when_there_are_many():
    G = nx.Graph()
    for i in range(30):
        G.add_node(f"x{i}", docs=[f"d{i:02d}"])
        G.add_edge("hub", f"x{i}", weight=1, support={f"d{i:02d}": 1})
    G.nodes["hub"]["docs"] = [f"d{i:02d}" for i in range(30)]
    result = leave_one_out(G, top=3, max_documents=5, seed=2)
    assert result["sampled"] and len(result["runs"]) == 5 and result["documents"] == 30
    assert result == leave_one_out(G, top=3, max_documents=5, seed=2)


def test_cross_border_brokers_link_hong_kong_or_macao_with_the_mainland():
    G = nx.Graph([("hkust_gz", "hk"), ("hkust_gz", "gz"), ("gz", "sz"), ("lab", "sz")])
    nx.set_node_attributes(G, {"hk": "hkmo", "gz": "mainland", "sz": "mainland", "hkust_gz": "", "lab": ""}, "side")
    assert cross_border_brokers(G) == {"hkust_gz": (1, 1)}


def _rdf_fixture() -> Graph:
    g = Graph()
    ns = "https://w3id.org/gba-kg/id/"
    hk, sz, lab, uni = (URIRef(ns + x) for x in ("City/香港", "City/深圳", "Laboratory/X实验室", "University/Y大学"))
    doc = URIRef(ns + "doc/d1")
    g.add((doc, RDF.type, GBA.Document))
    g.add((doc, GBA.documentId, Literal("d1")))
    for node, cls, label in (
        (hk, GBA.City, "香港"),
        (sz, GBA.City, "深圳"),
        (lab, GBA.Laboratory, "X实验室"),
        (uni, GBA.University, "Y大学"),
    ):
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, Literal(label, lang="zh-Hans")))
        g.add((node, GBA.mentionedIn, doc))
    facts = [(lab, GBA.locatedIn, sz), (lab, GBA.partnerOf, uni), (uni, GBA.locatedIn, hk), (lab, GBA.mentionedWith, hk)]
    for i, (s, p, o) in enumerate(facts):
        g.add((s, p, o))
        a = URIRef(ns + f"assertion/{i}")
        g.add((a, RDF.type, GBA.Assertion))
        g.add((a, RDF.subject, s))
        g.add((a, RDF.predicate, p))
        g.add((a, RDF.object, o))
        g.add((a, PROV.wasDerivedFrom, doc))
    return g


def test_projection_options_and_node_attributes():
    g = _rdf_fixture()
    G = project(g)
    lab, uni, hk = (f"https://w3id.org/gba-kg/id/{x}" for x in ("Laboratory/X实验室", "University/Y大学", "City/香港"))
    assert G.nodes[lab]["city"] == "深圳" and G.nodes[lab]["side"] == "mainland"
    assert G.nodes[uni]["city"] == "香港" and G.nodes[uni]["side"] == "hkmo"
    assert G.nodes[lab]["docs"] == ["d1"] and G.nodes[lab]["n_facts"] == 2
    assert G[lab][uni] == {"weight": 1, "predicates": ["partnerOf"], "support": {"d1": 1}}
    assert not G.has_edge(lab, hk)
    assert project(g, cooccurrence=True)[lab][hk]["predicates"] == ["mentionedWith"]
    assert project(g, predicates=["locatedIn"]).number_of_edges() == 2
    D = project(g, directed=True)
    assert D.is_directed() and D.has_edge(lab, uni) and not D.has_edge(uni, lab)
    assert cross_border_brokers(G) == {lab: (1, 2), uni: (2, 1)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=60).filter(lambda y: len(set(y)) > 1))
def test_rank_correlations_are_those_of_scipy_to_the_bit(ranks):
    from scipy.stats import kendalltau, spearmanr

    from kg.stability import kendall_tau_b, spearman

    expected = list(range(len(ranks)))
    assert spearman(expected, ranks) == float(spearmanr(expected, ranks).statistic)
    assert kendall_tau_b(expected, ranks) == float(kendalltau(expected, ranks).statistic)
    assert kendall_tau_b(ranks, ranks) == pytest.approx(1.0) and spearman(ranks, [-r for r in ranks]) == pytest.approx(-1.0)
