"""Projection of Neo4j subgraphs into networkx equals what was loaded."""

import datetime as dt

import networkx as nx
import pytest

from chokepoint.graph.errors import UnknownName
from chokepoint.graph.ids import entity_id
from chokepoint.graph.projection import project


def test_whole_graph_projection_equals_the_database(sample_store):
    g = project(sample_store)
    counts = sample_store.counts()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == sum(counts["labels"].values())
    assert g.number_of_edges() == sum(counts["relationships"].values())
    by_type = {}
    for _, _, t in g.edges(data="type"):
        by_type[t] = by_type.get(t, 0) + 1
    assert by_type == counts["relationships"]


def test_projection_keeps_properties_and_types(sample_store):
    g = project(sample_store)
    andres = entity_id("sample", "Person", ["Andrés López"])
    assert g.nodes[andres]["label"] == "Person"
    assert g.nodes[andres]["dob"] == dt.date(1979, 4, 12)
    tijuana = entity_id("sample", "Location", ["Tijuana"])
    san_ysidro = entity_id("sample", "PortOfEntry", ["2504"])
    legs = list(g.get_edge_data(tijuana, san_ysidro).values())
    assert [(e["type"], e["quantity"], e["date"]) for e in legs] == [("SHIPPED_TO", 15.0, dt.date(2024, 3, 5))]


def test_filtered_projection(sample_store):
    g = project(sample_store, labels=["Phone"], rel_types=["CALLED"])
    assert {d["label"] for _, d in g.nodes(data=True)} == {"Phone"}
    assert g.number_of_nodes() == sample_store.counts()["labels"]["Phone"]
    assert g.number_of_edges() == sample_store.counts()["relationships"]["CALLED"]
    assert project(sample_store, dataset="no-such-dataset").number_of_nodes() == 0


def test_unknown_names_are_refused(sample_store):
    with pytest.raises(UnknownName):
        project(sample_store, labels=["Persn"])
    with pytest.raises(UnknownName):
        project(sample_store, rel_types=["KNOWS"])
