"""Recognition of names absent from the data file, in sentences written for these tests."""

import pytest

from extract.known import load_known
from extract.normalise import fold

UNSEEN = [
    ("珠江口海洋观测实验室位于中山，已投入运行。", "珠江口海洋观测实验室", "Laboratory"),
    ("依托岭东智能制造研究院，企业完成了技术升级。", "岭东智能制造研究院", "ResearchInstitute"),
    ("由金湾航空产业园承接的项目正式开工。", "金湾航空产业园", "ScienceCity"),
    ("南岭山地生态监测装置建设稳步推进。", "南岭山地生态监测装置", "Facility"),
    ("粤西海洋经济合作区建设启动。", "粤西海洋经济合作区", "CooperationZone"),
    ("2026年珠江口绿色能源论坛在珠海召开。", "2026年珠江口绿色能源论坛", "Event"),
    ("湾区低空经济产业联盟成立。", "湾区低空经济产业联盟", "Alliance"),
    ("滨海新材料科技有限公司与高校合作。", "滨海新材料科技有限公司", "Company"),
    ("珠江口生态修复行动计划正式发布。", "珠江口生态修复行动计划", "Program"),
    ("與嶺東智能製造研究院合作共建。", "岭东智能制造研究院", "ResearchInstitute"),
]


@pytest.mark.parametrize(("sentence", "name", "etype"), UNSEEN)
def test_unseen_names_found_by_head_noun(sentence, name, etype):
    from extract.rules import find_head_candidates

    assert not any(name == k.canonical or name in k.aliases for k in load_known())
    found = {(c.canonical, c.type) for c in find_head_candidates(fold(sentence), set())}
    assert (name, etype) in found


@pytest.mark.parametrize(
    "sentence",
    ["广东建成10家省级实验室。", "推动联合实验室建设。", "这是国家实验室的使命。", "新发展格局正在形成。"],
)
def test_generic_and_count_phrases_are_not_names(sentence):
    from extract.rules import find_head_candidates

    assert find_head_candidates(fold(sentence), set()) == []


def test_left_boundary_stops_at_verbs_and_keeps_campus_bracket():
    from extract.rules import find_head_candidates

    text = fold("学生入读岭南理工大学（佛山）后，推动海湾数字研究院发展。")
    names = {c.canonical for c in find_head_candidates(text, set())}
    assert "岭南理工大学（佛山）" in names
    assert "海湾数字研究院" in names


def test_persons_by_title_and_speech_verb():
    from extract.rules import find_persons

    text = fold("深圳市科技创新局局长张林说，本报记者 杨阳腾 喻剑 报道，教授谢宝剑指出，迈克尔·莱维特表示。")
    names = {c.canonical for c in find_persons(text)}
    assert {"张林", "杨阳腾", "喻剑", "谢宝剑", "迈克尔·莱维特"} <= names


def test_cluster_members_and_canonical():
    from extract.rules import find_clusters

    ((cluster, members),) = find_clusters(fold("「澳門—珠海」創新集群亦連續第二次躋身全球百強"))
    assert cluster.canonical == "澳门—珠海创新集群"
    assert [m[2] for m in members] == ["澳门", "珠海"]


def test_head_and_title_patterns_find_what_their_longest_first_alternations_find():
    import re
    from itertools import product

    from extract.rules import _HEAD, _PERSON_TITLES, _TITLE, HEADS

    for pattern, words in ((_HEAD, list(HEADS)), (_TITLE, _PERSON_TITLES)):
        plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        pieces = [*sorted({w[:k] for w in words for k in range(1, len(w) + 1)}), "深"]  # every word's prefixes
        texts = ["".join(p) for p in product(pieces, repeat=2)]
        assert sum(1 for t in texts if plain.search(t)) > 100
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)], text
