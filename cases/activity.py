"""Activity over time for the Timeline tab: the span of the data's dated links, and the date of each link
on the canvas (a seizure's or shipment's links take its date)."""

from __future__ import annotations

import datetime as dt

from chokepoint.graph.store import Store
from chokepoint.queries import activity as _activity

__all__ = ["date_span", "link_dates"]


def date_span(store: Store, dataset: str | None = None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of the dated links (of ``dataset`` when given); None when none is dated."""
    return _activity.date_span(store, dataset)


def link_dates(store: Store, link_ids: list[str]) -> dict[str, dt.date | None]:
    """Link id -> its date (None when undated), for the ids that are stored links."""
    return _activity.link_dates(store, link_ids)
