"""Summary triples derived at build time, so that saved queries read a count or a city instead of
aggregating or walking paths over the whole graph.

- ``gba:documentCount``: documents naming an entity, and ``gba:documentRank``: its place when entities
  are ordered by that count (most first, ties by name);
- ``skos:prefLabel``: an entity's zh-Hans label (its en label if it has none), its display name (one per
  entity, so that a query can join names without reading every language's labels);
- ``gba:inCity``: the city an entity is, or is located in or based in;
- ``gba:entityCount`` and ``gba:factCount``: entities named and typed facts stated by a document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import RDF, RDFS, Literal
from rdflib.namespace import PROV, SKOS
from rdflib.term import Node

from .rdfwrite import Triple
from .vocab import GBA

__all__ = ["SUMMARY_PREDICATES", "summary_triples"]

SUMMARY_PREDICATES = frozenset({GBA.documentCount, GBA.documentRank, GBA.inCity, GBA.entityCount, GBA.factCount, SKOS.prefLabel})
_READ: dict[Node, str] = {
    GBA.mentionedIn: "document",
    GBA.locatedIn: "place",
    GBA.homeCity: "place",
    RDF.type: "type",
    RDF.predicate: "predicate",
    PROV.wasDerivedFrom: "derived",
    RDFS.label: "label",
}


def summary_triples(triples: Iterable[Triple]) -> list[Triple]:
    """The summary triples of a graph given as any iterable of triples (one pass, sorted output).

    Examples
    --------
    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ... @prefix gba: <https://w3id.org/gba-kg/ontology#> . @prefix : <urn:x:> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... :sz a gba:City ; gba:mentionedIn :d1 ; rdfs:label "深圳"@zh-Hans , "Shenzhen"@en .
    ... :lab gba:locatedIn :sz ; gba:mentionedIn :d1 , :d2 ; rdfs:label "鹏城实验室"@zh-Hans .''')
    >>> for s, p, o in summary_triples(g):
    ...     print(s, p.split("#")[-1].split("/")[-1], o)
    urn:x:d1 entityCount 2
    urn:x:d2 entityCount 1
    urn:x:lab prefLabel 鹏城实验室
    urn:x:lab documentCount 2
    urn:x:lab documentRank 1
    urn:x:lab inCity urn:x:sz
    urn:x:sz prefLabel 深圳
    urn:x:sz documentCount 1
    urn:x:sz documentRank 2
    urn:x:sz inCity urn:x:sz
    """
    documents: defaultdict[Node, set[Node]] = defaultdict(set)
    places: defaultdict[Node, set[Node]] = defaultdict(set)
    cities: set[Node] = set()
    predicate_of: dict[Node, Node] = {}
    derived_from: defaultdict[Node, set[Node]] = defaultdict(set)
    names: dict[Node, Literal] = {}
    english: dict[Node, Literal] = {}
    city = GBA.City
    read = _READ.get
    for s, p, o in triples:
        kind = read(p)  # a dict look-up: rdflib's == on terms is a Python call per comparison
        if kind is None:
            continue
        if kind == "document":
            documents[s].add(o)
        elif kind == "place":
            places[s].add(o)
        elif kind == "type":
            if o == city:
                cities.add(s)
        elif kind == "predicate":
            predicate_of[s] = o
        elif kind == "derived":
            derived_from[s].add(o)
        elif isinstance(o, Literal) and (o.language or "").lower() == "zh-hans":
            names[s] = min(o, names.get(s, o))
        elif isinstance(o, Literal) and (o.language or "").lower() == "en":
            english[s] = min(o, english.get(s, o))
    for entity, name in english.items():
        names.setdefault(entity, name)  # a name known only in English is the display name
    out: list[Triple] = []
    entities_of: defaultdict[Node, int] = defaultdict(int)
    for entity, docs in documents.items():
        out.append((entity, GBA.documentCount, Literal(len(docs))))
        for doc in docs:
            entities_of[doc] += 1
    out.extend((doc, GBA.entityCount, Literal(n)) for doc, n in entities_of.items())
    ranked = sorted(documents, key=lambda e: (-len(documents[e]), str(names.get(e, "")), str(e)))
    out.extend((entity, GBA.documentRank, Literal(rank)) for rank, entity in enumerate(ranked, 1))
    out.extend((entity, SKOS.prefLabel, names[entity]) for entity in documents if entity in names)
    facts_of: defaultdict[Node, int] = defaultdict(int)
    for assertion, predicate in predicate_of.items():
        if predicate != GBA.mentionedWith:
            for doc in derived_from.get(assertion, ()):
                facts_of[doc] += 1
    out.extend((doc, GBA.factCount, Literal(n)) for doc, n in facts_of.items())
    out.extend((city, GBA.inCity, city) for city in cities)
    out.extend((entity, GBA.inCity, place) for entity, targets in places.items() for place in targets if place in cities)
    return sorted(set(out))
