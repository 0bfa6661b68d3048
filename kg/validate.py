"""SHACL validation of the built graph against ``shapes.ttl`` (with ``ontology.ttl`` for the class hierarchy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import GbaKgError
from .graph import PREFIXES, is_document_node
from .shacl import SH, CompiledShapes, Select, store_select
from .store import oxigraph
from .triples import GraphLike, TripleIndex
from .vocabgen import ONTOLOGY_FILE

__all__ = [
    "ENGINES",
    "SHAPES_FILE",
    "Violation",
    "format_violations",
    "validate",
    "validate_document",
    "validate_entities",
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


@lru_cache(maxsize=4)
def _compiled(shapes: str | Path = SHAPES_FILE, ontology: str | Path = ONTOLOGY_FILE) -> CompiledShapes:
    return CompiledShapes(Graph().parse(shapes, format="turtle"), Graph().parse(ontology, format="turtle"))


def _checked_by(
    shapes: CompiledShapes,
    graph: GraphLike,
    parts: str = "all",
    keep: Callable[[Node], bool] | None = None,
    select: Select | None = None,
) -> list[Violation]:
    found = {
        Violation(focus=_short(focus), path=_short(path), value=_short(value), message=message, shape=_short(shape))
        for focus, path, value, message, shape in shapes.results(graph, parts=parts, keep=keep, select=select)
    }
    return sorted(found)


def validate_document(graph: GraphLike, turtle: str | None = None) -> list[Violation]:
    """The violations at one document's own nodes (``is_document_node``: the document, its mentions,
    assertions and facts), checked against that document's graph (``record_triples``), which holds
    every triple their shapes read; and the SPARQL constraints, run on that graph. With
    ``validate_entities`` of the merged graph's view this finds what ``validate`` of the merged
    graph finds, one document at a time. ``turtle``: the same graph as Turtle, if the caller has
    written it; the SPARQL constraints then run on an Oxigraph store that parses it (faster than
    making the store triple by triple)."""
    shapes = _compiled()
    select = None
    if turtle is not None:
        ox = oxigraph()
        store = ox.Store()
        store.load(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        select = store_select(store)
    core = _checked_by(shapes, graph, "core", keep=is_document_node)
    return sorted({*core, *_checked_by(shapes, graph, "sparql", select=select)})


def validate_entities(graph: GraphLike) -> list[Violation]:
    """The core violations at the nodes of ``graph`` that belong to no one document (entities), in a
    graph holding at least their triples and their values' types (``merged_triples(view=True)``)."""
    return _checked_by(_compiled(), graph, "core", keep=_not_document_node)


def _not_document_node(node: Node) -> bool:
    return not is_document_node(node)


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


def format_violations(violations: list[Violation], limit: int = 50) -> str:
    """One line per violation, at most ``limit`` lines, then how many more there are."""
    lines = [str(v) for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"... and {len(violations) - limit} more")
    return "\n".join(lines)
