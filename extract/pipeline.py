"""Running the spaCy pipeline on documents and turning its output into plain records."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from .documents import RawDocument, read_document
from .facts import Stated
from .known import DEFAULT_DATA_FILE, KnownEntity, load_known
from .normalise import detect_script, fold, repair, to_traditional_all
from .records import DocumentInfo, DocumentRecord, Entity, Fact, Mention, Relation, Sentence
from .relations import Found, Ment

__all__ = [
    "CONFIG_FILE",
    "PIECE_CHARS",
    "build_nlp",
    "extract_document",
    "extract_paths",
    "fingerprint",
    "slices_surface",
    "split_pieces",
]

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
        section[last] = list(value) if isinstance(value, tuple) else value  # tuples: hashable stand-ins for lists
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
    """The Doc of a (short) document's repaired, folded text, with its state, before any component ran."""
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


PIECE_CHARS = 100_000
"""The most characters of (folded) text one spaCy ``Doc`` holds: a longer document is run in pieces."""

_SENTENCE_CUT = re.compile(r"[。！？!?]+[”’」』）)]*|\.(?=\s+[A-Z“\"])")  # the sentence ends of ``components._SENTENCE_END``
_SPACE = re.compile(r"\s")


def _last_end(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int:
    """The end of the last match of ``pattern`` from ``lo`` on that ends by ``hi``, as the match is in
    the whole text (a match running past ``hi`` does not count), or -1."""
    end = -1
    for m in pattern.finditer(text, lo, hi + 16):
        if m.end() > hi:
            break
        end = m.end()
    return end


def _cut(text: str, start: int, end: int) -> int:
    """Where a piece that starts at ``start`` and may run to ``end`` (before the text's end) ends: after
    the window's last line break, else its last sentence end (as ``gbakg_sentences`` finds them), else
    its last whitespace, each looked for in the window's second half first; else at ``end``, or
    before the ASCII word that runs across it."""
    half = start + (end - start) // 2

    def newline(lo: int) -> int:
        return text.rfind("\n", lo, end) + 1

    def sentence_end(lo: int) -> int:
        return _last_end(_SENTENCE_CUT, text, lo, end)

    def space(lo: int) -> int:
        return _last_end(_SPACE, text, lo, end)

    for find in (newline, sentence_end, space):
        for lo in (half, start):
            cut = find(lo)
            if cut > start:
                return cut
    cut = end
    while cut > start + 1 and text[cut - 1].isascii() and text[cut - 1].isalnum() and text[cut].isascii() and text[cut].isalnum():
        cut -= 1
    return cut if cut > start + 1 else end


def split_pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, int]]:
    r"""The ``(start, end)`` ranges of the pieces a text is run in: consecutive, covering the text, each
    at most ``limit`` characters long; a text of at most ``limit`` characters is one piece.

    >>> split_pieces("第一段。\n第二段。第三句。\nAn end. Of it", 7)
    [(0, 5), (5, 9), (9, 14), (14, 21), (21, 27)]
    """
    if limit < 1:
        raise ValueError(f"a piece must hold at least one character, not {limit}")
    pieces = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, start + limit)
        pieces.append((start, end))
        start = end
    pieces.append((start, len(text)))
    return pieces


class _Piece(NamedTuple):
    """What the pipeline found in one piece of a document, in the piece's own offsets and sentence
    numbers (mentions as ``Aligned``; their token ranges are the piece Doc's)."""

    start: int
    entities: list[Any]
    members: list[Any]
    sentences: list[tuple[int, int]]
    relations: list[tuple[int, Found]]
    facts: list[tuple[int, Stated]]
    definitions: dict[str, Any]


def _run(nlp: Any, text: str, state: dict[str, Any], start: int = 0) -> _Piece:
    """The pipeline on one text (a whole document, or one piece from ``start`` on) with the state given."""
    from .components import MEMBERS, Aligned
    from .components import entities as resolved_entities

    doc = nlp.make_doc(text)
    doc._.gbakg = state  # the components add to this dictionary
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    members = [Aligned(m.start, m.end, m.start_char, m.end_char, m.label_, m.kb_id_, m.id_) for m in doc.spans.get(MEMBERS, [])]
    found = state["relations"], state.get("facts", []), state["definitions"]
    return _Piece(start, resolved_entities(doc), members, state["sentences"], *found)


def _moved(m: Ment, by: int) -> Ment:
    return m._replace(start=m.start + by, end=m.end + by)


def _run_pieces(nlp: Any, folded: str, weak_breaks: set[int], script: str, limit: int) -> _Piece:
    """The pipeline on a text longer than ``limit``, piece by piece (``split_pieces``), its findings
    joined in document offsets and sentence numbers.

    Whole-document behaviour is kept: a short form defined in one piece (X（以下简称“Y”）) names X in
    every piece, as in one Doc (a piece run before the definition was seen is run again with it), and
    name-derived partOf is found among the whole document's entities, in the first sentence naming
    the part. What stays per piece: a name, sentence or relation cue that runs across a cut is not
    found whole. Cuts fall at line breaks, which no name or sentence crosses, wherever a piece's window
    holds one; else at a sentence end (a name may cross it), else at whitespace or between two
    characters, which also ends a sentence there."""
    from . import components

    ranges = split_pieces(folded, limit)
    breaks = sorted(weak_breaks)

    def run(start: int, end: int, aliases: components.Definitions) -> _Piece:
        text = folded[start:end]
        weak = {b - start for b in breaks[bisect_right(breaks, start) : bisect_left(breaks, end)]}
        state = {"weak_breaks": weak, "script": script, "text": text, "start": start, "piece": True, "aliases": aliases}
        return _run(nlp, text, state, start)

    pieces: list[_Piece] = []
    seen: list[components.Definitions] = []  # the definitions each piece was run with
    defined: components.Definitions = {}
    for start, end in ranges:
        pieces.append(run(start, end, defined))
        seen.append(components.merge_definitions(pieces[-1].definitions, defined))
        defined = components.merge_definitions(defined, pieces[-1].definitions)
    for i, (start, end) in enumerate(ranges):
        missed = [alias for alias, definer in defined.items() if seen[i].get(alias) != definer]
        if missed and any(alias in folded[start:end] for alias in missed):
            pieces[i] = run(start, end, defined)

    entities: list[Any] = []
    members: list[Any] = []
    sentences: list[tuple[int, int]] = []
    relations: list[tuple[int, Found]] = []
    facts: list[tuple[int, Stated]] = []
    for piece in pieces:
        at, first = piece.start, len(sentences)
        entities += [e._replace(start_char=e.start_char + at, end_char=e.end_char + at) for e in piece.entities]
        members += [m._replace(start_char=m.start_char + at, end_char=m.end_char + at) for m in piece.members]
        sentences += [(s + at, e + at) for s, e in piece.sentences]
        relations += [
            (first + i, Found(_moved(r.subject, at), r.predicate, _moved(r.object, at), r.rule, r.confidence))
            for i, r in piece.relations
        ]
        facts += [
            (
                first + i,
                q._replace(
                    subject=_moved(q.subject, at),
                    object=None if q.object is None else _moved(q.object, at),
                    value_start=q.value_start + at,
                    value_end=q.value_end + at,
                ),
            )
            for i, q in piece.facts
        ]
    ents = [Ment(e.start_char, e.end_char, e.label, e.kb_id) for e in entities]
    relations += components.name_derived(ents, sentences)
    return _Piece(0, entities, members, sentences, relations, facts, defined)


def extract_document(
    raw: RawDocument,
    data_file: str = "",
    nlp: Any = None,
    *,
    piece_chars: int = PIECE_CHARS,
    min_confidence: float | None = None,
) -> DocumentRecord:
    """Entities, mentions, sentences and relations of one document (``nlp``: another pipeline than the
    one ``pipeline.cfg`` makes; ``min_confidence``: drop mentions below it instead of the configured
    threshold). A document of more than ``piece_chars`` characters (after repair) is run in pieces
    (``_run_pieces``), so its length is not bounded by spaCy's ``max_length``; a shorter one is one Doc."""
    if nlp is None:
        overrides = () if min_confidence is None else (("components.gbakg_resolver.min_confidence", min_confidence),)
        nlp = build_nlp(data_file, "", overrides)
    clean = repair(raw.text)
    folded = fold(clean.text)
    script = detect_script(clean.text, folded)
    if len(folded) <= piece_chars:
        state: dict[str, Any] = {"weak_breaks": clean.weak_breaks, "clean": clean, "script": script, "text": folded}
        found = _run(nlp, folded, state)
    else:
        found = _run_pieces(nlp, folded, clean.weak_breaks, script, piece_chars)

    def surface(s: int, e: int) -> str:
        return clean.text[s:e].replace("\n", "")

    bounds = found.sentences
    sentences = [Sentence(i, *clean.raw_span(s, e), surface(s, e)) for i, (s, e) in enumerate(bounds)]
    sentence_starts = [s for s, _ in bounds]

    def sentence_of(offset: int) -> int:
        i = bisect_right(sentence_starts, offset) - 1
        return i if i >= 0 and offset < bounds[i][1] else 0

    mentions = []
    for span in [*found.entities, *found.members]:
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
    for index, r in found.relations:
        subject, obj = key_of.get((r.subject.type, r.subject.canonical)), key_of.get((r.object.type, r.object.canonical))
        if subject is not None and obj is not None:
            stated.add((index, subject, r.predicate, obj, r.rule, r.confidence))
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
    for index, q in found.facts:
        subject = key_of.get((q.subject.type, q.subject.canonical))
        obj = key_of.get((q.object.type, q.object.canonical)) if q.object is not None else None
        if subject is None or (q.object is not None and obj is None):
            continue
        s, e = bounds[index]
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


def extract_paths(
    paths: Sequence[str | Path], data_file: str = "", min_confidence: float | None = None
) -> Iterator[DocumentRecord | Exception]:
    """One record per readable document; a document that fails yields its error instead."""
    from kg.errors import DocumentError

    for path in paths:
        try:
            raw = read_document(path)
        except DocumentError as err:
            yield err
            continue
        yield extract_document(raw, data_file, min_confidence=min_confidence)


def fingerprint(data_file: str = "", min_confidence: float | None = None) -> str:
    """Changes whenever the extractor could give a different result: its code, config, model, data
    files and confidence threshold."""
    import hashlib

    from .crf import DEFAULT_MODEL

    h = hashlib.sha256()
    here = Path(__file__).parent
    known = [] if data_file == "none" else [Path(data_file) if data_file else DEFAULT_DATA_FILE]
    for path in [*sorted(here.glob("*.py")), CONFIG_FILE, *known, *sorted((here / "data").glob("*.tsv")), DEFAULT_MODEL]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    h.update(repr(min_confidence).encode())
    return h.hexdigest()[:16]
