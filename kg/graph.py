"""Building the RDF graph from extraction records, and reading and writing it.

Every entity gets a stable IRI from its type and canonical name; every relation is a
direct triple plus an ``gba:Assertion`` node (``rdf:subject/predicate/object``) carrying
its document, sentence, raw-text offsets, rule and confidence; every mention is a
``gba:Mention`` node with its offsets.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Hashable, Iterable, Iterator, Mapping
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import NamedTuple, cast

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from extract.records import DocumentRecord, Entity, Fact, Relation

from .errors import GraphFileError
from .rdfwrite import Triple, trig_lines
from .summary import SUMMARY_PREDICATES, summary_triples
from .triples import GraphLike, TripleIndex
from .vocab import GBA

__all__ = [
    "DOCUMENT_NODES",
    "ID",
    "KNOWN_GRAPH",
    "NOT_ENTITY_CLASSES",
    "PREFIXES",
    "PREFIX_IRIS",
    "SUMMARY_GRAPH",
    "TYPED_PREDICATES",
    "WD",
    "Stated",
    "add_summary",
    "build_dataset",
    "build_graph",
    "decimal_literal",
    "document_iri",
    "document_triples",
    "entity_iri",
    "entity_iris",
    "fact_value",
    "graph_iri",
    "graph_stats",
    "is_document_node",
    "load_graph",
    "merged_triples",
    "named_graphs",
    "record_triples",
    "stated_by",
    "stated_in",
    "trig_text",
    "view_triples",
]

ID = Namespace("https://w3id.org/gba-kg/id/")
WD = Namespace("http://www.wikidata.org/entity/")
PREFIXES = {
    "gba": Namespace(str(GBA._NS)),
    "id": ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "skos": SKOS,
    "xsd": XSD,
    "prov": PROV,
    "dcterms": DCTERMS,
    "wd": WD,
}
PREFIX_IRIS = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
_IRI_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef]")


def _iri_segment(name: str) -> str:
    return _IRI_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), name)


@lru_cache(maxsize=1 << 17)
def entity_iri(etype: str, canonical: str) -> URIRef:
    """Stable IRI of an entity: ``id/<Type>/<canonical>`` with unsafe characters percent-encoded."""
    return ID[f"{etype}/{_iri_segment(canonical)}"]


@lru_cache(maxsize=1 << 14)
def document_iri(doc_id: str) -> URIRef:
    return ID[f"doc/{_iri_segment(doc_id)}"]


def term(name: str) -> URIRef:
    """The vocabulary IRI of a class or property name; an unknown name raises AttributeError."""
    iri: URIRef = getattr(GBA, name)
    return iri


def _digest(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]


def graph_iri(doc_id: str) -> URIRef:
    """The named graph holding one document's facts."""
    return ID[f"graph/{_iri_segment(doc_id)}"]


KNOWN_GRAPH = ID["graph/known-entities"]
SUMMARY_GRAPH = ID["graph/summary"]


def named_graphs(
    records: Iterable[DocumentRecord], merged: GraphLike | None = None, triples_of: Mapping[str, set[Triple]] | None = None
) -> list[tuple[URIRef, set[Triple]]]:
    """The named graphs as (name, triples): one per document (its entities, mentions, facts and
    assertions), one for facts from the data file of known entities (home cities) and one for the
    summary triples (``kg.summary``); their union is ``build_graph`` (pass it as ``merged`` if built,
    and ``triples_of`` from ``document_triples`` to reuse each document's triples)."""
    records = sorted(records, key=lambda r: r.info.doc_id)
    if triples_of is None:
        triples_of = document_triples(records)
    graphs = [(graph_iri(record.info.doc_id), triples_of[record.info.doc_id]) for record in records]
    if merged is None:
        merged = merged_triples(records, triples_of=triples_of)
    graphs.append((KNOWN_GRAPH, set(merged.triples((None, GBA.homeCity, None)))))
    summary: set[Triple] = set()
    for predicate in sorted(SUMMARY_PREDICATES):
        summary.update(merged.triples((None, predicate, None)))
    graphs.append((SUMMARY_GRAPH, summary))
    return graphs


def build_dataset(records: Iterable[DocumentRecord], merged: GraphLike | None = None) -> Dataset:
    """``named_graphs`` as an rdflib Dataset."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for name, triples in named_graphs(records, merged):
        named = ds.graph(name)
        for triple in triples:
            named.add(triple)
    return ds


_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object
_LABEL, _ALT_LABEL, _SAME_AS, _DERIVED_FROM, _TITLE = RDFS.label, SKOS.altLabel, OWL.sameAs, PROV.wasDerivedFrom, DCTERMS.title


@lru_cache(maxsize=1 << 16, typed=True)
def _literal(value: str | int, lang: str | None = None) -> Literal:
    """One shared Literal per repeated value (offsets, rules, names): cheaper to make, hash and store."""
    return Literal(value, lang=lang)


def record_triples(record: DocumentRecord) -> set[Triple]:
    """What one document states: the document, its entities, mentions, assertions and facts."""
    return _record_triples(record, full=True)


def view_triples(record: DocumentRecord) -> set[Triple]:
    """What the summary, the report, the explorer and the entities' shapes read of one document
    beside its assertions (``stated_by``): its entities (types, labels, aliases, Wikidata,
    ``mentionedIn``), its typed relations and its document's type and ID. The rest of
    ``record_triples`` (mentions, assertions, facts) belongs to the document's own nodes, which
    ``kg.parts`` writes and checks where the document is extracted."""
    return _record_triples(record, full=False)


DOCUMENT_NODES = tuple(str(ID[kind]) for kind in ("assertion/", "doc/", "fact/", "mention/"))
"""The IRI prefixes of nodes that belong to one document."""


def is_document_node(node: Node) -> bool:
    """Whether ``node`` belongs to one document (the document itself, its mentions, assertions and
    facts) rather than to the merged graph (entities, vocabulary)."""
    return isinstance(node, URIRef) and str.startswith(node, DOCUMENT_NODES)


def _view_rows(record: DocumentRecord, seen: set[Hashable] | None = None) -> Iterator[Triple]:
    """``view_triples`` one after the other. With ``seen`` (shared between records), what an earlier
    record stated already is left out, checked on the record's strings (hashing rdflib terms is a
    Python call each time)."""
    doc = document_iri(record.info.doc_id)
    yield doc, _TYPE, GBA.Document
    yield doc, GBA.documentId, Literal(record.info.doc_id)
    for entity in record.entities:
        iri = entity_iri(entity.type, entity.canonical)
        yield iri, GBA.mentionedIn, doc
        if seen is not None:
            key = (entity.type, entity.canonical, *entity.labels.items(), entity.aliases, entity.wikidata)
            if key in seen:
                continue
            seen.add(key)
        yield iri, _TYPE, term(entity.type)
        for lang, label in entity.labels.items():
            yield iri, _LABEL, _literal(label, lang)
        for alias in entity.aliases:
            yield iri, _ALT_LABEL, _literal(alias, "zh" if not alias.isascii() else "en")
        if entity.wikidata:
            yield iri, _SAME_AS, WD[entity.wikidata]
    for r in record.relations:
        if seen is not None:
            key = (r.subject, r.predicate, r.object)
            if key in seen:
                continue
            seen.add(key)
        yield entity_iri(*r.subject), term(r.predicate), entity_iri(*r.object)


def _record_triples(record: DocumentRecord, *, full: bool) -> set[Triple]:
    g: set[Triple] = set(_view_rows(record))
    if not full:
        return g
    add = g.add
    doc = document_iri(record.info.doc_id)
    add((doc, GBA.path, Literal(record.info.path)))
    add((doc, GBA.sha256, Literal(record.info.sha256)))
    add((doc, GBA.script, _literal(record.info.script)))
    add((doc, GBA.format, _literal(record.info.format)))
    add((doc, GBA.encoding, _literal(record.info.encoding)))
    add((doc, _TITLE, Literal(record.info.title)))
    segment = _iri_segment(record.info.doc_id)
    for m in record.mentions:
        node = ID[f"mention/{segment}/{m.start}-{m.end}-{_digest(m.type, m.canonical)[:6]}"]
        add((node, _TYPE, GBA.Mention))
        add((node, GBA.denotes, entity_iri(m.type, m.canonical)))
        add((node, _DERIVED_FROM, doc))
        add((node, GBA.surface, _literal(m.surface)))
        add((node, GBA.startOffset, _literal(m.start)))
        add((node, GBA.endOffset, _literal(m.end)))
        add((node, GBA.sentenceIndex, _literal(m.sentence)))
        add((node, GBA.rule, _literal(m.rule)))
        add((node, GBA.confidence, decimal_literal(m.confidence)))
    for r in record.relations:
        s, o = entity_iri(*r.subject), entity_iri(*r.object)
        p = term(r.predicate)
        node = _assertion_node(record.info.doc_id, s, p, o, r)
        add((node, _TYPE, GBA.Assertion))
        add((node, _SUBJECT, s))
        add((node, _PREDICATE, p))
        add((node, _OBJECT, o))
        _add_evidence(g, node, doc, r)
    for f in record.facts:
        _add_fact(g, doc, record.info.doc_id, f)
    return g


def _assertion_node(doc_id: str, s: URIRef, p: URIRef, o: URIRef, r: Relation) -> URIRef:
    return ID[f"assertion/{_digest(doc_id, s, p, o, r.start, r.end, r.rule)}"]


class Stated(NamedTuple):
    """One assertion as the report and the explorer read it: its triple (IRIs), the ID of the
    document stating it, the evidence sentence and its start offset."""

    subject: str
    predicate: str
    object: str
    doc: str
    sentence: str
    start: int


def stated_in(graph: GraphLike) -> list[Stated]:
    """The ``Stated`` rows of the assertion nodes of a graph."""
    doc_ids = {d: str(i) for d, i in graph.subject_objects(GBA.documentId)}
    rows = []
    for a in graph.subjects(_TYPE, GBA.Assertion):
        doc, sentence, start = graph.value(a, _DERIVED_FROM), graph.value(a, GBA.sentence), graph.value(a, GBA.startOffset)
        rows.append(
            Stated(
                str(graph.value(a, _SUBJECT)),
                str(graph.value(a, _PREDICATE)),
                str(graph.value(a, _OBJECT)),
                doc_ids.get(doc, str(doc)) if doc is not None else "",
                str(sentence) if sentence is not None else "",
                int(start.toPython()) if isinstance(start, Literal) else 0,
            )
        )
    return rows


def stated_by(records: Iterable[DocumentRecord]) -> list[Stated]:
    """The ``Stated`` rows of the assertions the records' graph holds (``stated_in`` of it), made from
    the records themselves: one per assertion node, whose IRI digests the key kept here."""
    rows: list[Stated] = []
    seen: set[tuple[object, ...]] = set()
    predicates: dict[str, str] = {}
    for record in records:
        doc_id = record.info.doc_id
        for r in record.relations:
            s, o = entity_iri(*r.subject), entity_iri(*r.object)
            p = predicates.get(r.predicate) or predicates.setdefault(r.predicate, str(term(r.predicate)))
            key = (doc_id, s, p, o, r.start, r.end, r.rule)
            if key not in seen:
                seen.add(key)
                rows.append(Stated(str(s), p, str(o), doc_id, r.evidence, r.start))
    return rows


def _assertion_links(stated: Iterable[Stated]) -> Iterator[Triple]:
    """What ``summary_triples`` reads of the assertions (their predicate and document) for the facts
    each document states, without keeping them: one row is one assertion node, here named by its place."""
    predicates: dict[str, URIRef] = {}
    for i, row in enumerate(stated):
        node = cast(Node, i)  # a key summary_triples only compares: an int hashes faster than any term
        yield node, _PREDICATE, predicates.get(row.predicate) or predicates.setdefault(row.predicate, URIRef(row.predicate))
        yield node, _DERIVED_FROM, document_iri(row.doc)


def document_triples(records: Iterable[DocumentRecord]) -> dict[str, set[Triple]]:
    """``record_triples`` of each record, by document id."""
    return {record.info.doc_id: record_triples(record) for record in records}


def merged_triples(
    records: Iterable[DocumentRecord],
    *,
    home_cities: bool = True,
    triples_of: Mapping[str, set[Triple]] | None = None,
    view: bool = False,
    stated: list[Stated] | None = None,
    summarised: bool = True,
) -> TripleIndex:
    """The merged graph of the given documents' records as a ``TripleIndex``; ``home_cities=False``
    leaves out what is not stated by the documents themselves (home cities from the data file, and
    the summary triples); ``view=True`` merges only their ``view_triples``, with the same home
    cities and summary triples (the assertions, which the view leaves to ``stated_by``, are read
    for the documents' fact counts; pass ``stated`` if made already). ``summarised=False`` leaves
    the summary triples to a later ``add_summary``."""
    records = list(records)
    index = TripleIndex()
    entities: dict[tuple[str, str], Entity] = {}
    seen: set[Hashable] = set()
    for record in records:
        for entity in record.entities:
            entities.setdefault(entity.key, entity)
        if triples_of is not None:
            index.update(triples_of[record.info.doc_id])
        else:
            index.update(_view_rows(record, seen) if view else record_triples(record))
    for (etype, _), entity in entities.items():
        if home_cities and entity.city and ("City", entity.city) in entities:
            index.add((entity_iri(etype, entity.canonical), GBA.homeCity, entity_iri("City", entity.city)))
    if home_cities and summarised:
        add_summary(index, (stated_by(records) if stated is None else stated) if view else None)
    return index


def add_summary(index: TripleIndex, stated: Iterable[Stated] | None = None) -> None:
    """Add ``summary_triples`` to a merged graph; for a view, ``stated`` are its assertions' rows."""
    index.update(summary_triples(chain(index, _assertion_links(stated) if stated is not None else ())))


def build_graph(
    records: Iterable[DocumentRecord], *, home_cities: bool = True, triples_of: Mapping[str, set[Triple]] | None = None
) -> Graph:
    """``merged_triples`` as an rdflib ``Graph``, to query with SPARQL."""
    g = Graph(store="SimpleMemory")  # no contexts to keep: faster to fill and to search than the default store
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.addN((s, p, o, g) for s, p, o in merged_triples(records, home_cities=home_cities, triples_of=triples_of))
    return g


_FACT_CLASS = {"rank": GBA.Ranking, "quantity": GBA.Measurement, "date": GBA.DatedFact}
_DATE_TYPE = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


def fact_value(f: Fact) -> Literal:
    """The typed value of a qualified fact: integer rank, decimal quantity, or xsd date of the precision written."""
    if f.kind == "rank":
        return Literal(int(f.value), datatype=XSD.integer)
    if f.kind == "date":
        return Literal(f.value, datatype=_DATE_TYPE[len(f.value)])
    return decimal_literal(f.value)


@lru_cache(maxsize=1 << 12, typed=True)
def decimal_literal(value: object) -> Literal:
    """An xsd:decimal in its canonical lexical form, so Turtle writes and reads back the same term.

    >>> str(decimal_literal("140")), str(decimal_literal(0.90)), str(decimal_literal("2.50"))
    ('140.0', '0.9', '2.5')
    """
    text = format(Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0")
    text = text + "0" if text.endswith(".") else (text if "." in text else text + ".0")
    return Literal(text, datatype=XSD.decimal)


def _add_fact(g: set[Triple], doc: URIRef, doc_id: str, f: Fact) -> None:
    node = ID[f"fact/{_digest(doc_id, f.subject, f.kind, f.attribute, f.value, f.start, f.rule)}"]
    add = g.add
    add((node, _TYPE, _FACT_CLASS[f.kind]))
    add((node, GBA.about, entity_iri(*f.subject)))
    add((node, GBA.attribute, _literal(f.attribute)))
    add((node, GBA.value, fact_value(f)))
    add((node, GBA.valueText, _literal(f.value_text)))
    if f.unit:
        add((node, GBA.unit, _literal(f.unit)))
    if f.year:
        add((node, GBA.year, Literal(f.year, datatype=XSD.gYear)))
    if f.object is not None:
        add((node, GBA.rankedBy if f.kind == "rank" else GBA.payer, entity_iri(*f.object)))
    _add_evidence(g, node, doc, f)


def _add_evidence(g: set[Triple], node: URIRef, doc: URIRef, stated: Relation | Fact) -> None:
    """The provenance an assertion or a qualified fact carries (shapes.ttl's EvidenceShape)."""
    add = g.add
    add((node, _DERIVED_FROM, doc))
    add((node, GBA.sentence, _literal(stated.evidence)))
    add((node, GBA.sentenceIndex, _literal(stated.sentence)))
    add((node, GBA.startOffset, _literal(stated.start)))
    add((node, GBA.endOffset, _literal(stated.end)))
    add((node, GBA.rule, _literal(stated.rule)))
    add((node, GBA.confidence, decimal_literal(stated.confidence)))


TYPED_PREDICATES = (
    "locatedIn",
    "partOf",
    "initiatedBy",
    "hostedBy",
    "partnerOf",
    "fundedBy",
    "servesUsersFrom",
    "affiliatedWith",
    "ranks",
    "cooperatesWithCountry",
)
NOT_ENTITY_CLASSES = (GBA.Document, GBA.Assertion, GBA.Mention, GBA.Ranking, GBA.Measurement, GBA.DatedFact)


def entity_iris(graph: GraphLike) -> set[URIRef]:
    """Every typed entity of the graph (documents, mentions and assertions excluded)."""
    return {
        s
        for s, c in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(c).startswith(str(GBA._NS)) and c not in NOT_ENTITY_CLASSES
    }


def graph_stats(graph: GraphLike) -> dict[str, int]:
    """Counts of typed entities and of distinct typed relations (``mentionedWith`` excluded)."""
    counts = {"entities": len(entity_iris(graph)), "relations": 0}
    for name in TYPED_PREDICATES:
        counts[name] = sum(1 for _ in graph.triples((None, term(name), None)))
        counts["relations"] += counts[name]
    return counts


NamedGraphs = Dataset | Iterable[tuple[URIRef, Iterable[Triple]]]


def trig_text(graphs: NamedGraphs) -> str:
    """TriG of the non-empty named graphs (a Dataset, or ``named_graphs``), in IRI order (documents,
    then known entities, then the summary); its bytes do not depend on set order or on the
    process's hash seed."""
    if isinstance(graphs, Dataset):
        graphs = [(g.identifier, g) for g in graphs.graphs()]  # type: ignore[misc]
    return "".join(trig_lines(graphs, PREFIX_IRIS))


def load_graph(path: str | Path) -> Graph:
    """Parse a Turtle file; a syntax error names the file and, where known, the line."""
    p = Path(path)
    if not p.is_file():
        raise GraphFileError(f"{p}: graph file not found")
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    try:
        g.parse(p, format="turtle")
    except Exception as err:  # rdflib raises several unrelated types for bad syntax
        message = " ".join(str(err).split())
        raise GraphFileError(f"{p}: not valid Turtle ({message[:200]})", hint="rebuild it with 'gbakg build'") from None
    return g
