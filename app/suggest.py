"""Search-as-you-type for entity dropdowns: one callback shape for every box that picks entities
(the Explore search, the Paths start, end and avoid boxes)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from chokepoint.app import ids
from chokepoint.app.elements import suggestion_options
from chokepoint.cases.explore import suggestions
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

__all__ = ["register_suggestions", "keep_chosen"]


def register_suggestions(app: Dash, store: Store, box: str) -> None:
    """Fill ``box``'s options from the search index as the user types; errors go to the banner."""
    @app.callback(Output(box, "options"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(box, "search_value"), State(box, "options"), State(box, "value"), prevent_initial_call=True)
    def suggest(text, shown, chosen):
        if not text:
            return no_update, no_update
        try:
            matches = suggestions(store, text)
        except ChokepointError as err:
            return no_update, str(err)
        return keep_chosen(suggestion_options(text, matches, shown or []), shown or [], chosen), ""


def keep_chosen(options: list[dict], shown: list[dict], chosen: Any) -> list[dict]:
    """The chosen entities' options stay even past the suggestion cap (a dropdown shows no label otherwise).

    >>> keep_chosen([{"value": "a"}], [{"value": "b"}, {"value": "c"}], ["b"])
    [{'value': 'a'}, {'value': 'b'}]
    """
    chosen = set(chosen if isinstance(chosen, list) else [chosen] if chosen else [])
    have = {o["value"] for o in options}
    return options + [o for o in shown if o["value"] in chosen and o["value"] not in have]
