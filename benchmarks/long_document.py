"""Extraction of one very long document, run in pieces (``extract.pipeline.PIECE_CHARS``).

    .venv/bin/python benchmarks/long_document.py [--chars 5000000] [--corpus DIR] [--piece-chars N] [--build]

Writes one document of ``--chars`` characters, the paragraphs of the ``--corpus`` texts (default:
the development corpus, ``../shared/corpus``) repeated, a blank line after each, reads it
as ``gbakg build`` reads it and extracts it in this process. Prints the time of reading and of
extraction, the pieces, what was found, and this process's peak memory (max RSS). With ``--build``
it then runs ``gbakg build`` on a folder holding only that document, in a subprocess, and prints
its wall time, exit status and peak memory (max RSS of the subprocess tree).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.documents import read_document  # noqa: E402
from extract.normalise import fold, repair  # noqa: E402
from extract.pipeline import PIECE_CHARS, build_nlp, extract_document, split_pieces  # noqa: E402


def paragraphs(text: str) -> list[str]:
    """A text's lines joined into paragraphs, a paragraph ending at a line that ends a sentence (the
    corpus breaks lines PDF-style, and ``repair`` drops a short line it sees three times or more as a
    running title, so lines repeated as they are would mostly be dropped)."""
    out: list[str] = []
    current = ""
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        joint = " " if current[-1:].isascii() and current[-1:].isalnum() and line[0].isascii() else ""
        current += joint + line
        if line.endswith(("。", "！", "？", ".", "!", "?", "”")):
            out.append(current)
            current = ""
    return [*out, current] if current else out


def long_text(sources: Sequence[str], chars: int) -> str:
    """The paragraphs of ``sources`` one after another, a blank line after each, repeated until the
    text holds ``chars`` characters, then cut at the last line break before that (or at ``chars``)."""
    paras = [p for source in sources for p in paragraphs(source)]
    if not paras:
        raise ValueError("the sources hold no text")
    parts: list[str] = []
    length = 0
    while length < chars:
        for para in paras:
            parts.append(para + "\n\n")
            length += len(parts[-1])
            if length >= chars:
                break
    text = "".join(parts)[:chars]
    cut = text.rfind("\n")
    return text[: cut + 1] if cut > 0 else text


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=5_000_000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--piece-chars", type=int, default=PIECE_CHARS)
    parser.add_argument("--build", action="store_true", help="also run gbakg build on a folder holding only this document")
    args = parser.parse_args()
    sources = [p.read_text(encoding="utf-8") for p in sorted(args.corpus.glob("*.txt"))]
    if not sources:
        sys.exit(f"no .txt documents in {args.corpus}")
    build_nlp("")  # the pipeline is loaded once per process: not part of the document's time
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        path = corpus / "long.txt"
        path.write_text(long_text(sources, args.chars), encoding="utf-8")
        t = time.perf_counter()
        raw = read_document(path)
        read_s = time.perf_counter() - t
        pieces = split_pieces(fold(repair(raw.text).text), args.piece_chars)
        t = time.perf_counter()
        record = extract_document(raw, piece_chars=args.piece_chars)
        extract_s = time.perf_counter() - t
        print(
            f"document: {len(raw.text):,} characters, {path.stat().st_size:,} bytes; read in {read_s:.1f} s\n"
            f"extracted in {extract_s:.1f} s ({len(raw.text) / extract_s:,.0f} chars/s), "
            f"{len(pieces)} pieces of at most {args.piece_chars:,} characters\n"
            f"found: {len(record.sentences):,} sentences, {len(record.mentions):,} mentions, {len(record.entities):,} entities, "
            f"{len(record.relations):,} relations, {len(record.facts):,} facts\n"
            f"peak memory of this process: {_peak_mb(resource.RUSAGE_SELF):,.0f} MB (max RSS)"
        )
        if args.build:
            out = Path(tmp) / "out"
            cli = [sys.executable, "-c", "import sys; from kg.cli import main; main(sys.argv[1:])"]
            cli += ["build", "--corpus", str(corpus), "--out", str(out)]
            t = time.perf_counter()
            done = subprocess.run(cli, cwd=ROOT, capture_output=True, text=True, check=False)
            lines = (done.stdout + done.stderr).strip().splitlines()
            print(
                f"gbakg build: exit status {done.returncode} in {time.perf_counter() - t:.1f} s, "
                f"peak memory {_peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB (max RSS of its largest process)\n"
                + "\n".join(f"  {line}" for line in lines[-5:])
            )


if __name__ == "__main__":
    main()
