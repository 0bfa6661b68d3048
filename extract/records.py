"""Plain typed records that ``extract`` hands to ``kg`` (no spaCy types cross this line).

The per-item records are named tuples: immutable and hashable as frozen dataclasses are, but made
and unpickled several times faster (a parallel build unpickles every record its workers send).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "DocumentInfo",
    "DocumentRecord",
    "Entity",
    "Fact",
    "Mention",
    "Relation",
    "Sentence",
    "record_to_dict",
]


class DocumentInfo(NamedTuple):
    doc_id: str
    path: str
    sha256: str
    script: str  # "zh-Hans", "zh-Hant" or "en"
    title: str
    n_chars: int
    format: str = "text"  # one of extract.formats.FORMATS
    encoding: str = "utf-8"


class Sentence(NamedTuple):
    index: int  # type: ignore[assignment]  # the field shadows tuple.index, which records never call
    start: int  # raw-text character offsets, end exclusive
    end: int
    text: str  # the sentence as the document writes it, line breaks removed


class Mention(NamedTuple):
    canonical: str
    type: str
    surface: str  # as written in the document, line breaks removed
    start: int  # raw-text character offsets; raw[start:end] is the surface with its line breaks
    end: int
    sentence: int
    rule: str
    confidence: float = 1.0  # the model's marginal, or the rule's prior


class Entity(NamedTuple):
    canonical: str
    type: str
    labels: dict[str, str]  # language tag -> label
    aliases: tuple[str, ...] = ()
    wikidata: str = ""
    city: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.canonical)


class Relation(NamedTuple):
    subject: tuple[str, str]  # (type, canonical)
    predicate: str
    object: tuple[str, str]
    sentence: int
    start: int  # raw offsets of the evidence sentence
    end: int
    evidence: str
    rule: str
    confidence: float


class Fact(NamedTuple):
    """A qualified fact: a ranking, a date or a quantity that a sentence states about an entity."""

    subject: tuple[str, str]  # (type, canonical)
    kind: str  # "rank", "date" or "quantity"
    attribute: str  # "rank", "established", "held", "fundingReceived", or what is counted (成员单位)
    value: str  # decimal number or ISO date
    unit: str
    year: str
    value_text: str  # the value as the document writes it
    sentence: int
    start: int  # raw offsets of the evidence sentence
    end: int
    evidence: str
    rule: str
    confidence: float
    object: tuple[str, str] | None = None  # the ranker or the payer


@dataclass
class DocumentRecord:
    info: DocumentInfo
    sentences: list[Sentence]
    mentions: list[Mention]
    entities: list[Entity]
    relations: list[Relation]
    facts: list[Fact] = field(default_factory=list)


def record_to_dict(record: DocumentRecord) -> dict[str, object]:
    """A JSON-ready form of a record: each item a dictionary of its fields."""
    return {
        "info": record.info._asdict(),
        "sentences": [s._asdict() for s in record.sentences],
        "mentions": [m._asdict() for m in record.mentions],
        "entities": [{**e._asdict(), "labels": dict(e.labels)} for e in record.entities],
        "relations": [r._asdict() for r in record.relations],
        "facts": [f._asdict() for f in record.facts],
    }
