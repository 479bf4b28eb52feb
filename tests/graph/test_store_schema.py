"""Schema apply against the real Neo4j: idempotent, and the constraints really hold."""

import pytest

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError


def test_schema_apply_is_idempotent(store):
    created, existing = store.ensure_schema()  # the fixture applied it once already
    assert created == 0
    assert existing == len(schema.constraint_statements())
    names = {r["name"] for r in store.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"entity_id", "person_id", "portofentry_id"} <= names
    indexes = {r["name"]: r["type"] for r in store.read("SHOW INDEXES YIELD name, type RETURN name, type")}
    assert indexes["entity_search"] == "FULLTEXT"


def test_entity_id_uniqueness_is_enforced(store):
    store.write("CREATE (:Entity:Person {id: 'dup-test', name: 'x'})")
    with pytest.raises(ChokepointError, match="already exists"):
        store.write("CREATE (:Entity:Person {id: 'dup-test', name: 'y'})")
    store.write("MATCH (n {id: 'dup-test'}) DETACH DELETE n")


def test_server_info_and_counts(store):
    info = store.server_info()
    assert info["version"].startswith(("5.", "202"))
    store.write("CREATE (:Entity:Phone {id: 'count-test', number: '+1'})")
    assert store.counts()["labels"]["Phone"] == 1
    store.write("MATCH (n {id: 'count-test'}) DETACH DELETE n")


class _Row(dict):
    """A statement row that a weak reference can watch."""


def test_batch_writes_let_their_rows_go_once_written_and_keep_the_callers(clean):
    import gc
    import weakref

    rows = [_Row(id=f"batch-{i}", name=f"n{i}") for i in range(5)]
    watched = weakref.ref(rows[0])
    gc.disable()  # only reference counting: the driver keeps finished results in reference cycles
    try:
        counters = clean.write_batches("UNWIND $rows AS row CREATE (:Entity:Person {id: row.id, name: row.name})",
                                       rows, batch_size=2)
        assert counters["nodes_created"] == 5
        assert [r["id"] for r in rows] == [f"batch-{i}" for i in range(5)]  # the caller's list is untouched
        del rows
        assert watched() is None
    finally:
        gc.enable()
    assert clean.read("MATCH (n:Person) WHERE n.id STARTS WITH 'batch-' RETURN count(n) AS n")[0]["n"] == 5
