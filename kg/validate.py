"""SHACL validation of the built graph against ``shapes.ttl`` (with ``ontology.ttl`` for the class hierarchy)."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .errors import GbaKgError
from .graph import PREFIXES
from .vocabgen import ONTOLOGY_FILE

__all__ = ["SHAPES_FILE", "BackgroundValidation", "Violation", "format_violations", "validate"]

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


def _validate_into(graph: Graph, conn: Connection) -> None:
    try:
        conn.send(("ok", validate(graph)))
    except BaseException as err:  # reported by the parent, which owns the error catalogue
        conn.send(("error", f"{type(err).__name__}: {err}"))
    finally:
        conn.close()


class BackgroundValidation:
    """``validate(graph)`` in a forked process, so that it runs beside whatever the caller does next
    (where ``fork`` is not available, ``result`` validates in this process)."""

    def __init__(self, graph: Graph) -> None:
        self.graph: Graph | None = graph
        self.process: Any = None
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.conn, child = context.Pipe(duplex=False)
            self.process = context.Process(target=_validate_into, args=(graph, child), daemon=True)
            self.process.start()
            child.close()
            self.graph = None

    def result(self) -> list[Violation]:
        """Wait for the violations; a validator that failed raises ``GbaKgError``."""
        if self.process is None:
            return validate(self.graph) if self.graph is not None else []
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
