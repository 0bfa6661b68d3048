"""Deterministic Turtle and TriG written in one sorted pass, without rdflib's serialisers.

Subjects are written in IRI order, each with ``a`` first and then its predicates in IRI order, the
objects of a predicate in the order of their written form. A name is prefixed where Turtle's
``PN_LOCAL`` allows it without escapes, numbers and booleans in canonical form are written bare,
and strings on one line with ``\\n``-style escapes, so the graph reads back isomorphic; an IRI that
Turtle cannot hold (a space, ``<``, ``>``, ...) is refused with ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from rdflib import RDF, BNode, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "GRAPH_INDENT",
    "Block",
    "TermWriter",
    "Triple",
    "graph_from_blocks",
    "named_graph_text",
    "subject_blocks",
    "trig_from_graphs",
    "trig_lines",
    "turtle_from_blocks",
    "turtle_lines",
]

Triple = tuple[Node, Node, Node]
Block = tuple[str, str]
"""A subject's IRI (its sort key) and its Turtle statement: ``(key, "<s> p o ;\n    q r .\n")``."""

_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_UNSAFE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {
    _XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    _XSD + "boolean": re.compile(r"true|false"),
}
_TYPE = str(RDF.type)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


class TermWriter:
    """Terms in Turtle syntax, given the prefixes to use; each IRI is written once and remembered.

    >>> w = TermWriter({"gba": "https://w3id.org/gba-kg/ontology#"})
    >>> w(URIRef("https://w3id.org/gba-kg/ontology#City")), w(URIRef("https://w3id.org/gba-kg/id/City/深圳"))
    ('gba:City', '<https://w3id.org/gba-kg/id/City/深圳>')
    >>> w(Literal('说 "你好"\\n', lang="zh-Hans")), w(Literal(3)), w(Literal("2023-05", datatype=URIRef(_XSD + "gYearMonth")))
    ('"说 \\\\"你好\\\\"\\\\n"@zh-Hans', '3', '"2023-05"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>')
    """

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.namespaces = sorted(((str(ns), prefix) for prefix, ns in prefixes.items()), key=lambda p: -len(p[0]))
        self.iris: dict[str, str] = {}
        self.used: set[str] = set()
        self.literals: dict[tuple[str, str | None, URIRef | None], str] = {}

    def iri(self, value: str) -> str:
        written = self.iris.get(value)
        if written is None:
            written = self.iris[value] = self._iri(value)
        return written

    def _iri(self, value: str) -> str:
        for ns, prefix in self.namespaces:
            if value.startswith(ns) and _LOCAL.fullmatch(value, len(ns)):
                self.used.add(prefix)
                return f"{prefix}:{value[len(ns) :]}"
        bad = _IRI_UNSAFE.search(value)
        if bad:
            raise ValueError(f"cannot write <{value}> in Turtle: an IRI may not hold {bad.group()!r} (at {bad.start()})")
        return f"<{value}>"

    def __call__(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(str(term))
        if isinstance(term, Literal):
            key = (str(term), term.language, term.datatype)
            written = self.literals.get(key)
            if written is None:
                written = self.literals[key] = self._literal(term)
            return written
        if isinstance(term, BNode):
            return f"_:{term}"
        raise TypeError(f"cannot write {term!r} in Turtle")

    def _literal(self, term: Literal) -> str:
        text = str(term)
        datatype = str(term.datatype) if term.datatype is not None else None
        if datatype in _BARE and _BARE[datatype].fullmatch(text):
            return text
        quoted = '"' + _STRING_UNSAFE.sub(_escape_char, text) + '"'
        if term.language:
            return f"{quoted}@{term.language}"
        if datatype and datatype != _XSD + "string":
            return f"{quoted}^^{self.iri(datatype)}"
        return quoted


def _prefix_lines(prefixes: Mapping[str, str], used: set[str]) -> list[str]:
    lines = [f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in sorted(prefixes.items()) if prefix in used]
    return [*lines, "\n"] if lines else []


class _Table(NamedTuple):
    """Triples as rows (subject rank, predicate rank, written object), sorted, with the written
    subjects and predicates by rank: ranks compare faster than the IRIs they stand for."""

    rows: list[tuple[int, int, str]]
    subjects: list[str]
    predicates: list[str]
    keys: list[str]


def _ranks(keys: list[Any]) -> tuple[list[int], list[int]]:
    """(the rank of each key, the keys' indexes in rank order)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = [0] * len(keys)
    for position, index in enumerate(order):
        rank[index] = position
    return rank, order


def _rows(triples: Iterable[Triple], write: TermWriter) -> _Table:
    subject_ids: dict[Node, int] = {}
    predicate_ids: dict[Node, int] = {}
    raw: list[tuple[int, int, str]] = []
    last_subject = last_predicate = None
    si = pi = 0
    for s, p, o in triples:
        if s is not last_subject:  # triples grouped by subject (as a TripleIndex gives them) look it up once
            last_subject = s
            si = subject_ids.setdefault(s, len(subject_ids))
        if p is not last_predicate:
            last_predicate = p
            pi = predicate_ids.setdefault(p, len(predicate_ids))
        raw.append((si, pi, write(o)))
    subjects = [(str(s), write(s)) for s in subject_ids]
    names = [str(p) for p in predicate_ids]
    predicates = [(name != _TYPE, name, "a" if name == _TYPE else write(p)) for name, p in zip(names, predicate_ids, strict=True)]
    subject_rank, subject_order = _ranks(subjects)
    predicate_rank, predicate_order = _ranks(predicates)
    rows = sorted([(subject_rank[si], predicate_rank[pi], o) for si, pi, o in raw])
    return _Table(
        rows,
        [subjects[i][1] for i in subject_order],
        [predicates[i][2] for i in predicate_order],
        [subjects[i][0] for i in subject_order],
    )


def _statements(table: _Table, indent: str) -> Iterator[Block]:
    for subject, by_subject in groupby(table.rows, key=itemgetter(0)):
        predicates = []
        for predicate, by_predicate in groupby(by_subject, key=itemgetter(1)):
            objects = [row[2] for row in by_predicate]
            predicates.append(f"{table.predicates[predicate]} " + f" ,\n{indent}        ".join(objects))
        yield table.keys[subject], f"{indent}{table.subjects[subject]} " + f" ;\n{indent}    ".join(predicates) + " .\n"


def _blocks(table: _Table, indent: str) -> Iterator[str]:
    for i, (_, statement) in enumerate(_statements(table, indent)):
        if i:
            yield "\n"
        yield statement


def subject_blocks(triples: Iterable[Triple], write: TermWriter, indent: str = "") -> list[Block]:
    """The Turtle statement of each subject of ``triples``, in subject order, to be merged with
    blocks of other subjects (``turtle_from_blocks``); ``write.used`` collects the prefixes used."""
    return list(_statements(_rows(triples, write), indent))


def turtle_from_blocks(blocks: Iterable[str], prefixes: Mapping[str, str], used: Iterable[str]) -> Iterator[str]:
    """Turtle made of subject statements already written (``subject_blocks``), given in subject order:
    the same text ``turtle_lines`` writes for all their triples at once."""
    yield from _prefix_lines(prefixes, set(used))
    for i, block in enumerate(blocks):
        if i:
            yield "\n"
        yield block


def turtle_lines(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> Iterator[str]:
    """The Turtle text of ``triples``, in pieces to write one after the other.

    >>> from rdflib import Graph
    >>> a, b, p = URIRef("urn:x:a"), URIRef("urn:x:B"), URIRef("urn:x:p")
    >>> text = "".join(turtle_lines([(a, RDF.type, b), (a, p, Literal(2)), (a, p, Literal(1))], {"x": "urn:x:"}))
    >>> print(text, end="")
    @prefix x: <urn:x:> .
    <BLANKLINE>
    x:a a x:B ;
        x:p 1 ,
            2 .
    >>> len(Graph().parse(data=text, format="turtle"))
    3
    """
    write = TermWriter(prefixes)
    rows = _rows(triples, write)
    yield from _prefix_lines(prefixes, write.used)
    yield from _blocks(rows, "")


def named_graph_text(name: URIRef, triples: Iterable[Triple], write: TermWriter) -> str:
    """One named graph in TriG (``name { ... }``), or "" when it holds no triple."""
    blocks = subject_blocks(triples, write, GRAPH_INDENT)
    return graph_from_blocks(write(name), blocks) if blocks else ""


GRAPH_INDENT = "    "


def graph_from_blocks(name: str, blocks: Iterable[Block]) -> str:
    """``named_graph_text`` of the graph ``name`` (written) from its statements (``subject_blocks``
    indented by ``GRAPH_INDENT``)."""
    texts = [text for _, text in blocks]
    return f"{name} {{\n" + "\n".join(texts) + "}\n" if texts else ""


def trig_from_graphs(texts: Iterable[str], prefixes: Mapping[str, str], used: Iterable[str]) -> Iterator[str]:
    """TriG made of named graphs already written (``named_graph_text``), given in the order of their names."""
    yield from _prefix_lines(prefixes, set(used))
    for i, text in enumerate(t for t in texts if t):
        if i:
            yield "\n"
        yield text


def trig_lines(graphs: Iterable[tuple[URIRef, Iterable[Triple]]], prefixes: Mapping[str, str]) -> Iterator[str]:
    """The TriG text of named graphs given as (name, triples), in the order of their names; empty
    graphs are left out."""
    write = TermWriter(prefixes)
    texts = [named_graph_text(name, triples, write) for name, triples in sorted(graphs, key=lambda g: str(g[0]))]
    return trig_from_graphs(texts, prefixes, write.used)
