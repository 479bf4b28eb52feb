"""Positions computed on the server, for views too big to lay out in the browser.

Cytoscape's own force layout takes seconds on a few hundred nodes in a headless browser and minutes on
thousands (docs/performance.md), so above ``BROWSER_LAYOUT_LIMIT`` nodes the app sends ``preset``
positions from igraph's Fruchterman-Reingold (networkx's spring layout when igraph is missing).
Routes are drawn by stage, left to right (``by_stage``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from chokepoint.app.view import is_node

__all__ = ["BROWSER_LAYOUT_LIMIT", "force_positions", "by_stage", "with_positions"]

BROWSER_LAYOUT_LIMIT = 300
SPREAD = 40.0  # pixels per unit of layout distance, per sqrt(node)


def force_positions(elements: Sequence[dict], seed: int = 1) -> dict[str, dict[str, float]]:
    """``{id: {"x", "y"}}`` for every node, from a force-directed layout of the elements' graph."""
    nodes = [e["data"]["id"] for e in elements if is_node(e)]
    index = {n: i for i, n in enumerate(nodes)}
    links = [(index[e["data"]["source"]], index[e["data"]["target"]]) for e in elements
             if not is_node(e) and e["data"]["source"] in index and e["data"]["target"] in index]
    if not nodes:
        return {}
    scale = SPREAD * max(len(nodes), 1) ** 0.5
    try:
        import igraph as ig

        g = ig.Graph(n=len(nodes), edges=links)
        import random

        random.seed(seed)
        coords = g.layout_fruchterman_reingold(niter=300).coords
        xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    except ImportError:  # pragma: no cover - igraph is a dependency; networkx is the fallback
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(len(nodes)))
        g.add_edges_from(links)
        pos = nx.spring_layout(g, seed=seed)
        xs, ys = [pos[i][0] for i in range(len(nodes))], [pos[i][1] for i in range(len(nodes))]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    return {n: {"x": round((xs[i] - min(xs)) / span * scale, 1), "y": round((ys[i] - min(ys)) / span * scale, 1)}
            for n, i in index.items()}


def by_stage(stages: Mapping[str, int], gap_x: float = 220.0, gap_y: float = 70.0) -> dict[str, dict[str, float]]:
    """Left-to-right positions: column = stage (supplier 0, lab 1, ... market), rows stacked in each column."""
    rows: dict[int, int] = {}
    out = {}
    for node, stage in sorted(stages.items(), key=lambda kv: (kv[1], kv[0])):
        row = rows.get(stage, 0)
        rows[stage] = row + 1
        out[node] = {"x": stage * gap_x, "y": row * gap_y}
    return out


def with_positions(elements: list[dict], positions: Mapping[str, Mapping[str, float]]) -> list[dict]:
    return [{**e, "position": dict(positions[e["data"]["id"]])} if is_node(e) and e["data"]["id"] in positions
            else e for e in elements]
