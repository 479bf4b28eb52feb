"""Declarative mappings: which entities and relationships each row of a source file yields.

A mapping file is YAML (see ``mappings/standard.yaml`` and docs/mappings.md). It is validated against
the schema when loaded; every mistake is reported with the mapping file and the source it is in.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError, UnknownName
from chokepoint.loaders.readers import FORMATS, SUFFIXES

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

    def key_columns(self) -> list[str]:
        return list(self.keys.values())


@dataclass(frozen=True)
class RelationshipSpec:
    type: str
    source: str
    target: str
    properties: dict[str, str]


@dataclass(frozen=True)
class SourceSpec:
    name: str
    file: str                         # a file name or glob; without a suffix it matches any format's suffix
    entities: dict[str, EntitySpec]
    relationships: list[RelationshipSpec] = field(default_factory=list)
    format: str | None = None         # None: from the file's suffix
    sheet: str | None = None          # XLSX: a sheet name, "*" for every sheet, None for the first

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


@dataclass(frozen=True)
class Mapping:
    path: Path
    sources: dict[str, SourceSpec]


def load_mapping(path: Path | str = STANDARD_MAPPING) -> Mapping:
    """Read and validate a mapping file; raise :class:`MappingError` listing every mistake."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise MappingError(f"{path}: cannot read mapping: {err}") from err
    problems: list[str] = []
    sources = {}
    for name, spec in (raw.get("sources") or {}).items():
        sources[name] = _source(name, spec or {}, problems)
    if not sources:
        problems.append("no sources")
    if problems:
        raise MappingError(f"{path}: " + "; ".join(problems))
    return Mapping(path=path, sources=sources)


def _source(name: str, spec: dict, problems: list[str]) -> SourceSpec:
    where = f"source {name}"
    if not spec.get("file"):
        problems.append(f"{where}: no 'file'")
    entities = {ename: _entity(f"{where}, entity {ename}", ename, e or {}, problems)
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
        props = dict(r.get("properties") or {})
        problems += [f"{rwhere}: {rtype.type} has no property {p!r}" for p in props if p not in rtype.properties]
        rels.append(RelationshipSpec(rtype.type, r.get("from"), r.get("to"), props))
    fmt = spec.get("format")
    if fmt is not None and fmt not in FORMATS:
        problems.append(f"{where}: unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    return SourceSpec(name=name, file=str(spec.get("file", "")), entities=entities, relationships=rels,
                      format=fmt, sheet=spec.get("sheet"))


def _entity(where: str, name: str, spec: dict, problems: list[str]) -> EntitySpec:
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
        keys = {"": str(spec["key"])}
    else:
        keys = {str(k): str(v) for k, v in (spec.get("keys") or {}).items()}
        for n in known:
            if set(keys) != set(n.keys):
                problems.append(f"{where}: keys {sorted(keys)} are not {n.label}'s keys {list(n.keys)}")
    if not keys:
        problems.append(f"{where}: missing key")
    props = {str(k): str(v) for k, v in (spec.get("properties") or {}).items()}
    for n in known:
        problems += [f"{where}: {n.label} has no property {p!r}" for p in props if p not in n.properties]
    return EntitySpec(name=name, labels=labels, keys=keys, properties=props, label_column=label_column,
                      optional=bool(spec.get("optional", False)))
