"""A plain in-memory triple index: what the build asks of the merged graph, at a fraction of the
cost of filling an rdflib ``Graph`` (which keeps three indexes of contexts per triple)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator

from rdflib import Graph
from rdflib.term import Node

from .rdfwrite import Triple

__all__ = ["GraphLike", "TripleIndex"]

Pattern = tuple[Node | None, Node | None, Node | None]
_NO_PREDICATES: dict[Node, set[Node]] = {}
_NO_OBJECTS: frozenset[Node] = frozenset()


class TripleIndex:
    """A set of triples indexed by subject and by predicate (one shared set of objects per subject
    and predicate), answering the look-ups rdflib's ``Graph`` answers under the same names
    (``triples``, ``subjects``, ``objects``, ``subject_objects``, ``value``). A pattern with only
    its object bound is answered by a scan.

    >>> from rdflib import URIRef
    >>> a, b, p, q = (URIRef(f"urn:x:{n}") for n in "abpq")
    >>> index = TripleIndex([(a, p, b), (a, q, b), (b, p, a), (a, p, b)])
    >>> len(index), index.value(b, p), sorted(index.subjects(p)), (a, q, b) in index
    (3, rdflib.term.URIRef('urn:x:a'), [rdflib.term.URIRef('urn:x:a'), rdflib.term.URIRef('urn:x:b')], True)
    """

    def __init__(self, triples: Iterable[Triple] = ()) -> None:
        self._spo: dict[Node, dict[Node, set[Node]]] = {}
        self._pso: dict[Node, dict[Node, set[Node]]] = {}
        self._size = 0
        self.update(triples)

    def add(self, triple: Triple) -> None:
        self.update([triple])

    def update(self, triples: Iterable[Triple]) -> None:
        spo, pso = self._spo, self._pso
        added = 0
        for s, p, o in triples:
            by_predicate = spo.get(s)
            if by_predicate is None:
                by_predicate = spo[s] = {}
            objects = by_predicate.get(p)
            if objects is None:
                objects = by_predicate[p] = set()
                pso.setdefault(p, {})[s] = objects  # the same set, reached from the predicate
            before = len(objects)
            objects.add(o)
            added += len(objects) - before
        self._size += added

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Triple]:
        for s, by_predicate in self._spo.items():
            for p, objects in by_predicate.items():
                for o in objects:
                    yield s, p, o

    def __contains__(self, triple: Triple) -> bool:
        s, p, o = triple
        return o in self._spo.get(s, {}).get(p, ())

    def triples(self, pattern: Pattern) -> Iterator[Triple]:
        s, p, o = pattern
        if s is not None:
            by_predicate = self._spo.get(s, {})
            for p2, objects in by_predicate.items() if p is None else [(p, by_predicate.get(p, set()))]:
                if o is None:
                    yield from ((s, p2, o2) for o2 in objects)
                elif o in objects:
                    yield s, p2, o
        elif p is not None:
            for s2, objects in self._pso.get(p, {}).items():
                if o is None:
                    yield from ((s2, p, o2) for o2 in objects)
                elif o in objects:
                    yield s2, p, o
        else:
            yield from (t for t in self if o is None or t[2] == o)

    def subjects(self, predicate: Node | None = None, object: Node | None = None) -> Iterator[Node]:
        if predicate is not None and object is None:
            yield from self._pso.get(predicate, {})
            return
        seen: set[Node] = set()
        for s, _, _ in self.triples((None, predicate, object)):
            if s not in seen:
                seen.add(s)
                yield s

    def objects(self, subject: Node | None = None, predicate: Node | None = None) -> Iterator[Node]:
        for _, _, o in self.triples((subject, predicate, None)):
            yield o

    def subject_objects(self, predicate: Node | None = None) -> Iterator[tuple[Node, Node]]:
        for s, _, o in self.triples((None, predicate, None)):
            yield s, o

    def select(self, keep: Callable[[Node], bool]) -> Iterator[Triple]:
        """The triples whose subject ``keep`` accepts, grouped by subject."""
        for s, by_predicate in self._spo.items():
            if keep(s):
                for p, objects in by_predicate.items():
                    for o in objects:
                        yield s, p, o

    def objects_of(self, subject: Node, predicate: Node) -> Collection[Node]:
        """The objects of (subject, predicate) as the index holds them: read them, do not change them."""
        return self._spo.get(subject, _NO_PREDICATES).get(predicate, _NO_OBJECTS)

    def value(self, subject: Node, predicate: Node) -> Node | None:
        """One object of (subject, predicate), or None."""
        return next(iter(self._spo.get(subject, {}).get(predicate, ())), None)

    def to_graph(self) -> Graph:
        """The same triples in an rdflib ``Graph`` (for SPARQL or serialising with rdflib)."""
        graph = Graph()
        graph.addN((s, p, o, graph) for s, p, o in self)
        return graph


GraphLike = Graph | TripleIndex
