"""Analysts' Cypher: list, show and run saved queries with their parameters, and run ad-hoc Cypher, all
read-only (``chokepoint query ...``, ``chokepoint cypher`` and the Queries tab).

Splitting ``key=value`` text stays with the front end; this takes a mapping of names to values. The
query layer's types ``SavedQuery``, ``Param``, ``QueryResult`` and its errors (``SavedQueryError``,
``ParameterError``, ...) are re-exported here on purpose: they are part of this use-case layer's public
surface, so the front ends name them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chokepoint.graph.store import Store
from chokepoint.queries import saved as _saved
from chokepoint.queries.saved import (DEFAULT_LIMIT, DEFAULT_TIMEOUT, NotReadOnly, Param, ParameterError,
                                      QueryFileError, QueryResult, QueryTimeout, SavedQuery, SavedQueryError,
                                      UnknownQuery)

__all__ = ["SavedQuery", "Param", "QueryResult", "SavedQueryError", "QueryFileError", "ParameterError",
           "NotReadOnly", "UnknownQuery", "QueryTimeout", "DEFAULT_LIMIT", "DEFAULT_TIMEOUT",
           "saved_queries", "saved_query", "run_saved", "run_cypher", "cypher_params"]


def saved_queries(search: str | None = None, tag: str | None = None) -> list[SavedQuery]:
    """The saved queries (built in, and in $CHOKEPOINT_QUERIES, which replace built-in ones by name),
    only those with ``tag`` and whose name, title, description or tags contain ``search`` when given."""
    return _saved.saved_queries(search=search, tag=tag)


def saved_query(name: str) -> SavedQuery:
    """One saved query by name, with its header, parameters and Cypher. Raises :class:`UnknownQuery`."""
    return _saved.get(name)


def run_saved(store: Store, query: SavedQuery | str, params: Mapping[str, Any] | None = None,
              limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run a saved query (or the one of that name) read-only with ``params`` (text or typed values; missing
    ones take their defaults): at most ``limit`` rows, stopped after ``timeout`` seconds."""
    return _saved.run(store, query, params, limit=limit, timeout=timeout)


def run_cypher(store: Store, cypher: str, params: Mapping[str, Any] | None = None,
               limit: int = DEFAULT_LIMIT, timeout: float = DEFAULT_TIMEOUT) -> QueryResult:
    """Run one ad-hoc Cypher statement through the same read-only runner; every ``$parameter`` it uses must
    be in ``params`` and every one given must be used (:class:`ParameterError` otherwise)."""
    return _saved.run_cypher(store, cypher, params, limit=limit, timeout=timeout)


def cypher_params(raw: Mapping[str, str]) -> dict[str, Any]:
    """Typed values for ad-hoc Cypher from text: JSON numbers and booleans become numbers and booleans, a
    JSON string the text inside, anything else (dates included) the text as it is.

    >>> cypher_params({"n": "3", "d": "2024-03-01", "s": '"2504"'})
    {'n': 3, 'd': '2024-03-01', 's': '2504'}
    """
    return _saved.cypher_params(raw)
