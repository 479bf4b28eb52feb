"""A path report: how is this entity connected to that one?

One call for the CLI's ``chokepoint path`` and the explorer's Paths panel: resolve the two ends (ids, or
names, aliases, phones and plates with ``by_name``), search in the chosen mode (shortest, k shortest,
all simple paths, time-respecting) under a :class:`PathFilter`, and say whether more paths were found
than are listed. The searches themselves are ``queries.paths``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError, EntityNotFound
from chokepoint.graph.store import Store
from chokepoint.queries.paths import (MAX_HOPS, AmbiguousEntity, NoPath, Path, PathFilter, all_paths, find_entity,
                                      k_shortest_paths, time_respecting_paths)
from chokepoint.queries.search import search_entities

__all__ = ["MODES", "DEFAULT_HOPS", "MAX_HOPS", "MAX_K", "ANSWERS", "Path", "PathFilter", "NoPath", "AmbiguousEntity",
           "PathReport", "path_filter", "path_report", "end_label"]

#: search modes: name -> what it is called
MODES = {"shortest": "Shortest", "k": "k shortest", "all": "All simple paths", "time": "Time-respecting"}
#: the longest path each mode looks for when none is given. Enumerating modes stay at 4: on a generated
#: case of 462 entities, time-respecting search took p95 1.1 s at 4 hops and 21 s at 5
#: (docs/explorer/paths.md)
DEFAULT_HOPS = {"shortest": MAX_HOPS, "k": MAX_HOPS, "all": 4, "time": 4}
#: the most shortest paths asked for at once
MAX_K = 100
#: errors that are an answer ("nothing connects them", "which one?") rather than a failure
ANSWERS = (NoPath, AmbiguousEntity, EntityNotFound)


@dataclass(frozen=True)
class PathReport:
    """The paths found between two entities, shortest first.

    ``more`` is True when the search found more paths than were asked to be listed (only looked for
    when the report was asked to tell, see :func:`path_report`).
    """

    source: str
    target: str
    mode: str
    paths: tuple[Path, ...]
    more: bool = False
    weight: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "mode": self.mode,
                "paths": [p.as_dict() for p in self.paths], "more": self.more, "weight": self.weight}


def path_filter(types: Sequence[str] | None = None, labels: Sequence[str] | None = None,
                direction: str | None = "both", start=None, end=None, avoid: Sequence[str] | None = None,
                dataset: str | None = None) -> PathFilter:
    """What a path may go through, from plain values (empty lists: any; names are checked by the
    allow-list when the search runs).

    >>> path_filter(["CALLED"], None, None, avoid=["x"])
    PathFilter(rel_types=('CALLED',), labels=None, direction='both', start=None, end=None, avoid=('x',), dataset=None)
    """
    return PathFilter(rel_types=tuple(types) if types else None, labels=tuple(labels) if labels else None,
                      direction=direction or "both", start=start, end=end, avoid=tuple(avoid or ()), dataset=dataset)


def path_report(store: Store, source: str, target: str, mode: str = "shortest", filters: PathFilter = PathFilter(),
                *, k: int = 3, max_hops: int | None = None, max_gap: int | None = None, weight: str | None = None,
                limit: int = 20, tell_more: bool = False, timeout: float | None = None,
                by_name: bool = False) -> PathReport:
    """Paths from ``source`` to ``target`` in ``mode`` (a key of :data:`MODES`).

    ``by_name``: the ends and the filter's ``avoid`` may be names, aliases, phones or plates, resolved
    through the search index (else they are entity ids). ``max_hops`` defaults by mode
    (:data:`DEFAULT_HOPS`); ``weight`` (a numeric link property to minimise) is used by shortest and k
    shortest; ``max_gap`` (days between dated links) by time-respecting; ``limit`` caps all and
    time-respecting paths, and with ``tell_more`` one more is looked for so the report can say there are
    more. ``timeout``: seconds Neo4j may search.

    Raises the typed errors of ``queries.paths`` (:data:`ANSWERS` are answers), and ChokepointError for
    an unknown mode, the same id at both ends (ids only: the CLI leaves that to the search), or hops or k out of range (before any query).
    """
    if mode not in MODES:
        raise ChokepointError(f"unknown path mode {mode!r}; one of {', '.join(MODES)}")
    if not by_name and source == target:
        raise ChokepointError("the start and the end are the same entity; pick two")
    hops = DEFAULT_HOPS[mode] if max_hops is None else int(schema.bound(max_hops, 1, MAX_HOPS, "hops"))
    if mode == "k":
        schema.bound(k, 1, MAX_K, "k")
    if by_name:
        source, target = find_entity(store, source), find_entity(store, target)
        filters = dataclasses.replace(filters, avoid=tuple(find_entity(store, x) for x in filters.avoid))
    weight = weight or None
    more = False
    if mode in ("shortest", "k"):
        found = k_shortest_paths(store, source, target, 1 if mode == "shortest" else k, filters, weight=weight,
                                 max_hops=hops, timeout=timeout)
    else:
        asked = limit + 1 if tell_more else limit
        if mode == "all":
            found = all_paths(store, source, target, max_hops=hops, filters=filters, limit=asked, timeout=timeout)
        else:
            found = time_respecting_paths(store, source, target, max_hops=hops, filters=filters, timeout=timeout,
                                          max_gap_days=max_gap, limit=asked)
        more, found = len(found) > limit, found[:limit]
    return PathReport(source, target, mode, tuple(found), more, weight)


def end_label(store: Store, entity_id: str) -> str:
    """How a path end is shown: its caption and label (``"Luis Ortega (Person)"``), or the id when the
    search index does not know it."""
    match = next((m for m in search_entities(store, entity_id, limit=1) if m.id == entity_id), None)
    return match.display if match else entity_id
