"""A ranking: who matters most in a scope of the graph by a centrality measure, optionally stored back.

One call for the CLI's ``chokepoint centrality`` and the explorer's Analytics panel. The measures are
``queries.centrality``; writing scores back is ``queries.structure.write_property``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from chokepoint.cases.scope import Scope, projected
from chokepoint.graph.store import Store
from chokepoint.queries import centrality
from chokepoint.queries.centrality import Ranking, Score
from chokepoint.queries.structure import write_property

__all__ = ["MEASURES", "BIG_GRAPH", "SAMPLE_K", "Score", "RankingReport", "ranking", "measure_options"]

#: the measures, in the order they are offered
MEASURES = ("degree", "in_degree", "out_degree", "betweenness", "closeness", "harmonic", "pagerank", "eigenvector")
#: above this many entities betweenness is sampled unless the exact value is asked for
BIG_GRAPH = 5_000
#: sampled sources for betweenness, unless told
SAMPLE_K = 500
_WEIGHTED = {"degree", "in_degree", "out_degree", "pagerank", "eigenvector"}
_DIRECTABLE = {"betweenness", "closeness", "harmonic"}


@dataclass(frozen=True)
class RankingReport:
    """A ranking (``queries.centrality.Ranking``: the top entities, every score, the backend that ran, the
    graph's size), how many entities got the score stored (None: not stored) and a notice for the user
    (how betweenness was sampled)."""

    ranking: Ranking
    written: int | None = None
    notice: str = ""

    @property
    def top(self) -> list[Score]:
        return self.ranking.top

    @property
    def scores(self) -> dict[Hashable, float]:
        return self.ranking.scores

    def as_dict(self) -> dict[str, Any]:
        """What ``chokepoint centrality --json`` prints."""
        r = self.ranking
        return {"measure": r.measure, "backend": r.backend, "nodes": r.nodes, "relationships": r.relationships,
                "options": r.options, "top": [vars(s) for s in r.top], "written": self.written}


def ranking(store: Store, measure: str, scope: Scope | None = None, *, top: int = 10, backend: str = "auto",
            write: str | None = None, method: str | None = None, **options: Any) -> RankingReport:
    """The ``top`` entities of ``scope`` by ``measure`` (one of :data:`MEASURES`).

    ``options`` (``weight``, ``k``, ``seed``, ``directed``) go to the measure as given, and one it does not
    take is an error; or, with ``method`` (``auto``, ``exact`` or ``sampled``: how betweenness is computed),
    they are a form's choices, kept to those the measure takes, betweenness sampled on a big graph
    (:func:`measure_options`), and an empty scope is :class:`~cases.scope.EmptyGraph` before any measure
    runs. ``write``: also store every score on the entities under this property (``score_...``).
    """
    notice = ""
    if method is None:
        found = centrality.rank_in_store(store, measure, scope, top=top, backend=backend, **options)
    else:
        g = projected(store, scope)
        chosen, notice = measure_options(measure, g.number_of_nodes(), method, **options)
        found = centrality.rank(g, measure, top=top, backend=backend, **chosen)
    written = write_property(store, write, found.scores, dataset=(scope or Scope()).dataset) if write else None
    return RankingReport(found, written, notice)


def measure_options(measure: str, nodes: int, method: str = "auto", k: Any = None, seed: Any = None,
                    directed: bool = False, weight: str | None = None) -> tuple[dict, str]:
    """The options for ``queries.centrality.rank`` a form's choices make, and a notice for the user.

    Betweenness: ``method`` ``exact``, ``sampled`` (``k`` sources, ``seed``) or ``auto`` (sampled above
    :data:`BIG_GRAPH` entities, so a big graph never waits on the exact value unasked).

    >>> measure_options("betweenness", 10_000)
    ({'k': 500, 'seed': 0}, 'Betweenness estimated from 500 of 10,000 sampled sources (seed 0): the graph is big; choose exact for the exact value (slow).')
    >>> measure_options("betweenness", 100)
    ({}, '')
    >>> measure_options("pagerank", 100, weight="kg")
    ({'weight': 'kg'}, '')
    """
    options: dict[str, Any] = {}
    notice = ""
    if measure in _WEIGHTED and weight and weight.strip():
        options["weight"] = weight.strip()
    if measure in _DIRECTABLE and directed:
        options["directed"] = True
    if measure == "betweenness":
        seed = 0 if seed in (None, "") else int(seed)
        k = SAMPLE_K if k in (None, "") else int(k)
        sample = method == "sampled" or (method == "auto" and nodes > BIG_GRAPH)
        if sample and k < nodes:
            options.update(k=k, seed=seed)
            why = "the graph is big; choose exact for the exact value (slow)" if method == "auto" else \
                "an estimate"
            notice = f"Betweenness estimated from {k:,} of {nodes:,} sampled sources (seed {seed}): {why}."
    return options, notice
