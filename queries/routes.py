"""Goods routes: who ships to whom, the volume through each port of entry, and chokepoints.

The goods graph is the ``SHIPPED_TO`` links (one per shipment leg, in the direction goods move).
A chokepoint set is the fewest entities whose removal leaves no route from any source to any sink
(a minimum vertex cut, by max flow on the node-split graph; sources and sinks themselves are never
cut). Supply routes are time-respecting chains of legs from sources to sinks, grouped by the ports of
entry they cross; the flow view puts each leg's courier and port on its way (place -> courier -> port
-> place, capacity = kilograms), so max flow, the minimum cut and what-if removals can name people and
ports as well as places.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx

from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.audit import logged

__all__ = ["PortVolume", "Route", "FlowResult", "WhatIf", "goods_graph", "minimum_cut", "between", "chokepoints",
           "port_volumes", "supply_routes", "routes_by_corridor", "flow_graph", "max_flow", "what_if",
           "best_removals",
           "ROLES", "route_ends", "describe", "goods_datasets", "Chain", "route_chains"]

_GOODS = """
MATCH (a:Entity)-[r:SHIPPED_TO]->(b:Entity)
WHERE $dataset IS NULL OR r.dataset = $dataset
WITH DISTINCT a, b
RETURN collect(a.id) AS sources, collect(b.id) AS targets
"""

_PORT_VOLUMES = """
MATCH (s:Shipment)-[e:ENTERED_AT]->(p:PortOfEntry)
WHERE ($dataset IS NULL OR e.dataset = $dataset)
  AND ($start IS NULL OR e.date >= $start) AND ($end IS NULL OR e.date <= $end)
RETURN p.code AS code, p.name AS name, sum(coalesce(s.quantity, 0.0)) AS kg, count(DISTINCT s) AS shipments
ORDER BY kg DESC, code
"""


@dataclass(frozen=True)
class PortVolume:
    code: str
    name: str | None
    kg: float
    shipments: int


def goods_graph(store: Store, dataset: str | None = None) -> nx.DiGraph:
    """Entity ids linked by ``SHIPPED_TO`` (one edge per pair, however many shipments)."""
    row = store.read(_GOODS, dataset=dataset)[0]
    g = nx.DiGraph()
    g.add_edges_from(zip(row["sources"], row["targets"]))
    return g


def minimum_cut(graph: nx.DiGraph, sources: Iterable[str], sinks: Iterable[str]) -> set[str]:
    """The fewest nodes, other than ``sources`` and ``sinks``, whose removal leaves no directed path from
    a source to a sink; empty when there is no such path (or no way to cut it without an end)."""
    sources = [n for n in sources if n in graph]
    sinks = [n for n in sinks if n in graph]
    s, t = ("__source__",), ("__sink__",)
    g = nx.DiGraph(graph)
    g.add_edges_from((s, n) for n in sources)
    g.add_edges_from((n, t) for n in sinks)
    if not sources or not sinks or not nx.has_path(g, s, t):
        return set()
    ends = {s, t, *sources, *sinks}
    big = g.number_of_nodes() + 1
    split = nx.DiGraph()
    for n in g:
        split.add_edge((n, "in"), (n, "out"), capacity=big if n in ends else 1)
    for a, b in g.edges:
        split.add_edge((a, "out"), (b, "in"), capacity=big)
    value, (reach, _) = nx.minimum_cut(split, (s, "out"), (t, "in"))
    if value >= big:
        return set()
    return {n for n in g if (n, "in") in reach and (n, "out") not in reach}


def between(graph: nx.DiGraph, sources: Iterable[str], sinks: Iterable[str]) -> set[str]:
    """Entities on some way from a source to a sink (the ends included).

    >>> sorted(between(nx.DiGraph([("a", "b"), ("b", "c"), ("b", "x"), ("y", "c")]), ["a"], ["c"]))
    ['a', 'b', 'c']
    """
    sources = [s for s in sources if s in graph]
    sinks = [t for t in sinks if t in graph]
    down = set(sources).union(*(nx.descendants(graph, s) for s in sources))
    up = set(sinks).union(*(nx.ancestors(graph, t) for t in sinks))
    return down & up


def chokepoints(store: Store, sources: Iterable[str], sinks: Iterable[str], dataset: str | None = None) -> set[str]:
    """Ids of the fewest entities on every goods route from ``sources`` to ``sinks`` (entity ids)."""
    return minimum_cut(goods_graph(store, dataset), sources, sinks)


def port_volumes(store: Store, dataset: str | None = None, start: dt.date | None = None,
                 end: dt.date | None = None) -> list[PortVolume]:
    """Kilograms and shipments entering at each port of entry, between ``start`` and ``end`` inclusive."""
    return [PortVolume(r["code"], r["name"], r["kg"], r["shipments"])
            for r in store.read(_PORT_VOLUMES, dataset=dataset, start=start, end=end)]


# -- supply routes, flow and what-if ----------------------------------------------------------
_ROUTES = """
MATCH p = (a:Entity)-[:SHIPPED_TO*1..%(hops)s]->(b:Entity)
WHERE a.id IN $sources AND b.id IN $sinks
  AND all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
  AND all(r IN relationships(p) WHERE ($dataset IS NULL OR r.dataset = $dataset)
          AND ($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end))
  AND %(time_order)s
WITH p LIMIT $limit
RETURN [n IN nodes(p) | {id: n.id, label: [l IN labels(n) WHERE l <> 'Entity'][0], caption: n.caption}] AS places,
       [r IN relationships(p) | {shipment_id: r.shipment_id, date: r.date, quantity: r.quantity, unit: r.unit,
            port: head([(s:Shipment {shipment_id: r.shipment_id})-[:ENTERED_AT]->(e:PortOfEntry)
                        WHERE s.dataset = r.dataset | e.code])}] AS legs
"""

_LEGS = """
MATCH (a:Entity)-[r:SHIPPED_TO]->(b:Entity)
WHERE ($dataset IS NULL OR r.dataset = $dataset)
  AND ($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end)
OPTIONAL MATCH (s:Shipment {shipment_id: r.shipment_id}) WHERE s.dataset = r.dataset
OPTIONAL MATCH (s)-[:ENTERED_AT]->(e:PortOfEntry)
OPTIONAL MATCH (s)-[:TRANSPORTED_BY]->(c:Person)
WITH a, b, r, head(collect(DISTINCT e.id)) AS port, head(collect(DISTINCT c.id)) AS courier
RETURN collect([a.id, b.id, r.date, coalesce(r.quantity, 0.0), port, courier]) AS legs
"""

CAPTIONS = "UNWIND $ids AS id MATCH (n:Entity {id: id}) RETURN n.id AS id, n.caption AS caption, " \
            "[l IN labels(n) WHERE l <> 'Entity'][0] AS label"


@dataclass
class Route:
    """One time-respecting chain of shipment legs from a source to a sink."""

    places: list[dict]
    legs: list[dict]

    @property
    def ports(self) -> tuple[str, ...]:
        return tuple(leg["port"] for leg in self.legs if leg.get("port"))

    @property
    def arrival(self) -> dt.date | None:
        dates = [leg["date"] for leg in self.legs if leg.get("date")]
        return max(dates) if dates else None

    @property
    def kg(self) -> float:
        """What can have gone the whole way: the smallest leg (in the unit of the legs)."""
        return min((leg.get("quantity") or 0.0) for leg in self.legs)


@dataclass
class FlowResult:
    """Max flow from the sources to the sinks and the cheapest cut that stops it."""

    value: float
    cut_links: list[tuple[str, str, float]]       # (from, to, capacity), largest first
    throughput: list[tuple[str, float]]           # entity id, flow through it; largest first


@dataclass
class WhatIf:
    removed: list[str]
    before: dict[str, float]
    after: dict[str, float]


@logged("routes", "supply-routes")
def supply_routes(store: Store, sources: Iterable[str], sinks: Iterable[str], dataset: str | None = None,
                  max_hops: int = 6, max_gap_days: int | None = None, limit: int = 500,
                  start: dt.date | None = None, end: dt.date | None = None) -> list[Route]:
    """Time-respecting chains of ``SHIPPED_TO`` legs (in the direction goods move) from ``sources`` to
    ``sinks``, at most ``limit`` (fewest legs first), with each leg's port of entry when it crossed one.
    With ``start`` / ``end``, only legs dated in that window (inclusive; undated legs then excluded)."""
    from chokepoint.graph import schema
    from chokepoint.graph.values import plain

    from chokepoint.queries.paths import TIME_ORDER

    query = _ROUTES % {"hops": schema.bound(max_hops, 1, 10, "max_hops"), "time_order": TIME_ORDER}
    rows = store.read(query, sources=list(sources), sinks=list(sinks), dataset=dataset, gap=max_gap_days,
                      limit=limit, start=start, end=end)
    routes = [Route(r["places"], [{k: plain(v) for k, v in leg.items()} for leg in r["legs"]]) for r in rows]
    return sorted(routes, key=lambda r: (len(r.legs), r.arrival or dt.date.max, [p["id"] for p in r.places]))


def routes_by_corridor(routes: Iterable[Route]) -> list[dict]:
    """Routes grouped by the ports of entry they cross: count, kilograms (smallest leg) and dates."""
    groups: dict[tuple[str, ...], dict] = {}
    for r in routes:
        g = groups.setdefault(r.ports, {"ports": r.ports, "routes": 0, "kg": 0.0, "first": None, "last": None})
        g["routes"] += 1
        g["kg"] += r.kg
        if r.arrival:
            g["first"] = min(filter(None, (g["first"], r.arrival)))
            g["last"] = max(filter(None, (g["last"], r.arrival)))
    return sorted(groups.values(), key=lambda g: (-g["routes"], g["ports"]))


@logged("projection", "flow-graph", rows=lambda g: g.number_of_nodes(), lookup=True)
def flow_graph(store: Store, dataset: str | None = None, through: Sequence[str] = ("port", "courier"),
               capacity: str = "kg", start: dt.date | None = None, end: dt.date | None = None) -> nx.DiGraph:
    """The goods graph with capacities: one edge per pair of places, capacity = kilograms shipped
    (``capacity="kg"``) or the number of shipment legs (``capacity="shipments"``).

    With ``through``, a leg that crossed a port of entry and/or had a courier passes through them
    (place -> courier -> port -> place), so couriers and ports can be chokepoints too. With ``start`` /
    ``end``, only legs dated in that window (inclusive).
    """
    if capacity not in ("kg", "shipments"):
        raise ChokepointError(f"capacity must be 'kg' or 'shipments', not {capacity!r}")
    g = nx.DiGraph()
    for a, b, _date, kg, port, courier in store.read(_LEGS, dataset=dataset, start=start, end=end)[0]["legs"]:
        kg = kg if capacity == "kg" else 1.0
        chain = [a, *([courier] if courier and "courier" in through else []),
                 *([port] if port and "port" in through else []), b]
        for u, v in zip(chain, chain[1:]):
            if g.has_edge(u, v):
                g[u][v]["capacity"] += kg
            else:
                g.add_edge(u, v, capacity=kg)
    return g


def max_flow(graph: nx.DiGraph, sources: Sequence[str], sinks: Sequence[str]) -> FlowResult:
    """Max flow (capacity = kilograms) from all ``sources`` to all ``sinks``, the minimum cut's links,
    and every entity between them ranked by the flow through it."""
    g = graph.copy()
    s, t = ("__source__",), ("__sink__",)
    for n in sources:
        if n in g:
            g.add_edge(s, n)       # no capacity attribute: unbounded
    for n in sinks:
        if n in g:
            g.add_edge(n, t)
    if s not in g or t not in g or not nx.has_path(g, s, t):
        return FlowResult(0.0, [], [])
    value, flows = nx.maximum_flow(g, s, t)
    _, (reach, _) = nx.minimum_cut(g, s, t)
    cut = sorted(((u, v, g[u][v]["capacity"]) for u in reach for v in g[u]
                  if v not in reach and (u, v) != (s, t) and "capacity" in g[u][v]), key=lambda e: (-e[2], e[:2]))
    through: dict[str, float] = {}
    for u, targets in flows.items():
        for v, f in targets.items():
            if f > 0 and v not in (s, t):
                through[v] = through.get(v, 0.0) + f
    ends = {*sources, *sinks}
    ranked = sorted(((n, f) for n, f in through.items() if n not in ends), key=lambda x: (-x[1], x[0]))
    return FlowResult(float(value), cut, ranked)


@logged("what-if", "what-if", rows=lambda _: 1)
def what_if(graph: nx.DiGraph, sources: Iterable[str], sinks: Iterable[str], remove: Iterable[str]) -> WhatIf:
    """Figures before and after removing entities: max flow, routes (simple source-to-sink paths of the
    flow graph, counted up to ``ROUTE_COUNT_CAP``), source-sink pairs still connected, largest component,
    and fragmentation (share of entity pairs that cannot reach each other)."""
    sources, sinks, removed = list(sources), list(sinks), list(remove)
    after = graph.copy()
    after.remove_nodes_from(removed)
    return WhatIf(removed, _figures(graph, sources, sinks), _figures(after, sources, sinks))


#: What-if counts routes (simple source-to-sink paths in the flow graph) up to this many, at most 8 steps.
ROUTE_COUNT_CAP = 10_000


def _figures(g: nx.DiGraph, sources: list[str], sinks: list[str]) -> dict[str, float]:
    flow = max_flow(g, sources, sinks).value
    routes = 0
    for s in sources:
        for t in sinks:
            if s in g and t in g and routes < ROUTE_COUNT_CAP:
                routes += sum(1 for _ in itertools.islice(nx.all_simple_paths(g, s, t, cutoff=8),
                                                          ROUTE_COUNT_CAP - routes))
    reach = {s: nx.descendants(g, s) for s in sources if s in g}
    pairs = sum(1 for s in reach for t in sinks if t in reach[s])
    components = [len(c) for c in nx.weakly_connected_components(g)] if len(g) else []
    n = len(g)
    fragmentation = 1 - sum(c * (c - 1) for c in components) / (n * (n - 1)) if n > 1 else 0.0
    return {"max_flow": flow, "routes": routes, "connected_pairs": pairs, "largest_component": max(components, default=0),
            "fragmentation": round(fragmentation, 6)}


@logged("what-if", "best-removals")
def best_removals(graph: nx.DiGraph, sources: Sequence[str], sinks: Sequence[str], k: int,
                  candidates: int = 50) -> list[tuple[str, float]]:
    """Greedily, ``k`` entities whose removal cuts the most flow: at each step the one (among the
    ``candidates`` with most flow through them) whose removal leaves the least max flow.

    Returns ``(entity id, max flow left after removing it and those before it)`` in the order chosen.
    """
    g = graph.copy()
    chosen: list[tuple[str, float]] = []
    for _ in range(k):
        result = max_flow(g, sources, sinks)
        if result.value == 0:
            break
        best = None
        for node, _ in result.throughput[:candidates]:
            trial = g.copy()
            trial.remove_node(node)
            left = max_flow(trial, sources, sinks).value
            if best is None or left < best[1]:
                best = (node, left)
        if best is None:
            break
        chosen.append(best)
        g.remove_node(best[0])
    return chosen


# -- ends of routes by role, and what the explorer needs to draw routes -------------------------
#: Roles a route's end can have: role -> Cypher returning the ids and captions of such entities.
ROLES = {
    "supplier": "MATCH (n:Organization) WHERE 'supplier' IN coalesce(n.roles, [])",
    "front_company": "MATCH (n:Organization) WHERE 'front_company' IN coalesce(n.roles, [])",
    "lab": "MATCH (n:Lab) WHERE true",
    "staging_house": "MATCH (n:Location) WHERE n.kind = 'staging_house'",
    "stash_house": "MATCH (n:Location) WHERE n.kind = 'stash_house'",
    "market": "MATCH (n:Location) WHERE n.kind = 'market'",
    "port": "MATCH (n:PortOfEntry) WHERE true",
}
_ENDS_RETURN = " AND ($dataset IS NULL OR n.dataset = $dataset) RETURN n.id AS id, n.caption AS caption ORDER BY caption, id"

_DESCRIBE = """
UNWIND $ids AS id MATCH (n:Entity {id: id})
RETURN n.id AS id, n.caption AS caption, [l IN labels(n) WHERE l <> 'Entity'][0] AS label, n.kind AS kind,
       coalesce(n.roles, []) AS roles, n.code AS code
"""

_GOODS_DATASETS = "MATCH ()-[r:SHIPPED_TO]->() RETURN DISTINCT r.dataset AS dataset ORDER BY dataset"


@logged("lookup", "route-ends", lookup=True)
def route_ends(store: Store, role: str, dataset: str | None = None) -> list[dict]:
    """``{"id", "caption"}`` of every entity with ``role`` (a key of ``ROLES``): suppliers and front
    companies (Organizations by role), labs, staging and stash houses and markets (Locations by kind),
    ports of entry."""
    if role not in ROLES:
        raise ChokepointError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    return [{"id": r["id"], "caption": r["caption"]} for r in store.read(ROLES[role] + _ENDS_RETURN, dataset=dataset)]


def describe(store: Store, entity_ids: Iterable[str]) -> dict[str, dict]:
    """Id -> ``{"id", "caption", "label", "kind", "roles", "code"}`` of each entity found."""
    return {r["id"]: dict(r) for r in store.read(_DESCRIBE, ids=sorted(set(entity_ids)))}


def goods_datasets(store: Store) -> list[str]:
    """The datasets that have goods legs (``SHIPPED_TO``)."""
    return [r["dataset"] for r in store.read(_GOODS_DATASETS) if r["dataset"] is not None]


# -- distinct routes through couriers and ports -------------------------------------------------

#: ``route_chains`` stops looking after this many distinct chains, or this many steps tried
CHAIN_SEARCH_CAP = 20_000
CHAIN_STEP_CAP = 500_000


@dataclass(frozen=True)
class Chain:
    """One distinct route as the flow sees it: the places, couriers and ports goods pass, in order."""

    nodes: tuple[str, ...]
    ports: tuple[str, ...]        # ids of the ports of entry crossed
    legs: int
    kg: float                     # the smallest step's kilograms (every leg of that step in the window)
    arrival: dt.date | None       # the earliest the goods can have arrived at the end


@logged("routes", "route-chains", rows=lambda found: len(found[0]))
def route_chains(store: Store, sources: Iterable[str], sinks: Iterable[str], dataset: str | None = None,
                 max_hops: int = 6, max_gap_days: int | None = None, start: dt.date | None = None,
                 end: dt.date | None = None, limit: int = 100) -> tuple[list[Chain], int, bool]:
    """Distinct time-respecting routes from ``sources`` to ``sinks``, each leg through its courier and
    port as in ``flow_graph`` (place -> courier -> port -> place): the ``limit`` heaviest, how many were
    found, and whether the search stopped early (past ``CHAIN_SEARCH_CAP`` chains or ``CHAIN_STEP_CAP``
    steps).

    ``supply_routes`` lists chains of shipment legs, so one way through the network comes once per
    combination of its legs, and its ``limit`` can be spent on a few ways. Here each way is one chain
    (its distinct places, couriers and ports), kept when some of its legs are in time order as
    ``supply_routes`` requires (each dated leg on or after the one before and at most ``max_gap_days``
    later, undated legs pass, no place twice, at most ``max_hops`` legs). A sink may be a place, a courier
    or a port: the chain stops there.
    """
    from chokepoint.graph import schema

    max_hops = int(schema.bound(max_hops, 1, 10, "max_hops"))
    sinks = set(sinks)
    steps: dict[str, dict[tuple, list]] = {}
    for a, b, date, kg, port, courier in store.read(_LEGS, dataset=dataset, start=start, end=end)[0]["legs"]:
        step = steps.setdefault(a, {}).setdefault((b, courier, port), [0.0, set()])
        step[0] += kg
        step[1].add(_as_date(date))
    found: dict[tuple[str, ...], Chain] = {}
    budget = [CHAIN_STEP_CAP]

    def after(dates: set, last: dt.date | None) -> list:
        """What ``last`` can become through a step with legs on ``dates`` (None: an undated leg)."""
        options = [last] if None in dates else []
        dated = sorted(d for d in dates if d is not None and (last is None or (
            d >= last and (max_gap_days is None or (d - last).days <= max_gap_days))))
        if max_gap_days is None:  # the earliest is best: every later leg open to a later date is open to it
            return options or dated[:1]
        return options + dated

    def walk(place: str, nodes: tuple, places: frozenset, ports: tuple, last, kg: float, legs: int) -> None:
        if legs >= max_hops:
            return
        for (b, courier, port), (volume, dates) in sorted(steps.get(place, {}).items(), key=lambda kv: str(kv[0])):
            if b in places:
                continue
            vol = min(kg, volume)
            through = tuple(n for n in (courier, port) if n)
            stop = next((i for i, n in enumerate(through) if n in sinks), None)
            for arrival in after(dates, last):
                budget[0] -= 1
                if budget[0] < 0 or len(found) >= CHAIN_SEARCH_CAP:
                    return
                if stop is not None:  # a courier or port is the sink: the chain ends there
                    crossed = ports + ((port,) if port and port in through[:stop + 1] else ())
                    _keep(found, Chain(nodes + through[:stop + 1], crossed, legs + 1, vol, arrival))
                    continue
                chain, crossed = nodes + through + (b,), ports + ((port,) if port else ())
                if b in sinks:
                    _keep(found, Chain(chain, crossed, legs + 1, vol, arrival))
                walk(b, chain, places | {b}, crossed, arrival, vol, legs + 1)

    for source in sorted(set(sources)):
        walk(source, (source,), frozenset([source]), (), None, float("inf"), 0)
    ranked = sorted(found.values(), key=lambda c: (-c.kg, c.legs, c.nodes))
    return ranked[:limit], len(ranked), budget[0] < 0 or len(found) >= CHAIN_SEARCH_CAP


def _as_date(value):
    from chokepoint.graph.values import plain

    return plain(value)


def _date_order(d):
    return (d is None, d or dt.date.min)


def _keep(found: dict, chain: Chain) -> None:
    """The earliest arrival of each distinct chain."""
    old = found.get(chain.nodes)
    if old is None or _date_order(chain.arrival) < _date_order(old.arrival):
        found[chain.nodes] = chain
