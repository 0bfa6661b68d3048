"""The full centrality report on a synthetic graph of 100,000 nodes and 500,000 edges.

The graph has the shape of a projected corpus: typed nodes with labels, cities and sides of the
border, documents behind every node and edge, a heavy-tailed degree distribution. The report is the
same one ``gbakg report`` writes (``kg.report.analyse`` + ``write_analysis``): every measure, Louvain
communities, brokers, cross-border links, the leave-one-document-out check and all four files.

    .venv/bin/python benchmarks/report_scale.py [--nodes 100000] [--edges 500000] [--documents 2000] [--seed 0]

Prints the time of each stage, the total, the peak memory (max RSS) and the engine choices.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.analytics import centrality  # noqa: E402
from kg.report import Analysis, _counted, rank_rows, write_analysis  # noqa: E402
from kg.stability import leave_one_out  # noqa: E402

TYPES = ["Laboratory", "University", "Company", "ResearchInstitute", "Facility", "Program", "Event", "Person", "City"]
CITIES = [
    ("广州", "mainland"),
    ("深圳", "mainland"),
    ("东莞", "mainland"),
    ("珠海", "mainland"),
    ("香港", "hkmo"),
    ("澳门", "hkmo"),
    ("", ""),
]


def synthetic_graph(nodes: int, edges: int, documents: int, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    pull = 1.0 / np.arange(1, nodes + 1) ** 0.8
    pull /= pull.sum()
    G = nx.Graph()
    types = rng.integers(0, len(TYPES), nodes)
    cities = rng.integers(0, len(CITIES), nodes)
    for i in range(nodes):
        city, side = CITIES[cities[i]]
        name = f"机构{i:06d}{TYPES[types[i]]}"
        G.add_node(
            f"n{i:06d}",
            type=TYPES[types[i]],
            label=name,
            labels={"zh-Hans": name, "en": f"Org {i}"},
            city=city,
            side=side,
            docs=[],
            n_docs=0,
            n_facts=0,
        )
    names = [f"n{i:06d}" for i in range(nodes)]
    count = 0
    while count < edges:
        need = int((edges - count) * 1.1) + 10
        us = rng.choice(nodes, size=need, p=pull)
        vs = rng.integers(0, nodes, size=need)
        ds = rng.integers(0, documents, size=need)
        for u, v, d in zip(us.tolist(), vs.tolist(), ds.tolist(), strict=True):
            if u == v or G.has_edge(names[u], names[v]):
                continue
            G.add_edge(names[u], names[v], weight=1, predicates=["partnerOf"], support={f"doc{d:05d}": 1})
            count += 1
            if count >= edges:
                break
    for v, data in G.nodes(data=True):
        docs = sorted({d for u in G[v] for d in G[v][u]["support"]}) or [f"doc{int(v[1:]) % documents:05d}"]
        data["docs"], data["n_docs"], data["n_facts"] = docs, len(docs), G.degree(v)
    return G


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=500_000)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    t0 = time.perf_counter()
    G = synthetic_graph(args.nodes, args.edges, args.documents, args.seed)
    t1 = time.perf_counter()
    print(f"synthetic graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges in {t1 - t0:.1f} s (not counted)")
    stages = {}
    start = time.perf_counter()
    result = centrality(G, seed=args.seed)
    stages["measures and communities"] = time.perf_counter() - start
    mark = time.perf_counter()
    rows = rank_rows(G, result)
    stability = leave_one_out(G, top=10, seed=args.seed)
    stages["leave-one-document-out (50 documents)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    analysis = Analysis(G, rows, result, stability, _counted(G, ["nothing (synthetic graph)"]))
    with tempfile.TemporaryDirectory() as out:
        written = write_analysis(analysis, out)
        sizes = {p.name: p.stat().st_size for p in written}
    stages["report.md, report.html, centrality.csv/json"] = time.perf_counter() - mark
    total = time.perf_counter() - start
    for name, seconds in stages.items():
        print(f"  {name}: {seconds:.1f} s")
    print(f"  files: {', '.join(f'{k} {v / 1e6:.1f} MB' for k, v in sizes.items())}")
    print(f"methods: {result['method']}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    print(
        f"full report: {total:.1f} s (target <= 120 s); peak memory {peak:.2f} GB, Louvain worker {worker:.2f} GB, "
        f"together {peak + worker:.2f} GB (target <= 4 GB)"
    )


if __name__ == "__main__":
    main()
