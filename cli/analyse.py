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
    from chokepoint.queries import paths

    with open_store() as store:
        a, b = paths.find_entity(store, source), paths.find_entity(store, target)
        f = paths.PathFilter(rel_types=tuple(types) if types else None, labels=tuple(labels) if labels else None,
                             direction=direction, start=day(date_from), end=day(date_to),
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
    from chokepoint.graph.values import jsonable
    from chokepoint.queries import paths, routes

    with open_store() as store:
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
    from chokepoint.queries import paths, routes

    if (remove is None) == (best is None):
        raise typer.BadParameter("give --remove X... or --best K (one of them)")
    with open_store() as store:
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


def _scope(labels, types, dataset, date_from, date_to):
    """A Scope from CLI options (dates checked here, names by the allow-list)."""
    from chokepoint.graph.projection import Scope

    return Scope(labels=labels or None, rel_types=types or None, dataset=dataset, start=day(date_from),
                 end=day(date_to))


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
    from chokepoint.queries import centrality, structure

    options = {name: value for name, value in (("weight", weight), ("k", k), ("seed", seed)) if value is not None}
    if directed:
        options["directed"] = True
    with open_store() as store:
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
    from chokepoint.queries import structure

    scope = _scope(labels, types, dataset, date_from, date_to)
    with open_store() as store:
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
