"""The Queries panel: saved queries with a typed form, ad-hoc read-only Cypher, results on the canvas
and as CSV, and the stamped export of the canvas. Pure helpers first, then the browser journeys."""

import datetime as dt
import json
import re

import networkx as nx
import pytest

from chokepoint.app import export, view
from chokepoint.app.panels import queries as panel
from chokepoint.graph.values import cell_text
from chokepoint.queries import saved

# -- pure helpers ------------------------------------------------------------------------------


def test_a_query_graph_becomes_canvas_elements_and_what_cannot_be_drawn_is_counted():
    graph = {"nodes": [{"_labels": ["Person"], "id": "p1", "caption": "Ana"},
                       {"_labels": ["Vehicle"], "id": "v1", "caption": "7ABC123"},
                       {"_labels": ["Person"], "id": "p1", "caption": "Ana"},   # the same node twice
                       {"_labels": ["Load"], "name": "a load"}],                # no entity id
             "edges": [{"_type": "USES", "_start": "p1", "_end": "v1", "id": "uses:1"},
                       {"_type": "USES", "_start": "p1", "_end": None}]}
    elements, left = panel.result_elements(graph)
    assert elements == [
        {"data": {"id": "p1", "label": "Ana", "kind": "Person"}, "classes": "Person"},
        {"data": {"id": "v1", "label": "7ABC123", "kind": "Vehicle"}, "classes": "Vehicle"},
        {"data": {"id": "uses:1", "source": "p1", "target": "v1", "type": "USES"}},
    ]
    assert left == 3
    drawn = view.apply([], view.change("add", elements=elements))
    assert [e["data"]["id"] for e in drawn] == ["p1", "v1", "uses:1"]  # nothing dangles


def _query(text):
    return saved.parse("// name: q\n// title: Q\n" + text)


def test_the_form_has_an_input_of_each_parameter_type_filled_with_its_default():
    q = _query('// param: n integer = 2 -- N\n// param: x float -- X\n// param: since date = "2024-03-01" -- D\n'
               '// param: ok boolean = true -- B\n// param: roles string[] = ["a", "b"] -- R\n'
               '// param: port string = "2504" -- P\nRETURN $n, $x, $since, $ok, $roles, $port')
    controls = {p.name: panel.param_input(p).children[1] for p in q.params}
    assert (controls["n"].type, controls["n"].step, controls["n"].value) == ("number", 1, 2)
    assert (controls["x"].type, controls["x"].step, controls["x"].placeholder) == ("number", "any", "(required)")
    assert controls["since"].value == "2024-03-01" and controls["since"].placeholder == "yyyy-mm-dd"
    assert type(controls["ok"]).__name__ == "Dropdown" and controls["ok"].value == "true"
    assert controls["roles"].value == "a; b" and controls["port"].value == "2504"
    # what the form sends back is read by coerce_params as the declared types
    sent = {name: panel.form_text(c.value) for name, c in controls.items()}
    sent["x"] = panel.form_text(2.5)
    assert saved.coerce_params(q, {k: v for k, v in sent.items() if v is not None}) == {
        "n": 2, "x": 2.5, "since": dt.date(2024, 3, 1), "ok": True, "roles": ["a", "b"], "port": "2504"}


def test_list_options_and_tags_come_from_the_saved_queries():
    every = saved.saved_queries()
    couriers = saved.saved_queries(tag="couriers")
    assert [o["value"] for o in panel.query_options(couriers)] == [q.name for q in couriers]
    tags = {o["value"]: o["label"] for o in panel.tag_options(every)}
    assert tags["couriers"] == f"couriers ({len(couriers)})"


def test_ad_hoc_parameters_and_bounds():
    assert saved.cypher_params(panel.parse_param_lines("n = 3\n# a comment\ncode=\"2504\"")) == {"n": 3, "code": "2504"}
    with pytest.raises(saved.ParameterError, match="given twice"):
        panel.parse_param_lines("n=1\nn=2")
    assert panel.bounded("abc", 1000, 1, panel.MAX_LIMIT) == 1000
    assert panel.bounded(0, 30, 1, panel.MAX_TIMEOUT) == 1


def test_the_canvas_stamp_names_the_last_query_else_the_deep_link():
    els = [{"data": {"id": "a"}}]
    steps = panel.provenance([], {"op": "replace", "notice": "3 neighbours."})
    s = panel.stamp_for_canvas(els, steps, "http://127.0.0.1:1/?entity=sample%3Ap%3A1&tab=details")
    assert s["query"] == "view entity=sample:p:1, tab=details" and s["params"] == {"entity": "sample:p:1",
                                                                                  "tab": "details"}
    steps = panel.provenance(steps, {"op": "add", "notice": "2 rows",
                                     "origin": {"query": "top-callers", "params": {"top": 5}}})
    steps = panel.provenance(steps, {"op": "mark", "notice": "path"})
    s = panel.stamp_for_canvas(els, steps, "http://x/")
    assert (s["query"], s["params"], [x["op"] for x in s["steps"]]) == ("query top-callers", {"top": 5},
                                                                         ["replace", "add", "mark"])
    assert panel.provenance(steps, {"op": "clear", "notice": ""}) == [{"op": "clear", "notice": ""}]


def test_doctests():
    import doctest

    assert doctest.testmod(panel).failed == 0


# -- the browser -------------------------------------------------------------------------------

TEST_QUERY = """// name: role-links
// title: Persons with a role and their links
// description: Every person with the role and each entity linked to them since the day (links
//   without a date count), drawn as a graph.
// tags: testing, persons
// param: role string = "broker" -- Role (any case)
// param: since date = null -- Only links dated this day or later (empty: all)

MATCH (p:Person)-[r]-(n:Entity)
WHERE any(x IN coalesce(p.roles, []) WHERE toLower(x) = toLower($role))
  AND ($since IS NULL OR r.date IS NULL OR r.date >= $since)
RETURN p.caption AS person, type(r) AS link, n.caption AS other, r.date AS date, p, r, n
ORDER BY person, link, other, r.id
"""

CY = "document.querySelector('#cy')._cyreg.cy"
TABLE_ROWS = """() => Array.from(document.querySelectorAll('#queries-table tbody tr'))
                        .map(tr => Array.from(tr.querySelectorAll('td')).map(td => td.textContent))"""


@pytest.fixture()
def user_queries(tmp_path, monkeypatch):
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "role-links.cypher").write_text(TEST_QUERY, encoding="utf-8")
    monkeypatch.setenv(saved.ENV, str(folder))
    return folder


def _open_panel(page, url):
    page.goto(url + "?tab=queries")
    page.wait_for_selector("#cy canvas")
    page.locator("#queries-list").wait_for()


def node_count(store):
    return store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]


@pytest.mark.browser
def test_saved_query_with_parameters_runs_on_ctrl_enter_to_table_canvas_and_csv(sample_store, user_queries,
                                                                                make_app, page, tmp_path):
    expected = saved.run(sample_store, "role-links", {"role": "courier", "since": "2024-03-06"})
    assert expected.rows and expected.graph["edges"]  # the journey must have something to show
    assert len(expected.rows) < len(saved.run(sample_store, "role-links", {"role": "courier"}).rows)

    _open_panel(page, make_app(sample_store))
    page.fill("#queries-search", "role")                    # search by name...
    page.locator("#queries-tag").click()
    page.get_by_role("option", name="testing (1)").click()  # ...and by tag
    page.locator("#queries-count", has_text="1 of").wait_for()
    page.get_by_text("Persons with a role and their links").click()
    page.locator("#queries-title", has_text="Persons with a role and their links").wait_for()

    page.locator('input[name="queries-param-since"]').fill("2024-03-06")
    role = page.locator('input[name="queries-param-role"]')
    role.fill("courier")
    role.press("Control+Enter")

    page.locator("#queries-note", has_text=expected.note).wait_for()
    shown = [[panel.display_cell(v) for v in row] for row in expected.rows]
    page.wait_for_function(f"() => document.querySelectorAll('#queries-table tbody tr').length === {len(shown)}")
    assert page.evaluate(TABLE_ROWS) == shown
    assert any(c.endswith("(Person)") for c in shown[0])  # nodes shown by caption and label

    drawn = {n["id"] for n in expected.graph["nodes"]}
    page.wait_for_function(f"() => {CY}.nodes().length === {len(drawn)}")
    assert set(page.evaluate(f"() => {CY}.nodes().map(n => n.id())")) == drawn
    assert page.evaluate(f"() => {CY}.nodes('.answer').length") == len(drawn)
    assert page.evaluate(f"() => {CY}.edges().length") == len(expected.graph["edges"])

    with page.expect_download() as download:
        page.click("#queries-csv")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    stamp, rows = export.read_csv(path.read_text(encoding="utf-8"))
    assert stamp["query"] == "role-links" and stamp["params"] == expected.params
    assert stamp["sha256"] == export.rows_hash(expected.columns, expected.rows)
    assert [[r[c] for c in expected.columns] for r in rows] == [[cell_text(v) for v in row]
                                                               for row in expected.rows]


@pytest.mark.browser
def test_ad_hoc_cypher_that_writes_is_refused_and_the_database_is_unchanged(sample_store, make_app, page):
    before = node_count(sample_store)
    _open_panel(page, make_app(sample_store))
    box = page.locator("#queries-cypher")
    box.fill("CREATE (n:X) RETURN n")
    box.press("Control+Enter")
    page.locator("#banner", has_text="may only read").wait_for()
    assert "ad-hoc queries may only read" in page.inner_text("#banner")
    assert node_count(sample_store) == before
    assert sample_store.read("MATCH (n:X) RETURN count(n) AS n")[0]["n"] == 0
    assert page.evaluate(f"() => {CY}.nodes().length") == 0

    # a parameter the query uses but is not given, and a query past its timeout, are messages too
    box.fill("MATCH (p:Person {id: $id}) RETURN p")
    box.press("Control+Enter")
    page.locator("#banner", has_text="$id is used but not given").wait_for()
    page.fill("#queries-timeout", "1")
    box.fill("UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n")
    box.press("Control+Enter")
    page.locator("#banner", has_text="timeout and Neo4j stopped it").wait_for()
    assert page.inner_text("#queries-result") == ""

    # a read then runs, and clears the banner
    box.fill("MATCH (p:Person)-[r:USES]->(v:Vehicle) RETURN p.caption AS person, p, r, v")
    box.press("Control+Enter")
    page.wait_for_function(f"() => {CY}.edges().length > 0")
    page.wait_for_function("() => document.querySelector('#banner').textContent === ''")

    # and the export of that view is stamped with the Cypher that drew it
    with page.expect_download() as download:
        page.click("#queries-export")
    g = nx.read_graphml(download.value.path())
    assert g.graph["stamp_query"] == "cypher: " + "MATCH (p:Person)-[r:USES]->(v:Vehicle) RETURN p.caption AS person, p, r, v"
    assert set(g.nodes) == set(page.evaluate(f"() => {CY}.nodes().map(n => n.id())"))


@pytest.mark.browser
def test_export_of_the_canvas_as_graphml_reads_back_with_its_nodes_and_stamp(sample_store, make_app, page, tmp_path):
    port = sample_store.read("MATCH (p:PortOfEntry {code: '2504'}) RETURN p.id AS id")[0]["id"]
    url = make_app(sample_store)
    page.goto(f"{url}?entity={port}&tab=queries")       # a deep link draws the port's neighbourhood
    page.wait_for_selector("#cy canvas")
    page.wait_for_function(f"() => {CY}.nodes().length > 1")
    page.locator("#notice", has_text="neighbours").wait_for()
    canvas = page.evaluate(f"() => {CY}.elements().map(e => ({{data: e.data()}}))")

    with page.expect_download() as download:            # GraphML is the default format
        page.click("#queries-export")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".graphml"
    g = nx.read_graphml(path)
    assert set(g.nodes) == {e["data"]["id"] for e in canvas if "source" not in e["data"]}
    assert {d["id"] for _, _, d in g.edges(data=True)} == {e["data"]["id"] for e in canvas if "source" in e["data"]}
    assert g.graph["stamp_query"] == f"view entity={port}, tab=queries"
    assert json.loads(g.graph["stamp_params"]) == {"entity": port, "tab": "queries"}
    assert g.graph["stamp_sha256"] == export.data_hash(canvas)
    when = dt.datetime.strptime(g.graph["stamp_exported_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert abs(dt.datetime.now(dt.timezone.utc) - when) < dt.timedelta(hours=1)
    assert (g.graph["stamp_nodes"], g.graph["stamp_links"]) == (g.number_of_nodes(), g.number_of_edges())
    page.locator("#queries-export-note", has_text=g.graph["stamp_sha256"][:12]).wait_for()

    from format_checks import check_anx

    page.click("#queries-export-format")                 # i2 Analyst's Notebook: a chart of the same view
    page.get_by_text("i2 Analyst's Notebook chart (ANX)", exact=True).click()
    with page.expect_download() as download:
        page.click("#queries-export")
    assert download.value.suggested_filename.startswith("chokepoint-view-entity-")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    chart = check_anx(path.read_text(encoding="utf-8"))
    assert (chart["entities"], chart["links"]) == (g.number_of_nodes(), g.number_of_edges())
    assert chart["summary"]["chokepoint_sha256"] == export.data_hash(canvas)
    with page.expect_download() as download:            # a picture: the stamp in its name
        page.click("#export-png")
    name = download.value.suggested_filename
    assert re.fullmatch(r"chokepoint-canvas-\d{8}T\d{6}Z-%dn-%dl-sha256-[0-9a-f]{12}\.png"
                        % (g.number_of_nodes(), g.number_of_edges()), name), name
