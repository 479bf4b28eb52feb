"""The Analytics panel: its pure helpers, the canvas-scope projection, and three journeys in Chromium
(size the canvas by PageRank, colour it by community, mark key players), each checked against the
queries API on the same scope."""

import datetime as dt
import doctest

import networkx as nx
import pytest

from chokepoint.app import view
from chokepoint.app.forms import parse_day
from chokepoint.app.panels import analytics as a
from chokepoint.app.style import COMMUNITY_COLOURS
from chokepoint.cases import ranking as r
from chokepoint.cases import structure as cs
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.projection import Scope, project
from chokepoint.queries import centrality as c
from chokepoint.queries import structure as s


def node(i, classes=""):
    return {"data": {"id": f"n{i}", "label": f"N{i}"}, "classes": classes}


def link(x, y, i=None):
    return {"data": {"id": i or f"r{x}-{y}", "source": f"n{x}", "target": f"n{y}", "type": "CALLED"}}


# -- pure helpers ------------------------------------------------------------------------------

def test_doctests():
    assert doctest.testmod(a).failed == 0
    assert doctest.testmod(view).failed == 0


def test_paint_writes_fields_to_listed_nodes_and_clears_them_elsewhere():
    v = [node(1), node(2), node(3), link(1, 2)]
    once = view.apply(v, view.change("paint", fields=["community"], values={"n1": {"community": 0},
                                                                           "n2": {"community": 1},
                                                                           "r1-2": {"community": 5}}))
    assert [e["data"].get("community") for e in once] == [0, 1, None, None]
    again = view.apply(once, view.change("paint", fields=["community"], values={"n3": {"community": 2, "other": 9}}))
    assert [e["data"].get("community") for e in again] == [None, None, 2, None]
    assert "other" not in again[2]["data"] and again[0]["data"]["label"] == "N1"
    with pytest.raises(ValueError):
        view.apply(v, view.change("paint", fields=["id"], values={}))


def test_parse_day_and_scope():
    assert parse_day("2024-02-29") == dt.date(2024, 2, 29) and parse_day(None) is None
    with pytest.raises(ChokepointError, match="not a date"):
        parse_day("29/02/2024")
    elements = [node(2), node(1), link(1, 2)]
    scope = a.make_scope("canvas", elements, ["Person"], [], " case ", "2024-01-01", "")
    assert scope == Scope(labels=["Person"], rel_types=None, dataset="case", start=dt.date(2024, 1, 1),
                            ids=["n1", "n2"])
    assert a.make_scope("graph", elements).ids is None
    with pytest.raises(c.BadParameter, match="canvas is empty"):
        a.make_scope("canvas", [])
    with pytest.raises(c.BadParameter, match="window is empty"):
        a.make_scope("graph", [], start="2024-02-01", end="2024-01-01")


def test_measure_options_sample_big_graphs_unless_exact():
    big = r.BIG_GRAPH + 1
    options, notice = r.measure_options("betweenness", big)
    assert options == {"k": r.SAMPLE_K, "seed": 0} and "sampled" in notice and "exact" in notice
    assert r.measure_options("betweenness", big, "exact") == ({}, "")
    assert r.measure_options("betweenness", 100, "sampled", 20, 7, True) == (
        {"k": 20, "seed": 7, "directed": True}, r.measure_options("betweenness", 100, "sampled", 20, 7)[1])
    assert r.measure_options("betweenness", 10, "sampled", 20)[0] == {}  # k >= nodes: exact anyway
    assert r.measure_options("closeness", 10, directed=True) == ({"directed": True}, "")
    assert r.measure_options("pagerank", 10, weight=" ", directed=True) == ({}, "")
    for measure, _ in a.MEASURE_CHOICES:  # every option the form sends is one the measure takes
        options, _ = r.measure_options(measure, big, "auto", 3, 1, True, "kg")
        c.compute(nx.MultiDiGraph([("a", "b", {"kg": 1}), ("b", "c", {"kg": 2})]), measure, **options)


def test_canvas_scores_community_paint_and_bridges():
    elements = [node(1), node(2), node(3), link(1, 2), link(2, 1, "back"), link(2, 3)]
    assert a.canvas_scores({"n1": 1, "n2": 2.5, "zz": 9}, elements) == {"n1": 1.0, "n2": 2.5}
    n = len(COMMUNITY_COLOURS)
    paint = a.community_paint({"n1": 0, "n2": n + 1, "zz": 2}, elements)
    assert paint == {"n1": {"community": 0, "community_id": 0}, "n2": {"community": 1, "community_id": n + 1}}
    assert a.bridge_edge_ids(elements, [("n2", "n1")]) == ["r1-2", "back"]
    assert a.bridge_edge_ids(elements, []) == []


def test_entity_elements_draw_the_wanted_entities_and_their_links():
    g = nx.MultiDiGraph()
    g.add_node("a", caption="Ana", label="Person")
    g.add_node("b", caption="Bo", label="Phone")
    g.add_node("c", caption=None, label="Person")
    g.add_edge("a", "b", key="r1", type="USES")
    g.add_edge("b", "c", key="r2", type="CALLED")
    out = a.entity_elements(g, ["a", "missing"])
    assert out == [{"data": {"id": "a", "label": "Ana", "kind": "Person"}, "classes": "Person"},
                   {"data": {"id": "r1", "source": "a", "target": "b", "type": "USES"}}]
    assert [e["data"]["id"] for e in a.entity_elements(g, ["c"])] == ["c", "r2"]
    assert a.entity_elements(g, ["c"])[0]["data"]["label"] == "c"


def test_component_summary():
    g = nx.MultiDiGraph([(1, 2), (2, 3), (3, 1), (3, 4), (5, 6)])
    g.add_node(7)
    summary = cs.component_summary(g)
    assert summary["weak"] == 3 and summary["largest"] == [4, 2, 1] and summary["isolated"] == 1
    assert summary["strong"] == len(list(nx.strongly_connected_components(g)))
    assert summary["max_core"] == 2 and summary["core_members"] == [1, 2, 3] and summary["cores"][1] == 3


# -- the canvas scope against the real store -------------------------------------------------

def test_scope_ids_is_the_projection_cut_to_those_entities(case_store):
    store, _ = case_store
    whole = project(store, dataset="case")
    hub = c.rank(whole, "degree", top=1).top[0].id
    wanted = sorted({hub, *nx.all_neighbors(whole, hub)})[:40] + ["no-such-entity"]
    got = Scope(ids=wanted).project(store)
    expected = whole.subgraph(wanted)
    assert sorted(got.nodes) == sorted(expected.nodes)
    assert sorted(got.edges(keys=True)) == sorted(expected.edges(keys=True)) and got.number_of_edges() > 0
    assert dict(got.nodes(data=True)) == dict(expected.nodes(data=True))
    # label, type and date filters are the same as the full projection's
    phones = Scope(labels=["Person"], rel_types=["MEMBER_OF", "ASSOCIATED_WITH"], ids=wanted).project(store)
    full = Scope(labels=["Person"], rel_types=["MEMBER_OF", "ASSOCIATED_WITH"]).project(store)
    assert sorted(phones.edges(keys=True)) == sorted(full.subgraph(wanted).edges(keys=True))
    assert Scope(ids=wanted, dataset="other").project(store).number_of_nodes() == 0


# -- the journeys in Chromium ---------------------------------------------------------------

CY = "document.querySelector('#cy')._cyreg.cy"
CANVAS_IDS = f"() => {CY}.nodes().map(n => n.id())"


@pytest.fixture(scope="module")
def hub(case_store):
    """A well-linked entity of the case whose neighbourhood (the canvas the journeys analyse) has
    structure: several communities and at least one cut point."""
    from chokepoint.queries.neighbourhood import neighbourhood

    store, _ = case_store
    for candidate in c.rank_in_store(store, "degree", Scope(dataset="case"), top=60).top:
        around = Scope(ids=[n["id"] for n in neighbourhood(store, candidate.id).nodes])
        if len(s.communities_in_store(store, around).groups) >= 3 and s.articulation_points(around.project(store)):
            return candidate.id
    pytest.fail("no entity of the case has a neighbourhood with three communities")


def open_canvas(page, make_app, store, entity):
    """The app with ``entity`` and its neighbours drawn (a deep link), the Analytics tab open."""
    page.goto(make_app(store) + f"?entity={entity}&tab=analytics")
    page.wait_for_selector("#cy canvas")
    page.wait_for_function(f"() => {CY}.nodes().length > 5")
    page.wait_for_function(f"() => {CY}.nodes().some(n => n.id() === {entity!r})")
    return sorted(page.evaluate(CANVAS_IDS))


@pytest.mark.browser
def test_rank_on_the_canvas_and_size_the_nodes_by_it(case_store, hub, make_app, page):
    store, _ = case_store
    on_canvas = open_canvas(page, make_app, store, hub)
    page.click("#analytics-run")  # PageRank of what is on the canvas (the defaults)
    page.locator("#analytics-rank-table tbody tr").first.wait_for()
    expected = c.rank_in_store(store, "pagerank", Scope(ids=on_canvas), top=10)
    shown = page.locator("#analytics-rank-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert shown == [str(x.id) for x in expected.top]
    assert f"{expected.nodes:,} entities" in page.inner_text("#analytics-status")

    page.click("#analytics-size")
    page.wait_for_function(f"() => {CY}.nodes().every(n => n.data('size') !== undefined)")
    sizes = dict(page.evaluate(f"() => {CY}.nodes().map(n => [n.id(), n.data('size')])"))
    assert sizes[str(expected.top[0].id)] == 1
    low = min(expected.scores.values())
    assert sorted(v for v, x in sizes.items() if x == 0) == sorted(v for v, x in expected.scores.items() if x == low)
    assert page.evaluate(f"() => {CY}.getElementById({str(expected.top[0].id)!r}).width()") > \
        page.evaluate(f"() => {CY}.getElementById({min(sizes, key=sizes.get)!r}).width()")

    # clicking a row selects that entity: the Details tab shows it
    second = expected.top[1]
    page.locator(f"#analytics-rank-table tr[data-id='{second.id}'] .analytics-entity").click()
    page.locator("#tabs").get_by_text("Details", exact=True).click()
    page.locator("#entity-details h4", has_text=second.caption).wait_for()


@pytest.mark.browser
def test_whole_graph_ranking_and_adding_its_top_to_the_canvas(case_store, hub, make_app, page):
    store, _ = case_store
    on_canvas = open_canvas(page, make_app, store, hub)
    page.locator("label", has_text="the whole graph").click()
    page.fill("#analytics-dataset", "case")
    page.press("#analytics-dataset", "Enter")
    page.click("#analytics-run")
    page.locator("#analytics-rank-table tbody tr").first.wait_for()
    expected = c.rank_in_store(store, "pagerank", Scope(dataset="case"), top=10)
    shown = page.locator("#analytics-rank-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert shown == [str(x.id) for x in expected.top]
    assert "in the whole graph" in page.inner_text("#analytics-status")
    page.click("#analytics-add-top")
    wanted = {str(x.id) for x in expected.top} | set(on_canvas)
    page.wait_for_function(f"ids => ids.every(i => {CY}.getElementById(i).length === 1)", arg=sorted(wanted))

    # key players of the whole graph: those not drawn yet are drawn, and all of them marked
    page.fill("#analytics-kp-k", "2")
    page.click("#analytics-keyplayers")
    players = sorted(str(p.id) for p in s.key_players_in_store(store, 2, Scope(dataset="case")).players)
    page.wait_for_function(f"ids => {CY}.nodes('.answer').map(n => n.id()).sort().join() === ids.join()",
                           arg=players)
    assert page.inner_text("#analytics-frag-after") == \
        f"{s.key_players_in_store(store, 2, Scope(dataset='case')).after:.4f}"


@pytest.mark.browser
def test_communities_colour_the_canvas(case_store, hub, make_app, page):
    store, _ = case_store
    on_canvas = open_canvas(page, make_app, store, hub)
    page.click("#analytics-communities")
    page.wait_for_function(f"() => {CY}.nodes().every(n => n.data('community') !== undefined)")
    found = s.communities_in_store(store, Scope(ids=on_canvas))
    assert page.inner_text("#analytics-modularity") == f"{found.modularity:.4f}"
    assert page.inner_text("#analytics-community-count") == str(len(found.groups))
    painted = dict(page.evaluate(f"() => {CY}.nodes().map(n => [n.id(), [n.data('community'), n.data('community_id')]])"))
    assert painted == {v: [i % len(COMMUNITY_COLOURS), i] for v, i in found.membership.items()}
    # the stylesheet colours each community: two nodes of different colour indices look different
    colours = dict(page.evaluate(f"() => {CY}.nodes().map(n => [n.id(), n.style('background-color')])"))
    by_index = {}
    for v, (index, _) in painted.items():
        by_index.setdefault(index, set()).add(colours[v])
    assert all(len(c_) == 1 for c_ in by_index.values())
    if len(by_index) > 1:
        assert len({next(iter(c_)) for c_ in by_index.values()}) == len(by_index)


@pytest.mark.browser
def test_key_players_are_marked_on_the_canvas(case_store, hub, make_app, page):
    store, _ = case_store
    on_canvas = open_canvas(page, make_app, store, hub)
    page.click("#analytics-keyplayers")  # k = 3 (the default)
    page.wait_for_function(f"() => {CY}.nodes('.answer').length > 0")
    expected = s.key_players_in_store(store, 3, Scope(ids=on_canvas))
    marked = sorted(page.evaluate(f"() => {CY}.nodes('.answer').map(n => n.id())"))
    assert marked == sorted(str(p.id) for p in expected.players)
    assert page.inner_text("#analytics-frag-before") == f"{expected.before:.4f}"
    assert page.inner_text("#analytics-frag-after") == f"{expected.after:.4f}"

    page.click("#analytics-cuts")  # cut points and bridges of the same canvas, marked "cut"
    points = s.articulation_points(Scope(ids=on_canvas).project(store))
    assert points  # the hub holds its leaves on
    page.wait_for_function(f"n => {CY}.nodes('.cut').length === n", arg=len(points))
    assert sorted(page.evaluate(f"() => {CY}.nodes('.cut').map(n => n.id())")) == sorted(map(str, points))
