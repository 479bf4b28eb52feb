"""Explore, in a real headless Chromium: search -> draw -> expand -> details, the canvas menu,
undo/redo and deep links (the Neo4j outage banner: test_neo4j_outage.py). Each test fails on any browser error (``page``)."""

from urllib.parse import parse_qs, urlparse

import pytest

from chokepoint.queries.neighbourhood import entity_details, neighbourhood
from chokepoint.queries.search import search_entities

pytestmark = pytest.mark.browser

CY = "document.querySelector('#cy')?._cyreg?.cy"  # undefined until the canvas is mounted
NODE_COUNT = f"() => {CY}?.nodes().length"
NODE_IDS = f"() => {CY}.nodes().map(n => n.id())"
NODE_LABELS = f"() => {CY}.nodes().map(n => n.data('label'))"


def entity(store, text):
    return search_entities(store, text)[0].id


def search(page, text, option):
    page.click("#search")  # opens the dropdown; its search box appears in a popover
    page.locator("input.dash-dropdown-search").fill(text)
    page.get_by_text(option).first.click()


POSITIONS = f"() => {CY}.nodes().map(n => [n.id(), Math.round(n.renderedPosition().x), Math.round(n.renderedPosition().y)])"


def settled(page, count):
    """Wait until the canvas holds ``count`` nodes and the layout has stopped moving them."""
    page.wait_for_selector("#cy canvas")
    page.wait_for_function(f"() => {CY}?.nodes().length === {count}")
    before = None
    for _ in range(240):  # a bound on waiting, not a timing check
        now = page.evaluate(POSITIONS)
        if now == before:
            return
        before = now
        page.wait_for_timeout(250)


def node_point(page, node_id):
    """Page coordinates of a node's centre on the canvas."""
    box = page.locator("#cy").bounding_box()
    pos = page.evaluate(f"id => {CY}.getElementById(id).renderedPosition()", node_id)
    return box["x"] + pos["x"], box["y"] + pos["y"]


def test_search_draws_the_entity_and_its_neighbourhood(sample_store, make_app, page):
    url = make_app(sample_store)
    page.goto(url)
    page.wait_for_selector("#cy canvas")
    assert page.evaluate(NODE_COUNT) == 0

    page.click("#search")  # typed key by key, as a user does: suggestions follow each keystroke
    page.locator("input.dash-dropdown-search").press_sequentially("san ysidro")
    page.get_by_text("San Ysidro (PortOfEntry)").first.click()
    page.wait_for_function(f"() => {CY}?.nodes().length > 1")
    labels = page.evaluate(NODE_LABELS)
    assert "San Ysidro" in labels
    assert "Luis Ortega" in labels and "7ABC123" in labels  # the courier and the car that crossed there
    page.get_by_text("neighbours.").wait_for()
    page.locator("#entity-details h4", has_text="San Ysidro").wait_for()
    assert "PortOfEntry" in page.inner_text("#entity-details")


def test_double_click_expands_and_undo_redo_walk_the_history(sample_store, make_app, page):
    port = entity(sample_store, "San Ysidro")
    courier = entity(sample_store, "Luis Ortega")
    first = {n["id"] for n in neighbourhood(sample_store, port).nodes}
    grown = first | {n["id"] for n in neighbourhood(sample_store, courier).nodes}
    assert grown > first  # the courier has neighbours the port view does not show

    page.goto(make_app(sample_store) + f"?entity={port}")
    settled(page, len(first))
    page.mouse.dblclick(*node_point(page, courier))
    settled(page, len(grown))
    assert set(page.evaluate(NODE_IDS)) == grown

    page.click("#undo")
    settled(page, len(first))
    assert set(page.evaluate(NODE_IDS)) == first
    page.click("#redo")
    settled(page, len(grown))
    page.get_by_text("undo 2 · redo 0").wait_for()  # empty canvas -> port view -> expanded


def test_details_show_aliases_provenance_and_a_copyable_query(sample_store, make_app, page):
    port = entity(sample_store, "San Ysidro")
    courier = entity(sample_store, "Luis Ortega")
    expected = entity_details(sample_store, courier)["properties"]
    assert expected["sources"]

    page.goto(make_app(sample_store) + f"?entity={port}")
    settled(page, len(neighbourhood(sample_store, port).nodes))
    page.mouse.click(*node_point(page, courier))
    page.locator("#entity-details h4", has_text="Luis Ortega").wait_for()
    shown = page.inner_text("#entity-details .provenance")
    assert all(source in shown for source in expected["sources"])  # file:row of every defining record
    assert expected["dataset"] in shown
    assert f'"id": "{courier}"' in page.inner_text("#cypher-text")  # the query takes the id as a parameter
    assert "MATCH (n:Entity {id: $id}) RETURN n" in page.inner_text("#cypher-text")


def test_context_menu_hides_a_node(sample_store, make_app, page):
    port = entity(sample_store, "San Ysidro")
    car = entity(sample_store, "7ABC123")
    shown = {n["id"] for n in neighbourhood(sample_store, port).nodes}

    page.goto(make_app(sample_store) + f"?entity={port}")
    settled(page, len(shown))
    page.mouse.click(*node_point(page, car), button="right")
    page.locator("#menu-hide").click()
    settled(page, len(shown) - 1)
    assert car not in page.evaluate(NODE_IDS)


def test_collapse_takes_back_what_only_that_node_links(sample_store, make_app, page):
    from chokepoint.app.view import leaves_of

    port = entity(sample_store, "San Ysidro")
    courier = entity(sample_store, "Luis Ortega")
    first = {n["id"] for n in neighbourhood(sample_store, port).nodes}
    grown = first | {n["id"] for n in neighbourhood(sample_store, courier).nodes}

    page.goto(make_app(sample_store) + f"?entity={port}")
    settled(page, len(first))
    page.mouse.dblclick(*node_point(page, courier))
    settled(page, len(grown))
    canvas = page.evaluate(f"() => {CY}.elements().map(e => ({{data: e.data()}}))")
    leaves = set(leaves_of(canvas, courier))
    assert leaves and leaves <= grown - first  # the expansion added entities linked only to the courier

    page.mouse.click(*node_point(page, courier), button="right")
    page.locator("#menu-collapse").click()
    settled(page, len(grown - leaves))
    assert set(page.evaluate(NODE_IDS)) == grown - leaves
    assert courier in page.evaluate(NODE_IDS)


def test_expand_by_link_type_keeps_only_those_neighbours(sample_store, make_app, page):
    port = entity(sample_store, "San Ysidro")
    courier = entity(sample_store, "Luis Ortega")
    types = sorted({e["type"] for e in neighbourhood(sample_store, courier).edges})
    chosen = types[0]
    through = {n["id"] for n in neighbourhood(sample_store, courier, rel_types=[chosen]).nodes}
    start = {n["id"] for n in neighbourhood(sample_store, port).nodes}

    page.goto(make_app(sample_store) + f"?entity={port}")
    settled(page, len(start))
    page.mouse.click(*node_point(page, courier))
    page.locator("#entity-details h4", has_text="Luis Ortega").wait_for()
    page.click("#expand-type")
    page.get_by_text(f"{chosen} (").first.click()
    page.keyboard.press("Escape")
    page.click("#expand")
    settled(page, len(start | through))
    assert set(page.evaluate(NODE_IDS)) == start | through


def test_deep_link_reproduces_the_view_and_follows_the_search(sample_store, make_app, page):
    port = entity(sample_store, "San Ysidro")
    url = make_app(sample_store)
    page.goto(url + f"?entity={port}&tab=details")
    settled(page, len(neighbourhood(sample_store, port).nodes))
    page.locator("#entity-details h4", has_text="San Ysidro").wait_for()

    search(page, "luis ortega", "Luis Ortega (Person)")
    courier = entity(sample_store, "Luis Ortega")
    page.wait_for_function(f"() => decodeURIComponent(location.search).includes({courier!r})")
    assert parse_qs(urlparse(page.url).query)["entity"] == [courier]
    page.reload()
    settled(page, len(neighbourhood(sample_store, courier).nodes))
    page.locator("#entity-details h4", has_text="Luis Ortega").wait_for()


def test_a_link_holds_the_filters_and_the_path_ends(sample_store, make_app, page):
    courier = entity(sample_store, "Luis Ortega")
    port = entity(sample_store, "San Ysidro")
    chosen = sorted({e["type"] for e in neighbourhood(sample_store, courier).edges})[0]
    through = {n["id"] for n in neighbourhood(sample_store, courier, rel_types=[chosen]).nodes}
    assert through != {n["id"] for n in neighbourhood(sample_store, courier).nodes}  # the filter narrows

    url = make_app(sample_store)
    page.goto(url + f"?entity={courier}&tab=paths&types={chosen}&from=2020-01-01&path_start={courier}&path_end={port}")
    settled(page, len(through))
    assert set(page.evaluate(NODE_IDS)) == through
    page.locator("#paths-start", has_text="Luis Ortega").wait_for()
    page.locator("#paths-end", has_text="San Ysidro").wait_for()

    # the URL follows the controls: a date, then a reload gives the same view
    page.locator("#tab-details").click()
    assert page.input_value("#explore-from") == "2020-01-01"
    page.fill("#explore-to", "2030-12-31")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('to=2030-12-31')")
    query = parse_qs(urlparse(page.url).query)
    assert query["entity"] == [courier] and query["types"] == [chosen] and query["tab"] == ["details"]
    assert query["path_start"] == [courier] and query["path_end"] == [port]
    page.reload()
    settled(page, len(through))
    assert set(page.evaluate(NODE_IDS)) == through
    assert page.input_value("#explore-to") == "2030-12-31"


def test_every_tab_opens_by_a_click_and_the_url_follows(sample_store, make_app, page):
    from chokepoint.app.main import PANELS

    page.goto(make_app(sample_store))
    page.wait_for_selector("#cy canvas")
    for value, label, _ in [*PANELS[1:], PANELS[0]]:  # the first is open already: it comes last
        page.locator(f"#tab-{value}").click()  # fails if another tab lies over it
        page.wait_for_function(f"() => location.search.includes('tab={value}')")
        assert page.locator(f"#tab-{value}").inner_text() == label
    assert page.inner_text("#banner") == ""


def test_switching_tabs_fast_never_errors(sample_store, make_app, page):
    """Leaving the Map tab while its graph is still drawing (outlines not yet fetched) raised plotly's
    ``_scrollZoom`` error; any console error fails this test (``page``)."""
    from chokepoint.app.main import PANELS

    page.goto(make_app(sample_store))
    page.wait_for_selector("#cy canvas")
    values = [value for value, _, _ in PANELS]
    for _ in range(3):
        for value in [*values[1:], values[0]]:     # every tab, without waiting for any to draw
            page.locator(f"#tab-{value}").click()
    for _ in range(10):                            # into the Map and straight out again
        page.locator("#tab-map").click()
        page.locator(f"#tab-{values[0]}").click()
    page.locator("#tab-map").click()
    page.wait_for_selector("#map-graph .layer.countries path")   # and it still draws
    page.wait_for_load_state("networkidle")        # late draws, if any, have happened by now
    assert page.inner_text("#banner") == ""
