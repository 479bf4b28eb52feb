"""The one door to Neo4j: a driver created once from :class:`~graph.config.Settings`, passed in.

Reads go through read routing (so a ``neo4j://`` cluster URI works), writes through write transactions
in ``UNWIND`` batches. The first write of a store makes sure the schema's constraints and indexes are
there (:meth:`Store.ensure_schema_once`): a database nobody ran ``chokepoint schema apply`` on gets them
before anything is written, or the write is refused in one line. Every method returns plain Python values; driver errors become
:class:`~graph.errors.StoreUnavailable` or :class:`~graph.errors.ChokepointError`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any, NamedTuple

import re
import threading

import neo4j
from neo4j import GraphDatabase, NotificationMinimumSeverity, RoutingControl
from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from chokepoint.graph import readonly, record_cap, schema
from chokepoint.graph.config import Settings
from chokepoint.graph.errors import ChokepointError, NotReadOnly, QueryTimeout, SchemaMissing, StoreUnavailable
from chokepoint.graph.values import cell

__all__ = ["Store", "BATCH_SIZE", "MAX_RESULT_BYTES", "ReadOnlyResult"]

BATCH_SIZE = 10_000
#: About how many bytes of values :meth:`Store.read_only` returns at most (16 MiB)
MAX_RESULT_BYTES = 16 * 2**20
_ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"
_KINDS = {"rw": "a read-write query", "w": "a write query", "s": "a schema change"}
_COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created", "relationships_deleted",
             "properties_set", "labels_added", "constraints_added", "indexes_added")


class ReadOnlyResult(NamedTuple):
    """What :meth:`Store.read_only` returns."""

    columns: list[str]
    rows: list[list[Any]]
    capped: bool                      # rows were left out (by the row limit or the byte cap)
    graph: dict[str, list[dict[str, Any]]]
    byte_cap: int                     # the byte cap when it stopped the reading, else 0


class Store:
    """A Neo4j database reached through one driver."""

    def __init__(self, driver: neo4j.Driver, database: str, settings: Settings | None = None):
        self.driver = driver
        self.database = database
        self.settings = settings
        #: constraints and indexes the first write found missing and created (None: no write yet)
        self.schema_created: int | None = None
        self._schema_lock = threading.Lock()

    @classmethod
    def connect(cls, settings: Settings, verify: bool = True) -> Store:
        driver = GraphDatabase.driver(
            settings.uri, auth=(settings.user, settings.password), user_agent="chokepoint",
            connection_acquisition_timeout=15, max_transaction_retry_time=settings.retry_seconds,
            connection_timeout=settings.connect_seconds,
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

    def reachable(self) -> str | None:
        """None when Neo4j answers now; else why not (one attempt, no retries, for health checks)."""
        try:
            self.driver.verify_connectivity()
        except Exception as err:  # any failure to reach the server is the answer, not an error here
            return f"{type(err).__name__}: {str(err).splitlines()[0][:200] if str(err) else ''}"
        return None

    # -- reading -----------------------------------------------------------------------------
    def read(self, query: str, timeout_: float | None = None, **params: Any) -> list[dict[str, Any]]:
        """Run a read query (read routing) and return its records as dicts.

        With ``timeout_`` (seconds), Neo4j stops the query after that long and
        :class:`~graph.errors.QueryTimeout` says so.
        """
        statement = query if timeout_ is None else neo4j.Query(query, timeout=timeout_)
        try:
            with _translated(self.where):
                return self.driver.execute_query(
                    statement, params, routing_=RoutingControl.READ, database_=self.database,
                    result_transformer_=lambda result: [record.data() for record in result],
                )
        except ChokepointError as err:
            cause = err.__cause__
            if timeout_ is not None and isinstance(cause, Neo4jError) and (cause.code or "").startswith(_TIMED_OUT):
                raise QueryTimeout(f"it ran longer than the {timeout_:g} s timeout and Neo4j stopped it") from cause
            raise

    def read_only(self, query: str, params: dict[str, Any] | None = None, limit: int = 1000,
                  timeout: float = 30.0, max_bytes: int = MAX_RESULT_BYTES) -> ReadOnlyResult:
        """Run analyst-supplied Cypher that must not write: ``(columns, rows, capped, graph, byte_cap)``.

        Guarded before it runs (:mod:`graph.readonly`): administration commands are refused by statement
        type; every procedure and function the text names, and every one in the ``EXPLAIN`` plan's
        operators, must be on the allow-list (whatever wraps it); the plan must be a read query
        (``query_type`` ``'r'``) made only of read operators (no ``LOAD CSV``, no ``CALL { ... } IN
        TRANSACTIONS``, no ``SHOW``/``TERMINATE``). Refusals raise :class:`NotReadOnly` naming what was
        refused. Then it runs in a READ access-mode transaction, where the server refuses any write, and
        Neo4j stops it after ``timeout`` seconds (:class:`QueryTimeout`).

        At most ``limit`` rows are kept (``capped`` says more were there; the rest is discarded by the
        server), and at most about ``max_bytes`` of values: reading stops before the row that would pass
        it, and ``byte_cap`` is then ``max_bytes`` (else 0). Values are JSON-friendly
        (:func:`graph.values.cell`: relationships carry the entity ids of their ends as ``_start`` /
        ``_end``). ``graph`` is ``{"nodes": [...], "edges": [...]}``: every node, relationship and path
        element anywhere in the rows, once each (by ``id``), plus the end nodes of relationships returned
        without them, so the result can be drawn. Error messages carry no server paths or URLs.
        """
        params = dict(params or {})
        if not timeout or timeout <= 0:
            raise ChokepointError(f"the timeout must be more than 0 seconds, got {timeout!r}")

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> ReadOnlyResult:
            refusal = _refusal(tx, query, params)
            if refusal:
                raise NotReadOnly(refusal)
            columns, records, capped, byte_cap, size = [], [], False, 0, 0
            try:  # a record whose bytes alone pass the cap is cut off before the driver decodes it
                with record_cap.capped_records(tx, max_bytes + _RECORD_SLACK):
                    result = tx.run(query, params)
                    columns = list(result.keys())
                    for record in result:
                        if len(records) == limit:
                            capped = True
                            break
                        values = record.values()
                        size = _approx_size(values, size, max_bytes)
                        if size > max_bytes:
                            capped, byte_cap = True, max_bytes
                            break
                        records.append(values)
                    result.consume()                       # the server discards the rest
            except record_cap.RecordTooLarge:  # the connection is closed: the rows so far, no more queries
                raise _CutOff(_result(columns, records, True, max_bytes, None)) from None
            return _result(columns, records, capped, byte_cap, tx)

        try:
            with _translated(self.where), self.driver.session(
                    database=self.database, default_access_mode=neo4j.READ_ACCESS,
                    fetch_size=min(limit + 1, 1000)) as session:
                return session.execute_read(work)
        except _CutOff as cut:
            return cut.result
        except NotReadOnly:
            raise
        except ChokepointError as err:
            cause = err.__cause__
            if isinstance(cause, Neo4jError) and (cause.code or "").startswith(_TIMED_OUT):
                raise QueryTimeout(f"it ran longer than the {timeout:g} s timeout and Neo4j stopped it") from cause
            if isinstance(cause, ClientError) and (cause.code == _ACCESS_MODE or (
                    cause.code == _FORBIDDEN and "overridden by READ" in (cause.message or ""))):
                raise NotReadOnly(f"it tried to write (Neo4j: {readonly.scrub(_first_line(cause.message))})") from cause
            if isinstance(err, StoreUnavailable):
                raise
            if isinstance(cause, Neo4jError):
                said = _unprefixed(readonly.scrub(_first_line(cause.message or str(cause))))
                raise ChokepointError(f"Neo4j rejected the query: {said}") from cause
            raise ChokepointError(readonly.scrub(str(err))) from cause

    # -- writing -----------------------------------------------------------------------------
    def write(self, query: str, **params: Any) -> Counter:
        """Run one write query; return its update counters. The schema is made sure of first."""
        self.ensure_schema_once()
        return self._write(query, **params)

    def _write(self, query: str, **params: Any) -> Counter:
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
        """Run ``query`` (which starts ``UNWIND $rows AS row``) once per batch, each in its own transaction.
        The schema is made sure of first."""
        self.ensure_schema_once()
        total: Counter = Counter()

        def work(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]]) -> Counter:
            return _counters(tx.run(query, {**params, "rows": batch}).consume())

        with _translated(self.where), self.driver.session(database=self.database) as session:
            for batch in _chunks(rows, batch_size):
                total += session.execute_write(work, batch)
                if progress:
                    progress(len(batch))
                # The driver's finished result keeps its parameters, in a reference cycle that only a
                # full garbage collection frees; emptied, the batch's rows go now.
                batch.clear()
        return total

    def ensure_schema(self) -> tuple[int, int]:
        """Create the schema's constraints and indexes if missing; return ``(created, already_there)``."""
        statements = schema.constraint_statements()
        created = 0
        for statement in statements:
            counters = self._write(statement)
            created += counters["constraints_added"] + counters["indexes_added"]
        self._write("CALL db.awaitIndexes(300)")
        return created, len(statements) - created

    def missing_schema(self) -> list[str]:
        """Names of the schema's constraints and indexes (``graph.schema.constraint_statements``) that the
        database does not have, in the schema's order; empty when all are there."""
        constraints = {r["name"] for r in self.read("SHOW CONSTRAINTS YIELD name RETURN name")}
        indexes = {r["name"] for r in self.read("SHOW INDEXES YIELD name RETURN name")}
        missing = []
        for statement in schema.constraint_statements():
            kind, name = _DDL_NAME.match(statement).groups()
            if name not in (constraints if kind == "CONSTRAINT" else indexes):
                missing.append(name)
        return missing

    def ensure_schema_once(self) -> None:
        """Before this store's first write: create what the schema's constraints and indexes lack.

        Cheap when they are there (two ``SHOW`` reads, once per store); otherwise the idempotent
        ``CREATE ... IF NOT EXISTS`` statements run (:meth:`ensure_schema`) and ``schema_created`` says
        how many were made. When they cannot be made (no schema privilege, data that breaks a
        constraint), :class:`~graph.errors.SchemaMissing` refuses the write in one line.
        """
        if self.schema_created is not None:
            return
        with self._schema_lock:
            if self.schema_created is not None:
                return
            try:
                missing = self.missing_schema()
            except StoreUnavailable:
                raise
            except ChokepointError:  # not allowed to list them: create them (IF NOT EXISTS), or be refused
                missing = [_DDL_NAME.match(s).group(2) for s in schema.constraint_statements()]
            created = 0
            if missing:
                try:
                    created, _ = self.ensure_schema()
                except StoreUnavailable:
                    raise
                except ChokepointError as err:
                    cause = err.__cause__
                    said = cause.message if isinstance(cause, Neo4jError) and cause.message else str(err)
                    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                    raise SchemaMissing(
                        f"nothing written: the database lacks {len(missing)} of the schema's constraints and "
                        f"indexes ({shown}) and they could not be created (Neo4j: {' '.join(said.split())}); "
                        "fix that, then run `chokepoint schema apply`") from err
            self.schema_created = created

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


#: ``CREATE [FULLTEXT] CONSTRAINT|INDEX name IF NOT EXISTS``: the kind and the name of a schema statement
_DDL_NAME = re.compile(r"CREATE (?:FULLTEXT |RANGE |TEXT |POINT )?(CONSTRAINT|INDEX) (\w+) IF NOT EXISTS")
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"   # ...ClientConfiguration in Neo4j 5
_FORBIDDEN = "Neo.ClientError.Security.Forbidden"


def _refusal(tx: neo4j.ManagedTransaction, query: str, params: dict[str, Any]) -> str | None:
    """Why ``query`` may not run read-only, or None when it may (:mod:`graph.readonly`).

    The text first (statement type, the names it calls: refused before the server sees them, so an
    unknown procedure is named, not reported missing), then the ``EXPLAIN`` plan: the query type (Neo4j
    plans a WRITE procedure as ``rw``, a SCHEMA or DBMS one as ``s``), every operator, every name called.
    """
    refusal = readonly.text_refusal(query)
    if refusal:
        return refusal
    summary = tx.run("EXPLAIN " + query, params).consume()
    kind = summary.query_type
    if kind != "r":
        return f"it is not read-only (Neo4j plans it as {_KINDS.get(kind, repr(kind))})"
    return readonly.plan_refusal(_plan_operators(summary.plan or {}))


def _plan_operators(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """``(operator, details)`` for every operator of an ``EXPLAIN`` plan, without the ``@neo4j`` suffix."""
    args = plan.get("args") or plan.get("arguments") or {}
    yield str(plan.get("operatorType", "")).split("@", 1)[0], str(args.get("Details", ""))
    for child in plan.get("children") or ():
        yield from _plan_operators(child)


def _first_line(message: str | None) -> str:
    return (message or "").strip().splitlines()[0] if (message or "").strip() else ""


def _unprefixed(message: str) -> str:
    """A syntax error's position in the analyst's text, not in ``EXPLAIN `` + the text.

    >>> _unprefixed("Invalid input '': expected an expression (line 1, column 19 (offset: 18))")
    "Invalid input '': expected an expression (line 1, column 11 (offset: 10))"
    """
    def moved(m: re.Match) -> str:
        line, column, offset = int(m.group(1)), int(m.group(2)), int(m.group(3))
        shift = len("EXPLAIN ")
        return (f"(line {line}, column {column - shift if line == 1 else column} "
                f"(offset: {max(offset - shift, 0)}))")
    return re.sub(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)", moved, message)


#: bytes a record's Bolt message may hold beyond the result's byte cap (the message's own framing)
_RECORD_SLACK = 64 * 1024


class _CutOff(Exception):
    """Carries a read-only result out of its transaction function when a record over the byte cap closed
    the connection (not a driver error, so the driver does not run the query again)."""

    def __init__(self, result: ReadOnlyResult) -> None:
        super().__init__("cut off")
        self.result = result


def _result(columns: list[str], records: list[list[Any]], capped: bool, byte_cap: int,
            tx: neo4j.ManagedTransaction | None) -> ReadOnlyResult:
    """The rows as JSON-friendly values and the graph they draw; with ``tx``, the end nodes of
    relationships returned without them are read too."""
    nodes, edges = _graph_elements(records)
    ends = _missing_ends(tx, edges.values()) if tx is not None else {}
    node_ids = {eid: node.get("id") for eid, node in ends.items()}
    for node in ends.values():
        nodes.setdefault(_element_key(node), node)
    rows = [[cell(v, node_ids) for v in values] for values in records]
    graph = {"nodes": [cell(n) for n in nodes.values()], "edges": [cell(r, node_ids) for r in edges.values()]}
    return ReadOnlyResult(columns, rows, capped, graph, byte_cap)


def _approx_size(values: Any, size: int, limit: int) -> int:
    """``size`` plus about how many bytes of JSON ``values`` make; stops counting once past ``limit``."""
    stack = [values]
    while stack and size <= limit:
        value = stack.pop()
        if isinstance(value, str):
            size += len(value) + 3
        elif isinstance(value, (bytes, bytearray)):
            size += 2 * len(value) + 3
        elif isinstance(value, dict):
            size += 2 + sum(len(str(k)) + 4 for k in value)
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            size += 2 + len(value)
            stack.extend(value)
        elif isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
            size += 64 + sum(len(str(k)) + 4 for k in value.keys())
            stack.extend(value.values())
        elif isinstance(value, neo4j.graph.Path):
            stack.extend(value.nodes)
            stack.extend(value.relationships)
        else:
            size += 16
    return size


def _element_key(element: Any) -> str:
    """Entity id when it has one, else Neo4j's element id: what results are deduplicated by."""
    return str(element.get("id") or element.element_id)


def _graph_elements(values: Iterable[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every node and relationship (also inside paths, lists and maps) in ``values``, once each, in order."""
    nodes: dict[str, Any] = {}
    edges: dict[str, Any] = {}

    def visit(value: Any) -> None:
        if isinstance(value, neo4j.graph.Node):
            nodes.setdefault(_element_key(value), value)
        elif isinstance(value, neo4j.graph.Relationship):
            edges.setdefault(_element_key(value), value)
        elif isinstance(value, neo4j.graph.Path):
            for node in value.nodes:
                visit(node)
            for rel in value.relationships:
                visit(rel)
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(v)
        elif isinstance(value, dict):
            for v in value.values():
                visit(v)

    visit(list(values))
    return nodes, edges


def _missing_ends(tx: neo4j.ManagedTransaction, relationships: Iterable[Any]) -> dict[str, Any]:
    """The end nodes (by element id) of relationships whose ends are not in the rows themselves."""
    missing = sorted({node.element_id for rel in relationships for node in (rel.start_node, rel.end_node)
                      if node is not None and not node.labels})
    if not missing:
        return {}
    found = tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n", ids=missing)
    return {record["n"].element_id: record["n"] for record in found}


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
    except BufferError as err:  # the driver's buffers, when a connection breaks mid-message (server restarting)
        raise StoreUnavailable(f"Neo4j at {where}: the connection broke mid-message ({err}); try again") from err
    except ClientError as err:
        raise ChokepointError(f"Neo4j rejected the query: {err.message}") from err
    except (Neo4jError, DriverError) as err:
        raise ChokepointError(f"Neo4j error: {err}") from err
