"""The Paths panel: pure shaping of path answers, and the user's journeys in a real headless Chromium."""

import datetime as dt

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from chokepoint.app import view
from chokepoint.app.panels import paths as panel
from chokepoint.graph.errors import ChokepointError, UnknownName
from chokepoint.queries.paths import NoPath, Path, PathFilter, k_shortest_paths, shortest_path
from chokepoint.queries.search import search_entities


def p(*names, dates=None):
    """A Path through entities named by letters, links a->b typed CALLED, optionally dated."""
    nodes = [{"id": x, "label": "Phone", "caption": x.upper()} for x in names]
    dates = dates or [None] * (len(names) - 1)
    links = [{"id": f"{a}{b}", "type": "CALLED", "source": a, "target": b, "date": d, "props": {}}
             for (a, b), d in zip(zip(names, names[1:]), dates)]
    return Path(nodes, links, cost=float(len(links)))


def classes_of(elements):
    return {e["data"]["id"]: set((e.get("classes") or "").split()) for e in elements}


# -- pure helpers -------------------------------------------------------------------------------
def test_path_elements_are_each_entity_and_link_once_marked_path():
    els = panel.path_elements([p("a", "b", "c"), p("a", "d", "c")])
    assert [e["data"]["id"] for e in els] == ["a", "b", "c", "ab", "bc", "d", "ad", "dc"]
    assert all("path" in c for c in classes_of(els).values())
    assert classes_of(els)["a"] == {"Phone", "path"}
    assert els[3]["data"] == {"id": "ab", "source": "a", "target": "b", "type": "CALLED"}
    assert panel.path_element_ids(p("a", "b", "c")) == ["a", "b", "c", "ab", "bc"]


def test_a_link_without_id_gets_a_stable_one_used_both_when_drawn_and_when_marked():
    path = p("a", "b")
    path.links[0]["id"] = None
    (edge,) = [e for e in panel.path_elements([path]) if not view.is_node(e)]
    assert edge["data"]["id"] == panel.path_element_ids(path)[-1] == "a-CALLED-b"


def test_summary_lists_captions_in_order_leg_dates_and_arrival():
    s = panel.path_summary(p("a", "b", "c", dates=[dt.date(2024, 1, 5), None]))
    assert s["hops"] == 2 and s["captions"] == ["A", "B", "C"]
    assert s["dates"] == ["2024-01-05", None] and s["arrival"] == "2024-01-05"
    assert panel.path_summary(p("a", "b"))["arrival"] is None


def test_a_new_path_replaces_the_old_highlight_in_one_change():
    canvas = view.apply([], panel.path_change([p("a", "b", "c")], "first"))
    canvas = view.apply(canvas, view.change("add", elements=[{"data": {"id": "x"}, "classes": "Phone pinned"}]))
    canvas = view.apply(canvas, panel.path_change([p("c", "x")], "second"))
    marked = {i for i, c in classes_of(canvas).items() if "path" in c}
    assert marked == {"c", "x", "cx"}                     # a, b and a-b stay on the canvas, unmarked
    assert {"a", "b", "ab", "bc"} <= set(classes_of(canvas)) and classes_of(canvas)["a"] == {"Phone"}
    assert classes_of(canvas)["x"] == {"Phone", "pinned", "path"}  # other classes kept


def test_the_path_change_still_respects_the_canvas_cap(monkeypatch):
    monkeypatch.setattr(view, "MAX_NODES", 2)
    with pytest.raises(view.ViewTooBig):
        view.apply([], panel.path_change([p("a", "b", "c")], ""))


def test_form_values_become_a_checked_filter():
    f = panel.path_filter(["CALLED"], ["Phone"], "out", "2024-01-01", " ", ["x"], " case ")
    assert f == PathFilter(rel_types=("CALLED",), labels=("Phone",), direction="out", start=dt.date(2024, 1, 1),
                           end=None, avoid=("x",), dataset="case")
    assert panel.path_filter() == PathFilter()
    with pytest.raises(ChokepointError, match="To is not a date"):
        panel.path_filter(date_to="31/01/2024")


def test_weights_offered_are_the_numeric_link_properties_of_the_schema():
    options = {o["value"]: o["label"] for o in panel.weight_options()}
    assert {"quantity", "duration_s", "weight"} <= set(options)
    assert "CALLED" in options["duration_s"] and "date" not in options


def test_bad_form_values_are_refused_before_any_query():
    with pytest.raises(ChokepointError, match="same entity"):
        panel.find_paths(None, "a", "a")
    with pytest.raises(ChokepointError, match="unknown path mode"):
        panel.find_paths(None, "a", "b", mode="fastest")
    with pytest.raises(UnknownName, match="hops"):
        panel.find_paths(None, "a", "b", hops=99)
    assert panel._hops(None, "all") == 4 and panel._hops(3.0, "time") == 3


def test_a_path_thickens_its_links_but_keeps_its_entities_size():
    from chokepoint.app.style import stylesheet

    rules = stylesheet()
    assert [r["style"]["width"] for r in rules if r["selector"] == "edge.path"] == [4]
    assert not any("width" in r["style"] for r in rules if r["selector"] in (".path", "node.path"))


# -- the browser journeys -------------------------------------------------------------------------
CY = "document.querySelector('#cy')._cyreg.cy"
PATH_IDS = f"() => {CY}.elements('.path').map(e => e.id()).sort()"
PATH_NODE_IDS = f"() => {CY}.nodes('.path').map(e => e.id()).sort()"


def entity(store, text):
    return search_entities(store, text)[0]


def open_paths_tab(page):
    page.locator(".tab", has_text="Paths").click()
    page.locator("#paths-run").wait_for()


def choose(page, box, text, option):
    """Put ``text`` in the dropdown ``box``'s search and pick ``option`` among its suggestions. The text
    goes in at once: typed key by key, suggestions arriving mid-word can reset the box to an earlier
    text (seen: "hubei" became "hei")."""
    page.click(f"#{box}")
    search_box = page.locator("input.dash-dropdown-search")
    search_box.fill(text)
    page.get_by_text(option, exact=True).click()
    page.keyboard.press("Escape")


def path_ids(path):
    return sorted(panel.path_element_ids(path))


@pytest.mark.browser
def test_a_path_chosen_in_the_panel_is_drawn_listed_and_is_the_shortest(sample_store, make_app, page):
    hubei, luis = entity(sample_store, "Hubei Jinlong"), entity(sample_store, "Luis Ortega")
    expected = shortest_path(sample_store, hubei.id, luis.id)
    page.goto(make_app(sample_store))
    page.wait_for_selector("#cy canvas")
    open_paths_tab(page)
    choose(page, "paths-start", "hubei", hubei.display)
    choose(page, "paths-end", "luis ort", luis.display)
    page.click("#paths-run")
    page.wait_for_function(f"() => {CY}.nodes('.path').length > 0")

    assert page.evaluate(PATH_IDS) == path_ids(expected)
    assert page.evaluate(PATH_NODE_IDS) == sorted(expected.ids)
    items = page.locator("li.paths-item")
    assert items.count() == 1
    text = items.first.inner_text()
    assert " → ".join(n["caption"] for n in expected.nodes) in text
    assert f"{expected.hops} hops" in text and f"arrival {expected.arrival}" in text
    assert "1 path found" in page.inner_text("#paths-message")


@pytest.mark.browser
def test_k_shortest_lists_each_and_a_click_highlights_that_one_alone(sample_store, make_app, page):
    hubei, luis = entity(sample_store, "Hubei Jinlong"), entity(sample_store, "Luis Ortega")
    expected = k_shortest_paths(sample_store, hubei.id, luis.id, 3)
    assert len(expected) == 3
    page.goto(make_app(sample_store))
    page.wait_for_selector("#cy canvas")
    open_paths_tab(page)
    choose(page, "paths-start", "hubei", hubei.display)
    choose(page, "paths-end", "luis ort", luis.display)
    page.click("#paths-run")  # shortest first: its highlight must go when the k paths are drawn
    page.wait_for_function(f"() => {CY}.nodes('.path').length > 0")
    page.locator("#paths-mode label", has_text="k shortest").click()
    page.fill("#paths-k", "3")
    page.click("#paths-run")
    page.locator("li.paths-item").nth(2).wait_for()

    every = sorted({i for q in expected for i in panel.path_element_ids(q)})
    page.wait_for_function(f"() => {CY}.elements('.path').length === {len(every)}")
    assert page.evaluate(PATH_IDS) == every
    listed = page.locator("li.paths-item").all_inner_texts()
    assert [" → ".join(n["caption"] for n in q.nodes) in t for q, t in zip(expected, listed)] == [True] * 3

    page.locator("li.paths-item").nth(1).click()
    page.wait_for_function(f"() => {CY}.elements('.path').length === {len(path_ids(expected[1]))}")
    assert page.evaluate(PATH_IDS) == path_ids(expected[1])
    page.click("#paths-show-all")
    page.wait_for_function(f"() => {CY}.elements('.path').length === {len(every)}")


def right_click_menu(page, entity_id, item):
    """Right-click the entity on the canvas and choose the menu item labelled ``item``.

    Just after the canvas changed, its layout may still move the entity, so the click can land
    elsewhere: cytoscape says which element the right-click reached, and the click is tried again
    until it reached the entity.
    """
    page.wait_for_function(f"() => {CY}.getElementById({entity_id!r}).length === 1")
    menu_item = page.locator(".cy-context-menus-cxt-menuitem", has_text=item)
    for _ in range(20):
        x, y = page.evaluate(f"""() => {{
            const cy = {CY}; const n = cy.getElementById({entity_id!r});
            window.__rightClicked = null;
            cy.one('cxttap', e => {{ window.__rightClicked = e.target === cy ? 'canvas' : e.target.id(); }});
            cy.center(n);
            const p = n.renderedPosition(), r = cy.container().getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }}""")
        page.mouse.click(x, y, button="right")
        page.wait_for_function("() => window.__rightClicked !== null")
        if page.evaluate("() => window.__rightClicked") != entity_id:
            continue
        try:  # the menu also closes when the view moves (a late fit of the new view): then again
            menu_item.click(timeout=3000)
            return
        except PlaywrightTimeout:
            continue
    pytest.fail(f"no menu opened on {entity_id} by a right-click")


@pytest.mark.browser
def test_start_and_end_set_from_the_canvas_menu(sample_store, make_app, page):
    luis, hubei = entity(sample_store, "Luis Ortega"), entity(sample_store, "Hubei Jinlong")
    expected = shortest_path(sample_store, luis.id, hubei.id)
    page.goto(make_app(sample_store))
    page.wait_for_selector("#cy canvas")

    choose(page, "search", "luis ort", luis.display)
    right_click_menu(page, luis.id, "Set as path start")
    page.locator("#paths-start", has_text="Luis Ortega").wait_for()   # the menu opened the Paths tab
    choose(page, "search", "hubei", hubei.display)
    right_click_menu(page, hubei.id, "Set as path end")
    page.locator("#paths-end", has_text="Hubei Jinlong").wait_for()

    page.click("#paths-run")
    page.wait_for_function(f"() => {CY}.nodes('.path').length > 0")
    assert page.evaluate(PATH_IDS) == path_ids(expected)
    assert page.locator("li.paths-item").count() == 1


@pytest.mark.browser
def test_no_path_under_the_filters_is_a_message_not_an_error(sample_store, make_app, page):
    hubei, luis = entity(sample_store, "Hubei Jinlong"), entity(sample_store, "Luis Ortega")
    with pytest.raises(NoPath) as answer:
        shortest_path(sample_store, hubei.id, luis.id, PathFilter(rel_types=("CALLED",)))
    page.goto(make_app(sample_store))
    page.wait_for_selector("#cy canvas")
    open_paths_tab(page)
    choose(page, "paths-start", "hubei", hubei.display)
    choose(page, "paths-end", "luis ort", luis.display)
    page.click("#paths-run")  # a path first, so the no-path answer must also clear its highlight
    page.wait_for_function(f"() => {CY}.nodes('.path').length > 0")

    choose(page, "paths-types", "CALLED", "CALLED")
    page.click("#paths-run")
    page.locator("#paths-message", has_text="No answer").wait_for()
    assert str(answer.value) in page.inner_text("#paths-message")
    page.wait_for_function(f"() => {CY}.elements('.path').length === 0")
    assert page.locator("li.paths-item").count() == 0
    assert page.inner_text("#banner") == ""
