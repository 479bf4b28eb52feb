"""Timeline: a date window over the canvas, phase buttons, and a play button that steps through time.

The window hides (never removes) the canvas links dated outside it, and the entities linked only
through such links: they get the class ``out-of-window`` (a view change ``mark``; the stylesheet does
not display it), so widening the window brings them back. Undated links (memberships, phone use) are
always shown; a seizure's or shipment's links take its date (``cases.activity.link_dates``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import ids, view
from chokepoint.cases.activity import date_span, link_dates
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["layout", "register", "CLS", "TICK_MS", "month_marks", "month_windows", "phase_windows",
           "next_window", "hidden_ids", "window_of", "offsets_of"]

CLS = "out-of-window"
#: how long each month or phase stays on screen while playing (read when the layout is built)
TICK_MS = 1200

SPAN, DATES = "timeline-span", "timeline-dates"
SLIDER, FROM, TO = "timeline-window", "timeline-from", "timeline-to"
ALL_BUTTON, PHASE_BUTTONS, PHASE = "timeline-all", "timeline-phase-buttons", "timeline-phase"
PLAY, TICK, STEP, STATUS = "timeline-play", "timeline-tick", "timeline-step", "timeline-status"


# -- pure helpers ------------------------------------------------------------------------------

def _day(text: str | dt.date) -> dt.date:
    return text if isinstance(text, dt.date) else dt.date.fromisoformat(str(text)[:10])


def month_marks(start: dt.date, end: dt.date) -> dict[int, str]:
    """Slider marks (day offset from ``start`` -> text) at the first day of each month in the span.

    >>> month_marks(dt.date(2024, 1, 15), dt.date(2024, 3, 2))
    {0: 'Jan 2024', 17: 'Feb', 46: 'Mar'}
    """
    marks, day = {}, start
    while day <= end:
        marks[(day - start).days] = day.strftime("%b %Y" if day == start or day.month == 1 else "%b")
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return marks


def month_windows(start: dt.date, end: dt.date) -> list[list[int]]:
    """The calendar months of the span as slider windows ``[first offset, last offset]``.

    >>> month_windows(dt.date(2024, 1, 15), dt.date(2024, 3, 2))
    [[0, 16], [17, 45], [46, 47]]
    """
    offsets = sorted(month_marks(start, end))
    last = (end - start).days
    return [[a, (offsets[i + 1] - 1) if i + 1 < len(offsets) else last] for i, a in enumerate(offsets)]


def phase_windows(start: dt.date, end: dt.date, phases: Iterable[dict]) -> list[list[int]]:
    """Phases (``{"phase", "start", "end"}``) as slider windows, cut to the span, in phase order."""
    out = []
    for p in sorted(phases or [], key=lambda p: p["phase"]):
        a, b = offsets_of(start, end, p["start"], p["end"])
        if a <= b:
            out.append([a, b])
    return out


def offsets_of(start: dt.date, end: dt.date, first: str | dt.date, last: str | dt.date) -> tuple[int, int]:
    """Dates as slider offsets from ``start``, clamped to the span."""
    total = (end - start).days
    return (max(0, min(total, (_day(first) - start).days)), max(0, min(total, (_day(last) - start).days)))


def window_of(start: dt.date, value: list[int]) -> tuple[dt.date, dt.date]:
    """The slider value as dates (inclusive)."""
    return start + dt.timedelta(days=int(value[0])), start + dt.timedelta(days=int(value[1]))


def next_window(value: list[int] | None, windows: list[list[int]]) -> tuple[list[int] | None, bool]:
    """Play: the window after ``value`` and whether it is the last one. From anything that is not one of
    the windows (or from the last), play starts again at the first.

    >>> w = [[0, 9], [10, 19], [20, 29]]
    >>> next_window([0, 29], w), next_window([0, 9], w), next_window([10, 19], w)
    (([0, 9], False), ([10, 19], False), ([20, 29], True))
    """
    if not windows:
        return None, True
    value = list(value or [])
    if value in windows and windows.index(value) + 1 < len(windows):
        i = windows.index(value) + 1
    else:
        i = 0
    return windows[i], i == len(windows) - 1


def hidden_ids(elements: list[dict], dates: dict[str, str | None], first: dt.date, last: dt.date) -> set[str]:
    """Ids to hide for the window ``first``..``last``: links dated outside it (a link's date is its
    ``data.date`` or ``dates[id]``; undated links always stay), and entities whose every link on the
    canvas is hidden (entities with no link on the canvas stay).

    >>> els = [{"data": {"id": "a"}}, {"data": {"id": "b"}}, {"data": {"id": "c"}},
    ...        {"data": {"id": "ab", "source": "a", "target": "b", "date": "2024-05-01"}},
    ...        {"data": {"id": "bc", "source": "b", "target": "c"}}]
    >>> sorted(hidden_ids(els, {}, dt.date(2024, 1, 1), dt.date(2024, 3, 31)))
    ['a', 'ab']
    """
    hidden: set[str] = set()
    links_at: dict[str, list[str]] = {}
    for e in elements:
        d = e.get("data", {})
        if not view.is_node(e):
            day = d.get("date") or dates.get(d["id"])
            if day and not first <= _day(day) <= last:
                hidden.add(d["id"])
            links_at.setdefault(d["source"], []).append(d["id"])
            links_at.setdefault(d["target"], []).append(d["id"])
    for node, links in links_at.items():
        if all(link in hidden for link in links):
            hidden.add(node)
    return hidden


def _marked(elements: list[dict]) -> set[str]:
    """Ids carrying the class now (the browser may echo elements without ``classes``: see app.view)."""
    return {e["data"]["id"] for e in view.restore_classes(elements) if CLS in (e.get("classes") or "").split()}


# -- layout ------------------------------------------------------------------------------------

def layout() -> html.Div:
    return html.Div([
        dcc.Store(id=SPAN), dcc.Store(id=DATES, data={}), dcc.Store(id=ids.PHASES),
        html.Div(id=f"{SPAN}-text", className="timeline-span"),
        dcc.RangeSlider(id=SLIDER, min=0, max=1, step=1, value=None, allowCross=False, allow_direct_input=False,
                        updatemode="mouseup"),
        html.Div([
            html.Label("From ", htmlFor=FROM),
            dcc.Input(id=FROM, type="text", debounce=True, placeholder="yyyy-mm-dd", className="timeline-date"),
            html.Label(" to ", htmlFor=TO),
            dcc.Input(id=TO, type="text", debounce=True, placeholder="yyyy-mm-dd", className="timeline-date"),
            html.Button("All dates", id=ALL_BUTTON, n_clicks=0, title="widen the window to every date",
                        className="cp-spaced"),
        ], className="timeline-window"),
        html.Div(id=PHASE_BUTTONS, className="timeline-phases"),
        html.Div([
            html.Button("Play", id=PLAY, n_clicks=0, title="step through the months (or phases), then stop"),
            dcc.RadioItems(id=STEP, options=[{"label": " by month", "value": "month"}], value="month",
                           inline=True, className="timeline-step"),
            dcc.Interval(id=TICK, interval=TICK_MS, disabled=True),
        ]),
        html.Div(id=STATUS, role="status", className="timeline-status"),
    ], className="cp-panel")


# -- callbacks ---------------------------------------------------------------------------------

def register(app: Dash, store: Store) -> None:
    @app.callback(Output(SPAN, "data"), Output(f"{SPAN}-text", "children"),
                  Output(SLIDER, "max"), Output(SLIDER, "marks"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.TABS, "value"), State(SPAN, "data"), prevent_initial_call="initial_duplicate")
    def span(tab, known):
        """The data's date span (again when the Timeline tab is opened: the data may have changed)."""
        if known and tab != "timeline":
            return no_update, no_update, no_update, no_update, no_update
        try:
            found = date_span(store)
        except ChokepointError as err:
            return no_update, no_update, no_update, no_update, str(err)
        if found is None:
            return None, "No dated links in the data.", 1, {}, no_update
        first, last = found
        data = {"start": first.isoformat(), "end": last.isoformat()}
        if data == known:
            return no_update, no_update, no_update, no_update, no_update
        text = f"Links dated from {first} to {last}."
        return data, text, (last - first).days, month_marks(first, last), no_update

    @app.callback(Output(PHASE_BUTTONS, "children"), Output(STEP, "options"),
                  Input(ids.PHASES, "data"), Input(SPAN, "data"))
    def phase_buttons(phases, span_):
        options = [{"label": " by month", "value": "month"}]
        if not phases or not span_:
            return [], options
        buttons = [html.Button(f"Phase {p['phase']}", id={"type": PHASE, "index": p["phase"]}, n_clicks=0,
                               title=f"{p['start']} to {p['end']}") for p in sorted(phases, key=lambda p: p["phase"])]
        return buttons, [*options, {"label": " by phase", "value": "phase"}]

    @app.callback(Output(SLIDER, "value"), Output(FROM, "value"), Output(TO, "value"),
                  Output(TICK, "disabled"), Output(PLAY, "children"),
                  Input(SPAN, "data"), Input(SLIDER, "value"), Input(FROM, "value"), Input(TO, "value"),
                  Input(ALL_BUTTON, "n_clicks"), Input({"type": PHASE, "index": ALL}, "n_clicks"),
                  Input(PLAY, "n_clicks"), Input(TICK, "n_intervals"),
                  State(ids.PHASES, "data"), State(STEP, "value"), State(TICK, "disabled"))
    def window(span_, value, typed_from, typed_to, _all, _phases, _play, _tick, phases, step, stopped):
        """One place decides the window: the slider, the typed dates, the buttons and play all land here."""
        if not span_:
            return None, "", "", True, "Play"
        start, end = _day(span_["start"]), _day(span_["end"])
        full = [0, (end - start).days]
        trigger = ctx.triggered_id
        playing = not stopped
        if trigger == SPAN or value is None or trigger == ALL_BUTTON:
            value, playing = full, False
        elif trigger in (FROM, TO):
            try:
                a, b = offsets_of(start, end, typed_from or span_["start"], typed_to or span_["end"])
            except ValueError:
                return no_update, no_update, no_update, no_update, no_update
            value, playing = [min(a, b), max(a, b)], False
        elif isinstance(trigger, dict) and trigger.get("type") == PHASE:
            if not ctx.triggered[0]["value"]:
                return no_update, no_update, no_update, no_update, no_update
            phase = next((p for p in phases or [] if p["phase"] == trigger["index"]), None)
            if phase is None:
                return no_update, no_update, no_update, no_update, no_update
            value, playing = list(offsets_of(start, end, phase["start"], phase["end"])), False
        elif trigger == PLAY:
            if playing:   # pressed while playing: stop where it is
                playing = False
            else:
                value, last = next_window(value, _steps(start, end, step, phases))
                playing = value is not None and not last
                value = value or full
        elif trigger == TICK:
            if not playing:
                return no_update, no_update, no_update, no_update, no_update
            value, last = next_window(value, _steps(start, end, step, phases))
            playing = value is not None and not last
            value = value or full
        else:  # the slider moved
            playing = False
        first, last_day = window_of(start, value)
        return value, first.isoformat(), last_day.isoformat(), not playing, "Stop" if playing else "Play"

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True), Output(DATES, "data"),
                  Output(STATUS, "children"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(SLIDER, "value"), Input(ids.CANVAS, "elements"), State(SPAN, "data"), State(DATES, "data"),
                  prevent_initial_call=True)
    def filter_canvas(value, elements, span_, dates):
        """Mark what lies outside the window (only when that changes: marking changes the elements)."""
        if not span_ or value is None:
            return no_update, no_update, no_update, no_update
        elements, dates = elements or [], dict(dates or {})
        start, end = _day(span_["start"]), _day(span_["end"])
        first, last = window_of(start, value)
        narrowed = first > start or last < end
        wanted_dates = [e["data"]["id"] for e in elements if not view.is_node(e) and "date" not in e["data"]
                        and e["data"]["id"] not in dates]
        if narrowed and wanted_dates:
            try:
                found = link_dates(store, wanted_dates)
            except ChokepointError as err:
                return no_update, no_update, no_update, str(err)
            dates.update({i: (found[i].isoformat() if found.get(i) else None) for i in wanted_dates})
        hidden = hidden_ids(elements, dates, first, last) if narrowed else set()
        links = sum(1 for e in elements if not view.is_node(e))
        hidden_links = sum(1 for e in elements if not view.is_node(e) and e["data"]["id"] in hidden)
        status = (f"{first} to {last}: {hidden_links:,} of {links:,} links on the canvas lie outside and are hidden"
                  f" (with {len(hidden) - hidden_links:,} entities linked only through them).")
        if hidden == _marked(elements):
            return no_update, dates, status, no_update
        return view.change("mark", f"Timeline {first} to {last}.", cls=CLS, ids=sorted(hidden)), dates, status, ""


def _steps(start: dt.date, end: dt.date, step: str, phases: list[dict] | None) -> list[list[int]]:
    if step == "phase" and phases:
        return phase_windows(start, end, phases)
    return month_windows(start, end)
