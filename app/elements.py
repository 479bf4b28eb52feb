"""Query results to dash-cytoscape elements (pure shaping, no queries)."""

from __future__ import annotations

from chokepoint.cases.explore import Match, Subgraph

__all__ = ["subgraph_elements", "suggestion_options", "MAX_SUGGESTIONS"]

MAX_SUGGESTIONS = 100


def suggestion_options(text: str, matches: list[Match], shown: list[dict]) -> list[dict]:
    """Dropdown options: the matches for ``text`` first, then those already shown.

    Suggestions only accumulate, so a slow answer for an earlier keystroke arriving last cannot
    remove the right one; the dropdown filters them by the typed text, which each option carries in
    ``search`` (with the caption and aliases), since the server matched it on normalised words.
    """
    new = {m.id: {"label": m.display, "value": m.id, "search": " ".join([text, m.caption, *m.aliases])}
           for m in matches}
    kept = []
    for o in shown:
        if o["value"] in new:  # found again: remember every text that found it
            new[o["value"]]["search"] = f"{o.get('search', '')} {new[o['value']]['search']}"
        else:
            kept.append(o)
    return ([*new.values(), *kept])[:MAX_SUGGESTIONS]


def subgraph_elements(sub: Subgraph) -> list[dict]:
    nodes = [
        {"data": {"id": n["id"], "label": n["caption"], "kind": n["label"]},
         "classes": f"{n['label']}{' center' if n['id'] == sub.center else ''}"}
        for n in sub.nodes
    ]
    edges = [{"data": {"id": e["id"], "source": e["source"], "target": e["target"], "type": e["type"]}}
             for e in sub.edges]
    return nodes + edges
