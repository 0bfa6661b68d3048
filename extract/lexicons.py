"""The word lists of the rules, read from TSV files under ``extract/data/``.

Every file has a header line, then one entry a line with a last column ``note`` saying why the entry
is there; lines starting with ``#`` are comments. Each loader reads its file once (cached) and returns
the entries in file order; nothing is read at import. A malformed line raises ``DataFileError`` naming
the file and the line.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from kg.errors import DataFileError

from .known import ENTITY_TYPES

__all__ = [
    "DATA_DIR",
    "FILES",
    "cue_words",
    "english_heads",
    "generic_words",
    "heads",
    "person_titles",
    "read_table",
    "stop_words",
    "surnames",
]

DATA_DIR = Path(__file__).parent / "data"

# file -> (columns, the kinds its ``kind`` column may hold, or () when it has none)
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "heads.tsv": (("head", "type", "not_after", "not_before", "note"), ()),
    "english_heads.tsv": (("head", "type", "note"), ()),
    "stop_words.tsv": (
        ("word", "kind", "note"),
        ("left_stop", "single_stop", "conjunction", "numeral", "classifier", "level_word", "en_leading", "en_connector"),
    ),
    "generic_words.tsv": (("word", "note"), ()),
    "person_titles.tsv": (("word", "kind", "note"), ("name_cue", "affiliation", "en_title")),
    "surnames.tsv": (("surname", "note"), ()),
    "cue_words.tsv": (
        ("word", "kind", "note"),
        (
            "speech",
            "international",
            "place_contraction",
            "strong_head",
            "advisory",
            "dependent_head",
            "proper_start_head",
            "after_name",
            "connect_char",
            "en_possessive_name",
            "locative_before",
            "contraction_char",
            "subunit_head",
        ),
    ),
}
_ONE_CHARACTER = {"single_stop", "conjunction", "numeral", "classifier", "connect_char", "locative_before", "contraction_char"}


def read_table(path: str | Path, columns: tuple[str, ...], kinds: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """The rows of a TSV file whose header is ``columns`` (the last ``note``), each a tuple of its cells.

    The first column and the note must not be empty, a ``kind`` column must hold one of ``kinds``, a
    ``type`` column an entity type; a row may not repeat (first column, kind)."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(f"{p}: cannot be read ({err})") from None
    kind_at = columns.index("kind") if "kind" in columns else -1
    type_at = columns.index("type") if "type" in columns else -1
    rows: list[tuple[str, ...]] = []
    seen: set[tuple[str, str]] = set()
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = tuple(line.rstrip("\r").split("\t"))
        if not header_seen:
            if cells != columns:
                raise DataFileError(f"{p}:{number}: header must be {' '.join(columns)} (tab-separated)")
            header_seen = True
            continue
        if len(cells) != len(columns):
            raise DataFileError(f"{p}:{number}: expected {len(columns)} tab-separated columns, found {len(cells)}")
        if not cells[0] or cells[0] != cells[0].strip():
            raise DataFileError(f"{p}:{number}: empty {columns[0]} or spaces around it")
        if not cells[-1].strip():
            raise DataFileError(f"{p}:{number}: empty note (say why the entry is here)")
        kind = cells[kind_at] if kind_at >= 0 else ""
        if kind_at >= 0 and kind not in kinds:
            raise DataFileError(f"{p}:{number}: unknown kind '{kind}' (one of {', '.join(kinds)})")
        if kind in _ONE_CHARACTER and len(cells[0]) != 1:
            raise DataFileError(f"{p}:{number}: a {kind} is one character, not '{cells[0]}'")
        if type_at >= 0 and cells[type_at] not in ENTITY_TYPES:
            raise DataFileError(f"{p}:{number}: unknown type '{cells[type_at]}'")
        if (cells[0], kind) in seen:
            raise DataFileError(f"{p}:{number}: duplicate entry '{cells[0]}'" + (f" of kind {kind}" if kind else ""))
        seen.add((cells[0], kind))
        rows.append(cells)
    if not header_seen:
        raise DataFileError(f"{p}: no header line")
    return tuple(rows)


@cache
def _table(name: str) -> tuple[tuple[str, ...], ...]:
    columns, kinds = FILES[name]
    return read_table(DATA_DIR / name, columns, kinds)


@cache
def _words(name: str, kind: str) -> tuple[str, ...]:
    if kind not in FILES[name][1]:
        raise KeyError(f"{name} has no kind '{kind}'")
    return tuple(row[0] for row in _table(name) if row[1] == kind)


@lru_cache(maxsize=1)
def heads() -> dict[str, tuple[str, str, str]]:
    """Chinese head noun -> (type, characters that may not follow it, characters that may not precede it),
    in file order. Callers must not change the dictionary (it is shared)."""
    return {head: (etype, not_after, not_before) for head, etype, not_after, not_before, _ in _table("heads.tsv")}


@lru_cache(maxsize=1)
def english_heads() -> dict[str, str]:
    """English head noun (one or more words) -> type, in file order (shared: do not change it)."""
    return {head: etype for head, etype, _ in _table("english_heads.tsv")}


def stop_words(kind: str) -> tuple[str, ...]:
    """The words of ``stop_words.tsv`` of one kind (left_stop, single_stop, conjunction …), in file order."""
    return _words("stop_words.tsv", kind)


def cue_words(kind: str) -> tuple[str, ...]:
    """The words of ``cue_words.tsv`` of one kind (speech, international, subunit_head …), in file order."""
    return _words("cue_words.tsv", kind)


def person_titles(kind: str) -> tuple[str, ...]:
    """The titles of ``person_titles.tsv`` of one kind (name_cue, affiliation, en_title), in file order."""
    return _words("person_titles.tsv", kind)


@lru_cache(maxsize=1)
def generic_words() -> tuple[str, ...]:
    """Generic modifiers (国家, 重点, 粤港澳 …), in file order."""
    return tuple(row[0] for row in _table("generic_words.tsv"))


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Common Chinese surnames."""
    return frozenset(row[0] for row in _table("surnames.tsv"))
