"""Network analytics over the entity graph: projection from RDF, centrality measures, communities, brokers.

networkx is the graph model and the reference implementation. Functions take the graph first and are
deterministic: where sampling enters, ``seed`` fixes it. Above ``EXACT_LIMIT`` nodes betweenness and
closeness are estimated from sampled sources; above ``IGRAPH_LIMIT`` nodes (``engine="auto"``) the slow
measures run on python-igraph's C core, which agrees with networkx (tested on small graphs).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx
import numpy as np
from rdflib import RDF, RDFS, Literal, URIRef

from .errors import GbaKgError
from .graph import NOT_ENTITY_CLASSES, TYPED_PREDICATES, Stated, stated_in
from .triples import GraphLike
from .vocab import GBA

__all__ = [
    "EXACT_LIMIT",
    "GBA_MAINLAND_CITIES",
    "HK_MACAO",
    "IGRAPH_LIMIT",
    "TYPED_PREDICATES",
    "betweenness",
    "centrality",
    "choose_engine",
    "closeness",
    "communities",
    "core_numbers",
    "cross_border_brokers",
    "pagerank",
    "pagerank_arrays",
    "participation",
    "project",
    "sample_sources",
    "without_document",
]

EXACT_LIMIT = 2000
IGRAPH_LIMIT = 5000
HK_MACAO = ("香港", "澳门")
GBA_MAINLAND_CITIES = ("广州", "深圳", "珠海", "佛山", "惠州", "东莞", "中山", "江门", "肇庆")
_MAINLAND_PARENTS = ("广东省", "中国")
_NS = str(GBA._NS)
_PLACE_LINKS = (GBA.locatedIn, GBA.partOf, GBA.homeCity)


def _labels(graph: GraphLike, node: URIRef) -> dict[str, str]:
    labels: dict[str, str] = {}
    for lit in sorted(graph.objects(node, RDFS.label), key=str):
        if isinstance(lit, Literal):
            labels.setdefault(lit.language or "", str(lit))
    return labels


def _places(graph: GraphLike, node: URIRef, types: dict[URIRef, str], labels: dict[URIRef, dict[str, str]]) -> tuple[str, str]:
    """The city of an entity (itself, its home city, or the first city up its locatedIn/partOf chain
    within three steps) and its side of the border: ``hkmo``, ``mainland`` or empty."""
    seen = {node}
    frontier = [node]
    city = ""
    for _ in range(4):
        nxt = []
        for place in frontier:
            if types.get(place) == "City" and not city:
                city = labels[place].get("zh-Hans", "")
            name = labels.get(place, {}).get("zh-Hans", "")
            if name in HK_MACAO:
                return city or name, "hkmo"
            if name in GBA_MAINLAND_CITIES or (place != node and name in _MAINLAND_PARENTS):
                return city or name, "mainland"
            for link in _PLACE_LINKS:
                for parent in sorted(graph.objects(place, link), key=str):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.add(parent)
                        nxt.append(parent)
        frontier = nxt
    return city, ""


def project(
    graph: GraphLike,
    *,
    predicates: Iterable[str] = TYPED_PREDICATES,
    cooccurrence: bool = False,
    directed: bool = False,
    stated: Iterable[Stated] | None = None,
) -> nx.Graph:
    """The weighted entity graph of an RDF graph built by ``kg.graph.build_graph``.

    Parameters
    ----------
    graph : rdflib.Graph
        The merged graph.
    predicates : iterable of str
        Relation names that become edges (default: every typed relation).
    cooccurrence : bool
        Also count ``mentionedWith`` (same sentence), weighted by the number of sentences.
    directed : bool
        A ``DiGraph`` from subject to object instead of an undirected ``Graph``.
    stated : iterable of Stated, optional
        The graph's assertions, when they are at hand (``kg.graph.stated_by`` of the records);
        by default read from its assertion nodes (``stated_in``).

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Nodes are entity IRIs with ``type``, ``label`` (zh-Hans, else English), ``labels`` (by
        language), ``city``, ``side`` (``hkmo``, ``mainland`` or empty), ``docs`` (document IDs),
        ``n_docs`` and ``n_facts`` (counted assertions naming it). Edges carry ``weight`` (supporting
        assertions), ``predicates`` (sorted names) and ``support`` (assertions per document ID).

    Examples
    --------
    >>> from rdflib import RDF, Graph, URIRef
    >>> from kg.vocab import GBA
    >>> g = Graph()
    >>> for triple in [(URIRef("urn:a"), RDF.type, GBA.Facility), (URIRef("urn:b"), RDF.type, GBA.City),
    ...                (URIRef("urn:a"), GBA.locatedIn, URIRef("urn:b"))]:
    ...     _ = g.add(triple)
    >>> G = project(g)
    >>> sorted(G.nodes), G["urn:a"]["urn:b"]["predicates"], G["urn:a"]["urn:b"]["weight"]
    (['urn:a', 'urn:b'], ['locatedIn'], 1)
    """
    wanted = {URIRef(_NS + p) for p in predicates}
    if cooccurrence:
        wanted.add(GBA.mentionedWith)
    doc_ids = {d: str(i) for d, i in graph.subject_objects(GBA.documentId)}
    types: dict[URIRef, str] = {}
    for node, cls in graph.subject_objects(RDF.type):
        if isinstance(node, URIRef) and isinstance(cls, URIRef) and str(cls).startswith(_NS) and cls not in NOT_ENTITY_CLASSES:
            types[node] = str(cls)[len(_NS) :]
    labels = {node: _labels(graph, node) for node in types}
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for node in sorted(types):
        city, side = _places(graph, node, types, labels)
        docs = sorted(doc_ids.get(d, str(d)) for d in graph.objects(node, GBA.mentionedIn))
        names = labels[node]
        G.add_node(
            str(node),
            type=types[node],
            label=names.get("zh-Hans") or names.get("en") or next(iter(names.values()), str(node)),
            labels=names,
            city=city,
            side=side,
            docs=docs,
            n_docs=len(docs),
            n_facts=0,
        )
    support: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    wanted_names = {str(p) for p in wanted}
    for row in stated_in(graph) if stated is None else stated:
        if row.predicate in wanted_names:
            support[(row.subject, row.predicate, row.object)][row.doc] += 1
    for p in sorted(wanted):
        for s, o in sorted(graph.subject_objects(p)):
            u, v = str(s), str(o)
            if u not in G or v not in G or u == v:
                continue
            per_doc = dict(support.get((u, str(p), v)) or {"": 1})
            count = sum(per_doc.values())
            G.nodes[u]["n_facts"] += count
            G.nodes[v]["n_facts"] += count
            if not directed:
                u, v = sorted((u, v))
            name = str(p)[len(_NS) :]
            if G.has_edge(u, v):
                data = G[u][v]
                data["weight"] += count
                data["predicates"] = sorted({*data["predicates"], name})
                for doc, n in per_doc.items():
                    data["support"][doc] = data["support"].get(doc, 0) + n
            else:
                G.add_edge(u, v, weight=count, predicates=[name], support=per_doc)
    return G


def without_document(G: nx.Graph, doc: str) -> nx.Graph:
    """``G`` as if document ``doc`` had never been read: its support leaves every edge, edges with no
    support left go, and so do entities no other document names.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("a", {"docs": ["d1", "d2"]}), ("b", {"docs": ["d1"]}), ("c", {"docs": ["d2"]})])
    >>> G.add_edge("a", "b", weight=1, support={"d1": 1})
    >>> G.add_edge("a", "c", weight=3, support={"d1": 1, "d2": 2})
    >>> H = without_document(G, "d1")
    >>> sorted(H.nodes), H["a"]["c"]["weight"]
    (['a', 'c'], 2)
    """
    keep = [v for v, docs in G.nodes(data="docs") if not docs or any(d != doc for d in docs)]
    H = G.subgraph(keep).copy()
    drop = []
    for u, v, data in H.edges(data=True):
        support = data.get("support") or {}
        left = sum(n for d, n in support.items() if d != doc)
        if doc in support and left == 0:
            drop.append((u, v))
        elif doc in support:
            data["weight"] = left
            data["support"] = {d: n for d, n in support.items() if d != doc}
    H.remove_edges_from(drop)
    return H


def choose_engine(G: nx.Graph, engine: str = "auto") -> str:
    """``networkx`` or ``igraph``: ``auto`` picks igraph above ``IGRAPH_LIMIT`` nodes."""
    if engine not in ("auto", "networkx", "igraph"):
        raise GbaKgError(f"unknown analytics engine '{engine}'", hint="use auto, networkx or igraph")
    if engine == "auto":
        engine = "igraph" if G.number_of_nodes() > IGRAPH_LIMIT else "networkx"
    if engine == "igraph":
        try:
            import igraph  # noqa: F401
        except ImportError:
            raise GbaKgError("python-igraph is not installed", hint="pip install igraph, or use --engine networkx") from None
    return engine


def _sampling_engine(chosen: str) -> str:
    """The engine for sampled betweenness: igraph where it is installed."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return chosen
    return "igraph"


def _igraph(G: nx.Graph, nodes: Sequence[Any]) -> Any:
    import igraph

    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    g = igraph.Graph(n=len(nodes), edges=edges, directed=G.is_directed())
    g.es["weight"] = [float(w) for _, _, w in G.edges(data="weight", default=1)]
    return g


def sample_sources(G: nx.Graph, k: int, seed: int = 0) -> list[Any]:
    """``k`` nodes drawn without replacement, the same for the same graph and seed.

    Examples
    --------
    >>> sample_sources(nx.path_graph(10), 3, seed=1) == sample_sources(nx.path_graph(10), 3, seed=1)
    True
    """
    return random.Random(seed).sample(sorted(G), min(k, G.number_of_nodes()))


def betweenness(
    G: nx.Graph, *, sources: Sequence[Any] | None = None, engine: str = "auto", prebuilt: Any = None
) -> dict[Any, float]:
    """Normalised betweenness over hop-count shortest paths: exact, or estimated from ``sources``
    (the paths starting there, scaled by ``n / len(sources)``). ``prebuilt`` is ``G`` as an igraph
    graph over ``sorted(G)``, to convert only once.

    Examples
    --------
    >>> b = betweenness(nx.star_graph(4))
    >>> max(b, key=b.get), round(b[0], 3)
    (0, 1.0)
    """
    n = G.number_of_nodes()
    if n < 3:
        return dict.fromkeys(G, 0.0)
    nodes = sorted(G)
    if choose_engine(G, engine) == "igraph":
        g = prebuilt if prebuilt is not None else _igraph(G, nodes)
        index = {v: i for i, v in enumerate(nodes)}
        raw = g.betweenness(directed=G.is_directed(), sources=None if sources is None else [index[s] for s in sources])
        values = dict(zip(nodes, raw, strict=True))
    elif sources is None:
        values = nx.betweenness_centrality(G, normalized=False)
    else:
        values = nx.betweenness_centrality_subset(G, list(sources), nodes, normalized=False)
    scale = (n / len(sources)) if sources else 1.0
    pairs = (n - 1) * (n - 2) / (1 if G.is_directed() else 2)
    return {v: float(values[v]) * scale / pairs for v in nodes}


def closeness(G: nx.Graph, *, sources: Sequence[Any] | None = None) -> dict[Any, float]:
    """Closeness over hop counts, scaled by the share of nodes reached (networkx's ``wf_improved``):
    exact, or estimated from the distances of ``sources`` to every node.

    Examples
    --------
    >>> c = closeness(nx.path_graph(5))
    >>> max(c, key=c.get), round(c[2], 3)
    (2, 0.667)
    """
    if sources is None:
        return {v: float(c) for v, c in nx.closeness_centrality(G).items()}
    from scipy.sparse.csgraph import shortest_path

    nodes = sorted(G)
    index = {v: i for i, v in enumerate(nodes)}
    matrix = nx.to_scipy_sparse_array(G, nodelist=nodes, weight=None, format="csr")
    total = np.zeros(len(nodes))
    reached = np.zeros(len(nodes))
    picked = [index[s] for s in sources]
    for start in range(0, len(picked), 16):
        chunk = picked[start : start + 16]
        dist = shortest_path(matrix, directed=G.is_directed(), unweighted=True, indices=chunk)
        for row, s in zip(dist, chunk, strict=True):
            ok = np.isfinite(row)
            ok[s] = False
            total[ok] += row[ok]
            reached[ok] += 1
    own = np.zeros(len(nodes))
    own[picked] = 1
    pivots = len(picked) - own
    share = np.divide(reached, pivots, out=np.zeros(len(nodes)), where=pivots > 0)
    mean = np.divide(total, reached, out=np.zeros(len(nodes)), where=reached > 0)
    values = np.divide(share, mean, out=np.zeros(len(nodes)), where=mean > 0)
    return {v: float(values[i]) for i, v in enumerate(nodes)}


def pagerank(G: nx.Graph, *, alpha: float = 0.85) -> dict[Any, float]:
    """Weighted PageRank (damping ``alpha``); dangling nodes spread their rank evenly.

    Examples
    --------
    >>> p = pagerank(nx.star_graph(3))
    >>> max(p, key=p.get), round(sum(p.values()), 6)
    (0, 1.0)
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}
    if G.number_of_edges() == 0:
        return dict.fromkeys(G, 1.0 / n)
    return {v: float(p) for v, p in nx.pagerank(G, alpha=alpha, weight="weight", tol=1e-10, max_iter=1000).items()}


def pagerank_arrays(
    n: int,
    source: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray,
    *,
    alive: np.ndarray | None = None,
    directed: bool = False,
    alpha: float = 0.85,
) -> np.ndarray:
    """PageRank of the graph given as edge arrays over nodes ``0..n-1`` (only the ``alive`` ones, if
    given; the others get 0), by the same power iteration as ``networkx.pagerank``.

    Examples
    --------
    >>> r = pagerank_arrays(4, np.array([0, 0, 0]), np.array([1, 2, 3]), np.ones(3))
    >>> bool(np.allclose(r, [pagerank(nx.star_graph(3))[i] for i in range(4)]))
    True
    """
    from scipy.sparse import coo_array

    live = np.ones(n, dtype=bool) if alive is None else alive
    keep = live[source] & live[target] & (weight > 0)
    src, dst, w = source[keep], target[keep], weight[keep].astype(float)
    if not directed:
        src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([w, w])
    m = int(live.sum())
    out = np.zeros(n)
    if m == 0:
        return out
    M = coo_array((w, (src, dst)), shape=(n, n)).tocsr()
    strength = np.asarray(M.sum(axis=1)).ravel()
    inverse = np.divide(1.0, strength, out=np.zeros(n), where=strength > 0)
    p = np.where(live, 1.0 / m, 0.0)
    dangling = live & (strength == 0)
    x = p.copy()
    for _ in range(1000):
        last = x
        x = alpha * ((x * inverse) @ M + x[dangling].sum() * p) + (1 - alpha) * p
        if np.abs(x - last).sum() < m * 1e-10:
            break
    return x


def core_numbers(G: nx.Graph, *, engine: str = "auto", prebuilt: Any = None) -> dict[Any, int]:
    """The k-core each node belongs to (the largest k such that it is in a subgraph of minimum degree k).

    Examples
    --------
    >>> G = nx.complete_graph(4)
    >>> G.add_edge(3, 4)
    >>> core_numbers(G)
    {0: 3, 1: 3, 2: 3, 3: 3, 4: 1}
    """
    if choose_engine(G, engine) == "igraph":
        nodes = sorted(G)
        values = (prebuilt if prebuilt is not None else _igraph(G, nodes)).coreness(mode="all")
        return {v: int(c) for v, c in zip(nodes, values, strict=True)}
    return {v: int(c) for v, c in nx.core_number(G).items()}


def _louvain_membership(n: int, edges: np.ndarray, weights: np.ndarray, seed: int) -> list[int]:
    import igraph

    g = igraph.Graph(n=n, edges=edges, directed=False)
    g.es["weight"] = weights
    igraph.set_random_number_generator(random.Random(seed))
    try:
        return list(g.community_multilevel(weights="weight").membership)
    finally:
        igraph.set_random_number_generator(random)


def _undirected_arrays(G: nx.Graph, nodes: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    U = nx.Graph(G) if G.is_directed() else G
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in U.edges()], dtype=np.int64).reshape(-1, 2)
    weights = np.array([float(w) for _, _, w in U.edges(data="weight", default=1)], dtype=float)
    return edges, weights


def _groups(nodes: Sequence[Any], membership: Sequence[int]) -> list[list[Any]]:
    groups: dict[int, list[Any]] = defaultdict(list)
    for v, c in zip(nodes, membership, strict=True):
        groups[c].append(v)
    return sorted((sorted(c) for c in groups.values()), key=lambda c: (-len(c), c[0]))


def communities(G: nx.Graph, *, seed: int = 0, engine: str = "auto") -> list[list[Any]]:
    """Louvain communities of the undirected weighted view, seeded; largest first, members sorted.

    Examples
    --------
    >>> G = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    >>> G.add_edge(0, 5)
    >>> communities(G, seed=1)
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    """
    if G.number_of_nodes() == 0:
        return []
    if choose_engine(G, engine) == "igraph":
        nodes = sorted(G)
        edges, weights = _undirected_arrays(G, nodes)
        return _groups(nodes, _louvain_membership(len(nodes), edges, weights, seed))
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    found = nx.community.louvain_communities(U, weight="weight", seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def participation(G: nx.Graph, groups: list[list[Any]]) -> dict[Any, float]:
    """Participation coefficient ``1 - sum_c (k_ic / k_i)^2`` over weighted degree: 0 for a node whose
    links stay in its community, near 1 for one whose links spread over many (a broker).

    Examples
    --------
    >>> G = nx.Graph([(0, 1), (0, 2), (2, 3), (2, 4)])
    >>> p = participation(G, [[0, 1], [2, 3, 4]])
    >>> p[0], p[1], round(p[2], 3)
    (0.5, 0.0, 0.444)
    """
    community = {v: i for i, c in enumerate(groups) for v in c}
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    out = {}
    for v in U:
        shares: dict[int, float] = defaultdict(float)
        total = 0.0
        for u, w in ((u, d.get("weight", 1)) for u, d in U[v].items()):
            shares[community.get(u, -1)] += w
            total += w
        out[v] = 1.0 - sum((s / total) ** 2 for s in shares.values()) if total else 0.0
    return out


def cross_border_brokers(G: nx.Graph) -> dict[Any, tuple[int, int]]:
    """Entities linking Hong Kong / Macao with mainland cities: for every node that touches both sides
    (counting its own side), the number of Hong Kong/Macao and of mainland entities it links.

    Nodes carry ``side`` (``hkmo``, ``mainland`` or empty), as ``project`` sets it.

    Examples
    --------
    >>> G = nx.Graph([("lab", "hk"), ("lab", "sz"), ("sz", "gz"), ("hk", "hku"), ("hku", "sz")])
    >>> nx.set_node_attributes(G, {"lab": "", "hk": "hkmo", "hku": "hkmo", "sz": "mainland", "gz": "mainland"}, "side")
    >>> cross_border_brokers(G)
    {'hku': (2, 1), 'lab': (1, 1), 'sz': (1, 2)}
    """
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    out = {}
    for v in sorted(U):
        own = U.nodes[v].get("side", "")
        sides = [U.nodes[u].get("side", "") for u in U[v]]
        hkmo = sides.count("hkmo") + (own == "hkmo")
        mainland = sides.count("mainland") + (own == "mainland")
        if hkmo and mainland:
            out[v] = (hkmo, mainland)
    return out


def centrality(
    G: nx.Graph,
    *,
    seed: int = 0,
    samples: int = 256,
    engine: str = "auto",
    exact_limit: int = EXACT_LIMIT,
) -> dict[str, Any]:
    """Every measure of every node, the communities, and which method computed what.

    Betweenness and closeness are exact up to ``exact_limit`` nodes and estimated from ``samples``
    seeded sources above it; ``result["method"]`` says which and on which engine.

    Examples
    --------
    >>> result = centrality(nx.star_graph(4))
    >>> max(result["measures"], key=lambda n: result["measures"][n]["betweenness"])
    0
    >>> result["method"]["betweenness"]
    'exact (networkx)'
    """
    n = G.number_of_nodes()
    chosen = choose_engine(G, engine)
    sampled = n > exact_limit
    sources = sample_sources(G, samples, seed) if sampled else None
    how = f"sampled from {len(sources)} sources, seed {seed}" if sources is not None else "exact"
    pending = None
    if chosen == "igraph" and n:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        nodes = sorted(G)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"))
        pending = pool.submit(_louvain_membership, n, *_undirected_arrays(G, nodes), seed)
        pool.shutdown(wait=False)
    prebuilt = _igraph(G, nodes) if pending is not None else None
    counted_by = _sampling_engine(chosen) if sampled else chosen  # the engines agree; igraph's C is ~50x faster
    between = betweenness(G, sources=sources, engine=counted_by, prebuilt=prebuilt)
    close = closeness(G, sources=sources)
    rank = pagerank(G)
    cores = core_numbers(G, engine=chosen, prebuilt=prebuilt)
    groups = _groups(nodes, pending.result()) if pending is not None else communities(G, seed=seed, engine=chosen)
    part = participation(G, groups)
    border = cross_border_brokers(G)
    community_of = {v: i for i, c in enumerate(groups) for v in c}
    measures = {
        v: {
            "degree": int(G.degree(v)),
            "weighted_degree": float(G.degree(v, weight="weight")),
            "betweenness": between[v],
            "closeness": close[v],
            "pagerank": rank[v],
            "core": cores[v],
            "community": community_of.get(v, -1),
            "participation": part[v],
            "cross_border": border.get(v, (0, 0)),
        }
        for v in G
    }
    return {
        "measures": measures,
        "communities": groups,
        "method": {
            "engine": chosen,
            "betweenness": f"{how} ({counted_by})",
            "closeness": f"{how} (scipy)" if sampled else "exact (networkx)",
            "pagerank": "weighted, damping 0.85 (networkx)",
            "communities": f"Louvain, weighted, seed {seed} ({chosen})",
            "nodes": n,
            "edges": G.number_of_edges(),
            "directed": G.is_directed(),
        },
    }
