"""The recovery rules of docs/disruption.md replayed in plain networkx, written independently of
chokepoint.queries.recovery (tests/queries/test_recovery.py, tests/cases/test_disruption.py)."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np

from disruption_reference import nx_figures

FIGURES = ["entities", "links", "components", "largest", "largest_share", "fragmentation", "efficiency",
           "average_path_length", "density"]


def nx_triadic(g: nx.Graph, gone: list, rounds: int, p: float, rng: random.Random) -> list[nx.Graph]:
    order = list(g)
    h = g.copy()
    h.remove_nodes_from(gone)
    former = {v: sorted((u for u in g[v] if u not in gone), key=order.index) for v in gone}
    out = []
    for _ in range(rounds):
        for v in gone:
            for i, a in enumerate(former[v]):
                for b in former[v][i + 1:]:
                    if not h.has_edge(a, b) and rng.random() < p:
                        h.add_edge(a, b)
        out.append(h.copy())
    return out


def nx_preferential(g: nx.Graph, gone: list, rounds: int, newcomers: int, attach: int,
                    rng: random.Random) -> list[nx.Graph]:
    h = g.copy()
    h.remove_nodes_from(gone)
    out = []
    for q in range(1, rounds + 1):
        for j in range(1, newcomers + 1):
            candidates = list(h)                     # node order: the graph's, then newcomers as they came
            weight = {v: float(h.degree(v)) for v in candidates}
            targets = []
            for _ in range(min(attach, len(candidates))):
                if sum(weight.values()) == 0:
                    weight = {v: 0.0 if v in targets else 1.0 for v in candidates}
                x, acc = rng.random() * sum(weight.values()), 0.0
                for v in candidates:
                    acc += weight[v]
                    if weight[v] > 0 and x < acc:
                        break
                targets.append(v)
                weight[v] = 0.0
            me = f"newcomer-{q}-{j}"
            h.add_node(me)
            h.add_edges_from((t, me) for t in targets)
        out.append(h.copy())
    return out


def nx_replace(g: nx.Graph, gone: list, rounds: int, heir: str = "degree") -> tuple[list[nx.Graph], list]:
    order = list(g)
    h = g.copy()
    h.remove_nodes_from(gone)
    out, heirs = [], []
    for q in range(rounds):
        if q < len(gone):
            v = gone[q]
            near = [u for u in g[v] if u in h]
            if near:
                score = dict(h.degree()) if heir == "degree" else nx.betweenness_centrality(h)
                best = max(score[u] for u in near) or 1.0
                chosen = min(sorted(near, key=order.index), key=lambda u: -round(score[u] / best, 9))
                h.add_edges_from((chosen, u) for u in near if u != chosen)
                heirs.append((v, chosen))
            else:
                heirs.append((v, None))
        out.append(h.copy())
    return out, heirs


def band(graphs_per_run: list[list[nx.Graph]], n0: int, q: int) -> tuple[dict, dict, dict]:
    table = np.array([[nx_figures(run[q], n0)[k] for k in FIGURES] for run in graphs_per_run])
    low, high = np.percentile(table, [5, 95], axis=0)
    return (dict(zip(FIGURES, table.mean(axis=0))), dict(zip(FIGURES, low)), dict(zip(FIGURES, high)))
