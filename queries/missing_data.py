"""Robustness to missing data: thinned copies of a graph, and how far an analysis moves on them.

Data on a covert network is never complete: people go unseen and links unrecorded (Borgatti, Carley
and Krackhardt 2006; Smith and Moody 2013). :func:`thinned` makes a randomly thinned copy of a graph
(each entity missing with probability ``nodes``, each linked pair with probability ``links``) by one
documented, seeded rule, so anyone can draw the same copies (docs/disruption.md, "Missing data"):

1. ``rng = random.Random(seed)``; run r of :func:`copies` uses ``seed + r``;
2. one draw ``rng.random()`` per entity, in sorted id order (:func:`graph.projection.ordered`): the
   entity is missing when the draw is below ``nodes``;
3. then one draw per linked pair, every pair of two distinct entities that has a relationship either
   way, each pair ``(a, b)`` written with ``a`` first in that sorted order, the pairs sorted by
   ``a``'s then ``b``'s position: every relationship between the two (both directions) is missing
   when the draw is below ``links``. Every entity and pair gets its draw, missing or not, so the
   draws never shift. A self-loop goes with its entity.

:func:`rank_spread` then says, for each top entity of the full data, where it ranked on the copies
(the 5th, 50th and 95th percentiles, numpy's linear interpolation, over the copies that ranked it)
and how often it stayed in the top ``k``; :func:`figure_spread` gives a figure's mean and 5-95% band.

Example
-------
>>> import networkx as nx
>>> h = thinned(nx.path_graph(4), nodes=0.0, links=0.0, seed=1)
>>> sorted(h.edges())
[(0, 1), (1, 2), (2, 3)]
>>> sorted(thinned(nx.path_graph(4), nodes=0.5, links=0.0, seed=1))
[1, 2]
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass

import networkx as nx
import numpy as np

from chokepoint.graph.projection import AnalyticsError, ordered

__all__ = ["BAND", "BadThinning", "Thinning", "Spread", "FigureSpread", "thinned", "copies", "rank_spread",
           "figure_spread"]

#: The percentiles of a band (and the median between them).
BAND = (5, 50, 95)


class BadThinning(AnalyticsError, ValueError):
    """A missing share outside [0, 1), or fewer than one run."""


@dataclass(frozen=True)
class Thinning:
    """How the copies are thinned: each entity missing with probability ``nodes``, each linked pair with
    probability ``links``, ``runs`` copies, run r seeded with ``seed + r``.

    >>> Thinning(1.0, 0.1)
    Traceback (most recent call last):
    ...
    chokepoint.queries.missing_data.BadThinning: --missing-nodes must be at least 0 and below 1, not 1.0
    """

    nodes: float = 0.0
    links: float = 0.0
    runs: int = 100
    seed: int = 0

    def __post_init__(self) -> None:
        for option, value in (("--missing-nodes", self.nodes), ("--missing-links", self.links)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
                raise BadThinning(f"{option} must be at least 0 and below 1, not {value!r}")
        if isinstance(self.runs, bool) or not isinstance(self.runs, int) or self.runs < 1:
            raise BadThinning(f"--runs must be at least 1, not {self.runs!r}")

    def as_dict(self) -> dict:
        return {"missing_nodes": self.nodes, "missing_links": self.links, "runs": self.runs, "seed": self.seed,
                "rule": "run r: random.Random(seed + r), one draw per entity (sorted ids), then one per linked pair"}


@dataclass(frozen=True)
class Spread:
    """A top entity of the full data, and its rank over the thinned copies.

    ``rank`` is its full-data rank (1 = top); ``present`` the copies it is in, ``ranked`` those that gave
    it a rank (key players rank only the set they choose), ``in_top`` the share of *all* copies where its
    rank was at most k (a missing entity is not in the top); ``low``, ``median``, ``high`` the 5th, 50th
    and 95th percentiles of its rank over the copies that ranked it (None: none did).
    """

    id: Hashable
    caption: str | None
    label: str | None
    score: float
    rank: int
    present: int
    ranked: int
    in_top: float
    low: float | None
    median: float | None
    high: float | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FigureSpread:
    """A figure on the full data and over the copies: mean and the 5-95% band."""

    figure: str
    full: float
    mean: float
    low: float
    high: float

    def as_dict(self) -> dict:
        return asdict(self)


def thinned(graph: nx.Graph, nodes: float, links: float, seed: int) -> nx.Graph:
    """A copy of ``graph`` (same class, attributes kept) without the entities and linked pairs the rule of
    the module docs drops with ``random.Random(seed)``."""
    Thinning(nodes, links)
    return _Draws(graph).copy(nodes, links, seed)


def copies(graph: nx.Graph, thinning: Thinning) -> Iterator[nx.Graph]:
    """The ``thinning.runs`` thinned copies of ``graph``, run r drawn with ``thinning.seed + r``."""
    draws = _Draws(graph)
    for r in range(thinning.runs):
        yield draws.copy(thinning.nodes, thinning.links, thinning.seed + r)


def rank_spread(top: Sequence, runs: Sequence[tuple[set, Mapping[Hashable, int]]], k: int) -> list[Spread]:
    """Each of ``top`` (the full data's top entities, best first, as ``queries.centrality.Score``) over the
    copies: ``runs`` holds, per copy, the entities it has and the rank (1 = top) of those it ranks.

    >>> from chokepoint.queries.centrality import Score
    >>> s = rank_spread([Score("a", None, None, 2.0)], [({"a"}, {"a": 1}), ({"a"}, {"a": 3}), (set(), {})], k=1)
    >>> s[0].present, s[0].ranked, round(s[0].in_top, 3), s[0].low, s[0].median, s[0].high
    (2, 2, 0.333, 1.1, 2.0, 2.9)
    """
    out = []
    for full_rank, s in enumerate(top, start=1):
        ranks = [r[s.id] for _, r in runs if s.id in r]
        band = np.percentile(ranks, BAND).tolist() if ranks else [None] * len(BAND)
        out.append(Spread(s.id, s.caption, s.label, s.score, full_rank, sum(1 for kept, _ in runs if s.id in kept),
                          len(ranks), sum(1 for x in ranks if x <= k) / len(runs) if runs else 0.0, *band))
    return out


def figure_spread(full: Mapping[str, float], runs: Sequence[Mapping[str, float]]) -> list[FigureSpread]:
    """Each figure of ``full`` over the ``runs``: its mean and 5th and 95th percentiles.

    >>> figure_spread({"largest": 5}, [{"largest": 4}, {"largest": 2}])[0]
    FigureSpread(figure='largest', full=5.0, mean=3.0, low=2.1, high=3.9)
    """
    out = []
    for name, value in full.items():
        values = np.array([float(r[name]) for r in runs])
        low, high = np.percentile(values, [BAND[0], BAND[-1]])
        out.append(FigureSpread(name, float(value), float(values.mean()), float(low), float(high)))
    return out


class _Draws:
    """What the draws go over, worked out once per graph: the entities in sorted order, the linked pairs in
    order, and every relationship with its pair (None: a self-loop)."""

    def __init__(self, graph: nx.Graph):
        self.graph = graph
        self.order = ordered(graph)
        position = {v: i for i, v in enumerate(self.order)}
        self.edges: list[tuple[tuple[int, int] | None, tuple]] = []
        for e in (graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)):
            u, v = e[0], e[1]
            pair = None if u == v else (min(position[u], position[v]), max(position[u], position[v]))
            self.edges.append((pair, e))
        self.pairs = sorted({p for p, _ in self.edges if p is not None})

    def copy(self, nodes: float, links: float, seed: int) -> nx.Graph:
        rng = random.Random(seed)
        gone = {v for v in self.order if rng.random() < nodes}
        lost = {p for p in self.pairs if rng.random() < links}
        kept = self.graph.__class__()
        kept.graph.update(self.graph.graph)
        kept.add_nodes_from((v, d) for v, d in self.graph.nodes(data=True) if v not in gone)
        kept.add_edges_from(e for p, e in self.edges if p not in lost and e[0] not in gone and e[1] not in gone)
        return kept
