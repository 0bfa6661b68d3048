"""The centrality report: ``report.md`` and ``centrality.csv``."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import RDF, Graph

from .analytics import TYPED_PREDICATES, centrality, project
from .io import write_atomic
from .vocab import GBA

__all__ = ["rank_rows", "render_csv", "render_markdown", "write_report"]

MEASURES = ("degree", "weighted_degree", "betweenness", "pagerank")


def rank_rows(G: nx.Graph, result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per entity, sorted by PageRank, then betweenness, then label."""
    rows = []
    for node, m in result["measures"].items():
        attrs = G.nodes[node]
        rows.append({"iri": node, "label": attrs["label"], "type": attrs["type"], "n_docs": attrs["n_docs"], **m})
    rows.sort(key=lambda r: (-r["pagerank"], -r["betweenness"], r["label"], r["iri"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


def _table(rows: list[dict[str, Any]]) -> list[str]:
    out = ["| # | entity | type | PageRank | betweenness | degree | documents |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        label = r["label"].replace("|", "\\|")
        measures = f"{r['pagerank']:.4f} | {r['betweenness']:.4f} | {r['degree']}"
        out.append(f"| {r['rank']} | {label} | {r['type']} | {measures} | {r['n_docs']} |")
    return out


def render_markdown(graph: Graph, G: nx.Graph, result: dict[str, Any], rows: list[dict[str, Any]], top: int = 20) -> str:
    documents = sorted(str(d) for d in graph.subjects(RDF.type, GBA.Document))
    predicates = Counter(str(p).rsplit("#", 1)[-1] for _, p, _ in graph if str(p).rsplit("#", 1)[-1] in TYPED_PREDICATES)
    cooc = sum(1 for _ in graph.triples((None, GBA.mentionedWith, None)))
    lines = [
        "# Centrality report",
        "",
        f"{len(documents)} documents, {G.number_of_nodes()} entities, {G.number_of_edges()} edges in the analysed network.",
        "",
        "## What was counted",
        "",
        "- Nodes: every typed entity of the graph (documents, mentions and assertions excluded).",
        "- Edges: typed relations (" + ", ".join(f"{p} {predicates.get(p, 0)}" for p in TYPED_PREDICATES) + "),"
        " undirected, weighted by the number of supporting assertions.",
        f"- Excluded: `mentionedWith` co-occurrence ({cooc} pairs).",
        f"- Betweenness: {result['method']['betweenness']}, normalised. PageRank: weighted, damping 0.85.",
        "",
        f"## Top {top} entities by PageRank",
        "",
        *_table(rows[:top]),
        "",
        "## Top entities per type",
        "",
    ]
    for etype in sorted({r["type"] for r in rows}):
        lines += [f"### {etype}", "", *_table([r for r in rows if r["type"] == etype][:5]), ""]
    return "\n".join(lines) + "\n"


def render_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    fields = ["rank", "iri", "label", "type", "n_docs", *MEASURES]
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (f"{r[k]:.6f}" if isinstance(r[k], float) else r[k]) for k in fields})
    return buf.getvalue()


def write_report(graph: Graph, out_dir: str | Path, *, seed: int = 0) -> tuple[Path, Path]:
    """Write ``report.md`` and ``centrality.csv`` into ``out_dir``."""
    G = project(graph)
    result = centrality(G, seed=seed)
    rows = rank_rows(G, result)
    out = Path(out_dir)
    md = write_atomic(out / "report.md", render_markdown(graph, G, result, rows))
    table = write_atomic(out / "centrality.csv", render_csv(rows))
    return md, table
