"""Supply routes, flow, cuts and what-if on shipments loaded into the real Neo4j."""

import datetime as dt

import networkx as nx
import pytest

from chokepoint.graph.ids import entity_id
from chokepoint.loaders.load import load_records
from chokepoint.queries.routes import (chokepoints, flow_graph, max_flow, port_volumes, routes_by_corridor, supply_routes,
                            what_if)

LEGS = [  # id, from, from_type, to, to_type, kg, date, courier, port
    ("S1", "Lab Uno", "Lab", "Bodega", "Location", 10, "2024-01-01", "", ""),
    ("S2", "Lab Dos", "Lab", "Bodega", "Location", 20, "2024-01-02", "", ""),
    ("S3", "Bodega", "Location", "Stash X", "Location", 15, "2024-01-05", "Carla Uno", "2504"),
    ("S4", "Bodega", "Location", "Stash Y", "Location", 12, "2024-01-06", "Carla Dos", "2604"),
    ("S5", "Stash X", "Location", "Market", "Location", 15, "2024-01-10", "", ""),
    ("S6", "Stash Y", "Location", "Market", "Location", 12, "2024-01-03", "", ""),   # before S4: no route
    ("S7", "Lab Uno", "Lab", "Stash Y", "Location", 5, "2024-01-04", "Carla Tres", "2604"),
    ("S8", "Stash Y", "Location", "Market", "Location", 5, "2024-01-08", "", ""),
]


def eid(label, key):
    return entity_id("routes", label, [key])


LAB1, LAB2, BODEGA, X, Y, MARKET = (eid("Lab", "Lab Uno"), eid("Lab", "Lab Dos"), eid("Location", "Bodega"),
                                     eid("Location", "Stash X"), eid("Location", "Stash Y"),
                                     eid("Location", "Market"))


@pytest.fixture(scope="module")
def goods(store, tmp_path_factory):
    d = tmp_path_factory.mktemp("routes")
    (d / "shipments.csv").write_text(
        "shipment_id,from,from_type,to,to_type,commodity,quantity,unit,date,mode,courier,port\n"
        + "".join(f"{i},{a},{at},{b},{bt},Fentanyl pills,{kg},kg,{date},land,{c},{p}\n"
                  for i, a, at, b, bt, kg, date, c, p in LEGS), encoding="utf-8")
    (d / "ports.csv").write_text("code,name\n2504,San Ysidro\n2604,Nogales\n", encoding="utf-8")
    assert load_records(store, d, dataset="routes", rejects_path=d / "r.csv").rows_rejected == 0
    return store


def names(route):
    return [p["caption"] for p in route.places]


def test_supply_routes_are_time_respecting_chains_grouped_by_corridor(goods):
    routes = supply_routes(goods, [LAB1, LAB2], [MARKET], dataset="routes")
    assert sorted(" > ".join(names(r)) for r in routes) == [
        "Lab Dos > Bodega > Stash X > Market", "Lab Dos > Bodega > Stash Y > Market",
        "Lab Uno > Bodega > Stash X > Market", "Lab Uno > Bodega > Stash Y > Market", "Lab Uno > Stash Y > Market"]
    direct = routes[0]
    assert names(direct) == ["Lab Uno", "Stash Y", "Market"]
    assert direct.ports == ("2604",) and direct.arrival == dt.date(2024, 1, 8) and direct.kg == 5
    corridors = {g["ports"]: g for g in routes_by_corridor(routes)}
    assert {k: v["routes"] for k, v in corridors.items()} == {("2604",): 3, ("2504",): 2}
    assert corridors[("2504",)]["kg"] == 10 + 15  # smallest leg of each route
    # every route has two legs more than 3 days apart somewhere
    assert supply_routes(goods, [LAB1, LAB2], [MARKET], dataset="routes", max_gap_days=3) == []


def test_max_flow_names_couriers_and_ports_and_its_cut_stops_everything(goods):
    g = flow_graph(goods, "routes")
    courier2, port2604 = eid("Person", "Carla Dos"), eid("PortOfEntry", "2604")
    assert g[BODEGA][courier2]["capacity"] == 12 and g[courier2][port2604]["capacity"] == 12
    assert g[port2604][Y]["capacity"] == 17  # two legs cross at Nogales into Stash Y
    result = max_flow(g, [LAB1, LAB2], [MARKET])
    assert result.value == 32  # Bodega passes 27 (15 + 12), Lab Uno's direct leg 5
    assert sum(c for _, _, c in result.cut_links) == 32
    cut = g.copy()
    cut.remove_edges_from((u, v) for u, v, _ in result.cut_links)
    assert not any(nx.has_path(cut, s, MARKET) for s in (LAB1, LAB2))
    assert result.throughput[0] == (BODEGA, 27)
    assert dict(result.throughput)[port2604] == 17
    # without the couriers and ports in the way, the same flow; counting legs instead of kilograms
    assert max_flow(flow_graph(goods, "routes", through=()), [LAB1, LAB2], [MARKET]).value == 32
    assert max_flow(flow_graph(goods, "routes", capacity="shipments"), [LAB1, LAB2], [MARKET]).value == 3


def test_what_if_removing_the_staging_house(goods):
    g = flow_graph(goods, "routes")
    result = what_if(g, [LAB1, LAB2], [MARKET], [BODEGA])
    assert result.before["max_flow"] == 32 and result.after["max_flow"] == 5
    assert (result.before["connected_pairs"], result.after["connected_pairs"]) == (2, 1)
    # routes in the flow graph: Lab Uno 3 (via Stash X, via Stash Y, direct to Y), Lab Dos 2; then Lab Uno's direct one
    assert (result.before["routes"], result.after["routes"]) == (5, 1)
    assert result.after["largest_component"] < result.before["largest_component"]
    assert result.after["fragmentation"] > result.before["fragmentation"]


def test_node_cut_and_port_volumes(goods):
    # Lab Uno ships straight to Stash Y: only removing an end would cut that, so there is no chokepoint
    assert chokepoints(goods, [LAB1, LAB2], [X, Y], "routes") == set()
    assert chokepoints(goods, [LAB2], [MARKET], "routes") == {BODEGA}
    volumes = port_volumes(goods, "routes")
    assert [(v.code, v.kg, v.shipments) for v in volumes] == [("2604", 17.0, 2), ("2504", 15.0, 1)]
    january_first_week = port_volumes(goods, "routes", dt.date(2024, 1, 1), dt.date(2024, 1, 5))
    assert [(v.code, v.kg) for v in january_first_week] == [("2504", 15.0), ("2604", 5.0)]


def test_routes_cli_reports_corridors_flow_cut_and_what_if(goods, neo4j_env):
    import json

    from typer.testing import CliRunner

    from chokepoint.cli.main import app

    result = CliRunner().invoke(app, ["routes", "--from", LAB1, "--from", "Lab Dos", "--to", "Market",
                                      "--remove", "Bodega", "--dataset", "routes", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["routes"] == 5 and report["max_flow"] == 32
    assert report["what_if"]["after"]["max_flow"] == 5
    text = CliRunner().invoke(app, ["routes", "--from", LAB1, "--to", MARKET, "--dataset", "routes"]).output
    assert "via 2604: 2 route(s)" in text and "max flow 15.0 kg" in text  # Lab Uno ships 10 + 5


def test_best_removals_pick_the_staging_house_then_the_port_and_disrupt_cli(goods, neo4j_env):
    import json

    from typer.testing import CliRunner

    from chokepoint.cli.main import app
    from chokepoint.queries.routes import best_removals

    g = flow_graph(goods, "routes")
    picked = best_removals(g, [LAB1, LAB2], [MARKET], 2)
    # the first pick is the single removal that leaves the least flow
    first, left = picked[0]
    assert left == min(max_flow(_without(g, n), [LAB1, LAB2], [MARKET]).value for n in g if n not in (LAB1, LAB2, MARKET))
    assert picked[1][1] == 0  # two removals stop everything (Stash X and Stash Y, or Bodega and Nogales)
    result = CliRunner().invoke(app, ["disrupt", "--from", "Lab Uno", "--from", "Lab Dos", "--to", "Market",
                                      "--best", "2", "--dataset", "routes", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["flow"]["before"]["max_flow"] == 32 and report["flow"]["after"]["max_flow"] == 0
    assert [r["id"] for r in report["removed"]] == [n for n, _ in picked]
    assert report["graph"] == "undirected simple graph of the scope"
    assert report["after"]["entities"] == report["before"]["entities"] - 2
    result = CliRunner().invoke(app, ["disrupt", "--from", "Lab Uno", "--to", "Market", "--dataset", "routes"])
    assert result.exit_code != 0  # neither --remove nor --best


def _without(g, node):
    h = g.copy()
    h.remove_node(node)
    return h
