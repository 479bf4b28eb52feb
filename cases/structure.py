"""Structure reports: how a scope of the graph holds together.

One call per question, shared by the CLI's ``chokepoint structure`` and the explorer's Analytics panel:
communities (optionally stored back), key players, brokers, cut points (articulation points and
bridges), components and cores. Each projects the scope once and returns a typed report with the size
of the graph it looked at and the captions of its entities; :func:`structure_report` answers the CLI's
analyses by name. The algorithms are ``queries.structure``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from chokepoint.cases.scope import BadParameter, Scope, projected
from chokepoint.graph.store import Store
from chokepoint.queries import structure as sq
from chokepoint.graph.projection import collapse
from chokepoint.queries.centrality import Score, top_scores
from chokepoint.queries.structure import ROLES, Brokerage

__all__ = ["ANALYSES", "ROLES", "Brokerage", "Score", "Communities", "KeyPlayers", "Brokers", "CutPoints",
           "Components", "communities", "key_players", "brokers", "cut_points", "components", "component_summary",
           "structure_report"]

#: the analyses :func:`structure_report` answers, by the CLI's names
ANALYSES = ("communities", "key-players", "brokers", "articulation-points", "bridges", "components")


@dataclass(frozen=True)
class _Report:
    """What every structure report has: the size of the graph analysed and its entities' captions."""

    nodes: int
    relationships: int
    captions: Mapping[Hashable, Any] = field(repr=False)
    backend: str = "networkx"   # the implementation that ran (queries.backends)

    def caption(self, entity: Hashable) -> Any:
        """The entity's caption (its id when it has none)."""
        return self.captions.get(entity) or entity


@dataclass(frozen=True)
class Communities(_Report):
    """A partition: ``groups`` largest first (a group's index is its community id), and its modularity;
    ``written``: how many entities got their community id stored (None: not stored)."""

    method: str = "louvain"
    groups: tuple[frozenset, ...] = ()
    membership: Mapping[Hashable, int] = field(default_factory=dict)
    modularity: float = 0.0
    written: int | None = None

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        return {"method": self.method, "backend": self.backend, "modularity": self.modularity,
                "groups": [sorted(self.caption(n) for n in g) for g in self.groups[:top]], "count": len(self.groups)}


@dataclass(frozen=True)
class KeyPlayers(_Report):
    """Borgatti's key players (each scored by the fragmentation lost if it stayed) and the network's
    fragmentation before and after removing them."""

    players: tuple[Score, ...] = ()
    before: float = 0.0
    after: float = 0.0

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        return {"players": [self.caption(p.id) for p in self.players], "fragmentation_before": self.before,
                "fragmentation_after": self.after, "backend": self.backend}


@dataclass(frozen=True)
class Brokers(_Report):
    """Gould-Fernandez brokerage of every entity (``counts``) with groups by ``group``; ``top`` ranked by
    ``role``; ``ungrouped``: entities without a group (they broker nothing)."""

    group: str = "label"
    role: str = "total"
    counts: Mapping[Hashable, Brokerage] = field(default_factory=dict)
    top: tuple[Score, ...] = ()
    ungrouped: int = 0

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        ranked = sorted(self.counts.items(), key=lambda kv: (-kv[1].total, str(kv[0])))[:top]
        return {"brokers": [{"entity": self.caption(n), "total": b.total, **vars(b)} for n, b in ranked if b.total],
                "backend": self.backend}


@dataclass(frozen=True)
class CutPoints(_Report):
    """Articulation points (entities whose removal disconnects their component), the ``top`` of them by
    neighbours, and bridges (pairs whose links are the only way between two parts). None: not asked."""

    points: tuple | None = None
    by_neighbours: tuple[Score, ...] = ()
    bridges: tuple[tuple, ...] | None = None

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.points is not None:
            out["articulation_points"] = sorted(self.caption(n) for n in self.points)
        if self.bridges is not None:
            out["bridges"] = sorted([self.caption(a), self.caption(b)] for a, b in self.bridges)
        out["backend"] = self.backend
        return out


@dataclass(frozen=True)
class Components(_Report):
    """Weak components (largest first); with ``cores``, the strong components and k-cores as well
    (:func:`component_summary`)."""

    parts: tuple[frozenset, ...] = ()
    summary: Mapping[str, Any] | None = None

    def as_dict(self, top: int = 10) -> dict[str, Any]:
        return {"count": len(self.parts), "sizes": [len(c) for c in self.parts[:top]], "backend": self.backend}


def communities(store: Store, scope: Scope | None = None, *, method: str = "louvain", seed: int = 0,
                resolution: float = 1.0, write: str | None = None) -> Communities:
    """Communities (``louvain`` or ``leiden``) of the scope; with ``write`` (e.g. ``community``) each entity's
    community id is also stored under that property (replacing older values in the scope's dataset)."""
    if write is not None:
        sq.check_property_name(write)
    g = projected(store, scope)
    found = sq.communities(g, method=method, seed=seed, resolution=resolution)
    written = None
    if write is not None:
        written = sq.write_property(store, write, found.membership, dataset=(scope or Scope()).dataset)
    return Communities(*_size(g), backend=found.backend, method=found.method, groups=tuple(found.groups), membership=found.membership,
                       modularity=found.modularity, written=written)


def key_players(store: Store, scope: Scope | None = None, *, k: int = 3) -> KeyPlayers:
    """The ``k`` entities whose removal fragments the scope most."""
    g = projected(store, scope)
    found = sq.key_players(g, k)
    return KeyPlayers(*_size(g), backend=found.backend, players=tuple(found.players), before=found.before, after=found.after)


def brokers(store: Store, scope: Scope | None = None, *, group: str = "label", role: str = "total",
            top: int = 10) -> Brokers:
    """Brokerage roles with groups by ``group`` (``label`` or an entity property), the ``top`` by ``role``
    (one of ``ROLES`` or ``total``)."""
    if role not in (*ROLES, "total"):
        raise BadParameter(f"unknown brokerage role {role!r}; known: {', '.join((*ROLES, 'total'))}")
    g = projected(store, scope)
    found = sq.measured(g, "brokerage", group=group, directed=True)
    counts = found.value
    ranked = top_scores(g, {v: float(getattr(b, role)) for v, b in counts.items()}, top)
    grouped = sum(1 for _, value in g.nodes(data=group) if value is not None)
    return Brokers(*_size(g), backend=found.backend, group=group, role=role, counts=counts, top=tuple(ranked),
                   ungrouped=g.number_of_nodes() - grouped)


def cut_points(store: Store, scope: Scope | None = None, *, top: int = 10, points: bool = True,
               bridges: bool = True) -> CutPoints:
    """Articulation points (with the ``top`` of them by neighbours) and bridges of the scope, direction
    ignored (either can be left out)."""
    g = projected(store, scope)
    ran = [sq.measured(g, measure) for measure, asked in (("articulation_points", points), ("bridges", bridges))
           if asked]
    found = tuple(ran[0].value) if points else None
    pairs = tuple(ran[-1].value) if bridges else None
    ranked: list[Score] = []
    if found:
        simple = collapse(g, directed=False)
        ranked = top_scores(g, {v: float(simple.degree(v)) for v in found}, top)
    return CutPoints(*_size(g), backend=", ".join(sorted({r.backend for r in ran})), points=found, by_neighbours=tuple(ranked), bridges=pairs)


def components(store: Store, scope: Scope | None = None, *, cores: bool = False) -> Components:
    """The scope's weak components, largest first; with ``cores`` the strong components and k-cores too."""
    g = projected(store, scope)
    found = sq.measured(g, "components")
    parts = found.value
    return Components(*_size(g), backend=found.backend, parts=tuple(frozenset(p) for p in parts),
                      summary=component_summary(g, parts) if cores else None)


def component_summary(graph: nx.Graph, weak: list[set] | None = None) -> dict[str, Any]:
    """Components (weak and strong) and k-cores of a projection, as figures (``weak``: its weak
    components when already known)."""
    weak = sq.components(graph) if weak is None else weak
    strong = sq.components(graph, strong=True)
    cores = sq.core_numbers(graph)
    top = max(cores.values(), default=0)
    by_core = Counter(cores.values())
    return {
        "entities": graph.number_of_nodes(),
        "relationships": graph.number_of_edges(),
        "weak": len(weak),
        "largest": [len(c) for c in weak[:5]],
        "isolated": sum(1 for c in weak if len(c) == 1),
        "strong": len(strong),
        "largest_strong": len(strong[0]) if strong else 0,
        "max_core": top,
        "max_core_size": by_core.get(top, 0),
        "cores": dict(sorted(by_core.items(), reverse=True)),
        "core_members": sorted(v for v, c in cores.items() if c == top),
    }


def structure_report(store: Store, analysis: str, scope: Scope | None = None, *, k: int = 3, group: str = "label",
                     method: str = "louvain", seed: int = 0, write: str | None = None,
                     top: int = 10) -> Communities | KeyPlayers | Brokers | CutPoints | Components:
    """One of :data:`ANALYSES` by name, with its options (``k``: key players; ``group``: brokers;
    ``method``, ``seed``, ``write``: communities; ``top``: how many brokers and cut points are ranked).
    An empty scope is :class:`~cases.scope.EmptyGraph` for every analysis, as ``queries.structure`` has it."""
    if analysis == "communities":
        return communities(store, scope, method=method, seed=seed, write=write)
    if analysis == "key-players":
        return key_players(store, scope, k=k)
    if analysis == "brokers":
        return brokers(store, scope, group=group, top=top)
    if analysis in ("articulation-points", "bridges"):
        return cut_points(store, scope, top=top, points=analysis == "articulation-points",
                          bridges=analysis == "bridges")
    if analysis == "components":
        return components(store, scope)
    raise BadParameter(f"unknown analysis {analysis!r}; known: {', '.join(ANALYSES)}")


def _size(g: nx.Graph) -> tuple[int, int, dict]:
    return g.number_of_nodes(), g.number_of_edges(), {n: d.get("caption") for n, d in g.nodes(data=True)}
