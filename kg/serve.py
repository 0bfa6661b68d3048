"""A read-only SPARQL 1.1 Protocol endpoint over the built graph, which also serves the explorer page.

``/sparql`` answers GET and POST (form or ``application/sparql-query``) with JSON, XML, CSV or TSV
results chosen by the ``Accept`` header, and Turtle for CONSTRUCT and DESCRIBE. Updates are refused
with 403, bad queries get 400, a query past its time limit gets 503 and a result past the row cap
is cut (``X-Gbakg-Truncated: true``); none of them stops the server.
"""

from __future__ import annotations

import queue
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing import get_context
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnContext
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .errors import GbaKgError, QueryError
from .query import Result, check_safe, format_result, picks_graphs
from .store import open_store, query_store

__all__ = ["MEDIA_TYPES", "QueryWorkers", "SparqlServer", "choose_format", "make_server"]

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_ACCEPTED = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}


def choose_format(accept: str) -> str:
    """The result format for an ``Accept`` header, by q-value then order; JSON when nothing matches.

    >>> choose_format("text/csv;q=0.5, application/sparql-results+xml")
    'xml'
    >>> choose_format("text/html")
    'json'
    """
    choices = []
    for order, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media.lower() in _ACCEPTED and q > 0:
            choices.append((-q, order, _ACCEPTED[media.lower()]))
    return min(choices)[2] if choices else "json"


def _query_worker(out_dir: str, memory: bool, conn: Connection) -> None:
    """Answer queries from ``conn``. In memory the worker holds the merged graph only; a query that
    picks graphs (``GRAPH``, ``FROM``) reads the named graphs from the store on disk."""
    try:
        disk = open_store(out_dir)
        store = open_store(out_dir, memory=True, named_graphs=False) if memory else disk
    except GbaKgError as err:
        conn.send(("error", str(err)))
        return
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if request is None:
            return
        text, max_rows = request
        try:
            chosen = disk if picks_graphs(text) else store
            conn.send(("ok", query_store(chosen, text, max_rows=max_rows)))
        except QueryError as err:
            conn.send(("error", str(err)))


class _Worker:
    def __init__(self, context: SpawnContext, out_dir: Path, memory: bool) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_query_worker, args=(str(out_dir), memory, child), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self) -> None:
        """Wait until the worker has opened its store (not counted in any query's time limit)."""
        if not self.ready:
            status, payload = self.conn.recv()
            if status != "ready":
                raise QueryError(payload)
            self.ready = True

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class QueryTimeout(Exception):
    pass


class QueryWorkers:
    """Queries run in worker processes; one past the time limit is stopped by ending its process, and a
    fresh worker takes its place, so a runaway query costs no CPU after its answer (503) is sent."""

    def __init__(self, out_dir: Path, size: int, *, memory: bool = True) -> None:
        self.out_dir = out_dir
        self.memory = memory
        self.context = get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self.idle.put(self._new())
        for _ in range(size):  # the first queries wait for no store loading
            worker = self.idle.get()
            try:
                worker.wait_ready()
            except (EOFError, OSError, QueryError):
                worker.stop()
                self.close()
                raise
            finally:
                self.idle.put(worker)

    def _new(self) -> _Worker:
        return _Worker(self.context, self.out_dir, self.memory)

    def run(self, text: str, *, timeout: float, max_rows: int) -> Result:
        worker = self.idle.get()
        try:
            worker.wait_ready()
            worker.conn.send((text, max_rows))
            if not worker.conn.poll(timeout):
                worker.stop()
                worker = self._new()
                raise QueryTimeout
            status, payload = worker.conn.recv()
        except (EOFError, OSError):
            worker.stop()
            worker = self._new()
            raise QueryError("the query worker failed; try again") from None
        finally:
            self.idle.put(worker)
        if status == "error":
            raise QueryError(payload)
        return payload  # type: ignore[no-any-return]

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().stop()


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], out_dir: Path, *, timeout: float, max_rows: int, workers: int = 2, memory: bool = True
    ) -> None:
        if not memory:
            open_store(out_dir)  # (re)builds the store once, before the workers open it read-only
        super().__init__(address, _Handler)
        self.out_dir = out_dir
        self.query_timeout = timeout
        self.max_rows = max_rows
        try:
            self.workers = QueryWorkers(out_dir, workers, memory=memory)
        except BaseException:
            super().server_close()
            raise

    def server_close(self) -> None:
        super().server_close()
        self.workers.close()

    def run(self, text: str) -> Result:
        check_safe(text)
        return self.workers.run(text, timeout=self.query_timeout, max_rows=self.max_rows)


def make_server(
    out_dir: str | Path,
    host: str = "127.0.0.1",
    port: int = 8890,
    *,
    timeout: float = 10.0,
    max_rows: int = 10_000,
    memory: bool = True,
) -> SparqlServer:
    """A server over the graph built in ``out_dir`` (not yet serving: call ``serve_forever``); each
    query worker holds the graph in memory, or with ``memory=False`` reads the store on disk."""
    return SparqlServer((host, port), Path(out_dir), timeout=timeout, max_rows=max_rows, memory=memory)


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # the library never prints
        return

    def _send(self, status: int, body: str, media: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, message + "\n", "text/plain")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in ("/", "/explorer.html"):
            page = self.server.out_dir / "explorer.html"
            if not page.is_file():
                self._error(HTTPStatus.NOT_FOUND, "no explorer page: run 'gbakg build' or 'gbakg explore'")
                return
            self._send(HTTPStatus.OK, page.read_text(encoding="utf-8"), "text/html")
            return
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            return
        self._answer(parse_qs(url.query))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/sparql":
            self._error(HTTPStatus.NOT_FOUND, "not found: the endpoint is /sparql")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query)
        if media == "application/sparql-update":
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return
        if media == "application/sparql-query":
            params["query"] = [body]
        elif media in ("application/x-www-form-urlencoded", ""):
            for key, values in parse_qs(body).items():
                params.setdefault(key, []).extend(values)
        else:
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported content type {media}")
            return
        self._answer(params)

    def _answer(self, params: dict[str, list[str]]) -> None:
        if "update" in params:
            self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
            return
        queries = params.get("query", [])
        if len(queries) != 1:
            self._error(HTTPStatus.BAD_REQUEST, "give exactly one 'query' parameter")
            return
        try:
            result = self.server.run(queries[0])
        except QueryTimeout:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, f"the query ran past the time limit of {self.server.query_timeout:g} s")
            return
        except QueryError as err:
            self._error(HTTPStatus.BAD_REQUEST, str(err))
            return
        headers = {"X-Gbakg-Truncated": "true"} if result.truncated else {}
        if result.kind in ("CONSTRUCT", "DESCRIBE"):
            self._send(HTTPStatus.OK, format_result(result, "json"), "text/turtle", headers)
            return
        fmt = choose_format(self.headers.get("Accept") or "")
        self._send(HTTPStatus.OK, format_result(result, fmt), MEDIA_TYPES[fmt], headers)
