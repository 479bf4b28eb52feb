"""Undoing a load and dropping a dataset against the real Neo4j: the graph comes back exactly (a canonical
hash of every node and relationship), or the undo is refused with one line and nothing changes."""

import hashlib
import json

import pytest

from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.loaders.load import load_records
from chokepoint.loaders.resolve import merge, split
from chokepoint.loaders.undo import UndoRefused, undo_load

MARKER = "ChokepointTestDatabase"


def graph_hash(store) -> str:
    """Every node (labels, properties) and relationship (type, end nodes, properties), sorted and hashed;
    Neo4j's internal element ids left out (end nodes by their properties)."""
    nodes = store.read("MATCH (n) WHERE NOT n:ChokepointTestDatabase RETURN labels(n) AS l, properties(n) AS p")
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(a) AS a, properties(b) AS b, "
                      "properties(r) AS p")
    text = json.dumps([sorted(json.dumps([sorted(n["l"]), n["p"]], sort_keys=True, default=str) for n in nodes),
                       sorted(json.dumps(r, sort_keys=True, default=str) for r in rels)])
    return hashlib.sha256(text.encode()).hexdigest()


def records(tmp_path, name, **files):
    d = tmp_path / name
    d.mkdir()
    for file, text in files.items():
        (d / f"{file}.csv").write_text(text, encoding="utf-8")
    return d


def load(store, folder, dataset="t"):
    summary = load_records(store, folder, dataset=dataset, rejects_path=folder / "rejects.csv")
    return [f.load_id for f in summary.files]


def person(store, name, dataset="t"):
    rows = store.read("MATCH (p:Person {id: $id}) RETURN properties(p) AS p", id=entity_id(dataset, "Person", [name]))
    return rows[0]["p"] if rows else None


FIRST = {"persons": "name,nationality,aliases,organization\nAna Ruiz,MX,La Güera,Grupo Delta\nBeto Paz,MX,,\n",
         "phones": "number,user\n+526671112233,Ana Ruiz\n"}
SECOND = {"persons": "name,nationality,dob,aliases,organization\nAna Ruiz,US,1980-02-03,Anita,Grupo Delta\n"
                     "Caro Luna,CO,,,Grupo Delta\n",
          "communications": "from_phone,to_phone,date,duration_s\n+526671112233,+526679998877,2024-03-01,60\n"}


def test_undo_of_a_first_load_leaves_the_graph_as_before(clean, tmp_path):
    empty = graph_hash(clean)
    [persons, phones] = load(clean, records(tmp_path, "a", **FIRST))
    assert graph_hash(clean) != empty
    undone = undo_load(clean, phones)
    assert (undone.entities_deleted, undone.links_deleted) == (1, 1)   # the phone and its USES link
    assert undone.entities_restored == 1                             # Ana: phones.csv named her, persons made her
    undo_load(clean, persons)
    assert graph_hash(clean) == empty
    assert clean.read("MATCH (n) WHERE NOT n:ChokepointTestDatabase RETURN count(n) AS n")[0]["n"] == 0


def test_undo_of_a_load_on_existing_entities_keeps_the_earlier_data_and_sources(clean, tmp_path):
    load(clean, records(tmp_path, "a", **FIRST))
    before_ana = person(clean, "Ana Ruiz")
    before = graph_hash(clean)
    second = load(clean, records(tmp_path, "b", **SECOND))
    ana = person(clean, "Ana Ruiz")
    assert (ana["nationality"], str(ana["dob"]), ana["aliases"]) == ("US", "1980-02-03", ["Ana Ruiz", "La Güera", "Anita"])
    # the same persons.csv name and row 2 again; phones.csv:2 named her as the phone's user
    assert sorted(ana["sources"]) == ["persons.csv:2", "phones.csv:2"] and len(ana["loads"]) == 3
    for load_id in reversed(second):   # communications, then persons: each the latest on what it wrote
        undo_load(clean, load_id)
    assert graph_hash(clean) == before
    assert person(clean, "Ana Ruiz") == before_ana
    assert "dob" not in before_ana and sorted(before_ana["sources"]) == ["persons.csv:2", "phones.csv:2"]
    assert person(clean, "Caro Luna") is None
    assert not clean.read("MATCH (p:Prior) WHERE p.undo_load IN $ids RETURN p", ids=second)


def test_undo_after_a_re_run_of_the_same_files(clean, tmp_path):
    load(clean, records(tmp_path, "a", **FIRST))
    before = graph_hash(clean)
    folder = records(tmp_path, "b", **SECOND)
    second = load(clean, folder)
    assert load(clean, folder) == second       # the same bytes again: the same loads, nothing new kept
    for load_id in reversed(second):
        undo_load(clean, load_id)
    assert graph_hash(clean) == before


def test_undo_is_refused_while_a_later_load_wrote_the_same_entities(clean, tmp_path):
    [persons, _] = load(clean, records(tmp_path, "a", **FIRST))
    later = load(clean, records(tmp_path, "b", **SECOND))
    before = graph_hash(clean)
    with pytest.raises(UndoRefused, match=f"a later load, {later[0]} .*persons.csv of dataset t.*undo it first"):
        undo_load(clean, persons)
    assert graph_hash(clean) == before
    with pytest.raises(UndoRefused, match="no load 'load:nope'"):
        undo_load(clean, "load:nope")


def test_undo_is_refused_after_a_merge_decision_on_its_entities(clean, tmp_path):
    [_, phones] = load(clean, records(tmp_path, "a", **FIRST))
    decision = merge(clean, entity_id("t", "Person", ["Ana Ruiz"]), entity_id("t", "Person", ["Beto Paz"]),
                     why="test", who="tester")
    before = graph_hash(clean)
    with pytest.raises(UndoRefused, match=f"merge decision {decision} .*after it"):
        undo_load(clean, phones)
    assert graph_hash(clean) == before
    split(clean, decision, why="test", who="tester")   # a split after the load is a decision after it too
    with pytest.raises(UndoRefused, match=f"merge decision {decision}"):
        undo_load(clean, phones)


def test_a_load_after_a_merge_lands_on_the_kept_entity_and_undoes(clean, tmp_path):
    load(clean, records(tmp_path, "a", **FIRST))
    merge(clean, entity_id("t", "Person", ["Ana Ruiz"]), entity_id("t", "Person", ["Beto Paz"]), why="x")
    before = graph_hash(clean)
    later = load(clean, records(tmp_path, "b", persons="name,dob\nBeto Paz,1970-01-01\n"))
    kept = person(clean, "Ana Ruiz")
    assert str(kept["dob"]) == "1970-01-01" and person(clean, "Beto Paz") is None
    undo_load(clean, later[0])
    assert graph_hash(clean) == before


def test_undo_is_refused_for_a_load_recorded_before_loads_kept_what_they_changed(clean, tmp_path):
    [persons, _] = load(clean, records(tmp_path, "a", **FIRST))
    clean.write("MATCH (l:Load {id: $id}) REMOVE l.prior_states", id=persons)
    with pytest.raises(UndoRefused, match="recorded before loads kept what they changed.*datasets drop t"):
        undo_load(clean, persons)


def test_undo_is_refused_when_links_it_did_not_write_join_its_entities(clean, tmp_path):
    [persons, phones] = load(clean, records(tmp_path, "a", **FIRST))
    clean.write("MATCH (a:Person {id: $a}), (b:Person {id: $b}) CREATE (a)-[:ASSOCIATED_WITH {id: 'x'}]->(b)",
                a=entity_id("t", "Person", ["Beto Paz"]), b=entity_id("t", "Person", ["Ana Ruiz"]))
    undo_load(clean, phones)
    with pytest.raises(UndoRefused, match=r"1 link\(s\) \(ASSOCIATED_WITH\) that it did not write"):
        undo_load(clean, persons)


# -- datasets ----------------------------------------------------------------------------------------

from chokepoint.cases import datasets as cases  # noqa: E402


def test_dropping_a_dataset_leaves_the_others_as_they_were(clean, tmp_path):
    load(clean, records(tmp_path, "b", **SECOND), dataset="b")
    alone = graph_hash(clean)
    load(clean, records(tmp_path, "a", **FIRST), dataset="a")
    listed = {d.name: d for d in cases.datasets(clean)}
    assert (listed["a"].entities, listed["a"].links, listed["a"].loads) == (4, 2, 2)   # Ana, Beto, Delta, phone
    assert (listed["b"].entities, listed["b"].links, listed["b"].loads) == (5, 3, 2)
    assert listed["a"].first_load <= listed["a"].last_load and listed["b"].last_load <= listed["a"].first_load
    with_a = graph_hash(clean)
    would = cases.drop(clean, "a")                      # no --yes: counts only
    assert (would.done, would.entities_deleted, would.links_deleted, would.loads_deleted) == (False, 4, 2, 2)
    assert graph_hash(clean) == with_a
    dropped = cases.drop(clean, "a", yes=True)
    assert (dropped.done, dropped.entities_deleted, dropped.entities_kept) == (True, 4, 0)
    assert graph_hash(clean) == alone
    assert [d.name for d in cases.datasets(clean)] == ["b"]
    with pytest.raises(ChokepointError, match="no dataset 'a' \\(datasets: b\\)"):
        cases.drop(clean, "a", yes=True)


def test_an_entity_another_dataset_supports_keeps_that_datasets_provenance(clean, tmp_path):
    [a_persons, _] = load(clean, records(tmp_path, "a", **FIRST), dataset="a")
    [b_persons, _] = load(clean, records(tmp_path, "b", **SECOND), dataset="b")
    ana_a, ana_b = entity_id("a", "Person", ["Ana Ruiz"]), entity_id("b", "Person", ["Ana Ruiz"])
    merge(clean, ana_a, ana_b, why="the same woman", who="tester")   # b's Ana lives on a's now
    kept = clean.read("MATCH (p:Person {id: $id}) RETURN p.loads AS loads", id=ana_a)[0]["loads"]
    assert b_persons in kept and a_persons in kept
    dropped = cases.drop(clean, "a", yes=True)
    assert dropped.entities_kept == 1 and dropped.kept_by == ["b"]
    ana = clean.read("MATCH (p:Person {id: $id}) RETURN properties(p) AS p", id=ana_a)[0]["p"]
    assert ana["dataset"] == "b" and ana["loads"] == [b_persons]
    assert clean.read("MATCH (p:Person {id: $id})-[:MEMBER_OF]->(o) RETURN o.dataset AS d", id=ana_a) == [{"d": "b"}]
    assert not clean.read("MATCH (n:Entity {dataset: 'a'}) RETURN n LIMIT 1")
    assert not clean.read("MATCH (l:Load {dataset: 'a'}) RETURN l LIMIT 1")
    assert clean.read("MATCH (d:Decision) RETURN count(d) AS n")[0]["n"] == 1   # it joins a's entity to b's


# -- the command line ----------------------------------------------------------------------------------

from typer.testing import CliRunner  # noqa: E402

from chokepoint.cli.main import app  # noqa: E402


def test_cli_lists_drops_only_with_yes_and_undoes(clean, tmp_path, neo4j_env, monkeypatch):
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("CHOKEPOINT_AUDIT_LOG", str(log))
    [persons, phones] = load(clean, records(tmp_path, "a", **FIRST), dataset="a")
    runner = CliRunner()
    listed = runner.invoke(app, ["datasets", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [(d["name"], d["entities"], d["loads"]) for d in json.loads(listed.output)] == [("a", 4, 2)]
    shown = runner.invoke(app, ["loads", "--dataset", "a", "--json"])
    assert [(r["id"], r["file"], r["status"]) for r in json.loads(shown.output)] == \
        [(persons, "persons.csv", "complete"), (phones, "phones.csv", "complete")]
    assert runner.invoke(app, ["loads", "--dataset", "nope", "--json"]).output.strip() == "[]"
    before = graph_hash(clean)
    asked = runner.invoke(app, ["datasets", "drop", "a"])
    assert asked.exit_code == 0 and "would remove 4 entities, 2 links and 2 loads" in asked.output
    assert "--yes" in asked.output and graph_hash(clean) == before
    refused = runner.invoke(app, ["loads", "undo", persons])
    assert refused.exit_code == 1 and isinstance(refused.exception, cases.UndoRefused)
    assert f"a later load, {phones}" in str(refused.exception) and graph_hash(clean) == before
    undone = runner.invoke(app, ["loads", "undo", phones])
    assert undone.exit_code == 0 and "1 entities and 1 links deleted, 1 entities and 0 links set back" in undone.output
    dropped = runner.invoke(app, ["datasets", "drop", "a", "--yes"])
    assert dropped.exit_code == 0 and "removed 3 entities, 1 links and 1 loads" in dropped.output
    assert json.loads(runner.invoke(app, ["datasets", "--json"]).output) == []
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    audited = [(x["action"], x["query"], x["outcome"], x["source"]) for x in lines if x["action"] != "lookup"]
    assert ("load-undo", persons, "error", "cli") in audited
    assert ("load-undo", phones, "ok", "cli") in audited and ("dataset-drop", "a", "ok", "cli") in audited


# -- finding what a load wrote through indexes (loaders.undo.written_by) -------------------------
def test_a_load_redirected_to_another_datasets_entity_undoes(clean, tmp_path):
    """Records of dataset u merged into dataset t's entity: found through the decision, not the prefix."""
    load(clean, records(tmp_path, "a", **FIRST))                                   # dataset t
    load(clean, records(tmp_path, "u", persons="name\nBeto Paz\n"), dataset="u")
    merge(clean, entity_id("t", "Person", ["Ana Ruiz"]), entity_id("u", "Person", ["Beto Paz"]), why="x")
    before = graph_hash(clean)
    later = load(clean, records(tmp_path, "b", persons="name,dob\nBeto Paz,1970-01-01\n"), dataset="u")
    assert str(person(clean, "Ana Ruiz")["dob"]) == "1970-01-01"     # landed on t's entity
    undone = undo_load(clean, later[0])
    assert undone.entities_restored == 1
    assert graph_hash(clean) == before


def test_a_merge_into_another_dataset_after_a_load_is_seen(clean, tmp_path):
    [persons] = load(clean, records(tmp_path, "u", persons="name\nBeto Paz\n"), dataset="u")
    load(clean, records(tmp_path, "a", **FIRST))                                   # dataset t
    decision = merge(clean, entity_id("t", "Person", ["Ana Ruiz"]), entity_id("u", "Person", ["Beto Paz"]),
                     why="x")
    before = graph_hash(clean)
    with pytest.raises(UndoRefused, match=f"merge decision {decision}"):
        undo_load(clean, persons)
    assert graph_hash(clean) == before


def test_what_a_load_wrote_is_read_through_indexes(clean, tmp_path):
    from chokepoint.loaders import undo

    [persons, _] = load(clean, records(tmp_path, "a", **FIRST))
    load(clean, records(tmp_path, "u", persons="name\nCaro Luna\n"), dataset="u")
    entities, links = undo.written_by(clean, persons, "t")
    ids = sorted(e["id"] for e in entities)
    assert ids == sorted(entity_id("t", label, [name]) for label, name in
                         [("Person", "Ana Ruiz"), ("Person", "Beto Paz"), ("Organization", "Grupo Delta")])
    assert [link["type"] for link in links] == ["MEMBER_OF"]
    # the plans seek the entity id index; none reads every entity or every relationship
    for query, params in ((undo._ENTITIES, {"load": persons, "prefix": "t:", "decided": []}),
                          (undo._LINKS, {"load": persons, "ids": ids})):
        plan = clean.driver.execute_query("EXPLAIN " + query, params, database_=clean.database).summary.plan
        operators = _operators(plan)
        assert not operators & {"AllNodesScan", "NodeByLabelScan", "DirectedAllRelationshipsScan",
                                "UndirectedAllRelationshipsScan", "DirectedRelationshipTypeScan"}, operators
        assert operators & {"NodeIndexSeekByRange", "NodeUniqueIndexSeekByRange", "NodeIndexSeek",
                            "NodeUniqueIndexSeek"}, operators


def _operators(plan) -> set[str]:
    found = {str(plan.get("operatorType", "")).split("@", 1)[0]}
    for child in plan.get("children") or ():
        found |= _operators(child)
    return found
