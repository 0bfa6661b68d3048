"""Saved-query latency on a graph of >= 1 million triples: the Oxigraph store vs rdflib in memory.

The graph is the one built from a corpus (default ``out/graph.ttl``) copied until it has the wanted
number of triples: each copy renames documents, assertions, mentions and facts, and half of the
entities, so the copies overlap like documents that name the same places.

    .venv/bin/python benchmarks/query_latency.py [--graph out/graph.ttl] [--triples 1000000] [--runs 20]
        [--rdflib-limit 120]

Prints, per saved query, the rows, the p50 over ``--runs`` runs of Oxigraph on disk (``OUT/store``,
what ``gbakg query`` reads) and in memory (what ``gbakg serve`` workers hold) with the in-memory p95,
one rdflib run
(stopped at ``--rdflib-limit`` seconds, after which a fresh rdflib worker goes on with the next query;
``--rdflib-limit 0`` skips rdflib) and the ratio between them (a lower bound, ``>``, for a stopped one).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdflib import Literal, URIRef  # noqa: E402

from kg.graph import ID  # noqa: E402
from kg.query import resolve_query, run_query, saved_queries  # noqa: E402
from kg.store import memory_store, query_store  # noqa: E402
from kg.summary import SUMMARY_PREDICATES, summary_triples  # noqa: E402

BINDINGS = {
    "evidence": {"subjectLabel": "中国散裂中子源@zh-Hans", "objectLabel": "东莞@zh-Hans"},
    "ranking_history": {"cluster": f"<{ID}InnovationCluster/深圳—香港—广州创新集群>"},
    "partners": {"orgLabel": "广东省科学院@zh-Hans"},
    "graph_of_document": {"g": f"<{ID}graph/003_fae5498d62657f38>"},
}


LABELS = {URIRef("http://www.w3.org/2000/01/rdf-schema#label"), URIRef("http://www.w3.org/2004/02/skos/core#altLabel")}


def _stable_hash(text: str) -> int:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).digest()[0]


def scaled_ntriples(graph_file: Path, triples: int, target: Path) -> int:
    """Copies of the graph without its summary triples, then the summary triples of all the copies
    (computed by ``kg.summary`` exactly as a build would)."""
    from rdflib import Graph

    base = Graph().parse(graph_file, format="turtle")
    for predicate in SUMMARY_PREDICATES:
        base.remove((None, predicate, None))
    entity_prefix = str(ID)
    copies = max(1, -(-triples // len(base)))

    def scaled():
        for k in range(copies):

            def rename(term, k=k):
                if k and isinstance(term, URIRef) and str(term).startswith(entity_prefix):
                    rest = str(term)[len(entity_prefix) :]
                    if rest.split("/", 1)[0] in ("doc", "assertion", "mention", "fact", "graph") or _stable_hash(rest) % 2 == 0:
                        return URIRef(f"{term}~{k}")
                return term

            for s, p, o in base:
                s2 = rename(s)
                if isinstance(o, Literal) and s2 != s and p in LABELS:
                    o2: object = Literal(f"{o}~{k}", lang=o.language, datatype=o.datatype)
                else:
                    o2 = rename(o)
                yield s2, p, o2

    written = 0
    with target.open("w", encoding="utf-8") as fh:

        def write(stream):
            nonlocal written
            for s, p, o in stream:
                fh.write(f"{s.n3()} {p.n3()} {o.n3()} .\n")
                written += 1
                yield s, p, o

        for _ in write(summary_triples(write(scaled()))):
            pass
    return written


def _rdflib_worker(nt: str, names: list[str], queue) -> None:  # type: ignore[no-untyped-def]
    from rdflib import Graph

    t = time.perf_counter()
    g = Graph().parse(nt, format="nt")
    queue.put(("load", time.perf_counter() - t))
    for name in names:
        queue.put(("start", name))
        t = time.perf_counter()
        run_query(g, resolve_query(name), BINDINGS.get(name))
        queue.put((name, time.perf_counter() - t))


def rdflib_times(nt: Path, names: list[str], limit: float) -> dict[str, float | None]:
    """One run of each query on rdflib's in-memory graph, in a worker process; a query past ``limit``
    seconds is stopped (``None``) and a fresh worker goes on with the next one."""
    times: dict[str, float | None] = {}
    todo = list(names)
    while todo:
        queue: multiprocessing.Queue = multiprocessing.Queue()
        worker = multiprocessing.Process(target=_rdflib_worker, args=(str(nt), todo, queue))
        worker.start()
        running, deadline = None, None
        while True:
            try:
                key, value = queue.get(timeout=1)
            except Exception:
                if deadline is not None and time.perf_counter() > deadline:
                    worker.terminate()
                    times[running] = None  # type: ignore[index]
                    print(f"  rdflib: {running} stopped after {limit:.0f} s", file=sys.stderr, flush=True)
                    break
                if not worker.is_alive():
                    break
                continue
            if key == "load":
                times.setdefault("load", value)
            elif key == "start":
                running, deadline = value, time.perf_counter() + limit
            else:
                times[key] = value
                print(f"  rdflib: {key} {value:.1f} s", file=sys.stderr, flush=True)
        worker.join()
        todo = [n for n in todo if n not in times]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "out" / "graph.ttl")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rdflib-limit", type=float, default=120.0)
    args = parser.parse_args()
    import pyoxigraph as ox

    with tempfile.TemporaryDirectory() as tmp:
        nt = Path(tmp) / "graph.nt"
        t = time.perf_counter()
        n = scaled_ntriples(args.graph, args.triples, nt)
        print(f"graph: {n} triples written in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        disk = ox.Store(str(Path(tmp) / "store"))
        disk.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
        disk.flush()
        print(f"oxigraph bulk load, on disk: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        memory = memory_store([nt])
        print(f"oxigraph load, in memory (as gbakg serve loads it, in predicate, subject order): {time.perf_counter() - t:.1f} s")
        names = [q for q in saved_queries() if q != "graph_of_document"]
        timings: dict[str, dict[str, tuple[int, float, float]]] = {"disk": {}, "memory": {}}
        for kind, store in (("disk", disk), ("memory", memory)):
            for name in names:
                print(f"  oxigraph {kind}: {name}", file=sys.stderr, flush=True)
                timings[kind][name] = _latency(store, name, args.runs)
        slow_times = rdflib_times(nt, names, args.rdflib_limit) if args.rdflib_limit > 0 else {}
        print(f"rdflib parse: {(slow_times.get('load') or float('nan')):.1f} s")
        print(f"{'query':24} {'rows':>6} {'disk p50':>10} {'memory p50':>11} {'p95':>9} {'rdflib':>10} {'ratio':>8}")
        worst = {"disk": 0.0, "memory": 0.0}
        for name in names:
            rows, p50, p95 = timings["memory"][name]
            disk_p50 = timings["disk"][name][1]
            worst = {"disk": max(worst["disk"], disk_p50), "memory": max(worst["memory"], p50)}
            slow = slow_times.get(name)
            if slow is not None:
                slow_text, ratio = f"{slow * 1000:8.0f}ms", f"{slow / p50:7.0f}x"
            elif name in slow_times:
                slow_text, ratio = f">{args.rdflib_limit:.0f}s".rjust(10), f">{args.rdflib_limit / p50:.0f}x".rjust(8)
            else:
                slow_text, ratio = "not run".rjust(10), "-".rjust(8)
            print(f"{name:24} {rows:6d} {disk_p50 * 1000:8.1f}ms {p50 * 1000:9.1f}ms {p95 * 1000:7.1f}ms {slow_text} {ratio}")
        print("(ratio: rdflib over the in-memory Oxigraph p50)")
        print(f"slowest saved-query p50, Oxigraph on disk: {worst['disk'] * 1000:.1f} ms")
        print(f"slowest saved-query p50, Oxigraph in memory: {worst['memory'] * 1000:.1f} ms (target <= 50 ms)")


def _latency(store, name: str, runs: int) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    text = resolve_query(name)
    rows = len(query_store(store, text, BINDINGS.get(name)).terms)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        query_store(store, text, BINDINGS.get(name))
        times.append(time.perf_counter() - t)
    times.sort()
    return rows, statistics.median(times), times[int(0.95 * (len(times) - 1))]


if __name__ == "__main__":
    main()
