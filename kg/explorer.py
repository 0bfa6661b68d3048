"""The interactive explorer page (the only module that imports pyvis).

The page is self-contained: vis-network is inlined and every link to a CDN is removed,
so it opens with no network. Every piece of document text is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import networkx as nx
from rdflib import Graph

from .analytics import centrality, project
from .charts import TYPE_COLOURS
from .io import write_atomic

__all__ = ["TYPE_COLOURS", "render_explorer", "write_explorer"]

_EXTERNAL = re.compile(r"<(?:link|script)\b[^>]*(?:href|src)\s*=\s*\"https?://[^\"]*\"[^>]*>(?:\s*</script>)?", re.S)


def _legend(types: list[str]) -> str:
    items = "".join(
        f'<span class="gbakg-legend-item"><span style="background:{TYPE_COLOURS.get(t, "#999")}"></span>{html.escape(t)}</span>'
        for t in types
    )
    return (
        "<style>#gbakg-legend{font:13px sans-serif;padding:6px;display:flex;flex-wrap:wrap;gap:10px}"
        ".gbakg-legend-item span{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:4px;"
        "vertical-align:middle}</style>"
        f'<div id="gbakg-legend">{items}</div>'
    )


def render_explorer(graph: Graph, *, seed: int = 0, max_nodes: int = 2000) -> str:
    """HTML of the explorer for an RDF graph: nodes coloured by type, sized by PageRank."""
    from pyvis.network import Network

    G = project(graph)
    measures = centrality(G, seed=seed)["measures"]
    keep = sorted(G, key=lambda v: (-measures[v]["pagerank"], v))[:max_nodes]
    H = G.subgraph(keep)
    positions = nx.spring_layout(H, seed=seed, k=None) if H.number_of_nodes() else {}
    net = Network(height="800px", width="100%", directed=False, cdn_resources="in_line", heading="")
    top = max((measures[v]["pagerank"] for v in H), default=1.0) or 1.0
    for v in sorted(H):
        a = H.nodes[v]
        m = measures[v]
        title = "\n".join(
            [
                html.escape(a["label"]),
                f"type: {a['type']}",
                f"documents: {a['n_docs']}",
                f"PageRank: {m['pagerank']:.4f}",
                f"betweenness: {m['betweenness']:.4f}",
                f"degree: {m['degree']}",
            ]
        )
        x, y = positions.get(v, (0.0, 0.0))
        net.add_node(
            v,
            label=html.escape(a["label"]),
            title=title,
            color=TYPE_COLOURS.get(a["type"], "#999999"),
            size=8 + 30 * (m["pagerank"] / top),
            x=float(x) * 1000,
            y=float(y) * 1000,
            group=a["type"],
        )
    for u, v, d in sorted(H.edges(data=True)):
        net.add_edge(u, v, title=html.escape(", ".join(d["predicates"])), value=d["weight"])
    net.toggle_physics(False)
    page = net.generate_html(notebook=False)
    page = _EXTERNAL.sub("", page)
    types = sorted({H.nodes[v]["type"] for v in H})
    return page.replace("<body>", "<body>\n" + _legend(types), 1)


def write_explorer(graph: Graph, path: str | Path, *, seed: int = 0) -> Path:
    return write_atomic(path, render_explorer(graph, seed=seed))
