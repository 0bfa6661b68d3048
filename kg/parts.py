"""Each document's share of the outputs, made where the document is extracted and cached with its record.

A document's own nodes (the document, its mentions, assertions and facts: ``is_document_node``) are
stated by that document alone, so their Turtle statements, its named graph in TriG and the SHACL
violations at those nodes depend on its record only: they are made once, beside the extraction, and
kept in the build cache. Entities are shared between documents: the build writes and checks them
from the merged view (``merged_triples(view=True)``), a fraction of the graph, and merges the
documents' statements in among them, so the files are the ones ``turtle_lines`` and ``trig_lines``
write for the whole merged graph.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from heapq import merge
from pathlib import Path
from typing import Any

import msgspec
from rdflib import URIRef

from extract.records import DocumentRecord

from .graph import (
    DOCUMENT_NODES,
    KNOWN_GRAPH,
    PREFIX_IRIS,
    SUMMARY_GRAPH,
    document_iri,
    graph_iri,
    is_document_node,
    record_triples,
)
from .rdfwrite import (
    GRAPH_INDENT,
    Block,
    TermWriter,
    graph_from_blocks,
    subject_blocks,
    trig_from_graphs,
    turtle_from_blocks,
)
from .summary import SUMMARY_PREDICATES, summary_triples
from .triples import TripleIndex
from .validate import SHAPES_FILE, Violation, validate_document
from .vocab import GBA
from .vocabgen import ONTOLOGY_FILE

__all__ = [
    "DocumentPart",
    "DocumentParts",
    "MergedText",
    "decode_part",
    "document_part",
    "edit_store",
    "encode_part",
    "part_version",
    "store_changes",
    "store_files",
]

_SOURCES = ("graph.py", "parts.py", "rdfwrite.py", "shacl.py", "summary.py", "triples.py", "validate.py", "vocab.py")


@dataclass(frozen=True)
class DocumentPart:
    """One document's share of graph.ttl (``blocks``, its own nodes' statements with its summary
    counts), of graph.trig (``named_graph``) and of the SHACL violations."""

    doc_id: str
    graph_key: str
    named_graph: str
    blocks: list[Block]
    prefixes: list[str]
    violations: list[Violation]
    digest: str


@lru_cache(maxsize=1)
def part_version() -> str:
    """A digest of the code and shapes a part is made with: a cached part made by other code is made again."""
    digest = hashlib.sha256()
    for path in [*(Path(__file__).with_name(name) for name in _SOURCES), SHAPES_FILE, ONTOLOGY_FILE]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def document_part(record: DocumentRecord) -> DocumentPart:
    """The part of one document (``record_triples``), with the violations at its own nodes."""
    triples = record_triples(record)
    write = TermWriter(PREFIX_IRIS)
    name = graph_iri(record.info.doc_id)
    statements = subject_blocks(triples, write, GRAPH_INDENT)
    named = graph_from_blocks(write(name), statements) if statements else ""  # named_graph_text
    turtle = "".join(turtle_from_blocks((text for _, text in statements), PREFIX_IRIS, write.used))
    doc = document_iri(record.info.doc_id)
    # the statements of its own nodes are those of its named graph, but for the document's, which adds its entity and fact counts
    blocks = [(key, _unindented(text)) for key, text in statements if key != str(doc) and is_document_node(URIRef(key))]
    blocks += subject_blocks([t for t in (*triples, *summary_triples(triples)) if t[0] == doc], write)
    blocks.sort()
    violations = validate_document(TripleIndex(triples), turtle)
    digest = hashlib.sha256(named.encode("utf-8")).hexdigest()[:32]
    return DocumentPart(record.info.doc_id, str(name), named, blocks, sorted(write.used), violations, digest)


def _unindented(block: str) -> str:
    """A statement of a named graph (``GRAPH_INDENT`` before each line) as a top-level one."""
    return block[len(GRAPH_INDENT) :].replace("\n" + GRAPH_INDENT, "\n")


def encode_part(part: DocumentPart) -> bytes:
    """The part as JSON, for the build cache."""
    return msgspec.json.encode(part)


def decode_part(data: bytes) -> DocumentPart:
    """The inverse of ``encode_part``; raises ``ValueError`` for data it did not write."""
    try:
        return msgspec.json.decode(data, type=DocumentPart)
    except msgspec.MsgspecError as err:
        raise ValueError(f"not a cached part: {err}") from None


class DocumentParts(Mapping[str, DocumentPart]):
    """Parts by document ID. A part read from the build cache is kept as its JSON until it is first
    looked up (a rebuild decodes them after the report's process has forked); reading one that
    does not decode raises ``ValueError``."""

    def __init__(self) -> None:
        self._parts: dict[str, DocumentPart | msgspec.Raw] = {}

    def __setitem__(self, doc_id: str, part: DocumentPart | msgspec.Raw) -> None:
        self._parts[doc_id] = part

    def __getitem__(self, doc_id: str) -> DocumentPart:
        part = self._parts[doc_id]
        if isinstance(part, msgspec.Raw):
            part = self._parts[doc_id] = decode_part(part)
        return part

    def __iter__(self) -> Iterator[str]:
        return iter(self._parts)

    def __len__(self) -> int:
        return len(self._parts)


class MergedText:
    """The merged graph's files, written from the merged view and the documents' parts: the entities'
    statements (and the known entities' and summary graphs) are written once, here."""

    def __init__(self, view: TripleIndex, parts: Iterable[DocumentPart]) -> None:
        self.parts = sorted(parts, key=lambda part: part.graph_key)
        write = TermWriter(PREFIX_IRIS)
        self.entities = subject_blocks(view.select(_shared), write)
        summary = [t for predicate in sorted(SUMMARY_PREDICATES) for t in view.triples((None, predicate, None))]
        self.graphs = {
            graph: subject_blocks(triples, write, GRAPH_INDENT)
            for graph, triples in ((KNOWN_GRAPH, view.triples((None, GBA.homeCity, None))), (SUMMARY_GRAPH, summary))
        }
        self.known, self.summary = (graph_from_blocks(write(g), b) if b else "" for g, b in self.graphs.items())
        counts = [t for t in summary if is_document_node(t[0])]
        self.counts = subject_blocks(counts, write)  # documents' entity and fact counts: in their parts' blocks too
        self.used = write.used.union(*(part.prefixes for part in self.parts))

    def turtle(self) -> Iterator[str]:
        """graph.ttl: the entities' statements merged in subject order with the documents' own (each
        part's blocks are in subject order already)."""
        blocks = list(self.entities)
        for part in self.parts:
            blocks.extend(part.blocks)
        blocks.sort()  # sorted runs, merged by the sort in C: faster than heapq.merge of thousands of runs
        return turtle_from_blocks((text for _, text in blocks), PREFIX_IRIS, self.used)

    def trig(self) -> Iterator[str]:
        """graph.trig: each document's named graph, the known entities' home cities and the summary
        triples, in the order of their names."""
        texts = {part.graph_key: part.named_graph for part in self.parts}
        texts[str(KNOWN_GRAPH)], texts[str(SUMMARY_GRAPH)] = self.known, self.summary
        return trig_from_graphs((texts[key] for key in sorted(texts)), PREFIX_IRIS, self.used)

    @cached_property
    def shared(self) -> list[str]:
        """What the store holds beside the documents' named graphs and their copies in the default
        graph, as TriG statements (prefixes left out), one per subject and graph: the entities' and
        the documents' counts in the default graph, then those of the known entities' and the summary
        graphs. The store is changed by the statements that differ from the previous build's."""
        write = TermWriter(PREFIX_IRIS)
        units = [text for _, text in merge(self.entities, self.counts)]
        for graph, blocks in self.graphs.items():
            units += (f"{write(graph)} {{\n{text}}}\n" for _, text in blocks)
        return units


PARTS_FILE, SHARED_FILE = "parts.json", "shared.json"


def store_files(merged: MergedText) -> dict[str, str]:
    """The files kept in the store folder beside the database, for the next build to update it:
    the digest of each document's named graph, and the shared quads."""
    digests = {part.graph_key: part.digest for part in merged.parts}
    return {PARTS_FILE: json.dumps(digests, sort_keys=True), SHARED_FILE: json.dumps(merged.shared, ensure_ascii=False)}


def store_changes(previous: Path, merged: MergedText) -> tuple[list[str], list[DocumentPart]] | None:
    """The named graphs to drop from the previous store (``previous``, the folder) and the parts to
    add, or None when it cannot be updated (no files of ``store_files``) or is better loaded anew
    (more than a quarter of the documents changed)."""
    try:
        before = json.loads((previous / PARTS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (previous / SHARED_FILE).is_file() or not isinstance(before, dict):
        return None
    now = {part.graph_key: part for part in merged.parts}
    dropped = sorted(key for key, digest in before.items() if key not in now or now[key].digest != digest)
    added = [part for key, part in now.items() if before.get(key) != part.digest]
    if len(dropped) + len(added) > max(8, len(now) // 4):
        return None
    return dropped, added


def edit_store(store: Any, previous: Path, merged: MergedText, dropped: list[str], added: list[DocumentPart]) -> None:
    """Make ``store``, a copy of the store in ``previous``, hold the merged graph of ``merged``:
    drop the changed documents' named graphs and their own nodes' triples from the default graph,
    add the new ones, and change the shared quads by their difference."""
    from .store import oxigraph

    ox = oxigraph()
    for key in dropped:
        name = ox.NamedNode(key)
        own = [q for q in store.quads_for_pattern(None, None, None, name) if str.startswith(q.subject.value, DOCUMENT_NODES)]
        for quad in own:
            store.remove(ox.Quad(quad.subject, quad.predicate, quad.object))
        store.remove_graph(name)
    header = "".join(turtle_from_blocks([], PREFIX_IRIS, PREFIX_IRIS))
    for part in added:
        quads = list(ox.parse(header + part.named_graph, format=ox.RdfFormat.TRIG))
        store.extend(quads)
        store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads if str.startswith(q.subject.value, DOCUMENT_NODES))
    before = set(json.loads((previous / SHARED_FILE).read_text(encoding="utf-8")))
    now = set(merged.shared)  # a subject's quads in one graph are one statement: its old one goes, its new one comes
    for quad in ox.parse(header + "".join(sorted(before - now)), format=ox.RdfFormat.TRIG):
        store.remove(quad)
    store.extend(ox.parse(header + "".join(sorted(now - before)), format=ox.RdfFormat.TRIG))


def _shared(node: Any) -> bool:
    return not is_document_node(node)
