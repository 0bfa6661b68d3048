"""spaCy pipeline components of gba-kg, each registered by name with what it reads and writes.

The ``Doc`` text is the repaired, folded (simplified) document; ``doc._.gbakg`` carries the
document's state: the repaired text with its offset map, weak line breaks, sentences and
relations. Candidates from every recogniser go to ``doc._.gbakg["candidates"]`` as plain
token-aligned records (type, canonical name, rule; making a spaCy ``Span`` for each costs more
than finding it); the resolver chooses among them and writes ``doc.ents``.

A long document is run as several Docs, one per piece of its text (``extract.pipeline``); the
state then also says where the piece starts in the document (``start``), that it is a piece
(``piece``: relations that need the whole document are left to the caller), and the short forms
other pieces define (``aliases``); the resolver writes the piece's own as ``definitions``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import registry

from . import facts as qualified
from . import lexicons
from . import relations as rel
from .known import DEFAULT_DATA_FILE, KnownEntity, load_known, name_key, name_keys
from .normalise import fold
from .rules import (
    Candidate,
    find_clusters,
    find_connect_schemes,
    find_editions,
    find_english_candidates,
    find_enumerated,
    find_head_candidates,
    find_party_committees,
    find_persons,
    find_titled_programs,
)

MEMBERS = "gbakg_members"
_SOURCE_PRIORITY = {"model": 0, "known": 1, "pattern": 2, "place": 3, "head": 3, "english": 3, "person": 4, "alias": 5}
_LOCATIVE_BEFORE = set(lexicons.cue_words("locative_before"))  # a set: "" is not in it
_CONTRACTION = set(lexicons.cue_words("contraction_char"))
_DASHES = "—－–-"
_CJK_ONLY = re.compile(r"[\u3400-\u9fff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def ensure_extensions() -> None:
    if not Doc.has_extension("gbakg"):
        Doc.set_extension("gbakg", default=None)


_STATE_KEY = ("._.", "gbakg", None, None)  # where spaCy keeps ``doc._.gbakg`` (a test checks it)


def _state(doc: Doc) -> dict[str, Any]:
    """``doc._.gbakg``, read from ``doc.user_data`` (``doc._`` makes an accessor object on every read)."""
    state: dict[str, Any] | None = doc.user_data.get(_STATE_KEY)  # type: ignore[call-overload]
    if state is None:
        doc._.gbakg = state = {"weak_breaks": set()}
    return state


def doc_text(doc: Doc) -> str:
    """The Doc's text, read once per Doc (``Doc.text`` joins every token on each access)."""
    state = _state(doc)
    text: str | None = state.get("text")
    if text is None:
        text = state["text"] = doc.text
    return text


class Aligned(NamedTuple):
    """A candidate aligned to tokens: token range, character range, type, canonical name, rule."""

    start: int
    end: int
    start_char: int
    end_char: int
    label: str
    kb_id: str
    rule: str
    confidence: float = 1.0


_TOKEN_TABLE = "gbakg.token_table"  # doc.user_data: the table the tokenizer made with the Doc


class TokenOffsets:
    """Character offsets to token ranges, as ``Doc.char_span`` aligns them, without making a Span each
    time: each token's first character (``idx``) and end (``ends``), and the text's ``length``. A
    character belongs to the last token starting at or before it (a token's trailing space is its
    own). Taken from the tokenizer where it made them."""

    def __init__(self, doc: Doc) -> None:
        made: tuple[list[int], list[int], int] | None = doc.user_data.get(_TOKEN_TABLE)  # type: ignore[call-overload]
        if made is not None and len(made[0]) == len(doc):
            self.idx, self.ends, self.length = made
            return
        import numpy as np
        from spacy.attrs import IDX, LENGTH, SPACY

        table = doc.to_array([IDX, LENGTH, SPACY]).astype(np.int64).reshape(-1, 3)
        self.idx = table[:, 0].tolist()
        self.ends = (table[:, 0] + table[:, 1]).tolist()
        self.length = int(table[:, 1:].sum())

    def align(self, start: int, end: int, *, expand: bool = True) -> tuple[int, int] | None:
        """The token range of characters ``start:end`` ("expand" or "strict" alignment), or None."""
        if not (0 <= start < self.length and 0 < end <= self.length):
            return None
        first, last = bisect_right(self.idx, start) - 1, bisect_right(self.idx, end - 1) - 1
        if not expand and (start != self.idx[first] or end != self.ends[last]):
            return None
        if start == self.ends[first]:
            first += 1
        return (first, last + 1) if first <= last else None

    def candidate(self, c: Candidate) -> Aligned | None:
        tokens = self.align(c.start, c.end)
        if tokens is None:
            return None
        first, end = tokens
        return Aligned(first, end, self.idx[first], self.ends[end - 1], c.type, c.canonical, c.rule)


def _offsets(doc: Doc) -> TokenOffsets:
    state = _state(doc)
    offsets: TokenOffsets | None = state.get("offsets")
    if offsets is None or len(offsets.idx) != len(doc):  # a retokenised Doc gets a new table
        offsets = state["offsets"] = TokenOffsets(doc)
    return offsets


def entities(doc: Doc) -> list[Aligned]:
    """``doc.ents`` as plain records: as ``set_entities`` wrote them, else read from the token array
    (the ``doc.ents`` getter makes a Token for every token of the Doc on each read)."""
    import numpy as np
    from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE

    written: list[Aligned] | None = _state(doc).get("entities")
    if written is not None:
        return list(written)
    if not len(doc):
        return []
    table = doc.to_array([ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID]).reshape(-1, 4)
    iob = table[:, 0]
    starts = np.flatnonzero(iob == 3)
    outside = np.append(np.flatnonzero(iob != 1), len(doc))
    ends = outside[np.searchsorted(outside, starts, side="right")]
    offsets, strings = _offsets(doc), doc.vocab.strings
    columns = (starts.tolist(), ends.tolist(), *(table[starts, k].tolist() for k in (1, 2, 3)))
    return [
        Aligned(s, e, offsets.idx[s], offsets.ends[e - 1], strings[label], strings[kb], strings[rule])
        for s, e, label, kb, rule in zip(*columns, strict=True)
    ]


def _mentions(doc: Doc) -> list[rel.Ment]:
    """The entities as the relation and fact rules read them, made once for the entities written."""
    state = _state(doc)
    written = state.get("entities")
    made: tuple[object, list[rel.Ment]] | None = state.get("mentions")
    if written is None or made is None or made[0] is not written:
        made = (written, [rel.Ment(e.start_char, e.end_char, e.label, e.kb_id) for e in entities(doc)])
        if written is not None:
            state["mentions"] = made
    return made[1]


def _sentences_naming(doc: Doc) -> list[tuple[int, int, int, list[rel.Ment]]]:
    """Each sentence that names an entity: its index, start, end and the entities inside it (made
    once for the entities written and the sentences found)."""
    state = _state(doc)
    ents = _mentions(doc)
    made: tuple[object, object, list[tuple[int, int, int, list[rel.Ment]]]] | None = state.get("sentences_naming")
    if made is not None and made[0] is ents and made[1] is state["sentences"]:
        return made[2]
    starts = [m.start for m in ents]
    naming = []
    for index, (s, e) in enumerate(state["sentences"]):
        first, end = bisect_left(starts, s), bisect_left(starts, e)
        if first < end:
            naming.append((index, s, e, ents[first:end]))
    state["sentences_naming"] = (ents, state["sentences"], naming)
    return naming


def set_entities(doc: Doc, chosen: list[Aligned], ids: dict[str, int] | None = None) -> None:
    """Write non-overlapping mentions, sorted by start, as ``doc.ents`` (label, kb_id, and the rule as
    the span id) in one array write, and keep them for ``entities``. A component that changes
    ``doc.ents`` otherwise must drop ``doc._.gbakg["entities"]``. ``ids``: the strings' IDs in the
    Doc's string store, added as they are asked for (``_StringIds``)."""
    import numpy as np
    from spacy.attrs import ENT_ID, ENT_IOB, ENT_KB_ID, ENT_TYPE

    table = np.zeros((len(doc), 4), dtype=np.uint64)
    table[:, 0] = 2  # O: outside every entity
    if chosen:
        id_of = (ids if ids is not None else _StringIds(doc.vocab.strings)).__getitem__
        for c in chosen:
            table[c.start : c.end] = (1, id_of(c.label), id_of(c.kb_id), id_of(c.rule))  # I
        table[[c.start for c in chosen], 0] = 3  # B
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID], table)  # type: ignore[arg-type]
    _state(doc)["entities"] = list(chosen)


def candidates(doc: Doc) -> list[Aligned]:
    """Every recogniser's candidates so far (``doc._.gbakg["candidates"]``)."""
    found: list[Aligned] = _state(doc).setdefault("candidates", [])
    return found


def _add_candidates(doc: Doc, items: Iterable[Candidate]) -> None:
    offsets, found = _offsets(doc), candidates(doc)
    for c in items:
        aligned = offsets.candidate(c)
        if aligned is not None:
            found.append(aligned)


_WHITESPACE_RUN = re.compile(r"(\s+)")


class _StringIds(dict[str, int]):
    """Each string's ID in a string store, the string added when first asked for."""

    def __init__(self, strings: Any) -> None:
        super().__init__()
        self.strings = strings

    def __missing__(self, text: str) -> int:
        if len(self) > 1_000_000:
            self.clear()
        orth: int = self.strings.add(text)
        self[text] = orth
        return orth


class CharTokenizer:
    """One token per non-space character, as ``spacy.zh.ChineseTokenizer`` with ``segmenter = "char"``
    makes them (a space after a character is its whitespace, any other run of whitespace is a token),
    split at whitespace runs instead of searched for character by character. The Doc is made from
    the tokens' string IDs, which spares it hashing each token's text."""

    def __init__(self, vocab: Any) -> None:
        import numpy as np

        self.vocab = vocab
        self.short = 64  # texts shorter than this are split without array operations
        self.orths = _StringIds(vocab.strings)
        self.space = np.array([chr(c).isspace() for c in range(0x10000)])  # what \s matches, in the BMP
        self.ids = np.zeros(0x10000, dtype=np.uint64)  # each BMP character's string ID, 0 until seen

    def __call__(self, text: str) -> Doc:
        import numpy as np

        if len(text) < self.short:  # a name: array operations cost more than they save
            words, spaces, idx, ends = self._split(text)
            doc = Doc(self.vocab, words=words, spaces=spaces)  # type: ignore[arg-type]
            doc.user_data[_TOKEN_TABLE] = (idx, ends, len(text))
            return doc
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
        if not len(points) or int(points.max()) >= 0x10000:
            words, spaces, idx, ends = self._split(text)
        else:
            words, spaces, idx, ends = self._split_points(text, points)
        doc = Doc(self.vocab, words=words, spaces=spaces)  # type: ignore[arg-type]  # IDs are words too
        doc.user_data[_TOKEN_TABLE] = (idx, ends, len(text))
        return doc

    def _split(self, text: str) -> tuple[list[int], list[bool], list[int], list[int]]:
        """Tokens (string IDs), their trailing spaces, starts and ends, whitespace run by run."""
        orth = self.orths.__getitem__
        words: list[int] = []
        spaces: list[bool] = []
        idx: list[int] = []
        ends: list[int] = []
        pos = 0
        for i, part in enumerate(_WHITESPACE_RUN.split(text)):
            n = len(part)
            if i % 2 == 0:
                if n:
                    words += map(orth, part)
                    spaces += [False] * n
                    idx += range(pos, pos + n)
                    ends += range(pos + 1, pos + n + 1)
                pos += n
                continue
            lead = 0
            if part[0] == " " and words:
                spaces[-1] = True
                lead = 1
            if n > lead:
                words.append(orth(part[lead:]))
                spaces.append(False)
                idx.append(pos + lead)
                ends.append(pos + n)
            pos += n
        return words, spaces, idx, ends

    def _split_points(self, text: str, points: Any) -> tuple[list[int], list[bool], list[int], list[int]]:
        """``_split`` in array operations, for a text of BMP characters given as code points."""
        import numpy as np

        space = self.space[points]
        edges = np.diff(np.concatenate(([0], space.view(np.int8), [0])))
        run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        trailing = (run_starts > 0) & (points[run_starts] == ord(" "))  # a space after a character is its whitespace
        run_tokens = run_starts + trailing
        kept = run_tokens < run_ends
        run_tokens, run_token_ends = run_tokens[kept], run_ends[kept]
        starts = ~space
        starts[run_tokens] = True
        idx = np.flatnonzero(starts)
        ends = idx + 1
        at_runs = np.searchsorted(idx, run_tokens)
        ends[at_runs] = run_token_ends
        spaces = np.zeros(len(idx), dtype=bool)
        spaces[np.searchsorted(idx, run_starts[trailing] - 1)] = True
        chars = points[idx]
        ids = self.ids[chars]
        unseen = (ids == 0) & ~space[idx]
        if unseen.any():
            for point in np.unique(chars[unseen]).tolist():
                self.ids[point] = self.orths[chr(point)]
            ids = self.ids[chars]
        words: list[int] = ids.tolist()
        orth = self.orths.__getitem__
        for token, start, end in zip(at_runs.tolist(), run_tokens.tolist(), run_token_ends.tolist(), strict=True):
            words[token] = orth(text[start:end])
        return words, spaces.tolist(), idx.tolist(), ends.tolist()

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        return (self(text) for text in texts)


@registry.tokenizers("gbakg.char_tokenizer.v1")
def char_tokenizer_v1() -> Any:
    def create(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab)

    return create


@registry.misc("gbakg.known_entities.v1")
def known_entities(path: str = "") -> tuple[KnownEntity, ...]:
    return load_known(path or DEFAULT_DATA_FILE)


class Gazetteer:
    """Matches known names and aliases (both scripts, English) over character tokens, in one pass:
    one matcher on lowercase forms, a Chinese name then kept only where the characters are the name's
    own (upper case included) and an English one only where it is not part of a longer word."""

    def __init__(self, nlp: Language, entities: tuple[KnownEntity, ...]) -> None:
        self.entities = entities
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entity_of: dict[int, tuple[KnownEntity, bool]] = {}
        self.written: dict[int, set[tuple[str, ...]]] = {}
        self.acronyms: dict[int, set[str]] = {}  # English names in capitals only: matched as written in English text
        for index, entity in enumerate(entities):
            zh_names = {fold(n) for n in (entity.canonical, *entity.aliases)}
            for name in list(zh_names):
                for dash in _DASHES:
                    zh_names.add(re.sub(f"[{re.escape(_DASHES)}]", dash, name))
                if "“" in name:
                    zh_names.add(name.replace("“", "").replace("”", ""))
            patterns = [nlp.make_doc(n) for n in sorted(zh_names)]
            key = nlp.vocab.strings.add(f"zh:{index}")
            self.entity_of[key] = (entity, False)
            self.written[key] = {tuple(t.text for t in p) for p in patterns}
            self.matcher.add(f"zh:{index}", patterns)
            if entity.english:
                en_key = nlp.vocab.strings.add(f"en:{index}")
                self.entity_of[en_key] = (entity, True)
                en_names = {fold(n) for n in entity.english}
                en_names |= {re.sub(r" ?（", " （", n) for n in en_names} | {n.replace(" （", "（") for n in en_names}
                self.acronyms[en_key] = {n for n in en_names if n.isupper()}
                self.matcher.add(f"en:{index}", [nlp.make_doc(n.lower()) for n in sorted(en_names)])

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        offsets, found = _offsets(doc), candidates(doc)
        chinese: list[Aligned] = []
        english: list[Aligned] = []
        cased = text.lower() != text.upper()  # else no name can be written in another case
        english_text = _state(doc).get("script") == "en"
        for match_id, start, end in self.matcher(doc):
            entity, is_english = self.entity_of[match_id]
            s, e = offsets.idx[start], offsets.ends[end - 1]
            if is_english:
                if (s > 0 and text[s - 1].isascii() and text[s - 1].isalnum()) or (
                    e < len(text) and text[e].isascii() and text[e].isalnum()
                ):
                    continue
                written = text[s:e]
                if english_text and not written.isupper() and any(a.lower() == written.lower() for a in self.acronyms[match_id]):
                    continue  # in English, "most" is not MOST and "must" not MUST
            elif (
                cased
                and text[s:e].lower() != text[s:e].upper()
                and (tuple(text[offsets.idx[k] : offsets.ends[k]] for k in range(start, end)) not in self.written[match_id])
            ):
                continue
            if e - s == 1 and not self._single_char_ok(text, s):
                continue
            rule = "known:single-character" if e - s == 1 else "known:gazetteer"
            (english if is_english else chinese).append(Aligned(start, end, s, e, entity.type, entity.canonical, rule))
        found += chinese
        found += english
        return doc

    @staticmethod
    def _single_char_ok(text: str, s: int) -> bool:
        prev = text[s - 1] if s > 0 else ""
        nxt = text[s + 1] if s + 1 < len(text) else ""
        return prev in _LOCATIVE_BEFORE and nxt not in _CONTRACTION


@Language.factory(
    "gbakg_gazetteer",
    assigns=["doc._.gbakg"],
    default_config={"entities": {"@misc": "gbakg.known_entities.v1", "path": ""}},
)
def make_gazetteer(nlp: Language, name: str, entities: tuple[KnownEntity, ...]) -> Gazetteer:
    ensure_extensions()
    return Gazetteer(nlp, entities)


@Language.factory("gbakg_places", assigns=["doc._.gbakg"])
def make_places(nlp: Language, name: str) -> Any:
    """Cities, districts, provinces and countries from the public place table (``extract.places``), as
    candidates of rule ``place:table`` (the canonical name of the table)."""
    ensure_extensions()
    from .places import place_names

    names = place_names()
    matcher = PhraseMatcher(nlp.vocab)
    typed: dict[int, tuple[str, str]] = {}
    for written, (etype, canonical) in sorted(names.items()):
        key = nlp.vocab.strings.add(f"place:{written}")
        typed[key] = (etype, canonical)
        matcher.add(f"place:{written}", [nlp.make_doc(written)])

    def places(doc: Doc) -> Doc:
        offsets, found = _offsets(doc), candidates(doc)
        for match_id, start, end in matcher(doc):
            etype, canonical = typed[match_id]
            found.append(Aligned(start, end, offsets.idx[start], offsets.ends[end - 1], etype, canonical, "place:table"))
        return doc

    return places


@lru_cache(maxsize=256)
def _priority(rule: str) -> int:
    """Which of two candidates of one length wins: known names first, then patterns, heads, persons."""
    return _SOURCE_PRIORITY[rule.split(":")[0]]


def _known(doc: Doc) -> list[Aligned]:
    return [c for c in candidates(doc) if c.rule.startswith("known")]


@Language.factory(
    "gbakg_head_nouns",
    assigns=["doc._.gbakg"],
    requires=["doc._.gbakg"],
    default_config={"entities": {"@misc": "gbakg.known_entities.v1", "path": ""}},
)
def make_head_nouns(nlp: Language, name: str, entities: tuple[KnownEntity, ...]) -> Any:
    """Names by head noun, titled programmes, clusters, editions, enumerations, X通 schemes, party committees."""
    ensure_extensions()
    places = {
        alias: e.canonical
        for e in entities
        if e.type in ("City", "Region", "District")
        for alias in (e.canonical, *e.aliases, e.canonical.removesuffix("省").removesuffix("市"))
    }

    def head_nouns(doc: Doc) -> Doc:
        text = doc_text(doc)
        weak = _state(doc)["weak_breaks"]
        known = _known(doc)
        found = find_head_candidates(text, weak, [(s.start_char, s.end_char) for s in known])
        found += find_titled_programs(text)
        found += find_english_candidates(text, weak)
        found += find_editions(text, [(s.start_char, s.end_char, s.kb_id) for s in known if s.label == "Event"])
        found += find_enumerated(text)
        found += find_connect_schemes(text)
        found += find_party_committees(text, places)
        clusters = find_clusters(text)
        found += [c for c, _ in clusters]
        _add_candidates(doc, found)
        _state(doc)["clusters"] = clusters
        return doc

    return head_nouns


@Language.factory("gbakg_persons", assigns=["doc._.gbakg"], requires=["doc._.gbakg"])
def make_persons(nlp: Language, name: str) -> Any:
    ensure_extensions()

    def persons(doc: Doc) -> Doc:
        _add_candidates(doc, find_persons(doc_text(doc), {s.end_char for s in _known(doc)}))
        return doc

    return persons


@registry.misc("gbakg.entity_model.v1")
def entity_model(path: str = "") -> str:
    return path


@Language.factory(
    "gbakg_model",
    assigns=["doc._.gbakg"],
    requires=["doc._.gbakg"],
    default_config={"model": {"@misc": "gbakg.entity_model.v1", "path": ""}, "lac": False},
)
def make_model(nlp: Language, name: str, model: str, lac: bool) -> Any:
    """Spans tagged by the trained CRF (``extract.crf``), from the text and the rule candidates, as
    candidates of rule ``model:crf`` with the model's confidence."""
    ensure_extensions()
    from .crf import DEFAULT_MODEL, Tagger

    loaded: list[Tagger] = []  # opened on first use: the rule stages run without it when training

    def tag(doc: Doc) -> Doc:
        if not loaded:
            loaded.append(Tagger(model or DEFAULT_MODEL))
        tagger = loaded[0]
        text = doc_text(doc)
        found = candidates(doc)
        rules = [(c.start_char, c.end_char, c.label, c.rule) for c in found]
        offsets = _offsets(doc)
        for span in tagger.spans(text, rules, lac):
            tokens = offsets.align(span.start, span.end, expand=False)
            if tokens is not None:
                name = text[span.start : span.end]
                found.append(Aligned(*tokens, span.start, span.end, span.type, name, "model:crf", span.confidence))
        _state(doc)["model"] = True
        return doc

    return tag


Definitions = dict[str, tuple[tuple[int, int, int], str, str]]
"""Defined short forms: alias -> (the definer's rank in the resolver's order, its type, its canonical name)."""


def merge_definitions(*found: Definitions) -> Definitions:
    """Definitions of several texts (pieces of one document) as the whole document has them: each
    alias defined by its lowest-ranked definer, the one the resolver would have chosen first."""
    merged: Definitions = {}
    for definitions in found:
        for alias, definer in definitions.items():
            if alias not in merged or definer[0] < merged[alias][0]:
                merged[alias] = definer
    return merged


class Resolver:
    """Chooses non-overlapping mentions (longest first, known names before patterns) and
    gives each its canonical name: a pattern match whose name is a known alias takes the
    known canonical; a place written before a known name is split off."""

    def __init__(
        self,
        entities: tuple[KnownEntity, ...],
        strings: Any,
        over_model: tuple[str, ...] = (),
        under_model: tuple[str, ...] = (),
        min_confidence: float = 0.0,
        type_from: tuple[str, ...] = (),
        abbreviations: bool = False,
        model_scripts: tuple[str, ...] = ("zh-Hans", "zh-Hant", "en"),
        agreement: float = 0.0,
    ) -> None:
        self.ids = _StringIds(strings)
        self.agreement = agreement
        self.model_scripts = model_scripts
        self.abbreviations = abbreviations
        self.min_confidence = min_confidence
        self.type_from = type_from
        self.over_model = over_model
        self.under_model = under_model
        self.by_key: dict[tuple[str, str], str] = {}
        for e in entities:
            for n in (e.canonical, *e.aliases, *e.english):
                self.by_key.setdefault((e.type, name_key(n)), e.canonical)

    def canonical(self, etype: str, name: str) -> str:
        known = self.by_key.get((etype, name_key(name)))
        if known:
            return known
        if _CJK_CHAR.search(name):
            return "".join(name.split())
        return " ".join(unicodedata.normalize("NFKC", name).split())  # an English name: single spaces, ASCII marks

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        offsets = _offsets(doc)
        spans = candidates(doc)
        known = [c for c in spans if c.rule.startswith("known")]
        name_keys([c.kb_id for c in spans if not c.rule.startswith("known")])  # keys of new names made together
        known_at: dict[tuple[int, int], list[Aligned]] = {}
        for c in known:
            known_at.setdefault((c.start_char, c.end_char), []).append(c)
        place_ends: dict[int, set[int]] = {}
        city_ends: set[int] = set()
        for k in known:
            if k.label in rel.PLACE_TYPES:
                place_ends.setdefault(k.start_char, set()).add(k.end_char)
            if k.label == "City":
                city_ends.add(k.end_char)
        inside_title = _title_interiors(text)
        state = _state(doc)
        script = state.get("script", "zh-Hans")
        model = bool(state.get("model")) and script in self.model_scripts
        same_span: dict[tuple[int, int], list[Aligned]] = {}
        if model:
            for c in spans:
                if c.rule.startswith(self.type_from):
                    same_span.setdefault((c.start_char, c.end_char), []).append(c)
        kept = []
        for c in spans:
            if model and c.rule != "model:crf" and not c.rule.startswith(self.over_model + self.under_model):
                continue
            if not model and c.rule == "model:crf":
                continue
            if model and c.rule == "model:crf" and self.type_from:  # agreement with a rule raises the confidence
                c = c._replace(confidence=self._typed_by_rule(c, same_span.get((c.start_char, c.end_char), [])).confidence)
            if c.confidence < self.min_confidence:
                continue
            if not model and not c.rule.startswith("known") and any(
                e < c.end_char and (e, c.end_char) in known_at for e in place_ends.get(c.start_char, ())
            ):
                continue  # a known place followed by a known name (深圳光明科学城) gives way to both
            if inside_title(c.start_char, c.end_char):
                continue
            if c.rule.startswith("english") and script != "en" and (c.label, name_key(c.kb_id)) not in self.by_key:
                continue
            kept.append(c)
        if model:
            kept.sort(key=lambda c: (self._model_rank(c), c.start_char - c.end_char, c.start_char))
        else:
            kept.sort(key=lambda c: (c.start_char - c.end_char, _priority(c.rule), c.start_char))
        chosen: list[Aligned] = []
        ranks: list[tuple[int, int, int]] = []  # each chosen mention's place in that order, in document offsets
        shift = state.get("start", 0)
        taken = bytearray(len(doc) + 1)
        for c in kept:
            if any(taken[c.start : c.end]):
                continue
            ranks.append((c.start_char - c.end_char, _priority(c.rule), c.start_char + shift))
            if model and c.rule == "model:crf" and self.type_from:
                c = self._typed_by_rule(c, same_span.get((c.start_char, c.end_char), []))
            c = self._disambiguate(text, c, known_at, city_ends)
            canonical = c.kb_id if c.rule.startswith("known") else self.canonical(c.label, c.kb_id)
            chosen.append(Aligned(c.start, c.end, c.start_char, c.end_char, c.label, canonical, c.rule, c.confidence))
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        defined = state["definitions"] = self._definitions(text, chosen, ranks)
        aliases = merge_definitions(defined, state.get("aliases", {}))
        if model:  # a span the model tagged that is a defined short form names its definer
            chosen = [_as_definer(c, aliases.get(text[c.start_char : c.end_char])) for c in chosen]
        chosen += self._defined_aliases(text, offsets, aliases, taken)
        if model and self.abbreviations:
            chosen = _expand_abbreviations(chosen)
        chosen.sort(key=attrgetter("start"))
        set_entities(doc, chosen, self.ids)
        members = []
        for _cluster, parts in _state(doc).get("clusters", []):
            for start, end, part in parts:
                tokens = offsets.align(start, end)
                if tokens is not None:
                    city = self.canonical("City", part)
                    members.append(Span(doc, *tokens, label="City", kb_id=city, span_id="pattern:cluster-member"))
        known_from: dict[int, list[Aligned]] = {}
        for k in known:
            known_from.setdefault(k.start_char, []).append(k)
        for c in chosen:
            bilateral = _BILATERAL.match(text, c.start_char, c.end_char) if c.label in _BILATERAL_TYPES else None
            if bilateral:
                for k in known_from.get(bilateral.end(), []):
                    if k.label in ("Country", "InternationalOrganization", "Region"):
                        members.append(Span(doc, k.start, k.end, label=k.label, kb_id=k.kb_id, span_id="pattern:partner"))
                        break
        doc.spans[MEMBERS] = members
        return doc

    def _typed_by_rule(self, c: Aligned, same: list[Aligned]) -> Aligned:
        """A model span that a rule of ``type_from`` found exactly takes the rule's type (a known name
        also its canonical name), the rules being tried in the order ``type_from`` lists them."""
        for prefix in self.type_from:
            for rule in same:
                if rule.rule.startswith(prefix):
                    agreed = max(c.confidence, self.agreement)  # the model and a rule found the same name
                    return c._replace(
                        label=rule.label, kb_id=rule.kb_id, rule=rule.rule if prefix == "known" else c.rule, confidence=agreed
                    )
        return c

    def _model_rank(self, c: Aligned) -> int:
        """With a model: rules that beat it first, then its spans, then rules that fill its gaps."""
        if c.rule.startswith(self.over_model):
            return 0
        return 1 if c.rule == "model:crf" else 2

    @staticmethod
    def _definitions(text: str, chosen: list[Aligned], ranks: list[tuple[int, int, int]]) -> Definitions:
        """Short forms the text defines (X（以下简称“Y”）, X（ABC）) for the mention X before them: the
        first definer of each in the order mentions were chosen (``ranks``)."""
        aliases: Definitions = {}
        for ent, rank in zip(chosen, ranks, strict=True):
            m = _DEFINITION.match(text, ent.end_char) or _ACRONYM.match(text, ent.end_char)
            if m and name_key(m.group(1)) != name_key(ent.kb_id):
                aliases.setdefault(m.group(1), (rank, ent.label, ent.kb_id))
        return aliases

    @staticmethod
    def _defined_aliases(text: str, offsets: TokenOffsets, aliases: Definitions, taken: bytearray) -> list[Aligned]:
        """Defined short forms name their definer wherever they recur (longest first)."""
        added: list[Aligned] = []
        for alias, (_, label, kb_id) in sorted(aliases.items(), key=lambda kv: (-len(kv[0]), kv[1][0])):
            for m in re.finditer(re.escape(alias), text):
                s, e = m.start(), m.end()
                if alias.isascii() and (
                    (s > 0 and text[s - 1].isascii() and text[s - 1].isalnum())
                    or (e < len(text) and text[e].isascii() and text[e].isalnum())
                ):
                    continue
                tokens = offsets.align(s, e, expand=False)
                if tokens is None or any(taken[tokens[0] : tokens[1]]):
                    continue
                added.append(Aligned(*tokens, s, e, label, kb_id, "alias:defined"))
                taken[tokens[0] : tokens[1]] = b"\x01" * (tokens[1] - tokens[0])
        return added

    @staticmethod
    def _disambiguate(text: str, c: Aligned, known_at: dict[tuple[int, int], list[Aligned]], city_ends: set[int]) -> Aligned:
        """One written name, several known entities (南沙: district or cooperation zone): a city written
        right before it makes it the district; otherwise the entity whose canonical is the name itself."""
        same = known_at.get((c.start_char, c.end_char), [])
        if len(same) < 2:
            return c
        if c.start_char in city_ends:
            for k in same:
                if k.label == "District":
                    return k
        for k in same:
            if k.kb_id == text[c.start_char : c.end_char]:
                return k
        return c


def _as_definer(c: Aligned, definer: tuple[tuple[int, int, int], str, str] | None) -> Aligned:
    if definer is None or c.rule != "model:crf" or definer[2] == c.kb_id:
        return c
    return c._replace(label=definer[1], kb_id=definer[2], rule="alias:defined")


_PLACE_SUFFIXES = ("区", "市", "省", "县")


def _abbreviates(short: str, long: str) -> bool:
    """Whether ``short`` is a Chinese short form of ``long``: its characters in order but not as one
    run (港科大, 香港科技大学), or ``long`` less an administrative suffix (南沙, 南沙区)."""
    if len(short) < 2 or len(long) <= len(short):
        return False
    if not (_CJK_ONLY.fullmatch(short) and _CJK_ONLY.fullmatch(long)):
        return False
    if short in long:
        return long == short + long[len(short) :] and long[len(short) :] in _PLACE_SUFFIXES
    at = 0
    for ch in short:
        at = long.find(ch, at) + 1
        if not at:
            return False
    return True


def _expand_abbreviations(chosen: list[Aligned]) -> list[Aligned]:
    """Mentions whose name abbreviates exactly one other name of the same type in the document
    (persons excepted) take that name's canonical."""
    names: dict[str, set[str]] = {}
    for c in chosen:
        if c.label != "Person":
            names.setdefault(c.label, set()).add(c.kb_id)
    out = []
    for c in chosen:
        longer = [n for n in names.get(c.label, ()) if _abbreviates(c.kb_id, n)]
        out.append(c._replace(kb_id=longer[0]) if len(longer) == 1 else c)
    return out


def _title_interiors(text: str) -> Any:
    """Whether a character range lies strictly inside the interior of a 《title》 (but is not all of it)."""
    titles = [(m.start() + 1, m.end() - 1) for m in _TITLE.finditer(text)] if "《" in text else []
    starts = [s for s, _ in titles]

    def inside(start: int, end: int) -> bool:
        i = bisect_right(starts, start) - 1
        if i < 0:
            return False
        s, e = titles[i]
        return end <= e and (s, e) != (start, end)

    return inside


@Language.factory(
    "gbakg_resolver",
    assigns=["doc.ents", "doc.spans"],
    requires=["doc._.gbakg"],
    default_config={
        "entities": {"@misc": "gbakg.known_entities.v1", "path": ""},
        "over_model": ["pattern:cluster"],
        "under_model": [],
        "min_confidence": 0.0,
        "type_from": [],
        "abbreviations": False,
        "model_scripts": ["zh-Hans", "zh-Hant", "en"],
        "agreement": 0.0,
    },
)
def make_resolver(
    nlp: Language,
    name: str,
    entities: tuple[KnownEntity, ...],
    over_model: list[str],
    under_model: list[str],
    min_confidence: float,
    type_from: list[str],
    abbreviations: bool,
    model_scripts: list[str],
    agreement: float,
) -> Resolver:
    """Chooses the mentions; with ``gbakg_model`` in the pipeline, rules of ``over_model`` go before the
    model's spans and rules of ``under_model`` only fill gaps the model left; candidates below
    ``min_confidence`` are dropped; a model span that a rule of ``type_from`` found exactly takes its
    type and at least the ``agreement`` confidence; with ``abbreviations``, a short form (港科大) takes
    the canonical of the one longer name of its type that it abbreviates. The model's spans are used in
    documents of ``model_scripts`` only; in others the rules decide alone (longest first, known names
    before patterns)."""
    ensure_extensions()
    scripts = tuple(model_scripts)
    rules = (tuple(over_model), tuple(under_model), min_confidence, tuple(type_from), abbreviations, scripts, agreement)
    return Resolver(entities, nlp.vocab.strings, *rules)


_TITLE = re.compile(r"《[^《》\n]{1,80}》")
_DEFINITION = re.compile(r"（(?:以下简称|以下称|以下简称为|下称|简称)[“\"]?([^”\"）]{1,15})[”\"]?）")
_ACRONYM = re.compile(r" ?（([A-Z][A-Za-z0-9&\-]{1,12})）")
_BILATERAL = re.compile(r"“?中国[—\-－–]")
_BILATERAL_TYPES = ("Laboratory", "ResearchInstitute", "Facility")
_SENTENCE_END = re.compile(
    r"[。！？!?]+[”’」』）)]*|(?<![A-Z])(?<!\b(?:Dr|Mr|Ms|St|No|Co|vs))(?<!\bMrs)(?<!\bProf)\.[”’\"]?(?=\s+[A-Z“‘\"(（\d])|\n"
)  # an English full stop before a capital ends a sentence, but not after an initial or Dr, Mr, Prof, No, Co …


def _sentence_of(bounds: list[tuple[int, int]], starts: list[int], offset: int) -> int:
    """The index of the sentence holding ``offset`` (sentences are sorted and do not overlap)."""
    i = bisect_right(starts, offset) - 1
    if i < 0 or not bounds[i][0] <= offset < bounds[i][1]:
        raise ValueError(f"no sentence holds offset {offset}")
    return i


def _mark_sentence_starts(doc: Doc, starts: list[int]) -> None:
    """Set ``is_sent_start`` on every token in one array write (the per-token setter scans the whole
    Doc on each call, which is quadratic in the length of the document)."""
    import numpy as np
    from spacy.attrs import SENT_START

    if not len(doc):
        return
    idx = _offsets(doc).idx
    flags = np.full(len(doc), -1, dtype=np.int64)
    for start in starts:
        token = bisect_left(idx, start)
        if token < len(idx) and idx[token] == start:
            flags[token] = 1
    flags[0] = 1
    doc.from_array([SENT_START], flags.reshape(-1, 1).astype(np.uint64))  # type: ignore[arg-type]


@Language.factory("gbakg_sentences", assigns=["token.is_sent_start", "doc._.gbakg"], requires=["doc.ents"])
def make_sentences(nlp: Language, name: str) -> Any:
    """Sentence ends: terminal punctuation, hard line breaks, and weak breaks no mention crosses."""
    ensure_extensions()

    def sentences(doc: Doc) -> Doc:
        text = doc_text(doc)
        ents = entities(doc)
        starts = [e.start_char for e in ents]

        def inside(offset: int) -> bool:
            i = bisect_left(starts, offset) - 1
            return i >= 0 and ents[i].end_char > offset

        ends = {m.end() for m in _SENTENCE_END.finditer(text)}
        ends |= {b for b in _state(doc)["weak_breaks"] if not inside(b)}
        cuts = sorted(c for c in ends if 0 < c < len(text))
        bounds = []
        start = 0
        for cut in [*cuts, len(text)]:
            s, e = start, cut
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                bounds.append((s, e))
            start = cut
        _mark_sentence_starts(doc, [s for s, _ in bounds])
        _state(doc)["sentences"] = bounds
        return doc

    return sentences


def name_derived(ents: list[rel.Ment], sentences: list[tuple[int, int]]) -> list[tuple[int, rel.Found]]:
    """Name-derived partOf (``rel.name_derived_part_of``) among the distinct entities of a text, each
    found in the first sentence that names its subject. ``ents``: the mentions, sorted by start."""
    first_sentence: dict[tuple[str, str], int] = {}
    sentence_starts = [s for s, _ in sentences]
    for m in ents:
        key = (m.type, m.canonical)
        if key not in first_sentence:
            first_sentence[key] = _sentence_of(sentences, sentence_starts, m.start)
    unique = list({(m.type, m.canonical): m for m in ents}.values())
    return [(first_sentence[(f.subject.type, f.subject.canonical)], f) for f in rel.name_derived_part_of(unique)]


@registry.misc("gbakg.relation_rules.v0")
def relation_rules_v0() -> list[str]:
    return sorted(rel.RULES)


@Language.factory(
    "gbakg_relations",
    assigns=["doc._.gbakg"],
    requires=["doc.ents", "token.is_sent_start"],
    default_config={"rules": {"@misc": "gbakg.relation_rules.v0"}},
)
def make_relations(nlp: Language, name: str, rules: list[str]) -> Any:
    ensure_extensions()
    unknown = sorted(set(rules) - set(rel.RULES))
    if unknown:
        raise ValueError(f"unknown relation rules: {', '.join(unknown)}")
    chosen = tuple(rules)

    def relations(doc: Doc) -> Doc:
        state = _state(doc)
        found: list[tuple[int, rel.Found]] = []
        ents = _mentions(doc)
        members = [(rel.Ment(m.start_char, m.end_char, m.label_, m.kb_id_), m.id_) for m in doc.spans.get(MEMBERS, [])]
        text = doc_text(doc)
        for index, s, e, inside in _sentences_naming(doc):
            for f in rel.apply_rules(chosen, text[s:e], s, inside):
                found.append((index, f))
            for m, rule_id in members:
                if s <= m.start < e:
                    parent = next((c for c in inside if c.start <= m.start < c.end), None)
                    if parent is None:
                        continue
                    if rule_id == "pattern:cluster-member" and parent.type == "InnovationCluster":
                        found.append((index, rel.Found(m, "partOf", parent, "partOf.cluster-member.v0", 0.9)))
                    elif rule_id == "pattern:partner" and m.type == "Country":
                        found.append(
                            (index, rel.Found(parent, "cooperatesWithCountry", m, "cooperatesWithCountry.bilateral-name.v0", 0.9))
                        )
        if not state.get("piece"):  # one piece of a longer document: its caller relates the whole document's names
            found += name_derived(ents, state["sentences"])
        state["relations"] = found
        return doc

    return relations


@registry.misc("gbakg.fact_rules.v1")
def fact_rules_v1() -> list[str]:
    return sorted(qualified.FACT_RULES)


@Language.factory(
    "gbakg_facts",
    assigns=["doc._.gbakg"],
    requires=["doc.ents", "token.is_sent_start"],
    default_config={"rules": {"@misc": "gbakg.fact_rules.v1"}},
)
def make_facts(nlp: Language, name: str, rules: list[str]) -> Any:
    """Rankings, dates and quantities stated about the entities of each sentence."""
    ensure_extensions()
    unknown = sorted(set(rules) - set(qualified.FACT_RULES))
    if unknown:
        raise ValueError(f"unknown fact rules: {', '.join(unknown)}")

    def facts(doc: Doc) -> Doc:
        found: list[tuple[int, qualified.Stated]] = []
        text = doc_text(doc)
        for index, s, e, inside in _sentences_naming(doc):
            found += [(index, f) for f in qualified.apply_fact_rules(rules, text[s:e], s, inside)]
        _state(doc)["facts"] = found
        return doc

    return facts
