"""Map: ports of entry and located entities on an offline map (outlines served by the app), a click selects."""

import json
from pathlib import Path

import pytest

from chokepoint.app.panels import geo as geo_panel
from chokepoint.queries.geo import Place, located, located_labels
from chokepoint.queries.routes import PortVolume

ASSETS = Path(geo_panel.__file__).resolve().parent.parent / "assets"


def test_every_offered_scope_has_its_outlines_in_the_assets():
    for scope in geo_panel.SCOPES.values():
        path = ASSETS / "topojson" / f"{scope.replace(' ', '-')}_110m.json"
        topo = json.loads(path.read_text(encoding="utf-8"))
        assert topo["type"] == "Topology" and "countries" in topo["objects"]


def test_figure_puts_ports_first_sized_by_volume_with_ids_for_clicks():
    places = [Place("l1", "Location", "Tijuana", 32.5, -117.0, kind="city"),
              Place("p1", "PortOfEntry", "San Ysidro", 32.54, -117.03, code="2504"),
              Place("p2", "PortOfEntry", "Nogales", 31.33, -110.94, code="2604")]
    fig = geo_panel.figure(places, [PortVolume("2504", "San Ysidro", 100.0, 4)])
    ports, under = fig.data
    assert ports.name == geo_panel.PORTS_TRACE and list(ports.customdata) == ["p1", "p2"]
    assert ports.marker.size[0] > ports.marker.size[1]       # the busier port is bigger
    assert "100.0 kg" in ports.text[0] and list(under.customdata) == ["l1"]
    assert under.hoverinfo == "skip"    # Tijuana sits on San Ysidro: a click there picks the port
    far = geo_panel.figure([Place("l2", "Location", "Culiacán", 24.8, -107.4)], [])
    assert far.data[0].hoverinfo == "text"
    assert fig.layout.geo.scope == "north america"


def test_located_labels_come_from_the_schema():
    assert set(located_labels()) == {"PortOfEntry", "Location"}


def test_located_returns_every_entity_with_coordinates(case_store):
    store, truth = case_store
    rows = store.read("MATCH (n:Entity) WHERE n.lat IS NOT NULL AND n.lon IS NOT NULL "
                      "RETURN n.id AS id, n.lat AS lat, n.lon AS lon")
    places = located(store)
    assert {(p.id, p.lat, p.lon) for p in places} == {(r["id"], r["lat"], r["lon"]) for r in rows}
    ports_in_truth = {e["key"] for e in truth["entities"] if e["label"] == "PortOfEntry"}
    assert {p.code for p in places if p.label == "PortOfEntry"} <= ports_in_truth


PORT_POINTS = ("() => { const t = [...document.querySelectorAll('#map-graph .scattergeo')]"
               ".find(t => t.__data__ && t.__data__[0] && t.__data__[0].trace.name === 'Ports of entry');"
               " return t ? t.querySelectorAll('path.point').length : -1; }")


@pytest.mark.browser
def test_map_draws_the_ports_offline_and_a_click_selects_one(case_store, make_app, page):
    store, _ = case_store
    ports = store.read("MATCH (p:PortOfEntry) WHERE p.lat IS NOT NULL AND p.lon IS NOT NULL "
                       "RETURN p.id AS id, p.name AS name ORDER BY p.name")
    assert ports
    outlines = []
    page.on("request", lambda r: "/assets/topojson/" in r.url and outlines.append(r.url))
    page.goto(make_app(store) + "/?tab=map")
    page.wait_for_function(f"() => ({PORT_POINTS})() > 0")
    assert page.evaluate(PORT_POINTS) == len(ports)
    # the outlines are drawn (their paths are empty when plotly could not place them)
    page.wait_for_function("() => [...document.querySelectorAll('#map-graph .layer.countries path')]"
                           ".some(p => (p.getAttribute('d') || '').length > 100)")
    assert outlines and all(u.startswith("http://127.0.0.1") for u in outlines)   # served by the app
    page.get_by_text(f"{len(ports):,} ports of entry").wait_for()

    # a click on a port selects it: the Details tab shows it
    # the port farthest from any other point (so the click cannot land on a neighbouring place)
    box = page.evaluate("""() => {
        const centre = p => { const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; };
        const traces = [...document.querySelectorAll('#map-graph .scattergeo')];
        const ports = traces.find(t => t.__data__[0].trace.name === 'Ports of entry');
        const all = traces.flatMap(t => [...t.querySelectorAll('path.point')]);
        let best = null, far = -1;
        for (const p of ports.querySelectorAll('path.point')) {
            const [x, y] = centre(p);
            const near = Math.min(...all.filter(q => q !== p).map(q => Math.hypot(centre(q)[0] - x, centre(q)[1] - y)));
            if (near > far) { far = near; best = [x, y]; }
        }
        return best; }""")
    page.mouse.click(*box)
    page.get_by_text("Selected: ").wait_for()
    selected = page.inner_text("#map-picked").removeprefix("Selected: ")
    assert selected in {p["name"] for p in ports}
    page.click("#map-draw")
    page.wait_for_function("() => document.querySelector('#cy')._cyreg.cy.nodes().length > 1")
    assert selected in page.evaluate("() => document.querySelector('#cy')._cyreg.cy.nodes().map(n => n.data('label'))")
