"""Metrics: the charts an analyst reports, each with its table and a CSV export.

Seizures and kilograms seized by port of entry and month, shipments and kilograms entering by port and
month, supply routes by corridor, the top brokers per period (phases when the data has them, else
quarters), and traced firearms by purchaser and dealer. Every number comes from ``cases.metrics``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import plotly.graph_objects as go
import dash_ag_grid as dag
from dash import Dash, Input, Output, State, dcc, html, no_update

from chokepoint.app import export, ids
from chokepoint.app.datasets import picker, register_picker
from chokepoint.cases import metrics
from chokepoint.cases.exports import download
from chokepoint.cases.activity import date_span
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable

__all__ = ["layout", "register", "CHARTS", "stacked_by_month", "corridor_rows", "broker_figure", "bar_figure",
           "table_of", "periods_of"]

# chart name -> title; each has ids metrics-<name>-graph, metrics-<name>-table, metrics-<name>-note
CHARTS = {
    "seizures": "Seizures by port of entry and month",
    "entries": "Shipments entering by port of entry and month",
    "corridors": "Supply routes by corridor",
    "brokers": "Top brokers per period",
    "firearms": "Traced firearms by purchaser and dealer",
}
REFRESH, SEIZURE_MEASURE, ENTRY_MEASURE = "metrics-refresh", "metrics-seizure-measure", "metrics-entry-measure"
DATASET = "metrics-dataset"


def _id(name: str, part: str) -> str:
    return f"metrics-{name}-{part}"


# -- pure shaping ------------------------------------------------------------------------------

def stacked_by_month(rows: list[dict], value: str, group: str = "port", title: str = "") -> go.Figure:
    """Stacked bars: one trace per ``group`` (a port), x = month, y = ``value``.

    >>> f = stacked_by_month([{"port": "A", "month": "2024-01", "n": 2}, {"port": "A", "month": "2024-03", "n": 1},
    ...                       {"port": "B", "month": "2024-01", "n": 4}], "n")
    >>> [(t.name, list(t.x), list(t.y)) for t in f.data]
    [('A', ['2024-01', '2024-03'], [2, 1]), ('B', ['2024-01'], [4])]
    """
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        series[r[group] or "?"][r["month"]] = series[r[group] or "?"].get(r["month"], 0) + (r[value] or 0)
    fig = go.Figure([go.Bar(name=name, x=sorted(points), y=[points[m] for m in sorted(points)])
                     for name, points in sorted(series.items())])
    return _styled(fig, title, barmode="stack", xaxis={"type": "category", "categoryorder": "category ascending"})


def corridor_rows(groups: list[dict]) -> list[dict]:
    """Corridors (``queries.routes.routes_by_corridor``) as table rows.

    >>> corridor_rows([{"ports": ("2504", "2506"), "routes": 3, "kg": 10.0, "first": dt.date(2024, 1, 2),
    ...                 "last": None}])
    [{'corridor': '2504 → 2506', 'routes': 3, 'kg': 10.0, 'first': '2024-01-02', 'last': ''}]
    """
    return [{"corridor": " → ".join(g["ports"]) or "(no port of entry)", "routes": g["routes"],
             "kg": round(g["kg"], 3), "first": g["first"].isoformat() if g["first"] else "",
             "last": g["last"].isoformat() if g["last"] else ""} for g in groups]


def bar_figure(rows: list[dict], x: str, y: str, title: str = "", group: str | None = None) -> go.Figure:
    """Bars of ``y`` by ``x`` (one trace per ``group`` value when given)."""
    if group is None:
        return _styled(go.Figure([go.Bar(x=[r[x] for r in rows], y=[r[y] for r in rows])]), title)
    by: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by[r[group]].append(r)
    return _styled(go.Figure([go.Bar(name=k, x=[r[x] for r in v], y=[r[y] for r in v]) for k, v in by.items()]),
                   title, barmode="group")


def broker_figure(rows: list[dict]) -> go.Figure:
    """One line per broker across the periods (a broker missing from a period's top scores 0 there).

    >>> rows = [{"period": "P1", "id": "a", "caption": "Ana", "brokerage": 3},
    ...         {"period": "P2", "id": "b", "caption": "Bo", "brokerage": 5}]
    >>> [(t.name, list(t.y)) for t in broker_figure(rows).data]
    [('Ana', [3, 0]), ('Bo', [0, 5])]
    """
    periods = list(dict.fromkeys(r["period"] for r in rows))
    names = {r["id"]: r["caption"] or r["id"] for r in rows}
    score = {(r["id"], r["period"]): r["brokerage"] for r in rows}
    fig = go.Figure([go.Scatter(name=names[i], x=periods, y=[score.get((i, p), 0) for p in periods],
                                mode="lines+markers") for i in names])
    return _styled(fig, "", xaxis={"type": "category"})


def table_of(rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The grid's ``rowData`` and ``columnDefs`` for rows (values made JSON-friendly; each column headed by
    its field, so the CSV export has the same headers as the queries' keys)."""
    data = [{k: (", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for k, v in jsonable(r).items()}
            for r in rows]
    columns = [{"field": k, "headerName": k} for k in (data[0] if data else {})]
    return data, columns


def periods_of(span: tuple[dt.date, dt.date] | None, phases: list[dict] | None) -> list[metrics.Period]:
    """Phases (``{"phase", "start", "end"}``) when known, else the span's calendar quarters.

    >>> periods_of((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), [{"phase": 2, "start": "2024-05-02",
    ...            "end": "2024-08-31"}])
    [('phase 2', datetime.date(2024, 5, 2), datetime.date(2024, 8, 31))]
    """
    if phases:
        return [(f"phase {p['phase']}", dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
                for p in sorted(phases, key=lambda p: p["phase"])]
    return metrics.quarters(*span) if span else []


def _styled(fig: go.Figure, title: str, **layout) -> go.Figure:
    fig.update_layout(title=title or None, margin={"l": 40, "r": 10, "t": 30 if title else 10, "b": 40}, height=300,
                      legend={"font": {"size": 10}}, **layout)
    return fig


# -- layout ------------------------------------------------------------------------------------

def _chart(name: str, controls=None) -> html.Div:
    return html.Div([
        html.H4(CHARTS[name], className="metrics-title"),
        controls,
        html.Div(id=_id(name, "note"), className="cp-muted"),
        dcc.Loading(dcc.Graph(id=_id(name, "graph"), figure=_styled(go.Figure(), ""),
                              config={"displaylogo": False})),
        html.Button("Export CSV", id=_id(name, "export"), n_clicks=0, className="export",
                    title="download the table's rows as CSV"),
        dcc.Download(id=_id(name, "download")),
        dag.AgGrid(id=_id(name, "table"), rowData=[], columnDefs=[], className="ag-theme-alpine compact-grid",
                   defaultColDef={"sortable": True, "resizable": True, "flex": 1, "minWidth": 80},
                   dashGridOptions={"pagination": True, "paginationPageSize": 8,
                                    "paginationPageSizeSelector": False, "suppressFieldDotNotation": True,
                                    "suppressColumnVirtualisation": True,  # small tables: every column in the DOM
                                    "domLayout": "autoHeight"}),
    ], id=_id(name, "block"))


def layout() -> html.Div:
    radio = {"inline": True, "className": "cp-small"}
    return html.Div([
        html.Div([picker(DATASET),
                  html.Button("Refresh", id=REFRESH, n_clicks=0, title="compute every chart again",
                              className="cp-spaced")]),
        _chart("seizures", dcc.RadioItems(id=SEIZURE_MEASURE, value="seizures", **radio,
                                          options=[{"label": " seizures ", "value": "seizures"},
                                                   {"label": " kilograms seized", "value": "kg"}])),
        _chart("entries", dcc.RadioItems(id=ENTRY_MEASURE, value="kg", **radio,
                                         options=[{"label": " kilograms ", "value": "kg"},
                                                  {"label": " shipments", "value": "shipments"}])),
        _chart("corridors"),
        _chart("brokers"),
        _chart("firearms"),
    ], className="cp-panel")


# -- callbacks ---------------------------------------------------------------------------------

def _outputs(name: str) -> list[Output]:
    return [Output(_id(name, "graph"), "figure"), Output(_id(name, "table"), "rowData"),
            Output(_id(name, "table"), "columnDefs"), Output(_id(name, "note"), "children")]


def _skip(tab: str) -> bool:
    return tab != "metrics"


def register(app: Dash, store: Store) -> None:
    def guarded(compute):
        """Run ``compute()`` -> (figure, rows, note); a store error becomes the note (and the banner)."""
        try:
            fig, rows, note = compute()
        except ChokepointError as err:
            return no_update, [], [], str(err), str(err)
        data, columns = table_of(rows)
        return fig, data, columns, note, ""

    banner = Output(ids.BANNER, "children", allow_duplicate=True)
    chosen = Input(DATASET, "value")
    def exporter(name: str):
        def export_csv(_, shown, rows, columns, dataset):
            """The table's rows (all of them, sorted as shown) as CSV, written here so every cell goes
            through graph.csvsafe and the export is audited before it is handed over."""
            rows = shown or rows or []  # as sorted in the grid, once it has said so
            text = export.table_csv([c["field"] for c in columns or []], rows)
            try:
                return download(text, f"{name}.csv", f"metrics {name}", {"dataset": dataset or None}, "csv",
                                len(rows), mime="text/csv"), no_update
            except ChokepointError as err:
                return no_update, str(err)
        return export_csv

    for name in CHARTS:
        app.callback(Output(_id(name, "download"), "data"), banner, Input(_id(name, "export"), "n_clicks"),
                     State(_id(name, "table"), "virtualRowData"), State(_id(name, "table"), "rowData"),
                     State(_id(name, "table"), "columnDefs"), State(DATASET, "value"),
                     prevent_initial_call=True)(exporter(name))
    register_picker(app, store, DATASET, "metrics")

    @app.callback(*_outputs("seizures"), banner, Input(ids.TABS, "value"), Input(REFRESH, "n_clicks"),
                  Input(SEIZURE_MEASURE, "value"), chosen, prevent_initial_call=True)
    def seizures(tab, _, measure, dataset):
        if _skip(tab):
            return (no_update,) * 5

        def compute():
            rows = metrics.seizures_by_port_month(store, dataset or None)
            total = sum(r["seizures"] for r in rows)
            kg = sum(r["kg"] for r in rows)
            note = f"{total:,} seizures at ports of entry, {kg:,.1f} kg." if rows else \
                "No seizures at ports of entry in the data."
            return stacked_by_month(rows, measure), rows, note
        return guarded(compute)

    @app.callback(*_outputs("entries"), banner, Input(ids.TABS, "value"), Input(REFRESH, "n_clicks"),
                  Input(ENTRY_MEASURE, "value"), chosen, prevent_initial_call=True)
    def entries(tab, _, measure, dataset):
        if _skip(tab):
            return (no_update,) * 5

        def compute():
            rows = metrics.entries_by_port_month(store, dataset or None)
            note = (f"{sum(r['shipments'] for r in rows):,} shipments, {sum(r['kg'] for r in rows):,.1f} kg "
                    "(saved query port-volume-by-month).") if rows else "No shipments entered at a port of entry."
            return stacked_by_month(rows, measure), rows, note
        return guarded(compute)

    @app.callback(*_outputs("corridors"), banner, Input(ids.TABS, "value"), Input(REFRESH, "n_clicks"),
                  chosen, prevent_initial_call=True)
    def corridors(tab, _, dataset):
        if _skip(tab):
            return (no_update,) * 5

        def compute():
            groups, found = metrics.corridors(store, dataset or None, limit=ROUTE_LIMIT)
            rows = corridor_rows(groups)
            capped = (f" Capped at the first {ROUTE_LIMIT:,} routes: ask the Routes tab for chosen sources and "
                      "sinks.") if found >= ROUTE_LIMIT else ""
            note = (f"{found:,} time-respecting routes from the places that only ship to those that only receive."
                    + capped) if found else "No supply routes (SHIPPED_TO chains) in the data."
            fig = bar_figure(rows, "corridor", "routes")
            fig.update_traces(hovertext=[f"{r['kg']:,.1f} kg, {r['first']} to {r['last']}" for r in rows])
            return fig, rows, note
        return guarded(compute)

    @app.callback(*_outputs("brokers"), banner, Input(ids.TABS, "value"), Input(REFRESH, "n_clicks"),
                  Input(ids.PHASES, "data"), chosen, prevent_initial_call=True)
    def brokers(tab, _, phases, dataset):
        if _skip(tab):
            return (no_update,) * 5

        def compute():
            periods = periods_of(date_span(store, dataset or None), phases)
            rows = metrics.brokers_by_period(store, periods, dataset or None, top=BROKERS) if periods else []
            kind = "phase" if phases else "quarter"
            note = (f"Top {BROKERS} persons and organisations by brokerage (Gould-Fernandez, between entity "
                    f"types) in each {kind}.") if rows else "No brokers (no dated links, or no two-step paths)."
            return broker_figure(rows), rows, note
        return guarded(compute)

    @app.callback(*_outputs("firearms"), banner, Input(ids.TABS, "value"), Input(REFRESH, "n_clicks"),
                  chosen, prevent_initial_call=True)
    def firearms(tab, _, dataset):
        if _skip(tab):
            return (no_update,) * 5

        def compute():
            rows = metrics.firearms_traced(store, dataset or None)
            note = f"{sum(r['firearms'] for r in rows if r['by'] == 'dealer'):,} traced firearms." if rows else \
                "No traced firearms in the data."
            return bar_figure(rows[:40], "caption", "firearms", group="by"), rows, note
        return guarded(compute)


#: routes followed for the corridor chart, and brokers shown per period
ROUTE_LIMIT = 500
BROKERS = 5
