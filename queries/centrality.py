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

Each measure has several implementations (:mod:`queries.backends`): networkx is the reference,
igraph and, for betweenness, the compiled Brandes of :mod:`queries.brandes` give the same values (the
tests check max |diff| < 1e-9) many times faster (``bench/centrality.py``). ``backend="auto"`` lets
:func:`queries.backends.choose` pick one by measure and graph size; a :class:`Ranking` names the one
that ran. Sampled betweenness picks its ``k``
source entities with :func:`sample_sources` (seeded, over the sorted ids), so every backend, and
``networkx.betweenness_centrality(g, k, seed)`` over a graph whose nodes are in sorted order, give the
same result. The graph is collapsed by :func:`graph.projection.collapsed`; a graph with no entities
raises :class:`graph.projection.EmptyGraph`, a bad weight :class:`graph.projection.BadWeight`.

Example
-------
>>> import networkx as nx
>>> star = nx.star_graph(4)   # hub 0 with four leaves
>>> ranking = rank(star, "betweenness", top=2)
>>> [(s.id, s.score) for s in ranking.top], ranking.backend
([(0, 1.0), (1, 0.0)], 'igraph')
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from chokepoint.graph.projection import AnalyticsError, Scope, collapsed, ordered, sort_key
from chokepoint.graph.store import Store
from chokepoint.graph.audit import logged
from chokepoint.queries import backends

__all__ = [
    "UnknownMeasure",
    "BadParameter",
    "MEASURES",
    "Score",
    "Ranking",
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
_DEGREE_MODES = {"degree": "total", "in_degree": "in", "out_degree": "out"}


class UnknownMeasure(AnalyticsError, ValueError):
    """A measure name that :data:`MEASURES` does not define."""


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
    """A measure over a graph: the ``top`` entities, every entity's score and the ``backend`` that computed them."""

    measure: str
    backend: str
    scores: dict[Hashable, float]
    top: list[Score]
    nodes: int
    relationships: int
    options: dict[str, Any] = field(default_factory=dict)


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
    backend : str
        ``auto`` or one of the measure's backends (:mod:`queries.backends`).

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
    s = collapsed(graph, directed=mode != "total", weight=weight)
    return _implementation("degree", graph, backend)(s, mode=mode, weight=weight)


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
    backend : {"auto", "networkx", "igraph", "brandes"}
        ``auto`` runs the compiled Brandes of :mod:`queries.brandes` (the fastest measured), or igraph on
        a small graph (:func:`queries.backends.choose`).
    threads : int, optional
        When the compiled Brandes runs on a big graph, split the sources over this many threads and add
        their counts (default :data:`queries.brandes.THREADS`).

    Returns
    -------
    dict
        Node -> betweenness, equal to ``networkx.betweenness_centrality`` on the collapsed graph.

    Example
    -------
    >>> betweenness(nx.path_graph(3))
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    s = collapsed(graph, directed=directed, weight=None)
    sources = None
    if k is not None:
        if k < 2:
            raise BadParameter(f"betweenness needs k >= 2 sampled sources, not {k}")
        if k < len(s.nodes):
            sources = sample_sources(graph, k, seed)
    return _implementation("betweenness", graph, backend)(s, sources=sources, normalized=normalized, threads=threads)


def closeness(graph: nx.Graph, directed: bool = False, backend: str = "auto") -> dict:
    """Closeness of every node over the nodes it can reach, scaled by the reachable share (Wasserman-Faust).

    With ``directed=True`` distances are measured *to* the node (networkx's convention). Values equal
    ``networkx.closeness_centrality`` on the collapsed graph; isolated nodes score 0.

    Example
    -------
    >>> closeness(nx.path_graph(3))
    {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    """
    s = collapsed(graph, directed=directed, weight=None)
    return _implementation("closeness", graph, backend)(s)


def harmonic(graph: nx.Graph, directed: bool = False, backend: str = "auto") -> dict:
    """Harmonic centrality: the sum of 1/distance from every other node (``networkx.harmonic_centrality``).

    Example
    -------
    >>> harmonic(nx.path_graph(3))
    {0: 1.5, 1: 2.0, 2: 1.5}
    """
    s = collapsed(graph, directed=directed, weight=None)
    return _implementation("harmonic", graph, backend)(s)


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
    s = collapsed(graph, directed=True, weight=weight)
    return _implementation("pagerank", graph, backend)(s, alpha=alpha, weight=weight)


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
    s = collapsed(graph, directed=False, weight=weight)
    return _implementation("eigenvector", graph, backend)(s, weight=weight)


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
    ran = _ran(_measure(measure)[0].__name__, graph, backend)
    return Ranking(measure=measure, backend=ran, scores=scores, top=top_scores(graph, scores, top),
                   nodes=graph.number_of_nodes(), relationships=graph.number_of_edges(), options=options)


def rank_in_store(store: Store, measure: str, scope: Scope | None = None, top: int = 10,
                  backend: str = "auto", **options: Any) -> Ranking:
    """Project ``scope`` from ``store`` and :func:`rank` it (a bad measure, option or backend fails first)."""
    fn, _ = _checked(measure, options)
    backends.choose(fn.__name__, 0, 0, backend)
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
        order = sorted(scores.items(), key=lambda kv: (-kv[1], sort_key(kv[0])))
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
    return random.Random(seed).sample(ordered(graph), k)


# -- helpers -------------------------------------------------------------------------------------

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


def _implementation(measure: str, graph: nx.Graph, backend: str) -> Callable[..., dict]:
    return backends.implementation(measure, _ran(measure, graph, backend))


def _ran(measure: str, graph: nx.Graph, backend: str) -> str:
    """The backend that computes ``measure`` (a function's name: ``in_degree`` is ``degree``) on ``graph``."""
    return backends.choose(measure, graph.number_of_nodes(), graph.number_of_edges(), backend)
