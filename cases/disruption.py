"""Disruption on any network (``chokepoint disrupt``): what-if removals and attack curves over a scope.

A scope (dataset, labels, relationship types, time window: :class:`graph.projection.Scope`) is
projected, reduced to its undirected simple graph with the entities in the order they were first
imported (:func:`queries.disruption.import_order`: the tie rule of docs/disruption.md), and handed
to :mod:`queries.disruption`. Names given to remove, or as flow ends, are resolved *within the scope*
(:func:`resolve`): an id, a caption or alias (folded), or what the search index finds, kept only
when it is in the scope; several equally good matches are listed, never guessed. With flow ends the
flow figures come from :func:`cases.routes.disruption_report`, on the same resolved ids.

Three reports, each with ``as_dict()`` (``--json``) and ``csv()`` (``--csv``): :class:`WhatIfReport`,
:class:`AttackReport` and :class:`RecoveryReport` (:func:`recovery`: the removals of a what-if or an
attack, then rounds of a recovery rule from :mod:`queries.recovery`, with the max flow after each
round when flow ends are given). Designed so later analyses slot in: thinned copies (missing data)
take the same :class:`queries.disruption.Net` and call :func:`queries.disruption.figures` or
:func:`queries.disruption.attack` on it, as the recovery rounds do.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from chokepoint.cases import routes
from chokepoint.cases.scope import projected
from chokepoint.graph.errors import ChokepointError, EntityNotFound
from chokepoint.graph.normalise import text as fold
from chokepoint.graph.projection import Scope
from chokepoint.graph.store import Store
from chokepoint.queries import disruption as dq
from chokepoint.queries import recovery as rec
from chokepoint.queries import routes as flows
from chokepoint.queries.paths import AmbiguousEntity
from chokepoint.queries.search import search_entities

__all__ = ["STRATEGIES", "MODES", "RULES", "GRAPH", "WhatIfReport", "AttackReport", "RecoveryReport", "Analysis",
           "structural_graph", "resolve", "what_if", "attack", "recovery", "analyse", "app_bounds", "TooBig",
           "AmbiguousEntity", "APP_MAX_STEPS", "APP_MAX_RUNS", "APP_WORK"]

STRATEGIES, MODES, RULES = dq.STRATEGIES, dq.MODES, rec.RULES
#: What every structural figure is computed on (said in every report).
GRAPH = "undirected simple graph of the scope"
#: Most candidates an ambiguous name lists.
LISTED = 8
#: The explorer's bounds (the CLI has none): most steps of a curve, most runs of a random attack, and the
#: work one analysis may do, in units of one link visited by a breadth-first search (N x (N + L) a full
#: measure: bench/disrupt.py's 10k-entity attack ran 1.2e10 units in 85 s, so 1e9 is about seven seconds
#: on the development machine when it is not shared; docs/explorer/disruption.md has a measurement).
APP_MAX_STEPS, APP_MAX_RUNS, APP_WORK = 50, 200, 1_000_000_000
#: What a random step of one run (no efficiency: a component labelling) costs, in links (measured against
#: a sequential betweenness step on 2,000 entities and 10,000 links: about 1/250 of its N x (N + L)).
_RANDOM_WEIGHT = 10


@dataclass(frozen=True)
class WhatIfReport:
    """The structural figures before and after removing ``removed``; with flow ends, the flow figures too."""

    scope: Mapping[str, Any]
    removed: tuple[str, ...]
    captions: Mapping[str, Any]
    before: dq.Figures
    after: dq.Figures
    flow: routes.Disruption | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"graph": GRAPH, "scope": dict(self.scope),
                "removed": [{"id": n, "caption": self.captions.get(n)} for n in self.removed],
                "before": self.before.as_dict(), "after": self.after.as_dict(),
                "flow": self.flow.as_dict() if self.flow else None}

    def csv(self) -> str:
        rows = [[k, v, self.after.as_dict()[k]] for k, v in self.before.as_dict().items()]
        if self.flow:
            rows += [[f"flow_{k}", v, self.flow.after[k]] for k, v in self.flow.before.items()]
        return _csv(["figure", "before", "after"], rows)


@dataclass(frozen=True)
class AttackReport:
    """An attack curve over the scope (``queries.disruption.Attack`` or ``RandomAttack``), with captions."""

    scope: Mapping[str, Any]
    curve: dq.Attack | dq.RandomAttack
    captions: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = {"graph": GRAPH, "scope": dict(self.scope), **self.curve.as_dict()}
        for step in out["steps"]:
            if "removed" in step:
                step["caption"] = self.captions.get(step["removed"])
        return out

    def csv(self) -> str:
        """One row per step, step 0 being the intact graph."""
        first = self.curve.initial
        if isinstance(self.curve, dq.RandomAttack):
            head = ["step", "largest_mean", "share_mean", "share_low", "share_high", "components_mean",
                    "efficiency_mean", "efficiency_low", "efficiency_high"]
            eff = first.efficiency if self.curve.steps and self.curve.steps[0].efficiency_mean is not None else None
            rows = [[0, first.largest, first.largest_share, first.largest_share, first.largest_share,
                     first.components, eff, eff, eff]]
            rows += [[getattr(s, h) for h in head] for s in self.curve.steps]
            return _csv(head, rows)
        head = ["step", "removed", "caption", "score", "largest", "largest_share", "components", "efficiency"]
        rows = [[0, "", "", "", first.largest, first.largest_share, first.components, first.efficiency]]
        rows += [[s.step, s.removed, self.captions.get(s.removed) or "", s.score, s.largest, s.largest_share,
                  s.components, s.efficiency] for s in self.curve.steps]
        return _csv(head, rows)


@dataclass(frozen=True)
class RecoveryReport:
    """Removals (``removed_by``: the what-if, or the attack that chose them), then recovery rounds
    (``queries.recovery.Recovery``); with flow ends, ``flow``: the max flow intact, after the removals and
    after each round (``{"max_flow", "low", "high"}``, the band over the runs of a random rule)."""

    scope: Mapping[str, Any]
    removed_by: Mapping[str, Any]
    recovery: rec.Recovery
    captions: Mapping[str, Any] = field(default_factory=dict)
    flow: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        data = self.recovery.as_dict()
        data["removed"] = [{"id": n, "caption": self.captions.get(n)} for n in self.recovery.removed]
        for q, r in enumerate(data["rounds"]):
            for h in r.get("heirs", ()):
                h["caption"] = self.captions.get(h["heir"])
            if self.flow:
                r["flow"] = self.flow["rounds"][q]
        flow = {k: v for k, v in self.flow.items() if k != "rounds"} if self.flow else None
        return {"graph": GRAPH, "scope": dict(self.scope), "removed_by": dict(self.removed_by), **data, "flow": flow}

    def csv(self) -> str:
        """One row for the intact graph (round ``intact``), one after the removals (round 0), one per round."""
        r = self.recovery
        banded = r.rounds[0].low is not None
        flow = self.flow
        if not banded:
            head = ["round", "links_added", "entities_added", "heirs", *rec.FIGURES]
            rows = [["intact", "", "", "", *(getattr(r.before, k) for k in rec.FIGURES)],
                    [0, "", "", "", *(getattr(r.after, k) for k in rec.FIGURES)]]
            rows += [[x.round, x.links_added, x.entities_added, ";".join(f"{v}>{h or ''}" for v, h in x.heirs),
                      *(getattr(x.figures, k) for k in rec.FIGURES)] for x in r.rounds]
            if flow:
                head.append("max_flow")
                for row, value in zip(rows, [flow["intact"], flow["after"], *(f["max_flow"] for f in flow["rounds"])]):
                    row.append(value)
            return _csv(head, rows)
        head = ["round", "links_added_mean", "entities_added_mean",
                *(f"{k}_{s}" for k in rec.FIGURES for s in ("mean", "low", "high"))]
        rows = [["intact", "", "", *(getattr(r.before, k) for k in rec.FIGURES for _ in range(3))],
                [0, "", "", *(getattr(r.after, k) for k in rec.FIGURES for _ in range(3))]]
        rows += [[x.round, x.links_added, x.entities_added,
                  *(getattr(f, k) for k in rec.FIGURES for f in (x.figures, x.low, x.high))] for x in r.rounds]
        if flow:
            head += ["max_flow_mean", "max_flow_low", "max_flow_high"]
            rows[0] += [flow["intact"]] * 3
            rows[1] += [flow["after"]] * 3
            for row, f in zip(rows[2:], flow["rounds"]):
                row += [f["max_flow"], f["low"], f["high"]]
        return _csv(head, rows)


def structural_graph(store: Store, where: Scope | None = None, weighted: bool = False) -> tuple[nx.MultiDiGraph, dq.Net]:
    """The scope's projection and its undirected simple graph as a :class:`queries.disruption.Net`, entities
    in import order; ``weighted``: a link weighs the sum of its relationships' ``weight`` (1 where absent)."""
    g = projected(store, where)
    order = dq.import_order(g, dq.load_times(store))
    return g, dq.integer_graph(g, order, weight="weight" if weighted else None)


def resolve(store: Store, graph: nx.Graph, texts: Sequence[str], dataset: str | None = None) -> list[str]:
    """The entity of ``graph`` (the scope) each text names: its id; else the one whose caption or an alias is
    the text (folded); else the one match the search index finds in the scope. Raises
    :class:`EntityNotFound` (none in the scope) or :class:`AmbiguousEntity` (listing the candidates)."""
    return [_resolve(store, graph, t, dataset) for t in texts]


def what_if(store: Store, where: Scope | None = None, remove: Sequence[str] = (), *, sources: Sequence[str] = (),
            sinks: Sequence[str] = (), best: int | None = None, capacity: str = "kg") -> WhatIfReport:
    """Remove ``remove`` (ids or names, resolved in the scope) and compare the structural figures; with
    ``sources`` and ``sinks`` also the flow figures (and ``best``: the K greedy flow removals instead)."""
    where = where or Scope()
    if bool(sources) != bool(sinks):
        raise ChokepointError("give both flow ends (--from and --to), or neither")
    if best is not None and not sources:
        raise ChokepointError("--best chooses removals that cut the flow: give --from and --to")
    if (best is None) == (not remove):
        raise ChokepointError("give the entities to remove or how many to choose (one of them)")
    g, net = structural_graph(store, where)
    gone = resolve(store, g, remove, where.dataset)
    flow = None
    if sources:
        ends = resolve(store, g, sources, where.dataset), resolve(store, g, sinks, where.dataset)
        flow = routes.disruption_report(store, ends[0], ends[1], where.dataset, remove=gone if best is None else None,
                                        best=best, capacity=capacity, start=where.start, end=where.end)
        gone = list(flow.removed)
    removed, before, after = dq.what_if(net, gone)
    if flow:  # every entity the flow lost, the structural figures counting those in the scope
        removed = list(dict.fromkeys(gone))
    captions = {**(dict(flow.captions) if flow else {}), **_captions(g, removed)}
    return WhatIfReport(g.graph.get("scope", {}), tuple(removed), captions, before, after, flow)


def attack(store: Store, where: Scope | None = None, strategy: str = "betweenness", steps: int = 10, *,
           mode: str = "sequential", weighted: bool = False, seed: int = 0, runs: int = 100,
           efficiency: bool = True) -> AttackReport:
    """An attack curve on the scope: ``steps`` removals by ``strategy`` (:data:`STRATEGIES`), ``mode``
    sequential or block; ``random`` over ``runs`` runs from ``seed`` (``efficiency=False``: without it)."""
    if strategy not in STRATEGIES:
        raise dq.BadAttack(f"unknown strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
    if strategy == "random" and weighted:
        raise dq.BadAttack("a random attack takes no weights")
    g, net = structural_graph(store, where, weighted=weighted)
    if strategy == "random":
        curve = dq.random_attack(net, steps, runs=runs, seed=seed, efficiency=efficiency)
        return AttackReport(g.graph.get("scope", {}), curve)
    curve = dq.attack(net, strategy, steps, mode=mode, weighted=weighted)
    return AttackReport(g.graph.get("scope", {}), curve, _captions(g, [s.removed for s in curve.steps]))


def recovery(store: Store, where: Scope | None = None, rule: str = "triadic", rounds: int = 5, *,
             remove: Sequence[str] = (), attack: str | None = None, steps: int = 10, mode: str = "sequential",
             weighted: bool = False, runs: int = 100, seed: int = 0, probability: float = 0.5, newcomers: int = 1,
             attach: int | None = None, heir: str = "degree", sources: Sequence[str] = (), sinks: Sequence[str] = (),
             capacity: str = "kg") -> RecoveryReport:
    """Remove ``remove`` (ids or names, resolved in the scope), or the ``steps`` entities an ``attack`` by a
    measure takes, then let the network recover for ``rounds`` rounds by ``rule``
    (:func:`queries.recovery.recover`); with ``sources`` and ``sinks`` also the max flow after each round."""
    where = where or Scope()
    if bool(sources) != bool(sinks):
        raise ChokepointError("give both flow ends (--from and --to), or neither")
    if (attack is None) == (not remove):
        raise ChokepointError("a recovery follows removals: give the entities to remove or an attack (one of them)")
    if attack == "random":
        raise dq.BadAttack("a recovery follows one set of removals: attack by a measure, not at random")
    if weighted and attack is None:
        raise dq.BadAttack("weighted applies to an attack's measure; a recovery counts links, not weights")
    g, net = structural_graph(store, where, weighted=weighted and attack is not None)
    if attack is not None:
        curve = dq.attack(net, attack, steps, mode=mode, weighted=weighted)
        gone = [s.removed for s in curve.steps]
        removed_by = {"attack": attack, "mode": mode, "weighted": weighted, "steps": len(gone)}
    else:
        gone = resolve(store, g, remove, where.dataset)
        removed_by = {"what_if": list(remove)}
    found = rec.recover(net, gone, rule, rounds, runs=runs, seed=seed, probability=probability,
                        newcomers=newcomers, attach=attach, heir=heir)
    heirs = [h for r in found.rounds for _, h in r.heirs if h is not None]
    flow = None
    if sources:
        ends = resolve(store, g, sources, where.dataset), resolve(store, g, sinks, where.dataset)
        flow = _recovery_flow(store, where, capacity, found, ends)
    return RecoveryReport(g.graph.get("scope", {}), removed_by, found, _captions(g, [*found.removed, *heirs]), flow)


class TooBig(ChokepointError):
    """The scope is too big for even one step of the analysis within the explorer's bounds."""


@dataclass(frozen=True)
class Analysis:
    """What the explorer's Disruption tab shows: a what-if (when entities were given) and attack curves
    (one per strategy) on one projection of the scope, with the steps run and why fewer than asked."""

    scope: Mapping[str, Any]
    entities: int
    links: int
    what_if: WhatIfReport | None
    curves: tuple[AttackReport, ...]
    steps: int
    asked: int
    runs: int
    capped: str = ""

    def rows(self) -> list[dict[str, Any]]:
        """The curves as one table: a row per strategy and step (step 0 the intact graph), the relative
        largest component ``largest_share`` (random: the mean, and ``share_low``/``share_high`` the 5-95% band)."""
        out: list[dict[str, Any]] = []
        for report in self.curves:
            c, first = report.curve, report.curve.initial
            base = {"strategy": c.strategy, "mode": c.mode}
            out.append({**base, "step": 0, "removed": "", "caption": "", "score": None, "largest": first.largest,
                        "largest_share": first.largest_share, "share_low": None, "share_high": None})
            for s in c.steps:
                if isinstance(c, dq.RandomAttack):
                    out.append({**base, "step": s.step, "removed": "", "caption": "", "score": None,
                                "largest": s.largest_mean, "largest_share": s.share_mean, "share_low": s.share_low,
                                "share_high": s.share_high})
                else:
                    out.append({**base, "step": s.step, "removed": s.removed,
                                "caption": report.captions.get(s.removed) or "", "score": s.score,
                                "largest": s.largest, "largest_share": s.largest_share, "share_low": None,
                                "share_high": None})
        return out

    def robustness(self) -> dict[str, float]:
        """Schneider's R of each curve (random: the mean over the runs)."""
        return {r.curve.strategy: (r.curve.robustness_mean if isinstance(r.curve, dq.RandomAttack)
                                   else r.curve.robustness) for r in self.curves}


def app_bounds(strategies: Sequence[str], n: int, m: int, steps: int, runs: int = 100,
               what_if: bool = False) -> tuple[int, int, str]:
    """The steps and runs the explorer runs on a scope of ``n`` entities and ``m`` links, and why fewer than
    asked (``""`` when none): at most :data:`APP_MAX_STEPS` and :data:`APP_MAX_RUNS`, and no more steps than
    :data:`APP_WORK` pays for (every step of a measure's curve measures the component that lost an entity:
    at worst N x (N + L)). Raises :class:`TooBig` when not even one step fits.

    >>> app_bounds(["betweenness"], 34, 78, 80)
    (50, 100, 'steps capped at 50 (the most the explorer runs; chokepoint disrupt has no cap)')
    >>> app_bounds(["betweenness"], 10_000, 50_000, 20)[0]
    1
    """
    runs = max(1, min(int(runs), APP_MAX_RUNS))
    wanted = max(1, int(steps))
    full = n * (n + m)
    measures = sum(1 for s in strategies if s != "random")
    spend = full * (len(strategies) + (2 if what_if else 0))    # each curve's initial figures, the what-if's two
    if spend > APP_WORK:
        raise TooBig(f"the scope is too big for the explorer ({n:,} entities, {m:,} links): narrow it (a dataset, "
                     "labels, link types, dates) or run chokepoint disrupt, which has no cap")
    per_step = full * measures + (runs * (n + m) * _RANDOM_WEIGHT if "random" in strategies else 0)
    fits = (APP_WORK - spend) // per_step if per_step else wanted
    allowed = min(wanted, APP_MAX_STEPS, max(1, int(fits)))
    why = ""
    if allowed < wanted:
        why = (f"steps capped at {allowed} (the most the explorer runs; chokepoint disrupt has no cap)"
               if allowed == APP_MAX_STEPS else
               f"steps capped at {allowed} of {wanted}: each step measures up to {n:,} entities and {m:,} links, "
               "and the explorer keeps one press to a few seconds (chokepoint disrupt has no cap)")
    return allowed, runs, why


def analyse(store: Store, where: Scope | None = None, remove: Sequence[str] = (), strategies: Sequence[str] = (),
            steps: int = 10, *, mode: str = "sequential", seed: int = 0, runs: int = 100) -> Analysis:
    """The explorer's analysis on one projection of the scope: the what-if of ``remove`` (ids or names,
    resolved in the scope; none: no what-if) and an attack curve per strategy of ``strategies`` (random
    without efficiency), within :func:`app_bounds`."""
    where = where or Scope()
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise dq.BadAttack(f"unknown strategy {unknown[0]!r}; known: {', '.join(STRATEGIES)}")
    if not remove and not strategies:
        raise ChokepointError("choose entities to remove, or a strategy to attack with")
    strategies = list(dict.fromkeys(strategies))
    g, net = structural_graph(store, where)
    done, runs, why = app_bounds(strategies, len(net), len(net.pairs), steps, runs, what_if=bool(remove))
    report = None
    if remove:
        gone = resolve(store, g, remove, where.dataset)
        removed, before, after = dq.what_if(net, gone)
        report = WhatIfReport(g.graph.get("scope", {}), tuple(removed), _captions(g, removed), before, after)
    curves = []
    for s in strategies:
        if s == "random":
            curves.append(AttackReport(g.graph.get("scope", {}),
                                       dq.random_attack(net, done, runs=runs, seed=seed, efficiency=False)))
        else:
            curve = dq.attack(net, s, done, mode=mode)
            curves.append(AttackReport(g.graph.get("scope", {}), curve, _captions(g, [x.removed for x in curve.steps])))
    return Analysis(g.graph.get("scope", {}), len(net), len(net.pairs), report, tuple(curves),
                    min(done, len(net)), int(steps), runs, why)

# -- helpers -------------------------------------------------------------------------------------
def _resolve(store: Store, graph: nx.Graph, text: str, dataset: str | None) -> str:
    text = (text or "").strip()
    where = f"dataset {dataset!r}" if dataset else "the scope"
    if text in graph:
        return text
    wanted = fold(text)
    named = [v for v, d in graph.nodes(data=True)
             if wanted and wanted in {fold(str(d.get("caption") or "")), *(fold(str(a)) for a in d.get("aliases") or ())}]
    if not named:
        named = [m.id for m in search_entities(store, text, limit=200) if m.id in graph]
    if len(named) == 1:
        return named[0]
    if not named:
        raise EntityNotFound(f"no entity in {where} matches {text!r}")
    listed = "; ".join(f"{graph.nodes[v].get('caption')} ({graph.nodes[v].get('label')}, {v})"
                       for v in sorted(named)[:LISTED])
    more = f" and {len(named) - LISTED} more" if len(named) > LISTED else ""
    raise AmbiguousEntity(f"{text!r} matches {len(named)} entities in {where}: {listed}{more}; give an id")


def _recovery_flow(store: Store, where: Scope, capacity: str, found: rec.Recovery,
                   ends: tuple[list[str], list[str]]) -> dict[str, Any]:
    """The max flow intact, after the removals, and after each round of each run (mean and 5-95% band)."""
    graph = flows.flow_graph(store, where.dataset, capacity=capacity, start=where.start, end=where.end)

    def value(g: nx.DiGraph) -> float:
        return flows.max_flow(g, *ends).value

    runs = found.runs
    table = np.zeros((runs, len(found.rounds)))
    for run in range(runs):
        links: list = []
        heirs: list = []
        for q, r in enumerate(found.rounds):
            links += r.links[run]
            heirs += r.heirs
            table[run, q] = value(rec.recovered_flow(graph, found.removed, found.rule, links, heirs))
    low, high = np.percentile(table, [5, 95], axis=0)
    mean = table.mean(axis=0)
    banded = found.rounds[0].low is not None
    rounds = [{"max_flow": float(mean[q]), **({"low": float(low[q]), "high": float(high[q])} if banded else {})}
              for q in range(len(found.rounds))]
    after = graph.copy()
    after.remove_nodes_from(found.removed)
    return {"sources": ends[0], "sinks": ends[1], "capacity": capacity, "intact": value(graph), "after": value(after),
            "rounds": rounds}


def _captions(g: nx.Graph, ids: Sequence[str]) -> dict[str, Any]:
    return {v: g.nodes[v].get("caption") for v in ids if v in g}


def _csv(head: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(head)
    writer.writerows(["" if x is None else x for x in row] for row in rows)
    return buffer.getvalue()
