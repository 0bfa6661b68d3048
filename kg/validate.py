"""SHACL validation of the built graph against ``shapes.ttl`` (with ``ontology.ttl`` for the class hierarchy)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import GbaKgError
from .graph import PREFIXES
from .shacl import SH, CompiledShapes, Select, store_select
from .triples import GraphLike, TripleIndex
from .vocabgen import ONTOLOGY_FILE

__all__ = [
    "ENGINES",
    "SHAPES_FILE",
    "BackgroundValidation",
    "Violation",
    "format_violations",
    "validate",
    "validate_share",
]

SHAPES_FILE = ONTOLOGY_FILE.with_name("shapes.ttl")


@dataclass(frozen=True, order=True)
class Violation:
    focus: str
    path: str
    value: str
    message: str
    shape: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        value = f" = {self.value}" if self.value else ""
        return f"{self.focus}{where}{value}: {self.message}"


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, ns in PREFIXES.items():
            if str(node).startswith(str(ns)):
                return f"{prefix}:{str(node)[len(str(ns)) :]}"
        return f"<{node}>"
    if isinstance(node, Literal):
        text = str(node)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    return "[]"


ENGINES = ("gbakg", "pyshacl")


def validate(
    graph: GraphLike, shapes: str | Path = SHAPES_FILE, ontology: str | Path = ONTOLOGY_FILE, *, engine: str = "gbakg"
) -> list[Violation]:
    """Every SHACL violation of ``graph``, sorted; an empty list means it conforms. ``engine``:
    ``gbakg`` (``kg.shacl``, the one builds use) or ``pyshacl`` (the reference, much slower)."""
    if engine == "pyshacl":
        if isinstance(graph, TripleIndex):
            graph = graph.to_graph()
        return _violations(graph, Graph().parse(shapes, format="turtle"), Graph().parse(ontology, format="turtle"))
    if engine != "gbakg":
        raise ValueError(f"unknown SHACL engine {engine!r}; one of {', '.join(ENGINES)}")
    return _checked_by(_compiled(shapes, ontology), graph)


def _compiled(shapes: str | Path = SHAPES_FILE, ontology: str | Path = ONTOLOGY_FILE) -> CompiledShapes:
    return CompiledShapes(Graph().parse(shapes, format="turtle"), Graph().parse(ontology, format="turtle"))


def _checked_by(
    shapes: CompiledShapes,
    graph: GraphLike,
    parts: str = "all",
    select: Select | None = None,
    share: tuple[int, int] = (0, 1),
) -> list[Violation]:
    found = {
        Violation(focus=_short(focus), path=_short(path), value=_short(value), message=message, shape=_short(shape))
        for focus, path, value, message, shape in shapes.results(graph, parts=parts, select=select, share=share)
    }
    return sorted(found)


def validate_sparql(merged: GraphLike, store: Any) -> list[Violation]:
    """The violations of the shapes' SPARQL constraints, their queries run on ``store``: an Oxigraph
    store whose default graph holds ``merged`` (the build's own store). With ``validate_share(...,
    sparql=False)`` this finds what ``validate(merged)`` finds, without copying the graph for SPARQL."""
    return _checked_by(_compiled(), merged, "sparql", store_select(store))


def _pyshacl() -> Any:
    try:
        import pyshacl
    except ImportError as err:  # pragma: no cover - pyshacl is a core dependency
        raise GbaKgError("pyshacl is not installed", hint="pip install pyshacl") from err
    return pyshacl


def _violations(graph: Graph, shapes_graph: Graph, ontology_graph: Graph, *, inplace: bool = False) -> list[Violation]:
    """``inplace``: the ontology may be mixed into ``graph`` itself (a throwaway), sparing a copy."""
    if not graph.store.context_aware:  # pyshacl mixes the ontology in through a ConjunctiveGraph
        copy = Graph()
        copy.addN((s, p, o, copy) for s, p, o in graph)
        graph, inplace = copy, True
    _, report, _ = _pyshacl().validate(
        graph, shacl_graph=shapes_graph, ont_graph=ontology_graph, inference="none", allow_warnings=True, inplace=inplace
    )
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        out.append(
            Violation(
                focus=_short(report.value(result, SH.focusNode)),
                path=_short(report.value(result, SH.resultPath)),
                value=_short(report.value(result, SH.value)),
                message=messages[0] if messages else "violates a shape",
                shape=_short(report.value(result, SH.sourceShape)),
            )
        )
    return sorted(set(out))


def validate_share(graph: GraphLike, *, share: tuple[int, int] = (0, 1), sparql: bool = True) -> list[Violation]:
    """The violations ``validate(graph)`` finds at the focus nodes of one share: ``share=(i, n)``
    checks the nodes whose IRI's CRC-32 is i modulo n, so that n processes split the work (their
    results, joined, are the whole). ``sparql=False`` leaves out the SPARQL constraints, for
    ``validate_sparql`` to check on a store."""
    return _checked_by(_compiled(), graph, "all" if sparql else "core", share=share)


def _validate_into(check: Callable[[], list[Violation]], conn: Connection) -> None:
    try:
        conn.send(("ok", check()))
    except BaseException as err:  # reported by the parent, which owns the error catalogue
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


class BackgroundValidation:
    """``check()`` (by default ``validate(graph)``) in a forked process, so that it runs beside
    whatever the caller does next (where ``fork`` is not available, ``result`` runs it here)."""

    def __init__(self, graph: Graph | None = None, check: Callable[[], list[Violation]] | None = None) -> None:
        self.check: Callable[[], list[Violation]] | None = check or (lambda: validate(graph) if graph is not None else [])
        self.process: Any = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.conn, child = context.Pipe(duplex=False)
            self.process = context.Process(target=_validate_into, args=(self.check, child), daemon=True)
            self.process.start()
            child.close()
            self.check = None

    def result(self) -> list[Violation]:
        """Wait for the violations; a validator that failed raises ``GbaKgError``."""
        if self.process is None:
            return self.check() if self.check is not None else []
        try:
            status, payload = self.conn.recv()
        except EOFError:
            status, payload = "error", f"the validating process ended with status {self.process.exitcode}"
        finally:
            self.cancel()
        if status != "ok":
            raise GbaKgError(f"SHACL validation failed: {payload}", hint="run 'gbakg validate' to see the error")
        return payload  # type: ignore[no-any-return]

    def cancel(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.conn.close()


def format_violations(violations: list[Violation], limit: int = 50) -> str:
    """One line per violation, at most ``limit`` lines, then how many more there are."""
    lines = [str(v) for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"... and {len(violations) - limit} more")
    return "\n".join(lines)
