"""The interactive explorer page (the only module that imports pyvis).

The page is self-contained: vis-network is inlined and every link to a CDN is removed, so it opens
with no network. Positions are computed in Python and physics is off, so a large graph draws at once.
Document text reaches the page only as JSON (with ``<``, ``>`` and ``&`` escaped) and as canvas or
``textContent`` text, never as HTML, so a name such as ``<img src=x onerror=alert(1)>`` stays text.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec
import networkx as nx
from rdflib import SKOS, URIRef

from .analytics import EXACT_LIMIT, TYPED_PREDICATES, betweenness, pagerank, project, sample_sources
from .charts import TYPE_COLOURS
from .errors import GbaKgError
from .graph import Stated, stated_in
from .io import write_atomic
from .triples import GraphLike
from .vocab import GBA

if TYPE_CHECKING:
    from .report import Analysis

__all__ = [
    "CO_MENTIONS_PER_ENTITY",
    "HEADLESS_ARGS",
    "HEADLESS_CHROMIUM",
    "PREDICATE_COLOURS",
    "SIZE_MEASURES",
    "TYPE_COLOURS",
    "ExplorerData",
    "explorer_data",
    "render_explorer",
    "write_explorer",
]

SIZE_MEASURES = ("pagerank", "betweenness", "degree")
PREDICATE_COLOURS = {
    "locatedIn": "#1f78b4",
    "partOf": "#33a02c",
    "initiatedBy": "#e31a1c",
    "hostedBy": "#ff7f00",
    "partnerOf": "#6a3d9a",
    "fundedBy": "#b15928",
    "servesUsersFrom": "#fb9a99",
    "affiliatedWith": "#a6cee3",
    "ranks": "#b2df8a",
    "cooperatesWithCountry": "#cab2d6",
    "mentionedWith": "#bbbbbb",
}
EDGE_LABEL_LIMIT = 1000
HEADLESS_CHROMIUM = "/usr/bin/chromium"
HEADLESS_ARGS = (  # keep Debian's Chromium quiet and offline when the page is checked headless
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
_EXTERNAL = re.compile(r"<(?:link|script)\b[^>]*(?:href|src)\s*=\s*\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?", re.S)
_NS = str(GBA._NS)


@dataclass
class ExplorerData:
    """What the page shows: nodes and edges with their evidence, and what was left out."""

    nodes: dict[str, dict[str, Any]]
    edges: list[dict[str, Any]]
    total_nodes: int
    size_by: str
    note: str


CO_MENTIONS_PER_ENTITY = 4


def _json(data: Any, **_: Any) -> str:
    """Compact JSON with sorted keys and characters as they are (the page is UTF-8)."""
    return msgspec.json.encode(data, order="sorted").decode("utf-8")


def _json_for_html(data: Any) -> str:
    return _json(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Evidence(NamedTuple):
    doc: str
    start: int
    sentence: str


def _evidence(stated: Iterable[Stated]) -> dict[tuple[str, str, str], list[_Evidence]]:
    """The evidence of each relation (subject, predicate name, object), by document and offset."""
    found: dict[tuple[str, str, str], list[_Evidence]] = defaultdict(list)
    cut = len(_NS)
    for row in stated:
        found[(row.subject, row.predicate[cut:], row.object)].append(_Evidence(row.doc, row.start, row.sentence))
    for items in found.values():
        items.sort()
    return found


def _neighbourhood(G: nx.Graph, focus: str, hops: int) -> set[str]:
    wanted = focus.strip()
    matches = [v for v, a in G.nodes(data=True) if v == wanted or wanted in a.get("labels", {}).values()]
    if not matches:
        matches = [v for v, a in G.nodes(data=True) if wanted in a.get("aliases", [])]
    if not matches:
        raise GbaKgError(f"no entity named '{focus}' in the graph", hint="give a label, an alias or an IRI")
    keep: set[str] = set()
    for v in sorted(matches):
        keep |= set(nx.single_source_shortest_path_length(G, v, cutoff=hops))
    return keep


def explorer_data(
    graph: GraphLike,
    *,
    size_by: str = "pagerank",
    max_nodes: int = 2000,
    focus: str = "",
    hops: int = 1,
    seed: int = 0,
    analysis: Analysis | None = None,
    stated: list[Stated] | None = None,
    co_mentions_per_entity: int = CO_MENTIONS_PER_ENTITY,
) -> ExplorerData:
    """Nodes (labels, aliases, class, city, measures, up to five evidence sentences) and edges (one
    per relation, with its evidence) of the top ``max_nodes`` entities by ``size_by``, or of the
    neighbourhood of ``focus`` within ``hops`` (typed relations and co-occurrence both count).
    Every typed relation among them is drawn; of their co-mention links (hidden until asked for),
    at most ``co_mentions_per_entity`` times as many as there are entities, the strongest (most
    sentences) first: tens of thousands of them make a page too heavy to open.
    ``analysis``, the report's analysis of the same graph (default projection, same seed), lends
    its projected graph and measures instead of computing them again."""
    if size_by not in SIZE_MEASURES:
        raise GbaKgError(f"unknown --size-by '{size_by}'", hint="use pagerank, betweenness or degree")
    if stated is None:
        stated = stated_in(graph)
    G = analysis.G if analysis is not None else project(graph, stated=stated)
    aliases = {v: sorted({str(a) for a in graph.objects(URIRef(v), SKOS.altLabel)}) for v in G}
    n = G.number_of_nodes()
    if analysis is not None:
        found = analysis.result["measures"]
        measures = {m: {v: float(found[v][m]) for v in G} for m in SIZE_MEASURES}
    else:
        sources = sample_sources(G, 256, seed) if n > EXACT_LIMIT else None
        measures = {
            "pagerank": pagerank(G),
            "betweenness": betweenness(G, sources=sources),
            "degree": {v: float(d) for v, d in G.degree()},
        }
    evidence = _evidence(stated)
    wanted = set(TYPED_PREDICATES) | {"mentionedWith"}
    relations = sorted(k for k in evidence if k[1] in wanted and k[0] in G and k[2] in G and k[0] != k[2])
    if focus:
        reach = nx.Graph()
        reach.add_nodes_from((v, {**a, "aliases": aliases[v]}) for v, a in G.nodes(data=True))
        reach.add_edges_from((s, o) for s, _, o in relations)
        keep = _neighbourhood(reach, focus, hops)
        note = f"Neighbourhood of {focus} within {hops} hop{'s' if hops != 1 else ''}: {len(keep)} of {n} entities."
    else:
        ranked = sorted(G, key=lambda v: (-measures[size_by][v], v))
        keep = set(ranked[:max_nodes])
        note = f"Showing the top {len(keep)} of {n} entities by {size_by}." if len(keep) < n else f"Showing all {n} entities."
    per_node: dict[str, list[_Evidence]] = defaultdict(list)
    for co_mentioned in (False, True):  # typed relations' evidence first
        for s, p, o in relations:
            if (p == "mentionedWith") is co_mentioned and (s in keep or o in keep):
                items = evidence[(s, p, o)]
                for v in (s, o):
                    if v in keep:
                        per_node[v].extend(items)
    nodes = {}
    for v in sorted(keep):
        a = G.nodes[v]
        seen: list[_Evidence] = []
        for e in per_node.get(v, []):
            if all(e.sentence != x.sentence for x in seen):
                seen.append(e)
            if len(seen) == 5:
                break
        nodes[v] = {
            "label": a["label"],
            "labels": a["labels"],
            "aliases": aliases[v],
            "type": a["type"],
            "city": a["city"],
            "documents": a["docs"],
            "measures": {m: round(measures[m][v], 6) for m in SIZE_MEASURES},
            "evidence": [{"doc": e.doc, "sentence": e.sentence} for e in seen],
        }
    shown = [r for r in relations if r[0] in keep and r[2] in keep]
    co_mentions = [r for r in shown if r[1] == "mentionedWith"]
    limit = co_mentions_per_entity * len(keep)
    if len(co_mentions) > limit:
        strongest = set(sorted(co_mentions, key=lambda r: (-len(evidence[r]), r))[:limit])
        shown = [r for r in shown if r[1] != "mentionedWith" or r in strongest]
        note += f" Co-mention links: the {limit:,} strongest of {len(co_mentions):,}."
    edges = []
    for i, (s, p, o) in enumerate(shown):
        items = evidence[(s, p, o)]
        edges.append(
            {
                "id": f"e{i}",
                "from": s,
                "to": o,
                "predicate": p,
                "count": len(items),
                "evidence": [{"doc": e.doc, "sentence": e.sentence} for e in items[:3]],
            }
        )
    return ExplorerData(nodes, edges, n, size_by, note)


def _layout(nodes: list[str], edges: list[tuple[str, str]], seed: int) -> dict[str, tuple[float, float]]:
    if not nodes:
        return {}
    if len(nodes) <= 1000:
        H = nx.Graph()
        H.add_nodes_from(nodes)
        H.add_edges_from(edges)
        return {v: (float(x), float(y)) for v, (x, y) in nx.spring_layout(H, seed=seed).items()}
    import igraph

    index = {v: i for i, v in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=sorted({tuple(sorted((index[u], index[v]))) for u, v in edges if u != v}))
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = g.layout_fruchterman_reingold(niter=500, grid="auto").coords
    finally:
        igraph.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {v: ((c[0] - min(xs)) / span * 2 - 1, (c[1] - min(ys)) / span * 2 - 1) for v, c in zip(nodes, coords, strict=True)}


def _asset(name: str) -> str:
    return (files("kg") / "explorer_assets" / name).read_text(encoding="utf-8")


def render_explorer(data: ExplorerData, *, seed: int = 0) -> str:
    """The HTML page of the explorer for ``data``."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    order = sorted(data.nodes)
    positions = _layout(order, [(e["from"], e["to"]) for e in data.edges], seed)
    scale = 150 * max(len(order), 1) ** 0.5
    net = Network(height="780px", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.templateEnv.policies["json.dumps_function"] = _json  # for the template's tojson: json.dumps escaped every character
    values = [data.nodes[v]["measures"][data.size_by] for v in order]
    top = max(values, default=1.0) or 1.0
    for v in order:
        node = data.nodes[v]
        x, y = positions[v]
        net.add_node(
            v,
            label=node["label"],
            title=f"{node['label']} ({node['type']})",
            color=TYPE_COLOURS.get(node["type"], "#999999"),
            size=6 + 30 * (node["measures"][data.size_by] / top),
            x=round(x * scale, 2),
            y=round(y * scale, 2),
            physics=False,
        )
    labelled = len(data.edges) <= EDGE_LABEL_LIMIT
    for e in data.edges:  # both ends are nodes of the page: pyvis's add_edge would look each up in a list
        co = e["predicate"] == "mentionedWith"
        edge = Edge(
            e["from"],
            e["to"],
            directed=True,
            id=e["id"],
            predicate=e["predicate"],
            title=f"{e['predicate']} ({e['count']})",
            label=e["predicate"] if labelled and not co else "",
            color=PREDICATE_COLOURS.get(e["predicate"], "#999999"),
            dashes=co,
            hidden=co,
            arrows="" if co else "to",
            width=1 + min(e["count"], 5) * 0.5 if co else 1.5,
        )
        net.edges.append(edge.options)
    net.set_options(
        json.dumps(
            {
                "physics": {"enabled": False},
                "edges": {"smooth": False, "font": {"size": 9, "align": "middle"}},
                "nodes": {"shape": "dot", "font": {"size": 12}},
                "interaction": {"hover": True, "hideEdgesOnDrag": len(data.edges) > 2000, "tooltipDelay": 150},
                "layout": {"improvedLayout": False},
            }
        )
    )
    page = _EXTERNAL.sub("", net.generate_html(notebook=False))
    types = sorted({n["type"] for n in data.nodes.values()})
    predicates = sorted({e["predicate"] for e in data.edges})
    payload = {
        "nodes": data.nodes,
        "edges": {e["id"]: e for e in data.edges},
        "types": {t: TYPE_COLOURS.get(t, "#999999") for t in types},
        "predicates": {p: PREDICATE_COLOURS.get(p, "#999999") for p in predicates},
        "note": data.note,
        "sizeBy": data.size_by,
    }
    controls = _asset("controls.html")
    script = _asset("explorer.js")
    style = _asset("explorer.css")
    head = f"<style>{style}</style>\n"
    body = f'{controls}\n<script type="application/json" id="gbakg-data">{_json_for_html(payload)}</script>\n'
    page = page.replace("</head>", head + "</head>", 1)
    page = page.replace("<body>", "<body>\n" + body, 1)
    return page.replace("</body>", f"<script>{script}</script>\n</body>", 1)


def write_explorer(
    graph: GraphLike,
    path: str | Path,
    *,
    seed: int = 0,
    size_by: str = "pagerank",
    max_nodes: int = 2000,
    focus: str = "",
    hops: int = 1,
    analysis: Analysis | None = None,
    stated: list[Stated] | None = None,
) -> Path:
    data = explorer_data(
        graph, size_by=size_by, max_nodes=max_nodes, focus=focus, hops=hops, seed=seed, analysis=analysis, stated=stated
    )
    return write_atomic(path, render_explorer(data, seed=seed))
