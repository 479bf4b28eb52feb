"""Query results to dash-cytoscape elements (pure shaping, no queries)."""

from __future__ import annotations

from queries.neighbourhood import Subgraph

__all__ = ["subgraph_elements"]


def subgraph_elements(sub: Subgraph) -> list[dict]:
    nodes = [
        {"data": {"id": n["id"], "label": n["caption"], "kind": n["label"]},
         "classes": f"{n['label']}{' center' if n['id'] == sub.center else ''}"}
        for n in sub.nodes
    ]
    edges = [{"data": {"id": e["id"], "source": e["source"], "target": e["target"], "type": e["type"]}}
             for e in sub.edges]
    return nodes + edges
