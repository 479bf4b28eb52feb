"""Reading what users type into the panels' boxes: one way for every tab."""

from __future__ import annotations

import datetime as dt

from chokepoint.graph.errors import ChokepointError

__all__ = ["parse_day"]


def parse_day(text: str | None, what: str = "date") -> dt.date | None:
    """A yyyy-mm-dd box as a date (None when empty); anything else is a ChokepointError naming the box.

    >>> parse_day(" 2024-03-01 ", "From"), parse_day("  ", "From")
    (datetime.date(2024, 3, 1), None)
    >>> parse_day("March", "From")
    Traceback (most recent call last):
    chokepoint.graph.errors.ChokepointError: From is not a date (yyyy-mm-dd): 'March'
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ChokepointError(f"{what} is not a date (yyyy-mm-dd): {text!r}") from None
