"""The fast embedded store: Oxigraph on disk beside the outputs (``OUT/store``), reused between queries.

The default graph holds the merged view (``graph.ttl``); the named graphs of ``graph.trig`` hold each
document's facts. The store is rebuilt only when ``graph.ttl`` or ``graph.trig`` changed, into a new
folder that replaces the old one in one rename.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .errors import GraphFileError, QueryError
from .graph import PREFIXES
from .query import Result, check_safe, parse_term

__all__ = [
    "STORE_DIR",
    "StoreLoader",
    "from_oxigraph",
    "load_store",
    "memory_store",
    "open_read_only",
    "open_store",
    "oxigraph",
    "query_store",
    "replace_folder",
    "store_is_fresh",
    "to_oxigraph",
    "written_pieces",
]

STORE_DIR = "store"
_STAMP = "source.json"


def oxigraph() -> Any:
    """The pyoxigraph module, or a catalogued error saying how to install it."""
    try:
        import pyoxigraph
    except ImportError as err:  # pragma: no cover - a core dependency
        raise QueryError("pyoxigraph is not installed", hint="pip install pyoxigraph, or use --engine rdflib") from err
    return pyoxigraph


def _sources(out_dir: Path, graph_file: Path | None) -> list[Path]:
    ttl = graph_file if graph_file is not None else out_dir / "graph.ttl"
    trig = ttl.with_suffix(".trig")
    return [p for p in (ttl, trig) if p.is_file()]


_POSITION = re.compile(r"(?:between |at |on )?line (\d+) column (\d+)(?: and line \d+ column \d+)?")


def _syntax_error(source: Path, err: SyntaxError) -> GraphFileError:
    """``FILE: not valid RDF at line L, column C: problem`` from an Oxigraph parser error."""
    message = " ".join(str(err).split())
    found = _POSITION.search(message)
    if found is None:
        return GraphFileError(f"{source}: not valid RDF ({message[:200]})")
    problem = (message[: found.start()] + message[found.end() :]).replace("Parser error", "").strip(" :")
    return GraphFileError(f"{source}: not valid RDF at line {found.group(1)}, column {found.group(2)}: {problem[:200]}")


def _stamp(sources: list[Path]) -> dict[str, list[int]]:
    return {p.name: [p.stat().st_size, p.stat().st_mtime_ns] for p in sources}


def store_is_fresh(store_dir: Path, sources: list[Path]) -> bool:
    try:
        return bool(json.loads((store_dir / _STAMP).read_text(encoding="utf-8")) == _stamp(sources))
    except (OSError, ValueError):
        return False


def load_store(out_dir: str | Path, graph_file: str | Path | None = None) -> Path:
    """(Re)build ``OUT/store`` from ``graph.ttl`` (default graph) and ``graph.trig`` (named graphs)."""
    out = Path(out_dir)
    sources = _sources(out, Path(graph_file) if graph_file else None)
    if not sources or sources[0].suffix != ".ttl":
        raise GraphFileError(f"{out / 'graph.ttl'}: graph file not found")
    with StoreLoader(out) as loader:
        for source in sources:
            loader.load(source)
        return loader.finish()


class StoreLoader:
    """``OUT/store`` rebuilt in a background thread, one graph file after the other, while the caller
    goes on (Oxigraph parses and indexes without holding the GIL): ``load`` each file once it is
    written, then ``finish``, which waits, stamps the new store and puts it in place. Leaving the
    ``with`` block without finishing removes the half-built store."""

    def __init__(self, out_dir: Path) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.target = out_dir / STORE_DIR
        self.fresh = Path(tempfile.mkdtemp(prefix=".store.", dir=out_dir))
        self.store: Any = None  # opened by the first load, in the thread: no store threads before then
        self.sources: list[Path] = []
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gbakg-store")
        self.pending: list[Any] = []
        self.finished = False

    def load(self, source: Path, *, in_pieces: bool = False) -> None:
        """Load a graph file; ``in_pieces``: a file ``kg.rdfwrite`` wrote, loaded a few megabytes at a
        time (Oxigraph's bulk loader holds up to a million quads per thread in memory otherwise)."""
        self.sources.append(source)
        self.pending.append(self.pool.submit(self._load, source, in_pieces))

    def update(self, previous: Path, edit: Callable[[Any], None], sources: list[Path]) -> None:
        """Start from a copy of the store in ``previous`` (a checkpoint: its files are hard-linked,
        not copied) and ``edit`` it, instead of loading graph files; ``sources`` are the graph files
        it then holds, for the stamp."""
        self.sources.extend(sources)
        self.pending.append(self.pool.submit(self._update, previous, edit))

    def _update(self, previous: Path, edit: Callable[[Any], None]) -> None:
        ox = oxigraph()
        self.fresh.rmdir()  # a backup makes its own folder
        ox.Store.read_only(str(previous)).backup(str(self.fresh))
        self.store = ox.Store(str(self.fresh))
        edit(self.store)

    def _load(self, source: Path, in_pieces: bool) -> None:
        ox = oxigraph()
        fmt = ox.RdfFormat.TURTLE if source.suffix == ".ttl" else ox.RdfFormat.TRIG
        if self.store is None:
            self.store = ox.Store(str(self.fresh))
        try:
            if in_pieces:
                for piece in written_pieces(source, b" .\n\n" if fmt == ox.RdfFormat.TURTLE else b"}\n\n"):
                    self.store.bulk_load(piece, format=fmt)
            else:
                self.store.bulk_load(path=str(source), format=fmt)
        except SyntaxError as err:
            raise _syntax_error(source, err) from None

    def compact(self) -> None:
        """Compact the store once the loads submitted so far are done, in the same thread. After a bulk
        load the store's database is left to compact itself in the background of whichever process
        opens it next: the next rebuild's, which it slowed by about 2 s of 9 on the 10 MB corpus."""
        self.pending.append(self.pool.submit(self._compact))

    def _compact(self) -> None:
        if self.store is not None:
            self.store.optimize()

    def finish(self, files: dict[str, str] | None = None) -> Path:
        """Wait for the store, write ``files`` (name: text) beside it, stamp it and put it in place."""
        for job in self.pending:
            job.result()
        if self.store is None:
            raise GraphFileError(f"{self.target}: no graph file was loaded")
        self.store.flush()
        self.store = None
        for name, text in (files or {}).items():
            (self.fresh / name).write_text(text, encoding="utf-8")
        (self.fresh / _STAMP).write_text(json.dumps(_stamp(self.sources)), encoding="utf-8")
        replace_folder(self.fresh, self.target)
        self.finished = True
        return self.target

    def __enter__(self) -> StoreLoader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.store = None
        if not self.finished:
            shutil.rmtree(self.fresh, ignore_errors=True)


def written_pieces(source: Path, end: bytes, size: int = 16_000_000) -> Iterator[bytes]:
    """A Turtle or TriG file written by ``kg.rdfwrite`` in pieces of about ``size`` bytes, each cut
    after an ``end`` (a statement's ``" .\\n\\n"``, a named graph's ``"}\\n\\n"``: strings are written on
    one line, so these stand nowhere else) and each led by the file's prefix lines."""
    with source.open("rb") as fh:
        header = rest = b""
        for line in iter(fh.readline, b""):
            if not line.startswith(b"@prefix"):
                rest = line
                break
            header += line
        while chunk := fh.read(size):
            rest += chunk
            cut = rest.rfind(end)
            if cut >= 0:
                yield header + rest[: cut + len(end)]
                rest = rest[cut + len(end) :]
        if rest.strip():
            yield header + rest


def replace_folder(fresh: Path, target: Path) -> None:
    """Put the folder ``fresh`` in place of ``target``: the old one is renamed aside, then removed."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        target.rename(old)
    fresh.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def open_store(
    out_dir: str | Path, graph_file: str | Path | None = None, *, memory: bool = False, named_graphs: bool = True
) -> Any:
    """The store of ``OUT`` opened read-only, (re)built first when the graph files changed.

    With ``memory`` (or a ``graph_file`` outside ``OUT``) the graph files are loaded into an
    in-memory Oxigraph store instead: slower to open, several times faster to query, the choice of
    long-running processes such as ``gbakg serve``. ``named_graphs=False`` loads only the merged
    graph into memory: Oxigraph's in-memory store finds a subject's triples by walking all its quads,
    so leaving out the per-document copies makes queries of the default graph faster."""
    out = Path(out_dir)
    sources = _sources(out, Path(graph_file) if graph_file else None)
    if memory and not named_graphs:
        sources = [s for s in sources if s.suffix != ".trig"]
    if not sources:
        raise GraphFileError(f"{graph_file or out / 'graph.ttl'}: graph file not found")
    target = out / STORE_DIR
    if memory or (graph_file is not None and Path(graph_file).resolve().parent != out.resolve()):
        return memory_store(sources)
    if not store_is_fresh(target, sources):
        load_store(out, graph_file)
    return open_read_only(target)


def open_read_only(store_dir: Path) -> Any:
    """The Oxigraph store in ``store_dir``, opened read-only."""
    return oxigraph().Store.read_only(str(store_dir))


def memory_store(sources: list[Path]) -> Any:
    """An in-memory Oxigraph store of the given Turtle, TriG or N-Triples files, loaded in (predicate,
    subject) order: the store chains each predicate's quads, and saved queries scan whole predicates
    and join on subjects, so keeping those quads together in memory makes them 10-40 % faster than
    file order (and the order no longer depends on how the file was written)."""
    ox = oxigraph()
    formats = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES}
    quads = []
    for source in sources:
        try:
            quads += ox.parse(path=str(source), format=formats.get(source.suffix, ox.RdfFormat.TURTLE))
        except SyntaxError as err:
            raise _syntax_error(source, err) from None
    quads.sort(key=lambda q: f"{q.predicate.value} {q.subject}")  # a space sorts before any IRI character
    store = ox.Store()
    store.extend(quads)
    return store


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as the pyoxigraph term it stands for."""
    ox = oxigraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, Literal):
        raise TypeError(f"cannot store {term!r} in Oxigraph")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def from_oxigraph(term: Any) -> Node | None:
    """A pyoxigraph term (or None) as an rdflib term."""
    if term is None:
        return None
    kind = type(term).__name__
    if kind == "NamedNode":
        return str.__new__(URIRef, term.value)
    if kind == "BlankNode":
        return BNode(term.value)
    if term.language:
        return _untyped_literal(term.value, term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return _untyped_literal(term.value, None)
    return Literal(term.value, datatype=_datatype(datatype))


def _untyped_literal(value: str, language: str | None) -> Literal:
    """What ``Literal(value, lang=language)`` gives, without re-validating what Oxigraph has validated."""
    literal = str.__new__(Literal, value)
    literal._language, literal._datatype, literal._value, literal._ill_typed = language, None, value, None
    return literal


@lru_cache(maxsize=256)
def _datatype(iri: str) -> URIRef:
    return URIRef(iri)


class _Converter(dict[Any, Node | None]):
    """Oxigraph terms to rdflib terms, each distinct term converted once per answer."""

    def __missing__(self, term: Any) -> Node | None:
        value = self[term] = from_oxigraph(term)
        return value


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def query_store(store: Any, text: str, bindings: dict[str, str] | None = None, *, max_rows: int | None = None) -> Result:
    """Run a query on an Oxigraph store; ``bindings`` are substituted as values, never as text.
    With ``max_rows``, reading stops after that many rows or triples and the result says it was cut."""
    ox = oxigraph()
    check_safe(text)
    substitutions = {ox.Variable(k): to_oxigraph(parse_term(v)) for k, v in (bindings or {}).items()}
    try:
        answer = store.query(text, prefixes=_PREFIXES, substitutions=substitutions)
    except SyntaxError as err:
        message = " ".join(str(err).split())
        if message.startswith("error at ") and ":" in message[9:]:
            where, _, rest = message[9:].partition(": ")
            line, _, col = where.partition(":")
            message = f"at line {line}, column {col}: {rest}"
        raise QueryError(f"SPARQL syntax error {message[:300]}") from None
    except (OSError, RuntimeError, ValueError) as err:
        message = " ".join(str(err).split())
        if "in its SELECT projection" in message:
            raise QueryError(
                f"cannot bind: {message[:200]}", hint="a bound variable must be one of the SELECT variables"
            ) from None
        raise QueryError(f"query failed: {message[:300]}") from None
    if isinstance(answer, ox.QueryBoolean):
        return Result(["ask"], [[Literal(bool(answer))]], kind="ASK")
    limit = None if max_rows is None else max_rows + 1
    if isinstance(answer, ox.QueryTriples):
        read = list(islice(answer, limit))
        cut = max_rows is not None and len(read) > max_rows
        convert = _Converter()
        triples = sorted((convert[t.subject], convert[t.predicate], convert[t.object]) for t in read[:max_rows])
        return Result(["subject", "predicate", "object"], [], kind="CONSTRUCT", triples=triples, truncated=cut)  # type: ignore[arg-type]
    variables = [v.value for v in answer.variables]
    convert = _Converter()
    rows = [[convert[term] for term in solution] for solution in islice(answer, limit)]
    cut = max_rows is not None and len(rows) > max_rows
    return Result(variables, rows[:max_rows], truncated=cut)
