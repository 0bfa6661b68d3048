"""SPARQL over the built graph: saved ``.rq`` queries, inline text, bound parameters, two engines.

The Oxigraph store (``kg.store``) is the fast engine; rdflib's in-memory graph is kept as an
option and as the reference. Both return a ``Result`` of rdflib terms. Values are bound through
``initBindings`` (rdflib) or ``substitutions`` (Oxigraph), never pasted into the query text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import ResultRow
from rdflib.term import Node

from .errors import QueryError
from .graph import ID, PREFIXES

__all__ = [
    "FORMATS",
    "QUERY_DIR",
    "Result",
    "SavedQuery",
    "check_safe",
    "format_result",
    "format_table",
    "parse_term",
    "picks_graphs",
    "resolve_query",
    "run_query",
    "saved_queries",
]

QUERY_DIR = Path(__file__).parent / "queries"
FORMATS = ("table", "csv", "tsv", "json", "xml")


@dataclass(frozen=True)
class Result:
    """Rows of a SELECT (``None`` where a variable is unbound), the answer of an ASK as one row, or the
    triples of a CONSTRUCT/DESCRIBE."""

    variables: list[str]
    terms: list[list[Node | None]]
    kind: str = "SELECT"
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False

    @property
    def rows(self) -> list[list[str]]:
        return [["" if t is None else str(t) for t in row] for row in self.terms]


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    title: str
    description: str


def saved_queries() -> dict[str, SavedQuery]:
    """Saved queries by name (file stem), with the title and description from their header comments."""
    out = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        header = dict(re.findall(r"^#\s*(title|description):\s*(.+)$", path.read_text(encoding="utf-8"), re.M))
        out[path.stem] = SavedQuery(path.stem, path, header.get("title", path.stem), header.get("description", ""))
    return out


def resolve_query(spec: str) -> str:
    """Query text from a saved query's name, a ``.rq`` file path, or inline SPARQL."""
    saved = saved_queries()
    if spec in saved:
        return saved[spec].path.read_text(encoding="utf-8")
    if spec.endswith(".rq"):
        path = Path(spec)
        if not path.is_file():
            raise QueryError(f"{spec}: query file not found", hint="'gbakg queries' lists the saved queries")
        return path.read_text(encoding="utf-8")
    if not re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", spec, re.I):
        raise QueryError(
            f"'{spec}' is neither a saved query, a .rq file nor SPARQL", hint="'gbakg queries' lists the saved queries"
        )
    return spec


_LANG_TAGGED = re.compile(r"^(.*)@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$", re.S)


def parse_term(value: str) -> URIRef | Literal:
    """``<iri>`` → IRI; ``text@zh-Hans`` → language-tagged literal; anything else → plain literal."""
    if value.startswith("<") and value.endswith(">"):
        return URIRef(value[1:-1])
    tagged = _LANG_TAGGED.match(value)
    if tagged:
        return Literal(tagged.group(1), lang=tagged.group(2))
    return Literal(value)


_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|<[^>\s]*>'
)
_FROM = re.compile(r"\bFROM\s+(?:NAMED\s+)?<([^>]*)>", re.I)


def _code(text: str) -> str:
    return _STRINGS_AND_COMMENTS.sub(lambda m: m.group() if m.group().startswith("<") else " ", text)


def picks_graphs(text: str) -> bool:
    """Whether the query chooses its own graphs (``GRAPH`` or ``FROM``), ignoring comments, strings and IRIs.

    >>> picks_graphs("SELECT * WHERE { ?s ?p 'FROM' } # from the graph"), picks_graphs("SELECT * FROM <g> WHERE {}")
    (False, True)
    """
    return re.search(r"(?<![?$:\w])(GRAPH|FROM)\b", re.sub(r"<[^>\s]*>", " ", _code(text)), re.I) is not None


def check_safe(text: str) -> None:
    """Refuse queries that would reach outside the graph: ``SERVICE``, ``LOAD`` and any update,
    and ``FROM`` an IRI that is not one of this graph's named graphs."""
    code = _code(text)
    keywords = re.sub(r"<[^>\s]*>", " ", code)
    for word in ("SERVICE", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD"):
        if re.search(rf"(?<![?$:\w]){word}\b", keywords, re.I):
            raise QueryError(
                f"{word} is not allowed: queries may only read this graph", hint="remove the SERVICE or update clause"
            )
    for iri in _FROM.findall(code):
        if not iri.startswith(str(ID["graph/"])):
            raise QueryError(f"FROM <{iri}> is not allowed: only this graph's named graphs (id:graph/...) can be selected")


def _syntax_error(err: Exception) -> QueryError:
    line, col = getattr(err, "lineno", None), getattr(err, "col", None)
    message = " ".join(str(getattr(err, "msg", "") or err).split())
    where = f" at line {line}, column {col}" if line is not None and col is not None else ""
    return QueryError(f"SPARQL syntax error{where}: {message[:300]}")


def run_query(graph: Graph, text: str, bindings: dict[str, str] | None = None) -> Result:
    """Run a query on an in-memory rdflib graph; ``bindings`` map variable names to ``<iri>`` or text."""
    from rdflib.plugins.sparql import prepareQuery

    check_safe(text)
    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except Exception as err:
        raise _syntax_error(err) from None
    init = {k: parse_term(v) for k, v in (bindings or {}).items()}
    try:
        result = graph.query(prepared, initBindings=init)
    except Exception as err:
        message = " ".join(str(err).split())
        if "requiring a dataset" in message:
            raise QueryError(
                "this query reads named graphs (GRAPH), which the rdflib engine does not hold", hint="use --engine oxigraph"
            ) from None
        raise QueryError(f"query failed: {message[:300]}") from None
    if result.type == "ASK":
        return Result(["ask"], [[Literal(bool(result.askAnswer))]], kind="ASK")
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Result(["subject", "predicate", "object"], [], kind=result.type, triples=sorted(result))  # type: ignore[arg-type]
    variables = [str(v) for v in result.vars or []]
    return Result(variables, [list(row) if isinstance(row, ResultRow) else [] for row in result])


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(result: Result) -> str:
    """An aligned text table (wide characters counted as two columns)."""
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return _turtle(result)
    cells = [result.variables, *result.rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(result.variables))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=False)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attrs = (
        f" xml:lang={quoteattr(term.language)}"
        if term.language
        else (f" datatype={quoteattr(str(term.datatype))}" if term.datatype else "")
    )
    return f"<literal{attrs}>{escape(str(term))}</literal>"


def _turtle(result: Result) -> str:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for triple in result.triples:
        g.add(triple)
    return g.serialize(format="turtle")


def format_result(result: Result, fmt: str) -> str:
    """The result as ``table``, ``csv``, ``tsv``, ``json`` or ``xml`` (SPARQL 1.1 result formats);
    CONSTRUCT and DESCRIBE results are Turtle whatever the format."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format '{fmt}'", hint="use " + ", ".join(FORMATS))
    if result.kind in ("CONSTRUCT", "DESCRIBE"):
        return _turtle(result)
    if fmt == "table":
        return format_table(result) + "\n"
    if fmt == "json":
        payload: dict[str, Any] = {"head": {"vars": [] if result.kind == "ASK" else result.variables}}
        if result.kind == "ASK":
            payload["boolean"] = bool(result.terms[0][0])
        else:
            bindings = [
                {v: _json_term(t) for v, t in zip(result.variables, row, strict=False) if t is not None} for row in result.terms
            ]
            payload["results"] = {"bindings": bindings}
        return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in ([] if result.kind == "ASK" else result.variables))
        if result.kind == "ASK":
            body = f"<boolean>{str(bool(result.terms[0][0])).lower()}</boolean>"
        else:
            rows = (
                "<result>"
                + "".join(
                    f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                    for v, t in zip(result.variables, row, strict=False)
                    if t is not None
                )
                + "</result>"
                for row in result.terms
            )
            body = "<results>" + "".join(rows) + "</results>"
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>{body}</sparql>\n'
        )
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows(result.rows)
        return buf.getvalue()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in result.terms]
    return "\n".join(lines) + "\n"
