"""Mentions start and end at word boundaries: a verb or function word is not glued to a name, a
by-line name is not glued to the affiliation after it, a room is not a government body. Cases written
for this test (not taken from any annotated document), in both scripts."""

from __future__ import annotations

import hashlib

import pytest

from extract.documents import RawDocument
from extract.pipeline import extract_document


def _mentions(text: str) -> set[tuple[str, str]]:
    raw = RawDocument("case", "case.txt", text, hashlib.sha256(text.encode()).hexdigest())
    return {(m.surface, m.type) for m in extract_document(raw).mentions}


CASES = [
    # text, mentions that must be found (surface, type), surfaces no mention may have
    ("记者了解到，市民质疑未获瑞典政府批准的项目。", [], ["质疑未获瑞典政府", "未获瑞典政府"]),
    ("他相信时任发展局局长的说法。", [], ["相信时任发展局", "时任发展局"]),
    ("南科大借鉴世界一流理工科大学的办学经验。", [], ["南科大借鉴世界一流理工科大学", "借鉴世界一流理工科大学"]),
    ("多数美国国家实验室都设有开放日。", [], ["多数美国国家实验室"]),
    ("馆内设有展览厅和咖啡厅。", [], ["展览厅", "咖啡厅"]),
    (
        "作者：王海涛\n\n中山大学管理学院\n\n广州 510275",
        [("中山大学管理学院", "University")],
        ["王海涛中山大学管理学院"],
    ),
    ("华为携手腾讯在深圳发布新平台。", [("华为", "Company"), ("腾讯", "Company")], ["华为携手", "华为携手腾讯"]),
    ("陈立新\n广州市科学技术情报研究所，广州 510033", [], ["陈立新广州市科学技术情报研究所"]),
    ("市民質疑未獲瑞典政府批准的項目。", [], ["質疑未獲瑞典政府", "未獲瑞典政府"]),
    ("他相信時任發展局局長的說法。", [], ["相信時任發展局"]),
    ("館內設有展覽廳和咖啡廳。", [], ["展覽廳", "咖啡廳"]),
    (
        "香港科技大學（廣州）與香港科技大學簽署協議。",
        [("香港科技大學（廣州）", "University"), ("香港科技大學", "University")],
        [],
    ),
]


@pytest.mark.parametrize(("text", "expected", "forbidden"), CASES)
def test_mentions_keep_to_word_boundaries(text: str, expected: list[tuple[str, str]], forbidden: list[str]) -> None:
    found = _mentions(text)
    for mention in expected:
        assert mention in found, f"{mention} not among {sorted(found)}"
    surfaces = {s for s, _ in found}
    for surface in forbidden:
        assert surface not in surfaces, f"{surface!r} found in {text!r}"
