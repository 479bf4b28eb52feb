"""FollowTheMoney entities (JSON Lines), the model of OCCRP's Aleph and OpenSanctions: one entity per
line, ``{"id", "schema", "properties": {name: [values]}}``.

Our labels map to FtM schemata (:data:`NODE_SCHEMA`, refined by :func:`node_schema`), our relationship
types to FtM's interval schemata (:data:`LINK_SCHEMA`; ``UnknownLink`` with our type as its ``role``
where FtM has nothing closer). Ids are ours with ``:`` written ``.`` (FtM ids hold letters, digits, ``.``
and ``-`` only; any other character becomes ``-`` and a short hash of the id is added, so two ids stay
two). Provenance: a link's ``sources`` (each record's ``file:row``) are its ``recordId``; an entity's are
``notes`` lines ``source: file:row``. Properties FtM has no name for are ``notes`` lines ``key: value``.
The stamp cannot be an entity: ``chokepoint export`` writes it beside the file (``FILE.stamp.json``).

>>> lines = ftm_lines([{"id": "s:person:1", "label": "Ana", "kind": "Person", "dob": "1990-02-03"},
...                    {"id": "s:phone:1", "label": "+5255", "kind": "Phone", "number": "+5255"}],
...                   [{"id": "s:called:1", "source": "s:phone:1", "target": "s:phone:1", "type": "USES"}])
>>> [json.loads(line)["schema"] for line in lines.splitlines()]
['Person', 'LegalEntity', 'UnknownLink']
>>> json.loads(lines.splitlines()[0])
{'id': 's.person.1', 'schema': 'Person', 'properties': {'name': ['Ana'], 'birthDate': ['1990-02-03']}}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["NODE_SCHEMA", "LINK_SCHEMA", "PROPERTIES", "ftm_id", "node_schema", "ftm_lines"]

#: Our label -> FollowTheMoney schema (see :func:`node_schema` for the refinements)
NODE_SCHEMA = {
    "Person": "Person",
    "Organization": "Organization",
    "Chemical": "Asset",
    "Lab": "RealEstate",
    "PortOfEntry": "Address",
    "Location": "Address",
    "Vehicle": "Vehicle",
    "Phone": "LegalEntity",
    "Shipment": "Event",
    "Seizure": "Event",
    "Firearm": "Asset",
}
#: Our relationship type -> (FtM schema, property of the source, property of the target); any type not
#: here is an ``UnknownLink`` (subject, object) with ``role`` our type
LINK_SCHEMA = {
    "CALLED": ("Call", "caller", "receiver"),
    "MEMBER_OF": ("Membership", "member", "organization"),
    "PURCHASED": ("Ownership", "owner", "asset"),
    "ASSOCIATED_WITH": ("Associate", "person", "associate"),
}  # each only between ends of the schemata FtM allows there (_ENDS: two people for an Associate); else UnknownLink
_UNKNOWN = ("UnknownLink", "subject", "object")
_LEGAL = {"Person", "Organization", "Company", "LegalEntity"}
_ASSETS = {"Asset", "RealEstate", "Vehicle", "Vessel"}
#: The FtM schemata each end of those links may have (their properties' ranges); else an UnknownLink
_ENDS = {"Call": (_LEGAL, _LEGAL), "Membership": (_LEGAL, {"Organization", "Company"}),
         "Ownership": (_LEGAL, _ASSETS), "Associate": ({"Person"}, {"Person"})}
#: Our property -> FtM property, per FtM schema ("*": any schema); the rest become notes
PROPERTIES: dict[str, dict[str, str]] = {
    "*": {"aliases": "alias", "roles": "keywords", "country": "country"},
    "Person": {"dob": "birthDate", "nationality": "nationality"},
    "Address": {"lat": "latitude", "lon": "longitude", "state": "region"},
    "Vehicle": {"plate": "registrationNumber", "model": "model", "subkind": "type"},
    "Vessel": {"plate": "registrationNumber", "model": "model", "subkind": "type"},
    "LegalEntity": {"number": "phone"},
    "Event": {"date": "date"},
    "Call": {"duration_s": "duration"},
    "Membership": {"role": "role"},
}
#: Interval schemata name a link's date ``date``; a link's provenance is its ``recordId``
_LINK_PROPERTIES = {"date": "date", "sources": "recordId"}
_COMPANY_ROLES = {"front_company", "freight_forwarder", "firearms_dealer"}
_VESSELS = {"vessel", "boat", "ship"}
_SKIPPED = {"id", "label", "kind", "source", "target", "type", "caption", "dataset", "loads", "name"}
_FTM_ID = re.compile(r"[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?\Z")


def ftm_id(our_id: str) -> str:
    """Our id as an FtM id: ``:`` written ``.``; anything else FtM ids cannot hold becomes ``-``, with a
    short hash of the id added so that distinct ids stay distinct.

    >>> ftm_id("case:person:3aab"), ftm_id("case_41:person:3aab")
    ('case.person.3aab', 'case-41.person.3aab-94a12bde')
    """
    dotted = str(our_id).replace(":", ".")
    if _FTM_ID.match(dotted):
        return dotted
    safe = re.sub(r"[^0-9a-zA-Z.\-]", "-", dotted).strip(".-") or "x"
    return f"{safe}-{hashlib.sha256(str(our_id).encode('utf-8')).hexdigest()[:8]}"


def node_schema(node: Mapping[str, Any]) -> str:
    """The FtM schema of an entity: :data:`NODE_SCHEMA` by label; an Organization with a company's role
    (front company, freight forwarder, firearms dealer) is a ``Company``, a vehicle of kind vessel, boat
    or ship a ``Vessel``, an entity of a label not in the table an ``Asset``.

    >>> node_schema({"kind": "Organization", "roles": ["front_company"]}), node_schema({"kind": "Lab"})
    ('Company', 'RealEstate')
    """
    kind = node.get("kind")
    if kind == "Organization" and _COMPANY_ROLES & set(_as_list(node.get("roles"))):
        return "Company"
    if kind == "Vehicle" and str(node.get("subkind") or "").lower() in _VESSELS:
        return "Vessel"
    return NODE_SCHEMA.get(kind, "Asset")


def ftm_lines(nodes: list[Mapping], links: list[Mapping]) -> str:
    """One FtM entity per line: every node, then every link (``properties`` sorted, values as lists)."""
    schemata = {str(n["id"]): node_schema(n) for n in nodes}
    out = [_line(ftm_id(n["id"]), schemata[str(n["id"])], _node_properties(n, schemata[str(n["id"])])) for n in nodes]
    for link in links:
        schema, source, target = LINK_SCHEMA.get(link.get("type"), _UNKNOWN)
        ends = (schemata.get(str(link["source"])), schemata.get(str(link["target"])))
        if schema in _ENDS and not (ends[0] in _ENDS[schema][0] and ends[1] in _ENDS[schema][1]):
            schema, source, target = _UNKNOWN
        props: dict[str, list] = {source: [ftm_id(link["source"])], target: [ftm_id(link["target"])]}
        if schema == "UnknownLink":
            props["role"] = [str(link.get("type") or "")]
        if schema == "Call":
            numbers = {str(n["id"]): n.get("number") for n in nodes}
            props["callerNumber"] = [numbers.get(str(link["source"]))]
            props["receiverNumber"] = [numbers.get(str(link["target"]))]
        _properties(props, link, schema, _LINK_PROPERTIES)
        out.append(_line(ftm_id(link["id"]), schema, props))
    return "".join(out)


# -- helpers -----------------------------------------------------------------------------------
def _node_properties(node: Mapping[str, Any], schema: str) -> dict[str, list]:
    name = node.get("name") or node.get("label") or node["id"]
    props: dict[str, list] = {"name": [name]}
    if schema == "Address":
        props["full"] = [name]
    props["notes"] = [f"source: {s}" for s in _as_list(node.get("sources"))]
    _properties(props, node, schema, {})
    return props


def _properties(props: dict[str, list], data: Mapping[str, Any], schema: str, extra: dict[str, str]) -> None:
    names = {**PROPERTIES["*"], **PROPERTIES.get(schema, {}), **extra}
    for key, value in data.items():
        if key in _SKIPPED or value is None or value == [] or (key == "sources" and "sources" not in names):
            continue
        if key in names:
            props.setdefault(names[key], []).extend(str(v) for v in _as_list(value))
        else:
            text = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else str(value)
            props.setdefault("notes" if schema in NODE_SCHEMA.values() or schema in ("Company", "Vessel")
                             else "description", []).append(f"{key}: {text}")


def _line(entity_id: str, schema: str, props: dict[str, list]) -> str:
    kept = {k: [v for v in values if v not in (None, "")] for k, values in sorted(props.items(), key=_order)}
    kept = {k: v for k, v in kept.items() if v}
    return json.dumps({"id": entity_id, "schema": schema, "properties": kept}, ensure_ascii=False) + "\n"


def _order(item: tuple[str, list]) -> tuple[int, str]:
    return (0 if item[0] == "name" else 1, item[0])


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]
