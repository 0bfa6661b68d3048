"""SHACL validation of the built graph against ``shapes.ttl`` (with ``ontology.ttl`` for the class hierarchy)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .errors import GbaKgError
from .graph import PREFIXES
from .vocabgen import ONTOLOGY_FILE

__all__ = ["SHAPES_FILE", "Violation", "format_violations", "validate"]

SHAPES_FILE = ONTOLOGY_FILE.with_name("shapes.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


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


def _short(graph: Graph, node: Node | None) -> str:
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


def validate(graph: Graph, shapes: str | Path = SHAPES_FILE, ontology: str | Path = ONTOLOGY_FILE) -> list[Violation]:
    """Every SHACL violation of ``graph``, sorted; an empty list means it conforms."""
    try:
        import pyshacl
    except ImportError as err:  # pragma: no cover - pyshacl is a core dependency
        raise GbaKgError("pyshacl is not installed", hint="pip install pyshacl") from err
    shapes_graph = Graph().parse(shapes, format="turtle")
    ontology_graph = Graph().parse(ontology, format="turtle")
    _, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes_graph, ont_graph=ontology_graph, inference="none", allow_warnings=True
    )
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        out.append(
            Violation(
                focus=_short(graph, report.value(result, SH.focusNode)),
                path=_short(graph, report.value(result, SH.resultPath)),
                value=_short(graph, report.value(result, SH.value)),
                message=messages[0] if messages else "violates a shape",
                shape=_short(graph, report.value(result, SH.sourceShape)),
            )
        )
    return sorted(set(out))


def format_violations(violations: list[Violation], limit: int = 50) -> str:
    """One line per violation, at most ``limit`` lines, then how many more there are."""
    lines = [str(v) for v in violations[:limit]]
    if len(violations) > limit:
        lines.append(f"... and {len(violations) - limit} more")
    return "\n".join(lines)
