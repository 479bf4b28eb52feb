"""How a network adapts after removals: recovery rounds by a rule from the literature, and the figures after each.

After the entities of ``removed`` leave the graph (a what-if, or the entities an attack took), the
network recovers for ``rounds`` rounds by one rule (docs/disruption.md, "Recovery"):

- ``triadic``: the removed entities' former contacts close triads. Each round, for each removed
  entity (in removal order), each pair of its former neighbours still present and not yet linked is
  linked with probability ``probability`` (Duijn, Kashirin and Sloot 2014: the contacts of a removed
  actor reconnect through the ties they shared with it; triadic closure is the mechanism Diviák 2023
  found drives recovery);
- ``preferential``: newcomers join and attach preferentially. Each round ``newcomers`` new entities
  join one after another, each linking to ``attach`` distinct entities present, chosen with
  probability proportional to their degree (Barabási and Albert 1999; preferential attachment is
  Diviák 2023's other recovery mechanism);
- ``replace``: a removed role is taken by its best-placed neighbour. Round q fills the role of the
  q-th removed entity: of its former neighbours still present, the one of highest degree (or
  betweenness) in the graph as it is then inherits its links, i.e. is linked to every other former
  neighbour (Duijn et al. 2014: a removed actor is replaced by one of its contacts, who takes over
  its ties).

The random rules run ``runs`` times, run r drawing from ``random.Random(seed + r)``; each round then
reports the mean and the 5th and 95th percentiles of every figure (numpy's linear interpolation), as
a random attack does. ``replace``, and ``triadic`` with probability 0 or 1, draw nothing: one run,
no band. Ties (the heir, the order of the draws) go by the node order: the graph's entities in its
order, then the newcomers as they came.

Example
-------
>>> import networkx as nx
>>> r = recover(nx.star_graph(3), [0], "replace", rounds=1)
>>> r.after.components, r.rounds[0].figures.components, r.rounds[0].heirs
(3, 1, ((0, 1),))
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from chokepoint.graph.audit import logged
from chokepoint.graph.projection import AnalyticsError, EmptyGraph
from chokepoint.queries import brandes
from chokepoint.queries import disruption as dq

__all__ = ["RULES", "HEIRS", "RANDOM_RULES", "FIGURES", "BadRecovery", "Round", "Recovery", "recover",
           "default_attach", "newcomer", "recovered_flow"]

RULES = ("triadic", "preferential", "replace")
#: The rules that draw at random (run ``runs`` times from ``seed``).
RANDOM_RULES = ("triadic", "preferential")
#: How ``replace`` ranks a removed entity's former neighbours to choose its heir.
HEIRS = ("degree", "betweenness")
#: The figures reported after each round (those of :class:`queries.disruption.Figures`).
FIGURES = tuple(f.name for f in dataclasses.fields(dq.Figures))


class BadRecovery(AnalyticsError, ValueError):
    """A recovery asked with an unknown rule, or a parameter out of range."""


@dataclass(frozen=True)
class Round:
    """The figures after one round (the mean over the runs for a random rule, with its 5-95% band in
    ``low`` and ``high``), the links and entities the round added (means over the runs), and for
    ``replace`` who took which role (``(removed, heir)``; heir None when no former neighbour is left).
    ``links`` holds each run's links added this round, as pairs of names (what a flow graph needs)."""

    round: int
    figures: dq.Figures
    low: dq.Figures | None
    high: dq.Figures | None
    links_added: float
    entities_added: float
    heirs: tuple = ()
    links: tuple = dataclasses.field(default=(), repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out = {"round": self.round, "links_added": self.links_added, "entities_added": self.entities_added,
               "figures": self.figures.as_dict()}
        if self.low is not None:
            out["low"], out["high"] = self.low.as_dict(), self.high.as_dict()
        if self.heirs:
            out["heirs"] = [{"removed": v, "heir": h} for v, h in self.heirs]
        return out


@dataclass(frozen=True)
class Recovery:
    """``removed`` left the graph (``before``: the intact graph; ``after``: once they left, round 0), then
    ``rounds`` rounds of ``rule``. ``largest_share`` is always over the entities before any removal."""

    rule: str
    parameters: dict
    runs: int
    seed: int | None
    removed: tuple
    before: dq.Figures
    after: dq.Figures
    rounds: tuple[Round, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "parameters": dict(self.parameters), "runs": self.runs, "seed": self.seed,
                "removed": list(self.removed), "before": self.before.as_dict(), "after": self.after.as_dict(),
                "rounds": [r.as_dict() for r in self.rounds]}

    def __len__(self) -> int:
        return len(self.rounds)


def newcomer(round_: int, j: int) -> str:
    """The name of the j-th newcomer (from 1) of round ``round_`` under ``preferential``."""
    return f"newcomer-{round_}-{j}"


def default_attach(graph: nx.Graph | dq.Net) -> int:
    """Links per newcomer when not given: m / n of the intact graph (half its mean degree, as a
    Barabási-Albert graph of mean degree 2m), rounded halves up, at least 1."""
    net = dq.integer_graph(graph)
    return max(1, math.floor(len(net.pairs) / len(net) + 0.5)) if len(net) else 1


@logged("recovery", query_from="rule", rows=len)
def recover(graph: nx.Graph | dq.Net, removed: Sequence[Hashable], rule: str, rounds: int, *, runs: int = 100,
            seed: int = 0, probability: float = 0.5, newcomers: int = 1, attach: int | None = None,
            heir: str = "degree") -> Recovery:
    """Remove ``removed`` (those in the graph, once each, in that order), then recover for ``rounds`` rounds
    by ``rule`` (:data:`RULES`; see the module's docstring) and measure the figures after each round.

    ``probability``: triadic's chance that a pair of former neighbours links in a round; ``newcomers``
    and ``attach`` (default :func:`default_attach`): preferential's entities per round and links each;
    ``heir``: how replace ranks the candidates (:data:`HEIRS`). Random rules run ``runs`` times from
    ``seed``."""
    if rule not in RULES:
        raise BadRecovery(f"unknown recovery rule {rule!r}; known: {', '.join(RULES)}")
    if rounds < 1:
        raise BadRecovery(f"a recovery needs at least one round, not {rounds}")
    if rule in RANDOM_RULES and runs < 1:
        raise BadRecovery(f"a random recovery needs at least one run, not {runs}")
    if rule == "triadic" and not 0 <= probability <= 1:
        raise BadRecovery(f"the triadic closure probability must be between 0 and 1, not {probability}")
    if heir not in HEIRS:
        raise BadRecovery(f"unknown heir rule {heir!r}; known: {', '.join(HEIRS)}")
    net = dq.integer_graph(graph)
    if len(net) == 0:
        raise EmptyGraph("the graph has no entities (check the labels, relationship types, dataset and time window)")
    if rule == "preferential":
        attach = default_attach(net) if attach is None else attach
        if newcomers < 1 or attach < 1:
            raise BadRecovery(f"preferential attachment needs at least one newcomer and one link each, "
                              f"not {newcomers} and {attach}")
    index = {v: i for i, v in enumerate(net.names)}
    gone = list(dict.fromkeys(index[v] for v in removed if v in index))
    world = _World(net, gone)
    before, after = dq.figures(net), world.figures()
    fixed = rule == "replace" or (rule == "triadic" and probability in (0, 1))   # nothing drawn: one run
    if rule == "replace":
        parameters: dict = {"heir": heir}
        played = [_replace(world.copy(), gone, rounds, heir)]
    else:
        parameters = {"probability": probability} if rule == "triadic" else {"newcomers": newcomers, "attach": attach}
        play = (lambda w, rng: _triadic(w, gone, rounds, probability, rng)) if rule == "triadic" else \
            (lambda w, rng: _preferential(w, rounds, newcomers, attach, rng))
        played = [play(world.copy(), random.Random(seed + r)) for r in range(1 if fixed else runs)]
    out = _rounds(played, rounds, banded=not fixed)
    return Recovery(rule, parameters, len(played), None if fixed else seed,
                    tuple(net.names[v] for v in gone), before, after, out)


def recovered_flow(flow: nx.DiGraph, removed: Sequence[Hashable], rule: str, links: Sequence[tuple] = (),
                   heirs: Sequence[tuple] = ()) -> nx.DiGraph:
    """A flow graph (directed, ``capacity`` on each leg) once ``removed`` left and a recovery added ``links``
    (pairs of names, every round so far) or ``heirs`` (``(removed, heir)``, every round so far).

    ``replace``: the heir takes over the removed entity's legs, in and out, with their capacities;
    ``triadic``: a new link a - b carries what a removed entity v passed between them, a -> b with
    capacity min(cap(a -> v), cap(v -> b)) (summed over the removed entities), and b -> a likewise;
    ``preferential``: newcomers have shipped nothing, and carry no flow.

    >>> f = nx.DiGraph([("s", "v", {"capacity": 5.0}), ("v", "t", {"capacity": 3.0})])
    >>> g = recovered_flow(f, ["v"], "triadic", links=[("s", "t")])
    >>> list(g.edges(data="capacity"))
    [('s', 't', 3.0)]
    """
    gone = set(removed)
    g = flow.copy()
    g.remove_nodes_from(gone)

    def add(u: Hashable, w: Hashable, capacity: float) -> None:
        if u == w or capacity <= 0 or u in gone or w in gone:
            return
        if g.has_edge(u, w):
            g[u][w]["capacity"] += capacity
        else:
            g.add_edge(u, w, capacity=capacity)

    if rule == "replace":
        for v, h in heirs:
            if h is None or v not in flow:
                continue
            for u, _, c in flow.in_edges(v, data="capacity"):
                add(u, h, c)
            for _, w, c in flow.out_edges(v, data="capacity"):
                add(h, w, c)
    elif rule == "triadic":
        for a, b in links:
            for u, w in ((a, b), (b, a)):
                add(u, w, sum(min(flow[u][v]["capacity"], flow[v][w]["capacity"]) for v in gone
                              if flow.has_edge(u, v) and flow.has_edge(v, w)))
    return g


# -- the rules ------------------------------------------------------------------------------------

def _triadic(world: _World, gone: list[int], rounds: int, p: float, rng: random.Random) -> list:
    out = []
    for _ in range(rounds):
        new = []
        for v in gone:
            near = world.former[v]
            for a in range(len(near)):
                for b in range(a + 1, len(near)):
                    pair = (near[a], near[b])
                    if pair not in world.edges and rng.random() < p:
                        world.edges.add(pair)
                        new.append(pair)
        out.append(world.played(new, 0))
    return out


def _preferential(world: _World, rounds: int, newcomers: int, attach: int, rng: random.Random) -> list:
    out = []
    for q in range(1, rounds + 1):
        new = []
        for j in range(1, newcomers + 1):
            present = [i for i in range(len(world.names)) if world.alive[i]]
            degree = world.degrees()
            weights = [float(degree[i]) for i in present]
            picked: list[int] = []
            for _ in range(min(attach, len(present))):
                total = sum(weights)
                if total <= 0:   # nobody has a link left to attract: uniform among the rest
                    weights = [0.0 if present[k] in picked else 1.0 for k in range(len(present))]
                    total = sum(weights)
                x, acc = rng.random() * total, 0.0
                for k, w in enumerate(weights):
                    acc += w
                    if w > 0 and x < acc:
                        break
                else:  # rounding at the very end: the last candidate with weight
                    k = max(k for k, w in enumerate(weights) if w > 0)
                picked.append(present[k])
                weights[k] = 0.0
            me = world.add(newcomer(q, j))
            for t in picked:
                pair = (t, me)
                world.edges.add(pair)
                new.append(pair)
        out.append(world.played(new, newcomers))
    return out


def _replace(world: _World, gone: list[int], rounds: int, heir: str) -> list:
    out = []
    for q in range(rounds):
        new, heirs = [], []
        if q < len(gone):
            v = gone[q]
            near = [u for u in world.former[v] if world.alive[u]]
            chosen = _best(world, near, heir) if near else None
            for u in near:
                if u != chosen:
                    pair = (min(u, chosen), max(u, chosen))
                    if pair not in world.edges:
                        world.edges.add(pair)
                        new.append(pair)
            heirs.append((world.names[v], None if chosen is None else world.names[chosen]))
        out.append(world.played(new, 0, tuple(heirs)))
    return out


def _best(world: _World, candidates: list[int], heir: str) -> int:
    """The candidate of highest degree (or betweenness) in the graph as it is; scores compared to :data:`queries.disruption.TIE_DIGITS` digits of the best, ties by node order."""
    if heir == "degree":
        degree = world.degrees()
        scores = {u: float(degree[u]) for u in candidates}
    else:   # the compiled Brandes: unnormalised, which ranks as networkx's normalised betweenness does
        living = [i for i in range(len(world.names)) if world.alive[i]]
        local = {v: k for k, v in enumerate(living)}
        pairs = np.array([(local[i], local[j]) for i, j in world.edges], dtype=np.int64).reshape(-1, 2)
        bc = brandes.counts(len(living), pairs, False, range(len(living)))
        scores = {u: float(bc[local[u]]) for u in candidates}
    scale = max(abs(s) for s in scores.values()) or 1.0
    return min(sorted(candidates), key=lambda u: -round(scores[u] / scale, dq.TIE_DIGITS))


# -- the graph as it recovers ----------------------------------------------------------------------

class _World:
    """The living graph: names (the graph's, then newcomers), who is present, the links as index pairs
    (i < j), and each removed entity's former neighbours still present, in node order."""

    def __init__(self, net: dq.Net, gone: list[int] | None = None, _copy: bool = False):
        if _copy:
            return
        self.n0 = len(net)
        self.names = list(net.names)
        self.alive = [True] * len(net)
        for v in gone:
            self.alive[v] = False
        self.edges = {(int(i), int(j)) for i, j in net.pairs.tolist() if self.alive[i] and self.alive[j]}
        near: dict[int, set[int]] = {v: set() for v in gone}
        for i, j in net.pairs.tolist():
            if i in near and self.alive[j]:
                near[i].add(j)
            if j in near and self.alive[i]:
                near[j].add(i)
        self.former = {v: sorted(s) for v, s in near.items()}

    def copy(self) -> _World:
        c = _World(None, _copy=True)
        c.n0, c.names, c.alive, c.edges, c.former = self.n0, list(self.names), list(self.alive), set(self.edges), self.former
        return c

    def add(self, name: str) -> int:
        self.names.append(name)
        self.alive.append(True)
        return len(self.names) - 1

    def degrees(self) -> list[int]:
        degree = [0] * len(self.names)
        for i, j in self.edges:
            degree[i] += 1
            degree[j] += 1
        return degree

    def figures(self) -> dq.Figures:
        living = [i for i in range(len(self.names)) if self.alive[i]]
        local = {v: k for k, v in enumerate(living)}
        pairs = np.array(sorted((local[i], local[j]) for i, j in self.edges), dtype=np.int64).reshape(-1, 2)
        f = dq.figures(dq.Net(tuple(self.names[i] for i in living), pairs, np.ones(len(pairs))))
        return dataclasses.replace(f, largest_share=f.largest / self.n0 if self.n0 else 0.0)

    def played(self, new: list, entities: int, heirs: tuple = ()) -> tuple:
        return self.figures(), tuple((self.names[i], self.names[j]) for i, j in new), entities, heirs


def _rounds(played: list[list[tuple]], rounds: int, banded: bool) -> tuple[Round, ...]:
    out = []
    for q in range(rounds):
        runs = [run[q] for run in played]
        table = np.array([[getattr(f, k) for k in FIGURES] for f, *_ in runs], dtype=float)
        added = float(np.mean([len(links) for _, links, _, _ in runs]))
        entities = float(np.mean([e for _, _, e, _ in runs]))
        links = tuple(links for _, links, _, _ in runs)
        if not banded:
            f, _, _, heirs = runs[0]
            out.append(Round(q + 1, f, None, None, added, entities, heirs, links))
            continue
        low, high = np.percentile(table, [5, 95], axis=0)
        mean = table.mean(axis=0)
        as_figures = [dq.Figures(*(float(x) for x in row)) for row in (mean, low, high)]
        out.append(Round(q + 1, *as_figures, added, entities, (), links))
    return tuple(out)
