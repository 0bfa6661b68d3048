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
            "initiatedBy.verb.v1",
            "国际海洋组织于2024年发起了珠江口海洋论坛。",
            [("国际海洋组织", "InternationalOrganization"), ("珠江口海洋论坛", "Event")],
            ("珠江口海洋论坛", "initiatedBy", "国际海洋组织"),
        ),
    ],
)
def test_rule(rule_id, text, spec, expected):
    assert rule_id in RULES
    assert expected in triples(RULES[rule_id](text, 0, ments(text, *spec)))
    assert expected in triples(apply_rules([rule_id], text, 0, ments(text, *spec)))  # its cue, if any, is there


def test_a_rule_finds_nothing_in_the_corpus_sentences_without_its_cue():
    from bisect import bisect_left

    from extract.components import entities
    from extract.pipeline import build_nlp
    from extract.relations import CUES

    from .conftest import CORPUS

    nlp, checked = build_nlp(), 0
    for path in sorted(CORPUS.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        found = [Ment(e.start_char, e.end_char, e.label, e.kb_id) for e in entities(doc)]
        starts = [m.start for m in found]
        for s, e in doc._.gbakg["sentences"]:
            inside = found[bisect_left(starts, s) : bisect_left(starts, e)]
            text = doc.text[s:e]
            for rule_id, cue in CUES.items():
                if inside and not cue.search(text):
                    assert RULES[rule_id](text, s, inside) == [], (rule_id, text)
                    checked += 1
    assert checked > 5000


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


V1_CASES = [
    (
        "affiliatedWith.title.v1",
        "岭南材料研究院院长陈志远表示，合作将继续。",
        [("岭南材料研究院", "ResearchInstitute"), ("陈志远", "Person")],
        ("陈志远", "affiliatedWith", "岭南材料研究院"),
    ),
    (
        "affiliatedWith.title.v1",
        "澳门大学李明华教授团队发布成果。",
        [("澳门大学", "University"), ("李明华", "Person")],
        ("李明华", "affiliatedWith", "澳门大学"),
    ),
    (
        "affiliatedWith.study.v1",
        "入读澳门大学博士课程的王小川创办了公司。",
        [("澳门大学", "University"), ("王小川", "Person")],
        ("王小川", "affiliatedWith", "澳门大学"),
    ),
    (
        "hostedBy.organiser.v1",
        "由岭南学会主办的珠江口海洋论坛吸引千人参加。",
        [("岭南学会", "Alliance"), ("珠江口海洋论坛", "Event")],
        ("珠江口海洋论坛", "hostedBy", "岭南学会"),
    ),
    (
        "hostedBy.held-in.v1",
        "在中山举行的珠江口海洋论坛吸引千人参加。",
        [("中山", "City"), ("珠江口海洋论坛", "Event")],
        ("珠江口海洋论坛", "hostedBy", "中山"),
    ),
    (
        "partnerOf.with.v1",
        "岭南材料研究院与澳门大学、香港大学签署合作协议。",
        [("岭南材料研究院", "ResearchInstitute"), ("澳门大学", "University"), ("香港大学", "University")],
        ("岭南材料研究院", "partnerOf", "香港大学"),
    ),
    (
        "partnerOf.undertake.v1",
        "岭南材料研究院承接澳门电力公司多项创新项目。",
        [("岭南材料研究院", "ResearchInstitute"), ("澳门电力公司", "Company")],
        ("岭南材料研究院", "partnerOf", "澳门电力公司"),
    ),
    (
        "fundedBy.grant.v1",
        "广东省向澳门大学拨付科研经费。",
        [("广东省", "Region"), ("澳门大学", "University")],
        ("澳门大学", "fundedBy", "广东省"),
    ),
    (
        "fundedBy.undertake.v1",
        "澳门大学牵头承担珠江口生态专项项目。",
        [("澳门大学", "University"), ("珠江口生态专项", "Program")],
        ("澳门大学", "fundedBy", "珠江口生态专项"),
    ),
    (
        "servesUsersFrom.users.v1",
        "南岭光源已为港澳用户提供科研服务。",
        [("南岭光源", "Facility")],
        ("南岭光源", "servesUsersFrom", "澳门"),
    ),
    (
        "ranks.index.v1",
        "世界知识产权组织发布全球创新指数，珠海—中山创新集群跻身百强。",
        [("世界知识产权组织", "InternationalOrganization"), ("珠海—中山创新集群", "InnovationCluster")],
        ("世界知识产权组织", "ranks", "珠海—中山创新集群"),
    ),
    (
        "cooperatesWithCountry.joint.v1",
        "与泰国在海洋领域合作共建海洋生态研究中心。",
        [("泰国", "Country"), ("海洋生态研究中心", "ResearchInstitute")],
        ("海洋生态研究中心", "cooperatesWithCountry", "泰国"),
    ),
    (
        "cooperatesWithCountry.focus.v1",
        "南美技术转移中心聚焦于智利、秘鲁等重点国家。",
        [("南美技术转移中心", "ResearchInstitute"), ("智利", "Country"), ("秘鲁", "Country")],
        ("南美技术转移中心", "cooperatesWithCountry", "秘鲁"),
    ),
    (
        "initiatedBy.verb.v1",
        "岭南科学馆、澳门科学馆共同发起成立湾区科普联盟。",
        [("岭南科学馆", "ResearchInstitute"), ("澳门科学馆", "ResearchInstitute"), ("湾区科普联盟", "Alliance")],
        ("湾区科普联盟", "initiatedBy", "澳门科学馆"),
    ),
    (
        "initiatedBy.signed.v1",
        "广东与澳门签署《关于推进粤澳人才合作的协议》。",
        [("广东", "Region"), ("澳门", "City"), ("关于推进粤澳人才合作的协议", "Program")],
        ("关于推进粤澳人才合作的协议", "initiatedBy", "澳门"),
    ),
]


@pytest.mark.parametrize(("rule_id", "text", "spec", "expected"), V1_CASES)
def test_v1_rule(rule_id, text, spec, expected):
    found = apply_rules(sorted(RULES), text, 0, ments(text, *spec))
    assert (*expected, rule_id) in {(f.subject.canonical, f.predicate, f.object.canonical, f.rule) for f in found}


def test_every_gold_predicate_has_a_rule():
    predicates = {
        "locatedIn",
        "partOf",
        "initiatedBy",
        "hostedBy",
        "partnerOf",
        "fundedBy",
        "servesUsersFrom",
        "affiliatedWith",
        "ranks",
        "cooperatesWithCountry",
    }
    assert predicates <= {rule_id.split(".")[0] for rule_id in RULES}
