"""A SHACL validator for the constraint components the shapes use, reading the graph through the
look-ups a ``TripleIndex`` and an rdflib ``Graph`` share (no copy into a context-aware store).

Each node shape's targets are found once from one table of types; ``sh:class`` and ``sh:targetClass``
follow ``rdfs:subClassOf`` in the ontology, as pyshacl does with the ontology mixed in. A component
or path it does not implement is refused when the shapes are read (``UnsupportedShapeError``), never
skipped. pyshacl stays the reference: the tests compare the two on damaged graphs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection as RdfList
from rdflib.term import Node

from .errors import OntologyError
from .store import from_oxigraph, oxigraph, to_oxigraph
from .triples import GraphLike, TripleIndex

__all__ = ["SH", "CompiledShapes", "Result", "Select", "UnsupportedShapeError", "store_select"]

SH = Namespace("http://www.w3.org/ns/shacl#")

Result = tuple[Node, Node | None, Node | None, str, Node]
"""A violation: focus node, path, value, message, source shape."""
Select = Callable[[str, Node], Iterable[dict[str, Node | None]]]
"""Runs a SPARQL SELECT with ``$this`` bound to the node given; yields its rows by variable name."""
PARTS = ("all", "core", "sparql")


class UnsupportedShapeError(OntologyError):
    """The shapes use SHACL the built-in validator does not implement."""


_DESCRIPTIVE = {SH.message, SH.name, SH.description, SH.order, SH.group, RDFS.comment, RDFS.label, RDF.type}
_SHAPE_KEYS = {
    SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property, SH.path, SH.severity,
    SH.deactivated, SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH["in"], SH.nodeKind, SH.pattern,
    SH.flags, SH.minLength, SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.lessThan, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.languageIn, SH["or"], SH.sparql, SH.hasValue,
}  # fmt: skip
_XSD_STRING, _LANG_STRING = XSD.string, RDF.langString
_PYTHON_TYPE: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
    XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime,
}  # fmt: skip


def _datatype_ok(value: Node, datatype: Node) -> bool:
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
    elif not (
        datatype == RDFS.Literal
        or (datatype == RDFS.Datatype and value.datatype is not None)
        or (value.datatype is None and value.language is None and datatype == _XSD_STRING)
        or (datatype == _LANG_STRING and value.language)
    ):
        return False
    expected = _PYTHON_TYPE.get(datatype)  # type: ignore[call-overload]
    return expected is None or isinstance(value.value, expected)


def _compare(value: Literal, bound: Literal) -> int | None:
    """-1, 0 or 1 as pyshacl's compare_literal orders them; None when they cannot be compared."""
    if isinstance(value.value, str) != isinstance(bound.value, str):
        return None
    try:
        if value.eq(bound):
            return 0
        if isinstance(value.value, (Decimal, int, float, date, time)) and not isinstance(value.value, bool):
            return 0 if value.value == bound.value else (1 if value.value > bound.value else -1)
        return 1 if value > bound else -1
    except (TypeError, NotImplementedError):
        return None


def _range(op: Callable[[int], bool]) -> Callable[[Node, Node], bool]:
    def check(value: Node, bound: Node) -> bool:
        if not isinstance(value, Literal) or not isinstance(bound, Literal):
            return False
        order = _compare(value, bound)
        return order is not None and op(order)

    return check


_RANGES = {
    SH.minInclusive: (_range(lambda c: c >= 0), "Value is not >= {}"),
    SH.maxInclusive: (_range(lambda c: c <= 0), "Value is not <= {}"),
    SH.minExclusive: (_range(lambda c: c > 0), "Value is not > {}"),
    SH.maxExclusive: (_range(lambda c: c < 0), "Value is not < {}"),
}
_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal),
}  # fmt: skip


def _less_than(value: Node, other: Node) -> bool:
    def plain(node: Node) -> tuple[bool, Any]:
        if isinstance(node, BNode):
            raise UnsupportedShapeError("sh:lessThan cannot compare a blank node")
        if isinstance(node, URIRef):
            return True, str(node)
        if isinstance(node, Literal) and isinstance(node.value, str):
            return True, node.value
        return False, node

    (a_str, a), (b_str, b) = plain(value), plain(other)
    if a_str != b_str:
        return False
    try:
        return bool(a < b)
    except TypeError:
        return False


def _lang_matches(value: Node, ranges: list[str]) -> bool:
    if not isinstance(value, Literal) or not value.language:
        return False
    tag = value.language.lower()
    return tag in ranges or tag.split("-")[0] in ranges or "*" in ranges


Component = Callable[["_Run", Node, Collection[Node], Any], list[Node | None]]
"""A constraint component: (run, focus node, value nodes, its parameter) -> the failing value
nodes, None standing for a result about the focus node as a whole."""


def _min_count(run: _Run, focus: Node, values: Collection[Node], n: int) -> list[Node | None]:
    return [None] if len(values) < n else []


def _max_count(run: _Run, focus: Node, values: Collection[Node], n: int) -> list[Node | None]:
    return [None] if len(values) > n else []


def _datatype(run: _Run, focus: Node, values: Collection[Node], datatype: Node) -> list[Node | None]:
    return [v for v in values if not _datatype_ok(v, datatype)]


def _class(run: _Run, focus: Node, values: Collection[Node], cls: Node) -> list[Node | None]:
    return [v for v in values if not run.is_instance(v, cls)]


def _in(run: _Run, focus: Node, values: Collection[Node], allowed: set[Node]) -> list[Node | None]:
    return [v for v in values if v not in allowed]


def _node_kind(run: _Run, focus: Node, values: Collection[Node], kinds: tuple[type, ...]) -> list[Node | None]:
    return [v for v in values if not isinstance(v, kinds)]


def _pattern(run: _Run, focus: Node, values: Collection[Node], regex: re.Pattern[str]) -> list[Node | None]:
    return [v for v in values if isinstance(v, BNode) or not regex.search(str(v))]


def _min_length(run: _Run, focus: Node, values: Collection[Node], n: int) -> list[Node | None]:
    return [v for v in values if isinstance(v, BNode) or len(str(v)) < n]


def _max_length(run: _Run, focus: Node, values: Collection[Node], n: int) -> list[Node | None]:
    return [v for v in values if isinstance(v, BNode) or len(str(v)) > n]


Range = tuple[Callable[[Node, Node], bool], Node]


def _in_range(run: _Run, focus: Node, values: Collection[Node], bound: Range) -> list[Node | None]:
    check, limit = bound
    return [v for v in values if not check(v, limit)]


def _less_than_values(run: _Run, focus: Node, values: Collection[Node], other: Node) -> list[Node | None]:
    return [v for v in values for w in run.values(focus, other) if not _less_than(v, w)]


def _unique_lang(run: _Run, focus: Node, values: Collection[Node], _: object) -> list[Node | None]:
    seen: set[str] = set()
    duplicates: set[str] = set()
    for value in values:
        if isinstance(value, Literal) and value.language:
            lang = value.language.lower()
            (duplicates if lang in seen else seen).add(lang)
    return [None] * len(duplicates)


def _language_in(run: _Run, focus: Node, values: Collection[Node], ranges: list[str]) -> list[Node | None]:
    return [v for v in values if not _lang_matches(v, ranges)]


def _has_value(run: _Run, focus: Node, values: Collection[Node], value: Node) -> list[Node | None]:
    return [] if value in values else [None]


def _or(run: _Run, focus: Node, values: Collection[Node], members: list[_Shape]) -> list[Node | None]:
    return [v for v in values if not any(run.conforms(v, m) for m in members)]


def _qualified(run: _Run, focus: Node, values: Collection[Node], rule: tuple[_Shape, int, int | None]) -> list[Node | None]:
    inner, low, high = rule
    conforming = sum(run.conforms(v, inner) for v in values)
    return [None] if conforming < low or (high is not None and conforming > high) else []


@dataclass
class _Shape:
    node: Node
    message: str | None
    path: URIRef | None = None
    checks: list[tuple[Component, Any, str]] = field(default_factory=list)
    properties: list[_Shape] = field(default_factory=list)
    sparql: list[tuple[str, str | None, Node]] = field(default_factory=list)
    target_classes: list[Node] = field(default_factory=list)
    target_nodes: list[Node] = field(default_factory=list)
    target_subjects_of: list[Node] = field(default_factory=list)
    target_objects_of: list[Node] = field(default_factory=list)


class _Run:
    """One validation of one graph: its type table, built once."""

    def __init__(self, graph: GraphLike, supers: dict[Node, set[Node]], select: Select | None) -> None:
        self.graph = graph
        self.supers = supers
        self.select = select or self._select_in_memory
        self._types: dict[Node, set[Node]] | None = None
        self._instances: dict[Node, list[Node]] = defaultdict(list)
        self._store: Any = None
        self._terms: dict[Node, Any] = {}

    @property
    def types(self) -> dict[Node, set[Node]]:
        if self._types is None:
            self._types = defaultdict(set)
            for s, c in self.graph.subject_objects(RDF.type):
                self._types[s].add(c)
                self._instances[c].append(s)
        return self._types

    def instances(self, cls: Node) -> list[Node]:
        self.types  # noqa: B018 - fills the table of instances too
        return self._instances.get(cls, [])

    def conforms(self, node: Node, shape: _Shape) -> bool:
        return not any(check(self, node, [node], parameter) for check, parameter, _ in shape.checks)

    def is_instance(self, node: Node, cls: Node) -> bool:
        return any(cls in self.supers.get(t, (t,)) for t in self.types.get(node, ()))

    def values(self, focus: Node, path: Node) -> Collection[Node]:
        if isinstance(self.graph, TripleIndex):
            return self.graph.objects_of(focus, path)
        return list(self.graph.objects(focus, path))

    def _ox_term(self, term: Node) -> Any:
        converted = self._terms.get(term)
        if converted is None:
            converted = self._terms[term] = to_oxigraph(term)
        return converted

    def _select_in_memory(self, query: str, this: Node) -> Iterable[dict[str, Node | None]]:
        """``store_select`` on an in-memory Oxigraph copy of the graph, made on first use (rdflib's
        evaluator takes seconds where Oxigraph takes milliseconds)."""
        if self._store is None:
            ox = oxigraph()
            self._store = ox.Store()
            term = self._ox_term
            self._store.extend(ox.Quad(term(s), term(p), term(o)) for s, p, o in self.graph)
        return store_select(self._store, self._ox_term)(query, this)


def store_select(store: Any, to_store: Callable[[Node], Any] = to_oxigraph) -> Select:
    """A ``Select`` that runs its queries on an Oxigraph ``store`` (``to_store`` converts ``$this``)."""
    ox = oxigraph()

    def select(query: str, this: Node) -> Iterator[dict[str, Node | None]]:
        solutions = store.query(query, substitutions={ox.Variable("this"): to_store(this)})
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            yield {name: from_oxigraph(solution[name]) for name in names}

    return select


class CompiledShapes:
    """The node shapes of a shapes graph, ready to check graphs against.

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:ex:> .
    ...     ex:S a sh:NodeShape ; sh:targetClass ex:City ;
    ...         sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "a city needs a name" ] .''')
    >>> data = Graph().parse(format="turtle", data="<urn:ex:sz> a <urn:ex:City> .")
    >>> [(str(focus), message) for focus, _, _, message, _ in CompiledShapes(shapes, Graph()).results(data)]
    [('urn:ex:sz', 'a city needs a name')]
    """

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self.shapes_graph = shapes
        self.supers = self._superclasses(ontology)
        self.subclasses: dict[Node, set[Node]] = defaultdict(set)
        for cls, above in self.supers.items():
            for sup in above:
                self.subclasses[sup].add(cls)
        roots = {s for s in shapes.subjects(RDF.type, SH.NodeShape)}
        for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            roots.update(shapes.subjects(key, None))
        self.shapes = [shape for shape in map(self._shape, sorted(roots, key=str)) if shape is not None]

    @staticmethod
    def _superclasses(ontology: Graph) -> dict[Node, set[Node]]:
        direct: dict[Node, set[Node]] = defaultdict(set)
        for sub, sup in ontology.subject_objects(RDFS.subClassOf):
            direct[sub].add(sup)
        closure: dict[Node, set[Node]] = {}
        for cls in list(direct):
            seen, todo = {cls}, [cls]
            while todo:
                for sup in direct.get(todo.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            closure[cls] = seen
        return closure

    def _one(self, node: Node, key: Node) -> Node | None:
        values = list(self.shapes_graph.objects(node, key))
        if len(values) > 1:
            raise UnsupportedShapeError(f"shape {node} has {len(values)} values of {key}; one is supported")
        return values[0] if values else None

    def _list(self, head: Node) -> list[Node]:
        return list(RdfList(self.shapes_graph, head))

    def _shape(self, node: Node) -> _Shape | None:
        g = self.shapes_graph
        for key in set(g.predicates(node, None)):
            if key not in _SHAPE_KEYS and key not in _DESCRIPTIVE:
                raise UnsupportedShapeError(f"shapes: {key} (on {node}) is not supported by the built-in validator")
        if g.value(node, SH.deactivated) == Literal(True):
            return None
        severity = g.value(node, SH.severity)
        if severity is not None and severity != SH.Violation:
            return None
        messages = sorted(str(m) for m in g.objects(node, SH.message))
        shape = _Shape(node, messages[0] if messages else None)
        path = self._one(node, SH.path)
        if path is not None:
            if not isinstance(path, URIRef):
                raise UnsupportedShapeError(f"shapes: only predicate paths are supported (on {node})")
            shape.path = path
        shape.target_classes = sorted(g.objects(node, SH.targetClass), key=str)
        shape.target_nodes = sorted(g.objects(node, SH.targetNode), key=str)
        shape.target_subjects_of = sorted(g.objects(node, SH.targetSubjectsOf), key=str)
        shape.target_objects_of = sorted(g.objects(node, SH.targetObjectsOf), key=str)
        for prop in sorted(g.objects(node, SH.property), key=str):
            sub = self._shape(prop)
            if sub is not None:
                if sub.path is None or sub.sparql:
                    raise UnsupportedShapeError(f"shapes: property shape {prop} needs an sh:path and no sh:sparql")
                shape.properties.append(sub)
        for sparql in sorted(g.objects(node, SH.sparql), key=str):
            select = g.value(sparql, SH.select)
            if select is None:
                raise UnsupportedShapeError(f"shapes: SPARQL constraint {sparql} has no sh:select")
            found = sorted(str(m) for m in g.objects(sparql, SH.message))
            shape.sparql.append((str(select), found[0] if found else None, node))
        self._constraints(node, shape)
        return shape

    def _constraints(self, node: Node, shape: _Shape) -> None:
        g = self.shapes_graph

        def add(component: Component, parameter: object, text: str) -> None:
            shape.checks.append((component, parameter, text))

        for n in map(_int, g.objects(node, SH.minCount)):
            add(_min_count, n, f"Less than {n} values on {{focus}}->{{path}}")
        for n in map(_int, g.objects(node, SH.maxCount)):
            add(_max_count, n, f"More than {n} values on {{focus}}->{{path}}")
        for datatype in g.objects(node, SH.datatype):
            add(_datatype, datatype, f"Value is not Literal with datatype {datatype}")
        for cls in g.objects(node, SH["class"]):
            add(_class, cls, f"Value does not have class {cls}")
        for head in g.objects(node, SH["in"]):
            add(_in, set(self._list(head)), "Value is not in the allowed list")
        for kind in g.objects(node, SH.nodeKind):
            if kind not in _NODE_KINDS:
                raise UnsupportedShapeError(f"shapes: unknown sh:nodeKind {kind}")
            add(_node_kind, _NODE_KINDS[kind], f"Value is not of node kind {kind}")
        flags = str(g.value(node, SH.flags) or "")
        options = (re.I if "i" in flags else 0) | (re.S if "s" in flags else 0) | (re.M if "m" in flags else 0)
        for pattern in g.objects(node, SH.pattern):
            add(_pattern, re.compile(str(pattern), options), f"Value does not match pattern {pattern}")
        for n in map(_int, g.objects(node, SH.minLength)):
            add(_min_length, n, f"String length not >= {n}")
        for n in map(_int, g.objects(node, SH.maxLength)):
            add(_max_length, n, f"String length not <= {n}")
        for key, (check, text) in _RANGES.items():
            for limit in g.objects(node, key):
                add(_in_range, (check, limit), text.format(limit))
        for other in g.objects(node, SH.lessThan):
            if shape.path is None:
                raise UnsupportedShapeError(f"shapes: sh:lessThan needs a property shape (on {node})")
            add(_less_than_values, other, f"Value of {{focus}}->{{path}} >= {other}")
        if g.value(node, SH.uniqueLang) == Literal(True):
            add(_unique_lang, None, "More than one String shares the same Language")
        for head in g.objects(node, SH.languageIn):
            add(_language_in, [str(r).lower() for r in self._list(head)], "Language not in allowed list")
        for value in g.objects(node, SH.hasValue):
            add(_has_value, value, f"Missing expected value {value}")
        for head in g.objects(node, SH["or"]):
            members = [m for m in map(self._shape, self._list(head)) if m is not None]
            add(_or, members, "Node does not conform to one or more shapes in sh:or")
        qualified = self._one(node, SH.qualifiedValueShape)
        inner = self._shape(qualified) if qualified is not None else None
        if inner is not None:
            low, high = self._one(node, SH.qualifiedMinCount), self._one(node, SH.qualifiedMaxCount)
            rule = (inner, _int(low) if low is not None else 0, _int(high) if high is not None else None)
            add(_qualified, rule, f"Focus node does not conform to shape {qualified}")

    def _targets(self, run: _Run, shape: _Shape) -> list[Node]:
        found: set[Node] = set(shape.target_nodes)
        for cls in shape.target_classes:
            for sub in self.subclasses.get(cls, set()) | {cls}:
                found.update(run.instances(sub))
        for predicate in shape.target_subjects_of:
            found.update(run.graph.subjects(predicate, None))
        for predicate in shape.target_objects_of:
            found.update(o for _, o in run.graph.subject_objects(predicate))
        return sorted(found, key=str)

    def _check(
        self, run: _Run, shape: _Shape, focuses: Iterable[Node], *, core: bool = True, sparql: bool = True
    ) -> Iterator[Result]:
        for focus in focuses:
            if sparql:
                yield from self._check_sparql(run, shape, focus)
            if not core:
                continue
            for check, parameter, text in shape.checks:
                for value in check(run, focus, [focus], parameter):
                    yield focus, None, value, shape.message or text.format(focus=focus, path=""), shape.node
            for prop in shape.properties:
                values = run.values(focus, prop.path or RDF.nil)
                for check, parameter, text in prop.checks:
                    for value in check(run, focus, values, parameter):
                        yield focus, prop.path, value, prop.message or text.format(focus=focus, path=prop.path), prop.node

    def _check_sparql(self, run: _Run, shape: _Shape, focus: Node) -> Iterator[Result]:
        for select, message, node in shape.sparql:
            for bound in run.select(select, focus):
                text = message or f"Results returned from a SPARQL constraint of {shape.node}"
                yield bound.get("this") or focus, bound.get("path"), bound.get("value"), text, node

    def results(
        self,
        graph: GraphLike,
        *,
        parts: str = "all",
        select: Select | None = None,
        keep: Callable[[Node], bool] | None = None,
    ) -> list[Result]:
        """Every violation of ``graph``, in shape order. ``parts``: ``all`` constraints, only the
        ``core`` ones or only the ``sparql`` ones; ``select`` runs the SPARQL constraints' queries on
        a store already holding ``graph`` (by default, on an in-memory Oxigraph copy of it).
        ``keep`` checks only the focus nodes it accepts."""
        if parts not in PARTS:
            raise ValueError(f"unknown constraint parts {parts!r}; one of {', '.join(PARTS)}")
        run = _Run(graph, self.supers, select)
        core, sparql = parts != "sparql", parts != "core"
        out: list[Result] = []
        for shape in self.shapes:
            if core or shape.sparql:
                focuses = self._targets(run, shape)
                if keep is not None:
                    focuses = [f for f in focuses if keep(f)]
                out.extend(self._check(run, shape, focuses, core=core, sparql=sparql))
        return out


def _int(node: Node) -> int:
    return int(str(node))
