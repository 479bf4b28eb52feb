"""Fuzzy candidates, recorded merges and splits against the real Neo4j; merges survive re-loads."""

import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph.ids import entity_id
from chokepoint.loaders.load import load_records
from chokepoint.loaders.resolve import ResolveError, candidates, decisions, merge, redirects, split

from tests_support import canonical_hash


@pytest.fixture()
def case(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_text(
        "name,dob,nationality\n"
        "Andrés López,1979-04-12,MX\n"
        "Andres Lopes,1979-04-12,\n"        # a misspelling from another agency
        "Marta Ruiz,1985-09-30,MX\n"
        "Mario Ruiz Soto,1960-01-01,US\n", encoding="utf-8")
    (d / "phones.csv").write_text("number,user\n+526671112233,Andrés López\n+526671112233,Andres Lopes\n"
                                  "+526671114455,Marta Ruiz\n")
    (d / "memberships.csv").write_text("person,organization\nAndres Lopes,Grupo Delta\n")
    load_records(clean, d, dataset="r")
    return clean, d


def ids(*names):
    return [entity_id("r", "Person", [n]) for n in names]


def test_candidates_score_and_evidence(case):
    store, _ = case
    found = candidates(store, label="Person", dataset="r")
    andres, lopes = ids("Andrés López", "Andres Lopes")
    top = found[0]
    assert {top.a, top.b} == {andres, lopes}
    assert top.score >= 85
    assert "shares Phone +526671112233" in top.evidence
    assert "same dob: 1979-04-12" in top.evidence
    assert all({c.a, c.b} != set(ids("Marta Ruiz", "Mario Ruiz Soto")) for c in found)  # below threshold
    assert store.read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 4  # nothing merged


def test_merge_records_the_decision_and_moves_links(case):
    store, _ = case
    andres, lopes = ids("Andrés López", "Andres Lopes")
    decision = merge(store, andres, lopes, why="same DOB and phone", who="analyst1")
    assert store.read("MATCH (p:Person {id: $id}) RETURN p", id=lopes) == []
    kept = store.read("MATCH (p:Person {id: $id}) RETURN p.aliases AS a, p.nationality AS n, "
                      "COUNT { (p)-[:MEMBER_OF]->() } AS orgs, COUNT { (p)-[:USES]->() } AS phones", id=andres)[0]
    assert {"Andrés López", "Andres Lopes"} <= set(kept["a"])
    assert kept["n"] == "MX" and kept["orgs"] == 1 and kept["phones"] == 2
    [d] = decisions(store)
    assert (d["id"], d["status"], d["who"], d["why"], d["kept"], d["merged"]) == \
        (decision, "active", "analyst1", "same DOB and phone", andres, lopes)
    assert redirects(store) == {lopes: andres}
    assert all({c.a, c.b} != {andres, lopes} for c in candidates(store, label="Person"))


def test_reload_after_merge_keeps_the_decision(case):
    store, d = case
    andres, lopes = ids("Andrés López", "Andres Lopes")
    merge(store, andres, lopes, why="same person")
    before = canonical_hash(store)
    load_records(store, d, dataset="r")
    assert store.read("MATCH (p:Person {id: $id}) RETURN p", id=lopes) == []
    assert canonical_hash(store) == before


def test_split_restores_both_entities_and_their_links(case):
    store, _ = case
    before = canonical_hash(store)
    andres, lopes = ids("Andrés López", "Andres Lopes")
    decision = merge(store, andres, lopes, why="looked alike")
    split(store, decision, why="different people after all", who="supervisor")
    assert canonical_hash(store) == before
    [d] = decisions(store)
    assert (d["status"], d["undone_by"], d["undo_why"]) == ("undone", "supervisor", "different people after all")
    assert redirects(store) == {}
    assert all({c.a, c.b} != {andres, lopes} for c in candidates(store, label="Person"))  # not proposed again
    with pytest.raises(ResolveError, match="not an active merge"):
        split(store, decision, why="again")


def test_refused_merges(case):
    store, _ = case
    andres, lopes = ids("Andrés López", "Andres Lopes")
    with pytest.raises(ResolveError, match="needs a reason"):
        merge(store, andres, lopes, why=" ")
    with pytest.raises(ResolveError, match="itself"):
        merge(store, andres, andres, why="x")
    phone = entity_id("r", "Phone", ["+526671112233"])
    with pytest.raises(ResolveError, match="cannot merge a Phone into a Person"):
        merge(store, andres, phone, why="x")
    assert decisions(store) == []


def test_cli_candidates_merge_split(case, neo4j_env):
    runner = CliRunner()
    result = runner.invoke(app, ["resolve", "candidates", "--label", "Person", "--json"])
    assert result.exit_code == 0, result.output
    andres, lopes = ids("Andrés López", "Andres Lopes")
    result = runner.invoke(app, ["resolve", "merge", andres, lopes, "--why", "same phone", "--who", "a1"])
    assert result.exit_code == 0 and "decision decision:" in result.output
    decision = result.output.split("decision ")[-1].strip()
    result = runner.invoke(app, ["resolve", "split", decision, "--why", "wrong"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["resolve", "decisions", "--json"])
    assert '"status": "undone"' in result.output
