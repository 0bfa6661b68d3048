"""Integration with an external SPARQL server: push the graph to Virtuoso Open Source and compare the
saved queries there with the embedded store. Virtuoso is installed by `make test` (Debian package)."""

import re

import pytest

from kg.query import resolve_query, saved_queries
from kg.remote import MERGED_GRAPH, push, query_endpoint
from kg.store import open_store, query_store

from . import virtuoso
from .test_queries import EXPECTED

pytestmark = pytest.mark.skipif(not virtuoso.available(), reason="virtuoso-opensource is not installed (make test installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process, base = virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield base
    virtuoso.stop(process)


@pytest.fixture(scope="module")
def pushed(server, built_out):
    return push(built_out, server + "/sparql-graph-crud-auth", user="dba", password="dba")


def _values(result):
    def value(term):
        if term is None:
            return None
        if getattr(term, "language", None):
            return (str(term), term.language.lower())
        return str(term.toPython())

    return sorted(([value(t) for t in row] for row in result.terms), key=repr)


def test_push_sends_the_merged_graph_and_every_named_graph(pushed, built_out):
    graphs = dict(pushed)
    assert str(MERGED_GRAPH) in graphs and graphs[str(MERGED_GRAPH)] > 20_000
    assert "https://w3id.org/gba-kg/id/graph/003_fae5498d62657f38" in graphs
    assert len(graphs) == 1 + 5 + 2  # merged, five documents, known entities, summary
    assert "https://w3id.org/gba-kg/id/graph/summary" in graphs


BINDINGS = {name: bindings for name, bindings, _ in EXPECTED}


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_saved_queries_give_the_same_rows_on_virtuoso(server, pushed, built_out, name):
    text = resolve_query(name)
    remote = query_endpoint(server + "/sparql", text, BINDINGS.get(name))
    local = query_store(open_store(built_out), text, BINDINGS.get(name))
    assert remote.variables == local.variables
    assert _values(remote) == _values(local)
    assert local.terms, name


def test_query_command_on_the_endpoint(server, pushed, capsys):
    from kg.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["query", "ranking_history", "--endpoint", server + "/sparql", "--format", "csv"])
    assert exit_info.value.code == 0
    assert "深圳—香港—广州创新集群" in capsys.readouterr().out


def test_push_without_credentials_names_the_problem(server, built_out, capsys):
    from kg.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["push", "--out", str(built_out), "--endpoint", server + "/sparql-graph-crud-auth"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "answered 401" in err and "--user" in err


def test_readme_external_server_examples_run(server, built_out, capsys):
    from kg.cli import main

    from .test_docs import example_commands

    examples = [args for args in example_commands() if args[0] == "push" or "--endpoint" in args]
    assert {args[0] for args in examples} == {"push", "query"}
    for args in examples:
        local = [re.sub(r"http://127\.0\.0\.1:\d+", server, a) for a in args] + ["--out", str(built_out)]
        with pytest.raises(SystemExit) as exit_info:
            main(local)
        captured = capsys.readouterr()
        assert exit_info.value.code == 0, captured.err
        assert captured.out.strip()
