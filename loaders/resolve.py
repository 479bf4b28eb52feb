"""Entity resolution beyond the deterministic rules: fuzzy candidates, recorded merges, and splits.

Nothing is merged silently. :func:`candidates` lists likely duplicates with a score and the evidence
for it; :func:`merge` merges two entities and records a ``(:Decision)`` (who, when, why, and a snapshot
of both entities and of the links that moved); :func:`split` undoes a merge from that snapshot. Active
merges also redirect later loads: records of the merged entity land on the kept one
(:func:`redirects`, used by ``loaders/writer.py``), so re-loading the source files keeps the decision.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError, EntityNotFound
from chokepoint.graph.normalise import NORMALISERS
from chokepoint.graph.store import Store
from chokepoint.graph.values import jsonable
from chokepoint.loaders.values import parse_value

__all__ = ["Candidate", "candidates", "merge", "split", "decisions", "redirects", "ResolveError"]

_ENTITIES = """
MATCH (n:Entity) WHERE $label IN labels(n) AND ($dataset IS NULL OR n.dataset = $dataset)
RETURN n.id AS id, n.caption AS caption, coalesce(n.aliases, []) AS aliases, properties(n) AS props
"""
_SHARED = """
MATCH (a:Entity {id: $a})--(x:Entity)--(b:Entity {id: $b})
RETURN DISTINCT x.caption AS caption, [l IN labels(x) WHERE l <> 'Entity'][0] AS label LIMIT 10
"""
_SPLIT_PAIRS = "MATCH (d:Decision {kind: 'merge', status: 'undone'}) RETURN d.kept AS a, d.merged AS b"
_ACTIVE = "MATCH (d:Decision {kind: 'merge', status: 'active'}) RETURN d.merged AS merged, d.kept AS kept"
_NODE = "MATCH (n:Entity {id: $id}) RETURN labels(n) AS labels, properties(n) AS props"
_LINKS = """
MATCH (o:Entity {id: $id})-[r]-(x)
RETURN r.id AS id, type(r) AS type, startNode(r) = o AS outgoing, x.id AS other
"""
_MOVE_OUT = """
MATCH (o:Entity {id: $from})-[r:%(type)s]->(x) WHERE r.id IN $ids
MATCH (k:Entity {id: $to})
CREATE (k)-[n:%(type)s]->(x) SET n = properties(r)
DELETE r
"""
_MOVE_IN = """
MATCH (x)-[r:%(type)s]->(o:Entity {id: $from}) WHERE r.id IN $ids
MATCH (k:Entity {id: $to})
CREATE (x)-[n:%(type)s]->(k) SET n = properties(r)
DELETE r
"""
_ABSORB = """
MATCH (k:Entity {id: $keep}), (o:Entity {id: $other})
SET k += $props,
    k.aliases = reduce(a = coalesce(k.aliases, []), x IN coalesce(o.aliases, []) | CASE WHEN x IN a THEN a ELSE a + x END),
    k.sources = reduce(a = coalesce(k.sources, []), x IN coalesce(o.sources, []) | CASE WHEN x IN a THEN a ELSE a + x END),
    k.loads = reduce(a = coalesce(k.loads, []), x IN coalesce(o.loads, []) | CASE WHEN x IN a THEN a ELSE a + x END)
SET k.search_text = reduce(s = k.id, x IN k.aliases | s + ' ' + x)
DETACH DELETE o
"""
_RECORD = "CREATE (d:Decision) SET d = $props"
_RECREATE = "CREATE (o:Entity:%(label)s) SET o = $props"
_UNDO = "MATCH (d:Decision {id: $id}) SET d.status = 'undone', d.undone_by = $who, d.undone_at = $at, d.undo_why = $why"
_DECISIONS = """
MATCH (d:Decision) RETURN d.id AS id, d.kind AS kind, d.status AS status, d.label AS label, d.kept AS kept,
       d.kept_caption AS kept_caption, d.merged AS merged, d.merged_caption AS merged_caption, d.who AS who,
       d.at AS at, d.why AS why, d.undone_by AS undone_by, d.undone_at AS undone_at, d.undo_why AS undo_why
ORDER BY d.at
"""


class ResolveError(ChokepointError):
    """A merge or split that cannot be done (say why)."""


@dataclass
class Candidate:
    label: str
    a: str
    b: str
    a_caption: str
    b_caption: str
    score: float                  # 0-100, rapidfuzz token-sort ratio of the best pair of spellings
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return vars(self).copy()


def candidates(
    store: Store,
    label: str | None = None,
    dataset: str | None = None,
    threshold: float = 85.0,
    limit: int = 100,
) -> list[Candidate]:
    """Likely duplicates among entities of ``label`` (default: Person and Organization), best first.

    Spellings are compared after the label's normaliser, with rapidfuzz's token-sort ratio (so
    "LOPEZ ANDRES" and "Andres Lopez" score 100). Pairs are only compared when they share a word,
    and a pair an analyst already split apart is never proposed again. Evidence: shared neighbours
    and agreeing or conflicting properties.
    """
    labels = [schema.label(label)] if label else ["Person", "Organization"]
    split_pairs = {frozenset((r["a"], r["b"])) for r in store.read(_SPLIT_PAIRS)}
    found: list[Candidate] = []
    for lab in labels:
        node = schema.SCHEMA.nodes[lab]
        norm = NORMALISERS[node.normalise[node.keys[0]]]
        entities = store.read(_ENTITIES, label=lab, dataset=dataset)
        forms = {e["id"]: {f for f in (norm(s) for s in [e["caption"], *e["aliases"]]) if f} for e in entities}
        by_id = {e["id"]: e for e in entities}
        blocks: dict[str, set[str]] = defaultdict(set)
        for eid, fs in forms.items():
            for f in fs:
                for token in f.split():
                    if len(token) > 1:
                        blocks[token].add(eid)
        pairs = set()
        for members in blocks.values():
            if len(members) <= 200:  # a word shared by hundreds of names says nothing
                pairs.update(frozenset(p) for p in combinations(sorted(members), 2))
        for pair in pairs - split_pairs:
            a, b = sorted(pair)
            score = max(fuzz.token_sort_ratio(x, y) for x in forms[a] for y in forms[b])
            if score >= threshold:
                found.append(Candidate(lab, a, b, by_id[a]["caption"], by_id[b]["caption"], round(score, 1)))
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    found = found[:limit]
    for c in found:
        c.evidence = _evidence(store, c)
    found.sort(key=lambda c: (-c.score, -sum(e.startswith("shares ") for e in c.evidence), c.a, c.b))
    return found


def merge(store: Store, keep: str, other: str, why: str, who: str | None = None) -> str:
    """Merge entity ``other`` into ``keep``; return the id of the recorded decision."""
    if not why or not why.strip():
        raise ResolveError("a merge needs a reason (--why)")
    if keep == other:
        raise ResolveError("cannot merge an entity with itself")
    k, o = _node(store, keep), _node(store, other)
    label_k, label_o = _label(k), _label(o)
    if label_k != label_o:
        raise ResolveError(f"cannot merge a {label_o} into a {label_k}")
    links = store.read(_LINKS, id=other)
    at = _now()
    who = who or getpass.getuser()
    decision = "decision:" + hashlib.sha1(f"{keep}\x1f{other}\x1f{at}".encode()).hexdigest()[:16]
    store.write(_RECORD, props={
        "id": decision, "kind": "merge", "status": "active", "label": label_k, "kept": keep, "merged": other,
        "kept_caption": k["props"].get("caption"), "merged_caption": o["props"].get("caption"),
        "who": who, "at": at, "why": why.strip(),
        "kept_snapshot": json.dumps(jsonable(k["props"])), "merged_snapshot": json.dumps(jsonable(o["props"])),
        "moved_links": json.dumps(links),
    })
    _move(store, links, source=other, target=keep)
    keys = set(schema.SCHEMA.nodes[label_k].keys) | {"id", "dataset", "caption", "aliases", "sources", "loads",
                                                     "search_text"}
    fill = {p: v for p, v in o["props"].items() if p not in keys and k["props"].get(p) is None}
    store.write(_ABSORB, keep=keep, other=other, props=fill)
    return decision


def split(store: Store, decision_id: str, why: str, who: str | None = None) -> None:
    """Undo a merge: restore both entities as they were and move their links back."""
    rows = store.read("MATCH (d:Decision {id: $id}) RETURN properties(d) AS d", id=decision_id)
    if not rows:
        raise ResolveError(f"no decision {decision_id!r}")
    d = rows[0]["d"]
    if d["kind"] != "merge" or d["status"] != "active":
        raise ResolveError(f"decision {decision_id} is not an active merge (status {d['status']})")
    if not why or not why.strip():
        raise ResolveError("a split needs a reason (--why)")
    label = schema.label(d["label"])
    keep_props = _typed(label, json.loads(d["kept_snapshot"]))
    other_props = _typed(label, json.loads(d["merged_snapshot"]))
    store.write("MATCH (k:Entity {id: $keep}) SET k = $props", keep=d["kept"], props=keep_props)
    store.write(_RECREATE % {"label": label}, props=other_props)
    _move(store, json.loads(d["moved_links"]), source=d["kept"], target=d["merged"])
    store.write(_UNDO, id=decision_id, who=who or getpass.getuser(), at=_now(), why=why.strip())


def decisions(store: Store) -> list[dict[str, Any]]:
    """Every merge decision, oldest first, with its status (active or undone)."""
    return store.read(_DECISIONS)


def redirects(store: Store) -> dict[str, str]:
    """Merged entity id -> the id it lives on now (following chains of merges)."""
    direct = {r["merged"]: r["kept"] for r in store.read(_ACTIVE)}
    resolved = {}
    for merged in direct:
        target, seen = direct[merged], {merged}
        while target in direct and target not in seen:
            seen.add(target)
            target = direct[target]
        resolved[merged] = target
    return resolved


def _move(store: Store, links: list[dict], source: str, target: str) -> None:
    by_kind: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for link in links:
        by_kind[(link["type"], link["outgoing"])].append(link["id"])
    for (rtype, outgoing), ids in by_kind.items():
        query = (_MOVE_OUT if outgoing else _MOVE_IN) % {"type": schema.rel_type(rtype)}
        store.write(query, ids=ids, **{"from": source, "to": target})


def _node(store: Store, entity_id: str) -> dict[str, Any]:
    rows = store.read(_NODE, id=entity_id)
    if not rows:
        raise EntityNotFound(f"no entity with id {entity_id!r}")
    return rows[0]


def _label(node: dict[str, Any]) -> str:
    return next(lab for lab in node["labels"] if lab != schema.ENTITY)


def _typed(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """Snapshot values back to their schema types (dates were kept as ISO text)."""
    types = schema.SCHEMA.nodes[label].properties
    return {k: parse_value(v, "date") if types.get(k) == "date" and isinstance(v, str) else v
            for k, v in props.items()}


def _evidence(store: Store, c: Candidate) -> list[str]:
    evidence = [f"names {c.score:.0f}% alike"]
    shared = store.read(_SHARED, a=c.a, b=c.b)
    evidence += [f"shares {s['label']} {s['caption']}" for s in shared]
    a, b = _node(store, c.a)["props"], _node(store, c.b)["props"]
    for prop in ("dob", "nationality", "country", "cas"):
        if a.get(prop) is not None and b.get(prop) is not None:
            same = a[prop] == b[prop]
            evidence.append(f"{'same' if same else 'different'} {prop}: {jsonable(a[prop])}"
                            + ("" if same else f" vs {jsonable(b[prop])}"))
    return evidence


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
