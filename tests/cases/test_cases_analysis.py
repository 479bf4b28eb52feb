"""The analysis use cases (chokepoint.cases.paths, .routes, .ranking, .structure) against the real Neo4j, on a
small shipments case; each result is checked against networkx run here on the same graph read back by Cypher
(or, for the flow, on the legs as written)."""

from __future__ import annotations

import networkx as nx
import pytest

from chokepoint.cases import paths, ranking, routes, structure
from chokepoint.cases.scope import BadParameter, EmptyGraph, Scope, scope
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.loaders.load import load_records

DATASET = "cases-analysis"
LEGS = [  # id, from, from_type, to, to_type, kg, date, courier, port
    ("S1", "Lab Uno", "Lab", "Bodega", "Location", 10, "2024-01-01", "", ""),
    ("S2", "Lab Dos", "Lab", "Bodega", "Location", 20, "2024-01-02", "", ""),
    ("S3", "Bodega", "Location", "Stash X", "Location", 15, "2024-01-05", "Carla Uno", "2504"),
    ("S4", "Bodega", "Location", "Stash Y", "Location", 12, "2024-01-06", "Carla Dos", "2604"),
    ("S5", "Stash X", "Location", "Market", "Location", 15, "2024-01-10", "", ""),
    ("S6", "Stash Y", "Location", "Market", "Location", 12, "2024-01-03", "", ""),
    ("S7", "Lab Uno", "Lab", "Stash Y", "Location", 5, "2024-01-04", "Carla Tres", "2604"),
    ("S8", "Stash Y", "Location", "Market", "Location", 5, "2024-01-08", "", ""),
]


def eid(label, key):
    return entity_id(DATASET, label, [key])


LAB1, LAB2, BODEGA, MARKET = eid("Lab", "Lab Uno"), eid("Lab", "Lab Dos"), eid("Location", "Bodega"), \
    eid("Location", "Market")


@pytest.fixture(scope="module")
def goods(store, tmp_path_factory):
    """The shipments loaded, and the dataset's graph read back here (a MultiDiGraph of entity ids)."""
    d = tmp_path_factory.mktemp("cases-analysis")
    (d / "shipments.csv").write_text(
        "shipment_id,from,from_type,to,to_type,commodity,quantity,unit,date,mode,courier,port\n"
        + "".join(f"{i},{a},{at},{b},{bt},Fentanyl pills,{kg},kg,{date},land,{c},{p}\n"
                  for i, a, at, b, bt, kg, date, c, p in LEGS), encoding="utf-8")
    (d / "ports.csv").write_text("code,name\n2504,San Ysidro\n2604,Nogales\n", encoding="utf-8")
    assert load_records(store, d, dataset=DATASET, rejects_path=d / "r.csv").rows_rejected == 0
    g = nx.MultiDiGraph()
    g.add_nodes_from(r["id"] for r in store.read("MATCH (n:Entity {dataset: $d}) RETURN n.id AS id", d=DATASET))
    g.add_edges_from((r["a"], r["b"]) for r in store.read(
        "MATCH (a:Entity {dataset: $d})-[]->(b:Entity {dataset: $d}) RETURN a.id AS a, b.id AS b", d=DATASET))
    return store, g


def place_flow(without=()):
    """Max flow from the labs to the market over the legs as written (kilograms, places only)."""
    g = nx.DiGraph()
    for _, a, _, b, _, kg, *_ in LEGS:
        if a in without or b in without:
            continue
        g.add_edge(a, b, capacity=g.get_edge_data(a, b, {"capacity": 0})["capacity"] + kg)
    g.add_edge("source", "Lab Uno", capacity=float("inf"))
    g.add_edge("source", "Lab Dos", capacity=float("inf"))
    return nx.maximum_flow_value(g, "source", "Market") if "Market" in g else 0


# -- paths ---------------------------------------------------------------------------------------
def test_a_path_report_finds_the_shortest_paths_by_id_and_by_name(goods):
    store, g = goods
    hops = nx.shortest_path_length(g.to_undirected(), LAB2, MARKET)
    found = paths.path_report(store, LAB2, MARKET, "shortest")
    assert (found.source, found.target, found.mode) == (LAB2, MARKET, "shortest")
    assert len(found.paths) == 1 and found.paths[0].hops == hops
    assert found.paths[0].ids[0] == LAB2 and found.paths[0].ids[-1] == MARKET
    assert paths.path_report(store, "Lab Dos", "Market", "shortest", by_name=True).paths == found.paths
    k = paths.path_report(store, LAB2, MARKET, "k", k=3)
    assert [p.hops for p in k.paths] == sorted(p.hops for p in k.paths) and k.paths[0].hops == hops
    assert found.as_dict()["paths"] == [p.as_dict() for p in found.paths]
    # a filter that leaves only shipments: the places alone, as in the legs
    legs = nx.Graph((a, b) for _, a, _, b, *_ in LEGS)
    only = paths.path_report(store, LAB2, MARKET, "shortest", paths.path_filter(["SHIPPED_TO"]))
    assert only.paths[0].hops == nx.shortest_path_length(legs, "Lab Dos", "Market")
    assert paths.end_label(store, MARKET).startswith("Market")


def test_all_paths_say_when_there_are_more_and_bad_asks_fail_before_any_query(goods):
    store, g = goods
    simple = nx.Graph(g.to_undirected())
    many = list(nx.all_simple_paths(simple, LAB1, MARKET, cutoff=4))
    assert len(many) > 1
    one = paths.path_report(store, LAB1, MARKET, "all", limit=1, tell_more=True)
    assert len(one.paths) == 1 and one.more
    assert not paths.path_report(store, LAB1, MARKET, "all", limit=1).more  # not asked to tell
    with pytest.raises(ChokepointError, match="unknown path mode"):
        paths.path_report(store, LAB1, MARKET, "widest")
    with pytest.raises(ChokepointError, match="same entity"):
        paths.path_report(store, LAB1, LAB1)
    with pytest.raises(paths.NoPath):
        paths.path_report(store, LAB1, LAB2, "shortest", paths.path_filter(["CALLED"]))


# -- routes --------------------------------------------------------------------------------------
def test_a_routes_report_has_the_flow_its_cut_and_a_what_if(goods):
    store, _ = goods
    report = routes.routes_report(store, [LAB1, LAB2], [MARKET], DATASET, remove=[BODEGA])
    assert report.flow.value == place_flow() == 32
    assert report.what_if.after["max_flow"] == place_flow(without={"Bodega"}) == 5
    assert sum(c.routes for c in report.corridors) == report.found == len(report.routes) == 5
    assert report.caption(BODEGA) == "Bodega" and report.caption("nobody") == "nobody"
    assert set(report.cut) <= set(report.candidates) and report.unit == "kg"
    # the cut stops everything: without its links no lab reaches the market in the flow graph
    flow = nx.DiGraph(list(report.capacity))
    flow.remove_edges_from((u, v) for u, v, _ in report.flow.cut_links)
    assert not any(nx.has_path(flow, s, MARKET) for s in (LAB1, LAB2) if s in flow)
    printed = report.as_dict()
    assert printed["max_flow"] == 32 and printed["routes"] == 5 and printed["what_if"]["after"]["max_flow"] == 5
    by_name = routes.routes_report(store, ["Lab Uno", "Lab Dos"], ["Market"], DATASET, by_name=True)
    assert by_name.sources == (LAB1, LAB2) and by_name.flow.value == 32 and by_name.what_if is None


def test_a_disruption_report_removes_what_it_is_told_or_the_best(goods):
    store, _ = goods
    told = routes.disruption_report(store, [LAB1, LAB2], [MARKET], DATASET, remove=[BODEGA])
    assert told.removed == (BODEGA,) and told.before["max_flow"] == 32 and told.after["max_flow"] == 5
    assert told.as_dict()["removed"] == [{"id": BODEGA, "caption": "Bodega"}]
    best = routes.disruption_report(store, [LAB1, LAB2], [MARKET], DATASET, best=1)
    assert best.removed == (BODEGA,) and best.flow_left == (5.0,)
    with pytest.raises(ChokepointError, match="one of them"):
        routes.disruption_report(store, [LAB1], [MARKET], DATASET)


# -- ranking -------------------------------------------------------------------------------------
def test_a_ranking_matches_networkx_and_can_be_stored(goods):
    store, g = goods
    where = scope(dataset=DATASET)
    report = ranking.ranking(store, "pagerank", where, top=3)
    simple = nx.DiGraph(g)
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    expected = nx.pagerank(simple, tol=1e-13)
    assert report.scores == pytest.approx(expected, abs=1e-9)
    assert [s.id for s in report.top] == sorted(expected, key=lambda n: (-expected[n], n))[:3]
    assert report.written is None and report.as_dict()["top"][0]["id"] == report.top[0].id
    stored = ranking.ranking(store, "pagerank", where, write="score_pr")
    assert stored.written == g.number_of_nodes()
    back = {r["id"]: r["s"] for r in store.read(
        "MATCH (n:Entity {dataset: $d}) RETURN n.id AS id, n.score_pr AS s", d=DATASET)}
    assert back == pytest.approx(stored.scores)
    # a form's choices: options a measure does not take are dropped; an empty scope fails first
    form = ranking.ranking(store, "closeness", where, method="auto", weight="kg", directed=True)
    assert form.ranking.options.get("directed") is True and "weight" not in form.ranking.options
    with pytest.raises(EmptyGraph):
        ranking.ranking(store, "degree", Scope(dataset="no-such-dataset"), method="auto")


# -- structure -----------------------------------------------------------------------------------
def test_structure_reports_match_networkx(goods):
    store, g = goods
    where = scope(dataset=DATASET)
    simple = nx.Graph(g.to_undirected())
    cuts = structure.cut_points(store, where)
    assert set(cuts.points) == set(nx.articulation_points(simple))
    assert {frozenset(p) for p in cuts.bridges} == {frozenset(p) for p in nx.bridges(simple)}
    assert (cuts.nodes, cuts.relationships) == (g.number_of_nodes(), g.number_of_edges())
    assert [s.score for s in cuts.by_neighbours] == sorted((float(simple.degree(v)) for v in cuts.points),
                                                            reverse=True)[:10]
    parts = structure.components(store, where, cores=True)
    assert sorted(map(len, parts.parts), reverse=True) == sorted(map(len, nx.weakly_connected_components(g)),
                                                                 reverse=True)
    assert parts.summary["strong"] == nx.number_strongly_connected_components(g)
    found = structure.communities(store, where)
    assert set().union(*found.groups) == set(g.nodes) and sum(map(len, found.groups)) == g.number_of_nodes()
    assert found.modularity == pytest.approx(nx.community.modularity(simple, found.groups), abs=1e-6)
    players = structure.key_players(store, where, k=2)
    assert len(players.players) == 2 and players.after >= players.before


def test_structure_report_answers_each_analysis_by_name(goods):
    store, _ = goods
    where = scope(dataset=DATASET)
    assert structure.structure_report(store, "articulation-points", where).bridges is None
    assert structure.structure_report(store, "bridges", where).points is None
    parts = structure.structure_report(store, "components", where)
    assert isinstance(parts, structure.Components)
    players = structure.structure_report(store, "key-players", where, k=1)
    assert isinstance(players, structure.KeyPlayers)
    # each report says which implementation ran (queries.backends: igraph for components on auto)
    assert (parts.as_dict()["backend"], players.as_dict()["backend"]) == ("igraph", "networkx")
    assert structure.structure_report(store, "bridges", where).as_dict()["backend"] == "igraph"
    brokers = structure.structure_report(store, "brokers", where)
    assert isinstance(brokers, structure.Brokers) and brokers.ungrouped == 0
    assert set(structure.structure_report(store, "communities", where).as_dict()) == {
        "method", "backend", "modularity", "groups", "count"}
    with pytest.raises(BadParameter, match="unknown analysis"):
        structure.structure_report(store, "cliques", where)
    with pytest.raises(EmptyGraph):  # every analysis, before any runs
        structure.structure_report(store, "bridges", Scope(dataset="no-such-dataset"))
