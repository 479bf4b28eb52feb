"""The part of the stored graph an analysis looks at (a ``Scope``), and its projection.

Both front ends describe a scope by plain values (labels, relationship types, a dataset, a date window,
and in the explorer the entities on the canvas); the ranking and structure reports take it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import networkx as nx

from chokepoint.graph.store import Store
from chokepoint.graph.projection import AnalyticsError, EmptyGraph, Scope
from chokepoint.queries.centrality import BadParameter

__all__ = ["Scope", "AnalyticsError", "BadParameter", "EmptyGraph", "scope", "projected", "among"]


def scope(labels: Sequence[str] | None = None, types: Sequence[str] | None = None, dataset: str | None = None,
          start: dt.date | None = None, end: dt.date | None = None, ids: Sequence[str] | None = None) -> Scope:
    """A :class:`Scope` from plain values (empty lists: any; names are checked by the allow-list when the
    scope is projected).

    >>> scope(["Person"], [], "case").labels, scope(["Person"], [], "case").rel_types
    (['Person'], None)
    """
    return Scope(labels=list(labels) if labels else None, rel_types=list(types) if types else None, dataset=dataset,
                 start=start, end=end, ids=list(ids) if ids is not None else None)


def projected(store: Store, where: Scope | None) -> nx.MultiDiGraph:
    """The scope's projection; :class:`EmptyGraph` when it holds no entity."""
    g = (where or Scope()).project(store)
    if g.number_of_nodes() == 0:
        raise EmptyGraph("the graph has no entities (check the labels, relationship types, dataset and time window)")
    return g


def among(store: Store, shown: Sequence[str], wanted: Sequence[str]) -> nx.MultiDiGraph:
    """The entities ``shown`` (on the canvas) and ``wanted`` with every relationship among them: what
    drawing ``wanted`` next to ``shown`` adds."""
    return Scope(ids=[*shown, *wanted]).project(store)
