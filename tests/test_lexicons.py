"""The word lists of the rules as data files: each loads, each entry says why it is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract import lexicons
from kg.errors import DataFileError


@pytest.mark.parametrize("name", sorted(lexicons.FILES))
def test_every_data_file_loads_and_every_row_has_a_note(name: str) -> None:
    columns, kinds = lexicons.FILES[name]
    rows = lexicons.read_table(lexicons.DATA_DIR / name, columns, kinds)
    assert rows
    assert all(row[-1].strip() for row in rows), name
    if kinds:  # every kind the loader knows has entries
        assert {row[1] for row in rows} == set(kinds)


def test_heads_hold_laboratory_and_rules_export_them() -> None:
    from extract.rules import ENGLISH_HEADS, HEADS

    assert HEADS["实验室"] == ("Laboratory", "主", "")
    assert HEADS is lexicons.heads()
    assert ENGLISH_HEADS["University"] == "University"


def test_word_lists_keep_their_kinds() -> None:
    assert "位于" in lexicons.stop_words("left_stop")
    assert "院士" in lexicons.person_titles("name_cue")
    assert "王" in lexicons.surnames()
    assert lexicons.cue_words("speech")[0] == "表示"
    with pytest.raises(KeyError):
        lexicons.cue_words("no-such-kind")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("word\tkind\tnote\n位于\tleft_stop\n", "expected 3 tab-separated columns"),
        ("word\tkind\tnote\n位于\tleft_stop\t \n", "empty note"),
        ("word\tkind\tnote\n位于\tnot_a_kind\tverb\n", "unknown kind"),
        ("word\tkind\tnote\n# comment\n\n位于\tleft_stop\tverb\n位于\tleft_stop\tverb again\n", "duplicate entry"),
        ("word\tkind\tnote\n在这\tsingle_stop\tnot one character\n", "is one character"),
    ],
)
def test_a_malformed_row_names_the_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "stop_words.tsv"
    path.write_text(body, encoding="utf-8")
    columns, kinds = lexicons.FILES["stop_words.tsv"]
    with pytest.raises(DataFileError) as err:
        lexicons.read_table(path, columns, kinds)
    line = len(body.rstrip("\n").split("\n"))
    assert f"{path}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_a_bad_header_or_type_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "heads.tsv"
    path.write_text("head\ttype\tnote\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"heads\.tsv:1: header must be"):
        lexicons.read_table(path, *lexicons.FILES["heads.tsv"])
    path.write_text("head\ttype\tnot_after\tnot_before\tnote\n实验室\tLab\t\t\thead of labs\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"heads\.tsv:2: unknown type 'Lab'"):
        lexicons.read_table(path, *lexicons.FILES["heads.tsv"])


def test_the_fingerprint_covers_the_word_lists() -> None:
    names = {p.name for p in (Path(lexicons.__file__).parent / "data").glob("*.tsv")}
    assert set(lexicons.FILES) <= names  # fingerprint() hashes extract/data/*.tsv
