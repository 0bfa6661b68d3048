"""spaCy pipeline components of gba-kg, each registered by name with what it reads and writes.

The ``Doc`` text is the repaired, folded (simplified) document; ``doc._.gbakg`` carries the
document's state: the repaired text with its offset map, weak line breaks, sentences and
relations. Candidates from every recogniser go to ``doc.spans["gbakg_candidates"]`` with
the type as label, the canonical name as ``kb_id`` and the rule as ``id``; the resolver
chooses among them and writes ``doc.ents``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import registry

from . import facts as qualified
from . import relations as rel
from .known import DEFAULT_DATA_FILE, KnownEntity, load_known, name_key
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

CANDIDATES = "gbakg_candidates"
MEMBERS = "gbakg_members"
_SOURCE_PRIORITY = {"known": 0, "pattern": 1, "head": 2, "english": 2, "person": 3, "alias": 4}
_LOCATIVE_BEFORE = set("在来赴抵回留驻到至离返")
_CONTRACTION = set("粤港澳穗深莞珠佛琴京沪津渝台中葡")
_DASHES = "—－–-"


def ensure_extensions() -> None:
    if not Doc.has_extension("gbakg"):
        Doc.set_extension("gbakg", default=None)


def _state(doc: Doc) -> dict[str, Any]:
    if doc._.gbakg is None:
        doc._.gbakg = {"weak_breaks": set()}
    state: dict[str, Any] = doc._.gbakg
    return state


def _add_candidates(doc: Doc, key: str, items: Iterable[Candidate]) -> None:
    spans = list(doc.spans.get(key, []))
    for c in items:
        span = doc.char_span(c.start, c.end, label=c.type, kb_id=c.canonical, alignment_mode="expand")
        if span is not None:
            span.id_ = c.rule
            spans.append(span)
    doc.spans[key] = spans


@registry.misc("gbakg.known_entities.v1")
def known_entities(path: str = "") -> tuple[KnownEntity, ...]:
    return load_known(path or DEFAULT_DATA_FILE)


class Gazetteer:
    """Matches known names and aliases (both scripts, English) over character tokens."""

    def __init__(self, nlp: Language, entities: tuple[KnownEntity, ...]) -> None:
        self.entities = entities
        self.zh = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.en = PhraseMatcher(nlp.vocab, attr="LOWER")
        for index, entity in enumerate(entities):
            zh_names = {fold(n) for n in (entity.canonical, *entity.aliases)}
            for name in list(zh_names):
                for dash in _DASHES:
                    zh_names.add(re.sub(f"[{re.escape(_DASHES)}]", dash, name))
                if "“" in name:
                    zh_names.add(name.replace("“", "").replace("”", ""))
            self.zh.add(str(index), [nlp.make_doc(n) for n in sorted(zh_names)])
            if entity.english:
                self.en.add(str(index), [nlp.make_doc(n.lower()) for n in entity.english])

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        found = []
        for matcher, english in ((self.zh, False), (self.en, True)):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                s, e = span.start_char, span.end_char
                if english and (
                    (s > 0 and text[s - 1].isascii() and text[s - 1].isalnum())
                    or (e < len(text) and text[e].isascii() and text[e].isalnum())
                ):
                    continue
                if e - s == 1 and not self._single_char_ok(text, s):
                    continue
                entity = self.entities[int(doc.vocab.strings[match_id])]
                found.append(Candidate(s, e, entity.type, entity.canonical, "known:gazetteer"))
        _add_candidates(doc, CANDIDATES, found)
        return doc

    @staticmethod
    def _single_char_ok(text: str, s: int) -> bool:
        prev = text[s - 1] if s > 0 else ""
        nxt = text[s + 1] if s + 1 < len(text) else ""
        return prev in _LOCATIVE_BEFORE and nxt not in _CONTRACTION


@Language.factory(
    "gbakg_gazetteer",
    assigns=["doc.spans"],
    default_config={"entities": {"@misc": "gbakg.known_entities.v1", "path": ""}},
)
def make_gazetteer(nlp: Language, name: str, entities: tuple[KnownEntity, ...]) -> Gazetteer:
    ensure_extensions()
    return Gazetteer(nlp, entities)


def _known(doc: Doc) -> list[Span]:
    return [s for s in doc.spans.get(CANDIDATES, []) if s.id_.startswith("known")]


@Language.factory(
    "gbakg_head_nouns",
    assigns=["doc.spans"],
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
        text = doc.text
        weak = _state(doc)["weak_breaks"]
        known = _known(doc)
        found = find_head_candidates(text, weak, [(s.start_char, s.end_char) for s in known])
        found += find_titled_programs(text)
        found += find_english_candidates(text)
        found += find_editions(text, [(s.start_char, s.end_char, s.kb_id_) for s in known if s.label_ == "Event"])
        found += find_enumerated(text)
        found += find_connect_schemes(text)
        found += find_party_committees(text, places)
        clusters = find_clusters(text)
        found += [c for c, _ in clusters]
        _add_candidates(doc, CANDIDATES, found)
        _state(doc)["clusters"] = clusters
        return doc

    return head_nouns


@Language.factory("gbakg_persons", assigns=["doc.spans"])
def make_persons(nlp: Language, name: str) -> Any:
    ensure_extensions()

    def persons(doc: Doc) -> Doc:
        _add_candidates(doc, CANDIDATES, find_persons(doc.text, {s.end_char for s in _known(doc)}))
        return doc

    return persons


class Resolver:
    """Chooses non-overlapping mentions (longest first, known names before patterns) and
    gives each its canonical name: a pattern match whose name is a known alias takes the
    known canonical; a place written before a known name is split off."""

    def __init__(self, entities: tuple[KnownEntity, ...]) -> None:
        self.by_key: dict[tuple[str, str], str] = {}
        for e in entities:
            for n in (e.canonical, *e.aliases, *e.english):
                self.by_key.setdefault((e.type, name_key(n)), e.canonical)

    def canonical(self, etype: str, name: str) -> str:
        known = self.by_key.get((etype, name_key(name)))
        if known:
            return known
        return " ".join(name.split()) if name.isascii() else re.sub(r"\s+", "", name)

    def __call__(self, doc: Doc) -> Doc:
        spans = list(doc.spans.get(CANDIDATES, []))
        known = [s for s in spans if s.id_.startswith("known")]
        known_at: dict[tuple[int, int], list[Span]] = {}
        for s in known:
            known_at.setdefault((s.start_char, s.end_char), []).append(s)
        titles = [(m.start() + 1, m.end() - 1) for m in _TITLE.finditer(doc.text)]
        script = _state(doc).get("script", "zh-Hans")
        kept = []
        for span in spans:
            if not span.id_.startswith("known") and self._split_by_known(span, known_at):
                continue
            if any(s <= span.start_char and span.end_char <= e and (s, e) != (span.start_char, span.end_char) for s, e in titles):
                continue
            if span.id_.startswith("english") and script != "en" and (span.label_, name_key(span.kb_id_)) not in self.by_key:
                continue
            kept.append(span)
        kept.sort(key=lambda s: (-(s.end_char - s.start_char), _SOURCE_PRIORITY[s.id_.split(":")[0]], s.start_char))
        chosen: list[Span] = []
        taken: set[int] = set()
        for span in kept:
            if taken.intersection(range(span.start, span.end)):
                continue
            span = self._disambiguate(doc, span, known_at)
            canonical = span.kb_id_ if span.id_.startswith("known") else self.canonical(span.label_, span.kb_id_)
            chosen_span = Span(doc, span.start, span.end, label=span.label_, kb_id=canonical, span_id=span.id_)
            chosen.append(chosen_span)
            taken.update(range(span.start, span.end))
        chosen += self._defined_aliases(doc, chosen, taken)
        doc.ents = sorted(chosen, key=lambda s: s.start)
        members = []
        for _cluster, parts in _state(doc).get("clusters", []):
            for start, end, part in parts:
                member = doc.char_span(start, end, label="City", kb_id=self.canonical("City", part), alignment_mode="expand")
                if member is not None:
                    member.id_ = "pattern:cluster-member"
                    members.append(member)
        for ent in doc.ents:
            if ent.label_ in ("Laboratory", "ResearchInstitute", "Facility") and _BILATERAL.match(ent.text):
                partner_start = ent.start_char + _BILATERAL.match(ent.text).end()  # type: ignore[union-attr]
                for k in known:
                    if k.start_char == partner_start and k.label_ in ("Country", "InternationalOrganization", "Region"):
                        member = Span(doc, k.start, k.end, label=k.label_, kb_id=k.kb_id_, span_id="pattern:partner")
                        members.append(member)
                        break
        doc.spans[MEMBERS] = members
        return doc

    @staticmethod
    def _defined_aliases(doc: Doc, chosen: list[Span], taken: set[int]) -> list[Span]:
        """Short forms a document defines (X（以下简称“Y”）, X（ABC）) name X wherever they recur."""
        text = doc.text
        aliases: dict[str, Span] = {}
        for ent in chosen:
            m = _DEFINITION.match(text[ent.end_char :]) or _ACRONYM.match(text[ent.end_char :])
            if m and name_key(m.group(1)) != name_key(ent.kb_id_):
                aliases.setdefault(m.group(1), ent)
        added: list[Span] = []
        for alias, ent in sorted(aliases.items(), key=lambda kv: -len(kv[0])):
            for m in re.finditer(re.escape(alias), text):
                s, e = m.start(), m.end()
                if alias.isascii() and (
                    (s > 0 and text[s - 1].isascii() and text[s - 1].isalnum())
                    or (e < len(text) and text[e].isascii() and text[e].isalnum())
                ):
                    continue
                span = doc.char_span(s, e, alignment_mode="strict")
                if span is None or taken.intersection(range(span.start, span.end)):
                    continue
                added.append(Span(doc, span.start, span.end, label=ent.label_, kb_id=ent.kb_id_, span_id="alias:defined"))
                taken.update(range(span.start, span.end))
        return added

    @staticmethod
    def _split_by_known(span: Span, known_at: dict[tuple[int, int], list[Span]]) -> bool:
        """A pattern match that is a known place followed by a known name (深圳光明科学城) gives way to both."""
        for (s, e), spans in known_at.items():
            if s == span.start_char and e < span.end_char and any(k.label_ in rel.PLACE_TYPES for k in spans):
                if (e, span.end_char) in known_at:
                    return True
        return False

    @staticmethod
    def _disambiguate(doc: Doc, span: Span, known_at: dict[tuple[int, int], list[Span]]) -> Span:
        """One written name, several known entities (南沙: district or cooperation zone): a city written
        right before it makes it the district; otherwise the entity whose canonical is the name itself."""
        same = known_at.get((span.start_char, span.end_char), [])
        if len(same) < 2:
            return span
        after_city = any(k.label_ == "City" for (s, e), ks in known_at.items() if e == span.start_char for k in ks)
        if after_city:
            for k in same:
                if k.label_ == "District":
                    return k
        for k in same:
            if k.kb_id_ == span.text:
                return k
        return span


@Language.factory(
    "gbakg_resolver",
    assigns=["doc.ents", "doc.spans"],
    requires=["doc.spans"],
    default_config={"entities": {"@misc": "gbakg.known_entities.v1", "path": ""}},
)
def make_resolver(nlp: Language, name: str, entities: tuple[KnownEntity, ...]) -> Resolver:
    ensure_extensions()
    return Resolver(entities)


_TITLE = re.compile(r"《[^《》\n]{1,80}》")
_DEFINITION = re.compile(r"^（(?:以下简称|以下称|以下简称为|下称|简称)[“\"]?([^”\"）]{1,15})[”\"]?）")
_ACRONYM = re.compile(r"^（([A-Z][A-Za-z0-9&\-]{1,12})）")
_BILATERAL = re.compile(r"^“?中国[—\-－–]")
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』）)]*|\.(?=\s+[A-Z“\"])|\n")


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
    from spacy.attrs import IDX, SENT_START

    if not len(doc):
        return
    idx = doc.to_array([IDX]).astype(np.int64)
    wanted = np.asarray(starts, dtype=np.int64)
    pos = np.searchsorted(idx, wanted)
    keep = pos < len(idx)
    pos, wanted = pos[keep], wanted[keep]
    flags = np.full(len(doc), -1, dtype=np.int64)
    flags[pos[idx[pos] == wanted]] = 1
    flags[0] = 1
    doc.from_array([SENT_START], flags.reshape(-1, 1).astype(np.uint64))  # type: ignore[arg-type]


@Language.factory("gbakg_sentences", assigns=["token.is_sent_start", "doc._.gbakg"], requires=["doc.ents"])
def make_sentences(nlp: Language, name: str) -> Any:
    """Sentence ends: terminal punctuation, hard line breaks, and weak breaks no mention crosses."""
    ensure_extensions()

    def sentences(doc: Doc) -> Doc:
        text = doc.text
        inside = {i for e in doc.ents for i in range(e.start_char + 1, e.end_char)}
        ends = {m.end() for m in _SENTENCE_END.finditer(text)}
        ends |= {b for b in _state(doc)["weak_breaks"] if b not in inside}
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

    def relations(doc: Doc) -> Doc:
        state = _state(doc)
        found: list[tuple[int, rel.Found]] = []
        ents = [rel.Ment(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents]
        starts = [m.start for m in ents]
        members = [(rel.Ment(m.start_char, m.end_char, m.label_, m.kb_id_), m.id_) for m in doc.spans.get(MEMBERS, [])]
        text = doc.text  # built from the tokens on every access: read it once
        for index, (s, e) in enumerate(state["sentences"]):
            inside = ents[bisect_left(starts, s) : bisect_left(starts, e)]
            for f in rel.apply_rules(rules, text[s:e], s, inside):
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
        first_sentence: dict[tuple[str, str], int] = {}
        sentence_starts = [s for s, _ in state["sentences"]]
        for m in ents:
            key = (m.type, m.canonical)
            if key not in first_sentence:
                first_sentence[key] = _sentence_of(state["sentences"], sentence_starts, m.start)
        unique = list({(m.type, m.canonical): m for m in ents}.values())
        for f in rel.name_derived_part_of(unique):
            found.append((first_sentence[(f.subject.type, f.subject.canonical)], f))
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
        state = _state(doc)
        ents = [rel.Ment(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents]
        starts = [m.start for m in ents]
        found: list[tuple[int, qualified.Stated]] = []
        text = doc.text
        for index, (s, e) in enumerate(state["sentences"]):
            inside = ents[bisect_left(starts, s) : bisect_left(starts, e)]
            found += [(index, f) for f in qualified.apply_fact_rules(rules, text[s:e], s, inside)]
        state["facts"] = found
        return doc

    return facts
