"""Routes and chokepoints: a routes report, and a disruption report (what if these entities went?).

One call for each, shared by the CLI (``chokepoint routes``, ``chokepoint disrupt``) and the explorer's
Routes panel. The ends are entity ids, names (``by_name``), or every entity of a role in the dataset
(``source_role`` / ``sink_role``: labs, markets ...). The report holds the supply routes found and
their corridors (the ports of entry they cross), the max flow from the sources to the sinks with its
cheapest cut and the flow through each entity, the chokepoints (the fewest entities on every route),
the entities worth offering for removal, the volume through each port, what each entity is (caption,
label, kind) and, with ``remove``, the figures before and after removing them. The computations are
``queries.routes``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable
from chokepoint.queries import routes as rq
from chokepoint.queries.paths import find_entity

__all__ = ["SOURCE_ROLES", "SINK_ROLES", "MAX_CANDIDATES", "Corridor", "RoutesReport", "Disruption",
           "routes_report", "disruption_report", "goods_datasets", "ports_of_entry"]

#: roles whose entities can be where goods start, and what they are called
SOURCE_ROLES = {"supplier": "suppliers", "front_company": "front companies", "lab": "labs",
                "staging_house": "staging houses"}
#: roles whose entities can be where goods end, and what they are called (one port of entry is an end too)
SINK_ROLES = {"market": "markets", "stash_house": "stash houses", "staging_house": "staging houses", "lab": "labs"}
#: the most entities offered for removal (the chokepoints, then most flow through them, then the others between)
MAX_CANDIDATES = 300
#: the most entities of the flow's ranking whose captions every report carries
TOP_THROUGHPUT = 10


@dataclass(frozen=True)
class Corridor:
    """Routes that cross the same ports of entry (in order): how many, kilograms (each route's smallest
    step, summed), and the earliest and latest arrivals."""

    ports: tuple[str, ...]
    routes: int
    kg: float
    first: dt.date | None
    last: dt.date | None

    def as_dict(self) -> dict[str, Any]:
        return {"ports": self.ports, "routes": self.routes, "kg": self.kg, "first": self.first, "last": self.last}


@dataclass(frozen=True)
class RoutesReport:
    """Supply routes from ``sources`` to ``sinks``, their max flow and its cut, and a what-if.

    ``routes`` are the routes listed (``queries.routes.Route`` chains of legs, or with ``distinct`` one
    ``Chain`` per way through places, couriers and ports, heaviest first), ``found`` how many there are
    and ``stopped`` whether the search for distinct ways stopped early. ``capacity`` is each link of the
    flow graph's volume (in ``unit``), ``cut`` the chokepoints, ``candidates`` the entities worth
    removing, ``entities`` what each entity named in the report is (``queries.routes.describe``).
    """

    sources: tuple[str, ...]
    sinks: tuple[str, ...]
    dataset: str | None
    unit: str
    routes: tuple
    found: int
    stopped: bool
    corridors: tuple[Corridor, ...]
    flow: rq.FlowResult
    cut: frozenset[str]
    candidates: tuple[str, ...]
    capacity: Mapping[tuple[str, str], float]
    ports: tuple[rq.PortVolume, ...]
    entities: Mapping[str, Mapping[str, Any]]
    what_if: rq.WhatIf | None = None

    def caption(self, entity_id: str) -> Any:
        """The entity's caption as stored (its id when the report does not know it)."""
        return self.entities[entity_id]["caption"] if entity_id in self.entities else entity_id

    def as_dict(self) -> dict[str, Any]:
        """What ``chokepoint routes --json`` prints."""
        return jsonable({"routes": self.found, "corridors": [c.as_dict() for c in self.corridors],
                         "max_flow": self.flow.value,
                         "cut": [{"from": a, "to": b, "capacity": c} for a, b, c in self.flow.cut_links],
                         "throughput": self.flow.throughput[:TOP_THROUGHPUT],
                         "what_if": vars(self.what_if) if self.what_if else None})


@dataclass(frozen=True)
class Disruption:
    """What removing entities does to the flow from the sources to the sinks: the figures of
    ``queries.routes.what_if`` before and after; with a greedy choice, the max flow left after each pick."""

    removed: tuple[str, ...]
    before: dict[str, float]
    after: dict[str, float]
    flow_left: tuple[float, ...] | None = None
    captions: Mapping[str, str | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """What ``chokepoint disrupt --json`` prints."""
        return {"removed": [{"id": n, "caption": self.captions.get(n)} for n in self.removed],
                "flow_left_after_each": list(self.flow_left) if self.flow_left else None,
                "before": self.before, "after": self.after}


def routes_report(store: Store, sources: Sequence[str] = (), sinks: Sequence[str] = (), dataset: str | None = None,
                  *, source_role: str | None = None, sink_role: str | None = None, by_name: bool = False,
                  max_hops: int = 6, max_gap: int | None = None, start: dt.date | None = None,
                  end: dt.date | None = None, capacity: str = "kg", remove: Sequence[str] = (),
                  distinct: bool = False, limit: int = 500) -> RoutesReport:
    """The routes report from ``sources`` to ``sinks`` (ids, or names with ``by_name``; or every entity of
    ``source_role`` / ``sink_role`` in ``dataset``, see :data:`SOURCE_ROLES` and :data:`SINK_ROLES`).

    Routes are time-respecting (at most ``max_hops`` legs, at most ``max_gap`` days between two, only legs
    dated in ``start``..``end`` when given); ``limit`` caps the routes listed, heaviest first with
    ``distinct``. The flow carries kilograms (``capacity="kg"``) or shipment legs (``"shipments"``).
    ``remove``: entities whose removal the report weighs (what-if).
    """
    if start and end and start > end:
        raise ChokepointError(f"the window starts ({start}) after it ends ({end})")
    sources, sinks = _ends(store, sources, sinks, dataset, source_role, sink_role, by_name)
    gone = [find_entity(store, x) for x in remove] if by_name else list(remove)
    if distinct:
        routes, found, stopped = rq.route_chains(store, sources, sinks, dataset, max_hops=max_hops,
                                                 max_gap_days=max_gap, start=start, end=end, limit=limit)
    else:
        routes = rq.supply_routes(store, sources, sinks, dataset, max_hops, max_gap, limit=limit, start=start, end=end)
        found, stopped = len(routes), False
    graph = rq.flow_graph(store, dataset, capacity=capacity, start=start, end=end)
    flow = rq.max_flow(graph, sources, sinks)
    change = rq.what_if(graph, sources, sinks, gone) if gone else None
    cut = rq.minimum_cut(graph, sources, sinks)
    candidates = list(dict.fromkeys([*sorted(cut), *(n for n, _ in flow.throughput),
                                     *sorted(rq.between(graph, sources, sinks))]))[:MAX_CANDIDATES]
    named = {*(n for r in routes for n in _route_ids(r)), *candidates, *cut, *gone,
             *(n for u, v, _ in flow.cut_links for n in (u, v)), *(n for n, _ in flow.throughput[:TOP_THROUGHPUT])}
    return RoutesReport(
        sources=tuple(sources), sinks=tuple(sinks), dataset=dataset, unit="kg" if capacity == "kg" else "shipments",
        routes=tuple(routes), found=found, stopped=stopped, corridors=_corridors(routes), flow=flow,
        cut=frozenset(cut), candidates=tuple(candidates), capacity=_capacities(graph),
        ports=tuple(rq.port_volumes(store, dataset, start, end)), entities=rq.describe(store, named), what_if=change)


def disruption_report(store: Store, sources: Sequence[str], sinks: Sequence[str], dataset: str | None = None, *,
                      remove: Sequence[str] | None = None, best: int | None = None, by_name: bool = False,
                      capacity: str = "kg", start: dt.date | None = None, end: dt.date | None = None) -> Disruption:
    """What removing ``remove`` (ids, or names with ``by_name``), or the greedy ``best`` entities (those
    whose removal cuts the most flow, chosen one at a time), does to the flow from ``sources`` to
    ``sinks``: max flow, routes, pairs connected, largest component and fragmentation, before and after."""
    if (remove is None) == (best is None):
        raise ChokepointError("give the entities to remove or how many to choose (one of them)")
    if by_name:
        sources, sinks = [find_entity(store, x) for x in sources], [find_entity(store, x) for x in sinks]
    graph = rq.flow_graph(store, dataset, capacity=capacity, start=start, end=end)
    picked = None
    if best is not None:
        picked = rq.best_removals(graph, list(sources), list(sinks), best)
        gone = [n for n, _ in picked]
    else:
        gone = [find_entity(store, x) for x in remove or ()] if by_name else list(remove or ())
    change = rq.what_if(graph, sources, sinks, gone)
    captions = {n: info["caption"] for n, info in rq.describe(store, gone).items()}
    return Disruption(tuple(gone), change.before, change.after, tuple(f for _, f in picked) if picked else None,
                      captions)


def goods_datasets(store: Store) -> list[str]:
    """The datasets that have goods legs (``SHIPPED_TO``): those a routes report can be asked of."""
    return rq.goods_datasets(store)


def ports_of_entry(store: Store, dataset: str | None = None) -> list[dict]:
    """``{"id", "caption"}`` of every port of entry of ``dataset`` (each can be where routes end)."""
    return rq.route_ends(store, "port", dataset)


# -- helpers -------------------------------------------------------------------------------------
def _ends(store: Store, sources: Sequence[str], sinks: Sequence[str], dataset: str | None, source_role: str | None,
          sink_role: str | None, by_name: bool) -> tuple[list[str], list[str]]:
    if by_name:
        sources, sinks = [find_entity(store, x) for x in sources], [find_entity(store, x) for x in sinks]
    sources = [e["id"] for e in rq.route_ends(store, source_role, dataset)] if source_role else list(sources)
    sinks = [e["id"] for e in rq.route_ends(store, sink_role, dataset)] if sink_role else list(sinks)
    if source_role and not sources:
        raise ChokepointError(f"dataset {dataset!r} has no {SOURCE_ROLES.get(source_role, source_role)}")
    if sink_role and not sinks:
        raise ChokepointError(f"dataset {dataset!r} has no {SINK_ROLES.get(sink_role, sink_role)}")
    if (source_role or sink_role) and set(sources) & set(sinks):
        raise ChokepointError("choose different roles for where goods start and where they end")
    return sources, sinks


def _route_ids(route) -> Iterable[str]:
    """The entities of a route: a chain's places, couriers and ports, or a chain of legs' places and ports."""
    if isinstance(route, rq.Chain):
        return (*route.nodes, *route.ports)
    return (*(p["id"] for p in route.places), *route.ports)


def _corridors(routes: Iterable) -> tuple[Corridor, ...]:
    return tuple(Corridor(tuple(g["ports"]), g["routes"], g["kg"], g["first"], g["last"])
                 for g in rq.routes_by_corridor(routes))


def _capacities(graph: nx.DiGraph) -> dict[tuple[str, str], float]:
    return {(u, v): d.get("capacity", 0.0) for u, v, d in graph.edges(data=True)}
