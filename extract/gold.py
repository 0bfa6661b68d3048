"""Writing extraction results in the format of the development gold set."""

from __future__ import annotations

from typing import Any

from .records import DocumentRecord

__all__ = ["to_gold"]


def to_gold(record: DocumentRecord) -> dict[str, Any]:
    """The document's entities and typed relations as a gold-format dictionary."""
    entities = []
    for entity in record.entities:
        forms = [m.surface for m in record.mentions if (m.type, m.canonical) == entity.key]
        entities.append(
            {
                "text": forms[0] if forms else entity.canonical,
                "canonical": entity.canonical,
                "type": entity.type,
                "aliases_in_doc": sorted(set(forms)),
            }
        )
    relations = []
    seen = set()
    for r in record.relations:
        triple = (r.subject[1], r.predicate, r.object[1])
        if r.predicate == "mentionedWith" or triple in seen:
            continue
        seen.add(triple)
        relations.append({"subject": triple[0], "predicate": r.predicate, "object": triple[2], "evidence": r.evidence})
    return {"doc": record.info.path.rsplit("/", 1)[-1], "entities": entities, "relations": relations}
