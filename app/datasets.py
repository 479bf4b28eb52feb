"""A dataset picker for tabs whose figures can be read for one dataset or all of them (Map, Metrics)."""

from __future__ import annotations

from dash import Dash, Input, Output, State, dcc, no_update

from chokepoint.app import ids
from chokepoint.cases.loading import datasets
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["picker", "register_picker"]


def picker(component_id: str) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, options=[], placeholder="all datasets", clearable=True,
                        className="cp-picker cp-small datasets-picker")


def register_picker(app: Dash, store: Store, component_id: str, tab: str) -> None:
    """Fill the picker with the loaded datasets each time ``tab`` opens (a load may have added one)."""
    @app.callback(Output(component_id, "options"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(ids.TABS, "value"), State(component_id, "options"), prevent_initial_call=True)
    def fill(open_tab, shown):
        if open_tab != tab:
            return no_update, no_update
        try:
            found = datasets(store)
        except ChokepointError as err:
            return no_update, str(err)
        return (found if found != shown else no_update), no_update
