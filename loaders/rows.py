"""One row in, entity and relationship records out (or a reject naming the column and the reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chokepoint.graph import ids, schema
from chokepoint.graph.normalise import NORMALISERS
from chokepoint.loaders.conventions import FileConventions
from chokepoint.loaders.limits import MAX_KEY_BYTES  # noqa: F401  (defined with the other limits)
from chokepoint.loaders.mapping import EntitySpec, SourceSpec
from chokepoint.loaders.values import UNDECLARED, BadValue, Style, parse_value

__all__ = ["NodeRecord", "RelRecord", "Reject", "map_row", "canonical_keys"]

#: Normalisers whose output is also the value to store (a phone is stored as E.164; names as written).
CANONICAL_FORMS = {"phone", "plate"}


@dataclass
class NodeRecord:
    id: str
    label: str
    props: dict[str, Any]       # key properties included; keys are only set when the node is created
    aliases: list[str]
    source: str | None          # "file:row" of the row that names it (every entity of the row)
    own: bool = True            # the row's own entity (its first); False for one the row refers to


@dataclass
class RelRecord:
    id: str
    type: str
    source: str
    target: str
    props: dict[str, Any]
    ref: str                    # "file:row"


@dataclass
class Reject:
    file: str
    row: int
    column: str
    reason: str
    values: dict[str, str] = field(default_factory=dict)


def map_row(spec: SourceSpec, dataset: str, file: str, row_no: int, row: dict[str, str],
            conventions: FileConventions | None = None):
    """Return ``(nodes, relationships)`` for a row, or a :class:`Reject`.

    Numbers and dates are read by the file's ``conventions`` (``loaders/conventions.py``); without
    them, as if nothing were declared and no other value of the column known.
    """
    ref = f"{file}:{row_no}"
    styles = conventions.styles if conventions is not None else _NO_STYLES
    nodes: dict[str, NodeRecord] = {}
    for i, entity in enumerate(spec.entities.values()):
        made = _entity(entity, dataset, row, ref, styles, own=i == 0)
        if isinstance(made, tuple):
            column, reason = made
            return Reject(file, row_no, column, reason, row)
        if made is not None:
            nodes[entity.name] = made
    rels = []
    for r in spec.relationships:
        a, b = nodes.get(r.source), nodes.get(r.target)
        if a is None or b is None:
            continue
        if not schema.SCHEMA.allows(r.type, a.label, b.label):
            column = spec.entities[r.target].label_column or spec.entities[r.source].label_column or ""
            return Reject(file, row_no, column, f"{r.type} cannot join {a.label} to {b.label}", row)
        props = {}
        for prop, column in r.properties.items():
            try:
                props[prop] = parse_value(row.get(column), schema.SCHEMA.relationships[r.type].properties[prop],
                                          styles.get(column, UNDECLARED))
            except BadValue as err:
                return Reject(file, row_no, column, str(err), row)
        props = {k: v for k, v in props.items() if v is not None}
        if r.constants:
            props.update(r.constants)
        rels.append(RelRecord(ids.relationship_id(r.type, a.id, b.id, props), r.type, a.id, b.id, props, ref))
    return list(nodes.values()), rels


def canonical_keys(label: str, props: dict[str, Any]) -> dict[str, Any]:
    """``props`` with key values in canonical form where their normaliser has one (E.164 phones, plates)."""
    node_type = schema.SCHEMA.nodes[label]
    out = dict(props)
    for key in node_type.keys:
        if node_type.normalise[key] in CANONICAL_FORMS and out.get(key) is not None:
            out[key] = NORMALISERS[node_type.normalise[key]](out[key])
    return out


@dataclass(frozen=True)
class _Plan:
    """How an entity of a mapping yields a node of one label: worked out once, used on every row."""
    label: str
    key_columns: tuple[str, ...]                   # the label's keys in schema order, as columns
    columns: tuple[tuple[str, str, Any], ...]      # (property, column, property type), keys first
    canonical: bool                                # some key is stored in canonical form
    single_key: bool


_NO_STYLES: dict[str, Style] = {}

#: Plans by (mapping entity, label); the entity is kept beside its plan so its id cannot be reused.
_PLANS: dict[tuple[int, str], tuple[EntitySpec, _Plan]] = {}
_MAX_PLANS = 1_000  # a long-lived process loading many mappings starts afresh past this


def _plan(entity: EntitySpec, label: str) -> _Plan:
    found = _PLANS.get((id(entity), label))
    if found is not None and found[0] is entity:
        return found[1]
    node_type = schema.SCHEMA.nodes[label]
    keys = {(prop or node_type.keys[0]): column for prop, column in entity.keys.items()}
    plan = _Plan(label, tuple(keys[k] for k in node_type.keys),
                 tuple((prop, column, node_type.properties[prop])
                       for prop, column in [*keys.items(), *entity.properties.items()]),
                 any(node_type.normalise[k] in CANONICAL_FORMS for k in node_type.keys),
                 len(node_type.keys) == 1)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[(id(entity), label)] = (entity, plan)
    return plan


def _entity(entity: EntitySpec, dataset: str, row: dict[str, str], ref: str, styles: dict[str, Style], own: bool):
    """A NodeRecord, None (optional entity absent), or (column, reason) for a reject."""
    if entity.label_column:
        label = (row.get(entity.label_column) or "").strip()
        match = [lab for lab in entity.labels if lab.casefold() == label.casefold().replace(" ", "")]
        if not match:
            if not label and entity.optional and not any((row.get(c) or "").strip() for c in entity.key_columns()):
                return None
            return entity.label_column, f"unknown type {label!r}; expected one of {', '.join(entity.labels)}"
        label = match[0]
    else:
        label = entity.labels[0]
    plan = _plan(entity, label)
    raw_keys = [(row.get(column) or "").strip() for column in plan.key_columns]
    node_id = ids.entity_id(dataset, label, raw_keys)
    if node_id is None:
        if entity.optional:
            return None
        return ", ".join(plan.key_columns), f"missing key for {label}"
    props: dict[str, Any] = {}
    for prop, column, prop_type in plan.columns:
        try:
            value = parse_value(row.get(column), prop_type, styles.get(column, UNDECLARED))
        except BadValue as err:
            return column, str(err)
        if value is not None:
            props[prop] = value
    if entity.constants:
        props.update((k, v) for k, v in entity.constants.items() if k in schema.SCHEMA.nodes[label].properties)
    if plan.canonical:
        props = canonical_keys(label, props)
    for prop, column in zip(schema.SCHEMA.nodes[label].keys, plan.key_columns):
        text = str(props.get(prop, ""))
        if len(text) * 4 > MAX_KEY_BYTES:  # 4 bytes per character at most: only long values are encoded
            size = len(text.encode("utf-8", "surrogatepass"))
            if size > MAX_KEY_BYTES:
                return column, f"too long for a key: {size:,} bytes (at most {MAX_KEY_BYTES:,})"
    aliases = [v for v in raw_keys if v] if plan.single_key else [" ".join(raw_keys)]
    aliases += props.pop("aliases", [])
    return NodeRecord(node_id, label, props, aliases, ref, own)
