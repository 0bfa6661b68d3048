"""When one machine is not enough: push the graph to a SPARQL 1.1 Graph Store and query a remote endpoint.

``push`` PUTs the merged graph into the named graph ``id:graph/all`` and each document's named graph
(and the known-entities graph) under its own IRI, so the server holds the same quads as ``graph.trig``.
``query_endpoint`` sends a query over the SPARQL 1.1 Protocol with the ontology's prefixes, bound
values as a ``VALUES`` block opening the WHERE clause of serialised terms, and ``id:graph/all`` as the default graph
unless the query picks graphs itself (``GRAPH`` or ``FROM``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import GbaKgError, GraphFileError, QueryError
from .graph import ID, PREFIXES
from .query import Result, check_safe, parse_term, picks_graphs

__all__ = ["MERGED_GRAPH", "push", "query_endpoint", "with_prefixes_and_values"]

MERGED_GRAPH = ID["graph/all"]


def _auth(user: str, password: str, scheme: str) -> Any:
    if not user:
        return None
    import requests.auth

    return requests.auth.HTTPDigestAuth(user, password) if scheme == "digest" else requests.auth.HTTPBasicAuth(user, password)


def push(
    out_dir: str | Path, endpoint: str, *, user: str = "", password: str = "", auth: str = "digest", timeout: float = 300.0
) -> list[tuple[str, int]]:
    """PUT every graph of ``OUT`` to the Graph Store at ``endpoint``; return (graph IRI, triples) pushed."""
    import requests

    out = Path(out_dir)
    ttl, trig = out / "graph.ttl", out / "graph.trig"
    for path in (ttl, trig):
        if not path.is_file():
            raise GraphFileError(f"{path}: graph file not found")
    dataset = Dataset()
    dataset.parse(trig, format="trig")
    graphs: list[tuple[str, bytes, int]] = [(str(MERGED_GRAPH), ttl.read_bytes(), -1)]
    for g in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if isinstance(g.identifier, URIRef) and str(g.identifier).startswith(str(ID)) and len(g):
            graphs.append((str(g.identifier), g.serialize(format="nt", encoding="utf-8"), len(g)))
    pushed = []
    session = requests.Session()
    session.auth = _auth(user, password, auth)
    for iri, data, count in graphs:
        media = "text/turtle" if count < 0 else "application/n-triples"
        response = _put(session, endpoint, iri, data, media, timeout)
        if response.status_code >= 300:
            reason = " ".join(response.text.split())[:200]
            hint = (
                "pass --user and --password" if response.status_code in (401, 403) else "is --endpoint a SPARQL Graph Store URL?"
            )
            raise GbaKgError(f"{endpoint}: PUT <{iri}> answered {response.status_code} {reason}", hint=hint)
        pushed.append((iri, count if count >= 0 else len(Graph().parse(data=data, format="turtle"))))
    return pushed


PUT_ATTEMPTS = 3


def _put(session: Any, endpoint: str, iri: str, data: bytes, media: str, timeout: float) -> Any:
    """One graph PUT, sent again (it is idempotent) when the connection drops before the answer is
    read, as Virtuoso sometimes does on a reused connection; at most ``PUT_ATTEMPTS`` times."""
    import time

    import requests

    failure: requests.RequestException | None = None
    for attempt in range(1, PUT_ATTEMPTS + 1):
        try:
            return session.put(endpoint, params={"graph": iri}, data=data, headers={"Content-Type": media}, timeout=timeout)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as err:
            failure = err
            if attempt < PUT_ATTEMPTS:
                time.sleep(0.2 * attempt)
        except requests.RequestException as err:
            failure = err
            break
    raise GbaKgError(f"{endpoint}: cannot reach the graph store ({failure.__class__.__name__})", hint="check --endpoint")


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)
_PREFIX_DECLARED = re.compile(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:")


def with_prefixes_and_values(text: str, bindings: dict[str, str] | None = None) -> str:
    """The query with the ontology's prefixes it does not declare, and the bound values as a ``VALUES``
    block opening the WHERE clause, of serialised terms (each value is one RDF term, escaped by rdflib).

    >>> print(with_prefixes_and_values("SELECT ?x WHERE { ?x rdfs:label ?l }", {"l": 'a"b@en'}).splitlines()[-1])
      VALUES (?l) { ("a\\"b"@en) } ?x rdfs:label ?l }
    """
    declared = set(_PREFIX_DECLARED.findall(text))
    header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items() if p not in declared)
    if bindings:
        names = " ".join(f"?{name}" for name in bindings)
        terms = " ".join(parse_term(value).n3() for value in bindings.values())
        where = _WHERE.search(text) or re.search(r"\{", text)
        if where is None:
            raise QueryError("cannot bind values: the query has no WHERE clause")
        text = f"{text[: where.end()]}\n  VALUES ({names}) {{ ({terms}) }}{text[where.end() :]}"
    return header + text


def _term(cell: dict[str, str]) -> Node:
    kind = cell.get("type")
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    if "xml:lang" in cell:
        return Literal(cell["value"], lang=cell["xml:lang"])
    datatype = cell.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(cell["value"], datatype=URIRef(datatype))
    return Literal(cell["value"])


def query_endpoint(url: str, text: str, bindings: dict[str, str] | None = None, *, timeout: float = 120.0) -> Result:
    """Run a query on a remote SPARQL 1.1 endpoint and return its rows as rdflib terms."""
    import requests

    check_safe(text)
    full = with_prefixes_and_values(text, bindings)
    params: dict[str, str] = {"query": full}
    if not picks_graphs(text):
        params["default-graph-uri"] = str(MERGED_GRAPH)
    accept = "application/sparql-results+json, text/turtle;q=0.9"
    try:
        response = requests.post(url, data=params, headers={"Accept": accept}, timeout=timeout)
    except requests.RequestException as err:
        raise QueryError(f"{url}: cannot reach the endpoint ({err.__class__.__name__})", hint="check --endpoint") from None
    if response.status_code >= 300:
        raise QueryError(f"{url} answered {response.status_code}: {' '.join(response.text.split())[:300]}")
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if "turtle" in media or "n-triples" in media:
        graph = Graph().parse(data=response.text, format="turtle")
        return Result(["subject", "predicate", "object"], [], kind="CONSTRUCT", triples=sorted(graph))  # type: ignore[arg-type]
    try:
        payload = json.loads(response.text)
    except ValueError:
        raise QueryError(f"{url} did not answer with SPARQL JSON results ({media or 'no content type'})") from None
    if "boolean" in payload:
        return Result(["ask"], [[Literal(bool(payload["boolean"]))]], kind="ASK")
    variables = list(payload["head"]["vars"])
    rows = [[_term(b[v]) if v in b else None for v in variables] for b in payload["results"]["bindings"]]
    return Result(variables, rows)
