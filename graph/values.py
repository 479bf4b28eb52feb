"""Converting Neo4j values to plain Python and to JSON-safe values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from neo4j.time import Date, DateTime, Duration, Time

__all__ = ["plain", "jsonable"]


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
