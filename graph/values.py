"""Converting Neo4j values to plain Python and to JSON-safe values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.time import Date, DateTime, Duration, Time

__all__ = ["plain", "jsonable", "cell"]


def plain(value: Any) -> Any:
    """Neo4j temporal values to Python ones; lists element-wise; anything else unchanged."""
    if isinstance(value, (Date, DateTime, Time)):
        return value.to_native()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


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


def cell(value: Any) -> Any:
    """A query result value made JSON-friendly: nodes and relationships as their properties (with
    ``_labels`` / ``_type``), paths as lists of them, anything else through :func:`jsonable`."""
    if isinstance(value, Node):
        labels = sorted(label for label in value.labels if label != "Entity")
        return {"_labels": labels, **jsonable(dict(value))}
    if isinstance(value, Relationship):
        return {"_type": value.type, **jsonable(dict(value))}
    if isinstance(value, Path):
        return {"nodes": [cell(n) for n in value.nodes], "relationships": [cell(r) for r in value.relationships]}
    if isinstance(value, list):
        return [cell(v) for v in value]
    if isinstance(value, dict):
        return {k: cell(v) for k, v in value.items()}
    value = jsonable(value)
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    return str(value)  # e.g. spatial points
