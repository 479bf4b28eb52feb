"""Driver faults: transient ones are retried by the driver's managed transactions (every query goes
through one), permanent ones become one clear message naming the server, never a driver traceback."""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest

from chokepoint.graph import local
from chokepoint.graph.config import Settings
from chokepoint.graph.errors import StoreUnavailable
from chokepoint.graph.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_every_query_runs_in_a_managed_transaction():
    """Auto-commit ``session.run`` is not retried by the driver; ``execute_query`` and
    ``session.execute_read/write`` are (transient errors, lost connections, leader switches)."""
    offenders = []
    for pkg in ("graph", "loaders", "queries", "app", "synthetic"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "run" \
                        and "session" in ast.unparse(node.func.value).lower():
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_a_server_that_is_not_there_is_one_clear_message():
    uri = f"bolt://127.0.0.1:{local.free_port()}"          # nothing listens there
    with pytest.raises(StoreUnavailable, match=rf"^Neo4j at {uri} is unreachable"):
        Store.connect(Settings(uri, "neo4j", "x"))
    store = Store.connect(Settings(uri, "neo4j", "x", retry_seconds=1), verify=False)  # a short retry
    started = time.monotonic()
    try:
        with pytest.raises(StoreUnavailable, match=rf"^Neo4j at {uri} is unreachable") as caught:
            store.read("RETURN 1 AS one")
    finally:
        store.close()
    # retried (the driver's managed transaction) for a bounded time, then given up with the cause kept
    assert time.monotonic() - started < 60
    assert caught.value.__cause__ is not None and "Traceback" not in str(caught.value)
    assert store.reachable() is not None


def test_wrong_credentials_are_one_clear_message(neo4j_settings):
    with pytest.raises(StoreUnavailable, match=rf"^Neo4j at {neo4j_settings.uri} refused the credentials"):
        Store.connect(Settings(neo4j_settings.uri, neo4j_settings.user, neo4j_settings.password + "-wrong"))


def test_a_connection_breaking_mid_message_is_unavailable_not_a_traceback():
    """The driver raises BufferError when a connection breaks while it holds a buffer (seen when Neo4j
    restarts under the app); users get the same message kind as any outage."""
    from chokepoint.graph.store import _translated

    with pytest.raises(StoreUnavailable, match=r"bolt://x:1: the connection broke mid-message"):
        with _translated("bolt://x:1"):
            raise BufferError("Existing exports of data: object cannot be re-sized")
