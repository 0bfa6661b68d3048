"""Running the spaCy pipeline on documents and turning its output into plain records."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from .documents import RawDocument, read_document
from .known import DEFAULT_DATA_FILE, KnownEntity, load_known
from .normalise import detect_script, fold, repair, to_traditional_all
from .records import DocumentInfo, DocumentRecord, Entity, Fact, Mention, Relation, Sentence

__all__ = ["CONFIG_FILE", "build_nlp", "extract_document", "extract_paths", "fingerprint", "slices_surface"]

CONFIG_FILE = Path(__file__).parent / "pipeline.cfg"
_CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=4)
def build_nlp(data_file: str = "", model_file: str = "", overrides: tuple[tuple[str, Any], ...] = ()) -> Any:
    """The extraction pipeline from ``pipeline.cfg`` (``data_file`` overrides the known entities,
    ``model_file`` the entity model, ``overrides`` any setting: ("components.x.y", value) pairs)."""
    import spacy
    from spacy.util import load_config

    from . import components

    config = load_config(CONFIG_FILE)
    if data_file:
        for name in ("gbakg_gazetteer", "gbakg_head_nouns", "gbakg_resolver"):
            config["components"][name]["entities"]["path"] = data_file
    if model_file:
        config["components"]["gbakg_model"]["model"]["path"] = model_file
    for dotted, value in overrides:
        *parents, last = dotted.split(".")
        section = config
        for part in parents:
            section = section[part]
        section[last] = value
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    components.ensure_extensions()
    return nlp


@lru_cache(maxsize=4)
def _known_by_key(data_file: str) -> dict[tuple[str, str], KnownEntity]:
    return {(k.type, k.canonical): k for k in load_known(data_file)}


def slices_surface(raw_slice: str, surface: str) -> bool:
    r"""Whether a raw-text slice is the surface form as written, but for whitespace and line breaks.

    >>> slices_surface("深圳湾\n实验室", "深圳湾实验室"), slices_surface("一带\n修改稿收到日期\n一路", "一带一路")
    (True, False)
    """
    return raw_slice == surface or "".join(raw_slice.split()) == "".join(surface.split())


def _title(raw: RawDocument) -> str:
    for line in raw.text.split("\n"):
        if line.strip():
            return line.strip()[:120]
    return raw.doc_id


RULE_STAGES = ("gbakg_gazetteer", "gbakg_places", "gbakg_head_nouns", "gbakg_persons")


def prepare_doc(raw: RawDocument, data_file: str = "", nlp: Any = None) -> Any:
    """The Doc of a document's repaired, folded text, with its state, before any component ran."""
    nlp = nlp or build_nlp(data_file)
    clean = repair(raw.text)
    folded = fold(clean.text)
    doc = nlp.make_doc(folded)
    script = detect_script(clean.text, folded)
    doc._.gbakg = {"weak_breaks": clean.weak_breaks, "clean": clean, "script": script, "text": folded}
    return doc


def rule_stages(data_file: str = "") -> list[Any]:
    """The components that propose candidates by rule, in pipeline order."""
    nlp = build_nlp(data_file)
    return [proc for name, proc in nlp.pipeline if name in RULE_STAGES]


def extract_document(raw: RawDocument, data_file: str = "", nlp: Any = None) -> DocumentRecord:
    """Entities, mentions, sentences and relations of one document (``nlp``: another pipeline than
    the one ``pipeline.cfg`` makes)."""
    nlp = nlp or build_nlp(data_file)
    doc = prepare_doc(raw, data_file, nlp)
    state: dict[str, Any] = doc._.gbakg  # the components add to this dictionary
    clean, script = state["clean"], state["script"]
    from .components import MEMBERS, Aligned
    from .components import entities as resolved_entities

    for _, proc in nlp.pipeline:
        doc = proc(doc)

    def surface(s: int, e: int) -> str:
        return clean.text[s:e].replace("\n", "")

    bounds = state["sentences"]
    sentences = [Sentence(i, *clean.raw_span(s, e), surface(s, e)) for i, (s, e) in enumerate(bounds)]
    sentence_starts = [s for s, _ in bounds]

    def sentence_of(offset: int) -> int:
        i = bisect_right(sentence_starts, offset) - 1
        return i if i >= 0 and offset < bounds[i][1] else 0

    members = [Aligned(m.start, m.end, m.start_char, m.end_char, m.label_, m.kb_id_, m.id_) for m in doc.spans.get(MEMBERS, [])]
    mentions = []
    for span in [*resolved_entities(doc), *members]:
        s, e = span.start_char, span.end_char
        start, end = clean.raw_span(s, e)
        written = surface(s, e)
        if not slices_surface(raw.text[start:end], written):
            continue  # the name runs across page furniture or a footnote the repair moved away
        mentions.append(Mention(span.kb_id, span.label, written, start, end, sentence_of(s), span.rule, span.confidence))
    mentions.sort(key=attrgetter("start", "end", "type", "canonical"))

    known = _known_by_key(data_file or DEFAULT_DATA_FILE)
    surfaces: dict[tuple[str, str], set[str]] = {}
    for m in mentions:
        surfaces.setdefault((m.type, m.canonical), set()).add(m.surface)
    traditional = dict(zip(surfaces, to_traditional_all([canonical for _, canonical in surfaces]), strict=True))
    entities = {}
    for key, spellings in surfaces.items():
        etype, canonical = key
        fact = known.get(key)
        if _CJK.search(canonical):
            labels = {"zh-Hans": canonical, "zh-Hant": traditional[key]}
            if fact and fact.english:
                labels["en"] = fact.english[0]
        else:
            labels = {"en": canonical}  # an English name the data file does not know: no Chinese label
        aliases = tuple(sorted(spellings - {canonical}))
        entities[key] = Entity(canonical, etype, labels, aliases, fact.wikidata if fact else "", fact.city if fact else "")

    key_of = {key: key for key in entities}  # one tuple per entity, shared by its relations and facts
    stated: set[tuple[int, tuple[str, str], str, tuple[str, str], str, float]] = set()
    for index, f in state["relations"]:
        subject, obj = key_of.get((f.subject.type, f.subject.canonical)), key_of.get((f.object.type, f.object.canonical))
        if subject is not None and obj is not None:
            stated.add((index, subject, f.predicate, obj, f.rule, f.confidence))
    keys_of: dict[int, set[tuple[str, str]]] = {}
    for m in mentions:
        keys_of.setdefault(m.sentence, set()).add(key_of[(m.type, m.canonical)])
    for index, together in keys_of.items():
        keys = sorted(together)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                stated.add((index, a, "mentionedWith", b, "mentionedWith.sentence.v0", 1.0))
    relations = []
    for index, subject, predicate, obj, rule, confidence in sorted(stated):
        sentence = sentences[index]
        relations.append(Relation(subject, predicate, obj, index, sentence.start, sentence.end, sentence.text, rule, confidence))

    facts = []
    for index, q in state.get("facts", []):
        subject = key_of.get((q.subject.type, q.subject.canonical))
        obj = key_of.get((q.object.type, q.object.canonical)) if q.object is not None else None
        if subject is None or (q.object is not None and obj is None):
            continue
        s, e = state["sentences"][index]
        rs, re_ = clean.raw_span(s, e)
        facts.append(
            Fact(
                subject,
                q.kind,
                q.attribute,
                q.value,
                q.unit,
                q.year,
                surface(q.value_start, q.value_end),
                index,
                rs,
                re_,
                sentences[index].text,
                q.rule,
                q.confidence,
                obj,
            )
        )
    facts.sort(key=attrgetter("sentence", "start", "subject", "kind", "attribute", "value", "rule", "value_text"))
    first: dict[tuple[object, ...], Fact] = {}
    for f in facts:
        first.setdefault((f.sentence, f.subject, f.attribute, f.value), f)
    facts = list(first.values())

    info = DocumentInfo(
        doc_id=raw.doc_id,
        path=raw.path,
        sha256=raw.sha256,
        script=script,
        title=_title(raw),
        n_chars=len(raw.text),
        format=raw.format,
        encoding=raw.encoding,
    )
    return DocumentRecord(info, sentences, mentions, [entities[key] for key in sorted(entities)], relations, facts)


def extract_paths(paths: Sequence[str | Path], data_file: str = "") -> Iterator[DocumentRecord | Exception]:
    """One record per readable document; a document that fails yields its error instead."""
    from kg.errors import DocumentError

    for path in paths:
        try:
            raw = read_document(path)
        except DocumentError as err:
            yield err
            continue
        yield extract_document(raw, data_file)


def fingerprint(data_file: str = "") -> str:
    """Changes whenever the extractor could give a different result: its code, config and data file."""
    import hashlib

    h = hashlib.sha256()
    here = Path(__file__).parent
    for path in [*sorted(here.glob("*.py")), CONFIG_FILE, Path(data_file) if data_file else DEFAULT_DATA_FILE]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
