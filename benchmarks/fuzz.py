"""Fuzz ingestion and extraction for a while: random bytes, random Unicode, and corpus documents cut,
flipped, re-encoded, wrapped in HTML or Markdown and laced with hostile snippets.

    .venv/bin/python benchmarks/fuzz.py [--minutes 10] [--seed 0] [--corpus ../shared/corpus] [--crashes DIR]

Every input must either be read and extracted, with every mention's offsets slicing its surface and
the graph's Turtle reading back isomorphic, or be refused with a one-line ``DocumentError``. Anything
else is a crash: its input is saved in ``--crashes`` and counted. Exit status 1 if there was a crash.
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdflib import Graph  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402

from extract.documents import read_document  # noqa: E402
from extract.pipeline import extract_document, slices_surface  # noqa: E402
from kg.errors import DocumentError  # noqa: E402
from kg.graph import build_graph  # noqa: E402

HOSTILE = [
    "<script>alert(1)</script>",
    '"""} . <urn:x> <urn:y> "z" .',
    "DROP ALL ; LOAD <file:///etc/passwd>",
    "\x07\x1b[31m\x08",
    "\u202e\u200b\ufeff",
    "&amp;&#0;&lt;",
    "科" * 5000,
    "\n" * 50,
    "（以下简称“",
    "《》“”「」",
]
SUFFIXES = [".txt", ".md", ".html", ".pdf", ".docx", ""]


def mutate(rng: random.Random, seeds: list[bytes]) -> tuple[bytes, str]:
    kind = rng.choice(["bytes", "unicode", "cut", "flip", "encode", "wrap", "hostile", "hostile", "pdf", "docx"])
    base = rng.choice(seeds)
    text = base.decode("utf-8", "replace")
    if kind in ("pdf", "docx"):
        from tests.test_formats import make_docx, make_pdf

        lines = [line for line in text[rng.randint(0, 2000) :][:600].split("\n") if line][:20] or ["深圳"]
        data = bytearray(make_pdf(lines) if kind == "pdf" else make_docx(lines))
        if rng.random() < 0.5:
            del data[rng.randint(1, len(data)) :]
        elif rng.random() < 0.5:
            for _ in range(rng.randint(1, 5)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data), "." + kind
    if kind == "bytes":
        return rng.randbytes(rng.randint(0, 2000)), rng.choice(SUFFIXES)
    if kind == "unicode":
        chars = [
            chr(rng.choice([rng.randint(0x20, 0x7E), rng.randint(0x4E00, 0x9FFF), rng.randint(0, 0x10FFFF)]))
            for _ in range(rng.randint(0, 500))
        ]
        return "".join(c for c in chars if not 0xD800 <= ord(c) <= 0xDFFF).encode("utf-8"), ".txt"
    if kind == "cut":
        return base[: rng.randint(0, len(base))], ".txt"
    if kind == "flip":
        data = bytearray(base[: rng.randint(1, 20_000)])
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data), ".txt"
    if kind == "encode":
        codec = rng.choice(["gb18030", "big5hkscs", "utf-16", "utf-16-le", "utf-8-sig", "utf-32"])
        return text[: rng.randint(1, 5000)].encode(codec, "ignore"), ".txt"
    if kind == "wrap":
        piece = text[: rng.randint(1, 5000)]
        if rng.random() < 0.5:
            return (
                f"<html><body><nav>首页</nav><article><p>{piece}</p></article><script>x()</script></body></html>".encode(),
                ".html",
            )
        return f"# 标题\n\n**{piece}** [链接](https://example.org)\n| a | b |\n|---|---|".encode(), ".md"
    start = rng.randint(0, max(0, len(text) - 3000))
    piece = text[start : start + 3000]
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(piece))
        piece = piece[:at] + rng.choice(HOSTILE) + piece[at:]
    return piece.encode("utf-8"), ".txt"


def check(path: Path, turtle: bool) -> str:
    try:
        raw = read_document(path)
    except DocumentError as err:
        if "\n" in str(err) or str(path) not in str(err):
            raise AssertionError(f"bad error message: {err!r}") from None
        return "refused: " + re.sub(r"\d+", "N", err.problem)
    record = extract_document(raw)
    for m in record.mentions:
        if not slices_surface(raw.text[m.start : m.end], m.surface):
            raise AssertionError(f"mention {m.surface!r} at {m.start}-{m.end} slices {raw.text[m.start : m.end]!r}")
    if turtle:
        graph = build_graph([record])
        if not isomorphic(graph, Graph().parse(data=graph.serialize(format="turtle"), format="turtle")):
            raise AssertionError("Turtle read back is not isomorphic")
    return f"extracted ({raw.format})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--crashes", type=Path, default=ROOT / "test-artifacts" / "fuzz-crashes")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seeds = [p.read_bytes() for p in sorted(args.corpus.glob("*.txt"))] or ["深圳湾实验室位于深圳。".encode()]
    outcomes: collections.Counter[str] = collections.Counter()
    crashes = 0
    deadline = time.monotonic() + args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        n = 0
        while time.monotonic() < deadline:
            data, suffix = mutate(rng, seeds)
            path = Path(tmp) / f"case{suffix}"
            path.write_bytes(data)
            try:
                outcomes[check(path, turtle=n % 5 == 0)] += 1
            except Exception:
                crashes += 1
                args.crashes.mkdir(parents=True, exist_ok=True)
                (args.crashes / f"crash-{args.seed}-{n}{suffix}").write_bytes(data)
                (args.crashes / f"crash-{args.seed}-{n}.traceback").write_text(traceback.format_exc(), encoding="utf-8")
                outcomes["CRASH"] += 1
            n += 1
    print(f"fuzz: {n} inputs in {args.minutes:g} min (seed {args.seed}), {crashes} crashes")
    for outcome, count in outcomes.most_common():
        print(f"  {count:6d}  {outcome}")
    sys.exit(1 if crashes else 0)


if __name__ == "__main__":
    main()
