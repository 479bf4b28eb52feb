"""The canvas as a value: the elements on it, and the changes panels ask for.

Every panel (search, expand, paths, analytics, routes, saved queries, trainer) asks for a change of
view by writing a *view change* (a plain dict) to one store; one callback applies it here, keeps the
undo/redo history and tells the user what happened. So each panel only says what it wants drawn, and
the rules (merge by id, the cap on what the browser is given, history) live in one place.

A view change is ``{"op": ..., "notice": str, ...}`` with one of these ops:

``replace``  ``elements``: the new view.
``add``      ``elements``: merged into the view (same id: data updated, classes joined).
``remove``   ``ids``: nodes (and their links) and links taken off the view.
``keep``     ``ids``: every node not listed taken off (and links that lose an end).
``mark``     ``cls``, ``ids``: the class moves to exactly these elements (a path, a cut, an answer).
``toggle``   ``cls``, ``ids``: the class switched on or off on these elements (pinning).
``score``    ``key``, ``values`` {id: number}: written to each node's data, plus ``size`` scaled
             0..1 for the stylesheet; nodes not scored lose it.
``paint``    ``fields``, ``values`` {id: {field: value}}: written to each listed node's data (e.g.
             ``community`` for the stylesheet's colours); every node loses the ``fields`` it is not given.
``clear``    an empty canvas.

dash-cytoscape writes the canvas back to its ``elements`` property after every add, remove or drag
with ``data`` and ``position`` only, dropping ``classes``; so every element's classes are mirrored in
``data._classes`` and restored from there (``restore_classes``) before a change is applied.

Changes may carry ``layout`` (a cytoscape layout dict, e.g. ``{"name": "preset"}`` when positions
were computed server-side), and ``then``: a further change applied to the result in the same step
(e.g. ``add`` a path then ``mark`` it, so the old highlight goes and undo takes back both at once).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["apply", "restore_classes", "leaves_of", "ViewTooBig", "MAX_NODES", "HISTORY", "node_ids", "is_node", "change"]

#: The most nodes the canvas is given (browsers stay responsive well past this with preset positions).
MAX_NODES = 2000
#: How many earlier views undo can go back to.
HISTORY = 20


#: data fields a ``paint`` change may not touch
_OWN_FIELDS = frozenset({"id", "source", "target", "label", "kind", "type", "_classes"})


class ViewTooBig(ValueError):
    """The change would put more than ``MAX_NODES`` nodes on the canvas."""


def change(op: str, notice: str = "", **fields: Any) -> dict[str, Any]:
    """A view change, e.g. ``change("add", "3 neighbours", elements=[...])``."""
    return {"op": op, "notice": notice, **fields}


def is_node(element: dict) -> bool:
    return "source" not in element.get("data", {})


def node_ids(elements: Iterable[dict]) -> set[str]:
    return {e["data"]["id"] for e in elements if is_node(e)}


def leaves_of(elements: Iterable[dict], node_id: str) -> list[str]:
    """What collapsing ``node_id`` takes off: its neighbours on the canvas linked to nothing else there
    (pinned ones stay).

    >>> n = lambda i, cls="": {"data": {"id": i}, "classes": cls}
    >>> e = lambda a, b: {"data": {"id": a + b, "source": a, "target": b}}
    >>> leaves_of([n("c"), n("x"), n("y"), n("z"), n("p", "pinned"), e("c", "x"), e("y", "c"), e("c", "z"),
    ...            e("z", "y"), e("c", "p")], "c")
    ['x']
    """
    elements = restore_classes(elements)
    pinned = {e["data"]["id"] for e in elements if is_node(e) and "pinned" in _classes(e)}
    linked: dict[str, set[str]] = {}
    for e in elements:
        if not is_node(e):
            a, b = e["data"]["source"], e["data"]["target"]
            linked.setdefault(a, set()).add(b)
            linked.setdefault(b, set()).add(a)
    return sorted(n for n in linked.get(node_id, ()) if n != node_id and linked[n] == {node_id} and n not in pinned)


def _classes(element: dict) -> list[str]:
    return [c for c in (element.get("classes") or "").split() if c]


def _merge(old: dict, new: dict) -> dict:
    merged = {**old, **new, "data": {**old.get("data", {}), **new.get("data", {})}}
    classes = list(dict.fromkeys(_classes(old) + _classes(new)))
    merged["classes"] = " ".join(classes)
    if "position" in old and "position" not in new:
        merged["position"] = old["position"]
    return merged


def restore_classes(elements: Iterable[dict]) -> list[dict]:
    """The elements with ``classes`` taken back from ``data._classes`` where the browser dropped them."""
    return [e if "classes" in e or "_classes" not in e.get("data", {}) else {**e, "classes": e["data"]["_classes"]}
            for e in elements]


def _mirrored(elements: Iterable[dict]) -> list[dict]:
    out = []
    for e in elements:
        classes = e.get("classes") or ""
        out.append(e if e["data"].get("_classes") == classes and "classes" in e
                   else {**e, "classes": classes, "data": {**e["data"], "_classes": classes}})
    return out


def _without_dangling(elements: list[dict]) -> list[dict]:
    nodes = node_ids(elements)
    return [e for e in elements if is_node(e) or (e["data"]["source"] in nodes and e["data"]["target"] in nodes)]


def apply(elements: list[dict], ch: dict[str, Any]) -> list[dict]:
    """The view after ``ch``; raises ``ViewTooBig`` (view unchanged) past ``MAX_NODES`` nodes.

    >>> a = {"data": {"id": "a", "label": "A"}, "classes": "Person"}
    >>> b = {"data": {"id": "b"}}
    >>> ab = {"data": {"id": "r", "source": "a", "target": "b"}}
    >>> v = apply([], change("add", elements=[a, b, ab]))
    >>> [e["data"]["id"] for e in apply(v, change("remove", ids=["b"]))]
    ['a']
    >>> apply(v, change("mark", cls="path", ids=["a"]))[0]["classes"]
    'Person path'
    """
    op = ch.get("op")
    elements = restore_classes(elements)
    if op == "clear":
        return []
    if op == "replace":
        out = _without_dangling(restore_classes(ch.get("elements") or []))
    elif op == "add":
        index = {e["data"]["id"]: i for i, e in enumerate(elements)}
        out = list(elements)
        for e in restore_classes(ch.get("elements") or []):
            i = index.get(e["data"]["id"])
            if i is None:
                index[e["data"]["id"]] = len(out)
                out.append(e)
            else:
                out[i] = _merge(out[i], e)
        out = _without_dangling(out)
    elif op == "remove":
        gone = set(ch.get("ids") or [])
        out = _without_dangling([e for e in elements if e["data"]["id"] not in gone])
    elif op == "keep":
        kept = set(ch.get("ids") or [])
        out = _without_dangling([e for e in elements if not is_node(e) or e["data"]["id"] in kept])
    elif op == "mark":
        cls, marked = ch["cls"], set(ch.get("ids") or [])
        out = []
        for e in elements:
            classes = [c for c in _classes(e) if c != cls] + ([cls] if e["data"]["id"] in marked else [])
            out.append({**e, "classes": " ".join(classes)})
    elif op == "toggle":
        cls, flipped = ch["cls"], set(ch.get("ids") or [])
        out = []
        for e in elements:
            classes = _classes(e)
            if e["data"]["id"] in flipped:
                classes = [c for c in classes if c != cls] if cls in classes else classes + [cls]
            out.append({**e, "classes": " ".join(classes)})
    elif op == "score":
        key, values = ch["key"], {k: float(v) for k, v in (ch.get("values") or {}).items()}
        low, high = (min(values.values()), max(values.values())) if values else (0.0, 0.0)
        span = (high - low) or 1.0
        out = []
        for e in elements:
            stale = (key, "size", "score_name", e["data"].get("score_name"))
            data = {k: v for k, v in e["data"].items() if k not in stale}
            if is_node(e) and data["id"] in values:
                data.update({key: values[data["id"]], "size": (values[data["id"]] - low) / span, "score_name": key})
            out.append({**e, "data": data})
    elif op == "paint":
        fields, values = list(ch["fields"]), ch.get("values") or {}
        if set(fields) & _OWN_FIELDS:
            raise ValueError(f"paint cannot overwrite {sorted(set(fields) & _OWN_FIELDS)}")
        out = []
        for e in elements:
            data = {k: v for k, v in e["data"].items() if k not in fields}
            if is_node(e) and data["id"] in values:
                data.update({f: v for f, v in values[data["id"]].items() if f in fields})
            out.append({**e, "data": data})
    else:
        raise ValueError(f"unknown view change {op!r}")
    if ch.get("then"):
        out = apply(out, ch["then"])
    n = len(node_ids(out))
    if n > MAX_NODES and n > len(node_ids(elements)):
        raise ViewTooBig(f"that would draw {n:,} entities; the canvas shows at most {MAX_NODES:,}. "
                         "Narrow the query (a type, a time window, fewer hops) or remove some first.")
    return _mirrored(out)
