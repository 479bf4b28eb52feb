"""Each question of a synthetic case answered by the analytics in ``queries/`` on the loaded case.

The generator records every expected answer as it builds the case (``truth.json``); this module asks the
graph the same questions, so a test can prove the two agree (and a trainer can check a loaded case).
Answers are entity ids; :func:`expected_ids` turns truth's keys into the same ids.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from chokepoint.graph import ids
from chokepoint.graph.store import Store
from chokepoint.queries import activity, firearms, routes

__all__ = ["graph_answers", "expected_ids"]

_SUPPLIERS = "MATCH (o:Organization) WHERE o.dataset = $dataset AND 'supplier' IN coalesce(o.roles, []) RETURN o.id AS id"
_LABS = "MATCH (l:Lab) WHERE l.dataset = $dataset RETURN l.id AS id"
_MARKETS = "MATCH (l:Location) WHERE l.dataset = $dataset AND l.kind = 'market' RETURN l.id AS id"
_DIRECTORS = """
MATCH (p:Person)-[m:MEMBER_OF]->(o:Organization) WHERE o.id IN $orgs AND m.role = 'director'
RETURN DISTINCT p.id AS id
"""
_PORT_IDS = "MATCH (p:PortOfEntry) WHERE p.dataset = $dataset AND p.code IN $codes RETURN p.id AS id"


def _top(counter: Counter) -> set[str]:
    if not counter:
        return set()
    best = max(counter.values())
    return {k for k, v in counter.items() if v == best}


def _ids(store: Store, query: str, **params: Any) -> list[str]:
    return [r["id"] for r in store.read(query, **params)]


def graph_answers(store: Store, dataset: str, case: dict[str, Any]) -> dict[str, set[str]]:
    """Question id -> the entity ids the analytics give as its answer, for each question of ``case``."""
    phases = {p["phase"]: (dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
              for p in case["phases"]}
    out: dict[str, set[str]] = {}
    for q in case["questions"]:
        qid = q["id"]
        if q["answer"] is None:  # not recorded by the generator
            continue
        if qid in ("precursor_chokepoint", "front_director"):
            cut = routes.chokepoints(store, _ids(store, _SUPPLIERS, dataset=dataset), _ids(store, _LABS, dataset=dataset),
                                     dataset)
            out[qid] = cut if qid == "precursor_chokepoint" else set(_ids(store, _DIRECTORS, orgs=sorted(cut)))
        elif qid == "switched_precursor":
            kg = activity.supplied_by_chemical(store, dataset, start=phases[2][0])
            out[qid] = {ids.entity_id(dataset, "Chemical", [c]) for c in _top(kg)}
        elif qid == "busiest_port_phase2":
            volumes = routes.port_volumes(store, dataset, *phases[2])
            best = max((v.kg for v in volumes), default=None)
            codes = [v.code for v in volumes if v.kg == best]
            out[qid] = set(_ids(store, _PORT_IDS, dataset=dataset, codes=codes))
        elif qid == "lab_market_cut":
            out[qid] = routes.chokepoints(store, _ids(store, _LABS, dataset=dataset),
                                          _ids(store, _MARKETS, dataset=dataset), dataset)
        elif qid == "top_crosser_phase1":
            out[qid] = _top(activity.crossing_days(store, dataset, *phases[1]))
        elif qid == "top_straw_purchaser":
            out[qid] = _top(firearms.traced_by_purchaser(store, dataset))
        elif qid == "top_dealer_traced":
            out[qid] = _top(firearms.traced_by_dealer(store, dataset))
        elif qid == "guns_city":
            out[qid] = _top(firearms.traced_by_seizure_place(store, dataset))
        else:
            raise KeyError(f"no analysis for question {qid!r}")
    return out


def expected_ids(case: dict[str, Any], dataset: str) -> dict[str, set[str]]:
    """Question id -> the ids of truth's answer entities (keys looked up in truth's entity list)."""
    labels = {e["key"]: e["label"] for e in case["entities"]}
    return {q["id"]: {ids.entity_id(dataset, labels[key], [key]) for key in q["answer"]}
            for q in case["questions"] if q["answer"] is not None}
