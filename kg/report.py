"""The centrality report: ``report.md``, ``report.html`` (charts embedded), ``centrality.csv`` and
``centrality.json``, with what was counted, stability under leaving documents out, and rank changes
since the previous report in the same folder."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import RDF

from .analytics import TYPED_PREDICATES, centrality, project
from .graph import Stated
from .io import write_atomic
from .stability import leave_one_out
from .triples import GraphLike
from .vocab import GBA

__all__ = [
    "Analysis",
    "analyse",
    "graph_analysis",
    "rank_changes",
    "rank_rows",
    "read_previous",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "write_analysis",
    "write_report",
]

MEASURES = ("degree", "weighted_degree", "betweenness", "closeness", "pagerank", "core", "community", "participation")
CSV_FIELDS = ("rank", "iri", "label", "type", "city", "n_docs", "n_facts", *MEASURES, "hkmo_links", "mainland_links")
TOP = 20


@dataclass
class Analysis:
    """Everything a report shows: the analysed graph, one row per entity (by PageRank), the raw result
    of ``centrality``, the stability check and what was counted or left out."""

    G: nx.Graph
    rows: list[dict[str, Any]]
    result: dict[str, Any]
    stability: dict[str, Any]
    counted: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def by_iri(self) -> dict[str, dict[str, Any]]:
        return {r["iri"]: r for r in self.rows}


def rank_rows(G: nx.Graph, result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per entity, sorted by PageRank, then betweenness, then label."""
    rows = []
    for node, m in result["measures"].items():
        a = G.nodes[node]
        hkmo, mainland = m["cross_border"]
        rows.append(
            {
                "iri": str(node),
                "label": a.get("label", str(node)),
                "labels": a.get("labels", {}),
                "type": a.get("type", ""),
                "city": a.get("city", ""),
                "n_docs": a.get("n_docs", 0),
                "n_facts": a.get("n_facts", 0),
                **{k: m[k] for k in MEASURES},
                "hkmo_links": hkmo,
                "mainland_links": mainland,
            }
        )
    rows.sort(key=lambda r: (-r["pagerank"], -r["betweenness"], r["label"], r["iri"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


def _counted(G: nx.Graph, excluded: Iterable[str]) -> dict[str, Any]:
    predicates: Counter[str] = Counter()
    for _, _, names in G.edges(data="predicates"):
        predicates.update(names or ())
    return {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "facts": int(sum(w for _, _, w in G.edges(data="weight", default=1))),
        "predicates": dict(sorted(predicates.items())),
        "directed": G.is_directed(),
        "excluded": list(excluded),
    }


def analyse(
    G: nx.Graph,
    *,
    seed: int = 0,
    engine: str = "auto",
    top: int = 10,
    stability_documents: int = 50,
    excluded: Iterable[str] = (),
) -> Analysis:
    """Measures, communities, brokers and the leave-one-document-out check of a projected graph."""
    result = centrality(G, seed=seed, engine=engine)
    rows = rank_rows(G, result)
    stability = leave_one_out(G, top=top, max_documents=stability_documents, seed=seed)
    return Analysis(G, rows, result, stability, _counted(G, excluded))


def read_previous(path: str | Path) -> dict[str, int] | None:
    """Ranks by IRI from an earlier ``centrality.json``, or ``None`` when there is none to read."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return {str(e["iri"]): int(e["rank"]) for e in data["entities"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def rank_changes(rows: list[dict[str, Any]], previous: dict[str, int] | None, *, top: int = TOP) -> dict[str, Any] | None:
    """Entities that rose or fell since the previous ranking (among either ranking's top 50), and those
    that entered or left the top ``top``.

    Examples
    --------
    >>> rows = [{"iri": "a", "label": "A", "rank": 1}, {"iri": "b", "label": "B", "rank": 2}]
    >>> changes = rank_changes(rows, {"a": 2, "b": 3, "c": 1}, top=2)
    >>> [(r["label"], r["before"], r["now"]) for r in changes["rose"]], changes["left"]
    ([('A', 2, 1), ('B', 3, 2)], [{'iri': 'c', 'before': 1}])
    """
    if previous is None:
        return None
    now = {r["iri"]: r for r in rows}
    moved = []
    for r in rows:
        before = previous.get(r["iri"])
        if before is not None and before != r["rank"] and min(before, r["rank"]) <= 50:
            moved.append({"iri": r["iri"], "label": r["label"], "before": before, "now": r["rank"]})
    rose = sorted((m for m in moved if m["now"] < m["before"]), key=lambda m: (m["now"] - m["before"], m["now"]))
    fell = sorted((m for m in moved if m["now"] > m["before"]), key=lambda m: (m["before"] - m["now"], m["before"]))
    entered = [
        {"iri": r["iri"], "label": r["label"], "now": r["rank"], "before": previous.get(r["iri"])}
        for r in rows[:top]
        if previous.get(r["iri"], top + 1) > top
    ]
    left = [
        {"iri": iri, "before": rank}
        for iri, rank in sorted(previous.items(), key=lambda kv: kv[1])
        if rank <= top and (iri not in now or now[iri]["rank"] > top)
    ]
    return {"rose": rose[:10], "fell": fell[:10], "entered": entered, "left": left}


def _md(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: Sequence[dict[str, Any]]) -> list[str]:
    out = [
        "| # | entity | type | city | PageRank | betweenness | degree | documents | facts |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['rank']} | {_md(r['label'])} | {r['type']} | {_md(r['city'])} | {r['pagerank']:.4f} | "
            f"{r['betweenness']:.4f} | {r['degree']} | {r['n_docs']} | {r['n_facts']} |"
        )
    return out


def _community_rows(analysis: Analysis, limit: int = 10) -> list[dict[str, Any]]:
    by_iri = analysis.by_iri
    out = []
    for i, members in enumerate(analysis.result["communities"][:limit]):
        ranked = sorted(members, key=lambda v: by_iri[str(v)]["rank"])
        out.append(
            {
                "id": i,
                "size": len(members),
                "label": " / ".join(by_iri[str(v)]["label"] for v in ranked[:3]),
                "members": [str(v) for v in ranked[:10]],
                "types": dict(Counter(by_iri[str(v)]["type"] for v in members).most_common(3)),
            }
        )
    return out


def _brokers(analysis: Analysis, limit: int = 10) -> list[dict[str, Any]]:
    sizes = Counter(r["community"] for r in analysis.rows)
    candidates = [r for r in analysis.rows if r["degree"] >= 2 and r["participation"] > 0 and sizes[r["community"]] > 1]
    candidates.sort(key=lambda r: (-r["participation"], -r["betweenness"], r["rank"]))
    out = []
    G = analysis.G.to_undirected(as_view=True) if analysis.G.is_directed() else analysis.G
    by_iri = analysis.by_iri
    for r in candidates[:limit]:
        touched = {by_iri[str(u)]["community"] for u in G[r["iri"]]}
        out.append({**r, "communities_touched": len(touched | {r["community"]})})
    return out


def _cross_border(analysis: Analysis, limit: int = 10) -> list[dict[str, Any]]:
    found = [r for r in analysis.rows if r["hkmo_links"] and r["mainland_links"]]
    found.sort(key=lambda r: (-min(r["hkmo_links"], r["mainland_links"]), -r["betweenness"], r["rank"]))
    return found[:limit]


def _per_group(rows: list[dict[str, Any]], key: str, limit: int) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r[key]:
            groups[r[key]].append(r)
    ordered = sorted(groups.items(), key=lambda kv: (kv[1][0]["rank"], kv[0]))
    return [(name, members[:limit]) for name, members in ordered]


def _stability_summary(stability: dict[str, Any]) -> dict[str, float]:
    runs = stability["runs"]
    if not runs:
        return {}
    return {
        "runs": len(runs),
        "overlap_mean": sum(r["overlap"] for r in runs) / len(runs),
        "overlap_min": min(r["overlap"] for r in runs),
        "spearman_mean": sum(r["spearman"] for r in runs) / len(runs),
        "spearman_min": min(r["spearman"] for r in runs),
        "kendall_mean": sum(r["kendall"] for r in runs) / len(runs),
    }


def _method_lines(analysis: Analysis) -> list[str]:
    c, m = analysis.counted, analysis.result["method"]
    predicates = ", ".join(f"{p} {n}" for p, n in c["predicates"].items()) or "none"
    lines = [
        f"- Nodes: {c['nodes']} typed entities (documents, mentions, assertions and qualified facts excluded).",
        f"- Edges: {c['edges']} {'directed (subject → object)' if c['directed'] else 'undirected'}, "
        f"weighted by the number of supporting assertions ({c['facts']} in all); by predicate: {predicates}.",
    ]
    lines += [f"- Excluded: {e}." for e in c["excluded"]]
    lines += [
        f"- Betweenness: {m['betweenness']}, normalised, over hop counts. Closeness: {m['closeness']}.",
        f"- PageRank: {m['pagerank']}. Communities: {m['communities']}. k-core: core number.",
        "- Brokers: participation coefficient over the communities (1 − Σ share²). Cross-border: entities"
        " linked to both Hong Kong/Macao and mainland entities (their own side counts).",
    ]
    return lines


def render_markdown(analysis: Analysis, changes: dict[str, Any] | None = None, *, top: int = TOP) -> str:
    rows = analysis.rows
    c = analysis.counted
    lines = [
        "# Centrality report",
        "",
        f"{c.get('documents', analysis.stability['documents'])} documents, {c['nodes']} entities, "
        f"{c['edges']} edges in the analysed network.",
        "",
        "## What was counted",
        "",
        *_method_lines(analysis),
        "",
        f"## Top {top} entities by PageRank",
        "",
        *_table(rows[:top]),
        "",
    ]
    lines += _stability_md(analysis)
    lines += _changes_md(changes)
    lines += ["## Communities", "", "| # | size | top members | main types |", "|---|---|---|---|"]
    for com in _community_rows(analysis):
        types = ", ".join(f"{t} {n}" for t, n in com["types"].items())
        lines.append(f"| {com['id']} | {com['size']} | {_md(com['label'])} | {types} |")
    lines += ["", "## Brokers between communities", "", "| entity | type | participation | communities touched | betweenness |"]
    lines.append("|---|---|---|---|---|")
    for r in _brokers(analysis):
        lines.append(
            f"| {_md(r['label'])} | {r['type']} | {r['participation']:.3f} | {r['communities_touched']} | "
            f"{r['betweenness']:.4f} |"
        )
    lines += ["", "## Linking Hong Kong / Macao with mainland cities", "", "| entity | type | HK/Macao links | mainland links |"]
    lines.append("|---|---|---|---|")
    for r in _cross_border(analysis):
        lines.append(f"| {_md(r['label'])} | {r['type']} | {r['hkmo_links']} | {r['mainland_links']} |")
    lines += ["", "## Top entities per type", ""]
    for etype, members in sorted(_per_group(rows, "type", 5)):
        lines += [f"### {etype}", "", *_table(members), ""]
    lines += ["## Top entities per city", ""]
    for city, members in _per_group(rows, "city", 5)[:15]:
        lines += [f"### {_md(city)}", "", *_table(members), ""]
    return "\n".join(lines) + "\n"


def _stability_md(analysis: Analysis) -> list[str]:
    st = analysis.stability
    summary = _stability_summary(st)
    lines = ["## Stability: each document left out", ""]
    if not summary:
        return [*lines, "Fewer than two documents: nothing to leave out.", ""]
    sampled = f" ({summary['runs']} of {st['documents']} drawn at random)" if st["sampled"] else ""
    lines += [
        f"The ranking was recomputed {summary['runs']} times, each time without one source document{sampled}. "
        f"Top-{len(st['top'])} overlap: mean {summary['overlap_mean']:.2f}, worst {summary['overlap_min']:.2f}; "
        f"Spearman rank correlation of the top {len(st['top'])}: mean {summary['spearman_mean']:.2f}, "
        f"worst {summary['spearman_min']:.2f}; Kendall mean {summary['kendall_mean']:.2f}.",
        "",
        "| entity | stays in the top | documents | facts |",
        "|---|---|---|---|",
    ]
    by_iri = analysis.by_iri
    for iri in st["top"]:
        r = by_iri[str(iri)]
        lines.append(f"| {_md(r['label'])} | {st['stay'][iri]:.0%} | {r['n_docs']} | {r['n_facts']} |")
    return [*lines, ""]


def _changes_md(changes: dict[str, Any] | None) -> list[str]:
    lines = ["## Changes since the previous report", ""]
    if changes is None:
        return [*lines, "First report in this folder: nothing to compare with.", ""]
    if not any(changes.values()):
        return [*lines, "No entity changed rank.", ""]
    for key, title in (("rose", "Rose"), ("fell", "Fell")):
        for m in changes[key]:
            lines.append(f"- {title}: {_md(m['label'])} {m['before']} → {m['now']}")
    for m in changes["entered"]:
        lines.append(f"- Entered the top {TOP}: {_md(m['label'])} (now {m['now']}, before {m['before'] or 'absent'})")
    for m in changes["left"]:
        lines.append(f"- Left the top {TOP}: {_md(m['iri'])} (was {m['before']})")
    return [*lines, ""]


def render_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (f"{r[k]:.6f}" if isinstance(r[k], float) else r[k]) for k in CSV_FIELDS})
    return buf.getvalue()


def _rounded(value: Any) -> Any:
    return round(value, 8) if isinstance(value, float) else value


def render_json(analysis: Analysis, changes: dict[str, Any] | None = None) -> str:
    st = analysis.stability
    data = {
        "counted": analysis.counted,
        "method": analysis.result["method"],
        "entities": [{k: _rounded(v) for k, v in r.items()} for r in analysis.rows],
        "communities": _community_rows(analysis, limit=len(analysis.result["communities"])),
        "brokers": [r["iri"] for r in _brokers(analysis)],
        "cross_border": [r["iri"] for r in _cross_border(analysis)],
        "stability": {
            "top": [str(v) for v in st["top"]],
            "stay": {str(k): _rounded(v) for k, v in st["stay"].items()},
            "runs": [{k: _rounded(v) for k, v in run.items()} for run in st["runs"]],
            "documents": st["documents"],
            "sampled": st["sampled"],
            **{k: _rounded(v) for k, v in _stability_summary(st).items()},
        },
        "changes": changes,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def _charts(analysis: Analysis, font: str | None) -> list[tuple[str, bytes]]:
    from .charts import TYPE_COLOURS, bar_chart, chart_label

    cjk = font is not None
    top = analysis.rows[:15]
    charts = [
        (
            "Top entities by PageRank",
            bar_chart(
                [chart_label(r["labels"], f"#{r['rank']} {r['type']}", cjk=cjk) for r in top],
                [r["pagerank"] for r in top],
                title="Top entities by PageRank",
                xlabel="PageRank",
                colours=[TYPE_COLOURS.get(r["type"], "#999999") for r in top],
                font=font,
            ),
        )
    ]
    by_iri = analysis.by_iri
    coms = _community_rows(analysis, limit=12)
    if coms:
        charts.append(
            (
                "Community sizes",
                bar_chart(
                    [
                        f"{c['id']}: "
                        + chart_label(by_iri[c["members"][0]]["labels"], f"#{by_iri[c['members'][0]]['rank']}", cjk=cjk)
                        for c in coms
                    ],
                    [c["size"] for c in coms],
                    title="Communities (labelled by their top member)",
                    xlabel="entities",
                    font=font,
                ),
            )
        )
    st = analysis.stability
    if st["runs"]:
        members = [by_iri[str(v)] for v in st["top"]]
        charts.append(
            (
                "Stability of the top entities",
                bar_chart(
                    [chart_label(r["labels"], f"#{r['rank']} {r['type']}", cjk=cjk) for r in members],
                    [st["stay"][r["iri"]] for r in members],
                    title=f"Share of leave-one-document-out runs keeping it in the top {len(members)}",
                    xlabel="share of runs",
                    font=font,
                ),
            )
        )
    return charts


def _html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _entity_cells(r: dict[str, Any]) -> list[Any]:
    return [
        r["rank"],
        r["label"],
        r["type"],
        r["city"],
        f"{r['pagerank']:.4f}",
        f"{r['betweenness']:.4f}",
        r["degree"],
        r["n_docs"],
        r["n_facts"],
    ]


_ENTITY_HEAD = ("#", "entity", "type", "city", "PageRank", "betweenness", "degree", "documents", "facts")
_CSS = (
    "body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC',sans-serif;margin:2em;max-width:1100px;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;font-size:14px}"
    "th{background:#f0f0f0}img{max-width:100%;display:block;margin:1em 0}.note{color:#666}"
)


def render_html(analysis: Analysis, changes: dict[str, Any] | None = None, *, font: str | None = None, top: int = TOP) -> str:
    """The report as one self-contained HTML page: every text escaped, charts as inline PNG."""
    esc = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-Hans"><head><meta charset="utf-8"><title>Centrality report</title>',
        f"<style>{_CSS}</style></head><body>",
        "<h1>Centrality report</h1>",
        "<h2>What was counted</h2><ul>",
        *(f"<li>{esc(line[2:])}</li>" for line in _method_lines(analysis)),
        "</ul>",
    ]
    if font is None:
        parts.append(
            '<p class="note">No CJK font was found, so chart labels show English names or ranks '
            "(install fonts-wqy-microhei for Chinese labels).</p>"
        )
    for title, png in _charts(analysis, font):
        data = base64.b64encode(png).decode("ascii")
        parts.append(f'<figure><img alt="{esc(title)}" src="data:image/png;base64,{data}"></figure>')
    parts += [f"<h2>Top {top} entities by PageRank</h2>", _html_table(_ENTITY_HEAD, map(_entity_cells, analysis.rows[:top]))]
    st, summary = analysis.stability, _stability_summary(analysis.stability)
    parts.append("<h2>Stability: each document left out</h2>")
    if summary:
        parts.append(
            f"<p>{summary['runs']} runs; top-{len(st['top'])} overlap mean {summary['overlap_mean']:.2f} (worst "
            f"{summary['overlap_min']:.2f}); Spearman mean {summary['spearman_mean']:.2f} "
            f"(worst {summary['spearman_min']:.2f}).</p>"
        )
        by_iri = analysis.by_iri
        parts.append(
            _html_table(
                ("entity", "stays in the top", "documents", "facts"),
                (
                    [by_iri[str(v)]["label"], f"{st['stay'][v]:.0%}", by_iri[str(v)]["n_docs"], by_iri[str(v)]["n_facts"]]
                    for v in st["top"]
                ),
            )
        )
    else:
        parts.append("<p>Fewer than two documents: nothing to leave out.</p>")
    parts.append("<h2>Changes since the previous report</h2>")
    change_lines = _changes_md(changes)[2:-1]
    parts.append("<ul>" + "".join(f"<li>{esc(line.lstrip('- '))}</li>" for line in change_lines) + "</ul>")
    parts.append("<h2>Communities</h2>")
    parts.append(
        _html_table(
            ("#", "size", "top members", "main types"),
            (
                [c["id"], c["size"], c["label"], ", ".join(f"{t} {n}" for t, n in c["types"].items())]
                for c in _community_rows(analysis)
            ),
        )
    )
    parts.append("<h2>Brokers between communities</h2>")
    parts.append(
        _html_table(
            ("entity", "type", "participation", "communities touched", "betweenness"),
            (
                [r["label"], r["type"], f"{r['participation']:.3f}", r["communities_touched"], f"{r['betweenness']:.4f}"]
                for r in _brokers(analysis)
            ),
        )
    )
    parts.append("<h2>Linking Hong Kong / Macao with mainland cities</h2>")
    parts.append(
        _html_table(
            ("entity", "type", "HK/Macao links", "mainland links"),
            ([r["label"], r["type"], r["hkmo_links"], r["mainland_links"]] for r in _cross_border(analysis)),
        )
    )
    parts.append("<h2>Top entities per type</h2>")
    for etype, members in sorted(_per_group(analysis.rows, "type", 5)):
        parts += [f"<h3>{esc(etype)}</h3>", _html_table(_ENTITY_HEAD, map(_entity_cells, members))]
    parts.append("<h2>Top entities per city</h2>")
    for city, members in _per_group(analysis.rows, "city", 5)[:15]:
        parts += [f"<h3>{esc(city)}</h3>", _html_table(_ENTITY_HEAD, map(_entity_cells, members))]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_analysis(analysis: Analysis, out_dir: str | Path, *, font: str | bool | None = True) -> list[Path]:
    """Write the four report files; ranks are compared with the ``centrality.json`` already there.
    ``font=True`` looks for a CJK font, ``None`` draws without one."""
    from .charts import cjk_font

    out = Path(out_dir)
    changes = rank_changes(analysis.rows, read_previous(out / "centrality.json"))
    chosen = cjk_font() if font is True else (font or None)
    return [
        write_atomic(out / "report.md", render_markdown(analysis, changes)),
        write_atomic(out / "report.html", render_html(analysis, changes, font=chosen)),
        write_atomic(out / "centrality.csv", render_csv(analysis.rows)),
        write_atomic(out / "centrality.json", render_json(analysis, changes)),
    ]


def write_report(
    graph: GraphLike,
    out_dir: str | Path,
    *,
    seed: int = 0,
    cooccurrence: bool = False,
    directed: bool = False,
    engine: str = "auto",
) -> list[Path]:
    """Project ``graph``, analyse it and write ``report.md``, ``report.html``, ``centrality.csv`` and
    ``centrality.json`` into ``out_dir``."""
    analysis = graph_analysis(graph, seed=seed, cooccurrence=cooccurrence, directed=directed, engine=engine)
    return write_analysis(analysis, out_dir)


def graph_analysis(
    graph: GraphLike,
    *,
    seed: int = 0,
    cooccurrence: bool = False,
    directed: bool = False,
    engine: str = "auto",
    stated: list[Stated] | None = None,
) -> Analysis:
    """The ``Analysis`` of the projection of ``graph`` that ``write_report`` writes (``stated``: its
    assertions, when at hand; see ``project``)."""
    G = project(graph, cooccurrence=cooccurrence, directed=directed, stated=stated)
    cooc = sum(1 for _ in graph.triples((None, GBA.mentionedWith, None)))
    excluded = [] if cooccurrence else [f"`mentionedWith` co-occurrence ({cooc} pairs; include it with --cooccurrence)"]
    counted_docs = sum(1 for _ in graph.subjects(RDF.type, GBA.Document))
    analysis = analyse(G, seed=seed, engine=engine, excluded=excluded)
    analysis.counted["documents"] = counted_docs
    analysis.counted["predicates_available"] = list(TYPED_PREDICATES)
    return analysis
