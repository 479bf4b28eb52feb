"""Disruption: what if these entities were removed, and how fast does the network fall apart under attack?

An analyst picks a dataset (or all), then either entities to remove (selected on the canvas, or found by
search) and presses **What if removed**, or one or more strategies (betweenness, degree, closeness,
pagerank, collective influence, random) and a number of steps and presses **Attack curves**. The panel
shows the figures before and after (the same figures ``chokepoint disrupt`` prints), the attack curves
(relative largest component per step) overlaid in one chart, random with its 5-95% band, and greys
the removed entities on the canvas (the ``disrupted`` class). The curve goes out as CSV (audited, every
cell through ``graph.csvsafe``) and PNG (the chart's own camera button). The URL holds the choice
(``disrupt_*`` parameters) and a link restores and runs it.

Every figure is ``cases.disruption.analyse``'s, which also caps the work (steps, runs) so the page never
freezes, and says so; this module reads the form and shapes the answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import export, ids, view
from chokepoint.app.datasets import picker, register_picker
from chokepoint.app.suggest import register_suggestions
from chokepoint.app.widgets import field, remark, row, table
from chokepoint.cases import disruption as cases
from chokepoint.cases import scope as scopes
from chokepoint.cases.exports import download
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["layout", "register", "LINK", "COLUMNS", "FIGURES", "COLOURS", "link_of", "linked_search",
           "curve_figure", "figure_text", "scope_elements", "selection_options", "form_choice"]

P = "disrupt-"
DATASET, DRAW, REMOVE, TAKE, WHAT_IF = P + "dataset", P + "draw", P + "remove", P + "take", P + "what-if"
STRATEGIES, STEPS, MODE, RUNS, SEED, ATTACK = (P + "strategies", P + "steps", P + "mode", P + "runs", P + "seed",
                                               P + "attack")
NOTE, FIGURES_BOX, CHART, EXPORT, DOWNLOAD, ROWS, LAST = (P + "note", P + "figures", P + "chart", P + "export",
                                                         P + "download", P + "rows", P + "last")

#: the URL parameters that hold the choice -> what each holds
LINK = {"disrupt_dataset": "dataset", "disrupt_remove": "remove", "disrupt_strategy": "strategies",
        "disrupt_steps": "steps", "disrupt_mode": "mode", "disrupt_runs": "runs", "disrupt_seed": "seed"}
_LISTS, _NUMBERS = {"remove", "strategies"}, {"steps": 10, "runs": 100, "seed": 0}
#: the curve's CSV columns (``cases.disruption.Analysis.rows``)
COLUMNS = ["strategy", "mode", "step", "removed", "caption", "score", "largest", "largest_share", "share_low",
           "share_high"]
#: the figures table: figure key -> shown as (keys of ``queries.disruption.Figures``)
FIGURES = {"entities": "entities", "links": "links", "components": "components", "largest": "largest component",
           "largest_share": "largest component (relative)", "fragmentation": "fragmentation",
           "efficiency": "global efficiency", "average_path_length": "average path length (largest component)",
           "density": "density"}
#: a colour per strategy in the chart
COLOURS = {"betweenness": "#d62728", "degree": "#1f77b4", "closeness": "#2ca02c", "pagerank": "#9467bd",
           "collective-influence": "#ff7f0e", "random": "#7f7f7f"}


# -- pure shaping ------------------------------------------------------------------------------------
def link_of(search: str | None) -> dict[str, Any]:
    """The choice a URL's query holds (only what it names).

    >>> link_of("?tab=disruption&disrupt_dataset=karate&disrupt_strategy=degree,random&disrupt_steps=5")
    {'dataset': 'karate', 'strategies': ['degree', 'random'], 'steps': 5}
    >>> link_of("?disrupt_steps=many")
    {}
    """
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    out: dict[str, Any] = {}
    for key, name in LINK.items():
        text = (query.get(key) or "").strip()
        if not text:
            continue
        if name in _LISTS:
            out[name] = [t for t in text.split(",") if t]
        elif name in _NUMBERS:
            try:
                out[name] = int(text)
            except ValueError:
                continue
        else:
            out[name] = text
    return out


def linked_search(search: str | None, choice: Mapping[str, Any]) -> str:
    """The URL's query with the choice written into the ``disrupt_*`` parameters (other parameters kept).

    >>> linked_search("?tab=disruption&disrupt_steps=3", {"dataset": "karate", "remove": ["a", "b"], "steps": None})
    '?tab=disruption&disrupt_dataset=karate&disrupt_remove=a%2Cb'
    """
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items() if k not in LINK}
    for key, name in LINK.items():
        value = choice.get(name)
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else "" if value is None else str(value)
        if text:
            query[key] = text
    return "?" + urlencode(query) if query else ""


def figure_text(value: float) -> str:
    """A figure as the CLI prints it (six significant digits).

    >>> figure_text(0.2555556), figure_text(1234)
    ('0.255556', '1,234')
    """
    return f"{value:,.6g}"


def curve_figure(rows: Sequence[Mapping[str, Any]], title: str = "") -> go.Figure:
    """One line per strategy: x the step, y the relative largest component; random also its 5-95% band
    (a filled area between ``share_low`` and ``share_high``).

    >>> rows = [{"strategy": "degree", "step": 0, "largest_share": 1.0}, {"strategy": "degree", "step": 1,
    ...          "largest_share": 0.5}, {"strategy": "random", "step": 0, "largest_share": 1.0, "share_low": None,
    ...          "share_high": None}, {"strategy": "random", "step": 1, "largest_share": 0.9, "share_low": 0.8,
    ...          "share_high": 1.0}]
    >>> [(t.name, list(t.y)) for t in curve_figure(rows).data]
    [('degree', [1.0, 0.5]), ('random 95%', [1.0, 1.0]), ('random 5-95%', [1.0, 0.8]), ('random', [1.0, 0.9])]
    """
    by: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["strategy"], []).append(r)
    traces = []
    for strategy, points in by.items():
        x, y = [p["step"] for p in points], [p["largest_share"] for p in points]
        colour = COLOURS.get(strategy, "#333")
        if strategy == "random":
            high = [p["largest_share"] if p.get("share_high") is None else p["share_high"] for p in points]
            low = [p["largest_share"] if p.get("share_low") is None else p["share_low"] for p in points]
            traces.append(go.Scatter(x=x, y=high, name="random 95%", mode="lines", line={"width": 0},
                                     showlegend=False, hoverinfo="skip"))
            traces.append(go.Scatter(x=x, y=low, name="random 5-95%", mode="lines", line={"width": 0},
                                     fill="tonexty", fillcolor="rgba(127,127,127,0.25)"))
        traces.append(go.Scatter(x=x, y=y, name=strategy, mode="lines+markers", line={"color": colour}))
    fig = go.Figure(traces)
    fig.update_layout(title=title or None, height=320, margin={"l": 50, "r": 10, "t": 30 if title else 10, "b": 50},
                      xaxis={"title": "entities removed", "dtick": 1 if len(rows) <= 60 else None},
                      yaxis={"title": "largest component (relative)", "range": [0, 1.05]},
                      legend={"font": {"size": 10}})
    return fig


def scope_elements(graph) -> list[dict]:
    """Canvas elements of a projection: every entity (classed by its label) and relationship."""
    nodes = [{"data": {"id": v, "label": d.get("caption") or v, "kind": d.get("label")}, "classes": d.get("label") or ""}
             for v, d in graph.nodes(data=True)]
    links = [{"data": {"id": key, "source": u, "target": v, "type": d.get("type")}}
             for u, v, key, d in graph.edges(keys=True, data=True)]
    return nodes + links


def selection_options(selected: Sequence[Mapping] | None, options: Sequence[Mapping] | None,
                      chosen: Sequence[str] | None) -> tuple[list[dict], list[str]]:
    """The Remove box's options and value once the canvas selection (nodes' data) is added to it.

    >>> selection_options([{"id": "a", "label": "Ana", "kind": "Person"}], [{"label": "Bo", "value": "b"}], ["b"])
    ([{'label': 'Bo', 'value': 'b'}, {'label': 'Ana (Person)', 'value': 'a'}], ['b', 'a'])
    """
    options, chosen = list(options or []), list(chosen or [])
    have = {o["value"] for o in options}
    for d in selected or []:
        if "source" in d:
            continue
        if d["id"] not in have:
            options.append({"label": f"{d.get('label') or d['id']} ({d.get('kind') or '?'})", "value": d["id"]})
            have.add(d["id"])
        if d["id"] not in chosen:
            chosen.append(d["id"])
    return options, chosen


def _figures_table(report: cases.WhatIfReport) -> html.Table:
    before, after = report.before.as_dict(), report.after.as_dict()
    rows = [(shown, html.Td(figure_text(before[key]), id=f"{P}before-{key}"),
             html.Td(figure_text(after[key]), id=f"{P}after-{key}")) for key, shown in FIGURES.items()]
    return table(("figure", "before", "after"), rows, kind="figures", id=P + "figures-table")


# -- layout ------------------------------------------------------------------------------------------
def layout() -> html.Div:
    number = {"type": "number", "debounce": True, "className": "cp-number disrupt-number"}
    return html.Div([
        remark("Remove entities and compare the figures, or attack the network step by step (on the "
               "undirected simple graph of the dataset).", "hint"),
        field("Dataset", picker(DATASET),
              html.Button("Draw the scope", id=DRAW, n_clicks=0, className="cp-spaced",
                          title=f"draw every entity of the dataset on the canvas (at most {view.MAX_NODES:,})")),
        html.H4("What if removed", className="disrupt-heading"),
        field("Remove", dcc.Dropdown(id=REMOVE, multi=True, placeholder="type a name, or select on the canvas",
                                     className="cp-small disrupt-remove")),
        row(html.Button("Add the canvas selection", id=TAKE, n_clicks=0,
                        title="add the entities selected on the canvas (shift-drag selects a box)"),
            html.Button("What if removed", id=WHAT_IF, n_clicks=0, className="disrupt-run")),
        html.H4("Attack curves", className="disrupt-heading"),
        field("Strategies", dcc.Checklist(id=STRATEGIES, value=["betweenness"], inline=True,
                                          options=[{"label": f" {s} ", "value": s} for s in cases.STRATEGIES],
                                          className="cp-small")),
        field("Steps", dcc.Input(id=STEPS, value=10, min=1, step=1, **number),
              dcc.RadioItems(id=MODE, value="sequential", inline=True, className="cp-small",
                             options=[{"label": " sequential (recompute) ", "value": "sequential"},
                                      {"label": " block (rank once)", "value": "block"}]),
              title=f"how many removals (at most {cases.APP_MAX_STEPS} here)"),
        field("Random", dcc.Input(id=RUNS, value=100, min=1, step=1, **number), html.Span("runs, seed ",
                                                                                          className="cp-small"),
              dcc.Input(id=SEED, value=0, min=0, step=1, **number),
              title=f"random attack: how many runs (at most {cases.APP_MAX_RUNS}), run r draws with seed + r"),
        html.Button("Attack curves", id=ATTACK, n_clicks=0, className="disrupt-run"),
        html.Div(id=NOTE, role="status", className="disrupt-note"),
        html.Div(id=FIGURES_BOX),
        dcc.Loading(dcc.Graph(id=CHART, figure=curve_figure([]),
                              config={"displaylogo": False,
                                      "toImageButtonOptions": {"format": "png", "filename": "chokepoint-attack-curve"}})),
        html.Button("Export CSV", id=EXPORT, n_clicks=0, className="export",
                    title="download the curves (every strategy and step) as CSV"),
        dcc.Download(id=DOWNLOAD),
        dcc.Store(id=ROWS), dcc.Store(id=LAST),
    ], className="cp-panel")


# -- callbacks ---------------------------------------------------------------------------------------
def _int(value: Any, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ChokepointError(f"{name} must be a whole number, not {value!r}") from None


def register(app: Dash, store: Store) -> None:
    register_picker(app, store, DATASET, "disruption")
    register_suggestions(app, store, REMOVE)
    banner = Output(ids.BANNER, "children", allow_duplicate=True)

    @app.callback(Output(REMOVE, "options", allow_duplicate=True), Output(REMOVE, "value", allow_duplicate=True),
                  Input(TAKE, "n_clicks"), State(ids.CANVAS, "selectedNodeData"), State(REMOVE, "options"),
                  State(REMOVE, "value"), prevent_initial_call=True)
    def take(_, selected, options, chosen):
        return selection_options(selected, options, chosen)

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True), banner,
                  Input(DRAW, "n_clicks"), State(DATASET, "value"), State(LAST, "data"), prevent_initial_call=True)
    def draw(_, dataset, last):
        try:
            g = scopes.projected(store, scopes.scope(dataset=dataset or None))
        except ChokepointError as err:
            return no_update, str(err)
        if g.number_of_nodes() > view.MAX_NODES:
            return no_update, (f"the scope holds {g.number_of_nodes():,} entities; the canvas shows at most "
                               f"{view.MAX_NODES:,}: choose a dataset")
        grey = view.change("mark", cls="disrupted", ids=(last or {}).get("greyed") or [])
        return view.change("replace", f"Drew the scope: {g.number_of_nodes():,} entities.",
                           elements=scope_elements(g), then=grey), ""

    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Output(DATASET, "options", allow_duplicate=True), Output(DATASET, "value", allow_duplicate=True),
                  Output(REMOVE, "options", allow_duplicate=True), Output(REMOVE, "value", allow_duplicate=True),
                  Output(STRATEGIES, "value"), Output(STEPS, "value"), Output(MODE, "value"), Output(RUNS, "value"),
                  Output(SEED, "value"), Output(NOTE, "children"), Output(FIGURES_BOX, "children"),
                  Output(CHART, "figure"), Output(ROWS, "data"), Output(LAST, "data"),
                  Output(ids.VIEW_CHANGE, "data", allow_duplicate=True), banner,
                  Input(ids.URL, "search"), Input(WHAT_IF, "n_clicks"), Input(ATTACK, "n_clicks"),
                  State(DATASET, "value"), State(DATASET, "options"), State(REMOVE, "value"), State(REMOVE, "options"),
                  State(STRATEGIES, "value"), State(STEPS, "value"), State(MODE, "value"), State(RUNS, "value"),
                  State(SEED, "value"), State(LAST, "data"), State(ids.CANVAS, "elements"),
                  prevent_initial_call="initial_duplicate")
    def run(search, _w, _a, dataset, dataset_options, remove, remove_options, strategies, steps, mode, runs, seed,
            last, elements):
        """Restore a link's choice and run it, or run what the form says (what-if or attack); the URL follows."""
        nothing = [no_update] * 17
        last = last or {}
        controls = [no_update] * 9
        try:
            if ctx.triggered_id in (WHAT_IF, ATTACK):
                link, ask = form_choice(ctx.triggered_id == WHAT_IF, last.get("link"), dataset, remove, strategies,
                                        steps, mode, runs, seed)
            else:
                link = link_of(search)
                ask = {"remove": link.get("remove") or [], "strategies": link.get("strategies") or []}
                if link == (last.get("link") or {}) or not (ask["remove"] or ask["strategies"]):
                    return nothing   # the link this tab wrote, or one that asks for nothing
                controls = _restored(link, dataset, dataset_options, remove_options)
            options = {k: link[k] for k in ("steps", "mode", "runs", "seed") if k in link}
            result = cases.analyse(store, scopes.scope(dataset=link.get("dataset")), ask["remove"], ask["strategies"],
                                   **options)
        except ChokepointError as err:
            return [no_update] * 16 + [str(err)]
        figures_box, chart, rows_data = no_update, no_update, no_update
        if result.what_if:
            figures_box = _what_if_box(result)
            controls[2] = _with_captions(remove_options if controls[2] is no_update else controls[2], result.what_if)
        if result.curves:
            rows = result.rows()
            chart, rows_data = curve_figure(rows), {"rows": rows, "params": {**link, "steps_run": result.steps}}
        greyed = list(result.what_if.removed) if result.what_if else next(
            ([s.removed for s in r.curve.steps] for r in result.curves if r.curve.strategy != "random"), [])
        out_search = linked_search(search, link)
        return (out_search if out_search != (search or "") else no_update, *controls, _note(result), figures_box,
                chart, rows_data, {"link": link, "greyed": greyed}, _greying(greyed, elements), "")

    @app.callback(Output(DOWNLOAD, "data"), banner, Input(EXPORT, "n_clicks"), State(ROWS, "data"),
                  prevent_initial_call=True)
    def export_csv(_, data):
        """The curves as CSV, written here so every cell goes through graph.csvsafe, audited before it is
        handed over."""
        if not data or not data.get("rows"):
            return no_update, "Run the attack curves first: there is no curve to export."
        text = export.table_csv(COLUMNS, data["rows"])
        try:
            return download(text, "chokepoint-attack-curve.csv", "disruption attack curve", data.get("params"), "csv",
                            len(data["rows"]), mime="text/csv"), ""
        except ChokepointError as err:
            return no_update, str(err)


def _note(result: cases.Analysis) -> list:
    lines = []
    if result.curves:
        r = result.robustness()
        lines.append(remark(f"{result.steps} step(s) on {result.entities:,} entities and {result.links:,} links; "
                            "robustness R: " + ", ".join(f"{s} {v:.4f}" for s, v in r.items())
                            + (f" (random: mean of {result.runs} runs)" if "random" in r else ""), "status"))
    if result.capped:
        lines.append(remark(result.capped.capitalize() + ".", "warning", id=P + "capped"))
    return lines


def form_choice(what_if: bool, last: Mapping[str, Any] | None, dataset: str | None, remove: Sequence[str] | None,
                strategies: Sequence[str] | None, steps: Any, mode: str | None, runs: Any, seed: Any
                ) -> tuple[dict[str, Any], dict[str, list]]:
    """What a press of What if (``what_if``) or Attack curves runs, and the link that then holds the choice:
    the form's part replaces the last link's, the other part is kept when it was for the same dataset.

    >>> form_choice(False, {"dataset": "k", "remove": ["a"]}, "k", [], ["degree"], "5", None, None, None)
    ({'dataset': 'k', 'remove': ['a'], 'strategies': ['degree'], 'steps': 5, 'mode': 'sequential', 'runs': 100, 'seed': 0}, {'remove': [], 'strategies': ['degree']})
    >>> form_choice(True, {"dataset": "k", "strategies": ["degree"]}, None, ["b"], [], 5, None, None, None)
    ({'remove': ['b']}, {'remove': ['b'], 'strategies': []})
    """
    link = dict(last or {}) if (dataset or None) == (last or {}).get("dataset") else {}
    if dataset:
        link["dataset"] = dataset
    if what_if:
        if not remove:
            raise ChokepointError("Choose entities to remove: type a name, or select them on the canvas and press "
                                  "Add the canvas selection.")
        link["remove"] = list(remove)
        return link, {"remove": link["remove"], "strategies": []}
    if not strategies:
        raise ChokepointError("Choose at least one strategy.")
    link.update(strategies=list(strategies), steps=_int(steps, 10, "Steps"), mode=mode or "sequential",
                runs=_int(runs, 100, "Runs"), seed=_int(seed, 0, "Seed"))
    return link, {"remove": [], "strategies": link["strategies"]}


def _restored(link: Mapping[str, Any], dataset, dataset_options, remove_options) -> list:
    """The controls a link sets (no_update where it says nothing or the control holds it already); a
    dropdown drops a value it has no option for, so the dataset and the ids come with options."""
    d, remove = link.get("dataset"), link.get("remove") or []
    return [[d, *[o for o in dataset_options or [] if o != d]] if d and d not in (dataset_options or []) else no_update,
            d if d and d != dataset else no_update,
            _with_ids(remove_options, remove) if remove else no_update,
            remove or no_update,
            link.get("strategies") or no_update,
            *[link.get(k, no_update) for k in ("steps", "mode", "runs", "seed")]]


def _what_if_box(result: cases.Analysis) -> list:
    w = result.what_if
    return [remark(f"Removing {len(w.removed)} of {result.entities:,} entities: "
                   + ", ".join(str(w.captions.get(n) or n) for n in w.removed), "caption", id=P + "removing"),
            _figures_table(w)]


def _greying(greyed: Sequence[str], elements) -> dict:
    """The view change that greys ``greyed`` (the ``disrupted`` class), saying how many are on the canvas."""
    on = view.node_ids(elements or [])
    shown = sum(1 for g in greyed if g in on)
    return view.change("mark", f"{shown} of {len(greyed)} removed entities are on the canvas (greyed)"
                       + ("" if shown == len(greyed) else "; Draw the scope to see them all") + ".",
                       cls="disrupted", ids=list(greyed))


def _with_ids(options: Sequence[Mapping] | None, wanted: Sequence[str]) -> list[dict]:
    options = [dict(o) for o in options or []]
    have = {o["value"] for o in options}
    return options + [{"label": w, "value": w} for w in wanted if w not in have]


def _with_captions(options: Sequence[Mapping] | None, report: cases.WhatIfReport) -> list[dict]:
    """The Remove box's options, the removed entities labelled with their captions."""
    out = [dict(o) for o in options or []]
    have = {o["value"]: o for o in out}
    for n in report.removed:
        caption = report.captions.get(n)
        if n in have and have[n].get("label") == n and caption:
            have[n]["label"] = str(caption)
        elif n not in have:
            out.append({"label": str(caption or n), "value": n})
    return out
