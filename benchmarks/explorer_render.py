"""Time from opening the explorer page until the network is drawn and interactive, in headless Chromium.

Synthetic graphs (typed nodes with labels and evidence, heavy-tailed degrees) are rendered by the
same ``kg.explorer.render_explorer`` as ``gbakg explore``; the page is opened from disk with no network,
and the clock runs from navigation start until the first ``afterDrawing`` event, after which a
search is answered (``window.gbakg.search``) to show it is interactive.

    .venv/bin/python benchmarks/explorer_render.py [--sizes 2000:6000,10000:30000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.explorer import HEADLESS_ARGS, HEADLESS_CHROMIUM, ExplorerData, render_explorer  # noqa: E402

TYPES = ["Laboratory", "University", "Company", "ResearchInstitute", "Facility", "City", "Event", "Program"]
PREDICATES = ["locatedIn", "partOf", "partnerOf", "hostedBy", "affiliatedWith"]


def synthetic(nodes: int, edges: int, seed: int = 0) -> ExplorerData:
    rng = random.Random(seed)
    ids = [f"https://w3id.org/gba-kg/id/X/{i:06d}" for i in range(nodes)]
    data = {}
    for i, v in enumerate(ids):
        name = f"机构{i:05d}实验室"
        data[v] = {
            "label": name,
            "labels": {"zh-Hans": name, "en": f"Lab {i}"},
            "aliases": [f"機構{i:05d}實驗室"],
            "type": TYPES[i % len(TYPES)],
            "city": "深圳",
            "documents": [f"doc{i % 50}"],
            "measures": {"pagerank": 1.0 / (i + 1), "betweenness": 0.0, "degree": 0.0},
            "evidence": [{"doc": f"doc{i % 50}", "sentence": f"{name}位于深圳，与多家机构合作。"}],
        }
    links, seen = [], set()
    while len(links) < edges:
        u = ids[int(rng.paretovariate(1.2)) % nodes]
        v = ids[rng.randrange(nodes)]
        if u == v or (u, v) in seen:
            continue
        seen.add((u, v))
        links.append(
            {
                "id": f"e{len(links)}",
                "from": u,
                "to": v,
                "predicate": PREDICATES[len(links) % len(PREDICATES)],
                "count": 1,
                "evidence": [{"doc": "doc0", "sentence": "示例句子。"}],
            }
        )
    return ExplorerData(data, links, nodes, "pagerank", f"Showing all {nodes} entities.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000:6000,10000:30000", help="NODES:EDGES pairs, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=HEADLESS_CHROMIUM, args=list(HEADLESS_ARGS))
        for pair in args.sizes.split(","):
            nodes, edges = (int(x) for x in pair.split(":"))
            t = time.perf_counter()
            page_path = Path(tmp) / f"explorer_{nodes}.html"
            page_path.write_text(render_explorer(synthetic(nodes, edges)), encoding="utf-8")
            written = time.perf_counter() - t
            drawn, interactive = [], []
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1400, "height": 950})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
                page.goto(page_path.as_uri())
                page.wait_for_function("window.gbakg && window.gbakg.ready", timeout=300_000)
                drawn.append(page.evaluate("window.gbakg.drawnAt") / 1000)
                found = page.evaluate("window.gbakg.search('机构00007实验室')")
                interactive.append(page.evaluate("performance.now()") / 1000)
                assert found and found.endswith("/000007"), found
                page.close()
            size_mb = page_path.stat().st_size / 1e6
            print(
                f"{nodes} nodes / {edges} edges: page {size_mb:.1f} MB written in {written:.1f} s; "
                f"drawn after {statistics.median(drawn):.2f} s (median of {args.runs}), "
                f"search answered by {statistics.median(interactive):.2f} s" + ("  (target <= 3 s)" if nodes == 2000 else "")
            )
        browser.close()


if __name__ == "__main__":
    main()
