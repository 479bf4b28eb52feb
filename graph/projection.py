"""Project a subgraph of Neo4j into a networkx ``MultiDiGraph`` for analytics, and collapse it for the measures.

Nodes are keyed by entity ``id`` and carry all their properties plus ``label`` (the schema label) and
``labels``; edges are keyed by relationship ``id`` and carry their properties plus ``type``. Temporal
values become Python ``datetime.date`` / ``datetime.datetime``.

- :func:`project` reads labels / types / a dataset; :func:`project_ids` reads chosen entities only;
  :class:`Scope` says which part to read (and a time window, cut by :func:`within`).
- :func:`collapse` is the simple graph every measure runs on (one link per pair, no self-loops, summed
  weights); :func:`collapsed` is the same as integer-indexed arrays (:class:`Collapsed`), which the fast
  backends (igraph, the compiled Brandes) take.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.values import plain
from chokepoint.graph.audit import audited, json_safe

__all__ = ["AnalyticsError", "EmptyGraph", "BadWeight", "Scope", "Collapsed", "project", "project_ids", "within",
           "collapse", "collapsed", "ordered"]


class AnalyticsError(ChokepointError):
    """A graph analysis cannot run as asked."""


class EmptyGraph(AnalyticsError):
    """The (filtered) graph has no entities, or no relationships where some are needed."""


class BadWeight(AnalyticsError, ValueError):
    """An edge property used as a weight holds something other than a non-negative number."""


_NODES = """
MATCH (n:Entity)
WHERE ($labels IS NULL OR any(l IN labels(n) WHERE l IN $labels))
  AND ($dataset IS NULL OR n.dataset = $dataset)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'] AS labels, properties(n) AS props
"""

_RELATIONSHIPS = """
MATCH (a:Entity)-[r]->(b:Entity)
WHERE ($types IS NULL OR type(r) IN $types)
  AND ($labels IS NULL OR (any(l IN labels(a) WHERE l IN $labels) AND any(l IN labels(b) WHERE l IN $labels)))
  AND ($dataset IS NULL OR (a.dataset = $dataset AND b.dataset = $dataset))
RETURN a.id AS source, b.id AS target, r.id AS id, type(r) AS type, properties(r) AS props
"""


_ID_NODES = """
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WHERE ($labels IS NULL OR any(l IN labels(n) WHERE l IN $labels))
  AND ($dataset IS NULL OR n.dataset = $dataset)
RETURN n.id AS id, [l IN labels(n) WHERE l <> 'Entity'] AS labels, properties(n) AS props
"""

_ID_RELATIONSHIPS = """
UNWIND $ids AS id
MATCH (a:Entity {id: id})-[r]->(b:Entity)
WHERE b.id IN $ids AND ($types IS NULL OR type(r) IN $types)
RETURN a.id AS source, b.id AS target, r.id AS id, type(r) AS type, properties(r) AS props
"""


def project(
    store: Store,
    labels: Sequence[str] | None = None,
    rel_types: Sequence[str] | None = None,
    dataset: str | None = None,
) -> nx.MultiDiGraph:
    """The subgraph with nodes of ``labels`` (all if None) and relationships of ``rel_types`` between them.

    Raises :class:`~graph.errors.UnknownName` for a label or type the schema does not define.
    """
    labels = [schema.label(x) for x in labels] if labels else None
    rel_types = [schema.rel_type(x) for x in rel_types] if rel_types else None
    g = nx.MultiDiGraph()
    for row in store.read(_NODES, labels=labels, dataset=dataset):
        props = {k: plain(v) for k, v in row["props"].items()}
        g.add_node(row["id"], **props, labels=row["labels"], label=row["labels"][0] if row["labels"] else None)
    for row in store.read(_RELATIONSHIPS, types=rel_types, labels=labels, dataset=dataset):
        props = {k: plain(v) for k, v in row["props"].items()}
        props.pop("id", None)
        g.add_edge(row["source"], row["target"], key=row["id"], type=row["type"], **props)
    return g


def project_ids(store: Store, ids: Sequence[str], labels: Sequence[str] | None = None,
                rel_types: Sequence[str] | None = None, dataset: str | None = None) -> nx.MultiDiGraph:
    """As :func:`project`, restricted to the entities ``ids`` (those that exist and fit)."""
    labels = [schema.label(x) for x in labels] if labels else None
    rel_types = [schema.rel_type(x) for x in rel_types] if rel_types else None
    wanted = sorted({str(i) for i in ids})
    g = nx.MultiDiGraph()
    for row in store.read(_ID_NODES, ids=wanted, labels=labels, dataset=dataset):
        props = {k: plain(v) for k, v in row["props"].items()}
        g.add_node(row["id"], **props, labels=row["labels"], label=row["labels"][0] if row["labels"] else None)
    kept = sorted(g)
    for row in store.read(_ID_RELATIONSHIPS, ids=kept, types=rel_types):
        props = {k: plain(v) for k, v in row["props"].items()}
        props.pop("id", None)
        g.add_edge(row["source"], row["target"], key=row["id"], type=row["type"], **props)
    return g


@dataclass(frozen=True)
class Scope:
    """Which part of the stored graph to analyse.

    ``labels`` and ``rel_types`` go through the schema allow-list (unknown names raise
    :class:`~graph.errors.UnknownName`); ``start`` / ``end`` keep relationships whose ``date`` lies in the
    window (inclusive); relationships without a ``date`` (memberships, phone use) are kept unless
    ``keep_undated`` is False. Entities are kept even when the window leaves them without links.
    ``ids`` (e.g. the entities on the explorer's canvas) keeps only those entities and the relationships
    among them, read by id rather than by projecting everything first.
    """

    labels: Sequence[str] | None = None
    rel_types: Sequence[str] | None = None
    dataset: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    keep_undated: bool = True
    ids: Sequence[str] | None = None

    def project(self, store: Store) -> nx.MultiDiGraph:
        """The scope's subgraph, projected from ``store`` and cut to the time window; ``graph["scope"]``
        describes the scope (the audit log records it with every analysis of the graph)."""
        described = json_safe(self)
        with audited("projection", "scope", described, lookup=True) as entry:
            if self.ids is not None:
                g = project_ids(store, self.ids, self.labels, self.rel_types, self.dataset)
            else:
                g = project(store, self.labels, self.rel_types, self.dataset)
            g = within(g, self.start, self.end, self.keep_undated)
            g.graph["scope"] = {k: v for k, v in described.items() if k != "ids"}
            if self.ids is not None:
                g.graph["scope"]["entities"] = len(self.ids)   # the ids themselves are in the projection's line
            entry.rows = g.number_of_nodes()
            return g


def within(graph: nx.MultiDiGraph, start: dt.date | None = None, end: dt.date | None = None,
           keep_undated: bool = True) -> nx.MultiDiGraph:
    """A copy of ``graph`` with the relationships whose ``date`` lies in [start, end] (all nodes kept).

    Example
    -------
    >>> g = nx.MultiDiGraph([("a", "b", {"date": dt.date(2024, 1, 5)}), ("b", "c", {"date": dt.date(2024, 3, 1)}),
    ...                      ("c", "a", {})])
    >>> sorted(within(g, start=dt.date(2024, 2, 1)).edges())
    [('b', 'c'), ('c', 'a')]
    >>> sorted(within(g, end=dt.date(2024, 2, 1), keep_undated=False).edges())
    [('a', 'b')]
    """
    if start is None and end is None:
        return graph.copy()
    out = graph.__class__()
    out.add_nodes_from(graph.nodes(data=True))

    def keep(value: Any) -> bool:
        if value is None:
            return keep_undated
        day = value.date() if isinstance(value, dt.datetime) else value
        return (start is None or day >= start) and (end is None or day <= end)

    if graph.is_multigraph():
        out.add_edges_from((u, v, key, d) for u, v, key, d in graph.edges(keys=True, data=True) if keep(d.get("date")))
    else:
        out.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if keep(d.get("date")))
    return out


def collapse(graph: nx.Graph, directed: bool, weight: str | None = None) -> nx.Graph:
    """The simple graph the measures run on: one edge per linked pair (per direction if ``directed``),
    no self-loops, edge attribute ``weight`` = the sum of ``weight`` over the pair's relationships
    (the number of relationships when ``weight`` is None). Nodes keep their attributes.

    Example
    -------
    >>> g = nx.MultiDiGraph([("a", "b", {"kg": 2}), ("b", "a", {"kg": 3}), ("a", "a", {"kg": 9})])
    >>> list(collapse(g, directed=False, weight="kg").edges(data="weight"))
    [('a', 'b', 5.0)]
    """
    h = collapsed(graph, directed, weight).to_networkx()
    for v, attrs in graph.nodes(data=True):
        h.nodes[v].update(attrs)
    return h


@dataclass
class Collapsed:
    """A collapsed graph as integer-indexed edge arrays (nodes sorted), ready for any backend."""

    nodes: list
    index: dict
    pairs: np.ndarray  # (m, 2) node indices, one row per linked pair (from, to), sorted
    weights: np.ndarray  # (m,) summed weight, or number of parallel relationships
    directed: bool

    def to_networkx(self) -> nx.Graph:
        h = nx.DiGraph() if self.directed else nx.Graph()
        h.add_nodes_from(self.nodes)
        nodes = self.nodes
        h.add_weighted_edges_from((nodes[i], nodes[j], w)
                                  for (i, j), w in zip(self.pairs.tolist(), self.weights.tolist()))
        return h

    def to_igraph(self):
        import igraph

        return igraph.Graph(n=len(self.nodes), edges=self.pairs.tolist(), directed=self.directed)

    def scores(self, values: Iterable[float]) -> dict:
        """A list of values by node index as node -> float."""
        return {v: float(x) for v, x in zip(self.nodes, values)}

    def reorder(self, values: Mapping) -> dict:
        """networkx's dict as node -> float in the same (sorted) node order."""
        return {v: float(values[v]) for v in self.nodes}


def collapsed(graph: nx.Graph, directed: bool, weight: str | None = None) -> Collapsed:
    """:func:`collapse` as arrays over the nodes in sorted order (raises :class:`EmptyGraph` on no nodes)."""
    if graph.number_of_nodes() == 0:
        raise EmptyGraph("the graph has no entities (check the labels, relationship types, dataset and time window)")
    nodes = ordered(graph)
    index = {v: i for i, v in enumerate(nodes)}
    multi = graph.is_multigraph()
    # the adjacency lists a pair's parallel relationships at once; an undirected input lists each pair
    # from both ends: both are wanted for a directed result, one for an undirected one
    ends: list[int] = []
    targets: list[int] = []
    amounts: list[float] = []
    for u, nbrs in graph.adjacency():
        i = index[u]
        ends.extend([i] * len(nbrs))
        targets.extend([index[v] for v in nbrs])
        if weight:
            amounts.extend(sum(_weight_value(d.get(weight), weight, u, v) for d in (data.values() if multi else (data,)))
                           for v, data in nbrs.items())
        elif multi:
            amounts.extend([len(data) for data in nbrs.values()])
    src = np.array(ends, dtype=np.int64)
    dst = np.array(targets, dtype=np.int64)
    amount = np.array(amounts, dtype=float) if (weight or multi) else np.ones(len(src))
    keep = src != dst
    if not graph.is_directed() and not directed:
        keep &= src < dst
    src, dst, amount = src[keep], dst[keep], amount[keep]
    if not directed:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    n = len(nodes)
    keys, which = np.unique(src * n + dst, return_inverse=True)
    pairs = np.stack([keys // n, keys % n], axis=1)
    return Collapsed(nodes, index, pairs, np.bincount(which, weights=amount, minlength=len(keys)), directed)


def _weight_value(value: Any, name: str, u: Hashable, v: Hashable) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise BadWeight(f"weight property {name!r} must be a non-negative number; the relationship "
                        f"{u!r} -> {v!r} has {value!r}")
    return float(value)


def ordered(graph: nx.Graph) -> list:
    """The nodes in sorted order (mixed types by type name, then text)."""
    try:
        return sorted(graph)
    except TypeError:  # mixed node types in a hand-built graph
        return sorted(graph, key=sort_key)


def sort_key(node: Hashable) -> tuple[str, str]:
    return (type(node).__name__, str(node))
