"""A dataset picker for tabs whose figures can be read for one dataset or all of them (Map, Metrics),
with, beside it, what is loaded (read-only): each dataset's entity and link counts and its loads.
Managing them (drop, undo) is the command line's: ``chokepoint datasets``, ``chokepoint loads``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from chokepoint.app import ids, widgets
from chokepoint.cases.datasets import overview
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["picker", "register_picker", "loaded_id", "loaded_table", "filled"]


def loaded_id(component_id: str) -> str:
    """The id of the "what is loaded" element beside picker ``component_id``."""
    return f"{component_id}-loaded"


def picker(component_id: str) -> html.Span:
    dropdown = dcc.Dropdown(id=component_id, options=[], placeholder="all datasets", clearable=True,
                            className="cp-picker cp-small datasets-picker")
    loaded = html.Details([html.Summary("datasets and loads")], id=loaded_id(component_id),
                          className="datasets-loaded")
    return html.Span([dropdown, loaded])


def loaded_table(found: Sequence[dict[str, Any]]) -> list:
    """The children of the "what is loaded" element: a summary line, then a table of the datasets
    (entities, links, loads, first and last load) each followed by its loads (file, status, rows, when)."""
    summary = html.Summary(f"{len(found)} dataset{'' if len(found) == 1 else 's'} loaded" if found
                           else "no dataset loaded")
    if not found:
        return [summary]
    rows = []
    for d in found:
        rows.append(html.Tr([html.Td(html.B(d["name"])), *(html.Td(f"{d[k]:,}") for k in ("entities", "links", "loads")),
                             html.Td(_when(d["first_load"])), html.Td(_when(d["last_load"]))],
                            className="dataset-row"))
        for load in d["load_list"]:
            counts = (f"{load['rows_loaded']:,} of {load['rows_read']:,} rows" if load.get("rows_read") is not None
                      else "")
            rows.append(html.Tr([html.Td(load["file"] or ""), html.Td(load["status"] or ""),
                                 html.Td(counts, colSpan=2), html.Td(_when(load["started"])),
                                 html.Td(html.Code(load["id"], title="chokepoint loads undo " + load["id"]))],
                                className="load-row"))
    head = ("dataset", "entities", "links", "loads", "first load", "last load")
    return [summary, widgets.table(head, rows, kind="loads")]


def filled(store: Store, shown: list | None) -> tuple[Any, Any, Any]:
    """What the picker's callback sets: the options (dataset names; no_update when unchanged), the
    "what is loaded" children, the banner (a store error, else no_update)."""
    try:
        found = overview(store)
    except ChokepointError as err:
        return no_update, no_update, str(err)
    names = [d["name"] for d in found]
    return (names if names != shown else no_update), loaded_table(found), no_update


def register_picker(app: Dash, store: Store, component_id: str, tab: str) -> None:
    """Fill the picker with the loaded datasets, and what is loaded beside it, each time ``tab`` opens
    (a load may have added one)."""
    @app.callback(Output(component_id, "options"), Output(loaded_id(component_id), "children"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.TABS, "value"), State(component_id, "options"), prevent_initial_call=True)
    def fill(open_tab, shown):
        if open_tab != tab:
            return no_update, no_update, no_update
        return filled(store, shown)


def _when(text: str | None) -> str:
    """A load time as ``yyyy-mm-dd hh:mm`` (UTC, as Neo4j keeps it)."""
    return (text or "")[:16].replace("T", " ")
