"""SPARQL over the built graph: saved ``.rq`` queries, inline text, bound parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import ResultRow

from .errors import QueryError
from .graph import PREFIXES

__all__ = ["QUERY_DIR", "Result", "format_table", "resolve_query", "run_query", "saved_queries"]

QUERY_DIR = Path(__file__).parent / "queries"


@dataclass(frozen=True)
class Result:
    variables: list[str]
    rows: list[list[str]]


def saved_queries() -> dict[str, Path]:
    """Saved queries by name (file stem)."""
    return {p.stem: p for p in sorted(QUERY_DIR.glob("*.rq"))}


def resolve_query(spec: str) -> str:
    """Query text from a saved query's name, a ``.rq`` file path, or inline SPARQL."""
    saved = saved_queries()
    if spec in saved:
        return saved[spec].read_text(encoding="utf-8")
    if spec.endswith(".rq"):
        path = Path(spec)
        if not path.is_file():
            raise QueryError(f"{spec}: query file not found", hint="gbakg query NAME lists saved queries on error")
        return path.read_text(encoding="utf-8")
    if not any(word in spec.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        raise QueryError(f"'{spec}' is neither a saved query, a .rq file nor SPARQL", hint="saved: " + ", ".join(saved))
    return spec


_LANG_TAGGED = re.compile(r"^(.*)@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$", re.S)


def _term(value: str) -> URIRef | Literal:
    """``<iri>`` → IRI; ``text@zh-Hans`` → language-tagged literal; anything else → plain literal."""
    if value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    tagged = _LANG_TAGGED.match(value)
    if tagged:
        return Literal(tagged.group(1), lang=tagged.group(2))
    return Literal(value)


def run_query(graph: Graph, text: str, bindings: dict[str, str] | None = None) -> Result:
    """Run a SELECT or ASK query; ``bindings`` map variable names to values (``<iri>`` or a literal)."""
    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except Exception as err:
        raise QueryError(f"SPARQL syntax error: {' '.join(str(err).split())[:300]}") from None
    init = {k: _term(v) for k, v in (bindings or {}).items()}
    try:
        result = graph.query(prepared, initBindings=init)
    except Exception as err:
        raise QueryError(f"query failed: {' '.join(str(err).split())[:300]}") from None
    if result.type == "ASK":
        return Result(["ask"], [[str(bool(result.askAnswer)).lower()]])
    if result.type != "SELECT":
        raise QueryError(f"{result.type} queries are not supported here; use SELECT or ASK")
    variables = [str(v) for v in result.vars or []]
    rows = []
    for row in result:
        values = list(row) if isinstance(row, ResultRow) else []
        rows.append(["" if v is None else str(v) for v in values])
    return Result(variables, rows)


def format_table(result: Result) -> str:
    """An aligned text table (wide characters counted as two columns)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    cells = [result.variables, *result.rows]
    widths = [max(width(r[i]) for r in cells) for i in range(len(result.variables))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - width(c)) for c, w in zip(row, widths, strict=False)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
