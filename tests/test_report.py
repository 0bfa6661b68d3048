"""The centrality report: content on the corpus, charts, rank changes, escaping, determinism."""

import base64
import csv
import json
import re
import warnings

import networkx as nx
import pytest

from kg.report import analyse, render_html, write_analysis


def _csv(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_corpus_report_names_hubs_with_their_evidence_counts(built_out):
    rows = _csv(built_out / "centrality.csv")
    top10 = {r["label"] for r in rows[:10]}
    assert {"粤港澳大湾区", "广州", "香港", "深圳"} <= top10
    by_label = {r["label"]: r for r in rows}
    assert int(by_label["香港"]["n_docs"]) == 5 and int(by_label["香港"]["n_facts"]) >= 10
    assert by_label["中国散裂中子源"]["city"] == "东莞"
    for field in ("closeness", "core", "community", "participation", "hkmo_links", "mainland_links"):
        assert field in rows[0]
    report = (built_out / "report.md").read_text(encoding="utf-8")
    line = next(x for x in report.splitlines() if x.startswith("| ") and "| 香港 | City | 香港 |" in x)
    assert line.endswith(f"| {by_label['香港']['n_docs']} | {by_label['香港']['n_facts']} |")
    for heading in (
        "## What was counted",
        "## Stability: each document left out",
        "## Communities",
        "## Brokers between communities",
        "## Linking Hong Kong / Macao with mainland cities",
        "## Top entities per type",
        "## Top entities per city",
        "## Changes since the previous report",
    ):
        assert heading in report
    assert "Excluded: `mentionedWith` co-occurrence" in report
    assert "Betweenness: exact (networkx)" in report
    assert "The ranking was recomputed 5 times" in report


def test_corpus_cross_border_and_broker_sections_name_real_bridges(built_out):
    data = json.loads((built_out / "centrality.json").read_text(encoding="utf-8"))
    entities = {e["iri"]: e for e in data["entities"]}
    border = [entities[i]["label"] for i in data["cross_border"]]
    assert "香港" in border and "中国散裂中子源" in border
    assert data["brokers"] and all(entities[i]["participation"] > 0 for i in data["brokers"])
    assert data["stability"]["runs"] and len(data["stability"]["top"]) == 10
    assert data["method"]["nodes"] == len(data["entities"])
    assert sum(c["size"] for c in data["communities"]) == len(data["entities"])


def test_report_html_is_self_contained_with_charts(built_out):
    page = (built_out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"(?:src|href)\s*=\s*[\"']https?://", page)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 3 and all(base64.b64decode(i).startswith(b"\x89PNG") for i in images)
    assert "<td>中国散裂中子源</td>" in page


def _small_graph(label="实验室甲"):
    G = nx.Graph()
    names = {"a": label, "b": "东莞", "c": "香港", "d": "深圳"}
    for v, name in names.items():
        G.add_node(
            v,
            label=name,
            labels={"zh-Hans": name},
            type="City" if v != "a" else "Laboratory",
            docs=["d1", "d2"],
            n_docs=2,
            n_facts=1,
            city=name,
            side="",
        )
    G.add_edge("a", "b", weight=2, support={"d1": 1, "d2": 1}, predicates=["locatedIn"])
    G.add_edge("a", "c", weight=1, support={"d1": 1}, predicates=["partnerOf"])
    G.add_edge("c", "d", weight=1, support={"d2": 1}, predicates=["partnerOf"])
    return G


def test_charts_draw_chinese_with_a_cjk_font_and_fall_back_without_one():
    from kg.charts import cjk_font

    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (make test installs fonts-wqy-microhei)")
    analysis = analyse(_small_graph())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_html(analysis, font=font)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = render_html(analysis, font=None)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert "No CJK font was found" in page


def test_rank_changes_since_the_previous_report(tmp_path):
    first = _small_graph()
    write_analysis(analyse(first), tmp_path)
    assert "First report in this folder" in (tmp_path / "report.md").read_text(encoding="utf-8")
    second = _small_graph()
    second.add_edges_from([("d", "b", {"weight": 5, "support": {"d2": 5}, "predicates": ["partOf"]})])
    second.add_node(
        "e",
        label="新实验室",
        labels={"zh-Hans": "新实验室"},
        type="Laboratory",
        docs=["d2"],
        n_docs=1,
        n_facts=1,
        city="",
        side="",
    )
    write_analysis(analyse(second), tmp_path)
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert re.search(r"- Rose: 深圳 \d → \d", report)
    changes = json.loads((tmp_path / "centrality.json").read_text(encoding="utf-8"))["changes"]
    assert {m["label"] for m in changes["rose"]} >= {"深圳"} and changes["fell"]


def test_hostile_labels_are_inert_in_the_report(tmp_path):
    hostile = "<img src=x onerror=alert(1)>|x"
    write_analysis(analyse(_small_graph(hostile)), tmp_path, font=None)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;|x" in page
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;\\|x" in md


def test_same_graph_same_report_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        write_analysis(analyse(_small_graph(), seed=3), out)
    for name in ("report.md", "report.html", "centrality.csv", "centrality.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
