"""The build: documents → records (re-extracting only what changed) → graphs, report and explorer.

``kg`` never imports spaCy: the extractor is passed in as a function.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from extract.documents import DEFAULT_MAX_BYTES, RawDocument, read_document
from extract.records import DocumentInfo, DocumentRecord, Entity, Fact, Mention, Relation, Sentence

from .errors import DocumentError, StrictBuildError
from .graph import TYPED_PREDICATES, Stated, add_summary, entity_iris, graph_stats, merged_triples, stated_by, term
from .io import Beside, release_free_memory, write_atomic
from .parts import (
    DocumentPart,
    DocumentParts,
    MergedText,
    document_part,
    edit_store,
    encode_part,
    part_version,
    store_changes,
    store_files,
)
from .store import STORE_DIR, StoreLoader, replace_folder, store_is_fresh
from .triples import GraphLike, TripleIndex
from .validate import Violation, format_violations, validate_entities

__all__ = ["BuildResult", "Change", "Outputs", "build_outputs", "diff_manifests", "gc_paused", "load_records"]

CACHE_DIR = ".cache"
_T = TypeVar("_T")
MANIFEST = "manifest.json"


@dataclass
class BuildResult:
    records: list[DocumentRecord]
    failures: list[DocumentError]
    extracted: list[str] = field(default_factory=list)  # document IDs re-extracted this time
    reused: list[str] = field(default_factory=list)
    parts: DocumentParts = field(default_factory=DocumentParts)


@dataclass
class Outputs:
    written: list[Path]
    change: Change
    stats: dict[str, int]
    violations: list[Violation]


@dataclass
class Change:
    entities_added: list[str]
    entities_removed: list[str]
    facts_added: list[str]
    facts_removed: list[str]
    first_build: bool = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block. A build holds millions of long-lived objects
    (records, triples, rows), and each full collection walks them all: about 5 s of rebuilding a
    10 MB corpus, with no memory given back. When the block ends, what it made is frozen out of
    later collections (``gc.freeze``; else the first one would walk it all once more) and
    collection resumes as it was: for a process that ends after the block, as ``gbakg build`` does."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _cache_path(out_dir: Path, doc_id: str) -> Path:
    return out_dir / CACHE_DIR / f"{doc_id}.json"


@dataclass(frozen=True)
class _CacheEntry:
    """``OUT/.cache/<doc>.json``: a document's record and its part, with what they were made from
    (the document's sha256, the extractor's fingerprint, the part's code version). The part stays
    undecoded until its version is known to be current."""

    sha256: str
    fingerprint: str
    record: DocumentRecord
    part_version: str
    part: msgspec.Raw


@dataclass(frozen=True)
class _CachedCore:
    """A cached record with its sentences and mentions left encoded."""

    info: DocumentInfo
    sentences: msgspec.Raw
    mentions: msgspec.Raw
    entities: list[Entity]
    relations: list[Relation]
    facts: list[Fact] = field(default_factory=list)


@dataclass(frozen=True)
class _CacheHead:
    """``_CacheEntry`` read with the record's sentences and mentions left encoded."""

    sha256: str
    fingerprint: str
    record: _CachedCore
    part_version: str
    part: msgspec.Raw


class _DecodedOnRead:
    """A field kept as its JSON (``msgspec.Raw``) until first read, then decoded as ``kind``."""

    def __init__(self, kind: Any) -> None:
        self.kind = kind

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, record: Any, owner: type | None = None) -> Any:
        if record is None:
            return self
        value = record.__dict__[self.slot]
        if isinstance(value, msgspec.Raw):
            value = record.__dict__[self.slot] = msgspec.json.decode(value, type=self.kind)
        return value

    def __set__(self, record: Any, value: Any) -> None:
        record.__dict__[self.slot] = value


class _CachedRecord(DocumentRecord):
    """A cached record whose sentences and mentions are decoded when first read: a rebuild reads
    neither for a document whose part is cached (they were 40 % of decoding the cache)."""

    sentences = _DecodedOnRead(list[Sentence])  # type: ignore[assignment]
    mentions = _DecodedOnRead(list[Mention])  # type: ignore[assignment]

    @classmethod
    def of(cls, core: _CachedCore) -> _CachedRecord:
        encoded: Any = (core.sentences, core.mentions)  # kept encoded by the fields' descriptors
        return cls(core.info, *encoded, core.entities, core.relations, core.facts)  # type: ignore[call-arg]  # fields are descriptors here

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DocumentRecord):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in fields(DocumentRecord))

    __hash__ = None  # type: ignore[assignment]


@lru_cache(maxsize=2)
def _cache_decoder(head: bool) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(_CacheHead if head else _CacheEntry)


def _cached(out_dir: Path, raw: RawDocument, fingerprint: str) -> tuple[DocumentRecord, msgspec.Raw | None] | None:
    """The cached record of a document unchanged since it was extracted by the same extractor, with
    its part, undecoded, when that was made by the same code (else None: the part is made again
    from the record, which is then decoded whole)."""
    try:
        data = _cache_path(out_dir, raw.doc_id).read_bytes()
        head = _cache_decoder(True).decode(data)
        if head.sha256 != raw.sha256 or head.fingerprint != fingerprint or head.record.info.path != raw.path:
            return None
        if head.part_version == part_version():
            return _CachedRecord.of(head.record), head.part
        return _cache_decoder(False).decode(data).record, None
    except (OSError, msgspec.MsgspecError):
        return None


_HEADER = re.compile(rb'\{"sha256":"([0-9a-f]+)","fingerprint":"([0-9a-f]+)"')


def _maybe_cached(out_dir: Path, raw: RawDocument, fingerprint: str) -> bool:
    """False when the start of the document's cache entry shows it is missing or stale, without
    decoding it (``_cached`` decides the rest)."""
    try:
        with _cache_path(out_dir, raw.doc_id).open("rb") as fh:
            head = fh.read(128)
    except OSError:
        return False
    found = _HEADER.match(head)
    return found is None or (found[1].decode() == raw.sha256 and found[2].decode() == fingerprint)


def _cache_entry(raw: RawDocument, fingerprint: str, record: DocumentRecord, part: DocumentPart) -> bytes:
    entry = _CacheEntry(raw.sha256, fingerprint, record, part_version(), msgspec.Raw(encode_part(part)))
    return msgspec.json.encode(entry)


def _extract_for_cache(
    extractor: Callable[[RawDocument], DocumentRecord], fingerprint: str, raw: RawDocument
) -> tuple[DocumentRecord, DocumentPart, bytes]:
    """The record, its part and their cache entry, all made where the document is extracted."""
    record = extractor(raw)
    part = document_part(record)
    return record, part, _cache_entry(raw, fingerprint, record, part)


def _remade(fingerprint: str, item: tuple[RawDocument, DocumentRecord]) -> tuple[DocumentRecord, DocumentPart, bytes]:
    """The part of a cached record whose part other code made, and their new cache entry."""
    raw, record = item
    part = document_part(record)
    return record, part, _cache_entry(raw, fingerprint, record, part)


def _in_processes(
    work: Callable[[Any], _T],
    items: list[Any],
    jobs: int,
    *,
    beside: bool = False,
    result_type: Any = None,
    cyclic: bool = True,
) -> Iterator[_T]:
    """``work`` of each item, in order, in ``jobs`` processes: ``jobs - 1`` forked workers take chunks
    of items from the front while this process takes them from the back, until they meet; it then
    hands out every result in order. Forked workers start with what this process has loaded (a
    pipeline built before is not built again): call it before starting threads. ``beside``, or where
    processes cannot fork: this process does none of the work, which goes to ``jobs`` workers even
    for one item, so that the caller's own work runs alongside it (the caller may go on before
    reading the results). ``result_type``: the type of every result, which workers then send as
    MessagePack (msgspec) instead of a pickle: several times faster to write for records of many
    small items. ``cyclic``: the work leaves reference cycles behind (a document's SHACL graphs), so
    each process collects its young garbage after each item, even inside ``gc_paused``; extraction
    alone leaves none (tested) and can skip that."""
    from multiprocessing import get_all_start_methods

    if jobs <= 1 or not items or (len(items) == 1 and not beside):
        return _here(work, items, cyclic)
    chunk = max(1, min(8, len(items) // (8 * jobs)))
    chunks = [items[i : i + chunk] for i in range(0, len(items), chunk)]
    if beside or "fork" not in get_all_start_methods():
        return _in_pool(work, chunks, jobs, result_type, cyclic)
    return _shared_with_forks(work, chunks, jobs - 1, result_type, cyclic)


def _in_pool(work: Callable[[Any], _T], chunks: list[list[Any]], jobs: int, result_type: Any, cyclic: bool) -> Iterator[_T]:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_all_start_methods, get_context

    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=get_context(method), initializer=_worker_started)
    try:
        futures = [pool.submit(_encoded_work_on, work, part, result_type is not None, cyclic) for part in chunks]
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    decode = _results_decoder(result_type)
    return _closing((result for future in futures for result in decode(future.result())), pool)


def _encoded_work_on(work: Callable[[Any], _T], items: list[Any], typed: bool, cyclic: bool) -> bytes:
    """The results as one message, which the receiving process decodes when it chooses: MessagePack
    when ``typed``, else a pickle."""
    results = list(_here(work, items, cyclic))
    if typed:
        return msgspec.msgpack.encode(results)
    import pickle

    return pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)


def _results_decoder(result_type: Any) -> Callable[[bytes], list[Any]]:
    if result_type is None:
        import pickle

        return pickle.loads  # type: ignore[no-any-return]
    return msgspec.msgpack.Decoder(list[result_type]).decode  # type: ignore[valid-type]


def _here(work: Callable[[Any], _T], items: list[Any], cyclic: bool = True) -> Iterator[_T]:
    for item in items:
        yield work(item)
        if cyclic:
            gc.collect(0)  # the young garbage of one item (a document's SHACL graphs hold cycles), even inside gc_paused


_WRITTEN, _FAILED = 1, 2  # a chunk's state, once a worker is done with it


def _shared_with_forks(
    work: Callable[[Any], _T], chunks: list[list[Any]], workers: int, result_type: Any, cyclic: bool
) -> Iterator[_T]:
    """Chunks shared by this process, from the back, and forked workers, from the front. The
    unclaimed chunks are a range in shared memory; a worker writes each result to a file of a
    temporary folder and then marks the chunk, so this process runs no threads and nobody waits on
    a pipe: between its own chunks it decodes the workers' finished ones. The workers start when the
    first result is asked for and are stopped, and the folder removed, when the results end or are
    dropped."""
    import pickle
    import time
    from multiprocessing import get_context

    context = get_context("fork")
    claim = context.Lock()
    unclaimed = context.Array("q", [0, len(chunks)], lock=False)
    states = context.Array("b", len(chunks), lock=False)
    decode = _results_decoder(result_type)
    folder = Path(tempfile.mkdtemp(prefix="gbakg-work-"))
    args = (work, chunks, result_type is not None, cyclic, claim, unclaimed, states, folder)
    processes = [context.Process(target=_forked_worker, args=args, daemon=True) for _ in range(min(workers, len(chunks)))]

    def received(index: int) -> list[Any]:
        data = (folder / str(index)).read_bytes()
        (folder / str(index)).unlink()
        if states[index] == _FAILED:
            raise pickle.loads(data)
        return decode(data)

    try:
        for process in processes:
            process.start()
        done: dict[int, list[Any]] = {}
        unread = 0  # the workers' chunks before this one are read
        while True:
            with claim:
                index = unclaimed[1] - 1
                if index < unclaimed[0]:  # the rest is the workers'
                    break
                unclaimed[1] = index
            done[index] = list(_here(work, chunks[index], cyclic))
            while unread < unclaimed[0] and states[unread]:
                done[unread] = received(unread)
                unread += 1
        for index in range(len(chunks)):
            if index not in done:
                while not states[index]:
                    if all(process.exitcode is not None for process in processes) and not states[index]:
                        codes = sorted({code for process in processes if (code := process.exitcode) is not None})
                        raise ChildProcessError(f"the worker processes stopped (exit codes {codes}) before finishing")
                    time.sleep(0.0005)
                done[index] = received(index)
            yield from done.pop(index)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            if process.pid is not None:
                process.join()
        shutil.rmtree(folder, ignore_errors=True)


def _forked_worker(
    work: Callable[[Any], Any],
    chunks: list[list[Any]],
    typed: bool,
    cyclic: bool,
    claim: Any,
    unclaimed: Any,
    states: Any,
    folder: Path,
) -> None:
    import pickle

    gc.freeze()  # what it inherited is left out of its collections; it collects as this process does (_here)
    while True:
        with claim:
            index = unclaimed[0]
            if index >= unclaimed[1]:
                return
            unclaimed[0] = index + 1
        try:
            data, state = _encoded_work_on(work, chunks[index], typed, cyclic), _WRITTEN
        except Exception as err:  # handed to the caller, as a pool would
            try:
                data = pickle.dumps(err)
            except Exception:
                data = pickle.dumps(RuntimeError(f"{type(err).__name__}: {err}"))
            state = _FAILED
        (folder / str(index)).write_bytes(data)
        states[index] = state
        if state == _FAILED:
            return


def _worker_started() -> None:
    """A worker collects its own garbage, even when forked inside ``gc_paused``; what it inherited is
    left out of its collections."""
    gc.freeze()
    gc.enable()


def _closing(results: Iterator[_T], pool: Any) -> Iterator[_T]:
    try:
        yield from results
    finally:
        pool.shutdown(cancel_futures=True)


def _extracted(
    raws: list[RawDocument],
    extractor: Callable[[RawDocument], DocumentRecord],
    fingerprint: str,
    jobs: int,
    *,
    beside: bool = False,
) -> Iterator[tuple[DocumentRecord, DocumentPart, bytes]]:
    return _in_processes(
        partial(_extract_for_cache, extractor, fingerprint),
        raws,
        jobs,
        beside=beside,
        result_type=tuple[DocumentRecord, DocumentPart, bytes],
    )


def load_records(
    paths: list[Path],
    out_dir: Path,
    extractor: Callable[[RawDocument], DocumentRecord],
    fingerprint: str,
    progress: Callable[[Iterator[Path]], Iterator[Path]] | None = None,
    *,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    strict: bool = False,
) -> BuildResult:
    """Records of every readable document, reusing the cached record when the document's sha256 and
    the extractor's fingerprint are unchanged; unreadable documents are collected, not raised.
    With ``jobs`` > 1 the documents to extract are spread over that many processes (``extractor``
    must then be picklable, e.g. a module-level function or a ``functools.partial`` of one); the
    records are the same as in one process. Documents over ``max_bytes`` are failures; with
    ``strict``, any failure raises ``StrictBuildError`` after every document was read and before
    anything is extracted or written."""
    result = BuildResult([], [])
    items: Iterator[Path] = iter(paths)
    if progress is not None:
        items = progress(items)
    todo: list[RawDocument] = []
    candidates: list[RawDocument] = []
    for path in items:
        try:
            raw = read_document(path, max_bytes=max_bytes)
        except DocumentError as err:
            result.failures.append(err)
            continue
        if strict and result.failures:
            continue
        (candidates if _maybe_cached(out_dir, raw, fingerprint) else todo).append(raw)
    if strict and result.failures:
        raise StrictBuildError(
            f"{len(result.failures)} of {len(paths)} documents failed; nothing was written (--strict)", result.failures
        )
    extracted = _extracted(todo, extractor, fingerprint, jobs, beside=bool(candidates))  # runs while the cache is read
    late: list[RawDocument] = []
    stale: list[tuple[RawDocument, DocumentRecord]] = []
    for raw in candidates:
        cached = _cached(out_dir, raw, fingerprint)
        if cached is None:
            late.append(raw)
            continue
        record, encoded = cached
        result.reused.append(raw.doc_id)
        result.records.append(record)
        if encoded is None:  # made by other code: made again from the record
            stale.append((raw, record))
        else:
            result.parts[raw.doc_id] = encoded
    for batch in (todo, late):  # late: entries whose start looked current but which do not decode
        made = extracted if batch is todo else _extracted(late, extractor, fingerprint, jobs)
        for raw, (record, part, cache_entry) in zip(batch, made, strict=True):
            write_atomic(_cache_path(out_dir, raw.doc_id), cache_entry)
            result.extracted.append(raw.doc_id)
            result.records.append(record)
            result.parts[raw.doc_id] = part
    remade = _in_processes(partial(_remade, fingerprint), stale, jobs, result_type=tuple[DocumentRecord, DocumentPart, bytes])
    for (raw, _), (_, part, cache_entry) in zip(stale, remade, strict=True):
        write_atomic(_cache_path(out_dir, raw.doc_id), cache_entry)
        result.parts[raw.doc_id] = part
    result.records.sort(key=lambda r: r.info.doc_id)
    release_free_memory()  # what extracting here freed, before the outputs' processes fork
    return result


def _manifest(graph: GraphLike) -> dict[str, list[str]]:
    facts = sorted(f"{s} {name} {o}" for name in TYPED_PREDICATES for s, _, o in graph.triples((None, term(name), None)))
    return {"entities": sorted(map(str, entity_iris(graph))), "facts": facts}


def diff_manifests(before: dict[str, list[str]] | None, after: dict[str, list[str]]) -> Change:
    if before is None:
        return Change(after["entities"], [], after["facts"], [], first_build=True)
    return Change(
        sorted(set(after["entities"]) - set(before["entities"])),
        sorted(set(before["entities"]) - set(after["entities"])),
        sorted(set(after["facts"]) - set(before["facts"])),
        sorted(set(before["facts"]) - set(after["facts"])),
    )


OUTPUT_FILES = (
    "graph.ttl",
    "graph.trig",
    "validation.txt",
    "report.md",
    "report.html",
    "centrality.csv",
    "centrality.json",
    "explorer.html",
)


def build_outputs(
    records: list[DocumentRecord],
    out_dir: Path,
    *,
    parts: Mapping[str, DocumentPart] | None = None,
    seed: int = 0,
    check_shapes: bool = True,
    fork: bool = True,
) -> Outputs:
    """Write graph.ttl, graph.trig, report.md, centrality.csv, explorer.html and, when the graph breaks
    a SHACL shape, validation.txt; return what was written, what changed and the violations.
    ``parts`` are the documents' parts by document ID (``load_records`` gives them); a record
    without one has it made here. With ``fork`` (where the system can), the report and the explorer
    are made in a forked process while this one writes the graph files and the store.

    Everything is first written into a staging folder inside ``out_dir`` and moved into place only
    when all of it is ready, so a build that fails or is interrupted leaves the previous outputs."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging.", dir=out_dir))
    try:
        outputs = _write_outputs(records, parts or {}, out_dir, staging, seed=seed, check_shapes=check_shapes, fork=fork)
        _commit(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    outputs.written = [out_dir / path.relative_to(staging) for path in outputs.written]
    return outputs


def _analysis_files(view: TripleIndex, stated: list[Stated], staging: Path, seed: int, fork: bool) -> list[Path]:
    """report.md, report.html, centrality.csv, centrality.json and explorer.html, written into
    ``staging``; with ``fork``, the report's files in a forked process while this one makes the explorer."""
    from .explorer import write_explorer
    from .report import graph_analysis, write_analysis

    analysis = graph_analysis(view, seed=seed, stated=stated)
    report = Beside(partial(write_analysis, analysis, staging), fork=fork)  # its charts take a second
    explorer = write_explorer(view, staging / "explorer.html", seed=seed, analysis=analysis, stated=stated)
    return [*report.result(), explorer]


def _part(parts: Mapping[str, DocumentPart], record: DocumentRecord) -> DocumentPart:
    """The document's part, made here when there is none or the cached one does not decode."""
    try:
        part = parts.get(record.info.doc_id)
    except ValueError:
        part = None
    return part or document_part(record)


def _write_outputs(
    records: list[DocumentRecord],
    parts: Mapping[str, DocumentPart],
    out_dir: Path,
    staging: Path,
    *,
    seed: int,
    check_shapes: bool,
    fork: bool,
) -> Outputs:
    previous = None
    manifest_path = out_dir / MANIFEST
    if manifest_path.is_file():
        try:
            previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = None
    if (out_dir / "centrality.json").is_file():  # the report compares ranks with the previous ones
        shutil.copy2(out_dir / "centrality.json", staging / "centrality.json")
    shutil.rmtree(out_dir / CACHE_DIR / "shacl", ignore_errors=True)  # validation by cached parts, before 2026-12
    with StoreLoader(staging) as loader:  # the store is filled beside the writing that follows
        stated = stated_by(records)
        view = merged_triples(records, view=True, stated=stated, summarised=False)
        analysed = Beside(partial(_analysis_files, view, stated, staging, seed, fork), fork=fork)  # before the store's threads
        add_summary(view, stated)  # after the fork: the report and the explorer read no summary triple
        merged = MergedText(view, (_part(parts, record) for record in records))
        old_store = out_dir / STORE_DIR
        fresh = store_is_fresh(old_store, [out_dir / "graph.ttl", out_dir / "graph.trig"])
        changes = store_changes(old_store, merged) if fresh else None
        if changes is not None:  # the previous store, copied and changed where the documents changed
            edit = partial(edit_store, previous=old_store, merged=merged, dropped=changes[0], added=changes[1])
            loader.update(old_store, edit, [staging / "graph.ttl", staging / "graph.trig"])
        trig = write_atomic(staging / "graph.trig", merged.trig())
        if changes is None:
            loader.load(trig, in_pieces=True)
        written = [write_atomic(staging / "graph.ttl", merged.turtle()), trig]
        if changes is None:
            loader.load(written[0], in_pieces=True)
            loader.compact()
        manifest = _manifest(view)
        found = [v for part in merged.parts for v in part.violations]
        violations = sorted({*validate_entities(view), *found}) if check_shapes else []
        written += [loader.finish(store_files(merged)), *analysed.result()]
    if violations:
        written.insert(2, write_atomic(staging / "validation.txt", format_violations(violations, limit=len(violations)) + "\n"))
    write_atomic(staging / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True))
    return Outputs(written, diff_manifests(previous, manifest), graph_stats(view), violations)


def _commit(staging: Path, out_dir: Path) -> None:
    """Move the staged outputs into ``out_dir``: each file in one rename, the store folder by swapping,
    the manifest last; an output the new build does not make (validation.txt) is removed."""
    for name in OUTPUT_FILES:
        if (staging / name).exists():
            os.replace(staging / name, out_dir / name)
        else:
            (out_dir / name).unlink(missing_ok=True)
    replace_folder(staging / STORE_DIR, out_dir / STORE_DIR)
    os.replace(staging / MANIFEST, out_dir / MANIFEST)
