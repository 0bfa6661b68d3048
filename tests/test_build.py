"""Incremental, deterministic builds with named graphs."""

import os
import shutil

import pytest
from rdflib import Dataset

from extract.pipeline import extract_document, fingerprint
from kg.build import _in_processes, build_outputs, gc_paused, load_records
from kg.graph import PREFIX_IRIS, build_dataset, build_graph, entity_iri, graph_iri, trig_text
from kg.rdfwrite import turtle_lines
from kg.vocab import GBA

from .conftest import CORPUS


def test_same_records_in_any_order_give_identical_bytes(corpus_records):
    forward = "".join(turtle_lines(build_graph(corpus_records), PREFIX_IRIS))
    backward = "".join(turtle_lines(build_graph(list(reversed(corpus_records))), PREFIX_IRIS))
    assert forward == backward
    assert trig_text(build_dataset(corpus_records)) == trig_text(build_dataset(list(reversed(corpus_records))))


def test_each_document_has_its_own_named_graph(corpus_records):
    ds = build_dataset(corpus_records)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert {str(graph_iri(r.info.doc_id)) for r in corpus_records} <= names
    trad = next(r for r in corpus_records if r.info.script == "zh-Hant")
    named = ds.graph(graph_iri(trad.info.doc_id))
    assert (entity_iri("Laboratory", "鹏城实验室"), GBA.mentionedIn, None) in named
    simp = next(r for r in corpus_records if r.info.doc_id.startswith("004"))
    assert (entity_iri("Laboratory", "鹏城实验室"), None, None) not in ds.graph(graph_iri(simp.info.doc_id))


def test_rebuild_reextracts_only_the_changed_document(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    paths = sorted(corpus.glob("*.txt"))
    first = load_records(paths, out, extract_document, fingerprint())
    assert len(first.extracted) == 5 and first.reused == []
    change = build_outputs(first.records, out).change
    assert change.first_build
    again = load_records(paths, out, extract_document, fingerprint())
    assert again.extracted == [] and len(again.reused) == 5
    assert again.records == first.records and again.parts == first.parts  # the cache gives back what was extracted
    changed = paths[4]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n澳门科学馆位于澳门半岛。\n", encoding="utf-8")
    third = load_records(paths, out, extract_document, fingerprint())
    assert third.extracted == [changed.stem] and len(third.reused) == 4
    outputs = build_outputs(third.records, out)
    written, change = outputs.written, outputs.change
    assert not change.first_build
    assert any("澳门科学馆" in f and "locatedIn" in f for f in change.facts_added)
    assert change.facts_removed == []
    ds = Dataset()
    ds.parse(out / "graph.trig", format="trig")
    assert (entity_iri("ResearchInstitute", "澳门科学馆"), GBA.locatedIn, entity_iri("City", "澳门")) in ds.graph(
        graph_iri(changed.stem)
    )
    assert {p.name for p in written} == {
        "graph.ttl",
        "graph.trig",
        "store",
        "report.md",
        "report.html",
        "centrality.csv",
        "centrality.json",
        "explorer.html",
    }


def test_a_changed_extractor_invalidates_the_cache(tmp_path):
    out = tmp_path / "out"
    paths = sorted(CORPUS.glob("*.txt"))[:1]
    load_records(paths, out, extract_document, "old")
    assert load_records(paths, out, extract_document, "new").extracted == [paths[0].stem]


def test_parallel_extraction_gives_the_same_records_and_bytes(tmp_path):
    from functools import partial

    from extract.records import record_to_dict

    paths = sorted(CORPUS.glob("*.txt"))
    extractor = partial(extract_document, data_file="")
    serial = load_records(paths, tmp_path / "one", extractor, fingerprint(""), jobs=1)
    parallel = load_records(paths, tmp_path / "two", extractor, fingerprint(""), jobs=2)
    assert parallel.extracted == serial.extracted == [p.stem for p in paths]
    assert [record_to_dict(r) for r in parallel.records] == [record_to_dict(r) for r in serial.records]
    assert parallel.parts == serial.parts and len(serial.parts) == len(paths)
    a = "".join(turtle_lines(build_graph(serial.records), PREFIX_IRIS))
    b = "".join(turtle_lines(build_graph(parallel.records), PREFIX_IRIS))
    assert a == b
    again = load_records(paths, tmp_path / "two", extractor, fingerprint(""), jobs=2)
    assert again.extracted == [] and len(again.reused) == len(paths)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    changed = corpus / paths[2].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n澳门科学馆位于澳门半岛。\n", encoding="utf-8")
    moved = sorted(corpus.glob("*.txt"))
    for out in ("one", "two"):  # the cache of the copies: the same documents at new paths are extracted again
        load_records(moved[:2] + moved[3:], tmp_path / out, extractor, fingerprint(""), jobs=1)
    beside = load_records(moved, tmp_path / "two", extractor, fingerprint(""), jobs=2)  # one document, in a process
    alone = load_records(moved, tmp_path / "one", extractor, fingerprint(""), jobs=1)
    assert beside.extracted == alone.extracted == [changed.stem]
    assert beside.records == alone.records and beside.parts == alone.parts


def test_same_bytes_whatever_the_hash_seed(built_out, tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "out"
    shutil.copytree(built_out / ".cache", out / ".cache")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, "-c", "from kg.cli import main; main()", "build", "--corpus", str(CORPUS), "--out", str(out)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "(0 extracted, 5 unchanged)" in done.stdout
    for name in ("graph.ttl", "graph.trig", "centrality.csv", "report.md"):
        assert (out / name).read_bytes() == (built_out / name).read_bytes(), name


def test_graph_files_written_from_document_parts_are_those_of_the_whole_merged_graph(corpus_records):
    from kg.graph import merged_triples, named_graphs
    from kg.parts import MergedText, document_part
    from kg.rdfwrite import trig_lines

    merged = merged_triples(corpus_records)
    view = merged_triples(corpus_records, view=True)
    parts = sorted((document_part(r) for r in corpus_records), key=lambda p: p.graph_key)
    whole = "".join(turtle_lines(merged, PREFIX_IRIS))
    written = MergedText(view, parts)
    assert "".join(written.turtle()) == whole
    assert "".join(written.trig()) == "".join(trig_lines(named_graphs(corpus_records, merged), PREFIX_IRIS))
    assert len(view) < len(merged) / 2  # the view leaves the documents' own nodes to their parts
    assert "<https://w3id.org/gba-kg/id/Laboratory/鹏城实验室> a gba:Laboratory" in whole


def test_a_part_made_by_other_code_is_made_again_from_the_cached_record(tmp_path, monkeypatch):
    import json

    import kg.build

    out = tmp_path / "out"
    paths = sorted(CORPUS.glob("*.txt"))[:2]
    first = load_records(paths, out, extract_document, fingerprint())
    cache = out / ".cache" / f"{paths[0].stem}.json"
    entry = json.loads(cache.read_text(encoding="utf-8"))
    entry["part_version"], entry["part"]["named_graph"] = "older", "stale"
    cache.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")

    def nothing_extracted(raws, *args, **kwargs):
        assert raws == []
        return iter(())

    monkeypatch.setattr(kg.build, "_extracted", nothing_extracted)
    again = load_records(paths, out, extract_document, fingerprint())
    assert again.extracted == [] and sorted(again.reused) == sorted(p.stem for p in paths)
    assert again.parts == first.parts and again.parts[paths[0].stem].named_graph != "stale"
    assert json.loads(cache.read_text(encoding="utf-8"))["part_version"] != "older"


def test_a_cache_entry_that_does_not_decode_is_extracted_again_and_a_part_that_does_not_is_made_again(tmp_path):
    import json

    out = tmp_path / "out"
    paths = sorted(CORPUS.glob("*.txt"))[:3]
    first = load_records(paths, out, extract_document, fingerprint())
    build_outputs(first.records, tmp_path / "whole", parts=first.parts)
    broken, old_part = (out / ".cache" / f"{p.stem}.json" for p in paths[:2])
    broken.write_text(broken.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    entry = json.loads(old_part.read_text(encoding="utf-8"))
    part = entry["part"]
    part["keys"], part["blocks"] = [k for k, _ in part["blocks"]], [t for _, t in part["blocks"]]  # an earlier layout
    old_part.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    again = load_records(paths, out, extract_document, fingerprint())
    assert again.extracted == [paths[0].stem] and sorted(again.reused) == [p.stem for p in paths[1:]]
    assert again.records == first.records and again.parts[paths[2].stem] == first.parts[paths[2].stem]
    with pytest.raises(ValueError, match="not a cached part"):  # decoded when first read
        again.parts[paths[1].stem]
    build_outputs(again.records, out, parts=again.parts)  # made again from the record
    for name in ("graph.ttl", "graph.trig"):
        assert (out / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def _quads(store):
    return sorted(str(q) for q in store)


def test_a_rebuild_changes_the_previous_store_into_the_one_loading_the_new_files_makes(tmp_path, monkeypatch):
    import pyoxigraph

    from kg.store import StoreLoader, memory_store

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    first = load_records(sorted(corpus.glob("*.txt")), out, extract_document, fingerprint())
    build_outputs(first.records, out, parts=first.parts)
    paths = sorted(corpus.glob("*.txt"))
    paths[4].write_text(paths[4].read_text(encoding="utf-8") + "\n澳门科学馆位于澳门半岛。\n", encoding="utf-8")
    paths[0].unlink()
    (corpus / "006_new.txt").write_text("南岭光子实验室位于广州，与澳门大学合作。\n", encoding="utf-8")
    again = load_records(sorted(corpus.glob("*.txt")), out, extract_document, fingerprint())
    assert sorted(again.extracted) == sorted(["006_new", paths[4].stem])

    def no_loading(self, source):
        raise AssertionError(f"{source} was loaded: the previous store should have been changed")

    monkeypatch.setattr(StoreLoader, "load", no_loading)
    build_outputs(again.records, out, parts=again.parts)
    updated = pyoxigraph.Store.read_only(str(out / "store"))
    loaded = memory_store([out / "graph.ttl", out / "graph.trig"])
    assert _quads(updated) == _quads(loaded)
    lab = pyoxigraph.NamedNode(str(entity_iri("Laboratory", "南岭光子实验室")))
    assert list(updated.quads_for_pattern(lab, pyoxigraph.NamedNode(str(GBA.locatedIn)), None, pyoxigraph.DefaultGraph()))
    gone = pyoxigraph.NamedNode(str(graph_iri(paths[0].stem)))
    assert not list(updated.quads_for_pattern(None, None, None, gone))


def test_the_assertions_made_from_the_records_are_those_the_graph_holds(corpus_records):
    from kg.graph import Stated, stated_by, stated_in

    doubled = [*corpus_records, corpus_records[0]]  # a document given twice states each assertion once
    from_records = stated_by(doubled)
    assert sorted(from_records) == sorted(stated_in(build_graph(corpus_records)))
    cssn = str(entity_iri("Facility", "中国散裂中子源"))
    located = [row for row in from_records if row.subject == cssn and row.predicate == str(GBA.locatedIn)]
    assert all(isinstance(row, Stated) and row.sentence and row.start >= 0 for row in located)
    assert any(
        row.object == str(entity_iri("City", "东莞")) and ("东莞" in row.sentence or "東莞" in row.sentence) for row in located
    )


def test_garbage_collection_is_paused_inside_the_build_and_restored_after_it_even_on_error():
    import gc

    assert gc.isenabled()
    try:
        with pytest.raises(RuntimeError), gc_paused():
            assert not gc.isenabled()
            made = [[] for _ in range(100)]
            raise RuntimeError("a failing build")
        assert gc.isenabled() and gc.get_freeze_count() >= len(made)  # what the block made is left out of collections
        gc.disable()
        with gc_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()
        gc.unfreeze()


def test_work_beside_the_build_runs_in_a_forked_process_and_hands_back_its_value_or_its_error():
    import os

    from kg.errors import GbaKgError
    from kg.io import Beside

    assert Beside(os.getpid).result() != os.getpid()
    assert Beside(os.getpid, fork=False).result() == os.getpid()

    def fails():
        raise GbaKgError("no explorer today", hint="try tomorrow")

    with pytest.raises(GbaKgError, match="no explorer today") as caught:
        Beside(fails).result()
    assert caught.value.hint == "try tomorrow"

    class Unpicklable(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a} and {b}")

    def fails_oddly():
        raise Unpicklable("this", "that")

    with pytest.raises(GbaKgError, match="Unpicklable: this and that"):
        Beside(fails_oddly).result()
    with pytest.raises(GbaKgError, match="exit code 3"):
        Beside(lambda: os._exit(3)).result()


def test_the_report_and_explorer_made_in_a_forked_process_are_those_made_in_this_one(corpus_records, tmp_path):
    forked, here = tmp_path / "forked", tmp_path / "here"
    build_outputs(corpus_records, forked)
    build_outputs(corpus_records, here, fork=False)
    for name in ("report.md", "report.html", "centrality.csv", "centrality.json", "explorer.html", "graph.ttl"):
        assert (forked / name).read_bytes() == (here / name).read_bytes(), name


def test_a_report_failing_in_the_forked_process_fails_the_build_and_keeps_what_was_there(corpus_records, tmp_path, monkeypatch):
    import kg.explorer
    from kg.errors import GbaKgError

    out = tmp_path / "out"
    build_outputs(corpus_records, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken(*args, **kwargs):
        raise GbaKgError("the explorer broke")

    monkeypatch.setattr(kg.explorer, "write_explorer", broken)
    with pytest.raises(GbaKgError, match="the explorer broke"):
        build_outputs(corpus_records[:3], out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]


def test_a_reused_record_decodes_its_sentences_and_mentions_only_when_read(tmp_path):
    from dataclasses import replace

    import msgspec

    paths = sorted(CORPUS.glob("*.txt"))[:2]
    first = load_records(paths, tmp_path, extract_document, fingerprint())
    again = load_records(paths, tmp_path, extract_document, fingerprint())
    reused, extracted = again.records[0], first.records[0]
    assert isinstance(reused._sentences, msgspec.Raw) and isinstance(reused._mentions, msgspec.Raw)
    assert reused.entities == extracted.entities and reused.relations == extracted.relations
    assert isinstance(reused._sentences, msgspec.Raw)  # reading the rest decodes nothing
    assert reused.sentences == extracted.sentences and reused.mentions == extracted.mentions
    assert reused == extracted and extracted == reused and reused != first.records[1]
    assert replace(reused, mentions=[]) != extracted and replace(reused, mentions=[]).sentences == extracted.sentences


def test_a_store_loaded_anew_is_compacted_once_and_one_changed_in_place_is_not(corpus_records, tmp_path, monkeypatch):
    from kg.store import StoreLoader

    compacted = []
    original = StoreLoader._compact

    def counted(self):
        compacted.append(self.store is not None)
        original(self)

    monkeypatch.setattr(StoreLoader, "_compact", counted)
    out = tmp_path / "out"
    build_outputs(corpus_records, out)
    assert compacted == [True]
    build_outputs(corpus_records[:-1], out)  # one document fewer: the store is changed, not loaded
    assert compacted == [True]


def _collecting(item: int) -> tuple[int, bool]:
    import gc

    return item, gc.isenabled()


def test_workers_collect_garbage_even_when_started_inside_a_paused_block():
    with gc_paused():
        results = list(_in_processes(_collecting, [1, 2, 3], 2, beside=True))
    assert results == [(1, True), (2, True), (3, True)]


def _pid(item: int) -> tuple[int, int]:
    import os
    import time

    time.sleep(0.002)  # the forked worker starts before this process has taken every chunk
    return item, os.getpid()


def test_this_process_and_the_workers_share_the_items_and_hand_them_out_in_order():
    import os

    results = list(_in_processes(_pid, list(range(40)), 2))
    assert [i for i, _ in results] == list(range(40))
    assert results[-1][1] == os.getpid() and len({pid for _, pid in results}) == 2
    assert {pid for _, pid in _in_processes(_pid, [0], 2)} == {os.getpid()}


_PARENT = os.getpid()


def _failing_in_the_worker(item: int) -> int:
    import time

    if item == 0 and os.getpid() != _PARENT:
        raise ValueError("item 0 is bad")
    time.sleep(0.002)
    return item


def _dying_in_the_worker(item: int) -> int:
    import time

    if item == 0 and os.getpid() != _PARENT:
        os._exit(3)
    time.sleep(0.002)
    return item


def test_a_workers_error_reaches_the_caller_and_a_dead_worker_is_an_error_not_a_wait():
    with pytest.raises(ValueError, match="item 0 is bad"):
        list(_in_processes(_failing_in_the_worker, list(range(60)), 2))
    with pytest.raises(ChildProcessError, match=r"exit codes \[3\]"):
        list(_in_processes(_dying_in_the_worker, list(range(60)), 2))
    assert list(_in_processes(_failing_in_the_worker, list(range(1, 60)), 2)) == list(range(1, 60))


def _cyclic(item: int) -> int:
    garbage: list[object] = []
    garbage.append(garbage)
    return item


@pytest.mark.parametrize("jobs", [1, 2])
def test_this_processs_share_leaves_no_cyclic_garbage_inside_a_paused_block(jobs):
    import gc

    gc.collect()
    with gc_paused():
        assert list(_in_processes(_cyclic, list(range(200)), jobs)) == list(range(200))
        left = gc.collect()
    assert left <= 2


def test_free_heap_pages_go_back_to_the_system_on_glibc():
    import platform

    from kg.io import release_free_memory

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's")
    kept, freed = [], []
    for i in range(20000):
        (kept if i % 50 == 0 else freed).append("x" * 4000 + str(i))
    del freed

    def resident() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1])

    before = resident()
    assert release_free_memory() is True
    assert resident() < before and len(kept) == 400


def test_text_written_in_pieces_is_the_pieces_joined(tmp_path):
    from kg.io import _batches, write_atomic

    pieces = [f'<urn:x:{i}> <urn:p> "深圳湾实验室{i}" .\n' for i in range(50000)]
    target = write_atomic(tmp_path / "g.ttl", iter(pieces))
    assert target.read_bytes() == "".join(pieces).encode("utf-8")
    batches = list(_batches(pieces, size=10000))
    assert [p for b in batches for p in b] == pieces and len(batches) > 50
    assert all(sum(map(len, b)) >= 10000 for b in batches[:-1]) and not list(_batches([]))


def test_extraction_leaves_no_reference_cycles():
    import gc

    from extract.documents import RawDocument, read_document
    from extract.pipeline import extract_document

    from .conftest import CORPUS

    members = "“深圳—香港—广州”科技集群在全球创新指数中位列第二。\n中国—葡萄牙联合实验室在澳门成立。\n"  # member spans
    raws = [read_document(p) for p in sorted(CORPUS.glob("*.txt"))] + [RawDocument("m", "m.txt", members, "0" * 64)]
    extract_document(raws[0])  # the pipeline is built outside the count
    gc.collect()
    with gc_paused():
        records = [extract_document(raw) for raw in raws]
        left = gc.collect()
    assert left == 0 and sum(len(r.mentions) for r in records) > 300


def test_results_dropped_early_stop_the_workers_and_leave_no_files():
    import glob
    import multiprocessing
    import tempfile

    before = set(glob.glob(f"{tempfile.gettempdir()}/gbakg-work-*"))
    results = _in_processes(_pid, list(range(40)), 2)
    assert next(results)[0] == 0
    results.close()
    assert multiprocessing.active_children() == []
    assert set(glob.glob(f"{tempfile.gettempdir()}/gbakg-work-*")) == before
