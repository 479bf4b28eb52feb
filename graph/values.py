"""Converting Neo4j values to plain Python and to JSON-safe values."""

from __future__ import annotations

import json

import datetime as dt
from decimal import Decimal
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

__all__ = ["plain", "jsonable", "cell", "cell_text", "json_default", "display_text", "instant_text"]


def plain(value: Any) -> Any:
    """Neo4j temporal values to Python ones; lists element-wise; anything else unchanged."""
    if isinstance(value, (Date, DateTime, Time)):
        return value.to_native()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def instant_text(value: Any) -> str | None:
    """A recorded instant as fixed-width UTC text to the millisecond, so its text sorts as the instant does.

    Neo4j's ``toString`` drops trailing zeros (``11.3Z`` for ``11.300Z``), and its text then sorts
    after ``11.371Z``. None stays None.

    >>> instant_text(DateTime(2026, 12, 4, 17, 24, 11, 300_000_000, tzinfo=dt.timezone.utc))
    '2026-12-04T17:24:11.300Z'
    >>> instant_text(None) is None
    True
    """
    if value is None:
        return None
    value = plain(value)
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return value.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def jsonable(value: Any) -> Any:
    """Like :func:`plain`, with dates and times as ISO strings (for the app and JSON output)."""
    value = plain(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def cell(value: Any, node_ids: dict[str, Any] | None = None) -> Any:
    """A query result value made JSON-friendly: nodes as their properties (``id`` among them) with
    ``_labels``; relationships as their properties with ``_type`` and the entity ids of their ends
    (``_start``, ``_end``); paths as ``{"nodes": [...], "relationships": [...]}``; lists and maps
    element-wise; anything else through :func:`jsonable`.

    A relationship returned without its end nodes knows only their element ids; ``node_ids`` (element
    id to entity id, e.g. looked up by the caller) supplies their ``id`` then.
    """
    if isinstance(value, Node):
        labels = sorted(label for label in value.labels if label != "Entity")
        return {"_labels": labels, **jsonable(dict(value))}
    if isinstance(value, Relationship):
        ends = []
        for node in (value.start_node, value.end_node):
            end = None if node is None else node.get("id")
            if end is None and node is not None and node_ids:
                end = node_ids.get(node.element_id)
            ends.append(end)
        return {"_type": value.type, "_start": ends[0], "_end": ends[1], **jsonable(dict(value))}
    if isinstance(value, Path):
        return {"nodes": [cell(n, node_ids) for n in value.nodes],
                "relationships": [cell(r, node_ids) for r in value.relationships]}
    if isinstance(value, list):
        return [cell(v, node_ids) for v in value]
    if isinstance(value, dict):
        return {k: cell(v, node_ids) for k, v in value.items()}
    value = jsonable(value)
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)  # e.g. spatial points


def cell_text(value: Any, *, typed: bool = False) -> str | None:
    """A value as the text of one cell, by one of two rules the caller names.

    - A query result (a :func:`cell` value) written to CSV, the default: null as an empty cell, a list
      item by item joined by ';', a map (a node too) as JSON, anything else as Python writes it.
    - ``typed=True``, a value the loaders read from a cell of a file, as the text a person would have
      typed in it: ``None`` when there is none (null, ``""``, an empty list), so a blank cell stays
      missing; integral numbers without a decimal point (a spreadsheet's 12.0 is ``12``); dates in ISO
      form, midnight left out; a list of scalars joined by ';' without its empty items; a list holding
      lists or maps, and a map, as JSON.

    >>> [cell_text(v) for v in (None, "", True, ["a", None, 1], {"k": 2}, 2.5, 12.0)]
    ['', '', 'true', 'a;;1', '{"k": 2}', '2.5', '12.0']
    >>> [cell_text(v, typed=True) for v in (None, "", " a ", 12, 12.0, 12.5, True, Decimal("1.50"), [1, None, "b"])]
    [None, None, ' a ', '12', '12', '12.5', 'true', '1.50', '1;b']
    >>> cell_text(dt.datetime(2024, 3, 5), typed=True), cell_text(dt.datetime(2024, 3, 5, 8, 30), typed=True)
    ('2024-03-05', '2024-03-05T08:30:00')
    """
    if value is None or isinstance(value, str):
        return value or (None if typed else "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if not typed:
        if isinstance(value, list):
            return ";".join(cell_text(v) for v in value)
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, default=str)
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace") or None
    if isinstance(value, list | tuple) and not any(isinstance(v, list | tuple | dict) for v in value):
        return ";".join(t for t in (cell_text(v, typed=True) for v in value) if t is not None) or None
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    return str(value)


def json_default(value: Any) -> Any:
    """Let ``json.dumps`` write what the file readers return (Decimal, dates, bytes): a finite Decimal
    as a number, anything else as its typed :func:`cell_text`.

    >>> json.dumps([Decimal("1.5"), Decimal("2"), dt.date(2024, 3, 5)], default=json_default)
    '[1.5, 2, "2024-03-05"]'
    """
    if isinstance(value, Decimal) and value.is_finite():
        return int(value) if value == value.to_integral_value() else float(value)
    return cell_text(value, typed=True)


def display_text(value: Any) -> str:
    """A :func:`cell` value as a person reads it in a table: a node as its caption and label, a
    relationship as its type, a path as its chain of captions with each link's type and direction; the
    rest as in :func:`cell_text`.

    >>> ana = {"_labels": ["Person"], "id": "p1", "caption": "Ana"}
    >>> phone = {"_labels": ["Phone"], "id": "f1", "caption": "+5255"}
    >>> display_text([ana, {"_type": "USES", "_start": "p1", "_end": "f1"}])
    'Ana (Person); USES'
    >>> display_text({"nodes": [phone, ana], "relationships": [{"_type": "USES", "_start": "p1", "_end": "f1"}]})
    '+5255 <-USES- Ana'
    """
    if isinstance(value, dict) and "_labels" in value:
        label = (value["_labels"] or ["Entity"])[0]
        return f"{value.get('caption') or value.get('name') or value.get('id', '?')} ({label})"
    if isinstance(value, dict) and "_type" in value:
        return str(value["_type"])
    if isinstance(value, dict) and set(value) == {"nodes", "relationships"}:
        nodes = value["nodes"]
        words = [_caption(nodes[0])] if nodes else []
        for i, rel in enumerate(value["relationships"]):
            forward = rel.get("_start") == nodes[i].get("id")
            words.append(f"-{rel.get('_type')}->" if forward else f"<-{rel.get('_type')}-")
            words.append(_caption(nodes[i + 1]))
        return " ".join(words)
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return "; ".join(display_text(v) for v in value)
    return cell_text(value)


def _caption(node: dict) -> str:
    return str(node.get("caption") or node.get("name") or node.get("id", "?"))
