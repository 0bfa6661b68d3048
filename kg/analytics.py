"""Network analytics over the entity graph: projection from RDF and centrality measures.

Functions take the graph first and are deterministic: where sampling enters, ``seed`` fixes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from .graph import NOT_ENTITY_CLASSES, TYPED_PREDICATES
from .vocab import GBA

__all__ = ["EXACT_BETWEENNESS_LIMIT", "TYPED_PREDICATES", "centrality", "project"]

EXACT_BETWEENNESS_LIMIT = 2000
_NS = str(GBA._NS)


def project(
    graph: Graph,
    *,
    predicates: Iterable[str] = TYPED_PREDICATES,
    cooccurrence: bool = False,
) -> nx.Graph:
    """The undirected, weighted entity graph of an RDF graph.

    Parameters
    ----------
    graph : rdflib.Graph
        A graph built by ``kg.graph.build_graph``.
    predicates : iterable of str
        Relation names that become edges (default: every typed relation).
    cooccurrence : bool
        Also count ``mentionedWith``, weighted by the number of sentences.

    Returns
    -------
    networkx.Graph
        Nodes are entity IRIs with ``type``, ``label`` and ``n_docs``; edges carry
        ``weight`` (number of supporting assertions) and ``predicates``.

    Examples
    --------
    >>> from rdflib import RDF, Graph, URIRef
    >>> from kg.vocab import GBA
    >>> g = Graph()
    >>> for triple in [(URIRef("urn:a"), RDF.type, GBA.Facility), (URIRef("urn:b"), RDF.type, GBA.City),
    ...                (URIRef("urn:a"), GBA.locatedIn, URIRef("urn:b"))]:
    ...     _ = g.add(triple)
    >>> G = project(g)
    >>> sorted(G.nodes), G["urn:a"]["urn:b"]["predicates"]
    (['urn:a', 'urn:b'], ['locatedIn'])
    """
    wanted = {URIRef(_NS + p) for p in predicates}
    if cooccurrence:
        wanted.add(GBA.mentionedWith)
    G = nx.Graph()
    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef) and str(cls).startswith(_NS) and cls not in NOT_ENTITY_CLASSES:
            labels = {lit.language: str(lit) for lit in graph.objects(node, RDFS.label) if isinstance(lit, Literal)}
            G.add_node(
                str(node),
                type=str(cls)[len(_NS) :],
                label=labels.get("zh-Hans") or labels.get("en") or str(node),
                n_docs=len(set(graph.objects(node, GBA.mentionedIn))),
            )
    support: dict[tuple[str, str, str], int] = defaultdict(int)
    for assertion in graph.subjects(RDF.type, GBA.Assertion):
        p = graph.value(assertion, RDF.predicate)
        if p in wanted:
            support[(str(graph.value(assertion, RDF.subject)), str(p), str(graph.value(assertion, RDF.object)))] += 1
    for s, p, o in sorted(graph.triples((None, None, None))):
        if p in wanted and str(s) in G and str(o) in G and s != o:
            u, v = sorted((str(s), str(o)))
            count = max(1, support[(str(s), str(p), str(o))])
            name = str(p)[len(_NS) :]
            if G.has_edge(u, v):
                G[u][v]["weight"] += count
                if name not in G[u][v]["predicates"]:
                    G[u][v]["predicates"] = sorted([*G[u][v]["predicates"], name])
            else:
                G.add_edge(u, v, weight=count, predicates=[name])
    return G


def centrality(G: nx.Graph, *, seed: int = 0, samples: int = 256) -> dict[str, Any]:
    """Degree, weighted degree, betweenness and PageRank of every node.

    Betweenness is exact up to ``EXACT_BETWEENNESS_LIMIT`` nodes and sampled from
    ``samples`` sources (seeded) above it; ``result["method"]`` says which.

    Examples
    --------
    >>> G = nx.star_graph(4)
    >>> result = centrality(G)
    >>> max(result["measures"], key=lambda n: result["measures"][n]["betweenness"])
    0
    >>> result["method"]["betweenness"]
    'exact'
    """
    n = G.number_of_nodes()
    if n == 0:
        return {"measures": {}, "method": {"betweenness": "exact"}}
    if n <= EXACT_BETWEENNESS_LIMIT:
        betweenness = nx.betweenness_centrality(G, normalized=True)
        method = "exact"
    else:
        betweenness = nx.betweenness_centrality(G, k=min(samples, n), normalized=True, seed=seed)
        method = f"sampled ({min(samples, n)} sources, seed {seed})"
    pagerank = nx.pagerank(G, weight="weight") if G.number_of_edges() else {v: 1.0 / n for v in G}
    measures = {
        v: {
            "degree": G.degree(v),
            "weighted_degree": G.degree(v, weight="weight"),
            "betweenness": betweenness[v],
            "pagerank": pagerank[v],
        }
        for v in G
    }
    return {"measures": measures, "method": {"betweenness": method}}
