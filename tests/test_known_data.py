"""The packaged known-entity table is reference data: every row is sourced, unique, and the GBA core is there."""

from collections import Counter

from extract.known import DEFAULT_DATA_FILE, load_known


def test_every_row_has_a_qid_or_a_source():
    unsourced = [k.canonical for k in load_known(DEFAULT_DATA_FILE) if not (k.wikidata or k.source)]
    assert unsourced == []


def test_no_two_rows_share_type_and_canonical():
    counts = Counter((k.type, k.canonical) for k in load_known(DEFAULT_DATA_FILE))
    assert [key for key, n in counts.items() if n > 1] == []


def test_gba_science_core_is_present_with_its_type():
    types = {k.canonical: k.type for k in load_known(DEFAULT_DATA_FILE)}
    assert types["鹏城实验室"] == "Laboratory"
    assert types["香港科技大学（广州）"] == "University"
    assert types["中国散裂中子源"] == "Facility"
    assert types["横琴粤澳深度合作区"] == "CooperationZone"
