"""``chokepoint mapping draft``: a starting mapping from a file's header that loads as it is."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from chokepoint.cases import loading
from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders.draft import draft_mapping
from chokepoint.loaders.mapping import load_mapping
from chokepoint.loaders.readers import normalise_header

ENVIOS = ("Folio Envío,Fecha,Teléfono,Placa,Garita,Nombre del chofer,Cantidad,Observaciones\n"
          "E-1,2024-03-05,+52 664 111 2233,7ABC123,2504,Luis Ortega,12,sin novedad\n"
          "E-2,2024-03-06,,8XYZ999,2503,Ana Ruiz,3,\n")


def _labels(path):
    mapping = load_mapping(path)
    (source,) = mapping.sources.values()
    return source, {name: e.labels[0] for name, e in source.entities.items()}


def test_a_drafted_mapping_loads_the_file_it_was_drafted_from(clean, tmp_path):
    data = tmp_path / "envios.csv"
    data.write_text(ENVIOS, encoding="utf-8")
    out = tmp_path / "envios.yaml"
    result = CliRunner().invoke(app, ["mapping", "draft", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "left as comments: observaciones" in result.stdout

    source, labels = _labels(out)
    col = {h: normalise_header(h) for h in ENVIOS.splitlines()[0].split(",")}
    assert labels == {col["Folio Envío"]: "Shipment", col["Teléfono"]: "Phone", col["Placa"]: "Vehicle",
                      col["Garita"]: "PortOfEntry", col["Nombre del chofer"]: "Person"}
    assert list(source.entities)[0] == col["Folio Envío"]            # the row's own entity
    assert source.entities[col["Folio Envío"]].properties == {"date": "fecha", "quantity": "cantidad"}
    assert {(r.type, r.source, r.target) for r in source.relationships} == {
        ("TRANSPORTED_BY", col["Folio Envío"], col["Placa"]), ("ENTERED_AT", col["Folio Envío"], col["Garita"]),
        ("TRANSPORTED_BY", col["Folio Envío"], col["Nombre del chofer"]),
        ("USES", col["Nombre del chofer"], col["Teléfono"])}
    assert "# PROPERTY: observaciones" in out.read_text(encoding="utf-8")

    report = loading.load_records(clean, [data], dataset="envios", mapping=out, rejects=tmp_path / "rejects.csv")
    assert (report.summary.rows_read, report.summary.rows_loaded, report.summary.rows_rejected) == (2, 2, 0)
    shipment = clean.read("MATCH (s:Shipment {shipment_id: 'E-1'})-[:TRANSPORTED_BY]->(p:Person) "
                          "MATCH (s)-[:ENTERED_AT]->(port:PortOfEntry) MATCH (p)-[:USES]->(ph:Phone) "
                          "RETURN s.date AS date, s.quantity AS q, p.name AS courier, port.code AS port, "
                          "ph.number AS phone")
    assert shipment == [{"date": shipment[0]["date"], "q": 12.0, "courier": "Luis Ortega", "port": "2504",
                         "phone": "+526641112233"}]
    assert shipment[0]["date"].to_native() == dt.date(2024, 3, 5)
    assert clean.read("MATCH (:Shipment {shipment_id: 'E-2'})-[:TRANSPORTED_BY]->(v:Vehicle) RETURN v.plate AS p") \
        == [{"p": "8XYZ999"}]


@pytest.mark.parametrize("header, label", [
    ("phone", "Phone"), ("Teléfono", "Phone"), ("celular", "Phone"), ("plate", "Vehicle"), ("placa", "Vehicle"),
    ("port", "PortOfEntry"), ("garita", "PortOfEntry"), ("puerto", "PortOfEntry"), ("person", "Person"),
    ("nombre", "Person"), ("lab", "Lab"), ("laboratorio", "Lab"), ("Nombre del laboratorio", "Lab"),
    ("proveedor", "Organization"), ("supplier", "Organization"), ("shipment_id", "Shipment"), ("envío", "Shipment"),
    ("decomiso", "Seizure"), ("aseguramiento", "Seizure"), ("seizure", "Seizure"), ("arma", "Firearm"),
    ("firearm", "Firearm"), ("ciudad", "Location"), ("empresa", "Organization"), ("sustancia", "Chemical"),
])
def test_labels_are_guessed_from_english_and_spanish_column_names(tmp_path, header, label):
    path = tmp_path / "one.csv"
    path.write_text(f"{header},notas\nx,y\n", encoding="utf-8")
    drafted = draft_mapping(path)
    assert [(g.label, g.prop) for g in drafted.guesses] == [(label, None), (None, None)]
    source, labels = _labels_of_text(tmp_path, drafted.text)
    assert labels == {normalise_header(header): label}


def _labels_of_text(tmp_path, text):
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    return _labels(path)


def test_a_header_with_no_entity_word_still_drafts_a_mapping_that_loads(tmp_path):
    path = tmp_path / "raw.csv"
    path.write_text("a,b,no\n1,2,3\n", encoding="utf-8")
    drafted = draft_mapping(path)
    source, labels = _labels_of_text(tmp_path, drafted.text)
    assert labels == {"record": "Person"} and source.entities["record"].keys == {"": "a"}
    assert "# PROPERTY: b" in drafted.text and '# PROPERTY: "no"' in drafted.text


def test_an_existing_out_file_is_not_replaced_without_force(tmp_path):
    path = tmp_path / "phones.csv"
    path.write_text("telefono,usuario\n+1 555 0100,Ana\n", encoding="utf-8")
    out = tmp_path / "mine.yaml"
    out.write_text("edited by hand\n", encoding="utf-8")
    with pytest.raises(ChokepointError, match="exists; choose another --out, or --force"):
        loading.draft_mapping(path, out)
    assert out.read_text(encoding="utf-8") == "edited by hand\n"
    loading.draft_mapping(path, out, overwrite=True)
    _, labels = _labels(out)
    assert labels == {"telefono": "Phone", "usuario": "Person"}
