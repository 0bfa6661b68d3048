"""The SPARQL endpoint, queried with a standard client (SPARQLWrapper) on a free loopback port."""

import re
import threading
import urllib.error
import urllib.request

import pytest

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a a gba:Mention . ?b a gba:Mention . ?c a gba:City }"


@pytest.fixture(scope="module")
def server(built_out):
    from kg.serve import make_server

    server = make_server(built_out, "127.0.0.1", 0, timeout=0.5, max_rows=50)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def endpoint(server):
    return f"http://127.0.0.1:{server.server_port}"


def _client(endpoint, query, fmt="json", method="GET"):
    from SPARQLWrapper import GET, POST, SPARQLWrapper

    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(POST if method == "POST" else GET)
    return client


PREFIXES = "PREFIX gba: <https://w3id.org/gba-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
FACILITY = PREFIXES + 'SELECT ?x WHERE { ?x a gba:Facility ; rdfs:label "中国散裂中子源"@zh-Hans }'


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_as_json_over_get_and_post(endpoint, method):
    result = _client(endpoint, FACILITY, "json", method).query().convert()
    assert result["results"]["bindings"] == [
        {"x": {"type": "uri", "value": "https://w3id.org/gba-kg/id/Facility/中国散裂中子源"}}
    ]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("xml", "<uri>https://w3id.org/gba-kg/id/Facility/中国散裂中子源</uri>"),
        ("csv", "https://w3id.org/gba-kg/id/Facility/中国散裂中子源"),
    ],
)
def test_content_negotiation(endpoint, fmt, expected):
    response = _client(endpoint, FACILITY, fmt).query()
    body = response.response.read().decode("utf-8")
    assert expected in body
    assert response.response.headers["Content-Type"].startswith({"xml": "application/sparql-results+xml", "csv": "text/csv"}[fmt])


def test_tsv_by_accept_header(endpoint):
    from urllib.parse import quote

    request = urllib.request.Request(
        endpoint + "/sparql?query=" + quote(FACILITY), headers={"Accept": "text/tab-separated-values"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/tab-separated-values")
        assert response.read().decode("utf-8") == "?x\n<https://w3id.org/gba-kg/id/Facility/中国散裂中子源>\n"


def test_construct_as_turtle(endpoint):
    query = PREFIXES + "CONSTRUCT { ?x a gba:Facility } WHERE { ?x a gba:Facility } "
    graph = _client(endpoint, query, "turtle").query().convert()
    assert len(graph) >= 10


def test_update_is_refused_and_the_server_keeps_serving(endpoint):
    from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    client = SPARQLWrapper(endpoint + "/sparql")
    client.setQuery(PREFIXES + "INSERT DATA { <urn:x> a gba:Facility }")
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as err:
        client.query()
    assert "403" in str(err.value) or "read-only" in str(err.value)
    assert _client(endpoint, FACILITY).query().convert()["results"]["bindings"]


def test_bad_query_gets_400_with_line_and_column(endpoint):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed) as err:
        _client(endpoint, "SELECT ?x WHERE {\n ?x a }").query()
    assert "line 2, column" in str(err.value)


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM <file:///etc/passwd>"),
        ("SELECT * FROM NAMED <http://example.org/remote> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ],
)
def test_reaching_outside_the_graph_is_refused(endpoint, query, refused):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    with pytest.raises(QueryBadFormed, match=re.escape(refused)):
        _client(endpoint, query).query()
    assert _client(endpoint, FACILITY).query().convert()["results"]["bindings"]  # still serving


def test_load_is_refused_as_an_update(endpoint):
    request = urllib.request.Request(
        endpoint + "/sparql", data=b"update=LOAD%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E", method="POST"
    )
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)
    assert err.value.code == 403


def _worker_pids(server):
    return sorted(worker.process.pid for worker in list(server.workers.idle.queue))


def test_time_limit_and_row_cap(server, endpoint):
    from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

    before = _worker_pids(server)
    with pytest.raises((EndPointInternalError, SPARQLWrapperException, urllib.error.HTTPError)) as err:
        _client(endpoint, PREFIXES + SLOW).query()
    assert "503" in str(err.value) or "time limit" in str(err.value)
    after = _worker_pids(server)
    assert len(after) == len(before) and len(set(before) - set(after)) == 1  # the runaway query's process was ended
    capped = _client(endpoint, "SELECT ?s WHERE { ?s ?p ?o }").query()
    assert capped.response.headers["X-Gbakg-Truncated"] == "true"
    assert len(capped.convert()["results"]["bindings"]) == 50
    assert _client(endpoint, FACILITY).query().convert()["results"]["bindings"]


def test_explorer_page_is_served(endpoint, built_out):
    with urllib.request.urlopen(endpoint + "/") as response:
        assert response.headers["Content-Type"].startswith("text/html")
        page = response.read().decode("utf-8")
    assert page == (built_out / "explorer.html").read_text(encoding="utf-8")
    assert 'id="gbakg-legend"' in page


def test_disk_store_workers_answer_like_the_in_memory_ones(built_out, endpoint):
    from kg.serve import make_server

    disk = make_server(built_out, "127.0.0.1", 0, timeout=5, max_rows=50, memory=False)
    thread = threading.Thread(target=disk.serve_forever, daemon=True)
    thread.start()
    try:
        query = PREFIXES + "SELECT ?x ?n WHERE { ?x gba:documentCount ?n } ORDER BY ?x LIMIT 20"
        on_disk = _client(f"http://127.0.0.1:{disk.server_port}", query).query().convert()["results"]["bindings"]
        in_memory = _client(endpoint, query).query().convert()["results"]["bindings"]
        assert on_disk == in_memory and len(on_disk) == 20
    finally:
        disk.shutdown()
        disk.server_close()


def test_queries_that_pick_graphs_are_answered_from_the_named_graphs(endpoint):
    graph = "<https://w3id.org/gba-kg/id/graph/summary>"
    summary = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH " + graph + " { ?x gba:documentCount ?c } }"
    default = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?x gba:documentCount ?c }"
    documents = PREFIXES + "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?x gba:mentionedIn ?d } }"
    any_graph = PREFIXES + "SELECT (COUNT(*) AS ?n) FROM NAMED " + graph + " WHERE { GRAPH ?g { ?s ?p ?o } }"

    def count(query):
        return int(_client(endpoint, query).query().convert()["results"]["bindings"][0]["n"]["value"])

    assert count(summary) == count(default) > 250
    assert count(documents) == 5
    assert count(any_graph) > 250
