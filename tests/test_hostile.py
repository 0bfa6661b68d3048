"""A corpus of hostile and malformed files (made here) builds with every good document in the graph
and every bad one reported; --strict writes nothing; outputs are staged, locked and left intact by a
failed build; hostile text is stored faithfully and rendered inert."""

import os
import re
import threading

import pytest
from rdflib import Graph, Literal

from kg.cli import main
from kg.graph import ID
from kg.vocab import GBA
from tests.test_formats import HTML, make_docx, make_pdf

HOSTILE = (
    "深圳湾实验室<script>alert('x')</script>与香港大学合作。"
    '"""} . <urn:evil> <urn:p> "x" . DROP ALL ; SERVICE <http://evil/> { ?s ?p ?o } #'
    "中国散裂中子源位于东莞\x07\x1b[31m，服务香港的用户。"
)
LONG_LINE = "广州实验室位于广州。" + "科" * 100_000 + "。"


def _good_and_bad(folder):
    good = {
        "g1_plain": ("g1_plain.txt", "中国散裂中子源位于东莞，服务香港和澳门的用户。".encode()),
        "g2_gb": ("g2_gb.txt", "鹏城实验室位于深圳，与香港科技大学合作。".encode("gb18030")),
        "g3_big5": ("g3_big5.txt", "中國散裂中子源位於東莞，服務香港的用戶。".encode("big5")),
        "g4_pdf": ("g4_pdf.pdf", make_pdf(["深圳湾实验室位于深圳，与香港", "大学合作。"])),
        "g5_docx": ("g5_docx.docx", make_docx(["松山湖材料实验室位于东莞。"])),
        "g6_html": ("g6_html.html", HTML.encode()),
        "g7_hostile": ("g7_hostile.txt", HOSTILE.encode()),
        "g8_long": ("g8_long.txt", LONG_LINE.encode()),
        "g9_utf16": ("g9_utf16.txt", b"\xff\xfe" + "横琴粤澳深度合作区位于珠海。".encode("utf-16-le")),
    }
    bad = {
        "b1_empty.txt": b"",
        "b2_binary.txt": b"\x7fELF\x02\x01\x01\x00\x00\x00",
        "b3_truncated.txt": "深圳湾实验室".encode()[:-2],
        "b4_truncated.pdf": make_pdf(["深圳"])[:200],
        "b5_oversized.txt": ("深圳" * 60_000).encode(),
        "b6_mangled.txt": "深圳湾实验室位于".encode() + b"\xc3\x28" + "深圳".encode(),
    }
    for name, data in [*good.values(), *bad.items()]:
        (folder / name).write_bytes(data)
    (folder / "sub.txt").mkdir()  # a folder is not a document, whatever its name
    (folder / ".hidden.txt").write_bytes(b"\x00")
    return set(good), set(bad)


def _build(corpus, out, *extra):
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--corpus", str(corpus), "--out", str(out), "--jobs", "1", "--max-bytes", "320000", *extra])
    return exit_info.value.code


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    import contextlib
    import io

    corpus = tmp_path_factory.mktemp("hostile")
    good, bad = _good_and_bad(corpus)
    out = tmp_path_factory.mktemp("out")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = _build(corpus, out)
    return corpus, out, good, bad, code, stderr.getvalue()


def test_good_documents_build_and_bad_ones_are_reported(hostile_build):
    _, out, good, bad, code, err = hostile_build
    assert code == 1
    skipped = [line for line in err.splitlines() if line.startswith("gbakg: skipped")]
    assert sorted(re.search(r"/(b\d_[^/:]+):", line).group(1) for line in skipped) == sorted(bad)
    assert any("b5_oversized.txt: is 360000 bytes, over the limit of 320000" in line for line in skipped)
    assert any("b3_truncated.txt: is truncated" in line for line in skipped)
    assert any("b6_mangled.txt: is not valid UTF-8 at byte 24" in line for line in skipped)
    g = Graph().parse(out / "graph.ttl")
    ids = {str(o) for o in g.objects(None, GBA.documentId)}
    assert ids == good
    formats = {
        str(g.value(d, GBA.documentId)): (str(g.value(d, GBA.format)), str(g.value(d, GBA.encoding)))
        for d in g.subjects(GBA.documentId, None)
    }
    assert formats["g2_gb"] == ("text", "gb18030") and formats["g3_big5"] == ("text", "big5hkscs")
    assert formats["g4_pdf"] == ("pdf", "pdf") and formats["g5_docx"] == ("docx", "utf-8")
    assert formats["g6_html"][0] == "html" and formats["g9_utf16"] == ("text", "utf-16-le (BOM)")
    entities = {str(o) for o in g.objects(None, GBA.mentionedIn)}
    assert entities  # documents are named by entities
    for iri in ("Facility/中国散裂中子源", "Laboratory/深圳湾实验室", "Laboratory/松山湖材料实验室"):
        assert (ID[iri], GBA.mentionedIn, None) in g


def test_hostile_text_is_stored_faithfully_and_rendered_inert(hostile_build):
    out = hostile_build[1]
    g = Graph().parse(out / "graph.ttl")
    sentences = {str(s) for s in g.objects(None, GBA.sentence)}
    assert any("<script>alert('x')</script>" in s for s in sentences)
    assert any("\x07\x1b[31m" in s for s in sentences)
    for s in sentences:
        assert "\x00" not in s
    long_doc = ID["doc/g8_long"]
    assert (long_doc, GBA.documentId, Literal("g8_long")) in g
    explorer = (out / "explorer.html").read_text(encoding="utf-8")
    report = (out / "report.html").read_text(encoding="utf-8")
    for page in (explorer, report):
        assert "<script>alert(" not in page and "\x07" not in page
    assert "alert(" in explorer  # the sentence is there, as escaped JSON


def test_strict_stops_before_anything_is_written(hostile_build, tmp_path, capsys):
    corpus, _, _, bad, _, _ = hostile_build
    out = tmp_path / "strict"
    assert _build(corpus, out, "--strict") == 1
    err = capsys.readouterr().err
    assert "nothing was written (--strict)" in err
    assert len([line for line in err.splitlines() if line.startswith("gbakg: failed")]) == len(bad)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == []
    assert not (out / ".cache").exists()


def test_a_failed_build_leaves_the_previous_outputs_intact(tmp_path, monkeypatch, capsys):
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text("中国散裂中子源位于东莞。", encoding="utf-8")
    out = tmp_path / "out"
    assert _build(small, out) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (small / "b.txt").write_text("鹏城实验室位于深圳。", encoding="utf-8")

    import kg.explorer

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(kg.explorer, "write_explorer", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        main(["build", "--corpus", str(small), "--out", str(out), "--jobs", "1"])
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after.keys() == before.keys() - {".lock"} | {".lock"} and all(
        after[name] == data for name, data in before.items() if name != ".lock"
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    assert (out / "store").is_dir()


def test_a_second_build_on_the_same_folder_is_refused(tmp_path, capsys):
    from kg.io import output_lock

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("中国散裂中子源位于东莞。", encoding="utf-8")
    out = tmp_path / "out"
    held, release = threading.Event(), threading.Event()

    def hold():
        with output_lock(out):
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        assert _build(corpus, out) == 1
    finally:
        release.set()
        holder.join()
    err = capsys.readouterr().err
    assert f"{out}: another build is writing this folder (pid {os.getpid()})" in err
    assert "wait for the other build to finish" in err
    assert not (out / "graph.ttl").exists()
    assert _build(corpus, out) == 0  # the lock is released with its holder


@pytest.mark.parametrize(("engine", "where"), [("oxigraph", "at line 3, column 11"), ("rdflib", "at line 3")])
def test_a_malformed_turtle_file_names_line_and_column(tmp_path, capsys, engine, where):
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <urn:x:> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated .\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "--graph", str(bad), "--engine", engine, "SELECT * WHERE { ?s ?p ?o }"])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert f"{bad}: not valid" in err and where in err and err.count("\n") == 1


def test_the_documents_query_reports_format_and_encoding(hostile_build):
    from kg.query import resolve_query
    from kg.store import open_store, query_store

    _, out, good, *_ = hostile_build
    rows = {str(r[0]): (str(r[5]), str(r[6])) for r in query_store(open_store(out), resolve_query("documents")).terms}
    assert set(rows) == good
    assert rows["g3_big5"] == ("text", "big5hkscs") and rows["g5_docx"] == ("docx", "utf-8")
