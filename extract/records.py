"""Plain typed records that ``extract`` hands to ``kg`` (no spaCy types cross this line)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    path: str
    sha256: str
    script: str  # "zh-Hans", "zh-Hant" or "en"
    title: str
    n_chars: int
    format: str = "text"  # one of extract.formats.FORMATS
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int  # raw-text character offsets, end exclusive
    end: int
    text: str  # the sentence as the document writes it, line breaks removed


@dataclass(frozen=True)
class Mention:
    canonical: str
    type: str
    surface: str  # as written in the document, line breaks removed
    start: int  # raw-text character offsets; raw[start:end] is the surface with its line breaks
    end: int
    sentence: int
    rule: str


@dataclass(frozen=True)
class Entity:
    canonical: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)  # language tag -> label
    aliases: tuple[str, ...] = ()
    wikidata: str = ""
    city: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.type, self.canonical)


@dataclass(frozen=True)
class Relation:
    subject: tuple[str, str]  # (type, canonical)
    predicate: str
    object: tuple[str, str]
    sentence: int
    start: int  # raw offsets of the evidence sentence
    end: int
    evidence: str
    rule: str
    confidence: float


@dataclass(frozen=True)
class Fact:
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
    """A JSON-ready form of a record (for the build cache): what ``dataclasses.asdict`` gives, made
    field by field (``asdict`` deep-copies every value)."""
    return {
        "info": dict(vars(record.info)),
        "sentences": [dict(vars(s)) for s in record.sentences],
        "mentions": [dict(vars(m)) for m in record.mentions],
        "entities": [{**vars(e), "labels": dict(e.labels)} for e in record.entities],
        "relations": [dict(vars(r)) for r in record.relations],
        "facts": [dict(vars(f)) for f in record.facts],
    }
