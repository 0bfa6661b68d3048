"""Qualified facts: each rule on sentences written for these tests, and the facts in the corpus graph."""

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from extract.facts import FACT_RULES, apply_fact_rules
from extract.relations import Ment
from kg.query import resolve_query, run_query


def ments(text, *spec):
    out = []
    for name, etype in spec:
        start = text.index(name)
        out.append(Ment(start, start + len(name), etype, name))
    return sorted(out, key=lambda m: m.start)


def stated(found):
    return {
        (f.subject.canonical, f.kind, f.attribute, f.value, f.unit, f.year, f.object.canonical if f.object else None)
        for f in found
    }


CASES = [
    (
        "2023年，成都—重庆创新集群在全球创新指数中位列第十五名，由世界知识产权组织发布。",
        [("成都—重庆创新集群", "InnovationCluster"), ("世界知识产权组织", "InternationalOrganization")],
        ("成都—重庆创新集群", "rank", "rank", "15", "", "2023", "世界知识产权组织"),
    ),
    (
        "《2024年全球创新指数报告》显示，杭州创新集群首次登顶榜首，力压东京—横滨创新集群。",
        [("杭州创新集群", "InnovationCluster"), ("东京—横滨创新集群", "InnovationCluster")],
        ("杭州创新集群", "rank", "rank", "1", "", "2024", None),
    ),
    (
        "珠海横琴量子研究院于2019年3月正式成立。",
        [("珠海横琴量子研究院", "ResearchInstitute")],
        ("珠海横琴量子研究院", "date", "established", "2019-03", "", "2019", None),
    ),
    (
        "2022年11月8日至10日，第三届湾区机器人大会在佛山举行。",
        [("第三届湾区机器人大会", "Event"), ("佛山", "City")],
        ("第三届湾区机器人大会", "date", "held", "2022-11-08", "", "2022", None),
    ),
    (
        "南沙先进光源已于2024年5月开工，计划2028年竣工。",
        [("南沙先进光源", "Facility")],
        ("南沙先进光源", "date", "plannedCompleted", "2028", "", "2028", None),
    ),
    (
        "目前，亚太创新联盟的成员单位已达 120家，覆盖 30个国家和地区。",
        [("亚太创新联盟", "InternationalOrganization")],
        ("亚太创新联盟", "quantity", "成员单位", "120", "家", "", None),
    ),
    (
        "目前，亚太创新联盟的成员单位已达 120家，覆盖 30个国家和地区。",
        [("亚太创新联盟", "InternationalOrganization")],
        ("亚太创新联盟", "quantity", "国家和地区", "30", "个", "", None),
    ),
    (
        "2020年，澳门已拥有4个国家重点实验室。",
        [("澳门", "City")],
        ("澳门", "quantity", "国家重点实验室", "4", "个", "2020", None),
    ),
    (
        "2022年，广东省向澳门大学拨付1 250.5万元科研资金。",
        [("广东省", "Region"), ("澳门大学", "University")],
        ("澳门大学", "quantity", "fundingReceived", "12505000", "CNY", "2022", "广东省"),
    ),
    (
        "创新科技署投入2亿港元支持香港应用科技研究院开展芯片研究。",
        [("创新科技署", "GovernmentBody"), ("香港应用科技研究院", "ResearchInstitute")],
        ("香港应用科技研究院", "quantity", "fundingReceived", "200000000", "HKD", "", "创新科技署"),
    ),
]


@pytest.mark.parametrize(("text", "spec", "expected"), CASES)
def test_fact_rules_on_written_sentences(text, spec, expected):
    assert expected in stated(apply_fact_rules(sorted(FACT_RULES), text, 0, ments(text, *spec)))


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("深圳—香港—广州创新集群发展迅速。", [("深圳—香港—广州创新集群", "InnovationCluster")]),
        ("该实验室计划引进更多人才。", []),
        ("吸引超3万名澳门居民在横琴就业。", [("澳门", "City"), ("横琴", "CooperationZone")]),
    ],
)
def test_fact_rules_do_not_fire_without_a_value(text, spec):
    assert apply_fact_rules(sorted(FACT_RULES), text, 0, ments(text, *spec)) == []


def test_value_span_slices_the_written_value():
    text = "2022年，广东省向澳门大学拨付1 250.5万元科研资金。"
    [found] = [
        f for f in apply_fact_rules(sorted(FACT_RULES), text, 0, ments(text, ("广东省", "Region"), ("澳门大学", "University")))
    ]
    assert text[found.value_start : found.value_end] == "1 250.5万元"


def test_corpus_ranking_with_rank_year_and_ranker(corpus_graph):
    rows = run_query(
        corpus_graph,
        resolve_query("ranking_history"),
        {"cluster": "<https://w3id.org/gba-kg/id/InnovationCluster/深圳—香港—广州创新集群>"},
    ).rows
    assert ["2024", "2", "世界知识产权组织", "001_eba568d0866d8c84"] in [[r[0], r[1], r[2], r[3]] for r in rows]
    assert any(r[1] == "1" and r[0] == "2025" for r in rows)


def test_corpus_quantities_funding_and_members(corpus_graph):
    rows = run_query(corpus_graph, resolve_query("quantities")).rows
    as_tuples = {(r[0], r[1], r[2], r[3]) for r in rows}
    assert ("“一带一路”国际科学组织联盟", "成员单位", "78.0", "家") in as_tuples
    assert ("香港科技大学", "fundingReceived", "3169600.0", "CNY") in as_tuples
    funding = next(r for r in rows if r[0] == "香港科技大学" and r[2] == "3169600.0")
    assert "316.96萬元" in funding[4] and "撥付316.96萬元" in funding[5]


def test_corpus_dates_are_typed_by_precision(corpus_graph):
    from kg.vocab import GBA

    values = set(corpus_graph.objects(None, GBA.value))
    assert Literal("2023-05-20", datatype=XSD.date) in values
    assert Literal("2022-09", datatype=XSD.gYearMonth) in values
