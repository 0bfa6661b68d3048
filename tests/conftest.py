from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT.parent / "shared" / "gold"


@pytest.fixture(scope="session")
def corpus_records():
    from extract.pipeline import extract_paths

    return [r for r in extract_paths(sorted(CORPUS.glob("*.txt")))]


@pytest.fixture(scope="session")
def corpus_graph(corpus_records):
    from kg.graph import build_graph

    return build_graph(corpus_records)


@pytest.fixture(scope="session")
def built_out(tmp_path_factory):
    from kg.cli import main

    out = tmp_path_factory.mktemp("out")
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--corpus", str(CORPUS), "--out", str(out)])
    assert exit_info.value.code == 0
    return out
