"""Each document's share of the outputs, made where the document is extracted and cached with its record.

A document's own nodes (the document, its mentions, assertions and facts: ``is_document_node``) are
stated by that document alone, so their Turtle statements, its named graph in TriG and the SHACL
violations at those nodes depend on its record only: they are made once, beside the extraction, and
kept in the build cache. Entities are shared between documents: the build writes and checks them
from the merged view (``merged_triples(view=True)``), a fraction of the graph, and merges the
documents' statements in among them, so the files are the ones ``write_turtle`` and ``write_trig``
write for the whole merged graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from heapq import merge
from pathlib import Path
from typing import Any

from extract.records import DocumentRecord

from .graph import KNOWN_GRAPH, PREFIX_IRIS, SUMMARY_GRAPH, document_iri, graph_iri, is_document_node, record_triples
from .rdfwrite import Block, TermWriter, named_graph_text, subject_blocks, trig_from_graphs, turtle_from_blocks
from .summary import SUMMARY_PREDICATES, summary_triples
from .triples import TripleIndex
from .validate import SHAPES_FILE, Violation, validate_document
from .vocab import GBA
from .vocabgen import ONTOLOGY_FILE

__all__ = ["DocumentPart", "document_part", "part_from_dict", "part_to_dict", "part_version", "trig_of", "turtle_of"]

_SOURCES = ("graph.py", "parts.py", "rdfwrite.py", "shacl.py", "summary.py", "validate.py", "vocab.py")


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
    named = named_graph_text(name, triples, write)
    doc = document_iri(record.info.doc_id)
    own = [t for t in triples if is_document_node(t[0])]
    own += (t for t in summary_triples(triples) if t[0] == doc)  # its entity and fact counts
    blocks = subject_blocks(own, write)
    violations = validate_document(TripleIndex(triples))
    return DocumentPart(record.info.doc_id, str(name), named, blocks, sorted(write.used), violations)


def part_to_dict(part: DocumentPart) -> dict[str, Any]:
    return {
        "doc_id": part.doc_id,
        "graph_key": part.graph_key,
        "named_graph": part.named_graph,
        "blocks": part.blocks,
        "prefixes": part.prefixes,
        "violations": [[v.focus, v.path, v.value, v.message, v.shape] for v in part.violations],
    }


def part_from_dict(data: dict[str, Any]) -> DocumentPart:
    return DocumentPart(
        data["doc_id"],
        data["graph_key"],
        data["named_graph"],
        [(key, text) for key, text in data["blocks"]],
        list(data["prefixes"]),
        [Violation(*v) for v in data["violations"]],
    )


def turtle_of(view: TripleIndex, parts: Iterable[DocumentPart]) -> Iterator[str]:
    """graph.ttl: the entities' statements, written from the merged view, merged in subject order
    with the documents' own (each part's blocks are in subject order already)."""
    parts = list(parts)
    write = TermWriter(PREFIX_IRIS)
    entities = subject_blocks(view.select(_shared), write)
    used = write.used.union(*(part.prefixes for part in parts))
    blocks = merge(entities, *(part.blocks for part in parts))
    return turtle_from_blocks((text for _, text in blocks), PREFIX_IRIS, used)


def trig_of(view: TripleIndex, parts: Iterable[DocumentPart]) -> Iterator[str]:
    """graph.trig: each document's named graph, then those of the known entities' home cities and of
    the summary triples, written from the merged view, in the order of their names."""
    parts = list(parts)
    write = TermWriter(PREFIX_IRIS)
    texts = {part.graph_key: part.named_graph for part in parts}
    texts[str(KNOWN_GRAPH)] = named_graph_text(KNOWN_GRAPH, view.triples((None, GBA.homeCity, None)), write)
    summary = [t for predicate in sorted(SUMMARY_PREDICATES) for t in view.triples((None, predicate, None))]
    texts[str(SUMMARY_GRAPH)] = named_graph_text(SUMMARY_GRAPH, summary, write)
    used = write.used.union(*(part.prefixes for part in parts))
    return trig_from_graphs((texts[key] for key in sorted(texts)), PREFIX_IRIS, used)


def _shared(node: Any) -> bool:
    return not is_document_node(node)
