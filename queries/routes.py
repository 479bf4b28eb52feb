"""Goods routes: who ships to whom, the volume through each port of entry, and chokepoints.

The goods graph is the ``SHIPPED_TO`` links (one per shipment leg, in the direction goods move).
A chokepoint set is the fewest entities whose removal leaves no route from any source to any sink
(a minimum vertex cut, by max flow on the node-split graph; sources and sinks themselves are never
cut). Issue 5 grows this module (time-respecting routes, corridors, what-if removal).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from graph.store import Store

__all__ = ["PortVolume", "goods_graph", "minimum_cut", "chokepoints", "port_volumes"]

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


def chokepoints(store: Store, sources: Iterable[str], sinks: Iterable[str], dataset: str | None = None) -> set[str]:
    """Ids of the fewest entities on every goods route from ``sources`` to ``sinks`` (entity ids)."""
    return minimum_cut(goods_graph(store, dataset), sources, sinks)


def port_volumes(store: Store, dataset: str | None = None, start: dt.date | None = None,
                 end: dt.date | None = None) -> list[PortVolume]:
    """Kilograms and shipments entering at each port of entry, between ``start`` and ``end`` inclusive."""
    return [PortVolume(r["code"], r["name"], r["kg"], r["shipments"])
            for r in store.read(_PORT_VOLUMES, dataset=dataset, start=start, end=end)]
