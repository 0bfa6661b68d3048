"""The explorer: data, neighbourhood and cap, escaping, and a real headless Chromium on the built page."""

import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV

from kg.explorer import HEADLESS_ARGS, HEADLESS_CHROMIUM, explorer_data, render_explorer
from kg.vocab import GBA

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = "<img src=x onerror=alert(1)>"
NS = "https://w3id.org/gba-kg/id/"


def small_graph(label_a=HOSTILE) -> Graph:
    g = Graph()
    doc = URIRef(NS + "doc/d1")
    g.add((doc, RDF.type, GBA.Document))
    g.add((doc, GBA.documentId, Literal("d1")))
    nodes = {"a": (GBA.Laboratory, label_a), "b": (GBA.City, "东莞"), "c": (GBA.City, "香港"), "d": (GBA.University, "某大学")}
    iri = {k: URIRef(NS + f"x/{k}") for k in nodes}
    for k, (cls, label) in nodes.items():
        g.add((iri[k], RDF.type, cls))
        g.add((iri[k], RDFS.label, Literal(label, lang="zh-Hans")))
        g.add((iri[k], GBA.mentionedIn, doc))
    facts = [
        ("a", GBA.locatedIn, "b", f"{HOSTILE}位于东莞。"),
        ("a", GBA.partnerOf, "d", "与某大学合作。"),
        ("d", GBA.locatedIn, "c", "某大学在香港。"),
        ("a", GBA.mentionedWith, "c", "提到香港。"),
    ]
    for i, (s, p, o, sentence) in enumerate(facts):
        g.add((iri[s], p, iri[o]))
        a = URIRef(NS + f"assertion/{i}")
        for triple in [
            (a, RDF.type, GBA.Assertion),
            (a, RDF.subject, iri[s]),
            (a, RDF.predicate, p),
            (a, RDF.object, iri[o]),
            (a, PROV.wasDerivedFrom, doc),
            (a, GBA.sentence, Literal(sentence)),
            (a, GBA.startOffset, Literal(i)),
        ]:
            g.add(triple)
    return g


def test_data_carries_labels_measures_and_evidence():
    data = explorer_data(small_graph("实验室甲"))
    a = data.nodes[NS + "x/a"]
    assert a["type"] == "Laboratory" and a["labels"] == {"zh-Hans": "实验室甲"}
    assert set(a["measures"]) == {"pagerank", "betweenness", "degree"} and a["measures"]["degree"] == 2
    assert a["evidence"][0] == {"doc": "d1", "sentence": f"{HOSTILE}位于东莞。"}
    assert {e["predicate"] for e in data.edges} == {"locatedIn", "partnerOf", "mentionedWith"}
    assert data.note == "Showing all 4 entities."


def test_cap_and_neighbourhood_are_stated():
    g = small_graph("实验室甲")
    capped = explorer_data(g, max_nodes=2, size_by="degree")
    assert len(capped.nodes) == 2 and capped.note == "Showing the top 2 of 4 entities by degree."
    around = explorer_data(g, focus="东莞", hops=1)
    assert set(around.nodes) == {NS + "x/a", NS + "x/b"}
    assert around.note.startswith("Neighbourhood of 东莞 within 1 hop: 2 of 4")
    assert len(explorer_data(g, focus="东莞", hops=2).nodes) == 4


def test_unknown_focus_or_measure_is_a_one_line_error():
    from kg.errors import GbaKgError

    with pytest.raises(GbaKgError, match="no entity named '火星'"):
        explorer_data(small_graph(), focus="火星")
    with pytest.raises(GbaKgError, match="unknown --size-by"):
        explorer_data(small_graph(), size_by="fame")


def test_page_is_self_contained_and_hostile_text_is_never_markup():
    page = render_explorer(explorer_data(small_graph()))
    assert not re.search(r"(?:src|href)\s*=\s*[\"']https?://", page)
    assert HOSTILE not in page
    payload = re.search(r'<script type="application/json" id="gbakg-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(payload)["nodes"][NS + "x/a"]["label"] == HOSTILE


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(HEADLESS_CHROMIUM).exists():
        pytest.skip("chromium is not installed (make test installs Debian's chromium)")
    p = playwright.sync_playwright().start()
    chromium = p.chromium.launch(executable_path=HEADLESS_CHROMIUM, args=list(HEADLESS_ARGS))
    yield chromium
    chromium.close()
    p.stop()


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1400, "height": 950})
    seen = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            seen["requests"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function("window.gbakg && window.gbakg.ready", timeout=60_000)
    return page, seen


@pytest.fixture(scope="module")
def corpus_page(browser, built_out):
    page, seen = _open(browser, built_out / "explorer.html")
    yield page, seen
    page.close()


def test_browser_draws_every_node_offline_without_errors(corpus_page, corpus_graph):
    page, seen = corpus_page
    expected = explorer_data(corpus_graph)
    assert page.evaluate("nodes.length") == len(expected.nodes)
    assert page.evaluate("window.gbakg.visibleNodes().length") == len(expected.nodes)
    typed = [e for e in expected.edges if e["predicate"] != "mentionedWith"]
    assert page.evaluate("window.gbakg.visibleEdges().length") == len(typed)
    assert page.locator("#gbakg-count").inner_text() == f"{len(expected.nodes)} entities and {len(typed)} links drawn"
    assert seen["errors"] == [] and seen["requests"] == []


def test_browser_search_focuses_the_facility_in_either_script(corpus_page):
    page, _ = corpus_page
    page.fill("#gbakg-search", "散裂中子源")
    page.click("#gbakg-search-go")
    assert page.evaluate("window.gbakg.selected()") == [NS + "Facility/中国散裂中子源"]
    assert page.locator("#gbakg-panel h3").inner_text() == "中国散裂中子源"
    assert "東莞" in page.locator("#gbakg-panel").inner_text() or "东莞" in page.locator("#gbakg-panel").inner_text()
    page.fill("#gbakg-search", "中國散裂中子源")
    page.click("#gbakg-search-go")
    assert page.evaluate("window.gbakg.selected()") == [NS + "Facility/中国散裂中子源"]
    page.fill("#gbakg-search", "Hong Kong University of Science and Technology")
    page.click("#gbakg-search-go")
    assert page.locator("#gbakg-panel h3").inner_text() == "香港科技大学"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer.png"))
    assert (ARTIFACTS / "explorer.png").stat().st_size > 10_000


def test_browser_class_and_relation_filters(corpus_page):
    page, _ = corpus_page
    facilities = page.evaluate("Object.values(window.gbakg.data.nodes).filter(n => n.type === 'Facility').length")
    before = page.evaluate("window.gbakg.visibleNodes().length")
    page.uncheck('input[data-type="Facility"]')
    visible = page.evaluate("window.gbakg.visibleNodes()")
    assert len(visible) == before - facilities and not any("/Facility/" in v for v in visible)
    page.check('input[data-type="Facility"]')
    assert page.evaluate("window.gbakg.visibleNodes().length") == before
    typed = page.evaluate("window.gbakg.visibleEdges().length")
    page.check('input[data-predicate="mentionedWith"]')
    assert page.evaluate("window.gbakg.visibleEdges().length") > typed
    page.uncheck('input[data-predicate="mentionedWith"]')
    page.uncheck('input[data-predicate="locatedIn"]')
    hidden = page.evaluate("window.gbakg.visibleEdges().map(id => window.gbakg.data.edges[id].predicate)")
    assert "locatedIn" not in hidden and len(hidden) < typed
    page.check('input[data-predicate="locatedIn"]')


def test_browser_edge_panel_shows_the_evidence_sentence(corpus_page):
    page, _ = corpus_page
    edge = page.evaluate(
        "Object.values(window.gbakg.data.edges).find(e => e.predicate === 'locatedIn' && e.from.endsWith('/中国散裂中子源')).id"
    )
    page.evaluate(f"window.gbakg.showEdge('{edge}')")
    text = page.locator("#gbakg-panel").inner_text()
    assert "中国散裂中子源 — locatedIn → 东莞" in text and "東莞" in text


def test_browser_hostile_names_run_nothing(browser, tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(render_explorer(explorer_data(small_graph())), encoding="utf-8")
    page, seen = _open(browser, path)
    page.evaluate(f"window.gbakg.showNode('{NS}x/a')")
    assert page.locator("#gbakg-panel h3").inner_text() == HOSTILE
    assert HOSTILE in page.locator("#gbakg-panel").inner_text()
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_timeout(200)
    assert seen["dialogs"] == [] and seen["errors"] == []
    page.close()


def test_the_report_analysis_lends_the_same_graph_and_measures(corpus_graph):
    from kg.report import graph_analysis

    analysis = graph_analysis(corpus_graph, seed=0)
    lent = explorer_data(corpus_graph, seed=0, analysis=analysis)
    assert lent == explorer_data(corpus_graph, seed=0)
    top = max(lent.nodes.values(), key=lambda node: node["measures"]["pagerank"])
    assert top["measures"]["pagerank"] == round(max(r["pagerank"] for r in analysis.rows), 6)
    focused = explorer_data(corpus_graph, focus="中国散裂中子源", analysis=analysis)
    assert focused == explorer_data(corpus_graph, focus="中国散裂中子源")


def test_co_mention_links_are_capped_to_the_strongest_and_typed_relations_all_stay(corpus_graph):
    whole = explorer_data(corpus_graph)
    assert "Co-mention links" not in whole.note  # four per entity: the development corpus stays whole
    co = [e for e in whole.edges if e["predicate"] == "mentionedWith"]
    typed = [e for e in whole.edges if e["predicate"] != "mentionedWith"]
    capped = explorer_data(corpus_graph, co_mentions_per_entity=1)
    limit = len(capped.nodes)
    assert limit < len(co)
    kept = [e for e in capped.edges if e["predicate"] == "mentionedWith"]
    assert len(kept) == limit and f"the {limit:,} strongest of {len(co):,}" in capped.note
    weakest_kept = min(e["count"] for e in kept)
    assert all(e["count"] <= weakest_kept for e in co if (e["from"], e["to"]) not in {(k["from"], k["to"]) for k in kept})
    assert max(e["count"] for e in co) == max(e["count"] for e in kept)
    strip = lambda e: {k: v for k, v in e.items() if k != "id"}  # noqa: E731
    assert [strip(e) for e in capped.edges if e["predicate"] != "mentionedWith"] == [strip(e) for e in typed]
    assert capped.nodes == whole.nodes
