"""The one door to Neo4j: a driver created once from :class:`~graph.config.Settings`, passed in.

Reads go through read routing (so a ``neo4j://`` cluster URI works), writes through write transactions
in ``UNWIND`` batches. Every method returns plain Python values; driver errors become
:class:`~graph.errors.StoreUnavailable` or :class:`~graph.errors.ChokepointError`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

import neo4j
from neo4j import GraphDatabase, NotificationMinimumSeverity, RoutingControl
from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from graph import schema
from graph.config import Settings
from graph.errors import ChokepointError, NotReadOnly, StoreUnavailable
from graph.values import cell

__all__ = ["Store", "BATCH_SIZE"]

BATCH_SIZE = 10_000
_ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
_KINDS = {"rw": "a read-write query", "w": "a write query", "s": "a schema change"}
_COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
             "properties_set", "labels_added", "constraints_added", "indexes_added")


class Store:
    """A Neo4j database reached through one driver."""

    def __init__(self, driver: neo4j.Driver, database: str, settings: Settings | None = None):
        self.driver = driver
        self.database = database
        self.settings = settings

    @classmethod
    def connect(cls, settings: Settings, verify: bool = True) -> Store:
        driver = GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password), user_agent="chokepoint",
            connection_acquisition_timeout=15, max_transaction_retry_time=15,
            # server notifications (e.g. "property key does not exist" before the first merge decision)
            # are hints for query authors, not messages for users
            notifications_min_severity=NotificationMinimumSeverity.OFF,
        )
        store = cls(driver, settings.database, settings)
        if verify:
            with _translated(settings.uri):
                driver.verify_connectivity()
        return store

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def where(self) -> str:
        return self.settings.uri if self.settings else "neo4j"

    # -- reading -----------------------------------------------------------------------------
    def read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read query (read routing) and return its records as dicts."""
        with _translated(self.where):
            return self.driver.execute_query(
                query, params, routing_=RoutingControl.READ, database_=self.database,
                result_transformer_=lambda result: [record.data() for record in result],
            )

    def read_only(self, query: str, params: dict[str, Any] | None = None,
                  limit: int = 1000) -> tuple[list[str], list[list[Any]], bool]:
        """Run analyst-supplied Cypher that must not write: ``(columns, rows, capped)``.

        Twice guarded: the statement is planned with ``EXPLAIN`` and refused with :class:`NotReadOnly`
        unless Neo4j plans it as a read query (``query_type`` ``'r'``); then it runs in a READ
        access-mode transaction, where the server refuses any write. At most ``limit`` rows are kept
        (``capped`` says more were there); values are JSON-friendly (:func:`graph.values.cell`).
        """
        params = dict(params or {})

        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]], bool]:
            kind = _planned_kind(tx, query, params)
            if kind != "r":
                raise NotReadOnly(f"it is not read-only (Neo4j plans it as {_KINDS.get(kind, repr(kind))})")
            result = tx.run(query, params)
            columns, rows, capped = list(result.keys()), [], False
            for record in result:
                if len(rows) == limit:
                    capped = True
                    break
                rows.append([cell(v) for v in record.values()])
            return columns, rows, capped

        try:
            with _translated(self.where), self.driver.session(
                    database=self.database, default_access_mode=neo4j.READ_ACCESS,
                    fetch_size=min(limit + 1, 1000)) as session:
                return session.execute_read(work)
        except ChokepointError as err:
            if isinstance(err.__cause__, ClientError) and err.__cause__.code == _ACCESS_MODE:
                raise NotReadOnly(f"it tried to write (Neo4j: {err.__cause__.message})") from err.__cause__
            raise

    # -- writing -----------------------------------------------------------------------------
    def write(self, query: str, **params: Any) -> Counter:
        """Run one write query; return its update counters."""
        with _translated(self.where):
            summary = self.driver.execute_query(
                query, params, routing_=RoutingControl.WRITE, database_=self.database
            ).summary
        return _counters(summary)

    def write_batches(
        self,
        query: str,
        rows: Iterable[dict[str, Any]],
        batch_size: int = BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
        **params: Any,
    ) -> Counter:
        """Run ``query`` (which starts ``UNWIND $rows AS row``) once per batch, each in its own transaction."""
        total: Counter = Counter()

        def work(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]]) -> Counter:
            return _counters(tx.run(query, {**params, "rows": batch}).consume())

        with _translated(self.where), self.driver.session(database=self.database) as session:
            for batch in _chunks(rows, batch_size):
                total += session.execute_write(work, batch)
                if progress:
                    progress(len(batch))
        return total

    def ensure_schema(self) -> tuple[int, int]:
        """Create the schema's constraints and indexes if missing; return ``(created, already_there)``."""
        statements = schema.constraint_statements()
        created = 0
        for statement in statements:
            counters = self.write(statement)
            created += counters["constraints_added"] + counters["indexes_added"]
        self.write("CALL db.awaitIndexes(300)")
        return created, len(statements) - created

    # -- facts -------------------------------------------------------------------------------
    def server_info(self) -> dict[str, str]:
        rows = self.read("CALL dbms.components() YIELD name, versions, edition "
                         "RETURN name, versions[0] AS version, edition")
        return rows[0] if rows else {}

    def counts(self) -> dict[str, dict[str, int]]:
        """Node counts by schema label and relationship counts by type (from Neo4j's count store)."""
        node_parts = [f"MATCH (n:{schema.label(lab)}) RETURN {i} AS i, count(n) AS n"
                      for i, lab in enumerate(schema.SCHEMA.nodes)]
        rel_parts = [f"MATCH ()-[r:{schema.rel_type(t)}]->() RETURN {i} AS i, count(r) AS n"
                     for i, t in enumerate(schema.SCHEMA.relationships)]
        labels = self.read(" UNION ALL ".join(node_parts))
        rels = self.read(" UNION ALL ".join(rel_parts))
        node_names, rel_names = list(schema.SCHEMA.nodes), list(schema.SCHEMA.relationships)
        return {"labels": {node_names[r["i"]]: r["n"] for r in labels if r["n"]},
                "relationships": {rel_names[r["i"]]: r["n"] for r in rels if r["n"]}}


def _planned_kind(tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]) -> str:
    """What Neo4j plans ``query`` as: 'r' (read), 'rw', 'w' (write) or 's' (schema)."""
    return tx.run("EXPLAIN " + query, params).consume().query_type


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


def _counters(summary: neo4j.ResultSummary) -> Counter:
    c = summary.counters
    return Counter({name: getattr(c, name) for name in _COUNTERS if getattr(c, name)})


@contextmanager
def _translated(where: str) -> Iterator[None]:
    """Turn driver errors into the project's own."""
    try:
        yield
    except AuthError as err:
        raise StoreUnavailable(f"Neo4j at {where} refused the credentials: {err.message}") from err
    except (ServiceUnavailable, SessionExpired) as err:
        raise StoreUnavailable(f"Neo4j at {where} is unreachable: {err}") from err
    except ClientError as err:
        raise ChokepointError(f"Neo4j rejected the query: {err.message}") from err
    except (Neo4jError, DriverError) as err:
        raise ChokepointError(f"Neo4j error: {err}") from err
