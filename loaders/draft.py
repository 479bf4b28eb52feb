"""A starting mapping drafted from a file's header, for the user to read and edit (``chokepoint mapping draft``).

Each column name (English or Spanish, accents ignored: ``Teléfono``, ``placa``, ``garita``) is matched
word by word against the words of :data:`LABEL_WORDS`: a column that names a kind of entity becomes an
entity of that label keyed on it (``telefono`` -> ``Phone``). The first such column (an event's id,
such as a shipment's or a seizure's, when there is one) is the row's own entity; the others are
``optional``. A column that names a property (:data:`PROPERTY_WORDS`: ``fecha`` -> ``date``) is given
to the first entity or relationship that has that property. Every other column is left as a comment.
Each other entity is joined to the row's entity (else to the first other entity of the row it can be
joined to: a phone to the person) by the most specific relationship type the schema allows between
their labels (the alternatives as comments). The draft is a valid mapping
(:func:`loaders.mapping.load_mapping` reads it); what it guessed is for the user to check.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders.mapping import MappingError, load_mapping
from chokepoint.loaders.readers import EXTRA_CELLS, SHEET, csv_cells, detect_format, normalise_header, read_rows

__all__ = ["Draft", "Guess", "draft_mapping", "LABEL_WORDS", "PROPERTY_WORDS"]

#: Words of a column name that say which label its values are keys of (English and Spanish, unaccented).
LABEL_WORDS: dict[str, tuple[str, ...]] = {
    "Phone": ("phone", "telephone", "tel", "telefono", "celular", "cel", "movil", "mobile", "cell", "msisdn",
              "whatsapp", "caller", "callee"),
    "Vehicle": ("plate", "plates", "placa", "placas", "vehicle", "vehiculo", "matricula", "car", "truck", "camion",
                "auto", "automovil", "tractocamion"),
    "PortOfEntry": ("port", "garita", "puerto", "poe", "aduana", "crossing", "cruce"),
    "Shipment": ("shipment", "envio", "embarque", "cargamento", "consignment", "remesa", "guia"),
    "Seizure": ("seizure", "decomiso", "aseguramiento", "incautacion", "confiscation"),
    "Firearm": ("firearm", "arma", "weapon", "gun", "pistol", "pistola", "rifle", "serial", "serie"),
    "Lab": ("lab", "laboratorio", "laboratory"),
    "Chemical": ("chemical", "quimico", "sustancia", "substance", "precursor", "drug", "droga", "narcotico"),
    "Organization": ("organization", "organisation", "organizacion", "company", "empresa", "compania", "firm",
                     "cartel", "business", "negocio", "dealer", "armeria", "supplier", "proveedor", "vendor",
                     "buyer", "comprador", "cliente", "customer", "razon"),
    "Location": ("city", "ciudad", "location", "ubicacion", "lugar", "place", "address", "direccion", "domicilio",
                 "municipio", "localidad", "colonia", "destination", "destino", "origin", "origen"),
    "Person": ("person", "persona", "nombre", "name", "courier", "mensajero", "driver", "conductor", "chofer",
               "owner", "propietario", "dueno", "user", "usuario", "suspect", "sospechoso", "detenido", "arrested",
               "individual", "titular", "operator", "operador", "purchaser", "straw", "cook", "member", "miembro"),
}
#: Words naming a role of a Person or an Organization (a note in the draft: roles are properties).
ROLE_WORDS = {"supplier": "supplier", "proveedor": "supplier", "dealer": "firearms_dealer", "armeria": "firearms_dealer",
              "courier": "courier", "mensajero": "courier", "straw": "straw_purchaser", "cook": "cook",
              "cartel": "cartel"}
#: Column words -> schema property (English and Spanish, unaccented).
PROPERTY_WORDS: dict[str, str] = {
    "date": "date", "fecha": "date", "dia": "date", "day": "date",
    "quantity": "quantity", "cantidad": "quantity", "qty": "quantity", "amount": "quantity", "peso": "quantity",
    "weight": "quantity", "kg": "quantity",
    "unit": "unit", "unidad": "unit", "units": "unit",
    "commodity": "commodity", "mercancia": "commodity", "producto": "commodity", "product": "commodity",
    "mode": "mode", "modo": "mode", "medio": "mode", "transporte": "mode",
    "kind": "kind", "type": "kind", "tipo": "kind", "clase": "kind",
    "make": "make", "marca": "make", "model": "model", "modelo": "model",
    "caliber": "caliber", "calibre": "caliber", "agency": "agency", "agencia": "agency", "dependencia": "agency",
    "dob": "dob", "birth": "dob", "nacimiento": "dob", "birthdate": "dob",
    "nationality": "nationality", "nacionalidad": "nationality",
    "country": "country", "pais": "country", "state": "state", "estado": "state",
    "lat": "lat", "latitude": "lat", "latitud": "lat", "lon": "lon", "lng": "lon", "longitude": "lon",
    "longitud": "lon", "alias": "aliases", "aliases": "aliases", "apodo": "aliases", "role": "roles",
    "roles": "roles", "rol": "roles", "cas": "cas", "category": "category", "categoria": "category",
    "controlled": "controlled", "controlado": "controlled", "controlada": "controlled",
    "direction": "direction", "direccion_cruce": "direction", "sentido": "direction",
    "duration": "duration_s", "duracion": "duration_s", "seconds": "duration_s", "segundos": "duration_s",
    "code": "code", "codigo": "code", "clave": "code",
}
#: Words that make a column an id: an event's own id makes its entity the row's own.
ID_WORDS = {"id", "folio", "no", "num", "numero", "number", "code", "codigo", "clave", "key"}
#: Labels whose id column, when the file has one, is the row's own entity (a record of an event).
EVENTS = ("Shipment", "Seizure", "Firearm")
_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


@dataclass(frozen=True)
class Guess:
    column: str                 # the column as mappings spell it (normalised header)
    header: str                 # as the file writes it
    label: str | None = None    # the label it is a key of
    prop: str | None = None     # or the property it fills
    role: str | None = None     # a role its entity plays (a note)


@dataclass
class Draft:
    """A drafted mapping: its YAML text and what was guessed per column."""

    file: Path
    text: str
    guesses: list[Guess] = field(default_factory=list)

    @property
    def unguessed(self) -> list[str]:
        return [g.column for g in self.guesses if g.label is None and g.prop is None]


def draft_mapping(path: Path | str, sheet: str | None = None) -> Draft:
    """Draft a mapping for ``path`` from its header (see the module docstring)."""
    path = Path(path)
    headers = _headers(path, sheet)
    if not headers:
        raise ChokepointError(f"{path}: no column names in the first row; a draft needs a header")
    guesses = [_guess(column, header) for column, header in headers]
    text = _render(path, sheet, guesses)
    with tempfile.TemporaryDirectory() as tmp:  # what is drafted must load: checked as load_mapping reads it
        check = Path(tmp) / "draft.yaml"
        check.write_text(text, encoding="utf-8")
        try:
            load_mapping(check)
        except MappingError as err:
            raise ChokepointError(f"{path}: the drafted mapping is not valid ({err}); please report this") from err
    return Draft(path, text, guesses)


def _headers(path: Path, sheet: str | None) -> list[tuple[str, str]]:
    """``(column, header as written)`` of ``path``'s columns, in file order (columns without a name left out)."""
    fmt = detect_format(path)
    if fmt in ("csv", "tsv"):
        first = next(iter(csv_cells(path, "\t" if fmt == "tsv" else None)), None)
        cells = first[1] if first else []
        found = [(normalise_header(c), c.strip()) for c in cells if normalise_header(c)]
    else:
        rows = read_rows(path, sheet=sheet)
        try:
            first = next(rows, None)
        finally:
            rows.close()
        found = [(k, k) for k in (first[1] if first else {}) if k not in (SHEET, EXTRA_CELLS)]
    twice = sorted({c for c, _ in found if [d for d, _ in found].count(c) > 1})
    if twice:
        raise ChokepointError(f"{path}: row 1: duplicate column(s) {', '.join(twice)}; rename them first")
    return found


def _words(header: str) -> list[str]:
    """The words of a header, lower case and without accents: ``Teléfono móvil`` -> telefono, movil."""
    folded = unicodedata.normalize("NFKD", header)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return [w for w in re.split(r"[^0-9a-z]+", folded) if w]


def _guess(column: str, header: str) -> Guess:
    words = _words(header) or column.split("_")
    joined = "_".join(words)
    if joined in PROPERTY_WORDS:  # whole-name properties first: "direccion_cruce", "fecha"
        return Guess(column, header, prop=PROPERTY_WORDS[joined])
    for label, known in LABEL_WORDS.items():  # the more specific label first: "nombre_laboratorio" is a Lab
        if any(word in known for word in words):
            return Guess(column, header, label=label, role=next((ROLE_WORDS[w] for w in words if w in ROLE_WORDS), None))
    for word in words:
        if word in PROPERTY_WORDS:
            return Guess(column, header, prop=PROPERTY_WORDS[word])
    return Guess(column, header)


def _own_first(entities: list[Guess]) -> list[Guess]:
    """The row's own entity first: an event's id column if there is one, else the first entity column."""
    for i, g in enumerate(entities):
        if g.label in EVENTS and ID_WORDS & set(_words(g.header)):
            return [g, *entities[:i], *entities[i + 1:]]
    return entities


def _relationship(a: str, b: str) -> list[tuple[str, bool]]:
    """Relationship types joining labels ``a`` and ``b``: ``(type, a is the start)``, the most specific first
    (fewest label pairs allowed: ``MEMBER_OF`` before ``SHIPPED_TO``), then ``a``-first ones.

    >>> _relationship("Person", "Location")[0], _relationship("Phone", "Person")
    (('LOCATED_IN', True), [('USES', False)])
    """
    found = [(r, True) for r in schema.SCHEMA.relationships.values() if a in r.sources and b in r.targets]
    found += [(r, False) for r in schema.SCHEMA.relationships.values()
              if b in r.sources and a in r.targets and (r, True) not in found]
    found.sort(key=lambda item: (len(item[0].sources) * len(item[0].targets), not item[1]))
    return [(r.type, forward) for r, forward in found]


def _q(text: str) -> str:
    """``text`` as a YAML scalar that reads back as that string."""
    return text if _PLAIN.match(text) and text not in _YAML_WORDS else '"' + text.replace('"', '\\"') + '"'


def _render(path: Path, sheet: str | None, guesses: list[Guess]) -> str:
    entities = _own_first([g for g in guesses if g.label])
    names: dict[str, Guess] = {}
    for g in entities:
        names[g.column] = g
    own = entities[0] if entities else None
    links = []  # (type, from, to, alternatives)
    for other in entities[1:]:
        # joined to the row's entity, else to the first other entity a type allows (a phone to the person)
        for end in [own, *(e for e in entities[1:] if e is not other)]:
            types = _relationship(end.label, other.label)
            if types:
                (rtype, forward), rest = types[0], types[1:]
                links.append((rtype, end.column if forward else other.column, other.column if forward else end.column,
                              [t for t, _ in rest]))
                break
        else:
            links.append((None, own.column, other.column, []))
    # a property column goes to the row's entity, else the first relationship, else the first entity with it
    props: dict[str, dict[str, str]] = {g.column: {} for g in entities}
    link_props: list[dict[str, str]] = [{} for _ in links]
    unplaced: list[Guess] = []
    for g in guesses:
        if g.prop is None:
            continue
        placed = False
        if own is not None and g.prop in schema.SCHEMA.nodes[own.label].properties \
                and g.prop not in props[own.column] and g.prop not in schema.SCHEMA.nodes[own.label].keys:
            props[own.column][g.prop] = g.column
            placed = True
        if not placed:
            for (rtype, *_), lp in zip(links, link_props):
                if rtype and g.prop in schema.SCHEMA.relationships[rtype].properties and g.prop not in lp:
                    lp[g.prop] = g.column
                    placed = True
                    break
        if not placed:
            for e in entities[1:]:
                node = schema.SCHEMA.nodes[e.label]
                if g.prop in node.properties and g.prop not in node.keys and g.prop not in props[e.column]:
                    props[e.column][g.prop] = g.column
                    placed = True
                    break
        if not placed:
            unplaced.append(g)
    left = [g for g in guesses if g.label is None and g.prop is None] + unplaced

    out = [f"# Drafted by `chokepoint mapping draft` from the header of {path.name}: check every guess, then",
           "# load with `chokepoint load FILE --mapping THIS.yaml --dry-run` (docs/mappings.md).",
           "# Columns: " + ", ".join(f"{g.header} -> {g.column}" for g in guesses)[:2000],
           "sources:",
           f"  {_q(normalise_header(path.stem) or 'records')}:",
           f"    file: {_q(path.name)}"]
    if sheet:
        out.append(f"    sheet: {_q(sheet)}")
    out.append("    entities:")
    if own is None:
        labels = ", ".join(schema.SCHEMA.nodes)
        out += ["      # no column name says what kind of entity it holds: name one (labels: " + labels + ")",
                "      record:",
                f"        label: Person          # a guess: change to the label of {guesses[0].column}",
                f"        key: {_q(guesses[0].column)}"]
        left = [g for g in left if g is not guesses[0]]
        props = {}
    for g in entities:
        node = schema.SCHEMA.nodes[g.label]
        out.append(f"      {_q(g.column)}:" + ("                 # the row's own entity: its row is its provenance"
                                              if g is own else ""))
        out.append(f"        label: {g.label}" + (f"           # role: {g.role} (roles are properties)" if g.role else ""))
        if len(node.keys) == 1:
            out.append(f"        key: {_q(g.column)}")
        else:
            out.append("        keys: {" + ", ".join(f"{k}: {_q(g.column)}" for k in node.keys) + "}")
        if g is not own:
            out.append("        optional: true")
        if props.get(g.column):
            out.append("        properties:")
            out += [f"          {p}: {_q(c)}" for p, c in props[g.column].items()]
        if g is own and left:
            if not props.get(g.column):
                out.append("        properties:")
            free = [p for p in node.properties if p not in node.keys and p not in props.get(g.column, {})]
            out.append(f"          # not guessed (a {g.label} property: {', '.join(free) or 'none left'}):")
            out += [f"          # PROPERTY: {_q(c.column)}" for c in left]
    if own is None and left:
        out.append("        properties:")
        out += [f"          # PROPERTY: {_q(c.column)}" for c in left]
    if links:
        out.append("    relationships:")
        for (rtype, a, b, others), lp in zip(links, link_props):
            if rtype is None:
                out.append(f"      # no relationship type joins {names[a].label} and {names[b].label}: "
                           "name one, or make it its own source")
                continue
            body = f"type: {rtype}, from: {_q(a)}, to: {_q(b)}"
            if lp:
                body += ", properties: {" + ", ".join(f"{p}: {_q(c)}" for p, c in lp.items()) + "}"
            out.append("      - {" + body + "}" + (f"   # or: {', '.join(others)}" if others else ""))
    return "\n".join(out) + "\n"
