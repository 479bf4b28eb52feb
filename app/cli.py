"""The ``chokepoint`` command line: thin shells over ``graph``, ``loaders``, ``queries`` and ``app``."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from graph import local, schema
from graph.config import settings_from_env
from graph.errors import ChokepointError
from graph.store import Store
from graph.values import cell_text, display_text

app = typer.Typer(help="Chokepoint: trafficking-network graph explorer over Neo4j.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
neo4j_app = typer.Typer(help="The project's own local Neo4j (embedded, Bolt on 127.0.0.1).", no_args_is_help=True)
schema_app = typer.Typer(help="The graph schema: labels, relationship types, constraints.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
resolve_app = typer.Typer(help="Entity resolution: likely duplicates, recorded merges and splits.",
                          no_args_is_help=True)
app.add_typer(schema_app, name="schema")
app.add_typer(resolve_app, name="resolve")
train_app = typer.Typer(help="Trainer lessons: synthetic cases revealed step by step, answers graded.",
                        no_args_is_help=True)
app.add_typer(train_app, name="train")

out = Console()
err = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option("--data", help="Data directory of the local Neo4j "
                                              "[default: $CHOKEPOINT_NEO4J_DATA or ~/.local/share/chokepoint/neo4j]")]


@app.callback()
def _audited_command(ctx: typer.Context) -> None:
    # every command is one audited action: the queries it runs (hooks in queries/) make one line of the
    # audit log with source cli and the user $CHOKEPOINT_USER or the OS user (queries/audit.py)
    from queries.audit import action, default_user

    ctx.with_resource(action("cli", user=default_user))


def main() -> None:
    try:
        app()
    except ChokepointError as e:
        # one line, never wrapped, and plain text: a message may quote a cell such as "[/x]", not markup
        message = " ".join(str(e).splitlines())
        err.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True, highlight=False)
        sys.exit(1)


def _store() -> Store:
    return Store.connect(settings_from_env())


class _RowsPerSecond(ProgressColumn):
    def render(self, task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "", style="progress.data.speed")


def _row_progress(quiet: bool) -> Progress:
    """A progress display of rows and rows/s per file, on stderr (gone afterwards when ``quiet``; none at
    all when ``quiet`` and stderr is not a terminal, where even a transient display leaves a blank line)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"),
                    _RowsPerSecond(), TimeElapsedColumn(), console=err, transient=quiet,
                    disable=quiet and not err.is_terminal)


# -- local Neo4j -------------------------------------------------------------------------------
@neo4j_app.command("start")
def neo4j_start(
    data: DataDir = None,
    port: Annotated[int, typer.Option(help="Bolt port on 127.0.0.1.")] = 7687,
    heap: Annotated[str, typer.Option(help="Java heap size (-Xmx).")] = "1g",
    pagecache: Annotated[str, typer.Option(help="Neo4j page cache size.")] = "512m",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for Bolt to answer.")] = 180.0,
) -> None:
    """Build the launcher if needed, start Neo4j in the background, wait until Bolt answers."""
    with err.status("building the launcher (first time only) and starting Neo4j..."):
        inst = local.start(data, port=port, heap=heap, pagecache=pagecache, timeout=timeout)
    out.print(f"local Neo4j {inst.version or ''} running: {inst.uri} (pid {inst.pid}, data {inst.data_dir})",
              highlight=False)


@neo4j_app.command("stop")
def neo4j_stop(data: DataDir = None) -> None:
    """Stop the local Neo4j cleanly."""
    stopped = local.stop(data)
    out.print("local Neo4j stopped" if stopped else "local Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(
    data: DataDir = None,
    show_password: Annotated[bool, typer.Option("--show-password", help="Print the password too.")] = False,
) -> None:
    """Say whether the local Neo4j runs, where, and how to connect to it."""
    inst = local.status(data)
    if inst is None or not inst.running:
        out.print(f"local Neo4j is not running (data {data or local.default_data_dir()})", highlight=False)
        raise typer.Exit(3)
    out.print(f"running: {inst.uri} pid {inst.pid} neo4j {inst.version} data {inst.data_dir}", highlight=False)
    out.print(f"user {inst.user} password {inst.password if show_password else '(hidden; --show-password)'}",
              highlight=False)


# -- schema and status -------------------------------------------------------------------------
@schema_app.command("apply")
def schema_apply() -> None:
    """Create constraints and indexes (idempotent: IF NOT EXISTS)."""
    with _store() as store:
        created, existing = store.ensure_schema()
    out.print(f"schema applied: {created} constraints/indexes created, {existing} already there")


@schema_app.command("show")
def schema_show() -> None:
    """List node labels and relationship types."""
    t = Table("label", "keys", "caption", "description")
    for n in schema.SCHEMA.nodes.values():
        t.add_row(n.label, ", ".join(n.keys), n.caption, n.description)
    out.print(t)
    t = Table("relationship", "from", "to", "description")
    for r in schema.SCHEMA.relationships.values():
        t.add_row(r.type, ", ".join(r.sources), ", ".join(r.targets), r.description)
    out.print(t)


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Connection, Neo4j version and counts by label and relationship type."""
    settings = settings_from_env()
    with Store.connect(settings) as store:
        info = store.server_info()
        counts = store.counts()
    if as_json:
        print(json.dumps({"connection": settings.describe(), "neo4j": info, **counts}, indent=2))
        return
    out.print(f"connection: {settings.describe()}", highlight=False)
    out.print(f"neo4j: {info.get('version')} {info.get('edition')}", highlight=False)
    for title, key in (("label", "labels"), ("relationship type", "relationships")):
        t = Table(title, "count")
        for name, n in counts[key].items():
            t.add_row(name, f"{n:,}")
        out.print(t)


# -- loading -----------------------------------------------------------------------------------
@app.command("load")
def load(
    paths: Annotated[list[Path] | None, typer.Argument(help="Record files or directories of them.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Load the built-in sample case.")] = False,
    dataset: Annotated[str | None, typer.Option(help="Dataset name; part of every entity id "
                                                     "(default: the first path's name).")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Mapping file (default: the standard records).")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects report (default: rejects.csv beside the "
                                                      "first path).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Any reject: write nothing, exit non-zero.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Load record files (or the sample case) into Neo4j; bad rows go to a rejects report."""
    from loaders.load import SAMPLE_CASE, load_records

    if sample == bool(paths):
        raise typer.BadParameter("give PATH... or --sample (one of them)")
    paths = [SAMPLE_CASE] if sample else paths
    dataset = dataset or ("sample" if sample else (paths[0].stem if paths[0].is_file() else paths[0].resolve().name))
    if sample and rejects is None:
        rejects = Path("rejects-sample.csv")
    with _store() as store, _row_progress(as_json) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, rows: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"loading {name}", total=None)
            bar.advance(tasks[name], rows)

        summary = load_records(store, paths, dataset=dataset, mapping=mapping, rejects_path=rejects,
                               strict=strict, progress=progress)
    result = summary.as_dict()
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print(f"dataset {dataset}: {result['rows_read']:,} rows read, {result['rows_loaded']:,} loaded, "
                  f"{result['rows_rejected']:,} rejected; {result['nodes_created']:,} nodes and "
                  f"{result['relationships_created']:,} relationships created", highlight=False, markup=False)
        if summary.rejects_report:
            out.print(f"rejects: {summary.rejects_report}", highlight=False, markup=False)
        for f in summary.files:
            if f.columns_absent:
                out.print(f"{Path(f.file).name}: no column(s) {', '.join(f.columns_absent)} (left empty)",
                          highlight=False, markup=False)
        if summary.missing_sources:
            out.print(f"no file for (skipped): {', '.join(summary.missing_sources)}", highlight=False, markup=False)


@app.command("generate")
def generate_case(
    scenario: Annotated[str, typer.Option(help="Scenario name (see --list).")] = "poe-couriers",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives byte-identical files.")] = 1,
    scale: Annotated[float, typer.Option(help="Multiplies the cells: 1 is a classroom case, 5000 about "
                                              "1M entities.")] = 1.0,
    noise: Annotated[float, typer.Option(help="Rate of misspellings, format changes, duplicates, missing "
                                              "values (invalid rows at a tenth of it).")] = 0.05,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the record files and truth.json.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the scenarios and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Generate a synthetic case: standard record files plus truth.json (roles, cells, answers)."""
    from synthetic.generator import SCENARIOS, generate

    if list_:
        t = Table("scenario", "title", "teaches")
        for sc in SCENARIOS.values():
            t.add_row(sc.name, sc.title, sc.teaches)
        out.print(t)
        return
    if out_dir is None:
        raise typer.BadParameter("--out DIR is required")
    with _row_progress(as_json) as bar:
        task = bar.add_task(f"generating {scenario}", total=None)
        summary = generate(scenario, seed, out_dir, scale=scale, noise=noise,
                           progress=lambda n: bar.advance(task, n))
    result = {"scenario": scenario, "seed": seed, "scale": scale, "noise": noise, "out": str(out_dir),
              "entities": summary.entities, "records": summary.total_records, "files": summary.records,
              "seconds": round(summary.seconds, 3)}
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        out.print(f"{scenario} (seed {seed}, scale {scale:g}): {summary.total_records:,} records, "
                  f"{summary.entities:,} entities in {summary.seconds:.1f} s -> {out_dir} (truth.json beside them)",
                  highlight=False)


@train_app.command("list")
def train_list() -> None:
    """The lessons available (built in, and in $CHOKEPOINT_LESSONS)."""
    from synthetic.training import lessons

    t = Table("lesson", "title", "scenario", "steps")
    for lesson in lessons():
        t.add_row(lesson.name, lesson.title, lesson.scenario, str(len(lesson.steps)))
    out.print(t)


@train_app.command("show")
def train_show(name: Annotated[str, typer.Argument(help="Lesson name.")]) -> None:
    """A lesson's steps: narrative, what is revealed, the question (never the answer)."""
    from synthetic.training import load_lesson, question_text

    lesson = load_lesson(name)
    out.print(f"[bold]{lesson.title}[/] ({lesson.scenario}, seed {lesson.seed}, scale {lesson.scale:g})")
    if lesson.description:
        out.print(lesson.description, highlight=False)
    for i, step in enumerate(lesson.steps, start=1):
        out.print(f"\n[bold]Step {i}. {step.title}[/]  (phases {', '.join(map(str, step.reveal_phases))})")
        out.print(step.narrative, highlight=False)
        if step.question:
            out.print(f"[bold]Question:[/] {question_text(step.question)}", highlight=False)


@train_app.command("load")
def train_load(
    name: Annotated[str, typer.Argument(help="Lesson name.")],
    dataset: Annotated[str | None, typer.Option(help="Dataset name (default: the lesson's name).")] = None,
) -> None:
    """Generate the lesson's case (cached) and load it into Neo4j through the standard loaders."""
    from loaders.load import load_records
    from synthetic.training import case_dir, load_lesson

    lesson = load_lesson(name)
    folder = case_dir(lesson)
    with _store() as store:
        summary = load_records(store, folder, dataset=dataset or lesson.name, rejects_path=folder / "rejects.csv")
    result = summary.as_dict()
    out.print(f"lesson {lesson.name}: {result['rows_read']:,} rows read, {result['rows_loaded']:,} loaded, "
              f"{result['rows_rejected']:,} rejected (planted); dataset {dataset or lesson.name}", highlight=False)


@train_app.command("check")
def train_check(
    name: Annotated[str, typer.Argument(help="Lesson name.")],
    step: Annotated[int, typer.Option(help="Step number (from 1).")],
    answer: Annotated[str, typer.Option(help="Your answer: names or codes, several separated by ';'.")],
    reveal: Annotated[bool, typer.Option("--reveal", help="Also print the expected answer.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the feedback as JSON.")] = False,
) -> None:
    """Grade an answer to a step's question: right, partly right or wrong, and why."""
    from synthetic.training import check_answer, load_lesson

    feedback = check_answer(load_lesson(name), step, answer)
    if as_json:
        result = feedback.as_dict()
        if not reveal:
            result.pop("expected")
        print(json.dumps(result, indent=2))
    else:
        colour = {"right": "green", "partly right": "yellow", "wrong": "red"}[feedback.verdict]
        out.print(f"[bold {colour}]{feedback.verdict}[/]: {feedback.message}", highlight=False)
        if reveal:
            out.print(f"expected: {'; '.join(feedback.expected)}", highlight=False)
    if feedback.verdict != "right":
        raise typer.Exit(2)


@app.command("path")
def path_command(
    source: Annotated[str, typer.Argument(help="Start: an entity id, or a name, alias, phone or plate.")],
    target: Annotated[str, typer.Argument(help="End: an entity id, or a name, alias, phone or plate.")],
    k: Annotated[int, typer.Option(help="How many shortest paths (distinct entity sequences).")] = 1,
    all_: Annotated[bool, typer.Option("--all", help="Every simple path up to --max-hops (at most --limit).")] = False,
    time_respecting: Annotated[bool, typer.Option("--time-respecting", help="Dated links in time order only.")] = False,
    max_gap: Annotated[int | None, typer.Option(help="With --time-respecting: most days between two links.")] = None,
    types: Annotated[list[str] | None, typer.Option("--type", help="Relationship type allowed (repeat).")] = None,
    labels: Annotated[list[str] | None, typer.Option("--through", help="Label allowed between the ends "
                                                                        "(repeat).")] = None,
    direction: Annotated[str, typer.Option(help="both, out (source towards target) or in.")] = "both",
    date_from: Annotated[str | None, typer.Option("--from", help="Links dated on or after (yyyy-mm-dd).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Links dated on or before (yyyy-mm-dd).")] = None,
    avoid: Annotated[list[str] | None, typer.Option(help="Entity (id or name) the path must not pass (repeat).")] = None,
    weight: Annotated[str | None, typer.Option(help="Numeric link property to minimise (networkx).")] = None,
    max_hops: Annotated[int, typer.Option(help="Longest path looked for.")] = 6,
    limit: Annotated[int, typer.Option(help="Most paths listed with --all / --time-respecting.")] = 20,
    dataset: Annotated[str | None, typer.Option(help="Only entities of this dataset.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the paths as JSON.")] = False,
) -> None:
    """Paths between two entities: shortest, k shortest, all, or time-respecting."""
    from queries import paths

    with _store() as store:
        a, b = paths.find_entity(store, source), paths.find_entity(store, target)
        f = paths.PathFilter(rel_types=tuple(types) if types else None, labels=tuple(labels) if labels else None,
                             direction=direction, start=_day(date_from), end=_day(date_to),
                             avoid=tuple(paths.find_entity(store, x) for x in avoid or ()), dataset=dataset)
        if time_respecting:
            found = paths.time_respecting_paths(store, a, b, max_hops, f, max_gap, limit)
        elif all_:
            found = paths.all_paths(store, a, b, max_hops, f, limit)
        else:
            found = paths.k_shortest_paths(store, a, b, k, f, weight, max_hops)
    if as_json:
        print(json.dumps([p.as_dict() for p in found], indent=2))
        return
    for i, p in enumerate(found, start=1):
        steps = [f"{p.nodes[0]['caption']} ({p.nodes[0]['label']})"]
        for link, node in zip(p.links, p.nodes[1:]):
            date = f" {link['date']}" if link.get("date") else ""
            left, right = ("-", "->") if link["target"] == node["id"] else ("<-", "-")
            steps.append(f"{left}[{link['type']}{date}]{right} {node['caption']} ({node['label']})")
        cost = f", cost {p.cost:g}" if weight else ""
        out.print(f"{i}. {p.hops} hop(s){cost}: " + " ".join(steps), highlight=False)


@app.command("routes")
def routes_command(
    sources: Annotated[list[str], typer.Option("--from", help="Source entity (id or name; repeat).")],
    sinks: Annotated[list[str], typer.Option("--to", help="Sink entity (id or name; repeat).")],
    remove: Annotated[list[str] | None, typer.Option(help="What-if: entity removed (id or name; repeat).")] = None,
    max_hops: Annotated[int, typer.Option(help="Most legs in a route.")] = 6,
    max_gap: Annotated[int | None, typer.Option(help="Most days between two legs.")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only links of this dataset.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Supply routes from sources to sinks by corridor, the max flow and its cut, and what-if removals."""
    from graph.values import jsonable
    from queries import paths, routes

    with _store() as store:
        src = [paths.find_entity(store, x) for x in sources]
        dst = [paths.find_entity(store, x) for x in sinks]
        gone = [paths.find_entity(store, x) for x in remove or ()]
        found = routes.supply_routes(store, src, dst, dataset, max_hops, max_gap)
        graph = routes.flow_graph(store, dataset)
        flow = routes.max_flow(graph, src, dst)
        change = routes.what_if(graph, src, dst, gone) if gone else None
        names = {r["id"]: r["caption"] for r in store.read(routes.CAPTIONS, ids=sorted(
            {n for link in flow.cut_links for n in link[:2]} | {n for n, _ in flow.throughput[:10]}))}
    corridors = routes.routes_by_corridor(found)
    if as_json:
        print(json.dumps(jsonable({"routes": len(found), "corridors": corridors, "max_flow": flow.value,
                                   "cut": [{"from": a, "to": b, "capacity": c} for a, b, c in flow.cut_links],
                                   "throughput": flow.throughput[:10],
                                   "what_if": vars(change) if change else None}), indent=2))
        return
    out.print(f"{len(found)} time-respecting route(s)", highlight=False)
    for g in corridors:
        out.print(f"  via {', '.join(g['ports']) or '(no port of entry)'}: {g['routes']} route(s), "
                  f"{g['kg']:,.1f} kg, arriving {g['first']} to {g['last']}", highlight=False)
    out.print(f"max flow {flow.value:,.1f} kg; the minimum cut:", highlight=False)
    for a, b, c in flow.cut_links:
        out.print(f"  {names.get(a, a)} -> {names.get(b, b)} ({c:,.1f} kg)", highlight=False)
    out.print("most flow through: " + ", ".join(f"{names.get(n, n)} ({f:,.1f})" for n, f in flow.throughput[:10]),
              highlight=False)
    if change:
        for key in change.before:
            out.print(f"  {key}: {change.before[key]:,} -> {change.after[key]:,}", highlight=False)


@app.command("disrupt")
def disrupt_command(
    sources: Annotated[list[str], typer.Option("--from", help="Source entity (id or name; repeat).")],
    sinks: Annotated[list[str], typer.Option("--to", help="Sink entity (id or name; repeat).")],
    remove: Annotated[list[str] | None, typer.Option(help="Entity removed (id or name; repeat).")] = None,
    best: Annotated[int | None, typer.Option(help="Choose the K removals that cut the most flow (greedy).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only links of this dataset.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """What-if: remove entities (or the greedy best K) and compare flow, reach and fragmentation."""
    from queries import paths, routes

    if (remove is None) == (best is None):
        raise typer.BadParameter("give --remove X... or --best K (one of them)")
    with _store() as store:
        src = [paths.find_entity(store, x) for x in sources]
        dst = [paths.find_entity(store, x) for x in sinks]
        graph = routes.flow_graph(store, dataset)
        if best is not None:
            picked = routes.best_removals(graph, src, dst, best)
            gone = [n for n, _ in picked]
        else:
            picked, gone = [], [paths.find_entity(store, x) for x in remove or ()]
        change = routes.what_if(graph, src, dst, gone)
        names = {r["id"]: r["caption"] for r in store.read(routes.CAPTIONS, ids=gone)}
    if as_json:
        print(json.dumps({"removed": [{"id": n, "caption": names.get(n)} for n in gone],
                          "flow_left_after_each": [f for _, f in picked] or None,
                          "before": change.before, "after": change.after}, indent=2))
        return
    out.print("removed: " + ", ".join(f"{names.get(n, n)}" for n in gone), highlight=False)
    for key in change.before:
        out.print(f"  {key}: {change.before[key]:,} -> {change.after[key]:,}", highlight=False)


# Options shared by the commands that analyse a scope of the graph (centrality, structure).
ScopeLabels = Annotated[list[str] | None, typer.Option("--label", help="Only entities of this label (repeat).")]
ScopeTypes = Annotated[list[str] | None, typer.Option("--type", help="Only this relationship type (repeat).")]
ScopeDataset = Annotated[str | None, typer.Option(help="Only this dataset.")]
ScopeFrom = Annotated[str | None, typer.Option("--from", help="Links dated on or after (yyyy-mm-dd).")]
ScopeTo = Annotated[str | None, typer.Option("--to", help="Links dated on or before (yyyy-mm-dd).")]


def _day(value: str | None):
    """A yyyy-mm-dd option as a date (None when not given)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise typer.BadParameter(f"not a date (yyyy-mm-dd): {value!r}") from None


def _scope(labels, types, dataset, date_from, date_to):
    """A queries.centrality.Scope from CLI options (dates checked here, names by the allow-list)."""
    from queries.centrality import Scope

    return Scope(labels=labels or None, rel_types=types or None, dataset=dataset, start=_day(date_from),
                 end=_day(date_to))


@app.command("centrality")
def centrality_command(
    metric: Annotated[str, typer.Option(help="degree, in_degree, out_degree, betweenness, closeness, harmonic, "
                                             "pagerank or eigenvector.")] = "degree",
    top: Annotated[int, typer.Option(help="How many entities to list.")] = 10,
    labels: ScopeLabels = None,
    types: ScopeTypes = None,
    dataset: ScopeDataset = None,
    date_from: ScopeFrom = None,
    date_to: ScopeTo = None,
    weight: Annotated[str | None, typer.Option(help="Numeric link property as weight (degree, pagerank, "
                                                    "eigenvector).")] = None,
    k: Annotated[int | None, typer.Option(help="Betweenness from k sampled sources (with --seed).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for the sample.")] = None,
    directed: Annotated[bool, typer.Option("--directed", help="Betweenness/closeness/harmonic along link "
                                                              "direction.")] = False,
    backend: Annotated[str, typer.Option(help="auto, networkx or igraph.")] = "auto",
    write: Annotated[str | None, typer.Option(help="Also store every score on the entities under this property "
                                                   "name (must start with score_).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ranking as JSON.")] = False,
) -> None:
    """Rank entities by a centrality measure over the whole graph or a filtered part of it."""
    from queries import centrality, structure

    options = {name: value for name, value in (("weight", weight), ("k", k), ("seed", seed)) if value is not None}
    if directed:
        options["directed"] = True
    with _store() as store:
        ranking = centrality.rank_in_store(store, metric, _scope(labels, types, dataset, date_from, date_to),
                                           top=top, backend=backend, **options)
        written = structure.write_property(store, write, ranking.scores, dataset=dataset) if write else None
    if as_json:
        print(json.dumps({"measure": ranking.measure, "backend": ranking.backend, "nodes": ranking.nodes,
                          "relationships": ranking.relationships, "options": ranking.options,
                          "top": [vars(s) for s in ranking.top], "written": written}, indent=2, default=str))
        return
    t = Table("#", "entity", "label", ranking.measure)
    for i, s in enumerate(ranking.top, start=1):
        t.add_row(str(i), str(s.caption or s.id), str(s.label or ""), f"{s.score:.6g}")
    out.print(t)
    out.print(f"{ranking.nodes:,} entities, {ranking.relationships:,} relationships; backend {ranking.backend}"
              + (f"; stored as {write} on {written:,} entities" if write else ""), highlight=False)


@app.command("structure")
def structure_command(
    analysis: Annotated[str, typer.Argument(help="communities, key-players, brokers, articulation-points, "
                                                 "bridges or components.")],
    k: Annotated[int, typer.Option(help="key-players: how many.")] = 3,
    group: Annotated[str, typer.Option(help="brokers: the node property (or 'label') that defines groups.")] = "label",
    method: Annotated[str, typer.Option(help="communities: louvain or leiden.")] = "louvain",
    seed: Annotated[int, typer.Option(help="communities: seed.")] = 0,
    write: Annotated[str | None, typer.Option(help="communities: also store each entity's community id under "
                                                   "this property (e.g. community).")] = None,
    top: Annotated[int, typer.Option(help="How many to list.")] = 10,
    labels: ScopeLabels = None,
    types: ScopeTypes = None,
    dataset: ScopeDataset = None,
    date_from: ScopeFrom = None,
    date_to: ScopeTo = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Network structure: communities, key players, brokers, articulation points, bridges, components."""
    from queries import structure

    scope = _scope(labels, types, dataset, date_from, date_to)
    with _store() as store:
        g = scope.project(store)
        captions = {n: d.get("caption") or n for n, d in g.nodes(data=True)}
        if analysis == "communities":
            found = structure.communities_in_store(store, scope, method=method, seed=seed, write_as=write)
            result = {"method": found.method, "modularity": found.modularity,
                      "groups": [sorted(captions.get(n, n) for n in grp) for grp in found.groups[:top]],
                      "count": len(found.groups)}
        elif analysis == "key-players":
            found = structure.key_players(g, k)
            result = {"players": [captions.get(p.id, p.id) for p in found.players],
                      "fragmentation_before": found.before, "fragmentation_after": found.after}
        elif analysis == "brokers":
            roles = structure.brokerage(g, group)
            ranked = sorted(roles.items(), key=lambda kv: (-kv[1].total, str(kv[0])))[:top]
            result = {"brokers": [{"entity": captions.get(n, n), "total": b.total, **vars(b)} for n, b in ranked
                                  if b.total]}
        elif analysis == "articulation-points":
            result = {"articulation_points": sorted(captions.get(n, n) for n in structure.articulation_points(g))}
        elif analysis == "bridges":
            result = {"bridges": sorted([captions.get(a, a), captions.get(b, b)] for a, b in structure.bridges(g))}
        elif analysis == "components":
            parts = structure.components(g)
            result = {"count": len(parts), "sizes": [len(c) for c in parts[:top]]}
        else:
            raise typer.BadParameter(f"unknown analysis {analysis!r}; known: communities, key-players, brokers, "
                                     "articulation-points, bridges, components")
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    for key, value in result.items():
        out.print(f"{key}: {value}", highlight=False)


@app.command("import-network")
def import_network(
    file: Annotated[Path, typer.Argument(help="Network file: edge list, adjacency matrix, GraphML or GEXF.")],
    fmt: Annotated[str, typer.Option("--format", help="edgelist, matrix, graphml or gexf.")],
    node_label: Annotated[str, typer.Option("--node-label", help="Schema label of every node (Person, Phone...).")],
    rel_type: Annotated[str, typer.Option("--rel-type", help="Schema relationship type of every edge "
                                          "(ASSOCIATED_WITH, CALLED...).")],
    directed: Annotated[bool | None, typer.Option("--directed/--undirected", help="Edge direction (default: the "
                                                  "file's own for graphml/gexf, directed otherwise).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Dataset name; part of every entity id (default: the file's "
                                                "stem).")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects report (default: FILE.rejects.csv).")] = None,
    source_col: Annotated[str | None, typer.Option("--source-col", help="Edge list: source column "
                                                   "(default: source).")] = None,
    target_col: Annotated[str | None, typer.Option("--target-col", help="Edge list: target column "
                                                   "(default: target).")] = None,
    weight_col: Annotated[str | None, typer.Option("--weight-col", help="Edge list column or graph edge attribute "
                                                   "with weights (default: weight, if present; '' = ignore).")] = None,
    time_col: Annotated[str | None, typer.Option("--time-col", help="Edge list column or graph edge attribute with "
                                                 "dates (default: date or time, if present; '' = ignore).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import a network file: nodes of one label, edges of one relationship type; bad rows to a rejects report."""
    from loaders.networks import FORMATS
    from loaders.networks import import_network as run_import

    if fmt not in FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(FORMATS)}", param_hint="--format")
    with _store() as store, _row_progress(as_json) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        summary = run_import(store, file, fmt, node_label, rel_type, dataset=dataset, directed=directed,
                             rejects_path=rejects, source_col=source_col, target_col=target_col,
                             weight_col=weight_col, time_col=time_col, progress=lambda n: bar.advance(task, n))
    result = summary.as_dict()
    if as_json:
        print(json.dumps(result, indent=2))
        return
    out.print(f"dataset {result['dataset']}: {result['rows_read']:,} edge rows read, {result['edges_loaded']:,} "
              f"loaded, {result['rows_rejected']:,} rejected; {result['nodes']:,} {node_label} names; "
              f"{result['nodes_created']:,} nodes and {result['relationships_created']:,} {rel_type} "
              f"relationships created ({'directed' if summary.directed else 'undirected'})", highlight=False)
    if summary.rejects_report:
        out.print(f"rejects: {summary.rejects_report}", highlight=False)


# -- entity resolution ---------------------------------------------------------------------------
@resolve_app.command("candidates")
def resolve_candidates(
    label: Annotated[str | None, typer.Option(help="Label to look in (default: Person and Organization).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only this dataset.")] = None,
    threshold: Annotated[float, typer.Option(help="Minimum name similarity, 0-100.")] = 85.0,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List likely duplicate entities with a score and the evidence; nothing is merged."""
    from loaders.resolve import candidates

    with _store() as store:
        found = candidates(store, label=label, dataset=dataset, threshold=threshold, limit=limit)
    if as_json:
        print(json.dumps([c.as_dict() for c in found], indent=2, ensure_ascii=False))
        return
    t = Table("score", "label", "entity A", "entity B", "evidence")
    for c in found:
        t.add_row(f"{c.score:.0f}", c.label, f"{c.a_caption}\n{c.a}", f"{c.b_caption}\n{c.b}", "\n".join(c.evidence))
    out.print(t)
    out.print(f"{len(found)} candidate pair(s); merge one with `chokepoint resolve merge KEEP OTHER --why ...`")


@resolve_app.command("merge")
def resolve_merge(
    keep: Annotated[str, typer.Argument(help="Id of the entity to keep.")],
    other: Annotated[str, typer.Argument(help="Id of the entity merged into it.")],
    why: Annotated[str, typer.Option("--why", help="The reason, kept with the decision.")],
    who: Annotated[str | None, typer.Option(help="Who decides (default: the login name).")] = None,
) -> None:
    """Merge OTHER into KEEP, recording who, when and why (undo with `resolve split`)."""
    from loaders.resolve import merge

    with _store() as store:
        decision = merge(store, keep, other, why=why, who=who)
    out.print(f"merged {other} into {keep}: decision {decision}", highlight=False)


@resolve_app.command("split")
def resolve_split(
    decision: Annotated[str, typer.Argument(help="Id of the merge decision to undo.")],
    why: Annotated[str, typer.Option("--why", help="The reason, kept with the decision.")],
    who: Annotated[str | None, typer.Option(help="Who decides (default: the login name).")] = None,
) -> None:
    """Undo a merge: both entities and their links as they were before it."""
    from loaders.resolve import split

    with _store() as store:
        split(store, decision, why=why, who=who)
    out.print(f"split: decision {decision} undone", highlight=False)


@resolve_app.command("decisions")
def resolve_decisions(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Every merge decision with who, when, why and whether it was undone."""
    from loaders.resolve import decisions

    with _store() as store:
        rows = decisions(store)
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    t = Table("decision", "status", "kept", "merged", "who", "when", "why")
    for d in rows:
        t.add_row(d["id"], d["status"], d["kept_caption"], d["merged_caption"], d["who"], d["at"], d["why"])
    out.print(t)


# -- saved queries (queries/saved.py) ------------------------------------------------- begin --
query_app = typer.Typer(help="Saved, reviewed Cypher queries with typed parameters, run read-only "
                             "(built in, and in $CHOKEPOINT_QUERIES).", no_args_is_help=True)
app.add_typer(query_app, name="query")


@query_app.command("list")
def query_list(
    tag: Annotated[str | None, typer.Option(help="Only queries with this tag.")] = None,
    search: Annotated[str | None, typer.Option(help="Only queries whose name, title, description or tags "
                                                    "contain this text.")] = None,
) -> None:
    """The saved queries: built in, and in $CHOKEPOINT_QUERIES (which replace built-in ones by name)."""
    from queries.saved import saved_queries

    found = saved_queries(search=search, tag=tag)
    t = Table("name", "title", "tags", "parameters", "source")
    for q in found:
        source = q.source + (" (replaces built-in)" if q.replaces else "")
        t.add_row(Text(q.name), Text(q.title), Text(", ".join(q.tags)), Text(", ".join(p.name for p in q.params)),
                  Text(source))
    out.print(t)
    out.print(f"{len(found)} saved quer{'y' if len(found) == 1 else 'ies'}; see one with "
              "`chokepoint query show NAME`", highlight=False)


@query_app.command("show")
def query_show(name: Annotated[str, typer.Argument(help="Saved query name.")]) -> None:
    """A saved query's header, parameters and Cypher."""
    from queries.saved import get

    q = get(name)
    out.print(Text(q.title, style="bold"))
    out.print(f"name: {q.name}    tags: {', '.join(q.tags) or '-'}    source: {q.source} ({q.path})",
              highlight=False, markup=False)
    if q.replaces:
        out.print(f"replaces the built-in {q.replaces}", highlight=False, markup=False)
    if q.description:
        out.print(q.description, highlight=False, markup=False)
    t = Table("parameter", "type", "default", "help")
    for p in q.params:
        t.add_row(Text(p.name), Text(p.type), Text(p.default_text), Text(p.help))
    out.print(t)
    print(q.cypher)


_FORMATS = ("table", "csv", "json")
_FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv (lists joined by ';') or json "
                                                                "(columns, rows, cap, graph elements).")]
_LimitOpt = Annotated[int, typer.Option(min=1, help="At most this many rows (the rest are counted as 'more').")]
_TimeoutOpt = Annotated[float, typer.Option(help="Seconds before Neo4j stops the query.")]


@query_app.command("run")
def query_run(
    name: Annotated[str, typer.Argument(help="Saved query name.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A parameter as key=value (repeat "
                                                    "for several; lists as a;b).")] = None,
    fmt: _FormatOpt = "table",
    limit: _LimitOpt = 1000,
    timeout: _TimeoutOpt = 30.0,
) -> None:
    """Run a saved query read-only with parameters; at most --limit rows, stopped after --timeout seconds."""
    from queries.saved import get, run

    fmt = _query_format(fmt, timeout)
    raw = _key_values(param)
    query = get(name)
    with _store() as store:
        result = run(store, query, raw, limit=limit, timeout=timeout)
    _print_query_result(result, fmt, query.title)


@app.command("cypher")
def cypher(
    statement: Annotated[str, typer.Argument(metavar="CYPHER", help="One read-only Cypher statement, e.g. "
                                             "\"MATCH (p:Person) RETURN p LIMIT 5\".")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="A parameter as key=value (repeat for several). Values are text unless they "
        "are JSON numbers or booleans (3, 2.5, true); quote a number to keep it text: code='\"2504\"'. "
        "Dates stay text: use date($day) in the query.")] = None,
    fmt: _FormatOpt = "table",
    limit: _LimitOpt = 1000,
    timeout: _TimeoutOpt = 30.0,
) -> None:
    """Run ad-hoc Cypher read-only, like a saved query: refused unless Neo4j plans it as a read (no LOAD
    CSV), in a READ transaction, at most --limit rows, stopped after --timeout seconds."""
    from queries.saved import cypher_params, run_cypher

    fmt = _query_format(fmt, timeout)
    values = cypher_params(_key_values(param))
    with _store() as store:
        result = run_cypher(store, statement, values, limit=limit, timeout=timeout)
    _print_query_result(result, fmt, "cypher")


def _query_format(fmt: str, timeout: float) -> str:
    if fmt.lower() not in _FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(_FORMATS)}", param_hint="--format")
    if not timeout > 0:
        raise typer.BadParameter(f"must be more than 0 seconds, got {timeout:g}", param_hint="--timeout")
    return fmt.lower()


def _key_values(items: list[str] | None) -> dict[str, str]:
    raw: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        if key.strip() in raw:
            raise typer.BadParameter(f"{key.strip()!r} given twice", param_hint="--param")
        raw[key.strip()] = value
    return raw


def _print_query_result(result, fmt: str, title: str) -> None:
    """The result as JSON, CSV (the cap noted on stderr) or a table with its row and graph counts."""
    import csv

    if fmt == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([cell_text(v) for v in row] for row in result.rows)
        if result.capped:
            err.print(result.note, highlight=False)
        return
    t = Table(*result.columns, title=title)
    for row in result.rows:
        t.add_row(*(Text(display_text(v)) for v in row))
    out.print(t)
    out.print(f"{result.note}; {result.graph_note}", highlight=False)


# -- saved queries --------------------------------------------------------------------- end --


# -- the app -----------------------------------------------------------------------------------
users_app = typer.Typer(help="Users of the web app: scrypt password hashes for basic auth.", no_args_is_help=True)
app.add_typer(users_app, name="users")
UsersFile = Annotated[Path | None, typer.Option("--file", help="The users file [default: $CHOKEPOINT_USERS_FILE].")]


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _users_file(file: Path | None) -> Path:
    from app import auth

    path = file or (Path(os.environ[auth.USERS_FILE_ENV]) if os.environ.get(auth.USERS_FILE_ENV) else None)
    if path is None:
        raise ChokepointError(f"say which users file: --file FILE or {auth.USERS_FILE_ENV}")
    return path


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, _.@+-).")],
    file: UsersFile = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of stdin instead of prompting.")] = False,
) -> None:
    """Add a user to the users file (or change their password); the file is kept at mode 0600."""
    from app import auth

    path = _users_file(file)
    if path.exists():
        auth.read_users(path)              # refuse to append to a file that is not a users file
    existed = auth.write_user(path, name, auth.hash_password(_read_password(password_stdin)))
    out.print(f"{'changed the password of' if existed else 'added'} {name} in {path}; serve with "
              f"{auth.USERS_FILE_ENV}={path}", highlight=False)


@users_app.command("remove")
def users_remove(name: Annotated[str, typer.Argument(help="User name.")], file: UsersFile = None) -> None:
    """Remove a user from the users file."""
    from app import auth

    path = _users_file(file)
    users = auth.read_users(path)
    if name not in users:
        raise ChokepointError(f"{path} has no user {name!r}")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip().partition(":")[0] != name]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out.print(f"removed {name} from {path}", highlight=False)


@users_app.command("list")
def users_list(file: UsersFile = None) -> None:
    """The user names in the users file (never their hashes)."""
    from app import auth

    for name in auth.read_users(_users_file(file)):
        out.print(name, highlight=False)


@users_app.command("hash")
def users_hash(
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first "
                                                 "line of stdin instead of prompting.")] = False,
) -> None:
    """Print the scrypt hash of a password, for a NAME:HASH line of CHOKEPOINT_USERS_FILE or CHOKEPOINT_USERS."""
    from app import auth

    out.print(auth.hash_password(_read_password(password_stdin)), highlight=False, soft_wrap=True)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to bind (anything but loopback needs authentication).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8050,
    debug: Annotated[bool, typer.Option("--debug", help="Dash debug mode (reloader, dev tools).")] = False,
) -> None:
    """Serve the explorer web app."""
    from app import auth
    from app.main import create_app

    config = auth.config_from_env()
    unauthenticated_bind = os.environ.get("CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND") == "1"
    if host not in LOOPBACK and not config.enabled and not unauthenticated_bind:
        raise ChokepointError(
            f"refusing to bind {host} without authentication: set {auth.USERS_FILE_ENV} (users from "
            f"`chokepoint users add NAME`), {auth.USERS_ENV} or {auth.HEADER_ENV}, or bind 127.0.0.1")
    store = _store()
    out.print(f"Chokepoint on http://{host}:{port}/ (Neo4j {store.where})", highlight=False)
    if config.enabled:
        out.print(f"authentication: {config.describe()}", highlight=False, soft_wrap=True)
    elif host not in LOOPBACK:
        err.print(f"[bold yellow]warning:[/] no authentication on {host} (CHOKEPOINT_ALLOW_UNAUTHENTICATED_BIND=1: "
                  "only for a container whose port is published on the host's loopback)", highlight=False)
    else:
        out.print("authentication: none (loopback only)", highlight=False)
    create_app(store, config).run(host=host, port=port, debug=debug)


if __name__ == "__main__":
    main()
