"""The schema is always there: the first write to a database without it creates the constraints and
indexes (``chokepoint schema apply`` never run), or refuses in one line, writing nothing."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from chokepoint.cases import loading
from chokepoint.cli.main import app
from chokepoint.graph import schema
from chokepoint.graph.errors import SchemaMissing
from tests_support import wipe_all


def _drop_schema(store) -> None:
    """Leave the database as a fresh Neo4j is: no constraint, no index but Neo4j's own lookup indexes."""
    for row in store.read("SHOW CONSTRAINTS YIELD name RETURN name"):
        store.driver.execute_query(f"DROP CONSTRAINT `{row['name']}`", database_=store.database)
    for row in store.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
        store.driver.execute_query(f"DROP INDEX `{row['name']}`", database_=store.database)


def _names(store) -> tuple[set[str], dict[str, str]]:
    constraints = {r["name"] for r in store.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    indexes = {r["name"]: r["type"] for r in store.read("SHOW INDEXES YIELD name, type RETURN name, type")}
    return constraints, indexes


@pytest.fixture()
def bare(store, make_store):
    """A new store on the test database with every constraint and index dropped; restored afterwards."""
    wipe_all(store)
    _drop_schema(store)
    assert _names(store)[0] == set()
    yield make_store()
    wipe_all(store)
    store.ensure_schema()


def _persons(tmp_path):
    path = tmp_path / "persons.csv"
    path.write_text("name,city\nAna Ruiz,Tijuana\nLuis Ortega,Mexicali\n", encoding="utf-8")
    return path


def test_a_load_into_a_database_without_schema_creates_it_first(bare, tmp_path):
    report = loading.load_records(bare, [_persons(tmp_path)], dataset="fresh")
    assert report.summary.rows_loaded == 2
    constraints, indexes = _names(bare)
    expected_constraints = {"entity_id", "load_id", "decision_id"} | {f"{lab.lower()}_id" for lab in schema.SCHEMA.nodes}
    assert expected_constraints <= constraints
    assert indexes["entity_search"] == "FULLTEXT"
    assert {"person_name", "portofentry_code", "rel_shipped_to_id"} <= set(indexes)
    assert bare.missing_schema() == []
    assert bare.schema_created == len(schema.constraint_statements())
    # search works at once: the full-text index is online and holds what was loaded
    hits = bare.read("CALL db.index.fulltext.queryNodes('entity_search', 'ortega') YIELD node RETURN node.name AS name")
    assert hits == [{"name": "Luis Ortega"}]


def test_with_the_schema_there_the_first_write_creates_nothing(store, make_store, tmp_path):
    store.ensure_schema()
    other = make_store()
    loading.load_records(other, [_persons(tmp_path)], dataset="again")
    assert other.schema_created == 0


def test_a_schema_that_cannot_be_created_refuses_the_write_in_one_line(bare, store, tmp_path):
    # two entities with one id (written while there was no constraint): the uniqueness constraint fails
    store.driver.execute_query("CREATE (:Entity:Person {id: 'twice', name: 'a'}), (:Entity:Person {id: 'twice', name: 'b'})",
                               database_=store.database)
    before = store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    with pytest.raises(SchemaMissing, match=r"^nothing written: the database lacks \d+ of the schema's constraints"):
        loading.load_records(bare, [_persons(tmp_path)], dataset="refused")
    assert store.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == before
    assert store.read("MATCH (l:Load) RETURN count(l) AS n")[0]["n"] == 0


def test_the_cli_refusal_is_one_line(bare, store, neo4j_env, tmp_path):
    store.driver.execute_query("CREATE (:Entity:Person {id: 'twice', name: 'a'}), (:Entity:Person {id: 'twice', name: 'b'})",
                               database_=store.database)
    result = CliRunner().invoke(app, ["load", str(_persons(tmp_path))])
    assert result.exit_code != 0
    assert isinstance(result.exception, SchemaMissing)
    assert "\n" not in str(result.exception) and "chokepoint schema apply" in str(result.exception)
