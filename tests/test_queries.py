"""Search and neighbourhood queries against the sample case in the real Neo4j."""

import pytest

from graph.errors import EntityNotFound
from graph.ids import entity_id
from queries.neighbourhood import entity_details, neighbourhood
from queries.search import search_entities


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
