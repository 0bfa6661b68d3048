"""Documents longer than one spaCy Doc should hold are extracted in pieces (``extract.pipeline.split_pieces``)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from extract.documents import RawDocument
from extract.normalise import fold, repair
from extract.pipeline import PIECE_CHARS, build_nlp, extract_document, slices_surface, split_pieces

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
PIECE = 2_000  # the piece size these tests run with, so that a 20,000-character text makes about ten pieces
NAME_DERIVED = ("partOf.name-derived.v0", "partOf.edition.v0")  # found in the first sentence naming the part only


def _paragraphs(text: str) -> list[str]:
    """The corpus's PDF-broken lines joined into paragraphs, one ending at each line that ends a sentence."""
    out, current = [], ""
    for line in (line.strip() for line in text.splitlines()):
        if line:
            current += (" " if current[-1:].isascii() and current[-1:].isalnum() and line[0].isascii() else "") + line
            if line.endswith(("。", "！", "？", ".", "”")):
                out.append(current)
                current = ""
    return out


def _long_text(chars: int) -> str:
    """Corpus paragraphs (shorter than ``PIECE`` characters) one after another, a blank line after each,
    until there are ``chars`` characters."""
    paras = [
        p
        for path in sorted(CORPUS.glob("*.txt"))
        for p in _paragraphs(path.read_text(encoding="utf-8"))
        if len(p) < PIECE and "http" not in p  # no footnote, which ``repair`` would move after the body
    ]
    parts: list[str] = []
    length = 0
    while length < chars:
        for p in paras:
            parts.append(p + "\n\n")
            length += len(parts[-1])
            if length >= chars:
                break
    return "".join(parts)


def _raw(text: str) -> RawDocument:
    return RawDocument("long", "long.txt", text, "0" * 64)


@pytest.fixture(scope="module")
def long_doc() -> RawDocument:
    return _raw(_long_text(20_000))


@pytest.fixture(scope="module")
def whole(long_doc):
    return extract_document(long_doc)


@pytest.fixture(scope="module")
def pieces(long_doc):
    return extract_document(long_doc, piece_chars=PIECE)


def _folded(raw: RawDocument) -> str:
    return fold(repair(raw.text).text)


def test_split_pieces_cuts_at_paragraphs_then_sentences_then_spaces():
    def pieces(text: str, limit: int) -> list[str]:
        cuts = split_pieces(text, limit)
        assert cuts[0][0] == 0 and cuts[-1][1] == len(text) and all(a[1] == b[0] for a, b in pairwise(cuts))
        assert all(0 < e - s <= limit for s, e in cuts) or text == ""
        return [text[s:e] for s, e in cuts]

    text = "第一段。\n第二段第二段第二段。第三句。\nAn end. Of it all"
    assert pieces(text, 10) == ["第一段。\n", "第二段第二段第二段。", "第三句。\n", "An end.", " Of it all"]
    assert pieces(text, len(text)) == [text]
    assert pieces("", 10) == [""]
    # a closing quote stays with its sentence
    assert pieces("第一句。第二句？”第三句第三句", 8) == ["第一句。", "第二句？”", "第三句第三句"]
    assert pieces("abcdefgh ijkl mnop", 5) == ["abcde", "fgh ", "ijkl ", "mnop"]
    assert pieces("深圳湾Shenzhen", 6) == ["深圳湾", "Shenzh", "en"]  # inside a word only if it is longer than a piece
    assert pieces("深圳湾Shenzhen Bay", 8) == ["深圳湾", "Shenzhen", " Bay"]


def test_long_text_is_cut_at_paragraph_breaks(long_doc):
    folded = _folded(long_doc)
    cuts = split_pieces(folded, PIECE)
    assert len(folded) > 9 * PIECE and len(cuts) >= 10
    assert all(e - s <= PIECE for s, e in cuts)
    assert all(folded[e - 1] == "\n" for _, e in cuts[:-1])
    assert len(folded) <= PIECE_CHARS  # so that ``whole`` is one Doc


def test_pieces_find_the_same_mentions_and_entities_as_one_doc(whole, pieces):
    def key(record):
        return [(m.canonical, m.type, m.start, m.end, m.surface, m.sentence, m.rule) for m in record.mentions]

    assert len(whole.mentions) > 300
    assert key(pieces) == key(whole)
    assert pieces.entities == whole.entities
    assert pieces.sentences == whole.sentences
    assert pieces.relations == whole.relations
    assert pieces.facts == whole.facts


def test_mentions_sentences_and_facts_slice_the_raw_text(long_doc, pieces):
    raw = long_doc.text
    for m in pieces.mentions:
        assert "".join(raw[m.start : m.end].split()) == "".join(m.surface.split())
        sentence = pieces.sentences[m.sentence]
        assert sentence.start <= m.start and m.end <= sentence.end
    for i, s in enumerate(pieces.sentences):
        assert s.index == i
        assert "".join(raw[s.start : s.end].replace("**", "").split()) == "".join(s.text.split())  # repair drops bold marks
    assert [s.start for s in pieces.sentences] == sorted(s.start for s in pieces.sentences)
    for f in pieces.facts:
        assert f.value_text in pieces.sentences[f.sentence].text


def test_relations_point_at_sentences_naming_both_entities(pieces):
    named: dict[int, set[tuple[str, str]]] = {}
    for m in pieces.mentions:
        named.setdefault(m.sentence, set()).add((m.type, m.canonical))
    assert len(pieces.relations) > 100
    for r in pieces.relations:
        assert r.evidence == pieces.sentences[r.sentence].text and (r.start, r.end) == pieces.sentences[r.sentence][1:3]
        assert r.subject in named[r.sentence]
        if r.rule not in NAME_DERIVED:
            assert r.object in named[r.sentence]


def _defined_and_derived_text() -> str:
    filler = "".join(f"第{i}段讲述了区域科技合作的一般情况，没有提到任何机构。\n" for i in range(60))
    return (
        "鹏实团队在中国国际高新技术成果交易会上作了报告。\n"  # the short form, before the document defines it
        + filler
        + "鹏城实验室（以下简称“鹏实”）成立于2018年。\n"
        + filler
        + "鹏实与香港科技大学签署合作协议。第二十届中国国际高新技术成果交易会在深圳举行。\n"
        + filler
        + "香港科技大学（广州）也派员参加。\n"
    )


def test_definitions_and_name_derived_relations_span_the_whole_document():
    raw = _raw(_defined_and_derived_text())
    assert len(split_pieces(_folded(raw), 1_000)) >= 4
    whole, pieces = extract_document(raw), extract_document(raw, piece_chars=1_000)
    aliases = [(m.canonical, m.start) for m in whole.mentions if m.rule == "alias:defined"]
    assert [(m.canonical, m.start) for m in pieces.mentions if m.rule == "alias:defined"] == aliases
    assert [c for c, _ in aliases] == ["鹏城实验室"] * 3 and aliases[0][1] == 0  # before, in and after the definition
    derived = [(r.subject[1], r.object[1], r.sentence) for r in whole.relations if r.rule in NAME_DERIVED]
    edition = next(s.index for s in whole.sentences if "第二十届" in s.text)
    last = len(whole.sentences) - 1
    assert sorted(derived) == [("第二十届高交会", "高交会", edition), ("香港科技大学（广州）", "香港科技大学", last)]
    assert [(r.subject[1], r.object[1], r.sentence) for r in pieces.relations if r.rule in NAME_DERIVED] == derived
    assert pieces == whole


@pytest.mark.slow
def test_a_document_over_a_million_characters_is_extracted():
    paragraph = "深圳湾实验室与香港科技大学在南沙合作建设联合实验室。这一合作持续推进，各方的投入不断加大，成果逐步显现。\n"
    repeats = 1_100_000 // len(paragraph) + 1
    raw = _raw(paragraph * repeats)
    assert len(raw.text) > 1_100_000 and build_nlp("").max_length == 1_000_000
    record = extract_document(raw)
    per_paragraph = extract_document(_raw(paragraph)).mentions
    assert len(per_paragraph) >= 2
    assert len(record.mentions) == repeats * len(per_paragraph)
    assert len(record.sentences) == 2 * repeats
    last = record.mentions[-1]
    assert last.start > 1_000_000 and raw.text[last.start : last.end] == last.surface
    assert slices_surface(raw.text[last.start : last.end], per_paragraph[-1].surface)
    assert last.sentence == 2 * repeats - 2
