"""How a network holds together: brokers, key players, cut points, components, cores and communities.

Every function takes a networkx graph (usually a projection, see :class:`graph.projection.Scope`) and
works on its simple collapse (:func:`graph.projection.collapse`): one link per pair of entities,
self-loops dropped. Direction is ignored except by brokerage (kept unless ``directed=False``) and strong
components. :func:`write_property` writes any per-entity value (a community, a score) back to Neo4j so the
app can colour by it.

Each measure is listed in :mod:`queries.backends` with its implementations (networkx the reference;
igraph for components, cut points and cores; Leiden only in igraph) and takes ``backend="auto"``;
:func:`measured` runs one by name and says which backend ran (so do ``KeyPlayers`` and ``Communities``).

Example
-------
>>> import networkx as nx
>>> g = nx.barbell_graph(4, 1)   # two K4 joined through node 4
>>> articulation_points(g), key_players(g, 1).players[0].id
([3, 4, 5], 4)
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import networkx as nx

from chokepoint.graph import schema
from chokepoint.graph.store import Store
from chokepoint.graph.audit import logged
from chokepoint.graph.projection import AnalyticsError, EmptyGraph, Scope, collapse
from chokepoint.queries import backends
from chokepoint.queries.centrality import BadParameter, Score, top_scores

__all__ = [
    "BadPropertyName",
    "ROLES",
    "WRITABLE_PREFIXES",
    "Brokerage",
    "KeyPlayers",
    "Communities",
    "Structure",
    "measured",
    "brokerage",
    "rank_brokers",
    "fragmentation",
    "key_players",
    "articulation_points",
    "bridges",
    "components",
    "core_numbers",
    "k_core",
    "communities",
    "check_property_name",
    "write_property",
    "remove_property",
    "brokerage_in_store",
    "key_players_in_store",
    "communities_in_store",
]

#: Gould-Fernandez roles of ``b`` on a two-path ``a -> b -> c`` with no ``a -> c`` link, by group of a, b, c.
ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")
#: A property written back must start with one of these (so it can never overwrite loaded data).
WRITABLE_PREFIXES = ("score_", "community")
#: Properties the loaders and the app rely on, besides the schema's own.
_RESERVED = frozenset({"id", "caption", "dataset", "aliases", "sources", "loads", "search_text", "label", "labels"})
_METHODS = ("louvain", "leiden")

_SET_PROPERTY = """
UNWIND $rows AS row
MATCH (n:Entity {id: row.id})
SET n += row.props
"""

_HOLDERS = """
MATCH (n:Entity)
WHERE n[$name] IS NOT NULL AND ($dataset IS NULL OR n.dataset = $dataset)
RETURN collect(n.id) AS ids
"""


class BadPropertyName(AnalyticsError, ValueError):
    """A property name that may not be written back (not an identifier, not prefixed, or the schema's own)."""


@dataclass(frozen=True)
class Brokerage:
    """How often an entity brokers in each Gould-Fernandez role."""

    coordinator: int = 0      # a, b, c all in one group
    gatekeeper: int = 0       # a outside; b, c in one group: b lets outsiders in
    representative: int = 0   # a, b in one group; c outside: b speaks for the group
    consultant: int = 0       # a, c in one group; b outside (itinerant broker)
    liaison: int = 0          # three different groups

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class KeyPlayers:
    """Borgatti's key players: the set whose removal fragments the network most.

    ``players`` score how much fragmentation would be lost if that one player stayed; ``before`` and
    ``after`` are the network's fragmentation without and with the players removed.
    """

    players: list[Score]
    before: float
    after: float
    backend: str = "networkx"


@dataclass(frozen=True)
class Communities:
    """A partition: ``groups`` largest first (a group's index is its community id), and its modularity."""

    method: str
    groups: list[frozenset]
    membership: dict[Hashable, int]
    modularity: float
    backend: str = "networkx"


@dataclass(frozen=True)
class Structure:
    """One structure measure's answer (``value``, as its own function returns it) and the backend that ran."""

    measure: str
    backend: str
    value: Any


def measured(graph: nx.Graph, measure: str, backend: str = "auto", **options: Any) -> Structure:
    """Any structure measure of :data:`queries.backends.STRUCTURE` by name, with the backend that ran.

    The graph is collapsed as the measure's own function does (direction ignored but by strong components
    and brokerage; Louvain and Leiden weighted by ``weight``); ``backend`` is ``auto`` (see
    :func:`queries.backends.choose`) or one the measure lists.

    Example
    -------
    >>> found = measured(nx.path_graph(4), "articulation_points")
    >>> found.value, found.backend
    ([1, 2], 'igraph')
    >>> measured(nx.path_graph(4), "articulation_points", backend="networkx").backend
    'networkx'
    """
    if measure not in backends.STRUCTURE:
        raise BadParameter(f"unknown structure measure {measure!r}; known: {', '.join(backends.STRUCTURE)}")
    if measure == "strong_components":
        h = collapse(graph, directed=True)
    elif measure == "brokerage":
        h = collapse(graph, directed=options.get("directed", True))
    else:
        h = collapse(graph, directed=False, weight=options.get("weight") if measure in _METHODS else None)
    ran = backends.choose(measure, h.number_of_nodes(), h.number_of_edges(), backend)
    return Structure(measure, ran, backends.implementation(measure, ran)(h, **options))


# -- brokerage -----------------------------------------------------------------------------------

@logged("structure", "brokers", rows=lambda found: sum(1 for b in found.values() if b.total))
def brokerage(graph: nx.Graph, group: str | Mapping[Hashable, Hashable] = "label",
              directed: bool = True, backend: str = "auto") -> dict[Hashable, Brokerage]:
    """Gould-Fernandez brokerage counts of every node.

    Parameters
    ----------
    graph : networkx graph
    group : str or mapping
        A node attribute (``label``, ``country``, ``dataset``...) or a node -> group mapping. Nodes without
        a group take no part in any two-path.
    directed : bool
        Count two-paths ``a -> b -> c`` along relationship direction (with no ``a -> c``). With False,
        links count both ways, so every open path ``a - b - c`` is counted once in each direction.

    Returns
    -------
    dict
        Node -> :class:`Brokerage` (every node, in sorted order).

    Example
    -------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> brokerage(g, {"a": "x", "b": "y", "c": "y"})["b"]
    Brokerage(coordinator=0, gatekeeper=1, representative=0, consultant=0, liaison=0)
    """
    return measured(graph, "brokerage", backend, group=group, directed=directed).value


def _brokerage_networkx(h: nx.Graph, group: str | Mapping[Hashable, Hashable] = "label",
                        directed: bool = True) -> dict[Hashable, Brokerage]:
    groups = _groups(h, group)
    out: dict[Hashable, Brokerage] = {}
    succ = h.succ if directed else h.adj
    pred = h.pred if directed else h.adj
    for b in h:
        gb = groups.get(b)
        counts: Counter = Counter()
        if gb is not None:
            for a in pred[b]:
                ga = groups.get(a)
                if ga is None:
                    continue
                links = succ[a]
                for c in succ[b]:
                    gc = groups.get(c)
                    if c == a or gc is None or c in links:
                        continue
                    counts[_role(ga, gb, gc)] += 1
        out[b] = Brokerage(**counts)
    return out


def rank_brokers(graph: nx.Graph, group: str | Mapping[Hashable, Hashable] = "label", role: str = "total",
                 directed: bool = True, top: int | None = 10) -> list[Score]:
    """The ``top`` brokers by one role (or ``total``), with captions and labels.

    Example
    -------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> [(s.id, s.score) for s in rank_brokers(g, {"a": 1, "b": 2, "c": 3}, "liaison", top=1)]
    [('b', 1.0)]
    """
    if role not in (*ROLES, "total"):
        raise BadParameter(f"unknown brokerage role {role!r}; known: {', '.join((*ROLES, 'total'))}")
    counts = brokerage(graph, group, directed)
    return top_scores(graph, {v: float(getattr(b, role)) for v, b in counts.items()}, top)


# -- key players and cut points ------------------------------------------------------------------

def fragmentation(graph: nx.Graph, removed: Iterable[Hashable] = (), backend: str = "auto") -> float:
    """Borgatti's fragmentation of ``graph`` without ``removed``: the share of pairs of the remaining
    nodes that cannot reach each other (direction ignored); 0 for fewer than two nodes.

    Example
    -------
    >>> fragmentation(nx.Graph([(1, 2), (3, 4)]))
    0.6666666666666667
    >>> fragmentation(nx.path_graph(3), removed=[1])
    1.0
    """
    return measured(graph, "fragmentation", backend, removed=removed).value


def _fragmentation_networkx(h: nx.Graph, removed: Iterable[Hashable] = ()) -> float:
    h.remove_nodes_from(list(removed))
    return _fragmentation(sum(len(c) * (len(c) - 1) for c in nx.connected_components(h)), len(h))


@logged("structure", "key-players", rows=lambda found: len(found.players))
def key_players(graph: nx.Graph, k: int, starts: int = 5, seed: int = 0, max_rounds: int = 20,
                backend: str = "auto") -> KeyPlayers:
    """The ``k`` nodes whose removal fragments the network most (Borgatti's KPP-Neg, fragmentation).

    A local search as Borgatti describes it: from a start set, swap a member for an outsider while
    that raises fragmentation (at most ``max_rounds`` passes). The first start is greedy (add the
    node whose removal raises fragmentation most, ``k`` times); ``starts - 1`` more are random sets
    drawn with ``seed``; the best result wins. Each swap step scores every outsider exactly in one
    depth-first pass (O(nodes + links)). Ties go to the smallest id. Not guaranteed optimal.

    Parameters
    ----------
    graph : networkx graph
        Direction is ignored.
    k : int
        How many key players (1 <= k < number of nodes).
    starts, seed, max_rounds : int
        More starts and rounds search more (the cost grows linearly with each).
    backend : str
        ``auto`` or ``networkx`` (the only implementation, :mod:`queries.backends`).

    Returns
    -------
    KeyPlayers

    Example
    -------
    >>> kp = key_players(nx.barbell_graph(5, 1), 1)
    >>> kp.players[0].id, round(kp.before, 3), round(kp.after, 3)
    (5, 0.0, 0.556)
    """
    found = measured(graph, "key_players", backend, k=k, starts=starts, seed=seed, max_rounds=max_rounds)
    return replace(found.value, backend=found.backend)


def _key_players_networkx(h: nx.Graph, k: int, starts: int = 5, seed: int = 0, max_rounds: int = 20) -> KeyPlayers:
    n = len(h)
    if not 1 <= k < n:
        raise BadParameter(f"key players: k must be between 1 and {n - 1} (the graph has {n} entities), not {k}")
    if starts < 1:
        raise BadParameter(f"key players: starts must be at least 1, not {starts}")
    adj = {v: set(h.adj[v]) for v in h}
    order = list(h)
    greedy: list[Hashable] = []
    for _ in range(k):
        greedy.append(_best_removal(adj, order, set(greedy))[0])
    rnd = random.Random(seed)
    position = {v: i for i, v in enumerate(order)}
    best_set, best_sum, best_key = greedy, math.inf, None
    for start in [greedy, *(rnd.sample(order, k) for _ in range(starts - 1))]:
        chosen, total = _swap_search(adj, order, list(start), max_rounds)
        key = (total, sorted(position[v] for v in chosen))
        if best_key is None or key < best_key:
            best_set, best_sum, best_key = chosen, total, key
    m = n - k
    after = _fragmentation(best_sum, m)
    contributions = {v: after - _fragmentation(_pair_sum(adj, set(best_set) - {v}), m + 1) for v in best_set}
    return KeyPlayers(players=top_scores(h, contributions, None),
                      before=_fragmentation(_pair_sum(adj, set()), n), after=after)


@logged("structure", "articulation-points")
def articulation_points(graph: nx.Graph, backend: str = "auto") -> list:
    """Nodes whose removal disconnects their component (direction ignored), sorted.

    Example
    -------
    >>> articulation_points(nx.path_graph(4))
    [1, 2]
    """
    return measured(graph, "articulation_points", backend).value


@logged("structure", "bridges")
def bridges(graph: nx.Graph, backend: str = "auto") -> list[tuple]:
    """Pairs of entities whose links (however many relationships) are the only way between two parts.

    Example
    -------
    >>> bridges(nx.barbell_graph(3, 0))
    [(2, 3)]
    """
    return measured(graph, "bridges", backend).value


@logged("structure", "components")
def components(graph: nx.Graph, strong: bool = False, backend: str = "auto") -> list[set]:
    """Connected components, largest first (ties by smallest member): weak (direction ignored) by default,
    strong (mutually reachable along direction) with ``strong=True``.

    Example
    -------
    >>> components(nx.DiGraph([(1, 2), (2, 1), (2, 3)]), strong=True)
    [{1, 2}, {3}]
    """
    return measured(graph, "strong_components" if strong else "components", backend).value


def core_numbers(graph: nx.Graph, backend: str = "auto") -> dict:
    """Each node's core number: the largest k such that it is in the k-core (direction ignored).

    Example
    -------
    >>> core_numbers(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4)]))
    {1: 2, 2: 2, 3: 2, 4: 1}
    """
    return measured(graph, "core_numbers", backend).value


def k_core(graph: nx.Graph, k: int, backend: str = "auto") -> set:
    """The nodes of the ``k``-core: the largest subgraph in which every node has at least ``k`` neighbours.

    Example
    -------
    >>> sorted(k_core(nx.Graph([(1, 2), (2, 3), (3, 1), (3, 4)]), 2))
    [1, 2, 3]
    """
    return {v for v, c in core_numbers(graph, backend).items() if c >= k}


# -- communities ---------------------------------------------------------------------------------

@logged("structure", "communities", rows=lambda found: len(found.groups))
def communities(graph: nx.Graph, method: str = "louvain", seed: int = 0, resolution: float = 1.0,
                weight: str | None = None, backend: str = "auto") -> Communities:
    """Communities of the undirected collapsed graph and their modularity.

    Parameters
    ----------
    method : {"louvain", "leiden"}
        Louvain (``networkx.community.louvain_communities``) or Leiden (igraph, modularity objective).
    seed : int
        Same seed, same partition.
    resolution : float
        Above 1 favours smaller communities, below 1 larger ones.
    weight : str, optional
        Numeric edge property summed over a pair's relationships; without it every linked pair counts 1.
    backend : str
        ``auto``, or the method's one implementation: ``networkx`` (Louvain), ``igraph`` (Leiden).

    Returns
    -------
    Communities
        Modularity is networkx's ``modularity`` of the partition at the same resolution.

    Example
    -------
    >>> found = communities(nx.barbell_graph(4, 0))
    >>> found.groups, round(found.modularity, 4)
    ([frozenset({0, 1, 2, 3}), frozenset({4, 5, 6, 7})], 0.4231)
    """
    if method not in _METHODS:
        raise BadParameter(f"unknown community method {method!r}; known: {', '.join(_METHODS)}")
    found = measured(graph, method, backend, seed=seed, resolution=resolution, weight=weight)
    return replace(found.value, backend=found.backend)


def _louvain_networkx(h: nx.Graph, seed: int = 0, resolution: float = 1.0, weight: str | None = None) -> Communities:
    _has_links(h)
    w = "weight" if weight else None
    return _partition(h, "louvain", nx.community.louvain_communities(h, weight=w, resolution=resolution, seed=seed),
                      w, resolution)


def _leiden_igraph(h: nx.Graph, seed: int = 0, resolution: float = 1.0, weight: str | None = None) -> Communities:
    _has_links(h)
    w = "weight" if weight else None
    return _partition(h, "leiden", _leiden(h, w, resolution, seed), w, resolution)


def _has_links(h: nx.Graph) -> None:
    if h.number_of_edges() == 0:
        raise EmptyGraph("the graph has no relationships to find communities in")


def _partition(h: nx.Graph, method: str, parts: Iterable[set], w: str | None, resolution: float) -> Communities:
    groups = sorted((frozenset(p) for p in parts), key=lambda p: (-len(p), min(p)))
    membership = {v: i for i, p in enumerate(groups) for v in p}
    quality = nx.community.modularity(h, groups, weight=w, resolution=resolution)
    return Communities(method, groups, dict(sorted(membership.items())), quality)


# -- writing back --------------------------------------------------------------------------------

def check_property_name(name: str) -> str:
    """Return ``name`` if results may be written under it, else raise :class:`BadPropertyName`.

    Example
    -------
    >>> check_property_name("score_pagerank"), check_property_name("community")
    ('score_pagerank', 'community')
    >>> check_property_name("name")
    Traceback (most recent call last):
    ...
    chokepoint.queries.structure.BadPropertyName: cannot write results to 'name': the name must start with score_ or community
    """
    if not isinstance(name, str) or not schema.IDENTIFIER.match(name):
        raise BadPropertyName(f"cannot write results to {name!r}: not a plain identifier (letters, digits, _)")
    if not name.startswith(WRITABLE_PREFIXES):
        raise BadPropertyName(f"cannot write results to {name!r}: the name must start with "
                              f"{' or '.join(WRITABLE_PREFIXES)}")
    if name in _RESERVED or name in _schema_properties():
        raise BadPropertyName(f"cannot write results to {name!r}: the schema or the loaders own that property")
    return name


def write_property(store: Store, name: str, values: Mapping[str, Any], dataset: str | None = None,
                   replace: bool = True) -> int:
    """Set property ``name`` on each entity id in ``values`` (one ``UNWIND`` batch per 10,000).

    With ``replace`` the property is first removed from every other entity that holds it (of ``dataset``,
    or of all). Values must be numbers, strings or booleans. Returns how many entities were written
    (ids not in the database are skipped).
    """
    check_property_name(name)
    rows = [{"id": _entity_id(k), "props": {name: _scalar(name, v)}} for k, v in values.items()]
    if replace:
        stale = set(store.read(_HOLDERS, name=name, dataset=dataset)[0]["ids"]) - set(values)
        store.write_batches(_SET_PROPERTY, ({"id": i, "props": {name: None}} for i in sorted(stale)))
    return store.write_batches(_SET_PROPERTY, rows)["properties_set"]


def remove_property(store: Store, name: str, dataset: str | None = None) -> int:
    """Remove property ``name`` from every entity (of ``dataset``) that has it; return how many had it."""
    check_property_name(name)
    holders = store.read(_HOLDERS, name=name, dataset=dataset)[0]["ids"]
    store.write_batches(_SET_PROPERTY, ({"id": i, "props": {name: None}} for i in holders))
    return len(holders)


# -- the store -----------------------------------------------------------------------------------

def brokerage_in_store(store: Store, scope: Scope | None = None, group: str = "label",
                       directed: bool = True) -> dict[Hashable, Brokerage]:
    """:func:`brokerage` of the projected ``scope``."""
    return brokerage(_projected(store, scope), group, directed)


def key_players_in_store(store: Store, k: int, scope: Scope | None = None) -> KeyPlayers:
    """:func:`key_players` of the projected ``scope``."""
    return key_players(_projected(store, scope), k)


def communities_in_store(store: Store, scope: Scope | None = None, method: str = "louvain", seed: int = 0,
                         resolution: float = 1.0, weight: str | None = None,
                         write_as: str | None = None) -> Communities:
    """:func:`communities` of the projected ``scope``; with ``write_as`` (e.g. ``"community"``) each
    entity's community id is also written to that property (replacing older values in the scope's dataset)."""
    if write_as is not None:
        check_property_name(write_as)
    found = communities(_projected(store, scope), method, seed, resolution, weight)
    if write_as is not None:
        write_property(store, write_as, found.membership, dataset=(scope or Scope()).dataset)
    return found


# -- helpers -------------------------------------------------------------------------------------

def _projected(store: Store, scope: Scope | None) -> nx.MultiDiGraph:
    g = (scope or Scope()).project(store)
    if g.number_of_nodes() == 0:
        raise EmptyGraph("the graph has no entities (check the labels, relationship types, dataset and time window)")
    return g


def _groups(graph: nx.Graph, group: str | Mapping[Hashable, Hashable]) -> dict[Hashable, Hashable]:
    if isinstance(group, Mapping):
        return {v: group[v] for v in graph if group.get(v) is not None}
    out = {}
    for v, value in graph.nodes(data=group):
        if isinstance(value, list):
            value = tuple(value)
        if value is not None:
            out[v] = value
    return out


def _role(ga: Hashable, gb: Hashable, gc: Hashable) -> str:
    if ga == gb == gc:
        return "coordinator"
    if gb == gc:
        return "gatekeeper"
    if ga == gb:
        return "representative"
    if ga == gc:
        return "consultant"
    return "liaison"


def _fragmentation(pair_sum: int, n: int) -> float:
    """1 - sum of s(s-1) over component sizes / n(n-1)."""
    return 0.0 if n < 2 else 1.0 - pair_sum / (n * (n - 1))


def _pair_sum(adj: dict, removed: set) -> int:
    """Sum of s(s-1) over the component sizes of the graph without ``removed``."""
    seen = set(removed)
    total = 0
    for root in adj:
        if root in seen:
            continue
        seen.add(root)
        stack, size = [root], 0
        while stack:
            v = stack.pop()
            size += 1
            for w in adj[v]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        total += size * (size - 1)
    return total


def _best_removal(adj: dict, order: list, removed: set) -> tuple[Hashable, int]:
    """The node whose removal (besides ``removed``) leaves the smallest sum of s(s-1), and that sum.

    One iterative depth-first pass (Tarjan's low points): removing v splits its component into the
    subtrees of the DFS children w with low[w] >= disc[v], plus the rest of the component.
    """
    disc: dict = {}
    low: dict = {}
    size: dict = {}
    split: dict = {}
    comps: list[tuple[int, list]] = []
    for root in order:
        if root in removed or root in disc:
            continue
        disc[root] = low[root] = len(disc)
        size[root], split[root] = 1, []
        members = [root]
        stack = [(root, None, iter(adj[root]))]
        while stack:
            v, parent, neighbours = stack[-1]
            for w in neighbours:
                if w == parent or w in removed:
                    continue
                if w in disc:
                    low[v] = min(low[v], disc[w])
                else:
                    disc[w] = low[w] = len(disc)
                    size[w], split[w] = 1, []
                    members.append(w)
                    stack.append((w, v, iter(adj[w])))
                    break
            else:
                stack.pop()
                if parent is not None:
                    size[parent] += size[v]
                    low[parent] = min(low[parent], low[v])
                    if low[v] >= disc[parent]:
                        split[parent].append(size[v])
        comps.append((len(members), members))
    base = sum(s * (s - 1) for s, _ in comps)
    position = {v: i for i, v in enumerate(order)}
    best, best_sum = None, math.inf
    for s, members in comps:
        for v in members:
            parts = split[v]
            rest = s - 1 - sum(parts)
            total = base - s * (s - 1) + sum(p * (p - 1) for p in parts) + rest * (rest - 1)
            if total < best_sum or (total == best_sum and position[v] < position[best]):
                best, best_sum = v, total
    return best, int(best_sum)


def _swap_search(adj: dict, order: list, chosen: list, max_rounds: int) -> tuple[list, int]:
    """Swap members for better outsiders until no swap lowers the pair sum; return the set and its sum."""
    current = _pair_sum(adj, set(chosen))
    for _ in range(max_rounds):
        improved = False
        for i, member in enumerate(chosen):
            best, best_sum = _best_removal(adj, order, set(chosen) - {member})
            if best_sum < current:
                chosen[i], current, improved = best, best_sum, True
        if not improved:
            break
    return chosen, current


def _leiden(h: nx.Graph, weight: str | None, resolution: float, seed: int) -> list[set]:
    import igraph

    nodes = list(h)
    index = {v: i for i, v in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in h.edges()])
    weights = [d for _, _, d in h.edges(data="weight")] if weight else None
    igraph.set_random_number_generator(random.Random(seed))
    try:
        found = g.community_leiden(objective_function="modularity", weights=weights, resolution=resolution,
                                   n_iterations=-1)
    finally:
        igraph.set_random_number_generator(random)
    return [{nodes[i] for i in part} for part in found]


def _schema_properties() -> set[str]:
    types = (*schema.SCHEMA.nodes.values(), *schema.SCHEMA.relationships.values())
    return {p for t in types for p in t.properties}


def _entity_id(key: Any) -> str:
    if not isinstance(key, str):
        raise BadParameter(f"write_property takes entity ids (strings) as keys, not {key!r}")
    return key


def _scalar(name: str, value: Any) -> Any:
    if isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise BadParameter(f"cannot write {value!r} to {name!r}: values must be numbers, strings or booleans")
