"""Which implementation computes a measure: each measure lists its backends here, and :func:`choose` picks one.

As in networkx's backend dispatch, networkx is the reference and the others must give its values
(the tests check max |diff| < 1e-9 on every centrality measure and option, and equal answers for the
structure measures). A centrality implementation takes the collapsed graph as arrays
(:class:`graph.projection.Collapsed`) and the measure's options and returns node -> score;
:mod:`queries.centrality` checks the options, collapses the graph and reports, in its ``Ranking``, the
backend that ran. A structure implementation takes the collapsed networkx graph and returns the answer
:mod:`queries.structure` gives (sorted lists, components largest first...); its ``Structure`` result
(and ``KeyPlayers.backend``, ``Communities.backend``) names the backend that ran.

=====================  ==================================  ==========================================
measure                implementations                     ``auto`` runs
=====================  ==================================  ==========================================
betweenness            networkx, igraph, brandes           brandes (:mod:`queries.brandes`); igraph
                                                           below :data:`SMALL` entities, where
                                                           numba's start-up costs more than the
                                                           whole computation
other centralities     networkx, igraph                    igraph
components,            networkx, igraph                    igraph
strong_components,
articulation_points,
bridges, core_numbers
fragmentation,         networkx (the project's own Python  networkx, the only one
key_players,           over the networkx graph)
brokerage
louvain                networkx                            networkx
leiden                 igraph                              igraph (a method of its own, not a
                                                           backend of Louvain)
=====================  ==================================  ==========================================

Example
-------
>>> choose("betweenness", nodes=5_000, links=20_000)
'brandes'
>>> choose("betweenness", nodes=30, links=60), choose("pagerank", nodes=5_000, links=20_000)
('igraph', 'igraph')
>>> choose("closeness", nodes=30, links=60, requested="networkx")
'networkx'
>>> choose("articulation_points", nodes=30, links=60), choose("brokerage", nodes=30, links=60)
('igraph', 'networkx')
>>> choose("pagerank", nodes=30, links=60, requested="brandes")
Traceback (most recent call last):
...
chokepoint.queries.backends.UnknownBackend: measure 'pagerank' has no backend 'brandes'; it has: auto, networkx, igraph
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from chokepoint.graph.projection import AnalyticsError, Collapsed

__all__ = ["UnknownBackend", "REFERENCE", "BACKENDS", "SMALL", "CENTRALITY", "STRUCTURE", "IMPLEMENTATIONS", "choose",
           "implementation"]

#: The implementation the others are checked against.
REFERENCE = "networkx"
#: Every name a ``backend`` argument accepts (``auto`` lets :func:`choose` decide).
BACKENDS = ("auto", "networkx", "igraph", "brandes")
#: Below this many entities ``auto`` runs igraph's betweenness rather than the compiled Brandes.
SMALL = 200

PAGERANK_TOL = 1e-13  # networkx's default 1e-6 is too loose to compare with igraph's exact solver
EIGENVECTOR_TOL = 1e-13
MAX_ITER = 10_000


class UnknownBackend(AnalyticsError, ValueError):
    """A backend that is not in :data:`BACKENDS`, or that the measure does not have."""


def choose(measure: str, nodes: int, links: int, requested: str = "auto") -> str:
    """The backend that computes ``measure`` on a graph of ``nodes`` entities and ``links`` relationships.

    ``requested`` is ``auto`` or one of the measure's own backends (which is then what runs).
    """
    own = IMPLEMENTATIONS[measure]
    if requested == "auto":
        if "brandes" in own and nodes >= SMALL:
            return "brandes"
        return "igraph" if "igraph" in own else next(iter(own))
    if requested not in own:
        if requested in BACKENDS:
            raise UnknownBackend(f"measure {measure!r} has no backend {requested!r}; "
                                 f"it has: {', '.join(('auto', *own))}")
        raise UnknownBackend(f"unknown backend {requested!r}; known: {', '.join(BACKENDS)}")
    return requested


def implementation(measure: str, name: str) -> Callable[..., Any]:
    """The function that computes ``measure`` with backend ``name`` (a name :func:`choose` returned)."""
    found = IMPLEMENTATIONS[measure][name]
    if isinstance(found, str):
        module, function = found.split(":")
        found = getattr(importlib.import_module(module), function)
    return found


# -- degree ----------------------------------------------------------------------------------------

def _degree_networkx(s: Collapsed, mode: str, weight: str | None) -> dict:
    h = s.to_networkx()
    view = h.degree if mode == "total" else h.in_degree if mode == "in" else h.out_degree
    return s.reorder(dict(view(weight="weight" if weight else None)))


def _degree_igraph(s: Collapsed, mode: str, weight: str | None) -> dict:
    g = s.to_igraph()
    ig_mode = {"total": "all", "in": "in", "out": "out"}[mode]
    values = g.strength(mode=ig_mode, weights=s.weights.tolist(), loops=False) if weight else g.degree(mode=ig_mode)
    return s.scores(values)


# -- betweenness -----------------------------------------------------------------------------------

def _betweenness_networkx(s: Collapsed, sources: Sequence | None, normalized: bool, threads: int | None) -> dict:
    h = s.to_networkx()
    if sources is None:
        return s.reorder(nx.betweenness_centrality(h, normalized=normalized))
    raw = nx.betweenness_centrality_subset(h, sources, s.nodes, normalized=False)
    return _scale_betweenness(s.reorder(raw), len(s.nodes), s.directed, normalized, sources)


def _betweenness_igraph(s: Collapsed, sources: Sequence | None, normalized: bool, threads: int | None) -> dict:
    g = s.to_igraph()
    if sources is None:
        raw = s.scores(g.betweenness(directed=s.directed))
    else:
        raw = s.scores(g.betweenness(directed=s.directed, sources=[s.index[v] for v in sources]))
    return _scale_betweenness(raw, len(s.nodes), s.directed, normalized, sources)


def _betweenness_brandes(s: Collapsed, sources: Sequence | None, normalized: bool, threads: int | None) -> dict:
    from chokepoint.queries import brandes  # numba takes 0.5 s to import: only when betweenness runs

    n = len(s.nodes)
    indices = list(range(n)) if sources is None else [s.index[v] for v in sources]
    raw = s.scores(brandes.counts(n, s.pairs, s.directed, indices, threads=threads or brandes.THREADS))
    return _scale_betweenness(raw, n, s.directed, normalized, sources)


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


# -- closeness and harmonic ------------------------------------------------------------------------

def _closeness_networkx(s: Collapsed) -> dict:
    return s.reorder(nx.closeness_centrality(s.to_networkx()))


def _closeness_igraph(s: Collapsed) -> dict:
    g, n = s.to_igraph(), len(s.nodes)
    if n < 2:
        return s.scores([0.0] * n)
    if s.directed:
        raw = g.closeness(mode="in", normalized=False)
        scaled = g.closeness(mode="in", normalized=True)
        others = [0 if _nan(r) else round(c / r) for c, r in zip(scaled, raw)]  # nodes reaching it
    else:
        scaled = g.closeness(mode="all", normalized=True)
        sizes = g.connected_components().sizes()
        others = [sizes[c] - 1 for c in g.connected_components().membership]
    return s.scores([0.0 if _nan(c) else c * r / (n - 1) for c, r in zip(scaled, others)])


def _harmonic_networkx(s: Collapsed) -> dict:
    return s.reorder(nx.harmonic_centrality(s.to_networkx()))


def _harmonic_igraph(s: Collapsed) -> dict:
    return s.scores(s.to_igraph().harmonic_centrality(mode="in" if s.directed else "all", normalized=False))


# -- pagerank and eigenvector ----------------------------------------------------------------------

def _pagerank_networkx(s: Collapsed, alpha: float, weight: str | None) -> dict:
    return s.reorder(nx.pagerank(s.to_networkx(), alpha=alpha, weight="weight" if weight else None,
                                 tol=PAGERANK_TOL, max_iter=MAX_ITER))


def _pagerank_igraph(s: Collapsed, alpha: float, weight: str | None) -> dict:
    g = s.to_igraph()
    return s.scores(g.pagerank(directed=True, damping=alpha, weights=s.weights.tolist() if weight else None))


def _eigenvector_networkx(s: Collapsed, weight: str | None) -> dict:
    try:
        return s.reorder(nx.eigenvector_centrality(s.to_networkx(), weight="weight" if weight else None,
                                                   tol=EIGENVECTOR_TOL, max_iter=MAX_ITER))
    except nx.PowerIterationFailedConvergence as err:
        raise AnalyticsError(f"eigenvector centrality did not converge in {MAX_ITER} iterations") from err


def _eigenvector_igraph(s: Collapsed, weight: str | None) -> dict:
    g = s.to_igraph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # igraph warns on disconnected graphs
        values = g.eigenvector_centrality(weights=s.weights.tolist() if weight else None)
    norm = math.sqrt(sum(x * x for x in values)) or 1.0
    return s.scores([abs(x) / norm for x in values])


def _nan(x: float) -> bool:
    return x != x


# -- structure: components, cut points, cores (the collapsed networkx graph in, as queries.structure
#    collapses it; an answer in the form queries.structure returns) ---------------------------------

def _to_igraph(h: nx.Graph):
    import igraph

    nodes = list(h)
    index = {v: i for i, v in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in h.edges()], directed=h.is_directed())
    return g, nodes


def _parts(parts: Iterable[Iterable]) -> list[set]:
    """Components largest first, ties by smallest member."""
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(p)))


def _components_networkx(h: nx.Graph) -> list[set]:
    return _parts(nx.strongly_connected_components(h) if h.is_directed() else nx.connected_components(h))


def _components_igraph(h: nx.Graph) -> list[set]:
    g, nodes = _to_igraph(h)
    found = g.connected_components(mode="strong" if h.is_directed() else "weak")
    return _parts([nodes[i] for i in part] for part in found)


def _articulation_points_networkx(h: nx.Graph) -> list:
    return sorted(nx.articulation_points(h))


def _articulation_points_igraph(h: nx.Graph) -> list:
    g, nodes = _to_igraph(h)
    return sorted(nodes[i] for i in g.articulation_points())


def _bridges_networkx(h: nx.Graph) -> list[tuple]:
    return sorted(tuple(sorted(e)) for e in nx.bridges(h))


def _bridges_igraph(h: nx.Graph) -> list[tuple]:
    g, nodes = _to_igraph(h)
    ends = g.get_edgelist()
    return sorted(tuple(sorted((nodes[ends[e][0]], nodes[ends[e][1]]))) for e in g.bridges())


def _core_numbers_networkx(h: nx.Graph) -> dict:
    return nx.core_number(h)


def _core_numbers_igraph(h: nx.Graph) -> dict:
    g, nodes = _to_igraph(h)
    return dict(zip(nodes, g.coreness()))


#: The centrality measures (:mod:`queries.centrality`): implementations take a :class:`Collapsed`.
CENTRALITY = ("degree", "betweenness", "closeness", "harmonic", "pagerank", "eigenvector")
#: The structure measures (:mod:`queries.structure`): implementations take the collapsed networkx graph.
STRUCTURE = ("components", "strong_components", "articulation_points", "bridges", "core_numbers",
             "fragmentation", "key_players", "brokerage", "louvain", "leiden")

_STRUCTURE = "chokepoint.queries.structure:"  # implementations there (it imports this module), found when used

#: Measure -> backend name -> implementation (the reference first), or "module:function" for one that
#: :func:`implementation` imports when it is asked for.
IMPLEMENTATIONS: dict[str, dict[str, Callable[..., Any] | str]] = {
    "degree": {"networkx": _degree_networkx, "igraph": _degree_igraph},
    "betweenness": {"networkx": _betweenness_networkx, "igraph": _betweenness_igraph,
                    "brandes": _betweenness_brandes},
    "closeness": {"networkx": _closeness_networkx, "igraph": _closeness_igraph},
    "harmonic": {"networkx": _harmonic_networkx, "igraph": _harmonic_igraph},
    "pagerank": {"networkx": _pagerank_networkx, "igraph": _pagerank_igraph},
    "eigenvector": {"networkx": _eigenvector_networkx, "igraph": _eigenvector_igraph},
    "components": {"networkx": _components_networkx, "igraph": _components_igraph},
    "strong_components": {"networkx": _components_networkx, "igraph": _components_igraph},
    "articulation_points": {"networkx": _articulation_points_networkx, "igraph": _articulation_points_igraph},
    "bridges": {"networkx": _bridges_networkx, "igraph": _bridges_igraph},
    "core_numbers": {"networkx": _core_numbers_networkx, "igraph": _core_numbers_igraph},
    # one implementation each: the project's own Python over the networkx graph (fragmentation, key
    # players, brokerage), networkx's Louvain, igraph's Leiden (a different algorithm, not a backend of Louvain)
    "fragmentation": {"networkx": _STRUCTURE + "_fragmentation_networkx"},
    "key_players": {"networkx": _STRUCTURE + "_key_players_networkx"},
    "brokerage": {"networkx": _STRUCTURE + "_brokerage_networkx"},
    "louvain": {"networkx": _STRUCTURE + "_louvain_networkx"},
    "leiden": {"igraph": _STRUCTURE + "_leiden_igraph"},
}
