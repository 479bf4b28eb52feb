"""Timeline: the date window hides canvas links dated outside it (and entities linked only through them),
widening brings them back; phases and play step through time. Pure helpers, the date queries against the
real Neo4j, and the journey in headless Chromium."""

import datetime as dt

import pytest

from chokepoint.app.panels import timeline as tl
from chokepoint.queries.activity import date_span, link_dates

D = dt.date


def node(i):
    return {"data": {"id": i}}


def link(i, a, b, date=None):
    data = {"id": i, "source": a, "target": b}
    if date:
        data["date"] = date
    return {"data": data}


# -- pure helpers ------------------------------------------------------------------------------

def test_month_windows_cover_the_span_without_gaps():
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    windows = tl.month_windows(start, end)
    assert len(windows) == 12
    assert windows[0][0] == 0 and windows[-1][1] == (end - start).days
    assert all(b[0] == a[1] + 1 for a, b in zip(windows, windows[1:]))
    assert [tl.window_of(start, w)[0].day for w in windows] == [1] * 12
    assert tl.window_of(start, windows[1]) == (D(2024, 2, 1), D(2024, 2, 29))


def test_phase_windows_follow_the_phases_cut_to_the_span():
    start, end = D(2024, 1, 1), D(2024, 12, 31)
    phases = [{"phase": 2, "start": "2024-05-02", "end": "2024-08-31"},
              {"phase": 1, "start": "2023-12-01", "end": "2024-05-01"}]
    windows = tl.phase_windows(start, end, phases)
    assert [tl.window_of(start, w) for w in windows] == [(D(2024, 1, 1), D(2024, 5, 1)), (D(2024, 5, 2), D(2024, 8, 31))]


def test_play_steps_through_every_window_and_stops_at_the_last():
    windows = tl.month_windows(D(2024, 1, 1), D(2024, 6, 30))
    value, seen, last = [0, 181], [], False
    while not last:
        value, last = tl.next_window(value, windows)
        seen.append(value)
    assert seen == windows
    assert tl.next_window(seen[-1], windows) == (windows[0], False)   # play again starts over
    assert tl.next_window([0, 5], []) == (None, True)


def test_hidden_links_are_those_dated_outside_and_entities_only_linked_through_them():
    els = [node("a"), node("b"), node("c"), node("lonely"),
           link("ab", "a", "b", "2024-01-10"), link("bc", "b", "c"), link("ac", "a", "c"), link("cd", "c", "b")]
    dates = {"ac": "2024-06-01", "cd": None}   # fetched dates; "cd" is undated
    hidden = tl.hidden_ids(els, dates, D(2024, 3, 1), D(2024, 3, 31))
    assert hidden == {"ab", "ac", "a"}          # b, c keep undated links; "lonely" has no link at all
    assert tl.hidden_ids(els, dates, D(2024, 1, 1), D(2024, 12, 31)) == set()
    assert tl.hidden_ids(els, dates, D(2024, 1, 10), D(2024, 1, 10)) == {"ac"}   # inclusive window


def test_marks_fall_on_month_starts():
    marks = tl.month_marks(D(2024, 11, 20), D(2025, 2, 1))
    assert [tl.window_of(D(2024, 11, 20), [k, k])[0] for k in marks] == [
        D(2024, 11, 20), D(2024, 12, 1), D(2025, 1, 1), D(2025, 2, 1)]
    assert marks[0] == "Nov 2024" and "2025" in list(marks.values())[2]


# -- the date queries against Neo4j -------------------------------------------------------------

def test_link_dates_and_span_agree_with_the_stored_links(case_store):
    store, truth = case_store
    rows = store.read("MATCH (a)-[r]->() RETURN r.id AS id, r.date AS date, "
                      "CASE WHEN a:Seizure OR a:Shipment THEN a.date END AS event")
    expected = {r["id"]: (r["date"] or r["event"]) for r in rows}
    expected = {k: (v.to_native() if v is not None else None) for k, v in expected.items()}
    found = link_dates(store, [*expected, "not-a-link"])
    assert found == expected
    days = [d for d in expected.values() if d]
    assert date_span(store) == (min(days), max(days))
    phases = truth["phases"]
    assert date_span(store)[0] >= D.fromisoformat(phases[0]["start"])
    assert date_span(store)[1] <= D.fromisoformat(phases[-1]["end"])


# -- the journey in the browser ------------------------------------------------------------------

CY = "document.querySelector('#cy')._cyreg.cy"


def visible_is(links: int, nodes: int | None = None) -> str:
    """JS: true once the canvas shows exactly ``links`` links (and ``nodes`` entities)."""
    check = f"{CY}.edges(':visible').length === {links}"
    if nodes is not None:
        check += f" && {CY}.nodes(':visible').length === {nodes}"
    return f"() => {check}"


def _visible_if(elements_links, dates, first, last):
    """Expected visible links and entities, computed here from the fetched dates."""
    shown = {i for i, (a, b) in elements_links.items() if not dates.get(i) or first <= dates[i] <= last}
    ends = {n for i in shown for n in elements_links[i]}
    return shown, ends


@pytest.mark.browser
def test_narrowing_the_window_hides_links_dated_outside_and_widening_brings_them_back(case_store, make_app, page):
    store, truth = case_store
    url = make_app(store)
    port = store.read("MATCH (p:PortOfEntry {name: 'San Ysidro'}) RETURN p.id AS id")[0]["id"]
    page.goto(f"{url}/?entity={port}&tab=timeline")   # a deep link: the port's neighbourhood, Timeline open
    page.wait_for_selector("#cy canvas")
    page.wait_for_function(f"() => {CY}.edges().length > 5")
    page.get_by_text("Links dated from").wait_for()
    links = {e["id"]: (e["source"], e["target"]) for e in page.evaluate(
        f"() => {CY}.edges().map(e => ({{id: e.id(), source: e.data('source'), target: e.data('target')}}))")}
    nodes = page.evaluate(f"() => {CY}.nodes().map(n => n.id())")
    linked = {n for ab in links.values() for n in ab}
    dates = link_dates(store, list(links))
    assert all(i in dates for i in links)   # every canvas link is a stored link

    phase1 = truth["phases"][0]
    first, last = D.fromisoformat(phase1["start"]), D(2024, 3, 31)
    page.fill("#timeline-from", first.isoformat())
    page.press("#timeline-from", "Enter")
    page.fill("#timeline-to", last.isoformat())
    page.press("#timeline-to", "Enter")
    shown, ends = _visible_if(links, dates, first, last)
    expected_nodes = len(ends) + len([n for n in nodes if n not in linked])
    assert 0 < len(shown) < len(links), "the window must leave out some links for the test to mean anything"
    page.wait_for_function(visible_is(len(shown), expected_nodes))
    assert sorted(page.evaluate(f"() => {CY}.edges(':visible').map(e => e.id())")) == sorted(shown)
    hidden = page.evaluate(f"() => {CY}.edges(':hidden').map(e => e.data('id'))")
    assert all(dates[i] and not first <= dates[i] <= last for i in hidden)
    page.get_by_text(f"{len(links) - len(shown)} of {len(links)} links").wait_for()

    page.click("#timeline-all")   # widen again: everything is back
    page.wait_for_function(visible_is(len(links), len(nodes)))

    # phases, when another panel (the trainer) says the data has them: a button per phase
    page.evaluate("phases => window.dash_clientside.set_props('phases', {data: phases})", truth["phases"])
    page.get_by_role("button", name="Phase 2").click()
    p2 = truth["phases"][1]
    shown, _ = _visible_if(links, dates, D.fromisoformat(p2["start"]), D.fromisoformat(p2["end"]))
    page.wait_for_function(visible_is(len(shown)))
    assert page.input_value("#timeline-from") == p2["start"] and page.input_value("#timeline-to") == p2["end"]


@pytest.mark.browser
def test_play_steps_through_the_months_and_stops_at_the_end(case_store, make_app, page, monkeypatch):
    store, _ = case_store
    monkeypatch.setattr(tl, "TICK_MS", 150)  # read when the layout is built: a month a tick, not in real time
    url = make_app(store)
    page.goto(url + "/?tab=timeline")
    page.get_by_text("Links dated from").wait_for()
    start, end = date_span(store)
    months = tl.month_windows(start, end)
    page.wait_for_load_state("networkidle")  # the page's first callbacks have answered: none can reset the button
    page.click("#timeline-play")
    page.get_by_role("button", name="Stop").wait_for()
    # it stops by itself on the last month, and says so by offering Play again
    page.get_by_role("button", name="Play").wait_for()
    first, last = tl.window_of(start, months[-1])
    assert page.input_value("#timeline-from") == first.isoformat()
    assert page.input_value("#timeline-to") == last.isoformat()
