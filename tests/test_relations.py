"""Each relation rule on sentences written for these tests."""

import pytest

from extract.relations import RULES, Ment, apply_rules, name_derived_part_of


def ments(text, *spec):
    out = []
    for name, etype in spec:
        start = text.index(name)
        out.append(Ment(start, start + len(name), etype, name))
    return sorted(out, key=lambda m: m.start)


def triples(found):
    return {(f.subject.canonical, f.predicate, f.object.canonical) for f in found}


@pytest.mark.parametrize(
    ("rule_id", "text", "spec", "expected"),
    [
        (
            "locatedIn.verb.v0",
            "珠江口海洋观测实验室位于中山。",
            [("珠江口海洋观测实验室", "Laboratory"), ("中山", "City")],
            ("珠江口海洋观测实验室", "locatedIn", "中山"),
        ),
        (
            "locatedIn.verb.v0",
            "位于东莞的中国散裂中子源已运行。",
            [("东莞", "City"), ("中国散裂中子源", "Facility")],
            ("中国散裂中子源", "locatedIn", "东莞"),
        ),
        (
            "locatedIn.apposition.v0",
            "深圳光明科学城集聚了创新平台。",
            [("深圳", "City"), ("光明科学城", "ScienceCity")],
            ("光明科学城", "locatedIn", "深圳"),
        ),
        (
            "locatedIn.in-place.v0",
            "在东莞，中国散裂中子源二期工程开工。",
            [("东莞", "City"), ("中国散裂中子源二期工程", "Facility")],
            ("中国散裂中子源二期工程", "locatedIn", "东莞"),
        ),
        (
            "locatedIn.address-line.v0",
            "中国科学院  北京  100864",
            [("中国科学院", "ResearchInstitute"), ("北京", "City")],
            ("中国科学院", "locatedIn", "北京"),
        ),
        (
            "locatedIn.holds.v0",
            "松山湖科学城拥有松山湖材料实验室、大湾区大学等平台。",
            [("松山湖科学城", "ScienceCity"), ("松山湖材料实验室", "Laboratory"), ("大湾区大学", "University")],
            ("大湾区大学", "locatedIn", "松山湖科学城"),
        ),
        (
            "locatedIn.within-examples.v0",
            "珠三角内建立了一批平台，如岭东研究院、海湾实验室等。",
            [("珠三角", "Region"), ("岭东研究院", "ResearchInstitute"), ("海湾实验室", "Laboratory")],
            ("海湾实验室", "locatedIn", "珠三角"),
        ),
        (
            "locatedIn.zai-after.v0",
            "岭东技术转移中心（以下简称“岭东中心”）在佛山正式启动运营。",
            [("岭东技术转移中心", "ResearchInstitute"), ("佛山", "City")],
            ("岭东技术转移中心", "locatedIn", "佛山"),
        ),
        (
            "partOf.component.v0",
            "作为珠三角创新走廊的重要组成部分，金湾科学城加快建设。",
            [("珠三角创新走廊", "ScienceCity"), ("金湾科学城", "ScienceCity")],
            ("金湾科学城", "partOf", "珠三角创新走廊"),
        ),
        (
            "partOf.subsidiary.v0",
            "岭东集团旗下的岭东新材料公司上市。",
            [("岭东集团", "Company"), ("岭东新材料公司", "Company")],
            ("岭东新材料公司", "partOf", "岭东集团"),
        ),
        (
            "initiatedBy.verb.v0",
            "国际海洋组织于2024年发起了珠江口海洋论坛。",
            [("国际海洋组织", "InternationalOrganization"), ("珠江口海洋论坛", "Event")],
            ("珠江口海洋论坛", "initiatedBy", "国际海洋组织"),
        ),
    ],
)
def test_rule(rule_id, text, spec, expected):
    assert rule_id in RULES
    assert expected in triples(RULES[rule_id](text, 0, ments(text, *spec)))


def test_rules_do_not_fire_without_their_cue():
    text = "中国散裂中子源和东莞都很有名。"
    found = apply_rules(sorted(RULES), text, 0, ments(text, ("中国散裂中子源", "Facility"), ("东莞", "City")))
    assert found == []


def test_name_derived_part_of_branches_and_editions():
    ents = [
        Ment(0, 1, "Facility", "国家超算广州中心"),
        Ment(0, 1, "Facility", "国家超算广州中心南沙分中心"),
        Ment(0, 1, "Event", "大湾区科学论坛"),
        Ment(0, 1, "Event", "首届大湾区科学论坛"),
        Ment(0, 1, "University", "香港科技大学"),
        Ment(0, 1, "University", "香港科技大学（广州）"),
        Ment(0, 1, "University", "香港科技大学附属学校"),
    ]
    assert triples(name_derived_part_of(ents)) == {
        ("国家超算广州中心南沙分中心", "partOf", "国家超算广州中心"),
        ("首届大湾区科学论坛", "partOf", "大湾区科学论坛"),
        ("香港科技大学（广州）", "partOf", "香港科技大学"),
    }
