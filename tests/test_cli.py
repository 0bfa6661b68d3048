import subprocess
import sys

import pytest

from .conftest import CORPUS


def run(*args):
    return subprocess.run([sys.executable, "-c", "from kg.cli import main; main()", *args], capture_output=True, text=True)


@pytest.mark.parametrize("command", ["build", "extract", "query", "report", "explore"])
def test_help_on_every_command(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "Usage" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["build", "--corpus", "/no/such/folder"], 1, "corpus folder not found"),
        (["frobnicate"], 2, "No such command"),
        (["build", "--corpuz", "x"], 2, "No such option"),
        (["report", "--out", "/no/such/out"], 1, "graph file not found"),
        (["query", "no_such_saved_query", "--out", "/tmp"], 1, "neither a saved query"),
    ],
)
def test_errors_are_one_line_with_nonzero_exit(args, code, message):
    result = run(*args)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("gbakg: error:")


def test_bad_document_is_reported_and_skipped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text((CORPUS / "004_e90495a0e799883c.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\xff\xfe\x00broken")  # a UTF-16 byte-order mark, then an odd byte count
    result = run("build", "--corpus", str(corpus), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"gbakg: skipped {corpus / 'bad.txt'}: is not valid UTF-16-LE at byte 8\n" == result.stderr
    assert (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8").count("横琴粤澳深度合作区") > 0


def test_query_prints_table_and_binds_safely(built_out):
    result = run("query", "facilities_by_city", "--out", str(built_out))
    assert result.returncode == 0
    assert "东莞" in result.stdout and "中国散裂中子源" in result.stdout
    injected = run(
        "query",
        "SELECT ?x ?name WHERE { ?x rdfs:label ?name }",
        "--out",
        str(built_out),
        "--bind",
        'name=深圳" } ; DROP ALL ; {',
        "--format",
        "csv",
    )
    assert injected.returncode == 0 and injected.stdout.strip() == "x,name"
    bad = run("query", "SELECT ?x WHERE { ?x ?y }", "--out", str(built_out))
    assert bad.returncode == 1 and "line 1, column" in bad.stderr
