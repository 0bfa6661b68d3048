"""Property tests: ingestion and extraction never crash on arbitrary input, offsets always slice the
surface form, script folding keeps offsets, and Turtle written then read back is isomorphic."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from extract.documents import RawDocument, read_document
from extract.formats import decode_text, html_text, markdown_text
from extract.normalise import fold, repair
from extract.pipeline import extract_document, slices_surface
from kg.errors import DocumentError
from kg.graph import PREFIX_IRIS, build_graph
from kg.rdfwrite import turtle_lines

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = ["中国散裂中子源", "深圳湾实验室", "香港科技大学", "東莞", "粤港澳大湾区", "WIPO", "鹏城实验室", "澳門"]
PIECES = [*NAMES, "位于", "與", "合作", "，", "。", "\n", " ", "<b>", "\x07", "（", "）", "2024年", "1.5亿元", "、"]
chinese_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(min_size=1, max_size=6)), min_size=1, max_size=40).map("".join)


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from([".txt", ".md", ".html", ".pdf", ".docx", ""]))
def test_reading_arbitrary_bytes_gives_text_or_a_document_error(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"doc{suffix}"
    path.write_bytes(data)
    try:
        doc = read_document(path)
    except DocumentError as err:
        assert str(path) in str(err) and "\n" not in str(err)
    else:
        assert doc.text.strip() and "\x00" not in doc.text


@SETTINGS
@given(st.text(max_size=300))
def test_decoding_utf8_of_any_text_gives_it_back(text):
    if "\x00" not in text and text:
        assert decode_text(text.encode("utf-8"))[0] == text


@SETTINGS
@given(chinese_text)
def test_folding_keeps_length_and_repair_keeps_offsets(text):
    assert len(fold(text)) == len(text)
    clean = repair(text)
    assert len(clean.offsets) == len(clean.text)
    for ch, offset in zip(clean.text, clean.offsets, strict=True):
        joined_line = ch in "\n " and text[offset] == "\n"  # a line break kept, or joined as a space
        assert joined_line or ch == "\n" or text[offset] == ch


@SETTINGS
@given(st.text(max_size=200))
def test_markdown_and_html_never_crash_and_markdown_keeps_length(text):
    assert len(markdown_text(text)) == len(text)
    assert isinstance(html_text(text), str)


@FEW
@given(chinese_text)
def test_extraction_never_crashes_and_offsets_slice_the_surface(text):
    raw = RawDocument("prop", "prop.txt", text, "0" * 64)
    record = extract_document(raw)
    for m in record.mentions:
        assert slices_surface(text[m.start : m.end], m.surface)
    for r in record.relations:
        assert 0 <= r.start < r.end <= len(text)


@FEW
@given(chinese_text)
def test_turtle_written_then_read_is_isomorphic(text):
    graph = build_graph([extract_document(RawDocument("prop", "prop.txt", text, "0" * 64))])
    back = Graph().parse(data="".join(turtle_lines(graph, PREFIX_IRIS)), format="turtle")
    assert isomorphic(graph, back)


@pytest.mark.parametrize("text", ["中国散裂中子源\n位于东莞。", "WIPO与\x07深圳<b>合作</b>。"])
def test_known_examples(text):
    record = extract_document(RawDocument("ex", "ex.txt", text, "0" * 64))
    assert record.mentions and all(slices_surface(text[m.start : m.end], m.surface) for m in record.mentions)


whitespace_text = st.text(
    alphabet=st.sampled_from([*"深圳湾  Hong\n\t\r\u3000\xa0\u200b，a1", "\U0001f600", "\U00020000"]), max_size=40
)


@SETTINGS
@given(whitespace_text)
def test_the_pipeline_tokenizer_makes_the_tokens_of_spacys_chinese_character_segmenter(text):
    import spacy

    from extract.components import CharTokenizer, TokenOffsets

    theirs = spacy.blank("zh").make_doc(text)
    for short in (64, 0):  # short texts split character by character, longer ones in array operations
        tokenizer = CharTokenizer(spacy.blank("zh").vocab)
        tokenizer.short = short
        ours = tokenizer(text)
        assert [(t.text, t.whitespace_) for t in ours] == [(t.text, t.whitespace_) for t in theirs]
        assert ours.text == text
        made, read = TokenOffsets(ours), TokenOffsets(theirs)  # the tokenizer's own table, and one read from the Doc
        assert (made.idx, made.ends, made.length) == (read.idx, read.ends, read.length)


LINE_STARTS = [
    "①",
    "⑳",
    "[3]",
    "- ",
    "—",
    "12",
    "３.",
    "（二）",
    "三、",
    "●",
    "#",
    "摘 要",
    "关键词",
    "關鍵詞",
    "参考文献",
    "Abstract",
    "ABSTRACT",
    "\u212aey words",
    "KEY WORDS",
    "DOI:",
    "doi：",
    "收稿日期",
    "修改稿收到日期",
    "网络首发日期",
    "1.2 ",
    "深圳",
    "a",
    "K",
    "Ｋ",
    "٣",
    " ",
    "\u3000",
    "\t",
    "http://x.cn",
    "(2024-01-02)",
    "。",
]


def test_line_start_patterns_tried_by_first_character_match_as_the_patterns_do():
    from itertools import product

    from extract import normalise

    patterns = [
        getattr(normalise, name)
        for name in ("_FURNITURE", "_FOOTNOTE_START", "_PAGE_NUMBER", "_BULLET", "_SECTION", "_LABEL_LINE")
    ]
    matched = 0
    for parts in product(LINE_STARTS, repeat=3):
        line = "".join(parts)
        first = line.lstrip()[:1]
        for start in patterns:
            expected = start.regex.match(line) is not None
            assert start.match(line, first) == expected, (start.regex.pattern, line)
            matched += expected
    assert matched > 10000  # the lines begin every pattern, not only fail them
