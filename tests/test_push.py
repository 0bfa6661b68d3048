"""Pushing to a graph store that drops connections: PUTs are sent again, then fail with one line."""

import pytest

from kg.remote import MERGED_GRAPH, push


class _FlakySession:
    """A requests session whose first ``drops`` PUTs lose the connection before the answer."""

    def __init__(self, drops, error):
        self.drops, self.error, self.puts, self.auth = drops, error, [], None

    def put(self, url, params, data, headers, timeout):
        import requests

        self.puts.append(params["graph"])
        if len(self.puts) <= self.drops:
            raise self.error("connection dropped")
        response = requests.Response()
        response.status_code = 201
        return response


def test_a_put_whose_connection_drops_is_sent_again(built_out, monkeypatch):
    import requests

    import kg.remote

    flaky = _FlakySession(2, requests.exceptions.ChunkedEncodingError)
    monkeypatch.setattr(requests, "Session", lambda: flaky)
    monkeypatch.setattr(kg.remote, "PUT_ATTEMPTS", 3)
    pushed = push(built_out, "http://127.0.0.1:9/store")
    assert pushed[0][0] == str(MERGED_GRAPH) and pushed[0][1] > 1000
    assert flaky.puts[:3] == [str(MERGED_GRAPH)] * 3
    assert len(flaky.puts) == len(pushed) + 2


def test_a_put_that_keeps_failing_names_the_endpoint(built_out, monkeypatch):
    import requests

    from kg.errors import GbaKgError

    flaky = _FlakySession(99, requests.ConnectionError)
    monkeypatch.setattr(requests, "Session", lambda: flaky)
    with pytest.raises(GbaKgError, match=r"http://127\.0\.0\.1:9/store: cannot reach the graph store \(ConnectionError\)"):
        push(built_out, "http://127.0.0.1:9/store")
    assert len(flaky.puts) == 3
