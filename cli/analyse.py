"""Commands that analyse the graph: paths, supply routes, disruption, centrality, structure."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli import missing_data as missing
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
    remove: Annotated[list[str] | None, typer.Option(help="Entity removed (id or name, within the scope; "
                                                          "repeat).")] = None,
    sources: Annotated[list[str] | None, typer.Option("--from", help="Flow source (id or name; repeat): adds "
                                                                     "the flow figures.")] = None,
    sinks: Annotated[list[str] | None, typer.Option("--to", help="Flow sink (id or name; repeat).")] = None,
    best: Annotated[int | None, typer.Option(help="With --from/--to: choose the K removals that cut the most flow "
                                                  "(greedy).")] = None,
    attack: Annotated[str | None, typer.Option(help="Attack curve: betweenness, degree, closeness, pagerank, "
                                                    "collective-influence or random.")] = None,
    steps: Annotated[int, typer.Option(help="Attack: how many removals.")] = 10,
    mode: Annotated[str, typer.Option(help="Attack: sequential (recompute after each removal) or block "
                                           "(rank once).")] = "sequential",
    weighted: Annotated[bool, typer.Option("--weighted", help="Attack by degree or pagerank: use link "
                                                              "weights.")] = False,
    seed: Annotated[int, typer.Option(help="Random attack, missing data: run r draws with seed + r.")] = 0,
    runs: Annotated[int, typer.Option(help="Random attack, missing data: how many runs.")] = 100,
    efficiency: Annotated[bool, typer.Option("--efficiency/--no-efficiency",
                                             help="Random attack: compute efficiency at every step.")] = True,
    recover: Annotated[str | None, typer.Option(help="After the removals (--remove or --attack), let the network "
                                                     "recover: triadic, preferential or replace.")] = None,
    rounds: Annotated[int, typer.Option(help="Recovery: how many rounds.")] = 5,
    probability: Annotated[float, typer.Option(help="Recovery triadic: chance a pair of the removed entity's "
                                                    "former neighbours links in a round.")] = 0.5,
    newcomers: Annotated[int, typer.Option(help="Recovery preferential: new entities per round.")] = 1,
    attach: Annotated[int | None, typer.Option(help="Recovery preferential: links per newcomer (default: links / "
                                                    "entities of the intact graph).")] = None,
    heir: Annotated[str, typer.Option(help="Recovery replace: the heir is the former neighbour of highest degree "
                                           "or betweenness.")] = "degree",
    labels: Annotated[list[str] | None, typer.Option("--label", help="Only entities of this label "
                                                                     "(repeat).")] = None,
    types: Annotated[list[str] | None, typer.Option("--type", help="Only this relationship type (repeat).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only this dataset (names resolve within it).")] = None,
    start: Annotated[str | None, typer.Option(help="Links dated on or after (yyyy-mm-dd).")] = None,
    end: Annotated[str | None, typer.Option(help="Links dated on or before (yyyy-mm-dd).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the result as CSV.")] = False,
    missing_nodes: missing.MissingNodes = None,
    missing_links: missing.MissingLinks = None,
) -> None:
    """What-if removals (structural figures, and flow with --from/--to), attack curves, and recovery after
    removals, on any scope."""
    from chokepoint.cases import disruption

    where = _scope(labels, types, dataset, start, end)
    thinning = missing.thinning(missing_nodes, missing_links, runs, seed)
    if thinning is not None:
        if recover is not None:
            raise typer.BadParameter("--missing-nodes/--missing-links do not go with --recover")
        if sources or sinks or best is not None or (attack is not None and remove):
            raise typer.BadParameter("--missing-nodes/--missing-links go with --remove or --attack only")
        return _disrupt_missing(where, remove or (), attack, steps, mode, weighted, thinning, as_json, as_csv)
    if recover is not None:
        if best is not None or (attack is None) == (not remove):
            raise typer.BadParameter("--recover follows removals: give --remove X... or --attack STRATEGY (not --best)")
        with open_store() as store:
            report = disruption.recovery(store, where, recover, rounds, remove=remove or (), attack=attack,
                                         steps=steps, mode=mode, weighted=weighted, runs=runs, seed=seed,
                                         probability=probability, newcomers=newcomers, attach=attach, heir=heir,
                                         sources=sources or (), sinks=sinks or ())
        if as_json:
            print(json.dumps(report.as_dict(), indent=2, default=str))
        elif as_csv:
            print(report.csv(), end="")
        else:
            _print_recovery(report)
        return
    if attack is not None and (remove or sources or sinks or best is not None):
        raise typer.BadParameter("--attack runs alone: not with --remove, --best, --from or --to")
    if attack is None and not remove and best is None:
        raise typer.BadParameter("give --remove X..., --best K (with --from/--to) or --attack STRATEGY")
    with open_store() as store:
        if attack is not None:
            report = disruption.attack(store, where, attack, steps, mode=mode, weighted=weighted, seed=seed,
                                       runs=runs, efficiency=efficiency)
        else:
            report = disruption.what_if(store, where, remove or (), sources=sources or (), sinks=sinks or (),
                                        best=best)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, default=str))
    elif as_csv:
        print(report.csv(), end="")
    elif attack is not None:
        _print_attack(report)
    else:
        _print_what_if(report)


def _disrupt_missing(where, remove, attack, steps, mode, weighted, thinning, as_json: bool, as_csv: bool) -> None:
    from chokepoint.cases import missing_data

    with open_store() as store:
        report = missing_data.attack(store, where, thinning, attack, steps, mode=mode, weighted=weighted) \
            if attack is not None else missing_data.what_if(store, where, remove, thinning)
    missing.show(report, as_json, as_csv)


def _print_what_if(report) -> None:
    out.print("removed: " + ", ".join(f"{report.captions.get(n) or n}" for n in report.removed), highlight=False)
    t = Table("figure", "before", "after")
    after = report.after.as_dict()
    for key, value in report.before.as_dict().items():
        t.add_row(key, f"{value:,.6g}", f"{after[key]:,.6g}")
    if report.flow:
        for key, value in report.flow.before.items():
            t.add_row(f"flow: {key}", f"{value:,}", f"{report.flow.after[key]:,}")
    out.print(t)
    out.print("on the undirected simple graph of the scope", highlight=False)


def _print_attack(report) -> None:
    curve, data = report.curve, report.as_dict()
    if curve.strategy == "random":
        t = Table("step", "largest (mean)", "share mean [5%, 95%]", "components", "efficiency mean [5%, 95%]")
        for s in curve.steps:
            eff = "-" if s.efficiency_mean is None else \
                f"{s.efficiency_mean:.4f} [{s.efficiency_low:.4f}, {s.efficiency_high:.4f}]"
            t.add_row(str(s.step), f"{s.largest_mean:.1f}", f"{s.share_mean:.4f} [{s.share_low:.4f}, "
                      f"{s.share_high:.4f}]", f"{s.components_mean:.1f}", eff)
        out.print(t)
        out.print(f"robustness R {curve.robustness_mean:.4f} [{curve.robustness_low:.4f}, {curve.robustness_high:.4f}]"
                  f" over {curve.runs} runs from seed {curve.seed}", highlight=False)
        return
    t = Table("step", "removed", "score", "largest", "share", "components", "efficiency")
    for s, row in zip(curve.steps, data["steps"]):
        t.add_row(str(s.step), str(row["caption"] or s.removed), f"{s.score:.6g}", str(s.largest),
                  f"{s.largest_share:.4f}", str(s.components), f"{s.efficiency:.4f}")
    out.print(t)
    out.print(f"{curve.strategy} ({curve.mode}{', weighted' if curve.weighted else ''}); initial: "
              f"{curve.initial.entities:,} entities, largest component {curve.initial.largest:,}; robustness R "
              f"{curve.robustness:.4f}, mean share {curve.mean_share:.4f}; backend {curve.backend}", highlight=False)


def _print_recovery(report) -> None:
    r, flow = report.recovery, report.flow
    out.print("removed: " + ", ".join(f"{report.captions.get(n) or n}" for n in r.removed), highlight=False)
    banded = r.rounds[0].low is not None
    keys = ("entities", "links", "components", "largest", "largest_share", "fragmentation", "efficiency",
            "average_path_length", "density")
    head = ["round", "entities", "links", "components", "largest", "share", "fragmentation", "efficiency",
            "path length", "density"]
    t = Table(*head, *(["share [5%, 95%]"] if banded else []), *(["max flow"] if flow else []))
    flows = [flow["intact"], flow["after"], *(f["max_flow"] for f in flow["rounds"])] if flow else []
    for i, (name, f, x) in enumerate([("intact", r.before, None), ("0", r.after, None),
                                      *((str(x.round), x.figures, x) for x in r.rounds)]):
        cells = [f"{getattr(f, k):,.4g}" for k in keys]
        if banded:
            cells.append(f"[{x.low.largest_share:.4g}, {x.high.largest_share:.4g}]" if x else "")
        if flow:
            cells.append(f"{flows[i]:,.4g}")
        t.add_row(name, *cells)
    out.print(t)
    heirs = [f"round {x.round}: {report.captions.get(h) or h or '(nobody left)'} takes over from "
             f"{report.captions.get(v) or v}" for x in r.rounds for v, h in x.heirs]
    if heirs:
        out.print("; ".join(heirs), highlight=False)
    how = f"means over {r.runs} runs from seed {r.seed}" if banded else "deterministic"
    out.print(f"recovery {r.rule} ({', '.join(f'{k} {v}' for k, v in r.parameters.items())}), {len(r.rounds)} "
              f"round(s), {how}; on the undirected simple graph of the scope", highlight=False)


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
    seed: Annotated[int | None, typer.Option(help="Seed for the sample; missing data: run r thins with seed + r "
                                                  "(default 0).")] = None,
    directed: Annotated[bool, typer.Option("--directed", help="Betweenness/closeness/harmonic along link "
                                                              "direction.")] = False,
    backend: Annotated[str, typer.Option(help="auto, networkx or igraph.")] = "auto",
    write: Annotated[str | None, typer.Option(help="Also store every score on the entities under this property "
                                                   "name (must start with score_).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the ranking as JSON.")] = False,
    missing_nodes: missing.MissingNodes = None,
    missing_links: missing.MissingLinks = None,
    runs: missing.Runs = None,
) -> None:
    """Rank entities by a centrality measure over the whole graph or a filtered part of it."""
    from chokepoint.cases.ranking import ranking as rank

    options = {name: value for name, value in (("weight", weight), ("k", k), ("seed", seed)) if value is not None}
    if directed:
        options["directed"] = True
    thinning = _thinning(missing_nodes, missing_links, runs, seed, write)
    if thinning is not None:
        if k is None:
            options.pop("seed", None)   # the seed thins the copies; it samples betweenness only with --k
        return _centrality_missing(metric, _scope(labels, types, dataset, date_from, date_to), thinning, top,
                                   backend, options, as_json)
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


def _thinning(nodes, links, runs, seed, write):
    thinning = missing.thinning(nodes, links, runs, seed)
    if thinning is None and runs is not None:
        raise typer.BadParameter("--runs counts thinned copies: give --missing-nodes and/or --missing-links")
    if thinning is not None and write:
        raise typer.BadParameter("--write stores the full data's values: not with --missing-nodes/--missing-links")
    return thinning


def _centrality_missing(metric, where, thinning, top, backend, options, as_json) -> None:
    from chokepoint.cases import missing_data

    with open_store() as store:
        missing.show(missing_data.centrality(store, metric, where, thinning, top=top, backend=backend, **options),
                     as_json)


@app.command("structure")
def structure_command(
    analysis: Annotated[str, typer.Argument(help="communities, key-players, brokers, articulation-points, "
                                                 "bridges or components.")],
    k: Annotated[int, typer.Option(help="key-players: how many.")] = 3,
    group: Annotated[str, typer.Option(help="brokers: the node property (or 'label') that defines groups.")] = "label",
    method: Annotated[str, typer.Option(help="communities: louvain or leiden.")] = "louvain",
    seed: Annotated[int, typer.Option(help="communities: seed; missing data: run r thins with seed + r.")] = 0,
    write: Annotated[str | None, typer.Option(help="communities: also store each entity's community id under "
                                                   "this property (e.g. community).")] = None,
    top: Annotated[int, typer.Option(help="How many to list.")] = 10,
    labels: ScopeLabels = None,
    types: ScopeTypes = None,
    dataset: ScopeDataset = None,
    date_from: ScopeFrom = None,
    date_to: ScopeTo = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    missing_nodes: missing.MissingNodes = None,
    missing_links: missing.MissingLinks = None,
    runs: missing.Runs = None,
) -> None:
    """Network structure: communities, key players, brokers, articulation points, bridges, components."""
    from chokepoint.cases import structure

    scope = _scope(labels, types, dataset, date_from, date_to)
    if analysis not in structure.ANALYSES:
        raise typer.BadParameter(f"unknown analysis {analysis!r}; known: communities, key-players, brokers, "
                                 "articulation-points, bridges, components")
    thinning = _thinning(missing_nodes, missing_links, runs, seed, write)
    if thinning is not None:
        from chokepoint.cases import missing_data

        with open_store() as store:
            report = missing_data.structure(store, analysis, scope, thinning, k=k, group=group, top=top)
        return missing.show(report, as_json)
    with open_store() as store:
        result = structure.structure_report(store, analysis, scope, k=k, group=group, method=method, seed=seed,
                                            write=write, top=top).as_dict(top)
    if as_json:
        print(json.dumps(result, indent=2, default=str))
        return
    for key, value in result.items():
        out.print(f"{key}: {value}", highlight=False)
