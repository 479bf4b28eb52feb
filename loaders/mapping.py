"""Declarative mappings: which entities and relationships each row of a source file yields.

A mapping file is YAML (see ``mappings/standard.yaml`` and docs/mappings.md). It is validated against
the schema when loaded; every mistake is reported with the mapping file and the source it is in.

Column names are normalised as headers are (``readers.normalise_header``), so ``Teléfono`` in a
mapping is the column ``telefono``. A property is a column (``quantity: cantidad``), a column with
its convention (``quantity: {column: cantidad, decimal: ","}``) or a constant (``unit: {value: kg}``).
Conventions (``decimal``, ``thousands``, ``dates``) may also be declared for the whole mapping, for a
source, and per column in a source's ``columns:`` (``loaders/conventions.py``).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError, UnknownName
from chokepoint.loaders.conventions import NO_CONVENTION, Convention, convention_from
from chokepoint.loaders.readers import FORMATS, SUFFIXES, normalise_header
from chokepoint.loaders.values import BadValue, parse_value

__all__ = ["MappingError", "EntitySpec", "RelationshipSpec", "SourceSpec", "Mapping", "load_mapping",
           "STANDARD_MAPPING"]

STANDARD_MAPPING = Path(__file__).with_name("mappings") / "standard.yaml"


class MappingError(ChokepointError):
    """The mapping file is wrong; nothing is loaded."""


@dataclass(frozen=True)
class EntitySpec:
    name: str
    labels: tuple[str, ...]          # one label, or the allowed values of label_column
    keys: dict[str, str]             # key property -> column ("" = the label's single key)
    properties: dict[str, str]       # property -> column
    label_column: str | None = None
    optional: bool = False
    constants: dict[str, Any] = field(default_factory=dict)   # property -> value, the same on every row

    def key_columns(self) -> list[str]:
        return list(self.keys.values())


@dataclass(frozen=True)
class RelationshipSpec:
    type: str
    source: str
    target: str
    properties: dict[str, str]
    constants: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceSpec:
    name: str
    file: str                         # a file name or glob; without a suffix it matches any format's suffix
    entities: dict[str, EntitySpec]
    relationships: list[RelationshipSpec] = field(default_factory=list)
    format: str | None = None         # None: from the file's suffix
    sheet: str | None = None          # XLSX: a sheet name, "*" for every sheet, None for the first
    convention: Convention = NO_CONVENTION                        # declared for the whole source
    column_conventions: dict[str, Convention] = field(default_factory=dict)  # declared per column

    def required_columns(self) -> set[str]:
        """Columns a file of this source must have: keys of required entities and label columns."""
        cols = set()
        for e in self.entities.values():
            if not e.optional:
                cols |= set(e.keys.values())
            if e.label_column and not e.optional:
                cols.add(e.label_column)
        return cols

    def matches(self, name: str) -> bool:
        """Does a file called ``name`` belong to this source?"""
        name = name.lower()
        pattern = self.file.lower()
        if fnmatch.fnmatch(name, pattern):
            return True
        stem, _, suffix = name.rpartition(".")
        return "." not in pattern and f".{suffix}" in SUFFIXES and fnmatch.fnmatch(stem, pattern)

    def columns(self) -> set[str]:
        cols = set()
        for e in self.entities.values():
            cols |= set(e.keys.values()) | set(e.properties.values())
            if e.label_column:
                cols.add(e.label_column)
        for r in self.relationships:
            cols |= set(r.properties.values())
        return cols

    def column_kinds(self) -> dict[str, set[str]]:
        """The columns read as numbers or dates: column -> {"number", "date"} (by the property types)."""
        kinds: dict[str, set[str]] = {}

        def add(column: str, prop_type: str) -> None:
            kind = {"float": "number", "integer": "number", "date": "date"}.get(prop_type)
            if kind:
                kinds.setdefault(column, set()).add(kind)

        for e in self.entities.values():
            for label in e.labels:
                node = schema.SCHEMA.nodes.get(label)
                for prop, column in e.properties.items():
                    if node is not None and prop in node.properties:
                        add(column, node.properties[prop])
        for r in self.relationships:
            for prop, column in r.properties.items():
                add(column, schema.SCHEMA.relationships[r.type].properties[prop])
        return kinds

    def declared(self, base: Convention = NO_CONVENTION) -> dict[str, Convention]:
        """Each number or date column's declaration: its own, over the source's, over ``base`` (the
        command line's over the mapping's)."""
        source = self.convention.over(base)
        return {c: self.column_conventions.get(c, NO_CONVENTION).over(source) for c in self.column_kinds()}


@dataclass(frozen=True)
class Mapping:
    path: Path
    sources: dict[str, SourceSpec]
    convention: Convention = NO_CONVENTION   # declared for every source


def load_mapping(path: Path | str = STANDARD_MAPPING) -> Mapping:
    """Read and validate a mapping file; raise :class:`MappingError` listing every mistake."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise MappingError(f"{path}: cannot read mapping: {err}") from err
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: a mapping is a YAML map with 'sources'")
    convention = convention_from(raw, "mapping", problems)
    sources = {}
    for name, spec in (raw.get("sources") or {}).items():
        sources[name] = _source(name, spec or {}, problems)
    if not sources:
        problems.append("no sources")
    if problems:
        raise MappingError(f"{path}: " + "; ".join(problems))
    return Mapping(path=path, sources=sources, convention=convention)


def _source(name: str, spec: dict, problems: list[str]) -> SourceSpec:
    where = f"source {name}"
    if not spec.get("file"):
        problems.append(f"{where}: no 'file'")
    columns: dict[str, Convention] = {}
    for column, declared in (spec.get("columns") or {}).items():
        cwhere = f"{where}, column {column}"
        if not isinstance(declared, dict):
            problems.append(f"{cwhere}: expected a map such as {{decimal: \",\"}} or {{dates: dayfirst}}")
            continue
        _unknown(cwhere, declared, ("decimal", "thousands", "dates", "format"), problems)
        _declare(columns, normalise_header(str(column)),
                 convention_from(declared, cwhere, problems, ("decimal", "thousands", "dates", "format")),
                 cwhere, problems)
    entities = {ename: _entity(f"{where}, entity {ename}", ename, e or {}, columns, problems)
                for ename, e in (spec.get("entities") or {}).items()}
    if not entities:
        problems.append(f"{where}: no entities")
    rels = []
    for i, r in enumerate(spec.get("relationships") or [], 1):
        rwhere = f"{where}, relationship {i}"
        try:
            rtype = schema.SCHEMA.relationship(str(r.get("type")))
        except UnknownName as err:
            problems.append(f"{rwhere}: {err}")
            continue
        for end in ("from", "to"):
            if r.get(end) not in entities:
                problems.append(f"{rwhere}: '{end}' names {r.get(end)!r}, not an entity of this source")
        if r.get("from") in entities and r.get("to") in entities:
            allowed = [(s, t) for s in entities[r["from"]].labels for t in entities[r["to"]].labels
                       if schema.SCHEMA.allows(rtype.type, s, t)]
            if not allowed:
                problems.append(f"{rwhere}: {rtype.type} cannot join {entities[r['from']].labels} "
                                f"to {entities[r['to']].labels}")
        raw_props = dict(r.get("properties") or {})
        problems += [f"{rwhere}: {rtype.type} has no property {p!r}" for p in raw_props if p not in rtype.properties]
        props, constants = _properties(rwhere, {p: v for p, v in raw_props.items() if p in rtype.properties},
                                       [rtype.properties], columns, problems)
        rels.append(RelationshipSpec(rtype.type, r.get("from"), r.get("to"), props, constants))
    fmt = spec.get("format")
    if fmt is not None and fmt not in FORMATS:
        problems.append(f"{where}: unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return SourceSpec(name=name, file=str(spec.get("file", "")), entities=entities, relationships=rels,
                      format=fmt, sheet=spec.get("sheet"), convention=convention_from(spec, where, problems),
                      column_conventions=columns)


def _column(value: Any) -> str:
    return normalise_header(str(value))


def _unknown(where: str, spec: dict, known: tuple[str, ...], problems: list[str]) -> None:
    problems += [f"{where}: unknown key {k!r}; expected {', '.join(known)}" for k in spec if k not in known]


def _declare(columns: dict[str, Convention], column: str, convention: Convention, where: str,
             problems: list[str]) -> None:
    """Record ``column``'s declaration; two different ones for a column are a mistake."""
    if convention == Convention():
        return
    before = columns.get(column)
    if before is not None and before != convention:
        problems.append(f"{where}: column {column} is declared twice, differently")
    columns[column] = convention


def _properties(where: str, raw: dict, types: list[dict[str, str]], columns: dict[str, Convention],
                problems: list[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """``(property -> column, property -> constant)`` from a ``properties`` map, each value a column
    name, ``{column: C, decimal/thousands/dates/format: ...}`` or ``{value: V}``. ``types`` are the
    property types of every label the properties may be set on."""
    props: dict[str, str] = {}
    constants: dict[str, Any] = {}
    for prop, value in raw.items():
        pwhere = f"{where}, property {prop}"
        if not isinstance(value, dict):
            props[str(prop)] = _column(value)
            continue
        if ("column" in value) == ("value" in value):
            problems.append(f"{pwhere}: give 'column' (a column of the file) or 'value' (a constant), not "
                            f"{'both' if 'column' in value else 'neither'}")
            continue
        if "value" in value:
            _unknown(pwhere, value, ("value",), problems)
            for prop_types in types:
                if prop in prop_types:
                    try:
                        constants[str(prop)] = _constant(value["value"], prop_types[prop])
                    except BadValue as err:
                        problems.append(f"{pwhere}: constant {value['value']!r} is not a {prop_types[prop]}: {err}")
            continue
        _unknown(pwhere, value, ("column", "decimal", "thousands", "dates", "format"), problems)
        column = _column(value["column"])
        props[str(prop)] = column
        _declare(columns, column, convention_from(value, pwhere, problems, ("decimal", "thousands", "dates", "format")),
                 pwhere, problems)
    return props, constants


def _constant(value: Any, prop_type: str) -> Any:
    """A constant from YAML as the property's type: YAML's own numbers, booleans and dates as they are,
    text parsed as a cell is (with no convention declared)."""
    if value is None:
        raise BadValue("no value")
    if prop_type == "float" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if prop_type == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if prop_type == "boolean" and isinstance(value, bool):
        return value
    if prop_type == "date" and isinstance(value, dt.date):
        return value
    if prop_type == "string[]" and isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    if isinstance(value, dict | list):
        raise BadValue("not a single value")
    return parse_value(str(value), prop_type)


def _entity(where: str, name: str, spec: dict, columns: dict[str, Convention], problems: list[str]) -> EntitySpec:
    label_column = spec.get("label_column")
    labels = tuple(spec.get("labels") or ()) if label_column else (spec.get("label"),)
    if not labels or labels == (None,):
        problems.append(f"{where}: needs 'label' or 'label_column' with 'labels'")
        labels = ()
    for lab in labels:
        if lab not in schema.SCHEMA.nodes:
            problems.append(f"{where}: unknown label {lab!r}")
    known = [schema.SCHEMA.nodes[lab] for lab in labels if lab in schema.SCHEMA.nodes]
    if "key" in spec:
        if any(len(n.keys) != 1 for n in known):
            problems.append(f"{where}: 'key' needs labels with one key property; use 'keys'")
        keys = {"": _column(spec["key"])}
    else:
        keys = {str(k): _column(v) for k, v in (spec.get("keys") or {}).items()}
        for n in known:
            if set(keys) != set(n.keys):
                problems.append(f"{where}: keys {sorted(keys)} are not {n.label}'s keys {list(n.keys)}")
    if not keys:
        problems.append(f"{where}: missing key")
    raw_props = dict(spec.get("properties") or {})
    for n in known:
        problems += [f"{where}: {n.label} has no property {p!r}" for p in raw_props if p not in n.properties]
    props, constants = _properties(where, raw_props, [n.properties for n in known], columns, problems)
    problems += [f"{where}: {p!r} is a key of {n.label}; keys come from columns, not constants"
                 for n in known for p in constants if p in n.keys]
    return EntitySpec(name=name, labels=labels, keys=keys, properties=props,
                      label_column=_column(label_column) if label_column else None,
                      optional=bool(spec.get("optional", False)), constants=constants)
