"""Paths between two entities: shortest, k shortest, all simple paths, and time-respecting paths.

Every search takes the same filters (:class:`PathFilter`): relationship types, the labels intermediate
entities may have, direction, a time window on link dates, entities to avoid, and a dataset. Links
without a date (``USES``, ``MEMBER_OF``...) pass any time window and do not constrain the order of a
time-respecting path.

Unweighted searches run in Cypher, so they work on graphs of any size: ``shortestPath`` for one path,
``SHORTEST k`` (Neo4j 5.21 and later; on older servers networkx on a projection) for k paths, a
bounded variable-length match for all paths.
Weighted searches (``weight=`` a numeric link property, lower is shorter) run with networkx on a
projection of the filtered graph. Paths that differ only by parallel links (two calls between the same
phones) are one path here: a path is its sequence of entities, with the links taken between them.

Errors: :class:`~graph.errors.EntityNotFound` for an unknown entity, :class:`NoPath` when nothing
connects them under the filters, :class:`AmbiguousEntity` when a name matches several entities.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError, EntityNotFound, QueryTimeout
from chokepoint.graph.normalise import text as fold
from chokepoint.graph.projection import project
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable, plain
from chokepoint.graph.audit import logged
from chokepoint.queries.search import search_entities

__all__ = ["PathFilter", "Path", "NoPath", "AmbiguousEntity", "find_entity", "shortest_path",
           "k_shortest_paths", "all_paths", "time_respecting_paths", "time_respecting_paths_nx", "MAX_HOPS"]

MAX_HOPS = 15          # longest path any search looks for
DIRECTIONS = ("both", "out", "in")

_ENTITY = "MATCH (n:Entity {id: $id}) RETURN n.id AS id"

# The path predicates every search shares ($labels, $avoid, $start, $end, $dataset are parameters).
# Each is a universal predicate on single nodes or links (the ends a and b excepted by identity, not by
# a slice of nodes(p)), so Neo4j checks them during shortestPath's search; a slice made it fall back to
# enumerating every path after the search (p95 0.9 s against 50 ms on 100k entities, docs/performance.md).
_FILTERS = """
  all(n IN nodes(p) WHERE n = a OR n = b OR (($labels IS NULL OR any(l IN labels(n) WHERE l IN $labels))
                                            AND NOT n.id IN $avoid))
  AND all(n IN nodes(p) WHERE $dataset IS NULL OR n.dataset = $dataset)
  AND all(r IN relationships(p) WHERE r.date IS NULL
          OR (($start IS NULL OR r.date >= $start) AND ($end IS NULL OR r.date <= $end)))
"""
_RETURN = """
RETURN [n IN nodes(p) | {id: n.id, label: [l IN labels(n) WHERE l <> 'Entity'][0], caption: n.caption}] AS nodes,
       [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id,
                                 props: properties(r)}] AS links
"""
_SHORTEST = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)%(pattern)s(b))
WHERE %(filters)s
""" + _RETURN
_SHORTEST_K = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = SHORTEST %(k)s (a)%(pattern)s(b)
WHERE %(filters)s
""" + _RETURN + "ORDER BY size(links)"
_ALL = """
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = (a)%(pattern)s(b)
WHERE %(filters)s AND all(n IN nodes(p) WHERE single(m IN nodes(p) WHERE m = n))
%(extra)s
WITH p ORDER BY length(p) LIMIT $limit
""" + _RETURN
#: Path ``p``'s dated links in order, each on or after the one before (and within ``$gap`` days of it);
#: undated links do not count. Shared with queries/routes.py.
TIME_ORDER = """
reduce(acc = {ok: true, last: null}, r IN relationships(p) |
      CASE WHEN NOT acc.ok OR r.date IS NULL THEN acc
           WHEN acc.last IS NULL OR (r.date >= acc.last
                AND ($gap IS NULL OR duration.inDays(acc.last, r.date).days <= $gap))
           THEN {ok: true, last: r.date}
           ELSE {ok: false, last: acc.last} END).ok
"""
_TIME_RESPECTING = "AND " + TIME_ORDER


def _search(store: Store, query: str, timeout: float | None, **params: Any) -> list[dict[str, Any]]:
    try:
        return store.read(query, timeout, **params)
    except QueryTimeout as err:
        raise QueryTimeout(f"the path search {err}; ask for fewer hops, fewer link types or a date window") from err


class NoPath(ChokepointError, LookupError):
    """The entities exist but nothing connects them under the filters given."""


class AmbiguousEntity(ChokepointError, LookupError):
    """A name matches several entities equally well; the message lists them."""


@dataclass(frozen=True)
class PathFilter:
    """What a path may go through.

    Parameters
    ----------
    rel_types : relationship types the path may use (None: any).
    labels : labels the entities *between* the ends may have (None: any).
    direction : "both" (links either way), "out" (from source towards target) or "in".
    start, end : time window on link dates, inclusive (undated links always pass).
    avoid : entity ids the path must not go through.
    dataset : only entities of this dataset.
    """

    rel_types: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None
    direction: str = "both"
    start: dt.date | None = None
    end: dt.date | None = None
    avoid: tuple[str, ...] = ()
    dataset: str | None = None

    def checked(self) -> PathFilter:
        if self.direction not in DIRECTIONS:
            raise ChokepointError(f"direction must be one of {', '.join(DIRECTIONS)}, not {self.direction!r}")
        if self.start and self.end and self.start > self.end:
            raise ChokepointError(f"the time window starts ({self.start}) after it ends ({self.end})")
        return PathFilter(
            rel_types=tuple(schema.rel_type(t) for t in self.rel_types) if self.rel_types else None,
            labels=tuple(schema.label(x) for x in self.labels) if self.labels else None,
            direction=self.direction, start=self.start, end=self.end, avoid=tuple(self.avoid),
            dataset=self.dataset)

    def params(self) -> dict[str, Any]:
        return {"labels": list(self.labels) if self.labels else None, "avoid": list(self.avoid),
                "start": self.start, "end": self.end, "dataset": self.dataset}

    def pattern(self, low: int, high: int) -> str:
        """``-[:A|B*low..high]->`` for this filter's types and direction (names through the allow-list here
        too, so an unchecked filter cannot put text into the query)."""
        types = ":" + "|".join(schema.rel_type(t) for t in self.rel_types) if self.rel_types else ""
        rel = f"[{types}*{schema.bound(low, 0, MAX_HOPS, 'hops')}..{schema.bound(high, 1, MAX_HOPS, 'hops')}]"
        return {"both": f"-{rel}-", "out": f"-{rel}->", "in": f"<-{rel}-"}[self.direction]


@dataclass
class Path:
    """A path: its entities in order and the links between them (``source``/``target`` as stored)."""

    nodes: list[dict[str, Any]]
    links: list[dict[str, Any]]
    cost: float = 0.0                       # hops, or the sum of the weight property
    alternatives: int = 1                   # parallel-link variants folded into this one

    @property
    def hops(self) -> int:
        return len(self.links)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(n["id"] for n in self.nodes)

    @property
    def arrival(self) -> dt.date | None:
        """The last link date on the path (for time-respecting paths, when the goods arrive)."""
        dates = [link["date"] for link in self.links if link.get("date")]
        return max(dates) if dates else None

    def as_dict(self) -> dict[str, Any]:
        return jsonable({"nodes": self.nodes, "links": self.links, "hops": self.hops, "cost": self.cost,
                         "alternatives": self.alternatives})


@logged("lookup", query_from="text", rows=lambda _: 1, lookup=True)
def find_entity(store: Store, text: str) -> str:
    """The id of the entity ``text`` names: an id, or a name/alias/phone through the search index.

    Raises :class:`EntityNotFound` when nothing matches and :class:`AmbiguousEntity` when several
    entities match and none is named exactly.
    """
    text = (text or "").strip()
    if store.read(_ENTITY, id=text):
        return text
    matches = search_entities(store, text, limit=10)
    if not matches:
        raise EntityNotFound(f"no entity matches {text!r}")
    exact = [m for m in matches if fold(text) in {fold(m.caption), *(fold(a) for a in m.aliases)}]
    if len(exact) == 1 or (not exact and len(matches) == 1):
        return (exact or matches)[0].id
    listed = "; ".join(f"{m.caption} ({m.label}, {m.id})" for m in (exact or matches)[:5])
    raise AmbiguousEntity(f"{text!r} matches several entities: {listed}; give an id")


def shortest_path(store: Store, source: str, target: str, filters: PathFilter = PathFilter(),
                  weight: str | None = None, max_hops: int = MAX_HOPS, timeout: float | None = None) -> Path:
    """The shortest path from ``source`` to ``target`` (entity ids): fewest links, or least total
    ``weight`` when given. Raises :class:`NoPath` when there is none, and
    :class:`~graph.errors.QueryTimeout` when the search in Neo4j takes longer than ``timeout`` seconds
    (every search here takes ``timeout``; None: no limit)."""
    return k_shortest_paths(store, source, target, 1, filters, weight, max_hops, timeout)[0]


@logged("path", "k-shortest")
def k_shortest_paths(store: Store, source: str, target: str, k: int = 3, filters: PathFilter = PathFilter(),
                     weight: str | None = None, max_hops: int = MAX_HOPS, timeout: float | None = None) -> list[Path]:
    """Up to ``k`` shortest paths with distinct entity sequences, shortest first."""
    f = filters.checked()
    schema.bound(k, 1, 100, "k")
    _check_ends(store, source, target)
    if weight is not None or (k > 1 and not _has_shortest_k(store)):
        paths = _weighted(store, source, target, k, f, weight, max_hops)
    elif k == 1:
        query = _SHORTEST % {"pattern": f.pattern(1, max_hops), "filters": _FILTERS}
        paths = _paths(_search(store, query, timeout, source=source, target=target, **f.params()))
    else:
        # parallel links make paths that differ only by which call or shipment they use: ask for more
        query = _SHORTEST_K % {"k": schema.bound(min(4 * k, 100), 1, 100, "k"),
                               "pattern": f.pattern(1, max_hops), "filters": _FILTERS}
        paths = _distinct(_paths(_search(store, query, timeout, source=source, target=target, **f.params())))[:k]
    if not paths:
        raise NoPath(_no_path(source, target, f))
    return paths


@logged("path", "all")
def all_paths(store: Store, source: str, target: str, max_hops: int = 4, filters: PathFilter = PathFilter(),
              limit: int = 100, timeout: float | None = None) -> list[Path]:
    """Simple paths (no entity twice) of at most ``max_hops`` links, shortest first, at most ``limit``."""
    f = filters.checked()
    _check_ends(store, source, target)
    query = _ALL % {"pattern": f.pattern(1, max_hops), "filters": _FILTERS, "extra": ""}
    paths = _distinct(_paths(_search(store, query, timeout, source=source, target=target, limit=limit * 4,
                                        **f.params())))
    if not paths:
        raise NoPath(_no_path(source, target, f))
    return paths[:limit]


@logged("path", "time-respecting")
def time_respecting_paths(store: Store, source: str, target: str, max_hops: int = 6,
                          filters: PathFilter = PathFilter(), max_gap_days: int | None = None,
                          limit: int = 20, timeout: float | None = None) -> list[Path]:
    """Simple paths whose dated links follow each other in time (each on or after the previous dated
    link, and at most ``max_gap_days`` later when given), fewest hops first, then earliest arrival."""
    f = filters.checked()
    _check_ends(store, source, target)
    if max_gap_days is not None and (not isinstance(max_gap_days, int) or max_gap_days < 0):
        raise ChokepointError(f"max_gap_days must be a whole number of days, not {max_gap_days!r}")
    query = _ALL % {"pattern": f.pattern(1, max_hops), "filters": _FILTERS, "extra": _TIME_RESPECTING}
    rows = _search(store, query, timeout, source=source, target=target, limit=limit * 4, gap=max_gap_days,
                      **f.params())
    paths = _distinct(_paths(rows))
    paths.sort(key=lambda p: (p.hops, p.arrival or dt.date.max, p.ids))
    if not paths:
        raise NoPath(_no_path(source, target, f) + " in time order")
    return paths[:limit]


# -- networkx reference implementations (tests compare the Cypher searches with these) ---------
def time_respecting_paths_nx(graph: nx.MultiDiGraph, source: str, target: str, max_hops: int = 6,
                             direction: str = "both", max_gap_days: int | None = None) -> set[tuple[str, ...]]:
    """Entity sequences of the simple time-respecting paths in a projection (same rules as Cypher)."""
    found: set[tuple[str, ...]] = set()

    def steps(node):
        if direction in ("both", "out"):
            for _, other, data in graph.out_edges(node, data=True):
                yield other, data.get("date")
        if direction in ("both", "in"):
            for other, _, data in graph.in_edges(node, data=True):
                yield other, data.get("date")

    def walk(path: list[str], last: dt.date | None):
        if path[-1] == target:
            found.add(tuple(path))
            return
        if len(path) > max_hops:
            return
        for other, date in steps(path[-1]):
            if other in path:
                continue
            if date is not None and last is not None and (
                    date < last or (max_gap_days is not None and (date - last).days > max_gap_days)):
                continue
            walk([*path, other], date if date is not None else last)

    walk([source], None)
    return found


def _has_shortest_k(store: Store) -> bool:
    """Whether the server has Cypher's ``SHORTEST k`` (Neo4j 5.21 and later, and every 2025.x)."""
    version = str(store.server_info().get("version", ""))
    try:
        major, minor = (int(x) for x in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 21)


def _weighted(store, source, target, k, f: PathFilter, weight: str | None, max_hops: int) -> list[Path]:
    """k shortest simple paths with networkx on the filtered projection (every link weighs 1 without
    ``weight``): weighted searches, and k-shortest on servers without ``SHORTEST k``."""
    g = project(store, rel_types=f.rel_types, dataset=f.dataset)
    keep = {n for n, d in g.nodes(data=True) if n in (source, target) or (
        n not in f.avoid and (f.labels is None or d.get("label") in f.labels))}
    simple = nx.DiGraph() if f.direction != "both" else nx.Graph()
    simple.add_nodes_from(keep)
    for a, b, key, d in g.edges(keys=True, data=True):
        if a not in keep or b not in keep or not _in_window(d.get("date"), f):
            continue
        w = d.get(weight) if weight is not None else 1.0
        if not isinstance(w, (int, float)) or isinstance(w, bool) or w < 0:
            continue  # a link without a usable weight cannot be part of a weighted path
        u, v = (b, a) if f.direction == "in" else (a, b)
        if not simple.has_edge(u, v) or simple[u][v]["weight"] > w:
            simple.add_edge(u, v, weight=float(w), key=key, link=(a, b, d))
    if source not in simple or target not in simple:
        return []
    out = []
    try:
        for seq in itertools.islice(nx.shortest_simple_paths(simple, source, target, weight="weight"), k):
            if len(seq) - 1 > max_hops:
                break
            links = []
            for u, v in zip(seq, seq[1:]):
                a, b, d = simple[u][v]["link"]
                links.append(_link(simple[u][v]["key"], d.get("type"), a, b, d))
            nodes = [{"id": n, "label": g.nodes[n].get("label"), "caption": g.nodes[n].get("caption")} for n in seq]
            out.append(Path(nodes, links, cost=sum(simple[u][v]["weight"] for u, v in zip(seq, seq[1:]))))
    except nx.NetworkXNoPath:
        pass
    return out


def _in_window(date, f: PathFilter) -> bool:
    if date is None:
        return True
    return (f.start is None or date >= f.start) and (f.end is None or date <= f.end)


def _link(link_id, rtype, source, target, props: dict) -> dict[str, Any]:
    props = {k: plain(v) for k, v in props.items() if k not in ("type", "id")}
    return {"id": link_id, "type": rtype, "source": source, "target": target, "date": props.get("date"),
            "props": props}


def _paths(rows: Iterable[dict]) -> list[Path]:
    out = []
    for row in rows:
        links = [_link(r["id"], r["type"], r["source"], r["target"], r["props"]) for r in row["links"]]
        out.append(Path(row["nodes"], links, cost=float(len(links))))
    return out


def _distinct(paths: Sequence[Path]) -> list[Path]:
    """One path per entity sequence (the first seen), counting the parallel-link variants folded in."""
    by_ids: dict[tuple[str, ...], Path] = {}
    for p in paths:
        if p.ids in by_ids:
            by_ids[p.ids].alternatives += 1
        else:
            by_ids[p.ids] = p
    return sorted(by_ids.values(), key=lambda p: (p.cost, p.hops))


def _check_ends(store: Store, *ids: str) -> None:
    for entity_id in ids:
        if not store.read(_ENTITY, id=entity_id):
            raise EntityNotFound(f"no entity with id {entity_id!r}")


def _no_path(source: str, target: str, f: PathFilter) -> str:
    limits = [f"types {', '.join(f.rel_types)}" if f.rel_types else "",
              f"through {', '.join(f.labels)} only" if f.labels else "",
              f"direction {f.direction}" if f.direction != "both" else "",
              f"dates {f.start or '...'} to {f.end or '...'}" if f.start or f.end else "",
              f"avoiding {len(f.avoid)} entit{'y' if len(f.avoid) == 1 else 'ies'}" if f.avoid else ""]
    limits = [x for x in limits if x]
    return f"no path from {source} to {target}" + (f" ({'; '.join(limits)})" if limits else "")

