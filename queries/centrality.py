"""Who matters in a network: degree, betweenness, closeness, harmonic, PageRank and eigenvector centrality.

Every measure runs on a networkx graph (usually :func:`graph.projection.project`'s ``MultiDiGraph``)
collapsed to a simple graph first: one edge per linked pair (per direction when direction is kept),
self-loops dropped, and the chosen numeric edge property summed over the pair's parallel
relationships as its weight. Which measure keeps direction:

=============  ===========================================================================
measure        direction and weight
=============  ===========================================================================
degree         ``mode``: ``in`` / ``out`` (direction kept) or ``total`` (ignored); weighted
               by ``weight`` (sum), else the number of distinct neighbours
betweenness    ignored unless ``directed=True``; hop counts (never weighted)
closeness      ignored unless ``directed=True`` (then: distances *to* the node); hop counts
harmonic       as closeness
pagerank       kept; transitions weighted by ``weight`` when given
eigenvector    ignored; weighted by ``weight`` when given
=============  ===========================================================================

networkx is the reference implementation; ``backend="auto"`` runs igraph instead (and, for betweenness,
the compiled Brandes of :mod:`queries.brandes`), which gives the same values (the tests check
max |diff| < 1e-9) many times faster (``bench/centrality.py``). Sampled betweenness picks its ``k``
source entities with :func:`sample_sources` (seeded, over the sorted ids), so every backend, and ``networkx.betweenness_centrality(g, k, seed)`` over a graph whose nodes are in
sorted order, give the same result.

Example
-------
>>> import networkx as nx
>>> star = nx.star_graph(4)   # hub 0 with four leaves
>>> ranking = rank(star, "betweenness", top=2)
>>> [(s.id, s.score) for s in ranking.top]
[(0, 1.0), (1, 0.0)]
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import random
import warnings
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError

from chokepoint.graph.projection import project
from chokepoint.graph.values import plain
from chokepoint.graph.store import Store
from chokepoint.graph.audit import audited, json_safe, logged

__all__ = [
    "AnalyticsError",
    "UnknownMeasure",
    "UnknownBackend",
    "EmptyGraph",
    "BadWeight",
    "BadParameter",
    "MEASURES",
    "BACKENDS",
    "Score",
    "Ranking",
    "Scope",
    "degree",
    "betweenness",
    "closeness",
    "harmonic",
    "pagerank",
    "eigenvector",
    "compute",
    "rank",
    "rank_in_store",
    "top_scores",
    "sample_sources",
    "within",
    "collapse",
]

#: Measure name -> what it says about an entity (names accepted by :func:`compute` and :func:`rank`).
MEASURES: dict[str, str] = {
    "degree": "distinct neighbours, or total weight of its relationships",
    "in_degree": "distinct entities linking to it, or weight received",
    "out_degree": "distinct entities it links to, or weight sent",
    "betweenness": "share of shortest paths between other entities that pass through it",
    "closeness": "how near it is to the entities it can reach (Wasserman-Faust, for disconnected graphs)",
    "harmonic": "sum of 1/distance from every other entity",
    "pagerank": "chance a random walk along the links is there",
    "eigenvector": "linked to entities that are themselves well linked",
}
BACKENDS = ("auto", "networkx", "igraph")
_DEGREE_MODES = {"degree": "total", "in_degree": "in", "out_degree": "out"}
_PAGERANK_TOL = 1e-13  # networkx's default 1e-6 is too loose to compare with igraph's exact solver
_EIGENVECTOR_TOL = 1e-13
_MAX_ITER = 10_000


class AnalyticsError(ChokepointError):
    """A graph analysis cannot run as asked."""


class UnknownMeasure(AnalyticsError, ValueError):
    """A measure name that :data:`MEASURES` does not define."""


class UnknownBackend(AnalyticsError, ValueError):
    """A backend other than those in :data:`BACKENDS`."""


class EmptyGraph(AnalyticsError):
    """The (filtered) graph has no entities, or no relationships where some are needed."""


class BadWeight(AnalyticsError, ValueError):
    """An edge property used as a weight holds something other than a non-negative number."""


class BadParameter(AnalyticsError, ValueError):
    """An option a measure does not take, or a value out of range."""


@dataclass(frozen=True)
class Score:
    """One entity's score, with what the canvas shows for it."""

    id: Hashable
    caption: str | None
    label: str | None
    score: float


@dataclass(frozen=True)
class Ranking:
    """A measure over a graph: the ``top`` entities and every entity's score."""

    measure: str
    backend: str
    scores: dict[Hashable, float]
    top: list[Score]
    nodes: int
    relationships: int
    options: dict[str, Any] = field(default_factory=dict)


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
                g = _project_ids(store, self.ids, self.labels, self.rel_types, self.dataset)
            else:
                g = project(store, self.labels, self.rel_types, self.dataset)
            g = within(g, self.start, self.end, self.keep_undated)
            g.graph["scope"] = {k: v for k, v in described.items() if k != "ids"}
            if self.ids is not None:
                g.graph["scope"]["entities"] = len(self.ids)   # the ids themselves are in the projection's line
            entry.rows = g.number_of_nodes()
            return g


# -- the measures -------------------------------------------------------------------------------

def degree(graph: nx.Graph, mode: str = "total", weight: str | None = None, backend: str = "auto") -> dict:
    """Degree of every node: ``in``, ``out`` or ``total``, optionally weighted.

    Parameters
    ----------
    graph : networkx graph
        Any networkx graph; a multigraph is collapsed first (see the module docs).
    mode : {"total", "in", "out"}
        ``total`` ignores direction; ``in`` / ``out`` count incoming / outgoing links.
    weight : str, optional
        Numeric edge property: the score is then the sum of that property over the node's
        relationships (missing values count 0). Without it, the number of distinct neighbours.
    backend : {"auto", "networkx", "igraph"}

    Returns
    -------
    dict
        Node -> degree (float), nodes in sorted order.

    Raises
    ------
    EmptyGraph, BadWeight, BadParameter

    Example
    -------
    >>> g = nx.MultiDiGraph([("a", "b"), ("a", "b"), ("c", "b")])
    >>> degree(g, "in")
    {'a': 0.0, 'b': 2.0, 'c': 0.0}
    """
    if mode not in ("total", "in", "out"):
        raise BadParameter(f"degree mode must be 'total', 'in' or 'out', not {mode!r}")
    s = _collapse(graph, directed=mode != "total", weight=weight)
    if _backend(backend) == "networkx":
        h = s.to_networkx()
        w = "weight" if weight else None
        view = h.degree if mode == "total" else h.in_degree if mode == "in" else h.out_degree
        return s.reorder(dict(view(weight=w)))
    g = s.to_igraph()
    ig_mode = {"total": "all", "in": "in", "out": "out"}[mode]
    values = g.strength(mode=ig_mode, weights=s.weights.tolist(), loops=False) if weight else g.degree(mode=ig_mode)
    return s.scores(values)


def betweenness(graph: nx.Graph, k: int | None = None, seed: int | None = None, directed: bool = False,
                normalized: bool = True, backend: str = "auto", threads: int | None = None) -> dict:
    """Shortest-path betweenness of every node, exact or from ``k`` sampled sources.

    Parameters
    ----------
    graph : networkx graph
    k : int, optional
        Estimate from shortest paths starting at ``k`` sources chosen by :func:`sample_sources`
        (``seed``); exact when None or ``k`` >= the number of nodes.
    seed : int, optional
        Seed of the sample (give one for a reproducible estimate).
    directed : bool
        Follow relationship direction (for flows such as ``SHIPPED_TO``); default: ignore it.
    normalized : bool
        Divide by the number of ordered node pairs, as networkx does.
    backend : {"auto", "networkx", "igraph"}
        ``auto`` runs the compiled Brandes of :mod:`queries.brandes` (the fastest measured).
    threads : int, optional
        With ``auto`` on a big graph, split the sources over this many threads and add their counts
        (default :data:`queries.brandes.THREADS`).

    Returns
    -------
    dict
        Node -> betweenness, equal to ``networkx.betweenness_centrality`` on the collapsed graph.

    Example
    -------
    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    s = _collapse(graph, directed=directed, weight=None)
    n = len(s.nodes)
    sources = None
    if k is not None:
        if k < 2:
            raise BadParameter(f"betweenness needs k >= 2 sampled sources, not {k}")
        if k < n:
            sources = sample_sources(graph, k, seed)
    if _backend(backend) == "networkx":
        h = s.to_networkx()
        if sources is None:
            return s.reorder(nx.betweenness_centrality(h, normalized=normalized))
        raw = nx.betweenness_centrality_subset(h, sources, s.nodes, normalized=False)
        return _scale_betweenness(s.reorder(raw), n, directed, normalized, sources)
    indices = list(range(n)) if sources is None else [s.index[v] for v in sources]
    if backend == "auto":
        from chokepoint.queries import brandes  # numba takes 0.5 s to import: only when betweenness runs

        raw = s.scores(brandes.counts(n, s.pairs, directed, indices, threads=threads or brandes.THREADS))
    elif sources is None:
        raw = s.scores(s.to_igraph().betweenness(directed=directed))
    else:
        raw = s.scores(s.to_igraph().betweenness(directed=directed, sources=indices))
    return _scale_betweenness(raw, n, directed, normalized, sources)


def closeness(graph: nx.Graph, directed: bool = False, backend: str = "auto") -> dict:
    """Closeness of every node over the nodes it can reach, scaled by the reachable share (Wasserman-Faust).

    With ``directed=True`` distances are measured *to* the node (networkx's convention). Values equal
    ``networkx.closeness_centrality`` on the collapsed graph; isolated nodes score 0.

    Example
    -------
    >>> closeness(nx.path_graph(3))
    {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    """
    s = _collapse(graph, directed=directed, weight=None)
    if _backend(backend) == "networkx":
        return s.reorder(nx.closeness_centrality(s.to_networkx()))
    g, n = s.to_igraph(), len(s.nodes)
    if n < 2:
        return s.scores([0.0] * n)
    if directed:
        raw = g.closeness(mode="in", normalized=False)
        scaled = g.closeness(mode="in", normalized=True)
        others = [0 if _nan(r) else round(c / r) for c, r in zip(scaled, raw)]  # nodes reaching it
    else:
        scaled = g.closeness(mode="all", normalized=True)
        sizes = g.connected_components().sizes()
        others = [sizes[c] - 1 for c in g.connected_components().membership]
    return s.scores([0.0 if _nan(c) else c * r / (n - 1) for c, r in zip(scaled, others)])


def harmonic(graph: nx.Graph, directed: bool = False, backend: str = "auto") -> dict:
    """Harmonic centrality: the sum of 1/distance from every other node (``networkx.harmonic_centrality``).

    Example
    -------
    >>> harmonic(nx.path_graph(3))
    {0: 1.5, 1: 2.0, 2: 1.5}
    """
    s = _collapse(graph, directed=directed, weight=None)
    if _backend(backend) == "networkx":
        return s.reorder(nx.harmonic_centrality(s.to_networkx()))
    g = s.to_igraph()
    return s.scores(g.harmonic_centrality(mode="in" if directed else "all", normalized=False))


def pagerank(graph: nx.Graph, alpha: float = 0.85, weight: str | None = None, backend: str = "auto") -> dict:
    """PageRank along relationship direction (an undirected graph's links count both ways).

    Parameters
    ----------
    alpha : float
        Damping factor: the chance the walk follows a link rather than jumps anywhere.
    weight : str, optional
        Numeric edge property; a walk leaves a node along each link in proportion to it.

    Returns
    -------
    dict
        Node -> PageRank (the values sum to 1); networkx's ``pagerank`` solved to 1e-13.

    Example
    -------
    >>> pr = pagerank(nx.MultiDiGraph([("a", "b"), ("c", "b")]))
    >>> max(pr, key=pr.get), round(sum(pr.values()), 9)
    ('b', 1.0)
    """
    if not 0 < alpha < 1:
        raise BadParameter(f"pagerank alpha must be between 0 and 1, not {alpha}")
    s = _collapse(graph, directed=True, weight=weight)
    if _backend(backend) == "networkx":
        h = s.to_networkx()
        return s.reorder(nx.pagerank(h, alpha=alpha, weight="weight" if weight else None,
                                tol=_PAGERANK_TOL, max_iter=_MAX_ITER))
    g = s.to_igraph()
    return s.scores(g.pagerank(directed=True, damping=alpha, weights=s.weights.tolist() if weight else None))


def eigenvector(graph: nx.Graph, weight: str | None = None, backend: str = "auto") -> dict:
    """Eigenvector centrality of the undirected collapsed graph, scaled to unit Euclidean norm.

    On a disconnected graph only the component with the largest leading eigenvalue scores above 0;
    with no relationships at all every node gets the same score.

    Example
    -------
    >>> ev = eigenvector(nx.star_graph(3))
    >>> round(ev[0], 6), round(ev[1], 6)
    (0.707107, 0.408248)
    """
    s = _collapse(graph, directed=False, weight=weight)
    if _backend(backend) == "networkx":
        h = s.to_networkx()
        try:
            return s.reorder(nx.eigenvector_centrality(h, weight="weight" if weight else None,
                                                  tol=_EIGENVECTOR_TOL, max_iter=_MAX_ITER))
        except nx.PowerIterationFailedConvergence as err:
            raise AnalyticsError(f"eigenvector centrality did not converge in {_MAX_ITER} iterations") from err
    g = s.to_igraph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns on disconnected graphs
        values = g.eigenvector_centrality(weights=s.weights.tolist() if weight else None)
    norm = math.sqrt(sum(x * x for x in values)) or 1.0
    return s.scores([abs(x) / norm for x in values])


# -- one entry point, ranking, the store -------------------------------------------------------

def compute(graph: nx.Graph, measure: str, backend: str = "auto", **options: Any) -> dict:
    """Every node's score for ``measure`` (a name in :data:`MEASURES`), with that measure's options.

    Example
    -------
    >>> compute(nx.path_graph(3), "degree")
    {0: 1.0, 1: 2.0, 2: 1.0}
    >>> compute(nx.path_graph(3), "fame")
    Traceback (most recent call last):
    ...
    chokepoint.queries.centrality.UnknownMeasure: unknown measure 'fame'; known: betweenness, closeness, degree, eigenvector, harmonic, in_degree, out_degree, pagerank
    """
    fn, fixed = _checked(measure, options)
    return fn(graph, backend=backend, **fixed, **options)


@logged("centrality", query_from="measure", rows=lambda ranking: len(ranking.top))
def rank(graph: nx.Graph, measure: str, top: int = 10, backend: str = "auto", **options: Any) -> Ranking:
    """The ``top`` nodes by ``measure`` (ties by id) and every node's score, as a :class:`Ranking`."""
    scores = compute(graph, measure, backend=backend, **options)
    if measure == "betweenness" and options.get("k") is not None:
        options = {**options, "sampled": options["k"] < graph.number_of_nodes()}
    return Ranking(measure=measure, backend=_backend(backend), scores=scores, top=top_scores(graph, scores, top),
                   nodes=graph.number_of_nodes(), relationships=graph.number_of_edges(), options=options)


def rank_in_store(store: Store, measure: str, scope: Scope | None = None, top: int = 10,
                  backend: str = "auto", **options: Any) -> Ranking:
    """Project ``scope`` from ``store`` and :func:`rank` it (a bad measure, option or backend fails first)."""
    _checked(measure, options)
    _backend(backend)
    return rank((scope or Scope()).project(store), measure, top=top, backend=backend, **options)


def top_scores(graph: nx.Graph, scores: Mapping[Hashable, float], top: int | None = 10) -> list[Score]:
    """``scores`` ranked high to low (ties by id), with each node's ``caption`` and ``label``; all if top is None.

    Example
    -------
    >>> g = nx.Graph([("a", "b")]); g.nodes["a"].update(caption="Ana", label="Person")
    >>> top_scores(g, {"a": 1.0, "b": 2.0}, top=1)
    [Score(id='b', caption=None, label=None, score=2.0)]
    """
    try:
        order = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    except TypeError:  # mixed node types in a hand-built graph
        order = sorted(scores.items(), key=lambda kv: (-kv[1], _sort_key(kv[0])))
    if top is not None:
        order = order[:top]
    return [Score(v, graph.nodes[v].get("caption"), graph.nodes[v].get("label"), float(x)) for v, x in order]


def sample_sources(graph: nx.Graph, k: int, seed: int | None = None) -> list:
    """``k`` nodes drawn with ``random.Random(seed)`` from the nodes in sorted order.

    Example
    -------
    >>> sample_sources(nx.path_graph(10), 3, seed=1)
    [2, 1, 4]
    """
    return random.Random(seed).sample(_ordered(graph), k)


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
    h = _collapse(graph, directed, weight).to_networkx()
    for v, attrs in graph.nodes(data=True):
        h.nodes[v].update(attrs)
    return h


# -- helpers -------------------------------------------------------------------------------------

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


def _project_ids(store: Store, ids: Sequence[str], labels: Sequence[str] | None, rel_types: Sequence[str] | None,
                 dataset: str | None) -> nx.MultiDiGraph:
    """As :func:`graph.projection.project`, restricted to the entities ``ids`` (those that exist and fit)."""
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


@dataclass
class _Simple:
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


def _collapse(graph: nx.Graph, directed: bool, weight: str | None) -> _Simple:
    if graph.number_of_nodes() == 0:
        raise EmptyGraph("the graph has no entities (check the labels, relationship types, dataset and time window)")
    nodes = _ordered(graph)
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
    return _Simple(nodes, index, pairs, np.bincount(which, weights=amount, minlength=len(keys)), directed)


def _weight_value(value: Any, name: str, u: Hashable, v: Hashable) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise BadWeight(f"weight property {name!r} must be a non-negative number; the relationship "
                        f"{u!r} -> {v!r} has {value!r}")
    return float(value)


def _scale_betweenness(raw: Mapping, n: int, directed: bool, normalized: bool, sources: Sequence | None) -> dict:
    """networkx's rescaling (3.6, endpoints excluded) of raw counts as networkx's unnormalized
    ``betweenness_centrality_subset`` and igraph return them (unordered pairs when undirected)."""
    pairs = n - 1  # possible targets of a path through v
    if pairs < 2:
        return {v: float(x) for v, x in raw.items()}
    twice = 1 if directed else 2  # undirected raw counts each pair once; networkx counts (s, t) and (t, s)
    if sources is None:
        scale = twice / (pairs * (pairs - 1)) if normalized else 1.0
        return {v: x * scale for v, x in raw.items()}
    k = len(sources)
    if normalized:
        on, off = twice / ((k - 1) * (pairs - 1)), twice / (k * (pairs - 1))
    else:
        on, off = pairs / (k - 1), pairs / k
    chosen = set(sources)
    return {v: x * (on if v in chosen else off) for v, x in raw.items()}


def _measure(name: str) -> tuple[Callable[..., dict], dict[str, Any]]:
    if name in _DEGREE_MODES:
        return degree, {"mode": _DEGREE_MODES[name]}
    fn = {"betweenness": betweenness, "closeness": closeness, "harmonic": harmonic,
          "pagerank": pagerank, "eigenvector": eigenvector}.get(name)
    if fn is None:
        raise UnknownMeasure(f"unknown measure {name!r}; known: {', '.join(sorted(MEASURES))}")
    return fn, {}


def _checked(measure: str, options: Mapping[str, Any]) -> tuple[Callable[..., dict], dict[str, Any]]:
    """The measure's function and fixed arguments, once ``options`` are known to be its own."""
    fn, fixed = _measure(measure)
    allowed = set(inspect.signature(fn).parameters) - {"graph", "backend", *fixed}
    extra = sorted(set(options) - allowed)
    if extra:
        raise BadParameter(f"measure {measure!r} takes no option {', '.join(extra)}; "
                           f"it takes: {', '.join(sorted(allowed)) or 'none'}")
    return fn, fixed


def _backend(name: str) -> str:
    if name not in BACKENDS:
        raise UnknownBackend(f"unknown backend {name!r}; known: {', '.join(BACKENDS)}")
    return "igraph" if name == "auto" else name


def _ordered(graph: nx.Graph) -> list:
    try:
        return sorted(graph)
    except TypeError:  # mixed node types in a hand-built graph
        return sorted(graph, key=_sort_key)


def _sort_key(node: Hashable) -> tuple[str, str]:
    return (type(node).__name__, str(node))


def _nan(x: float) -> bool:
    return x != x
