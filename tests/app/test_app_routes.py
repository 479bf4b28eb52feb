"""The Routes panel: routes drawn left to right by stage, the max flow and its cut, what-if removals.

Pure helpers on tiny inputs; the query additions (roles, date windows, distinct route chains) against
the real Neo4j on the generated poe-couriers case; and two user journeys in headless Chromium, with
expected answers from the case's truth.json and from ``queries.routes``.
"""

import datetime as dt
import doctest

import networkx as nx
import pytest

from chokepoint.app import view
from chokepoint.app.forms import parse_day
from chokepoint.app.panels import routes as panel
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.queries import routes as rq

CY = "document.querySelector('#cy')._cyreg.cy"
DATASET = "case"


# -- pure helpers ------------------------------------------------------------------------------------
def test_doctests_of_the_panel():
    assert doctest.testmod(panel).failed == 0


INFOS = {
    "sup": {"label": "Organization", "roles": ["supplier"], "caption": "Sup"},
    "front": {"label": "Organization", "roles": ["front_company"], "caption": "Front"},
    "lab": {"label": "Lab", "caption": "Lab"},
    "bodega": {"label": "Location", "kind": "staging_house", "caption": "Bodega"},
    "carla": {"label": "Person", "caption": "Carla"},
    "poe": {"label": "PortOfEntry", "caption": "San Ysidro"},
    "stash": {"label": "Location", "kind": "stash_house", "caption": "Stash"},
    "dist": {"label": "Person", "caption": "Distributor"},
    "market": {"label": "Location", "kind": "market", "caption": "Market"},
}
CHAIN = ["sup", "front", "lab", "bodega", "carla", "poe", "stash", "dist", "market"]


def test_stages_run_left_to_right_from_supplier_to_market_with_carriers_after_the_place_they_leave():
    column = panel.stages([CHAIN], INFOS)
    assert [column[n] for n in CHAIN] == sorted(column[n] for n in CHAIN)
    assert len(set(column.values())) == len(CHAIN)  # each its own column
    # a carrier of a second, shorter chain does not move left of where the longer one put it
    assert panel.stages([CHAIN, ["lab", "carla", "bodega"]], INFOS)["carla"] == column["carla"]


def test_routes_change_draws_by_stage_with_volumes_scaled_and_the_cut_marked():
    chains = [CHAIN, ["lab", "bodega", "carla", "poe", "stash"]]
    capacity = {(u, v): float(i + 1) for i, (u, v) in enumerate(zip(CHAIN, CHAIN[1:]))}
    ch = panel.routes_change(chains, INFOS, capacity, cut={"bodega"}, cut_links={("carla", "poe")}, notice="n")
    assert ch["op"] == "replace" and ch["layout"]["name"] == "preset" and ch["notice"] == "n"
    drawn = view.apply([], ch)
    x = {e["data"]["id"]: e["position"]["x"] for e in drawn if view.is_node(e)}
    assert set(x) == set(CHAIN)
    assert all(x[u] < x[v] for u, v in zip(CHAIN, CHAIN[1:]))
    links = {(e["data"]["source"], e["data"]["target"]): e for e in drawn if not view.is_node(e)}
    assert set(links) == set(zip(CHAIN, CHAIN[1:]))  # the shorter chain's links are the longer one's
    weights = {k: e["data"]["weight"] for k, e in links.items()}
    assert max(weights.values()) == 1 and min(weights.values()) > 0
    assert weights[("dist", "market")] == 1 and weights[("sup", "front")] == pytest.approx(1 / 8)
    assert links[("carla", "poe")]["data"]["volume"] == 5.0 and "5.0 kg" == links[("carla", "poe")]["data"]["type"]
    marked = {e["data"]["id"] for e in drawn if "cut" in (e.get("classes") or "").split()}
    assert marked == {"bodega", "flow:carla>poe"}


def test_between_ranked_cut_and_dates():
    g = nx.DiGraph([("s", "a"), ("a", "t"), ("s", "b"), ("c", "t"), ("t", "d")])
    assert rq.between(g, ["s"], ["t"]) == {"s", "a", "t"}
    assert rq.between(g, ["s"], ["missing"]) == set()
    assert panel.ranked_cut(["a", "b"], [("b", 2.0), ("a", 2.0)]) == [("a", 2.0), ("b", 2.0)]
    assert parse_day(" 2024-05-02 ", "From") == dt.date(2024, 5, 2) and parse_day("", "From") is None
    with pytest.raises(ChokepointError, match="From is not a date"):
        parse_day("2024-02-31", "From")


# -- the query additions, against the real Neo4j ---------------------------------------------------
def truth_ids(truth, role, label):
    return {entity_id(DATASET, label, [e["key"]]) for e in truth["entities"] if e["role"] == role}


def ends(store, role):
    return [e["id"] for e in rq.route_ends(store, role, DATASET)]


def test_route_ends_by_role_are_truths_entities_of_that_role(case_store):
    store, truth = case_store
    assert set(ends(store, "lab")) == truth_ids(truth, "lab", "Lab")
    assert set(ends(store, "market")) == truth_ids(truth, "market", "Location")
    assert set(ends(store, "stash_house")) == truth_ids(truth, "stash", "Location")
    assert set(ends(store, "staging_house")) == truth_ids(truth, "staging", "Location")
    assert set(ends(store, "supplier")) == truth_ids(truth, "supplier", "Organization")
    assert set(ends(store, "port")) == truth_ids(truth, "port_of_entry", "PortOfEntry")
    with pytest.raises(ChokepointError, match="unknown role"):
        rq.route_ends(store, "Lab) DETACH DELETE (n", DATASET)
    assert rq.goods_datasets(store) == [DATASET]
    lab = ends(store, "lab")[0]
    assert rq.describe(store, [lab])[lab]["label"] == "Lab"


PHASE2 = (dt.date(2024, 5, 2), dt.date(2024, 8, 31))
CARRIERS = """
MATCH (s:Shipment) WHERE s.dataset = $dataset
OPTIONAL MATCH (s)-[:ENTERED_AT]->(e:PortOfEntry) OPTIONAL MATCH (s)-[:TRANSPORTED_BY]->(c:Person)
RETURN s.shipment_id AS id, head(collect(DISTINCT c.id)) AS courier, head(collect(DISTINCT e.id)) AS port
"""


def expanded(route, carriers):
    """A supply route's places with each leg's courier and port put on its way."""
    out = [route.places[0]["id"]]
    for leg, place in zip(route.legs, route.places[1:]):
        out += [n for n in carriers.get(leg["shipment_id"], ()) if n]
        out.append(place["id"])
    return tuple(out)


@pytest.mark.parametrize("gap", [None, 3, 10])
def test_route_chains_are_the_distinct_ways_of_the_supply_routes(case_store, gap):
    store, _ = case_store
    labs, markets = ends(store, "lab"), ends(store, "market")
    routes = rq.supply_routes(store, labs, markets, DATASET, max_gap_days=gap, limit=100_000,
                              start=PHASE2[0], end=PHASE2[1])
    assert routes and all(PHASE2[0] <= leg["date"] <= PHASE2[1] for r in routes for leg in r.legs)
    carriers = {r["id"]: (r["courier"], r["port"]) for r in store.read(CARRIERS, dataset=DATASET)}
    chains, count, stopped = rq.route_chains(store, labs, markets, DATASET, max_gap_days=gap, start=PHASE2[0],
                                             end=PHASE2[1], limit=10_000)
    assert not stopped and count == len(chains)
    assert {c.nodes for c in chains} == {expanded(r, carriers) for r in routes}
    if gap is None:
        assert len(chains) < len(routes)  # one way, many combinations of its legs
    graph = rq.flow_graph(store, DATASET, start=PHASE2[0], end=PHASE2[1])
    assert all(graph.has_edge(u, v) for c in chains for u, v in zip(c.nodes, c.nodes[1:]))
    assert [c.kg for c in chains] == sorted((c.kg for c in chains), reverse=True)
    top, total, _ = rq.route_chains(store, labs, markets, DATASET, max_gap_days=gap, start=PHASE2[0],
                                    end=PHASE2[1], limit=2)
    assert total == count and [c.nodes for c in top] == [c.nodes for c in chains[:2]]


def test_flow_graph_in_a_window_carries_only_the_legs_dated_in_it(case_store):
    store, _ = case_store
    labs = ends(store, "lab")
    legs = store.read("MATCH (l:Lab)-[r:SHIPPED_TO]->() WHERE l.id IN $labs AND r.date >= $a AND r.date <= $b "
                      "RETURN sum(r.quantity) AS kg", labs=labs, a=PHASE2[0], b=PHASE2[1])[0]["kg"]
    graph = rq.flow_graph(store, DATASET, start=PHASE2[0], end=PHASE2[1])
    assert sum(d["capacity"] for lab in labs if lab in graph for _, _, d in graph.out_edges(lab, data=True)) \
        == pytest.approx(legs)
    whole = rq.flow_graph(store, DATASET)
    assert sum(d["capacity"] for lab in labs for _, _, d in whole.out_edges(lab, data=True)) > legs


def test_a_port_of_entry_as_sink_ends_each_route_at_that_port(case_store):
    store, _ = case_store
    port = ends(store, "port")[0]
    chains, count, _ = rq.route_chains(store, ends(store, "lab"), [port], DATASET)
    assert count and all(c.nodes[-1] == port and c.ports == (port,) for c in chains)


# -- the user journeys in the browser ---------------------------------------------------------------
def show_routes(page, url):
    page.goto(url)
    page.wait_for_selector("#cy canvas")
    page.locator(".tab", has_text="Routes").click()
    page.locator("#routes-dataset", has_text=DATASET).wait_for()   # the only dataset, chosen for the user
    page.locator("#routes-sources", has_text="labs").wait_for()
    page.locator("#routes-sinks", has_text="markets").wait_for()
    page.click("#routes-run")
    page.wait_for_function(f"() => {CY}.nodes('.cut').length > 0")
    page.locator("#routes-max-flow").wait_for()


def expected_flow(store):
    labs, markets = ends(store, "lab"), ends(store, "market")
    graph = rq.flow_graph(store, DATASET)
    return labs, markets, graph, rq.max_flow(graph, labs, markets)


@pytest.mark.browser
def test_routes_are_drawn_left_to_right_with_the_cut_marked(case_store, make_app, page):
    store, truth = case_store
    show_routes(page, make_app(store))
    labs, markets, graph, flow = expected_flow(store)
    cut = rq.minimum_cut(graph, labs, markets)
    assert cut == rq.chokepoints(store, labs, markets, DATASET)
    truth_cut = next(q for q in truth["questions"] if q["id"] == "lab_market_cut")["answer"]
    assert cut == {entity_id(DATASET, "Location", [k]) for k in truth_cut}
    assert set(page.evaluate(f"() => {CY}.nodes('.cut').map(n => n.id())")) == cut

    x = page.evaluate(f"() => Object.fromEntries({CY}.nodes().map(n => [n.id(), n.position('x')]))")
    links = page.evaluate(f"() => {CY}.edges().map(e => [e.source().id(), e.target().id(), e.data('weight')])")
    assert links and all(x[u] < x[v] for u, v, _ in links)   # every drawn link runs left to right
    assert max(w for _, _, w in links) == 1 and all(0 < w <= 1 for _, _, w in links)
    for r in truth["routes"]:  # every true route is drawn, its stages in order from left to right
        stops = [entity_id(DATASET, "Lab", [r["lab"]]), entity_id(DATASET, "Location", [r["staging"]]),
                 entity_id(DATASET, "PortOfEntry", [r["port"]]), entity_id(DATASET, "Location", [r["stash"]]),
                 entity_id(DATASET, "Location", [r["market"]])]
        assert all(s in x for s in stops), r
        assert [x[s] for s in stops] == sorted(x[s] for s in stops) and len({x[s] for s in stops}) == 5

    assert page.inner_text("#routes-max-flow") == f"{flow.value:,.1f}"
    cut_table = page.inner_text("#routes-cut-table")
    assert all(rq.describe(store, cut)[n]["caption"] in cut_table for n in cut)
    corridors = page.inner_text("#routes-corridor-table")
    names = {e["key"]: e.get("name") for e in truth["entities"] if e["label"] == "PortOfEntry"}
    assert all(names[r["port"]] in corridors for r in truth["routes"])
    assert "distinct time-respecting route(s)" in page.inner_text("#notice")


@pytest.mark.browser
def test_what_if_removing_the_cut_stops_the_flow_and_greedy_best_k_matches_the_query(case_store, make_app, page):
    store, _ = case_store
    show_routes(page, make_app(store))
    labs, markets, graph, flow = expected_flow(store)
    cut = rq.minimum_cut(graph, labs, markets)

    page.click("#routes-use-cut")
    page.locator("#routes-after-max_flow").wait_for()
    result = rq.what_if(graph, labs, markets, cut)
    assert result.after["max_flow"] == 0
    for key in panel.FIGURES:
        assert page.inner_text(f"#routes-before-{key}") == panel.figure_text(key, result.before[key])
        assert page.inner_text(f"#routes-after-{key}") == panel.figure_text(key, result.after[key])
    assert page.inner_text("#routes-before-max_flow") == panel.figure_text("max_flow", flow.value)
    assert page.inner_text("#routes-after-max_flow") == panel.figure_text("max_flow", 0.0)
    page.wait_for_function(f"() => {CY}.nodes('.removed').length === {len(cut)}")
    assert set(page.evaluate(f"() => {CY}.nodes('.removed').map(n => n.id())")) == cut
    # the routes keep their colours and their cut
    assert set(page.evaluate(f"() => {CY}.nodes('.cut').map(n => n.id())")) == cut
    assert page.evaluate(f"() => {CY}.nodes('.Lab').length") == len(labs)

    picks = [n for n, _ in rq.best_removals(graph, labs, markets, 1)]
    page.fill("#routes-best-k", "1")
    page.press("#routes-best-k", "Enter")
    page.click("#routes-best")
    page.wait_for_function(f"() => {CY}.nodes('.removed').map(n => n.id()).join() === {','.join(picks)!r}")
    best = rq.what_if(graph, labs, markets, picks)
    page.locator("#routes-after-max_flow", has_text=panel.figure_text("max_flow", best.after["max_flow"])).wait_for()
    assert page.inner_text("#routes-after-routes") == panel.figure_text("routes", best.after["routes"])
