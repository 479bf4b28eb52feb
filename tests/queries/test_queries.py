"""Search and neighbourhood queries against the sample case in the real Neo4j."""

import datetime as dt

import pytest

from chokepoint.graph.errors import EntityNotFound
from chokepoint.graph.ids import entity_id
from chokepoint.queries.neighbourhood import entity_details, neighbourhood
from chokepoint.queries.search import search_entities


@pytest.mark.parametrize("text,caption", [
    ("andres", "Andrés López"),
    ("ANDRÉS LÓPEZ", "Andrés López"),
    ("el quimico", "Andrés López"),     # an alias
    ("+1 619", "+16195550101"),         # a phone, typed with spaces and a plus
    ("7abc", "7ABC123"),                # a plate prefix
    ("san ysid", "San Ysidro"),
])
def test_search_finds_names_aliases_phones_plates(sample_store, text, caption):
    assert caption in [m.caption for m in search_entities(sample_store, text)]


def test_search_by_exact_id_and_hostile_text(sample_store):
    andres = entity_id("sample", "Person", ["Andrés López"])
    assert search_entities(sample_store, andres)[0].id == andres
    for text in ['") DETACH DELETE n //', "*", "~:[", "", "   "]:
        assert search_entities(sample_store, text) == []


def test_neighbourhood_is_capped_and_says_so(sample_store):
    port = entity_id("sample", "PortOfEntry", ["2604"])
    full = neighbourhood(sample_store, port)
    assert not full.capped
    assert full.total_neighbours == full.shown_neighbours == len(full.nodes) - 1
    capped = neighbourhood(sample_store, port, limit=2)
    assert capped.capped and capped.shown_neighbours == 2 and capped.total_neighbours == full.total_neighbours
    shown = {n["id"] for n in capped.nodes}
    assert all(e["source"] in shown and e["target"] in shown for e in capped.edges)


def test_neighbourhood_edges_are_the_stored_relationships(sample_store):
    courier = entity_id("sample", "Person", ["Daniel Reyes"])
    sub = neighbourhood(sample_store, courier)
    types = {e["type"] for e in sub.edges if courier in (e["source"], e["target"])}
    assert {"USES", "CROSSED_AT", "MEMBER_OF", "ARRESTED", "TRANSPORTED_BY"} <= types


def test_entity_details_and_missing_entity(sample_store):
    d = entity_details(sample_store, entity_id("sample", "PortOfEntry", ["2504"]))
    assert d["label"] == "PortOfEntry" and d["caption"] == "San Ysidro" and d["degree"] > 0
    with pytest.raises(EntityNotFound):
        entity_details(sample_store, "nope")
    with pytest.raises(EntityNotFound):
        neighbourhood(sample_store, "nope")


def test_neighbourhood_by_link_type_and_date_window(sample_store):
    courier = entity_id("sample", "Person", ["Daniel Reyes"])
    rows = sample_store.read("MATCH (c:Entity {id: $id})-[r]-(m:Entity) RETURN m.id AS m, type(r) AS t, r.date AS d",
                             id=courier)
    only_uses = neighbourhood(sample_store, courier, rel_types=["USES"])
    assert {n["id"] for n in only_uses.nodes} - {courier} == {r["m"] for r in rows if r["t"] == "USES"}
    dated = sorted(r["d"] for r in rows if r["d"] is not None)
    assert dated, "the sample courier has dated links"
    first = dated[0].to_native()
    window = neighbourhood(sample_store, courier, start=first, end=first)
    expected = {r["m"] for r in rows if r["d"] is None or r["d"].to_native() == first}
    assert {n["id"] for n in window.nodes} - {courier} == expected
    before = neighbourhood(sample_store, courier, end=first - dt.timedelta(days=1))
    undated = {r["m"] for r in rows if r["d"] is None}
    assert {n["id"] for n in before.nodes} - {courier} == undated
    assert before.total_neighbours == len(undated) < neighbourhood(sample_store, courier).total_neighbours
    with pytest.raises(Exception, match="unknown relationship type"):
        neighbourhood(sample_store, courier, rel_types=["NOT_A_TYPE"])
