"""Extraction throughput on a synthetic corpus, against bare ``spacy.blank("zh")`` tokenisation of the
same text, measured in the same run.

    .venv/bin/python benchmarks/extraction_throughput.py [--mb 1] [--documents 300] [--jobs 1]

Prints characters per second for both and their ratio (target: extraction >= 50,000 chars/s in one
process, with the learned entity model; its ratio to bare tokenisation is printed beside it):
extraction proper (documents, already read, to records, in ``--jobs`` processes: this one and
``--jobs - 1`` workers forked for the run, with the garbage collector paused as ``gbakg build``
pauses it; extraction leaves no reference cycles, so no process collects young garbage after each
document as the build's SHACL checks need), and, for comparison, what ``gbakg build`` does per
document beside it (each record's graph part, its validation and its cache entry,
``kg.build.load_records``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic_corpus import write_corpus  # noqa: E402

from extract.documents import read_document  # noqa: E402
from extract.pipeline import build_nlp, extract_document, fingerprint  # noqa: E402
from extract.records import DocumentRecord  # noqa: E402
from kg.build import _in_processes, gc_paused, load_records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="corpus size in megabytes (10^6 bytes) of UTF-8")
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--prose", type=float, default=0.6, help="share of the text that is prose naming no entity")
    args = parser.parse_args()
    import spacy

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(Path(tmp) / "corpus", int(args.mb * 1_000_000), args.documents, prose_share=args.prose)
        texts = [read_document(p).text for p in paths]
        chars = sum(map(len, texts))
        blank = spacy.blank("zh")
        t = time.perf_counter()
        with gc_paused():  # the same for both
            for text in texts:
                blank.make_doc(text)
        bare = chars / (time.perf_counter() - t)
        build_nlp("")
        raws = [read_document(p) for p in paths]
        t = time.perf_counter()
        with gc_paused():  # as gbakg build runs it
            records = list(
                _in_processes(partial(extract_document, data_file=""), raws, args.jobs, result_type=DocumentRecord, cyclic=False)
            )
        seconds = time.perf_counter() - t
        mentions = sum(len(r.mentions) for r in records)
        relations = sum(len(r.relations) for r in records)
        t = time.perf_counter()
        with gc_paused():
            load_records(paths, Path(tmp) / "out", partial(extract_document, data_file=""), fingerprint(""), jobs=args.jobs)
        with_parts = chars / (time.perf_counter() - t)
    ours = chars / seconds
    print(f"{len(paths)} documents, {chars} characters; {mentions} mentions, {relations} relations")
    print(f"bare spacy.blank('zh') tokenisation: {bare:,.0f} chars/s")
    print(f"extraction (jobs={args.jobs}): {ours:,.0f} chars/s in {seconds:.1f} s (target >= 50,000 chars/s with --jobs 1)")
    print(f"ratio to bare tokenisation: {ours / bare:.3f}")
    print(f"extraction with each document's graph part and cache entry, as gbakg build runs it: {with_parts:,.0f} chars/s")


if __name__ == "__main__":
    main()
