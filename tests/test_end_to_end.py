"""The whole pipeline on the five source documents."""

import json
import re
import subprocess
import sys

from rdflib import RDF, Literal

from kg.graph import entity_iri, graph_stats, load_graph
from kg.query import run_query
from kg.vocab import GBA

from .conftest import CORPUS, GOLD


def test_facility_located_in_dongguan(corpus_graph):
    csns = entity_iri("Facility", "中国散裂中子源")
    assert (csns, RDF.type, GBA.Facility) in corpus_graph
    assert (csns, GBA.locatedIn, entity_iri("City", "东莞")) in corpus_graph


def test_anso_is_international_organization_linked_to_forum(corpus_graph):
    anso = entity_iri("InternationalOrganization", "“一带一路”国际科学组织联盟")
    assert (anso, RDF.type, GBA.InternationalOrganization) in corpus_graph
    forum = entity_iri("Event", "大湾区科学论坛")
    linked = {p for p in corpus_graph.predicates(forum, anso)} | {p for p in corpus_graph.predicates(anso, forum)}
    assert GBA.initiatedBy in linked


def test_traditional_mention_resolves_to_the_simplified_iri(corpus_records):
    trad = next(r for r in corpus_records if r.info.script == "zh-Hant")
    pengcheng = [m for m in trad.mentions if m.surface == "鵬城實驗室"]
    assert pengcheng and {m.canonical for m in pengcheng} == {"鹏城实验室"}
    from extract.documents import RawDocument
    from extract.pipeline import extract_document

    simplified = extract_document(RawDocument("s", "s.txt", "鹏城实验室位于深圳南山。\n", "0" * 64))
    (simp,) = [m for m in simplified.mentions if m.surface == "鹏城实验室"]
    assert entity_iri(simp.type, simp.canonical) == entity_iri(pengcheng[0].type, pengcheng[0].canonical)


def test_mention_offsets_slice_the_raw_text(corpus_records):
    from extract.normalise import repair

    for record in corpus_records:
        raw = open(record.info.path, encoding="utf-8").read()
        kept = set(repair(raw).offsets)
        for m in record.mentions:
            inside = "".join(raw[k] for k in range(m.start, m.end) if k in kept and not raw[k].isspace())
            assert inside == re.sub(r"\s", "", m.surface)
            assert raw[m.start] == m.surface[0] and raw[m.end - 1] == m.surface[-1]


def test_graph_size_thresholds(corpus_graph):
    stats = graph_stats(corpus_graph)
    assert stats["entities"] >= 150
    assert stats["locatedIn"] + stats["partOf"] >= 40


def test_every_relation_has_provenance_queryable_in_sparql(corpus_graph):
    result = run_query(
        corpus_graph,
        """
        SELECT ?s ?p ?o WHERE {
          ?s ?p ?o . FILTER(?p IN (gba:locatedIn, gba:partOf, gba:initiatedBy, gba:hostedBy))
          FILTER NOT EXISTS { ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                              prov:wasDerivedFrom ?d ; gba:sentence ?t ; gba:startOffset ?b ; gba:endOffset ?e . }
        }""",
    )
    assert result.rows == []


def test_evidence_query_returns_sentence_and_offsets(corpus_graph):
    result = run_query(
        corpus_graph,
        open("kg/queries/evidence.rq", encoding="utf-8").read(),
        {"subjectLabel": "中国散裂中子源@zh-Hans", "objectLabel": "东莞@zh-Hans"},
    )
    rows = [dict(zip(result.variables, r, strict=False)) for r in result.rows]
    located = [r for r in rows if r["predicate"] == "locatedIn"]
    assert located
    raw = (CORPUS / f"{located[0]['doc']}.txt").read_text(encoding="utf-8")
    evidence = raw[int(located[0]["start"]) : int(located[0]["end"])]
    assert "東莞" in evidence or "东莞" in evidence
    assert re.sub(r"\s", "", evidence) == re.sub(r"\s", "", located[0]["sentence"])


def test_build_writes_outputs_deterministically(built_out, tmp_path):
    for name in ("graph.ttl", "report.md", "centrality.csv", "explorer.html"):
        assert (built_out / name).stat().st_size > 0
    from kg.cli import main

    again = tmp_path / "again"
    try:
        main(["build", "--corpus", str(CORPUS), "--out", str(again)])
    except SystemExit as done:
        assert done.code == 0
    assert (again / "graph.ttl").read_bytes() == (built_out / "graph.ttl").read_bytes()
    g = load_graph(built_out / "graph.ttl")
    assert (entity_iri("City", "香港"), GBA.mentionedIn, None) in g
    assert Literal("香港", lang="zh-Hans") in set(g.objects(entity_iri("City", "香港"), None))


def test_report_lists_top_entities_with_document_counts(built_out):
    report = (built_out / "report.md").read_text(encoding="utf-8")
    assert "## Top 20 entities by PageRank" in report
    assert "Excluded: `mentionedWith`" in report
    top = [line for line in report.splitlines() if line.startswith("| 1 |")]
    assert top and re.search(r"\| \d+ \|$", top[0])
    header, *rows = (built_out / "centrality.csv").read_text(encoding="utf-8").splitlines()
    assert header.startswith("rank,iri,label,type,city,n_docs,n_facts,degree,weighted_degree,betweenness,closeness,pagerank")
    labels = {row.split(",")[2] for row in rows}
    assert {"深圳", "广州", "香港"} <= labels


def test_explorer_is_self_contained_with_legend(built_out):
    page = (built_out / "explorer.html").read_text(encoding="utf-8")
    assert not re.search(r"(?:src|href)\s*=\s*[\"']https?://", page)
    assert "vis.Network" in page or "new vis" in page
    assert 'id="gbakg-legend"' in page and "Facility" in page
    drawn = json.loads(re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", page).group(1))
    assert "中国散裂中子源" in {node["label"] for node in drawn}


def test_extract_command_writes_gold_format_that_the_scorer_reads(tmp_path):
    from kg.cli import main

    try:
        main(["extract", *map(str, sorted(CORPUS.glob("*.txt"))), "--out", str(tmp_path)])
    except SystemExit as done:
        assert done.code == 0
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 5
    first = json.loads(files[0].read_text(encoding="utf-8"))
    assert set(first) == {"doc", "entities", "relations"}
    scored = subprocess.run(
        [sys.executable, str(GOLD / "score.py"), str(tmp_path), "--json"], capture_output=True, text=True, check=True
    )
    overall = json.loads(scored.stdout)
    text = json.dumps(overall)
    assert "entity_typed" in text
