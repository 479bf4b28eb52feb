"""The explore and query use cases (cases.explore, .saved_queries, .activity, .maps, .metrics) against the
sample case in the real Neo4j; each answer is checked against Cypher written here."""

import datetime as dt

import pytest

from chokepoint.cases import activity, explore, maps, metrics, saved_queries
from chokepoint.graph.errors import EntityNotFound
from chokepoint.graph.ids import entity_id
from chokepoint.graph.values import plain

PORT = entity_id("sample", "PortOfEntry", ["2604"])
COURIER = entity_id("sample", "Person", ["Daniel Reyes"])


def test_suggestions_find_an_alias_and_nothing_for_no_text(sample_store):
    andres = entity_id("sample", "Person", ["Andrés López"])
    found = explore.suggestions(sample_store, "el quimico")
    assert isinstance(found[0], explore.Match) and andres in [m.id for m in found]
    assert explore.suggestions(sample_store, "   ") == []


def test_expand_counts_what_the_cap_left_out(sample_store):
    every = {r["m"] for r in sample_store.read("MATCH (:Entity {id: $id})--(m:Entity) RETURN DISTINCT m.id AS m",
                                               id=PORT)}
    assert len(every) > 2
    sub = explore.expand(sample_store, PORT, limit=2)
    assert isinstance(sub, explore.Subgraph) and sub.capped
    assert (sub.shown_neighbours, sub.total_neighbours) == (2, len(every))
    assert {n["id"] for n in sub.nodes} - {PORT} <= every
    full = explore.expand(sample_store, PORT)
    assert not full.capped and {n["id"] for n in full.nodes} == every | {PORT}
    with pytest.raises(EntityNotFound):
        explore.expand(sample_store, "nope")


def test_expand_through_a_link_type_and_dates(sample_store):
    rows = sample_store.read("MATCH (:Entity {id: $id})-[r]-(m:Entity) RETURN m.id AS m, type(r) AS t, r.date AS d",
                             id=COURIER)
    uses = explore.expand(sample_store, COURIER, types=["USES"])
    assert {n["id"] for n in uses.nodes} - {COURIER} == {r["m"] for r in rows if r["t"] == "USES"}
    first = min(r["d"] for r in rows if r["d"] is not None).to_native()
    window = explore.expand(sample_store, COURIER, start=first, end=first)
    assert {n["id"] for n in window.nodes} - {COURIER} == {r["m"] for r in rows
                                                         if r["d"] is None or r["d"].to_native() == first}


def test_entity_details_and_its_link_types(sample_store):
    d = explore.entity(sample_store, PORT)
    row = sample_store.read("MATCH (n:Entity {id: $id}) RETURN n.caption AS caption, n.code AS code, "
                            "COUNT { (n)--() } AS degree", id=PORT)[0]
    assert (d.id, d.label, d.caption, d.degree) == (PORT, "PortOfEntry", row["caption"], row["degree"])
    assert d.properties["code"] == row["code"] == "2604"
    counted = sample_store.read("MATCH (:Entity {id: $id})-[r]-(:Entity) RETURN type(r) AS t, count(*) AS n",
                                id=PORT)
    types = explore.link_types(sample_store, PORT)
    assert {(t.type, t.links) for t in types} == {(r["t"], r["n"]) for r in counted}
    assert [t.links for t in types] == sorted((t.links for t in types), reverse=True)
    assert explore.link_types(sample_store, "nope") == []
    with pytest.raises(EntityNotFound):
        explore.entity(sample_store, "nope")


def test_the_cypher_shown_for_an_entity_and_a_link_returns_them(sample_store):
    c = explore.entity_cypher(PORT)
    assert [r["id"] for r in sample_store.read(f"CALL {{ {c.query} }} RETURN n.id AS id", **c.params)] == [PORT]
    link = sample_store.read("MATCH (a:Entity {id: $id})-[r]->(b:Entity) RETURN a.id AS a, r.id AS r, b.id AS b "
                             "LIMIT 1", id=COURIER)[0]
    c = explore.link_cypher(link["a"], link["b"], link["r"])
    found = sample_store.read(f"CALL {{ {c.query} }} RETURN a.id AS a, r.id AS r, b.id AS b", **c.params)
    assert found == [link]


def test_reveal_is_what_happened_in_the_window(sample_store):
    day = plain(sample_store.read("MATCH (:Entity {id: $id})-[r]-() WHERE r.date IS NOT NULL "
                                  "RETURN min(r.date) AS d", id=COURIER)[0]["d"])
    # the ends of the links dated that day, the entities dated that day, and what those link to undated
    expected = {r["n"] for r in sample_store.read(
        "MATCH (a:Entity)-[r]-(n:Entity) WHERE a.dataset = 'sample' AND r.date = $day RETURN n.id AS n "
        "UNION MATCH (n:Entity) WHERE n.dataset = 'sample' AND n.date = $day RETURN n.id AS n "
        "UNION MATCH (d:Entity)-[r]-(n:Entity) WHERE d.dataset = 'sample' AND d.date = $day AND r.date IS NULL "
        "AND n.date IS NULL RETURN n.id AS n", day=day)}
    assert expected
    sub = explore.reveal(sample_store, "sample", day, day, limit=2000)
    assert {n["id"] for n in sub.nodes} == expected and sub.total_neighbours == len(expected) and not sub.capped
    one = explore.reveal(sample_store, "sample", day, day, limit=1)
    assert one.capped and one.shown_neighbours == 1 and one.total_neighbours == len(expected)
    around = explore.reveal(sample_store, "sample", day, day, start_ids=[COURIER])
    assert around.nodes[0]["id"] == COURIER


def test_datasets_are_those_loaded(sample_store):
    assert explore.datasets(sample_store) == ["sample"]


def test_saved_queries_listed_shown_and_run_with_parameters(sample_store):
    every = saved_queries.saved_queries()
    assert "entities-by-role" in [q.name for q in every]
    assert [q.name for q in saved_queries.saved_queries(tag="roles")] == \
        [q.name for q in every if "roles" in q.tags]
    q = saved_queries.saved_query("entities-by-role")
    assert isinstance(q, saved_queries.SavedQuery) and [p.name for p in q.params] == ["role", "dataset"]
    result = saved_queries.run_saved(sample_store, q, {"role": "COURIER", "dataset": "sample"})
    couriers = sample_store.read("MATCH (e:Person) WHERE e.dataset = 'sample' AND 'courier' IN e.roles "
                                 "RETURN e.id AS id")
    assert isinstance(result, saved_queries.QueryResult)
    assert sorted(r["id"] for r in result.records()) == sorted(r["id"] for r in couriers) != []
    capped = saved_queries.run_saved(sample_store, "entities-by-role", {"role": "courier"}, limit=1)
    assert len(capped.rows) == 1 and capped.capped == (len(couriers) > 1)
    with pytest.raises(saved_queries.UnknownQuery):
        saved_queries.saved_query("no-such-query")
    with pytest.raises(saved_queries.ParameterError):
        saved_queries.run_saved(sample_store, q, {"nobody": "x"})


def test_ad_hoc_cypher_runs_read_only_with_typed_parameters(sample_store):
    values = saved_queries.cypher_params({"id": PORT, "n": "1"})
    assert values == {"id": PORT, "n": 1}
    result = saved_queries.run_cypher(sample_store, "MATCH (p:Entity {id: $id}) RETURN p.id AS id LIMIT $n", values)
    assert result.rows == [[PORT]] and result.name == "cypher"
    with pytest.raises(saved_queries.NotReadOnly):
        saved_queries.run_cypher(sample_store, "CREATE (x:Entity {id: 'x'})")
    with pytest.raises(saved_queries.ParameterError):
        saved_queries.run_cypher(sample_store, "MATCH (p {id: $id}) RETURN p", {})


def test_the_timeline_span_and_link_dates(sample_store):
    rows = sample_store.read("MATCH (a)-[r]->() RETURN r.id AS id, "
                             "coalesce(r.date, CASE WHEN a:Seizure OR a:Shipment THEN a.date END) AS d")
    days = [plain(r["d"]) for r in rows if r["d"] is not None]
    assert activity.date_span(sample_store) == (min(days), max(days))
    assert activity.date_span(sample_store, "no-such-dataset") is None
    some = {r["id"]: plain(r["d"]) for r in rows[:20] if r["id"]}
    assert activity.link_dates(sample_store, [*some, "not-a-link"]) == some


def test_the_map_has_every_located_entity_and_the_port_volumes(sample_store):
    found = maps.places(sample_store)
    located = sample_store.read("MATCH (n:Entity) WHERE n.lat IS NOT NULL AND n.lon IS NOT NULL "
                                "RETURN n.id AS id, n:PortOfEntry AS port")
    assert sorted(p.id for p in found.places) == sorted(r["id"] for r in located)
    assert found.ports == sum(r["port"] for r in located) > 0
    assert all(isinstance(p, maps.Place) for p in found.places)
    entered = sample_store.read("MATCH (s:Shipment)-[:ENTERED_AT]->(p:PortOfEntry) RETURN count(s) AS n")[0]["n"]
    assert sum(v.shipments for v in found.volumes) == entered
    assert maps.places(sample_store, "no-such-dataset") == maps.Map([], [])


def test_metrics_rows(sample_store):
    seized = sample_store.read("MATCH (s:Seizure)-[:OCCURRED_AT]->(:PortOfEntry) WHERE s.date IS NOT NULL "
                               "RETURN count(DISTINCT s) AS n")[0]["n"]
    assert sum(r["seizures"] for r in metrics.seizures_by_port_month(sample_store)) == seized > 0
    assert metrics.seizures_by_port_month(sample_store, "no-such-dataset") == []
    span = activity.date_span(sample_store)
    periods = metrics.quarters(*span)
    assert periods[0][1] == span[0] and periods[-1][2] == span[1]
    rows = metrics.brokers_by_period(sample_store, periods, top=2)
    assert {r["period"] for r in rows} <= {p[0] for p in periods}
    assert all(r["rank"] <= 2 and r["brokerage"] > 0 and r["label"] in ("Person", "Organization") for r in rows)
    groups, found = metrics.corridors(sample_store, limit=5)
    assert found <= 5 and (found == 0) == (groups == [])
