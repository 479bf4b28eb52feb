"""The Disruption tab in headless Chromium against the real Neo4j: Zachary's karate club and the Florentine
families imported with the project's network import; a what-if picked on the canvas, an attack with two
strategies, the greyed entities, the deep link round trip and the CSV download, every figure checked
against networkx computed here (tests/disruption_reference.py) on the same edge lists."""

from __future__ import annotations

import csv
import doctest
from urllib.parse import parse_qs, urlparse

import networkx as nx
import numpy as np
import pytest

from chokepoint.app.panels import disruption as panel
from chokepoint.cases import loading
from chokepoint.graph.ids import entity_id
from disruption_reference import TOL, nx_attack, nx_figures, nx_random

CY = "document.querySelector('#cy')._cyreg.cy"
CHART = "document.querySelector('#disrupt-chart .js-plotly-plot')"
NETWORKS = {"karate": nx.karate_club_graph, "florentine": nx.florentine_families_graph}


def test_doctests_of_the_panel():
    assert doctest.testmod(panel).failed == 0


def kid(name) -> str:
    return entity_id("karate", "Person", [str(name)])


@pytest.fixture(scope="module")
def networks(store, tmp_path_factory):
    """Both networks imported (dataset = its name); karate as networkx, nodes named by entity id."""
    folder = tmp_path_factory.mktemp("disrupt-app")
    for name, make in NETWORKS.items():
        path = folder / f"{name}.csv"
        with path.open("w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["source", "target"])
            w.writerows((str(u), str(v)) for u, v in make().edges())
        report = loading.import_network(store, path, "edgelist", "Person", "ASSOCIATED_WITH", dataset=name,
                                        directed=False, header=True)
        assert report.summary.rows_rejected == 0
    g = nx.Graph()
    for u, v in nx.karate_club_graph().edges():   # import order: a row's new entities first, by id
        g.add_nodes_from(sorted({kid(u), kid(v)} - set(g)))
        g.add_edge(kid(u), kid(v))
    return store, g


def open_panel(page, url: str, dataset: str = "karate") -> None:
    page.goto(url)
    page.wait_for_selector("#cy canvas")
    page.locator(".tab", has_text="Disruption").click()
    page.click("#disrupt-dataset")
    page.get_by_role("option", name=dataset, exact=True).click()


def greyed(page) -> set[str]:
    return set(page.evaluate(f"() => {CY}.nodes('.disrupted').map(n => n.id())"))


def traces(page) -> dict[str, tuple[list, list]]:
    return {t["name"]: (t["x"], t["y"]) for t in page.evaluate(f"() => {CHART}.data.map(t => ({{name: t.name, "
                                                               "x: Array.from(t.x), y: Array.from(t.y)}))")}


def check_figures(page, g: nx.Graph, gone: list[str]) -> None:
    h = g.copy()
    h.remove_nodes_from(gone)
    before, after = nx_figures(g, len(g)), nx_figures(h, len(g))
    for key in panel.FIGURES:
        assert float(page.inner_text(f"#disrupt-before-{key}").replace(",", "")) == pytest.approx(before[key], rel=1e-5)
        assert float(page.inner_text(f"#disrupt-after-{key}").replace(",", "")) == pytest.approx(after[key], rel=1e-5)
        assert page.inner_text(f"#disrupt-after-{key}") == panel.figure_text(after[key])


@pytest.mark.browser
def test_a_what_if_picked_on_the_canvas_greys_the_removed_and_its_link_restores_it(networks, make_app, page):
    store, g = networks
    open_panel(page, make_app(store))
    page.click("#disrupt-draw")
    page.wait_for_function(f"() => {CY}.nodes().length === {len(g)}")
    gone = [kid(0), kid(33)]
    # the canvas tells the server its selection asynchronously (and a drawing that lands late replaces the
    # selection), so select and press again, as a user would, until the two are taken
    taken = page.locator("#disrupt-remove", has_text="33")
    for _ in range(24):  # a bound on waiting, not a timing check
        page.evaluate(f"() => {{ {CY}.$id({gone[0]!r}).select(); {CY}.$id({gone[1]!r}).select(); }}")
        page.click("#disrupt-take")
        try:
            taken.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 (playwright's TimeoutError: not taken yet)
            continue
    taken.wait_for()
    page.click("#disrupt-what-if")
    page.locator("#disrupt-after-largest").wait_for()
    check_figures(page, g, gone)
    page.wait_for_function(f"() => {CY}.nodes('.disrupted').length === 2")
    assert greyed(page) == set(gone)
    assert page.evaluate(f"() => {CY}.$id({gone[0]!r}).style('background-color')") == "rgb(189,189,189)"

    # the link holds the choice; opened afresh it restores the dataset and the removed, and runs the what-if
    page.wait_for_function("() => location.search.includes('disrupt_remove')")
    query = parse_qs(urlparse(page.url).query)
    assert query["disrupt_dataset"] == ["karate"] and query["disrupt_remove"] == [",".join(gone)]
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    page.locator("#disrupt-after-largest").wait_for()
    check_figures(page, g, gone)
    assert page.locator("#disrupt-dataset").inner_text().strip().startswith("karate")
    assert "33" in page.inner_text("#disrupt-remove")
    page.click("#disrupt-draw")   # drawn after the what-if: greyed as well
    page.wait_for_function(f"() => {CY}.nodes('.disrupted').length === 2")
    assert greyed(page) == set(gone)


@pytest.mark.browser
def test_an_attack_with_two_strategies_draws_both_curves_and_exports_them(networks, make_app, page, tmp_path):
    store, g = networks
    steps, runs, seed = 5, 20, 3
    open_panel(page, make_app(store))
    page.click("#disrupt-draw")
    page.wait_for_function(f"() => {CY}.nodes().length === {len(g)}")
    page.locator("#disrupt-strategies label", has_text="random").click()    # betweenness is checked already
    for box, value in (("#disrupt-steps", steps), ("#disrupt-runs", runs), ("#disrupt-seed", seed)):
        page.fill(box, str(value))
        page.press(box, "Enter")
    page.click("#disrupt-attack")
    page.wait_for_function(f"() => {CHART} && {CHART}.data.some(t => t.name === 'random')")

    reference = nx_attack(g, "betweenness", steps)
    shares, _ = nx_random(g, steps, runs, seed)
    low, high = np.percentile(shares, [5, 95], axis=0)
    drawn = traces(page)
    assert drawn["betweenness"][0] == list(range(steps + 1))
    assert drawn["betweenness"][1] == pytest.approx([1.0] + [r[3] for r in reference], abs=TOL)
    assert drawn["random"][1] == pytest.approx([1.0, *shares.mean(axis=0)], abs=TOL)
    assert drawn["random 5-95%"][1] == pytest.approx([1.0, *low], abs=TOL)
    assert drawn["random 95%"][1] == pytest.approx([1.0, *high], abs=TOL)
    removed = [r[0] for r in reference]
    page.wait_for_function(f"() => {CY}.nodes('.disrupted').length === {steps}")
    assert greyed(page) == set(removed)
    assert "robustness R" in page.inner_text("#disrupt-note")

    with page.expect_download() as download:
        page.click("#disrupt-export")
    path = tmp_path / "curve.csv"
    download.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == panel.COLUMNS
    ours = [r for r in rows if r["strategy"] == "betweenness"]
    assert [r["removed"] for r in ours] == ["", *removed]
    assert [float(r["largest_share"]) for r in ours] == pytest.approx([1.0] + [r[3] for r in reference], abs=TOL)
    band = [r for r in rows if r["strategy"] == "random"][1:]
    assert [float(r["share_low"]) for r in band] == pytest.approx(list(low), abs=TOL)
    assert [float(r["share_high"]) for r in band] == pytest.approx(list(high), abs=TOL)

    # the link: strategies, steps, runs and seed; opened afresh it draws the same curves
    page.wait_for_function("() => location.search.includes('disrupt_strategy')")
    query = parse_qs(urlparse(page.url).query)
    assert query["disrupt_strategy"] == ["betweenness,random"] and query["disrupt_steps"] == [str(steps)]
    assert query["disrupt_runs"] == [str(runs)] and query["disrupt_seed"] == [str(seed)]
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    page.wait_for_function(f"() => {CHART} && {CHART}.data.some(t => t.name === 'random')")
    assert traces(page) == drawn
    assert page.input_value("#disrupt-steps") == str(steps)
    assert page.locator("#disrupt-dataset").inner_text().strip().startswith("karate")
    page.click("#disrupt-draw")   # drawn after the link ran: the attack's removed greyed
    page.wait_for_function(f"() => {CY}.nodes('.disrupted').length === {steps}")
    assert greyed(page) == set(removed)


@pytest.mark.browser
def test_entities_found_by_search_in_another_dataset_and_the_png_download(networks, make_app, page, tmp_path):
    store, _ = networks
    g = nx.Graph()
    for u, v in nx.florentine_families_graph().edges():
        g.add_edge(entity_id("florentine", "Person", [u]), entity_id("florentine", "Person", [v]))
    open_panel(page, make_app(store), "florentine")
    page.click("#disrupt-remove")
    page.locator("input.dash-dropdown-search").press_sequentially("medici")
    page.get_by_text("Medici (Person)").first.click()
    page.keyboard.press("Escape")
    page.click("#disrupt-what-if")
    page.locator("#disrupt-after-largest").wait_for()
    check_figures(page, g, [entity_id("florentine", "Person", ["Medici"])])
    assert "Medici" in page.inner_text("#disrupt-removing")
    # the chart's own PNG download (plotly's camera button)
    page.hover("#disrupt-chart")
    with page.expect_download() as download:
        page.click("#disrupt-chart .modebar-btn[data-title='Download plot as a PNG']")
    assert download.value.suggested_filename == "chokepoint-attack-curve.png"
    download.value.save_as(tmp_path / "curve.png")
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
