"""The reference the disruption tests check against: each figure, measure and attack in plain networkx,
written independently of chokepoint.queries.disruption (tests/queries/test_disruption.py,
tests/cases/test_disruption.py)."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

TOL = 1e-9


def nx_figures(g: nx.Graph, n0: int) -> dict:
    n = g.number_of_nodes()
    parts = list(nx.connected_components(g))          # in node order: ties go to the earliest entity's
    big = max(parts, key=len) if parts else set()
    s = len(big)
    return {"entities": n, "links": g.number_of_edges(), "components": len(parts), "largest": s,
            "largest_share": s / n0,
            "fragmentation": 1 - sum(len(p) * (len(p) - 1) for p in parts) / (n * (n - 1)) if n > 1 else 0.0,
            "efficiency": nx.global_efficiency(g),
            "average_path_length": nx.average_shortest_path_length(g.subgraph(big)) if s > 1 else 0.0,
            "density": nx.density(g) if n > 1 else 0.0}


def nx_scores(g: nx.Graph, strategy: str, weighted: bool = False) -> dict:
    if strategy == "betweenness":
        return nx.betweenness_centrality(g)
    if strategy == "degree":
        return dict(g.degree(weight="weight" if weighted else None))
    if strategy == "closeness":
        return nx.closeness_centrality(g)
    if strategy == "pagerank":
        return nx.pagerank(g, weight="weight" if weighted else None, tol=1e-13, max_iter=10_000)
    ci = {}
    for v in g:
        far = [u for u, d in nx.single_source_shortest_path_length(g, v, cutoff=2).items() if d == 2]
        ci[v] = (g.degree(v) - 1) * sum(g.degree(u) - 1 for u in far)
    return ci


def nx_order(scores: dict) -> list:
    """Best first: scores rounded to 9 digits of the largest, ties in node order (a stable sort)."""
    scale = max(abs(x) for x in scores.values()) or 1.0
    return sorted(scores, key=lambda v: -round(scores[v] / scale, 9))


def nx_attack(g: nx.Graph, strategy: str, steps: int, mode: str = "sequential", weighted: bool = False) -> list:
    g, n0, out = g.copy(), g.number_of_nodes(), []
    ranked = nx_order(nx_scores(g, strategy, weighted)) if mode == "block" else None
    first = nx_scores(g, strategy, weighted)
    for q in range(min(steps, n0)):
        if ranked:
            v, score = ranked[q], first[ranked[q]]
        else:
            scores = nx_scores(g, strategy, weighted)
            v = nx_order(scores)[0]
            score = scores[v]
        g.remove_node(v)
        f = nx_figures(g, n0)
        out.append((v, score, f["largest"], f["largest_share"], f["components"], f["efficiency"]))
    return out


def same_curve(curve, reference: list) -> None:
    """An attack curve (queries.disruption.Attack) step by step against nx_attack's reference."""
    assert [s.removed for s in curve.steps] == [r[0] for r in reference]
    for s, (_, score, largest, share, parts, eff) in zip(curve.steps, reference):
        assert s.score == pytest.approx(score, rel=TOL, abs=TOL)
        assert (s.largest, s.components) == (largest, parts)
        assert s.largest_share == pytest.approx(share, abs=1e-12)
        assert s.efficiency == pytest.approx(eff, rel=TOL, abs=TOL)


def nx_random(g: nx.Graph, steps: int, runs: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    shares, effs = np.zeros((runs, steps)), np.zeros((runs, steps))
    for r in range(runs):
        h = g.copy()
        for q, v in enumerate(random.Random(seed + r).sample(list(g), steps)):
            h.remove_node(v)
            shares[r, q] = len(max(nx.connected_components(h), key=len)) / len(g) if len(h) else 0
            effs[r, q] = nx.global_efficiency(h)
    return shares, effs
