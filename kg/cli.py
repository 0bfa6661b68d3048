"""The ``gbakg`` command line: a thin layer over the library that turns errors into one line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from extract.records import DocumentRecord

from .errors import GbaKgError, QueryError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Build and explore the knowledge graph of the Greater Bay Area science and technology ecosystem.",
)

OutDir = Annotated[Path, typer.Option("--out", help="Folder of the built graph and its outputs.")]


def _say(message: str) -> None:
    typer.echo(message)


def _extract(
    paths: list[Path], data_file: str, min_confidence: float | None = None
) -> tuple[list[DocumentRecord], list[GbaKgError]]:
    from extract.pipeline import extract_paths

    records: list[DocumentRecord] = []
    failures: list[GbaKgError] = []
    show = sys.stderr.isatty()
    items: Iterable[DocumentRecord | Exception] = extract_paths(paths, data_file, min_confidence)
    if show:
        from rich.progress import track

        items = track(items, total=len(paths), description="extracting", transient=True, console=None)
    for item in items:
        if isinstance(item, GbaKgError):
            failures.append(item)
            typer.echo(f"gbakg: skipped {item}", err=True)
        elif isinstance(item, Exception):
            raise item
        else:
            records.append(item)
    return records, failures


def _check_confidence(value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise typer.BadParameter(f"--min-confidence {value}: a confidence lies between 0 and 1")


@app.command()
def build(
    corpus: Annotated[Path, typer.Option(help="Folder of documents (.txt, .md, .html, .docx, .pdf).")] = Path("../shared/corpus"),
    out: OutDir = Path("out"),
    data: Annotated[str, typer.Option(help="Data file of known entities (TSV).")] = "",
    seed: Annotated[int, typer.Option(help="Seed for sampled measures and the layout.")] = 0,
    validate: Annotated[bool, typer.Option(help="Check the graph against shapes.ttl (SHACL).")] = True,
    jobs: Annotated[int, typer.Option(help="Extraction processes (0: one per core).")] = 0,
    max_bytes: Annotated[int, typer.Option(help="Skip (report) documents larger than this many bytes.")] = 50_000_000,
    strict: Annotated[bool, typer.Option(help="Stop, writing nothing, if any document fails.")] = False,
    min_confidence: Annotated[
        float | None, typer.Option(help="Drop mentions whose confidence is below this (default: pipeline.cfg's threshold).")
    ] = None,
) -> None:
    """Extract every document of CORPUS (only those changed since the last build) and write graph.ttl,
    graph.trig, report.md, centrality.csv and explorer.html into OUT."""
    from extract.documents import list_corpus
    from extract.pipeline import extract_document, fingerprint

    from .build import build_outputs, gc_paused, load_records
    from .errors import StrictBuildError
    from .io import output_lock

    paths = list_corpus(corpus)
    progress = None
    if sys.stderr.isatty():
        from rich.progress import track

        def progress(items):  # type: ignore[no-untyped-def]
            return track(items, total=len(paths), description="extracting", transient=True)

    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    _check_confidence(min_confidence)
    extractor = partial(extract_document, data_file=data, min_confidence=min_confidence)
    with output_lock(out), gc_paused():
        try:
            result = load_records(
                paths,
                out,
                extractor,
                fingerprint(data, min_confidence),
                progress,
                jobs=workers,
                max_bytes=max_bytes,
                strict=strict,
            )
        except StrictBuildError as err:
            for failure in err.failures:
                typer.echo(f"gbakg: failed {failure}", err=True)
            raise
        for failure in result.failures:
            typer.echo(f"gbakg: skipped {failure}", err=True)
        if not result.records:
            raise GbaKgError(f"{corpus}: no document could be read", hint="see the lines above")
        outputs = build_outputs(result.records, out, parts=result.parts, seed=seed, check_shapes=validate)
    written, change, stats = outputs.written, outputs.change, outputs.stats
    _say(
        f"built {len(result.records)} documents ({len(result.extracted)} extracted, {len(result.reused)} unchanged): "
        f"{stats['entities']} entities, {stats['relations']} relations"
    )
    if change.first_build:
        _say("first build in this folder")
    else:
        _say(
            f"since the previous build: entities +{len(change.entities_added)} -{len(change.entities_removed)}, "
            f"facts +{len(change.facts_added)} -{len(change.facts_removed)}"
        )
        for line in [*(f"  + {f}" for f in change.facts_added[:10]), *(f"  - {f}" for f in change.facts_removed[:10])]:
            _say(line)
    for path in written:
        _say(f"wrote {path}")
    if outputs.violations:
        typer.echo(
            f"gbakg: the graph breaks {len(outputs.violations)} SHACL constraint(s); see {out / 'validation.txt'}", err=True
        )
    elif validate:
        _say("the graph conforms to shapes.ttl")
    if result.failures or outputs.violations:
        raise typer.Exit(1)


@app.command()
def extract(
    documents: Annotated[list[Path], typer.Argument(help="Documents to extract.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for one gold-format JSON per document.")],
    data: Annotated[str, typer.Option(help="Data file of known entities (TSV).")] = "",
    explain: Annotated[bool, typer.Option(help="Print every mention with its rule and canonical name.")] = False,
    min_confidence: Annotated[
        float | None, typer.Option(help="Drop mentions whose confidence is below this (default: pipeline.cfg's threshold).")
    ] = None,
) -> None:
    """Write entities and relations of each document as JSON in the format of the gold set
    (``--data none``: without the data file of known entities)."""
    from extract.gold import to_gold

    from .io import write_atomic

    _check_confidence(min_confidence)
    records, failures = _extract(list(documents), data, min_confidence)
    for record in records:
        target = write_atomic(out / f"{record.info.doc_id}.json", json.dumps(to_gold(record), ensure_ascii=False, indent=1))
        _say(f"wrote {target}")
        if explain:
            for m in record.mentions:
                _say(f"  {m.start}-{m.end}\t{m.surface}\t-> {m.type} {m.canonical}\t[{m.rule} {m.confidence:.2f}]")
    if failures:
        raise typer.Exit(1)


@app.command()
def train(
    gold: Annotated[
        list[str] | None,
        typer.Option("--set", help="GOLD_DIR:DOCS_DIR of annotated documents (repeatable); default: seed gold, devset/train."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Model file to write (default: the shipped model).")] = None,
    seed: Annotated[int, typer.Option(help="Seed for the order of the training documents.")] = 0,
    data: Annotated[str, typer.Option(help="Data file of known entities used for the rule features.")] = "",
    max_iterations: Annotated[int, typer.Option(help="L-BFGS iterations (the shipped model: 150).", min=1)] = 150,
) -> None:
    """Train the entity model (a CRF) on annotated documents, never on a test split."""
    from extract.crf import DEFAULT_MODEL
    from extract.training import TRAINING_SETS, train_and_record

    sets: tuple[tuple[Path, Path], ...] = TRAINING_SETS
    if gold:
        pairs = [g.split(":", 1) for g in gold]
        bad = [g for g, p in zip(gold, pairs, strict=True) if len(p) != 2]
        if bad:
            raise typer.BadParameter(f"--set {bad[0]!r}: expected GOLD_DIR:DOCS_DIR")
        sets = tuple((Path(a), Path(b)) for a, b in pairs)
    for gold_dir, docs_dir in sets:
        if "test" in gold_dir.parts or "test" in docs_dir.parts:
            raise typer.BadParameter(f"--set {gold_dir}: a test split is for measuring only")
        if not gold_dir.is_dir() or not docs_dir.is_dir():
            raise typer.BadParameter(f"--set {gold_dir}:{docs_dir}: no such folder")
    target = out or DEFAULT_MODEL
    record = train_and_record(target, sets=sets, seed=seed, data_file=data, params={"max_iterations": max_iterations})
    size = f"{record['characters']:,} characters, {record['gold_spans']:,} gold spans"
    _say(f"trained on {len(record['documents'])} documents ({size})")
    _say(f"wrote {target} and {target}.json")


@app.command("eval")
def eval_(
    pred_dir: Annotated[Path, typer.Argument(help="Folder of predicted JSON files (as written by 'gbakg extract').")],
    gold: Annotated[Path, typer.Option(help="Folder of gold JSON files.")] = Path("../shared/gold"),
    corpus: Annotated[Path | None, typer.Option(help="Corpus folder, to tell each document's script.")] = None,
) -> None:
    """Print precision, recall and F1 per class, per script and overall against gold files."""
    from .evaluate import evaluate, format_evaluation

    _say(format_evaluation(evaluate(pred_dir, gold, corpus)))


def _graph_file(out: Path, graph: Path | None) -> Path:
    return graph if graph is not None else out / "graph.ttl"


@app.command()
def query(
    query_spec: Annotated[str, typer.Argument(metavar="QUERY", help="A saved query's name, a .rq file, or SPARQL text.")],
    out: OutDir = Path("out"),
    graph: Annotated[Path | None, typer.Option(help="A Turtle file to query instead of OUT/graph.ttl.")] = None,
    bind: Annotated[
        list[str] | None, typer.Option(help="Bind a variable: NAME=VALUE (VALUE as <iri>, text@lang or text).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv, json or xml.")] = "table",
    engine: Annotated[str, typer.Option(help="oxigraph (the store in OUT/store) or rdflib (in memory).")] = "oxigraph",
    endpoint: Annotated[str, typer.Option(help="Query a remote SPARQL endpoint (after 'gbakg push') instead.")] = "",
) -> None:
    """Run a SPARQL query against the built graph and print the result."""
    from .query import FORMATS, format_result, resolve_query

    if fmt not in FORMATS:
        raise QueryError(f"unknown format '{fmt}'", hint="use " + ", ".join(FORMATS))
    bindings = {}
    for item in bind or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise QueryError(f"--bind '{item}' is not NAME=VALUE")
        bindings[name.lstrip("?$")] = value
    text = resolve_query(query_spec)
    if endpoint:
        from .remote import query_endpoint

        result = query_endpoint(endpoint, text, bindings)
    elif engine == "oxigraph":
        from .store import open_store, query_store

        result = query_store(open_store(out, graph), text, bindings)
    elif engine == "rdflib":
        from .graph import load_graph
        from .query import run_query

        result = run_query(load_graph(_graph_file(out, graph)), text, bindings)
    else:
        raise QueryError(f"unknown engine '{engine}'", hint="use oxigraph or rdflib")
    sys.stdout.write(format_result(result, fmt))


@app.command()
def push(
    endpoint: Annotated[
        str, typer.Option(help="The SPARQL 1.1 Graph Store URL (Virtuoso: http://HOST:8890/sparql-graph-crud-auth).")
    ],
    out: OutDir = Path("out"),
    user: Annotated[str, typer.Option(help="User name for the graph store.")] = "",
    password: Annotated[str, typer.Option(help="Password for the graph store.")] = "",
    auth: Annotated[str, typer.Option(help="digest or basic.")] = "digest",
) -> None:
    """Load the graph built in OUT, named graphs included, into a SPARQL Graph Store server."""
    from .remote import push as push_graphs

    if auth not in ("digest", "basic"):
        raise GbaKgError(f"unknown --auth '{auth}'", hint="use digest or basic")
    for iri, count in push_graphs(out, endpoint, user=user, password=password, auth=auth):
        _say(f"pushed <{iri}>: {count} triples")


@app.command()
def queries() -> None:
    """List the saved queries with their titles and descriptions."""
    from .query import saved_queries

    for saved in saved_queries().values():
        _say(f"{saved.name}\t{saved.title}\n    {saved.description}")


@app.command("validate")
def validate_(
    out: OutDir = Path("out"),
    graph: Annotated[Path | None, typer.Option(help="A Turtle file to check instead of OUT/graph.ttl.")] = None,
    engine: Annotated[str, typer.Option(help="gbakg (built in, fast) or pyshacl (the reference).")] = "gbakg",
) -> None:
    """Check the graph against the SHACL shapes (shapes.ttl); print every violation, exit 1 on any."""
    from .graph import load_graph
    from .validate import ENGINES, format_violations, validate

    if engine not in ENGINES:
        raise GbaKgError(f"unknown SHACL engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}")
    path = _graph_file(out, graph)
    violations = validate(load_graph(path), engine=engine)
    if not violations:
        _say(f"{path} conforms to shapes.ttl")
        return
    _say(format_violations(violations, limit=len(violations)))
    typer.echo(f"gbakg: {path}: {len(violations)} violation{'s' if len(violations) != 1 else ''} of shapes.ttl", err=True)
    raise typer.Exit(1)


@app.command()
def serve(
    out: OutDir = Path("out"),
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8890,
    timeout: Annotated[float, typer.Option(help="Time limit of one query, in seconds.")] = 10.0,
    max_rows: Annotated[int, typer.Option(help="Most rows one answer returns.")] = 10_000,
    memory: Annotated[
        bool, typer.Option("--memory/--disk", help="Query workers hold the graph in memory (fastest), or read OUT/store on disk.")
    ] = True,
) -> None:
    """Serve a read-only SPARQL endpoint at /sparql and the explorer at / over the graph built in OUT."""
    from .serve import make_server

    try:
        server = make_server(out, host, port, timeout=timeout, max_rows=max_rows, memory=memory)
    except OSError as err:
        raise GbaKgError(f"cannot listen on {host}:{port}: {err.strerror or err}", hint="choose another --port") from None
    _say(
        f"SPARQL endpoint http://{host}:{server.server_port}/sparql, explorer http://{host}:{server.server_port}/ (Ctrl-C stops)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def report(
    out: OutDir = Path("out"),
    seed: Annotated[int, typer.Option(help="Seed for sampled measures, communities and the stability check.")] = 0,
    cooccurrence: Annotated[bool, typer.Option(help="Count mentionedWith (same sentence) edges, weighted by count.")] = False,
    directed: Annotated[bool, typer.Option(help="Analyse the directed graph (subject -> object).")] = False,
    engine: Annotated[str, typer.Option(help="auto (igraph above 5,000 nodes), networkx or igraph.")] = "auto",
) -> None:
    """Write report.md, report.html, centrality.csv and centrality.json from OUT/graph.ttl."""
    from .graph import load_graph
    from .report import write_report

    graph = load_graph(_graph_file(out, None))
    for path in write_report(graph, out, seed=seed, cooccurrence=cooccurrence, directed=directed, engine=engine):
        _say(f"wrote {path}")


@app.command()
def explore(
    out: OutDir = Path("out"),
    seed: Annotated[int, typer.Option(help="Seed of the layout and of sampled betweenness.")] = 0,
    size_by: Annotated[str, typer.Option(help="Node size: pagerank, betweenness or degree.")] = "pagerank",
    max_nodes: Annotated[int, typer.Option(help="Draw at most this many entities (the top ones by --size-by).")] = 2000,
    focus: Annotated[str, typer.Option(help="Show only the neighbourhood of this entity (label, alias or IRI).")] = "",
    hops: Annotated[int, typer.Option(help="With --focus: how many hops around it.")] = 1,
) -> None:
    """Write the self-contained explorer page OUT/explorer.html from OUT/graph.ttl."""
    from .explorer import write_explorer
    from .graph import load_graph

    graph = load_graph(_graph_file(out, None))
    path = write_explorer(graph, out / "explorer.html", seed=seed, size_by=size_by, max_nodes=max_nodes, focus=focus, hops=hops)
    _say(f"wrote {path}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors, exit 1 for failures, 2 for bad usage."""
    try:
        code = app(args=argv, prog_name="gbakg", standalone_mode=False)
    except typer.Exit as err:
        sys.exit(err.exit_code)
    except typer.Abort:
        typer.echo("gbakg: interrupted", err=True)
        sys.exit(130)
    except typer.TyperException as err:
        if type(err).__name__ != "NoArgsIsHelpError":
            message = err.format_message() if hasattr(err, "format_message") else str(err)
            typer.echo(f"gbakg: error: {' '.join(message.split())} (try 'gbakg --help')", err=True)
        sys.exit(2)
    except GbaKgError as err:
        hint = f" (hint: {err.hint})" if err.hint else ""
        typer.echo(f"gbakg: error: {err}{hint}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
