"""English documents: line joins, sentence ends, names by head noun, data file and bracket definitions,
canonical names and labels. Sentences written for these tests."""

import hashlib

import pytest

from extract.documents import RawDocument
from extract.normalise import repair


def _extract(text: str):
    from extract.pipeline import extract_document

    raw = RawDocument(doc_id="en", path="en.txt", text=text, sha256=hashlib.sha256(text.encode()).hexdigest())
    return extract_document(raw)


@pytest.mark.parametrize(
    ("raw", "joined"),
    [
        ("the People’s\nGovernment of Pingshan\nDistrict.", "the People’s Government of Pingshan District."),
        ("a grant of 2019\n2020 funds", "a grant of 2019 2020 funds"),
        ("the Bureau (ITIB),\nwhich", "the Bureau (ITIB), which"),
        ("中国散\n裂中子源", "中国散裂中子源"),  # Chinese stays joined without a space
        ("位于东莞，\nThe Lab", "位于东莞，The Lab"),
    ],
)
def test_line_breaks_between_non_chinese_sides_become_spaces(raw, joined):
    clean = repair(raw)
    assert clean.text == joined
    for i, ch in enumerate(clean.text):  # every character maps back: a space stands for the raw line break
        assert raw[clean.offsets[i]] == ("\n" if ch == " " and raw[clean.offsets[i]] == "\n" else ch)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "The Lab opened in Shenzhen. It serves Hong Kong. Dr. Sun and George F. Smoot spoke.",
            ["The Lab opened in Shenzhen.", "It serves Hong Kong.", "Dr. Sun and George F. Smoot spoke."],
        ),
        ("Big Bang.\n\nRui Wang leads the team.", ["Big Bang.", "Rui Wang leads the team."]),
    ],
)
def test_sentences_end_at_a_full_stop_before_a_capital(text, sentences):
    assert [s.text for s in _extract(text).sentences] == sentences


@pytest.mark.parametrize(
    ("text", "name", "etype"),
    [
        (
            "Guests came from the National Health Commission of the People’s Republic of China in May.",
            "National Health Commission of the People’s Republic of China",
            "GovernmentBody",
        ),
        ("He is Vice President of Lingnan Ocean University, and more.", "Lingnan Ocean University", "University"),
        ("The Pearl River Estuary Observation Laboratory opened.", "Pearl River Estuary Observation Laboratory", "Laboratory"),
        ("Tenants moved into the Qianwan Innovation Park this year.", "Qianwan Innovation Park", "ScienceCity"),
        ("The Bay Area Marine Research Fund was set up.", "Bay Area Marine Research Fund", "Program"),
        ("We will use Cyberport’s AI Supercomputing Centre.", "AI Supercomputing Centre", "Facility"),
        ("They will host 2026 Zhuhai Marine Robotics Summit.", "2026 Zhuhai Marine Robotics Summit", "Event"),
        (
            "The People’s Government of Pingshan District and the Shenzhen branch will host it.",
            "People’s Government of Pingshan District",
            "GovernmentBody",
        ),
        (
            "Director of Key Lab of Marine Drugs of Hainan Province\n\nLi Ming, professor.",
            "Key Lab of Marine Drugs of Hainan Province",
            "Laboratory",
        ),
    ],
)
def test_english_names_found_whole_by_head_noun(text, name, etype):
    record = _extract(text)
    assert (name, etype) in {(e.canonical, e.type) for e in record.entities}
    assert not any(e.canonical.endswith((" of", " of the")) for e in record.entities)


def test_campus_in_brackets_is_kept_apart_from_the_university():
    record = _extract("Students of HKUST (Guangzhou) visited HKUST in Hong Kong.")
    by_surface = {m.surface: m.canonical for m in record.mentions}
    assert by_surface["HKUST (Guangzhou)"] == "香港科技大学（广州）"
    assert by_surface["HKUST"] == "香港科技大学"
    full = _extract("The Hong Kong University of Science and Technology (Guangzhou) is in Nansha.")
    assert "香港科技大学（广州）" in {e.canonical for e in full.entities}


def test_english_only_entity_gets_an_en_label_and_no_chinese_label():
    record = _extract("The Pearl River Estuary Observation Laboratory opened in Zhuhai.")
    entity = next(e for e in record.entities if e.canonical == "Pearl River Estuary Observation Laboratory")
    assert entity.labels == {"en": "Pearl River Estuary Observation Laboratory"}
    city = next(e for e in record.entities if e.canonical == "珠海")
    assert city.labels["zh-Hans"] == "珠海"


def test_defined_bracket_acronym_names_the_same_entity_later():
    record = _extract(
        "The Greater Bay Quantum Computing Centre (GBQCC) opened in 2024. "
        "Since then GBQCC has hosted many visitors, and the GBQCCX project is not it."
    )
    mentions = [m for m in record.mentions if m.canonical == "Greater Bay Quantum Computing Centre"]
    assert [m.surface for m in mentions] == ["Greater Bay Quantum Computing Centre", "GBQCC", "GBQCC"]
    assert len({m.type for m in mentions}) == 1


def test_acronyms_of_the_data_file_match_only_in_capitals():
    record = _extract("Most of the money must go to research at MUST.")
    surfaces = {m.surface for m in record.mentions}
    assert "MUST" in surfaces
    assert "Most" not in surfaces and "must" not in surfaces
