"""What removing entities does to a network: structural figures, what-if removals and attack curves.

Everything here runs on the *undirected simple graph* of a scope (one link per linked pair, no
self-loops, direction ignored), relabelled to integers ``0..n-1`` in a fixed node order
(:func:`integer_graph`; :mod:`cases.disruption` passes the import order). On it:

- :func:`figures` gives the structural figures of a graph (:class:`Figures`): entities, links,
  components, the largest component (absolute and relative), fragmentation (Borgatti), global
  efficiency (Latora-Marchiori), average path length in the largest component, density;
- :func:`what_if` the figures before and after removing chosen entities;
- :func:`attack` an attack curve: remove the top entity by a measure, ``steps`` times, either
  recomputing the measure after every removal (``sequential``) or ranking once (``block``);
- :func:`random_attack` random removals over ``runs`` seeded runs: the mean and the 5-95% band.

How it stays fast (``bench/disrupt.py``): the graph is kept as integer arrays with the components
labelled; removing an entity changes only its own component, so only that component is measured
again (its connected pieces, their distance sums with :mod:`queries.distances`, and for betweenness
the compiled Brandes of :mod:`queries.brandes`, which :func:`queries.distances.betweenness_and_sums`
runs with the distance sums in the same searches), the other components keep their figures and scores.
That is exact: unnormalised betweenness, the distances behind closeness, efficiency and path
lengths, of an entity depend only on its own component. PageRank runs on igraph through
:mod:`queries.backends`; collective influence with scipy's sparse products.

Ties (docs/disruption.md): scores are compared rounded to :data:`TIE_DIGITS` significant digits of
the largest score, and among equal scores the entity earliest in the node order goes first, as
``max(scores, key=scores.get)`` does over a networkx graph built in that order.

Example
-------
>>> import networkx as nx
>>> curve = attack(nx.path_graph(5), "betweenness", steps=2)
>>> [(s.removed, s.largest, s.components) for s in curve.steps]
[(2, 2, 2), (0, 2, 2)]
>>> round(curve.robustness, 3)   # (2/5 + 2/5) / 5
0.16
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from chokepoint.graph.audit import logged
from chokepoint.graph.projection import AnalyticsError, BadWeight, Collapsed, EmptyGraph
from chokepoint.graph.store import Store
from chokepoint.queries import backends, distances

__all__ = ["STRATEGIES", "MEASURES", "MODES", "WEIGHTED", "TIE_DIGITS", "CI_RADIUS", "PAGERANK_ALPHA",
           "BadAttack", "Net", "Figures", "Step", "Attack", "RandomStep", "RandomAttack", "integer_graph",
           "figures", "what_if", "attack", "random_attack", "import_order", "load_times"]

#: The measures an attack can remove by, and ``random``.
MEASURES = ("betweenness", "degree", "closeness", "pagerank", "collective-influence")
STRATEGIES = (*MEASURES, "random")
MODES = ("sequential", "block")
#: The measures ``weighted`` applies to (betweenness, closeness and collective influence count hops).
WEIGHTED = ("degree", "pagerank")
#: Scores equal to this many significant digits (of the largest score) are ties.
TIE_DIGITS = 9
#: Collective influence's radius l (Morone and Makse 2015): the ball's frontier at exactly l hops.
CI_RADIUS = 2
#: PageRank's damping factor (networkx's default).
PAGERANK_ALPHA = 0.85


class BadAttack(AnalyticsError, ValueError):
    """An attack asked with an unknown strategy or mode, or an option that does not apply."""


@dataclass(frozen=True)
class Net:
    """A simple undirected graph as integer arrays: node ``i`` is ``names[i]``; ``pairs`` holds each link
    once as (i, j) with i < j, ``weights`` its weight."""

    names: tuple
    pairs: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.names)


@dataclass(frozen=True)
class Figures:
    """The structural figures of a graph (see docs/disruption.md for each formula).

    ``largest_share`` is ``largest`` over the entities of the graph *before* any removal (itself when
    none); ``average_path_length`` is over the pairs of the largest component.
    """

    entities: int
    links: int
    components: int
    largest: int
    largest_share: float
    fragmentation: float
    efficiency: float
    average_path_length: float
    density: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Step:
    """One removal of an attack: who went (with the score that chose them), and what is left."""

    step: int
    removed: Hashable
    score: float | None
    largest: int
    largest_share: float
    components: int
    efficiency: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Attack:
    """An attack curve. ``robustness`` is Schneider et al.'s R over the steps made, R = (1/N) sum over
    q = 1..steps of s(q), s(q) the relative largest component after q removals and N the initial
    entities; ``mean_share`` the mean of s(q) over the same steps."""

    strategy: str
    mode: str
    weighted: bool
    initial: Figures
    steps: tuple[Step, ...]
    robustness: float
    mean_share: float
    backend: str

    def as_dict(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "mode": self.mode, "weighted": self.weighted, "backend": self.backend,
                "initial": self.initial.as_dict(), "steps": [s.as_dict() for s in self.steps],
                "robustness": self.robustness, "mean_share": self.mean_share}


@dataclass(frozen=True)
class RandomStep:
    """One step of a random attack over all runs: the mean, and the 5th and 95th percentiles."""

    step: int
    largest_mean: float
    share_mean: float
    share_low: float
    share_high: float
    components_mean: float
    efficiency_mean: float | None
    efficiency_low: float | None
    efficiency_high: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RandomAttack:
    """Random removals, ``runs`` runs (run r draws with ``random.Random(seed + r)``)."""

    runs: int
    seed: int
    initial: Figures
    steps: tuple[RandomStep, ...]
    robustness_mean: float
    robustness_low: float
    robustness_high: float
    mode: str = "random"
    strategy: str = "random"

    def as_dict(self) -> dict[str, Any]:
        return {"strategy": "random", "runs": self.runs, "seed": self.seed, "initial": self.initial.as_dict(),
                "steps": [s.as_dict() for s in self.steps], "robustness_mean": self.robustness_mean,
                "robustness_low": self.robustness_low, "robustness_high": self.robustness_high}


# -- the graph as integers -------------------------------------------------------------------------

def integer_graph(graph: nx.Graph | Net, order: Sequence[Hashable] | None = None, weight: str | None = None) -> Net:
    """``graph`` (any networkx graph: direction, parallel links and self-loops are dropped) as a :class:`Net`
    with nodes in ``order`` (default: the graph's own node order). A link's weight is the sum of
    ``weight`` over the pair's relationships, a relationship without it counting 1; 1 without ``weight``.

    >>> net = integer_graph(nx.MultiGraph([("b", "a"), ("a", "b"), ("c", "c")]), order=["c", "a", "b"])
    >>> net.names, net.pairs.tolist(), net.weights.tolist()
    (('c', 'a', 'b'), [[1, 2]], [1.0])
    """
    if isinstance(graph, Net):
        return graph
    names = tuple(graph) if order is None else tuple(order)
    if len(names) != graph.number_of_nodes() or set(names) != set(graph):
        raise AnalyticsError("the node order must list every node of the graph once")
    index = {v: i for i, v in enumerate(names)}
    found: dict[tuple[int, int], float] = {}
    for u, v, d in graph.edges(data=True):
        i, j = index[u], index[v]
        if i == j:
            continue
        key = (i, j) if i < j else (j, i)
        amount = 1.0
        if weight is not None:
            amount = d.get(weight, 1.0)
            if (isinstance(amount, bool) or not isinstance(amount, (int, float)) or not math.isfinite(amount)
                    or amount < 0):
                raise BadWeight(f"weight property {weight!r} must be a non-negative number; the relationship "
                                f"{u!r} - {v!r} has {amount!r}")
        found[key] = found.get(key, 0.0) + float(amount) if weight is not None else 1.0
    keys = sorted(found)
    pairs = np.array(keys, dtype=np.int64).reshape(-1, 2)
    return Net(names, pairs, np.array([found[k] for k in keys], dtype=float))


def import_order(graph: nx.Graph, load_times: dict[str, Any]) -> list:
    """The nodes of a projection in the order they were first imported: by the start of the first load that
    wrote them (``loads[0]``, its time in ``load_times``), then the row of their first source
    (``sources[0]`` is ``file:row``), then id. Entities without loads or sources come last, by id.

    >>> g = nx.Graph()
    >>> g.add_node("x", loads=["L2"], sources=["b.csv:1"]); g.add_node("y", loads=["L1"], sources=["a.csv:9"])
    >>> g.add_node("z", loads=["L1"], sources=["a.csv:2"]); g.add_node("w")
    >>> import_order(g, {"L1": 1, "L2": 2})
    ['z', 'y', 'x', 'w']
    """
    times = sorted(load_times.items(), key=lambda kv: (kv[1] is None, kv[1] if kv[1] is not None else 0, kv[0]))
    rank = {load: i for i, (load, _) in enumerate(times)}
    late = len(rank) + 1

    def key(node: Hashable) -> tuple:
        data = graph.nodes[node]
        loads, sources = data.get("loads") or (), data.get("sources") or ()
        row = str(sources[0]).rsplit(":", 1)[-1] if sources else ""
        return (rank.get(loads[0], late) if loads else late, int(row) if row.isdigit() else math.inf, str(node))

    return sorted(graph, key=key)


# -- the figures and what-if --------------------------------------------------------------------------

@logged("disruption", "figures", rows=lambda f: f.entities)
def figures(graph: nx.Graph | Net) -> Figures:
    """The structural figures of ``graph`` (its undirected simple graph).

    >>> f = figures(nx.path_graph(4))
    >>> f.components, f.largest, f.efficiency, f.average_path_length, f.density
    (1, 4, 0.7222222222222222, 1.6666666666666667, 0.5)
    """
    return _State(integer_graph(graph)).figures()


@logged("disruption", "what-if", rows=lambda r: len(r[0]))
def what_if(graph: nx.Graph | Net, remove: Sequence[Hashable]) -> tuple[list, Figures, Figures]:
    """The entities removed (those of ``remove`` in the graph, once each), and the figures before and after.

    >>> gone, before, after = what_if(nx.star_graph(3), [0])
    >>> gone, before.largest, after.largest, after.components, after.largest_share
    ([0], 4, 1, 3, 0.25)
    """
    net = integer_graph(graph)
    index = {v: i for i, v in enumerate(net.names)}
    gone = list(dict.fromkeys(v for v in remove if v in index))
    state = _State(net)
    before = state.figures()
    for v in gone:
        state.remove(index[v])
    return gone, before, state.figures()


# -- attacks ----------------------------------------------------------------------------------------

@logged("disruption", query_from="strategy", rows=lambda a: len(a.steps))
def attack(graph: nx.Graph | Net, strategy: str, steps: int, mode: str = "sequential",
           weighted: bool = False) -> Attack:
    """Remove the top entity by ``strategy`` (one of :data:`MEASURES`) ``steps`` times (at most every entity).

    ``sequential`` recomputes the measure on what is left after every removal; ``block`` ranks once on
    the whole graph and removes in that order. ``weighted`` uses the links' weights (:data:`WEIGHTED`
    measures only). Each :class:`Step` reports the score that chose the entity (``block``: its initial
    score), computed as networkx computes the measure on the graph at that step.
    """
    if strategy not in MEASURES:
        raise BadAttack(f"unknown strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
    if mode not in MODES:
        raise BadAttack(f"unknown mode {mode!r}; known: {', '.join(MODES)}")
    if weighted and strategy not in WEIGHTED:
        raise BadAttack(f"weighted applies to {' and '.join(WEIGHTED)}; {strategy} counts hops")
    net = integer_graph(graph)
    _nonempty(net, steps)
    state = _State(net, betweenness=strategy == "betweenness")
    initial = state.figures()
    taken: list[Step] = []
    ranked = None
    if mode == "block":
        scores = _scores(state, strategy, weighted)
        ranked = _ranking(scores, state.alive)[:steps]
    for q in range(1, min(steps, len(net)) + 1):
        if ranked is not None:
            v = int(ranked[q - 1])
            score = float(scores[v])
        else:
            scores = _scores(state, strategy, weighted)
            v = int(_ranking(scores, state.alive)[0])
            score = float(scores[v])
        state.remove(v)
        taken.append(_step(q, net.names[v], score, state))
    shares = [s.largest_share for s in taken]
    return Attack(strategy, mode, weighted, initial, tuple(taken), sum(shares) / len(net),
                  sum(shares) / len(shares) if shares else 0.0, _backend(strategy))


@logged("disruption", "random", rows=lambda a: len(a.steps))
def random_attack(graph: nx.Graph | Net, steps: int, runs: int = 100, seed: int = 0,
                  efficiency: bool = True) -> RandomAttack:
    """Remove ``steps`` entities at random, ``runs`` times: run r removes
    ``random.Random(seed + r).sample(nodes, steps)`` in that order (nodes in the graph's order); each step
    gives the mean and the 5th-95th percentiles (numpy's linear interpolation) over the runs.

    Efficiency needs every distance of the component that lost an entity, at every step of every run:
    ``efficiency=False`` leaves it out (None), and the runs then cost a component labelling per step."""
    if runs < 1:
        raise BadAttack(f"a random attack needs at least one run, not {runs}")
    net = integer_graph(graph)
    _nonempty(net, steps)
    steps = min(steps, len(net))
    start = _State(net)
    initial = start.figures()
    start.distances = efficiency
    largest = np.zeros((runs, steps))
    share = np.zeros((runs, steps))
    parts = np.zeros((runs, steps))
    efficiencies = np.zeros((runs, steps))
    for r in range(runs):
        state = start.copy()
        for q, v in enumerate(random.Random(seed + r).sample(range(len(net)), steps)):
            state.remove(v)
            f = _step(q + 1, None, None, state)
            largest[r, q], share[r, q], parts[r, q], efficiencies[r, q] = (f.largest, f.largest_share, f.components,
                                                                          f.efficiency or 0.0)
    low, high = np.percentile(share, [5, 95], axis=0)
    e_low, e_high = np.percentile(efficiencies, [5, 95], axis=0)
    e_mean = efficiencies.mean(axis=0)

    def eff(x: np.ndarray, q: int) -> float | None:
        return float(x[q]) if efficiency else None

    curve = tuple(RandomStep(q + 1, float(largest[:, q].mean()), float(share[:, q].mean()), float(low[q]),
                             float(high[q]), float(parts[:, q].mean()), eff(e_mean, q), eff(e_low, q), eff(e_high, q))
                  for q in range(steps))
    robust = share.sum(axis=1) / len(net)
    r_low, r_high = np.percentile(robust, [5, 95])
    return RandomAttack(runs, seed, initial, curve, float(robust.mean()), float(r_low), float(r_high))


# -- helpers ------------------------------------------------------------------------------------------

def _nonempty(net: Net, steps: int) -> None:
    if len(net) == 0:
        raise EmptyGraph("the graph has no entities (check the labels, relationship types, dataset and time window)")
    if steps < 1:
        raise BadAttack(f"an attack needs at least one step, not {steps}")


def _backend(strategy: str) -> str:
    return {"betweenness": "brandes with distances (per component)", "degree": "numpy", "closeness": "distances (per component)",
            "pagerank": "igraph", "collective-influence": "scipy"}[strategy]


def _step(q: int, removed: Hashable, score: float | None, state: _State) -> Step:
    f = state.figures(full=False)
    return Step(q, removed, score, f.largest, f.largest_share, f.components, f.efficiency)


def _ranking(scores: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """The living nodes best first: scores rounded to :data:`TIE_DIGITS` digits of the largest, ties by index."""
    living = np.flatnonzero(alive)
    values = scores[living]
    scale = float(np.max(np.abs(values))) if len(values) else 0.0
    key = np.round(values / scale, TIE_DIGITS) if scale > 0 else np.zeros(len(values))
    return living[np.lexsort((living, -key))]


def _scores(state: _State, strategy: str, weighted: bool) -> np.ndarray:
    """Every node's score (dead ones 0), as networkx computes the measure on the living graph."""
    n = int(state.alive.sum())
    if strategy == "betweenness":
        return state.bc * (2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0)
    if strategy == "closeness":
        reach = np.zeros(state.n0)
        living = np.flatnonzero(state.alive)
        reach[living] = np.array([state.size[c] for c in state.label[living]], dtype=float) - 1
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(state.dsum > 0, reach / max(n - 1, 1) * reach / state.dsum, 0.0)
        return out
    pairs, weights = state.pairs[state.edge_alive], state.weights[state.edge_alive]
    if strategy == "degree":
        w = weights if weighted else None
        return (np.bincount(pairs[:, 0], weights=w, minlength=state.n0)
                + np.bincount(pairs[:, 1], weights=w, minlength=state.n0)).astype(float)
    living = np.flatnonzero(state.alive)
    local = np.full(state.n0, -1, dtype=np.int64)
    local[living] = np.arange(len(living))
    sub = local[pairs]
    out = np.zeros(state.n0)
    if strategy == "pagerank":
        s = Collapsed(list(range(len(living))), {i: i for i in range(len(living))}, sub, weights, False)
        found = backends.implementation("pagerank", "igraph")(s, alpha=PAGERANK_ALPHA,
                                                             weight="weight" if weighted else None)
        out[living] = [found[i] for i in range(len(living))]
        return out
    out[living] = _collective_influence(len(living), sub, CI_RADIUS)
    return out


def _collective_influence(n: int, pairs: np.ndarray, radius: int) -> np.ndarray:
    """CI_l(i) = (k_i - 1) * sum over j at exactly l hops of (k_j - 1) (Morone and Makse 2015)."""
    ones = np.ones(len(pairs), dtype=np.int64)
    a = sparse.coo_matrix((np.concatenate([ones, ones]), (np.concatenate([pairs[:, 0], pairs[:, 1]]),
                                                          np.concatenate([pairs[:, 1], pairs[:, 0]]))),
                          shape=(n, n)).tocsr()
    a.data[:] = 1
    k = np.asarray(a.sum(axis=1)).ravel().astype(float)
    reach = sparse.identity(n, dtype=np.int64, format="csr")
    for _ in range(radius):
        before = reach
        reach = before + before @ a
        reach.data[:] = 1
    frontier = reach - before
    frontier.eliminate_zeros()
    return (k - 1) * (frontier @ (k - 1))


class _State:
    """The graph as removals leave it: living nodes and links, components labelled, each component's size,
    sums of distances and of their inverses, and (``betweenness``) every node's betweenness count."""

    def __init__(self, net: Net, betweenness: bool = False, _copy: bool = False):
        self.n0, self.pairs, self.weights = len(net), net.pairs, net.weights
        self.track = betweenness
        self.distances = True  # measure distance sums (efficiency, closeness, path lengths)
        if _copy:
            return
        m = len(net.pairs)
        self.alive = np.ones(self.n0, dtype=bool)
        self.edge_alive = np.ones(m, dtype=bool)
        ends = np.concatenate([net.pairs[:, 0], net.pairs[:, 1]])
        order = np.argsort(ends, kind="stable")
        self.incident = np.concatenate([np.arange(m), np.arange(m)])[order]
        self.inc_ptr = np.zeros(self.n0 + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=self.n0), out=self.inc_ptr[1:])
        self.label = np.full(self.n0, -1, dtype=np.int64)
        self.dsum = np.zeros(self.n0)
        self.bc = np.zeros(self.n0)
        self.size: dict[int, int] = {}
        self.near: dict[int, float] = {}
        self.far: dict[int, float] = {}
        self.first: dict[int, int] = {}
        self.next = 0
        if self.n0:
            self._measure(np.arange(self.n0))

    def copy(self) -> _State:
        c = _State(Net((), self.pairs, self.weights), self.track, _copy=True)
        c.n0, c.distances = self.n0, self.distances
        for name in ("alive", "edge_alive", "label", "dsum", "bc"):
            setattr(c, name, getattr(self, name).copy())
        c.incident, c.inc_ptr = self.incident, self.inc_ptr
        for name in ("size", "near", "far", "first"):
            setattr(c, name, dict(getattr(self, name)))
        c.next = self.next
        return c

    def remove(self, v: int) -> None:
        c = int(self.label[v])
        if c < 0:
            return
        members = np.flatnonzero(self.label == c)
        self.alive[v] = False
        self.label[v] = -1
        self.dsum[v] = self.bc[v] = 0.0
        self.edge_alive[self.incident[self.inc_ptr[v]:self.inc_ptr[v + 1]]] = False
        for table in (self.size, self.near, self.far, self.first):
            del table[c]
        rest = members[members != v]
        if len(rest):
            self._measure(rest)

    def _measure(self, nodes: np.ndarray) -> None:
        """Label and measure ``nodes`` (sorted; whole components of the living graph)."""
        k = len(nodes)
        local = np.full(self.n0, -1, dtype=np.int64)
        local[nodes] = np.arange(k)
        ends = local[self.pairs]
        keep = self.edge_alive & (ends[:, 0] >= 0) & (ends[:, 1] >= 0) if len(ends) else np.zeros(0, dtype=bool)
        sub = ends[keep].reshape(-1, 2)
        if len(sub):
            adjacency = sparse.coo_matrix((np.ones(len(sub)), (sub[:, 0], sub[:, 1])), shape=(k, k))
            count, parts = connected_components(adjacency, directed=False)
            indptr, indices = distances.csr(k, sub)
            if self.track:  # betweenness and distances from one search per source
                counts, total, inverse = distances.betweenness_and_sums(indptr, indices, range(k))
                self.bc[nodes] = counts
            elif self.distances:
                total, inverse = distances.sums(indptr, indices, range(k))
            else:
                total, inverse = np.zeros(k), np.zeros(k)
        else:
            count, parts = k, np.arange(k)
            total, inverse = np.zeros(k), np.zeros(k)
            self.bc[nodes] = 0.0
        labels = parts + self.next
        self.label[nodes] = labels
        self.dsum[nodes] = total
        sizes = np.bincount(parts, minlength=count)
        near = np.bincount(parts, weights=inverse, minlength=count)
        far = np.bincount(parts, weights=total, minlength=count)
        first = np.full(count, k, dtype=np.int64)
        np.minimum.at(first, parts, np.arange(k))
        for p in range(count):
            c = self.next + p
            self.size[c], self.near[c], self.far[c] = int(sizes[p]), float(near[p]), float(far[p])
            self.first[c] = int(nodes[first[p]])
        self.next += count

    def figures(self, full: bool = True) -> Figures:
        n = int(self.alive.sum())
        m = int(self.edge_alive.sum())
        pairs = n * (n - 1)
        if self.size:
            biggest = min(self.size, key=lambda c: (-self.size[c], self.first[c]))
            s = self.size[biggest]
        else:
            biggest, s = None, 0
        efficiency = sum(self.near.values()) / pairs if pairs else 0.0
        if not self.distances:
            efficiency = None
        if not full:
            return Figures(n, m, len(self.size), s, s / self.n0 if self.n0 else 0.0, 0.0, efficiency, 0.0, 0.0)
        within = sum(x * (x - 1) for x in self.size.values())
        return Figures(n, m, len(self.size), s, s / self.n0 if self.n0 else 0.0,
                       1 - within / pairs if pairs else 0.0, efficiency,
                       self.far[biggest] / (s * (s - 1)) if s > 1 else 0.0, 2 * m / pairs if pairs else 0.0)


# -- the store ---------------------------------------------------------------------------------------

_LOAD_TIMES = "MATCH (l:Load) RETURN l.id AS id, l.first_started.epochMillis AS started"


@logged("lookup", "load-times", lookup=True)
def load_times(store: Store) -> dict[str, int | None]:
    """Every load's id -> when it first started (epoch milliseconds): what :func:`import_order` sorts by."""
    return {r["id"]: r["started"] for r in store.read(_LOAD_TIMES)}
