"""Repair of PDF/web-extracted text and script folding, keeping a map back to raw offsets.

``repair`` joins lines broken inside sentences, drops page furniture (received-date
lines, footnote blocks with URLs, running titles, page numbers) and records where a
line break ends a sentence (hard) or may end one (weak: a short line such as a heading).
``fold`` turns the repaired text into simplified Chinese with one character for one,
so an offset in the folded text is an offset in the repaired text.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["CleanText", "detect_script", "fold", "repair", "to_traditional", "to_traditional_all"]


class _LineStart:
    """A pattern for the start of a line (``^\\s*`` and then one of ``firsts``, or a decimal digit
    with ``digits``), tried only on lines whose first non-space character can begin it."""

    def __init__(self, pattern: str, firsts: str, *, digits: bool = False, flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags)
        self.firsts = frozenset(firsts)
        self.digits = digits

    def match(self, line: str, first: str) -> bool:
        """Whether ``line``, whose first non-space character is ``first`` ("" if none), starts so."""
        return (first in self.firsts or (self.digits and first.isdecimal())) and self.regex.match(line) is not None


_CIRCLED = "".join(map(chr, range(ord("①"), ord("⑳") + 1)))
_CHINESE_NUMERALS = "一二三四五六七八九十"
_FURNITURE = _LineStart(
    r"^\s*(修改稿收到日期|收稿日期|修回日期|接受日期|录用日期|网络出版日期|网络首发日期|DOI\s*[:：]|doi\s*[:：])", "修收接录网Dd"
)
_FOOTNOTE_START = _LineStart(
    r"^\s*(?:[①-⑳]|\[\d+\])\s*\S.*(?:https?://|\(\d{4}-\d{2}-\d{2}\)|\[\d{4}-\d{2}-\d{2}\])", _CIRCLED + "["
)
_FOOTNOTE_TAIL = re.compile(r"^\s*(?:[\w\-‐./#%?=&:~]*\]?\.?\s*https?://\S*|[\w\-‐./#%?=&:~]+)\s*$")
_PAGE_NUMBER = _LineStart(r"^\s*[-—]?\s*\d{1,4}\s*[-—]?\s*$", "-—", digits=True)
_BULLET = _LineStart(
    r"^\s*(?:[●•◆◇■□▪▶►★☆>#*]|[①-⑳]|-\s|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.、]\s)",
    "●•◆◇■□▪▶►★☆>#*-（" + _CIRCLED + _CHINESE_NUMERALS,
    digits=True,
)
_SECTION = _LineStart(
    r"^\s*(?:摘\s*要|关键词|關鍵詞|关键字|Abstract|Key\s*words|参考文献|參考文獻|\d+(?:\.\d+)*\s+(?=[\u3400-\u9fff]))",
    "摘关關参參AaKk\u212a",  # re.I: the Kelvin sign is a K
    digits=True,
    flags=re.I,
)
_LABEL_LINE = _LineStart(r"^\s*(?:关键词|關鍵詞|关键字|Key\s*words)", "关關Kk\u212a", flags=re.I)
_TERMINAL = "。！？!?；;：:"
_CLOSERS = "”’」』）)》\"'"
_JOINERS = "，、,（(“「《—-–·"
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class CleanText:
    """Repaired text in the document's own script with a raw offset for every character."""

    text: str
    offsets: array[int]  # one raw offset per character of ``text``
    weak_breaks: set[int] = field(default_factory=set)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end - 1] + 1


def _line_spans(raw: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in raw.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _furniture_lines(raw: str, spans: list[tuple[int, int]]) -> tuple[set[int], list[list[int]]]:
    """Lines to drop, and footnote blocks (lists of line numbers) to move out of the body."""
    lines = [raw[s:e] for s, e in spans]
    drop: set[int] = set()
    footnotes: list[list[int]] = []
    repeated = Counter(line.strip() for line in lines if line.strip())
    in_footnote = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        first = stripped[0]
        if _FOOTNOTE_START.match(line, first):
            footnotes.append([i])
            in_footnote = True
            continue
        if in_footnote and not _CJK.search(stripped) and _FOOTNOTE_TAIL.match(line):
            footnotes[-1].append(i)
            continue
        in_footnote = False
        if _FURNITURE.match(line, first) or _PAGE_NUMBER.match(line, first):
            drop.add(i)
        elif repeated[stripped] >= 3 and len(stripped) <= 40 and not stripped.endswith(tuple(_TERMINAL)):
            drop.add(i)
    return drop, footnotes


def _width(line: str) -> float:
    """Display width: an ASCII character counts half."""
    stripped = line.strip()
    ascii_chars = len(stripped.encode("ascii", "ignore"))
    return len(stripped) - ascii_chars + 0.5 * ascii_chars


def _short(line: str, width: float | None, typical: float) -> bool:
    """Whether a line (of ``width``, if known) is under 60 % of the typical width: a heading, say."""
    return (width if width is not None else _width(line)) < 0.6 * typical


def _ends_sentence(line: str) -> bool:
    body = line.rstrip().rstrip(_CLOSERS + "*")
    return bool(body) and body[-1] in _TERMINAL


def _latin_side(ch: str) -> bool:
    """Whether a character on one side of a line break is not Chinese: a Latin letter, a digit or a
    mark such as , . ’ ) (CJK ideographs, kana, hangul and full-width or CJK punctuation are Chinese)."""
    return bool(ch) and not ch.isspace() and ord(ch) < 0x2E80


def repair(raw: str) -> CleanText:
    """Join broken lines, drop page furniture and move footnote blocks after the body."""
    spans = _line_spans(raw)
    furniture, footnotes = _furniture_lines(raw, spans)
    left_out = furniture | {i for block in footnotes for i in block}
    body = [(s, e) for i, (s, e) in enumerate(spans) if i not in left_out and raw[s:e].strip()]
    width_at = {s: _width(raw[s:e]) for s, e in body}
    widths = sorted(width_at.values())
    typical = widths[int(len(widths) * 0.8)] if widths else 0
    out = _Pieces()
    weak: set[int] = set()
    for stream in [body, *([spans[i] for i in block] for block in footnotes)]:
        if out.pieces and out.pieces[-1][-1] != "\n":
            out.add("\n", out.last)
        _append_lines(raw, stream, typical, out, weak, width_at)
    return CleanText("".join(out.pieces), out.offsets(), weak)


class _Pieces:
    """Text in pieces, each piece a run of raw characters from one raw offset on (or one character
    standing for a raw line break)."""

    def __init__(self) -> None:
        self.pieces: list[str] = []  # never empty
        self.starts: list[int] = []  # the raw offset of each piece's first character
        self.length = 0
        self.last = 0  # the raw offset of the last character

    def add(self, piece: str, raw_start: int) -> None:
        self.pieces.append(piece)
        self.starts.append(raw_start)
        self.length += len(piece)
        self.last = raw_start + len(piece) - 1

    def offsets(self) -> array[int]:
        import numpy as np

        lengths = np.fromiter(map(len, self.pieces), dtype=np.int64, count=len(self.pieces))
        shift = np.asarray(self.starts, dtype=np.int64) - (np.cumsum(lengths) - lengths)
        return array("q", (np.repeat(shift, lengths) + np.arange(self.length, dtype=np.int64)).tobytes())


def _append_lines(
    raw: str, lines: list[tuple[int, int]], typical: float, out: _Pieces, weak: set[int], width_at: dict[int, float]
) -> None:
    prev: tuple[int, int] | None = None
    prev_first = ""
    for s, e in lines:
        line = raw[s:e]
        lead = len(line) - len(line.lstrip())
        trail = len(line.rstrip())
        first = line[lead : lead + 1]
        if prev is not None:
            prev_line = raw[prev[0] : prev[1]].rstrip()
            newline_at = prev[1]
            gap = "\n\n" in raw[prev[1] : s] or "\n \n" in raw[prev[1] : s]
            if (
                _ends_sentence(prev_line)
                or _BULLET.match(line, first)
                or _SECTION.match(line, first)
                or _LABEL_LINE.match(prev_line, prev_first)
                or (gap and _BULLET.match(prev_line, prev_first))
                or prev_line.lstrip().startswith(("—", "--"))
                or (gap and _latin_side(prev_line[-1]) and (first.isupper() or first.isdecimal()))
            ):
                out.add("\n", newline_at)
            else:
                if _latin_side(prev_line[-1]) and _latin_side(first):
                    out.add(" ", newline_at)  # English words, numbers and marks are not run together
                if _short(prev_line, width_at.get(prev[0]), typical) and prev_line[-1] not in _JOINERS:
                    weak.add(out.length)
        body = raw[s + lead : s + trail]
        if "**" not in body:
            if body:
                out.add(body, s + lead)
        else:
            for k in range(s + lead, s + trail):
                if raw[k] == "*" and (raw[k - 1 : k] == "*" or raw[k + 1 : k + 2] == "*"):
                    continue  # Markdown bold markers
                out.add(raw[k], k)
        prev, prev_first = (s, e), first


_ASCII_PUNCT = {"(": "（", ")": "）", ",": "，", ";": "；", "「": "“", "」": "”", "『": "‘", "』": "’"}


def _full_width_punctuation(text: str) -> str:
    """``_ASCII_PUNCT`` applied, one replacement per character present (no replacement is replaced
    again; ``str.translate`` looks up every character of a non-ASCII text in a dictionary)."""
    for ascii_mark, full_width in _ASCII_PUNCT.items():
        if ascii_mark in text:
            text = text.replace(ascii_mark, full_width)
    return text


@lru_cache(maxsize=8)
def _converter(name: str):  # type: ignore[no-untyped-def]
    try:
        import opencc
    except ImportError as err:  # pragma: no cover - opencc is a core dependency
        raise ImportError("script folding needs OpenCC: pip install opencc") from err
    return opencc.OpenCC(name)


@lru_cache(maxsize=65536)
def _convert_char(ch: str, config: str) -> str:
    return str(_converter(config).convert(ch))


def _convert_same_length(text: str, config: str) -> str:
    cc = _converter(config)
    out = cc.convert(text)
    if len(out) == len(text):
        return str(out)
    pieces = []
    for ch in text:
        c = _convert_char(ch, config)
        pieces.append(c if len(c) == 1 else ch)
    return "".join(pieces)


def fold(text: str) -> str:
    """Simplified script, full-width brackets and curly quotes, one character for one."""
    whole = str(_converter("t2s").convert(text))  # OpenCC never matches across a line break
    if len(whole) == len(text) and _same_line_breaks(whole, text):
        return _full_width_punctuation(whole)  # every line kept its length
    lines = text.split("\n")
    converted = whole.split("\n")
    if len(converted) != len(lines):
        converted = [_convert_same_length(line, "t2s") for line in lines]
    folded = "\n".join(
        out if len(out) == len(line) else _convert_same_length(line, "t2s") for line, out in zip(lines, converted, strict=True)
    )
    return _full_width_punctuation(folded)


def _code_points(text: str) -> Any:
    """The text as an array of its code points, one per character."""
    import numpy as np

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def _same_line_breaks(a: str, b: str) -> bool:
    """Whether two equally long strings have their line breaks at the same offsets: as many lines,
    each as long."""
    return a.count("\n") == b.count("\n") and list(map(len, a.split("\n"))) == list(map(len, b.split("\n")))


def to_traditional(text: str) -> str:
    """The traditional (Hong Kong) form of a simplified name."""
    known = _TRADITIONAL.get(text)
    return known if known is not None else _TRADITIONAL.remember({text: str(_converter("s2hk").convert(text))})[text]


def to_traditional_all(names: list[str]) -> list[str]:
    """``to_traditional`` of each name; the names not yet converted are converted in one call (OpenCC
    costs tens of microseconds a call)."""
    _TRADITIONAL.remember_all(names, lambda new: str(_converter("s2hk").convert("\n".join(new))).split("\n"))
    return [to_traditional(name) for name in names]


class Remembered(dict[str, str]):
    """Strings made from strings so far, all forgotten once there are more than ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, made: dict[str, str]) -> dict[str, str]:
        if len(self) > self.limit:
            self.clear()
        self.update(made)
        return made

    def remember_all(self, names: list[str], convert: Callable[[list[str]], list[str]]) -> None:
        """Make the strings of the names not remembered yet in one call of ``convert``, which gets
        them in order and must give one string for each (names with a line break are left out: the
        converters join names with line breaks, as OpenCC never matches across one)."""
        new = sorted({name for name in names if name not in self and "\n" not in name})
        if new:
            made = convert(new)
            if len(made) == len(new):
                self.remember(dict(zip(new, made, strict=True)))


_TRADITIONAL = Remembered(65536)  # names converted so far


def detect_script(text: str, folded: str | None = None) -> str:
    """``zh-Hant``, ``zh-Hans`` or ``en`` by which characters dominate: ``en`` where Latin letters
    outnumber Chinese characters two to one, else ``zh-Hant`` where folding changes more than 5 % of
    the first 20,000 Chinese characters. ``folded``: ``fold(text)``, if the caller has it."""
    import numpy as np

    written = _code_points(text)
    is_chinese = (written >= 0x3400) & (written <= 0x9FFF)
    lower = written | 0x20  # A-Z to a-z; nothing else lands in a-z
    if np.count_nonzero((lower >= ord("a")) & (lower <= ord("z"))) > 2 * np.count_nonzero(is_chinese):
        return "en"
    chinese = np.flatnonzero(is_chinese)[:20000]
    if not len(chinese):
        return "zh-Hans"
    simplified = _code_points(fold(text) if folded is None else folded)
    changed = np.count_nonzero(written[chinese] != simplified[chinese])
    return "zh-Hant" if changed / len(chinese) > 0.05 else "zh-Hans"
