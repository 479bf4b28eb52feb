"""Robustness to missing data (``--missing-nodes P --missing-links Q --runs R --seed S``).

``chokepoint centrality``, ``chokepoint structure key-players|brokers`` and ``chokepoint disrupt`` (``--remove``
or ``--attack``) re-run their analysis on R randomly thinned copies of the projected scope (the rule of
:mod:`queries.missing_data`: each entity missing with probability P, each linked pair with probability
Q, run r seeded with S + r) and say how far the full-data answer holds: each top entity with its rank
interval and how often it stays in the top k (:class:`RankRobustness`), or each what-if figure with its
mean and 5-95% band (:class:`FiguresRobustness`), or an attack curve's relative largest component at each
step and its robustness R with their bands, and the step at which each entity of the full curve goes
(:class:`AttackRobustness`). Every function takes the store and a scope; the
``*_of`` functions do the same on a graph already projected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from chokepoint.cases import disruption
from chokepoint.cases.scope import BadParameter, Scope, projected
from chokepoint.graph.store import Store
from chokepoint.queries import centrality as cq
from chokepoint.queries import disruption as dq
from chokepoint.queries import structure as sq
from chokepoint.queries.missing_data import FigureSpread, Spread, Thinning, copies, figure_spread, rank_spread

__all__ = ["Thinning", "RankRobustness", "FiguresRobustness", "AttackRobustness", "centrality", "centrality_of",
           "key_players", "key_players_of", "brokers", "brokers_of", "structure", "what_if", "what_if_of", "attack",
           "attack_of"]

#: The structure analyses that take thinned copies.
STRUCTURE = ("key-players", "brokers")


@dataclass(frozen=True)
class RankRobustness:
    """The full data's top ``k`` entities of ``analysis`` and each one's rank over the thinned copies."""

    analysis: str
    thinning: Thinning
    k: int
    nodes: int
    relationships: int
    entities: tuple[Spread, ...]
    options: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"analysis": self.analysis, "k": self.k, "nodes": self.nodes, "relationships": self.relationships,
                "options": dict(self.options), "thinning": self.thinning.as_dict(),
                "top": [s.as_dict() for s in self.entities]}


@dataclass(frozen=True)
class FiguresRobustness:
    """What-if figures (before and after removing ``removed``) on the full data and over the thinned copies;
    ``present``: in how many copies each removed entity was there to remove."""

    scope: Mapping[str, Any]
    thinning: Thinning
    removed: tuple[str, ...]
    captions: Mapping[str, Any]
    present: Mapping[str, int]
    before: tuple[FigureSpread, ...]
    after: tuple[FigureSpread, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"graph": disruption.GRAPH, "scope": dict(self.scope), "thinning": self.thinning.as_dict(),
                "removed": [{"id": n, "caption": self.captions.get(n), "present": self.present[n]}
                            for n in self.removed],
                "before": {f.figure: f.as_dict() for f in self.before},
                "after": {f.figure: f.as_dict() for f in self.after}}

    def csv(self) -> str:
        """One row per figure and moment (before, after): full, mean, low (5%), high (95%)."""
        buffer = io.StringIO()
        w = csv.writer(buffer, lineterminator="\n")
        w.writerow(["figure", "when", "full", "mean", "low", "high"])
        for when, spreads in (("before", self.before), ("after", self.after)):
            w.writerows([f.figure, when, f.full, f.mean, f.low, f.high] for f in spreads)
        return buffer.getvalue()


@dataclass(frozen=True)
class AttackRobustness:
    """An attack curve on the full data and over the copies: per step the largest component (relative to the
    copy's own entities) and the components, and the robustness R, each with its mean and 5-95% band;
    ``removed``: each entity the full curve removes, its rank being the step at which it goes (``in_top``: the
    share of copies whose curve removes it within the steps)."""

    scope: Mapping[str, Any]
    thinning: Thinning
    strategy: str
    mode: str
    weighted: bool
    removed: tuple[Spread, ...]
    steps: tuple[tuple[FigureSpread, ...], ...]
    robustness: FigureSpread

    def as_dict(self) -> dict[str, Any]:
        return {"graph": disruption.GRAPH, "scope": dict(self.scope), "thinning": self.thinning.as_dict(),
                "strategy": self.strategy, "mode": self.mode, "weighted": self.weighted,
                "removed": [s.as_dict() for s in self.removed],
                "steps": [{"step": q, **{f.figure: f.as_dict() for f in row}} for q, row in enumerate(self.steps, 1)],
                "robustness": self.robustness.as_dict()}

    def csv(self) -> str:
        """One row per step: the entity the full curve removes, then each figure's full value, mean, low, high."""
        buffer = io.StringIO()
        w = csv.writer(buffer, lineterminator="\n")
        names = [f.figure for f in self.steps[0]] if self.steps else []
        w.writerow(["step", "removed", "caption", *(f"{n}_{x}" for n in names for x in ("full", "mean", "low", "high"))])
        for q, (who, row) in enumerate(zip(self.removed, self.steps), start=1):
            w.writerow([q, who.id, who.caption or "", *(x for f in row for x in (f.full, f.mean, f.low, f.high))])
        return buffer.getvalue()


# -- centrality ----------------------------------------------------------------------------------------

def centrality(store: Store, measure: str, scope: Scope | None, thinning: Thinning, *, top: int = 10,
               backend: str = "auto", **options: Any) -> RankRobustness:
    """:func:`centrality_of` on the projected ``scope``."""
    return centrality_of(projected(store, scope), measure, thinning, top=top, backend=backend, **options)


def centrality_of(graph: nx.Graph, measure: str, thinning: Thinning, *, top: int = 10, backend: str = "auto",
                  **options: Any) -> RankRobustness:
    """The ``top`` entities by ``measure`` (``queries.centrality``, ties by id) and their ranks over the copies."""
    full = cq.rank(graph, measure, top=top, backend=backend, **options)
    runs = [_ranks(h, lambda g: cq.compute(g, measure, backend=backend, **options)) for h in copies(graph, thinning)]
    return RankRobustness(f"centrality {measure}", thinning, top, graph.number_of_nodes(), graph.number_of_edges(),
                          tuple(rank_spread(full.top, runs, top)), {**options, "backend": full.backend})


# -- structure -----------------------------------------------------------------------------------------

def key_players(store: Store, scope: Scope | None, thinning: Thinning, *, k: int = 3) -> RankRobustness:
    """:func:`key_players_of` on the projected ``scope``."""
    return key_players_of(projected(store, scope), thinning, k=k)


def key_players_of(graph: nx.Graph, thinning: Thinning, *, k: int = 3) -> RankRobustness:
    """Borgatti's ``k`` key players (``queries.structure.key_players``, ranked by the fragmentation each adds)
    and, on each copy, the rank of each within that copy's own key-player set (absent from the set: unranked,
    and not in the top k). A copy with k entities or fewer chooses no set."""
    full = sq.key_players(graph, k)
    runs = []
    for h in copies(graph, thinning):
        chosen = sq.key_players(h, k).players if h.number_of_nodes() > k else []
        runs.append((set(h), {s.id: i for i, s in enumerate(chosen, start=1)}))
    return RankRobustness("key-players", thinning, k, graph.number_of_nodes(), graph.number_of_edges(),
                          tuple(rank_spread(full.players, runs, k)), {"k": k})


def brokers(store: Store, scope: Scope | None, thinning: Thinning, *, group: str = "label", role: str = "total",
            top: int = 10) -> RankRobustness:
    """:func:`brokers_of` on the projected ``scope``."""
    return brokers_of(projected(store, scope), thinning, group=group, role=role, top=top)


def brokers_of(graph: nx.Graph, thinning: Thinning, *, group: str = "label", role: str = "total",
               top: int = 10) -> RankRobustness:
    """The ``top`` brokers by Gould-Fernandez ``role`` counts (groups by ``group``, direction kept, ties by id)
    and their ranks over the copies."""
    if role not in (*sq.ROLES, "total"):
        raise BadParameter(f"unknown brokerage role {role!r}; known: {', '.join((*sq.ROLES, 'total'))}")

    def counts(g: nx.Graph) -> dict[Hashable, float]:
        found = sq.measured(g, "brokerage", group=group, directed=True).value
        return {v: float(getattr(b, role)) for v, b in found.items()}

    full = cq.top_scores(graph, counts(graph), top)
    runs = [_ranks(h, counts) for h in copies(graph, thinning)]
    return RankRobustness(f"brokers {role}", thinning, top, graph.number_of_nodes(), graph.number_of_edges(),
                          tuple(rank_spread(full, runs, top)), {"group": group, "role": role})


def structure(store: Store, analysis: str, scope: Scope | None, thinning: Thinning, *, k: int = 3,
              group: str = "label", top: int = 10) -> RankRobustness:
    """One of :data:`STRUCTURE` by the CLI's name."""
    if analysis == "key-players":
        return key_players(store, scope, thinning, k=k)
    if analysis == "brokers":
        return brokers(store, scope, thinning, group=group, top=top)
    raise BadParameter(f"--missing-nodes/--missing-links apply to {' and '.join(STRUCTURE)}, not {analysis!r}")


# -- disruption ------------------------------------------------------------------------------------------

def what_if(store: Store, where: Scope | None, remove: Sequence[str], thinning: Thinning) -> FiguresRobustness:
    """Remove ``remove`` (ids or names, resolved in the scope as ``cases.disruption.what_if`` does) from the
    full data and from each thinned copy; the structural figures before and after, with their spread."""
    where = where or Scope()
    if not remove:
        raise BadParameter("missing data with disrupt: give the entities to remove (--remove)")
    g = projected(store, where)
    gone = list(dict.fromkeys(disruption.resolve(store, g, remove, where.dataset)))
    return what_if_of(g, dq.import_order(g, dq.load_times(store)), gone, thinning)


def what_if_of(graph: nx.Graph, order: Sequence[Hashable], gone: Sequence[Hashable],
               thinning: Thinning) -> FiguresRobustness:
    """As :func:`what_if` on a projected graph whose entities are in ``order`` (the tie rule's import order)."""
    _, before, after = dq.what_if(dq.integer_graph(graph, order), gone)
    befores, afters = [], []
    present = {v: 0 for v in gone}
    for h in copies(graph, thinning):
        _, b, a = dq.what_if(dq.integer_graph(h, [v for v in order if v in h]), gone)
        befores.append(b.as_dict())
        afters.append(a.as_dict())
        for v in gone:
            present[v] += v in h
    return FiguresRobustness(graph.graph.get("scope", {}), thinning, tuple(gone),
                             {v: graph.nodes[v].get("caption") for v in gone}, present,
                             tuple(figure_spread(before.as_dict(), befores)),
                             tuple(figure_spread(after.as_dict(), afters)))


def attack(store: Store, where: Scope | None, thinning: Thinning, strategy: str = "betweenness", steps: int = 10, *,
           mode: str = "sequential", weighted: bool = False) -> AttackRobustness:
    """:func:`attack_of` on the projected scope, entities in import order (``cases.disruption``'s tie rule)."""
    if strategy == "random":
        raise dq.BadAttack("a random attack has its own band (--runs): missing data takes a strategy by a measure")
    if strategy not in dq.MEASURES:
        raise dq.BadAttack(f"unknown strategy {strategy!r}; known: {', '.join(dq.STRATEGIES)}")
    g = projected(store, where)
    return attack_of(g, dq.import_order(g, dq.load_times(store)), thinning, strategy, steps, mode=mode,
                     weighted=weighted)


def attack_of(graph: nx.Graph, order: Sequence[Hashable], thinning: Thinning, strategy: str, steps: int, *,
              mode: str = "sequential", weighted: bool = False) -> AttackRobustness:
    """The ``queries.disruption.attack`` curve on ``graph`` (entities in ``order``) and on each thinned copy.
    A copy with fewer entities than ``steps`` has nothing left after its last one (largest 0); an empty copy
    has R 0."""
    weight = "weight" if weighted else None
    full = dq.attack(dq.integer_graph(graph, order, weight=weight), strategy, steps, mode=mode, weighted=weighted)
    made = len(full.steps)
    curves, runs = [], []
    for h in copies(graph, thinning):
        curve = dq.attack(dq.integer_graph(h, [v for v in order if v in h], weight=weight), strategy, steps,
                          mode=mode, weighted=weighted) if len(h) else None
        taken = curve.steps if curve else ()
        curves.append(([_step_figures(s) for s in taken] + [_step_figures(None)] * (made - len(taken)))[:made]
                      + [{"robustness": curve.robustness if curve else 0.0}])
        runs.append((set(h), {s.removed: s.step for s in taken}))
    first = [{"id": s.removed, "caption": graph.nodes[s.removed].get("caption"),
              "label": graph.nodes[s.removed].get("label"), "score": s.score} for s in full.steps]
    removed = rank_spread([cq.Score(x["id"], x["caption"], x["label"], float(x["score"])) for x in first], runs, made)
    rows = tuple(tuple(figure_spread(_step_figures(s), [c[q] for c in curves])) for q, s in enumerate(full.steps))
    robust = figure_spread({"robustness": full.robustness}, [c[-1] for c in curves])[0]
    return AttackRobustness(graph.graph.get("scope", {}), thinning, strategy, mode, weighted, tuple(removed), rows,
                            robust)


# -- helpers -----------------------------------------------------------------------------------------------

def _step_figures(step: dq.Step | None) -> dict[str, float]:
    """What each step of an attack reports over the copies (None: a copy with no entity left)."""
    if step is None:
        return {"largest_share": 0.0, "largest": 0.0, "components": 0.0}
    return {"largest_share": step.largest_share, "largest": float(step.largest), "components": float(step.components)}


def _ranks(h: nx.Graph, scores) -> tuple[set, dict[Hashable, int]]:
    """The entities of a copy and the rank (1 = top, ties by id) of each by ``scores(h)``; none when empty."""
    if h.number_of_nodes() == 0:
        return set(), {}
    ranked = cq.top_scores(h, scores(h), None)
    return set(h), {s.id: i for i, s in enumerate(ranked, start=1)}
