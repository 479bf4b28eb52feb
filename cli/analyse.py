"""Commands that analyse the graph: paths, supply routes, disruption, centrality, structure."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import app, day, open_store, out


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
    from chokepoint.cases import paths

    mode = "time" if time_respecting else "all" if all_ else "k"
    f = paths.path_filter(types, labels, direction, day(date_from), day(date_to), avoid, dataset)
    with open_store() as store:
        found = paths.path_report(store, source, target, mode, f, k=k, max_hops=max_hops, max_gap=max_gap,
                                  weight=weight if mode == "k" else None, limit=limit, by_name=True).paths
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
    from chokepoint.cases import routes

    with open_store() as store:
        report = routes.routes_report(store, sources, sinks, dataset, by_name=True, remove=remove or (),
                                      max_hops=max_hops, max_gap=max_gap)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2))
        return
    flow, change, names = report.flow, report.what_if, report.caption
    out.print(f"{report.found} time-respecting route(s)", highlight=False)
    for g in report.corridors:
        out.print(f"  via {', '.join(g.ports) or '(no port of entry)'}: {g.routes} route(s), "
                  f"{g.kg:,.1f} kg, arriving {g.first} to {g.last}", highlight=False)
    out.print(f"max flow {flow.value:,.1f} kg; the minimum cut:", highlight=False)
    for a, b, c in flow.cut_links:
        out.print(f"  {names(a)} -> {names(b)} ({c:,.1f} kg)", highlight=False)
    out.print("most flow through: " + ", ".join(f"{names(n)} ({f:,.1f})" for n, f in flow.throughput[:10]),
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
    from chokepoint.cases import routes

    if (remove is None) == (best is None):
        raise typer.BadParameter("give --remove X... or --best K (one of them)")
    with open_store() as store:
        change = routes.disruption_report(store, sources, sinks, dataset, remove=remove, best=best, by_name=True)
    if as_json:
        print(json.dumps(change.as_dict(), indent=2))
        return
    out.print("removed: " + ", ".join(f"{change.captions.get(n, n)}" for n in change.removed), highlight=False)
    for key in change.before:
        out.print(f"  {key}: {change.before[key]:,} -> {change.after[key]:,}", highlight=False)


# Options shared by the commands that analyse a scope of the graph (centrality, structure).
ScopeLabels = Annotated[list[str] | None, typer.Option("--label", help="Only entities of this label (repeat).")]
ScopeTypes = Annotated[list[str] | None, typer.Option("--type", help="Only this relationship type (repeat).")]
ScopeDataset = Annotated[str | None, typer.Option(help="Only this dataset.")]
ScopeFrom = Annotated[str | None, typer.Option("--from", help="Links dated on or after (yyyy-mm-dd).")]
ScopeTo = Annotated[str | None, typer.Option("--to", help="Links dated on or before (yyyy-mm-dd).")]


def _scope(labels, types, dataset, date_from, date_to):
    """A Scope from CLI options (dates checked here, names by the allow-list)."""
    from chokepoint.cases.scope import scope

    return scope(labels, types, dataset, day(date_from), day(date_to))


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
    from chokepoint.cases.ranking import ranking as rank

    options = {name: value for name, value in (("weight", weight), ("k", k), ("seed", seed)) if value is not None}
    if directed:
        options["directed"] = True
    with open_store() as store:
        report = rank(store, metric, _scope(labels, types, dataset, date_from, date_to), top=top, backend=backend,
                      write=write, **options)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
        return
    ranking, written = report.ranking, report.written
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
    from chokepoint.cases import structure

    scope = _scope(labels, types, dataset, date_from, date_to)
    if analysis not in structure.ANALYSES:
        raise typer.BadParameter(f"unknown analysis {analysis!r}; known: communities, key-players, brokers, "
                                 "articulation-points, bridges, components")
    with open_store() as store:
        result = structure.structure_report(store, analysis, scope, k=k, group=group, method=method, seed=seed,
                                            write=write, top=top).as_dict(top)
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    for key, value in result.items():
        out.print(f"{key}: {value}", highlight=False)
