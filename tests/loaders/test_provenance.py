"""Provenance everywhere: every entity a row names has that row in its ``sources``, read back from Neo4j:
the row's own entity and those it only refers to (the courier, vehicle and port of a shipment row)."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from chokepoint.graph.ids import entity_id
from chokepoint.loaders import load
from chokepoint.loaders.load import load_records
from tests_support import canonical_hash

SHIPMENTS = [
    # shipment_id, from, from_type, to, to_type, commodity, quantity, unit, date, mode, courier, vehicle, port
    ["S-1", "Tijuana", "Location", "2504", "PortOfEntry", "fentanyl", "2", "kg", "2024-03-05", "land", "Luis Ortega", "7ABC123", "2504"],
    ["S-2", "Tijuana", "Location", "2504", "PortOfEntry", "fentanyl", "3", "kg", "2024-03-06", "land", "Luis Ortega", "7ABC123", "2504"],
    ["S-3", "Mexicali", "Location", "Ana Ruiz", "Person", "meth", "1", "kg", "2024-03-07", "land", "Luis Ortega", "", "2503"],
    ["S-4", "Tijuana", "Location", "Ana Ruiz", "Person", "", "", "", "2024-03-08", "land", "Beto Cruz", "7ABC123", "2504"],
    ["S-5", "Mexicali", "Location", "2504", "PortOfEntry", "meth", "4", "kg", "2024-03-09", "land", "Luis Ortega", "8XYZ999", "2504"],
]
CROSSINGS = [  # person, vehicle, port, date, direction
    ["Luis Ortega", "7ABC123", "2504", "2024-03-05", "northbound"],
    ["Ana Ruiz", "", "2503", "2024-03-07", "northbound"],
    ["Luis Ortega", "8XYZ999", "2504", "2024-03-09", "southbound"],
]


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])


def _expected(dataset: str) -> dict[str, list[str]]:
    """Entity id -> the rows naming it, in file order, worked out from the files as a person reads them."""
    named: dict[str, list[str]] = defaultdict(list)

    def add(ref, label, key):
        if key:
            refs = named[entity_id(dataset, label, [key])]
            if ref not in refs:
                refs.append(ref)

    for line, (sid, src, src_type, dst, dst_type, chem, *_, courier, vehicle, port) in enumerate(SHIPMENTS, start=2):
        ref = f"shipments.csv:{line}"
        for label, key in [("Shipment", sid), (src_type, src), (dst_type, dst), ("Chemical", chem),
                           ("Person", courier), ("Vehicle", vehicle), ("PortOfEntry", port)]:
            add(ref, label, key)
    for line, (person, vehicle, port, *_) in enumerate(CROSSINGS, start=2):
        ref = f"crossings.csv:{line}"
        for label, key in [("Person", person), ("Vehicle", vehicle), ("PortOfEntry", port)]:
            add(ref, label, key)
    return dict(named)


@pytest.mark.parametrize("chunk_rows", [2, load.CHUNK_ROWS])
def test_every_entity_a_row_names_has_that_row_in_its_sources(clean, tmp_path, monkeypatch, chunk_rows):
    # small chunks: an entity named again in a later chunk gets that row by the writer's lighter statement
    monkeypatch.setattr(load, "CHUNK_ROWS", chunk_rows)
    _write(tmp_path / "shipments.csv", ["shipment_id", "from", "from_type", "to", "to_type", "commodity", "quantity",
                                        "unit", "date", "mode", "courier", "vehicle", "port"], SHIPMENTS)
    _write(tmp_path / "crossings.csv", ["person", "vehicle", "port", "date", "direction"], CROSSINGS)
    summary = load_records(clean, tmp_path, dataset="prov", rejects_path=tmp_path / "rejects.csv")
    assert summary.rows_loaded == len(SHIPMENTS) + len(CROSSINGS) and summary.rows_rejected == 0

    found = {r["id"]: r["sources"] for r in clean.read("MATCH (n:Entity {dataset: 'prov'}) RETURN n.id AS id, "
                                                       "n.sources AS sources")}
    expected = _expected("prov")
    assert found == expected
    port = entity_id("prov", "PortOfEntry", ["2504"])
    assert found[port][:2] == ["shipments.csv:2", "shipments.csv:3"]  # a mere reference, once empty

    # the details panel's provenance query says which rows of which load defined the courier
    courier = entity_id("prov", "Person", ["Luis Ortega"])
    rows = clean.read("MATCH (e:Entity {id: $id}) UNWIND e.loads AS load MATCH (l:Load {id: load}) "
                      "RETURN l.file AS file, [s IN e.sources WHERE s STARTS WITH l.file + ':'] AS rows ORDER BY file",
                      id=courier)
    assert rows == [{"file": "crossings.csv", "rows": ["crossings.csv:2", "crossings.csv:4"]},
                    {"file": "shipments.csv", "rows": ["shipments.csv:2", "shipments.csv:3", "shipments.csv:4",
                                                       "shipments.csv:6"]}]

    # a re-run adds nothing: sources stay sets
    before = canonical_hash(clean)
    load_records(clean, tmp_path, dataset="prov", rejects_path=tmp_path / "rejects.csv")
    assert canonical_hash(clean) == before
