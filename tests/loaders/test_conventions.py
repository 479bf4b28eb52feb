"""Numbers, dates and headers as analysts' files write them: read by a declared convention, inferred
from evidence and said so, or refused with what to declare; never a different number or day.

Every file is written here, and every value is checked as Neo4j holds it after the load.
"""

import csv
import datetime as dt
import json
import os
import subprocess
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.loaders.conventions import Convention, ConventionError
from chokepoint.loaders.load import load_records
from chokepoint.loaders.mapping import MappingError, load_mapping
from chokepoint.loaders.networks import import_network

runner = CliRunner()

SPANISH = """\
decimal: ","
thousands: "."
sources:
  envios:
    file: envios_*.csv
    entities:
      envio:
        label: Shipment
        key: Número de envío
        properties:
          quantity: Cantidad (kg)
          unit: {value: kg}
          date: Fecha
          commodity: Producto
      origen: {label: Location, key: Origen}
      destino: {label: Location, key: Destino}
    relationships:
      - type: SHIPPED_TO
        from: origen
        to: destino
        properties: {quantity: Cantidad (kg), unit: {value: kg}, date: Fecha}
  personas:
    file: personas
    columns:
      nacimiento: {dates: "%d-%m-%Y"}
    entities:
      persona: {label: Person, key: Nombre, properties: {dob: Nacimiento}}
      telefono: {label: Phone, key: Teléfono, optional: true}
    relationships:
      - {type: USES, from: persona, to: telefono}
"""


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def rejects(summary) -> dict:
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        return {(r["source_file"], int(r["row"]), r["column"]): r["reason"] for r in csv.DictReader(f)}


def shipments(store, dataset):
    rows = store.read("MATCH (s:Shipment {dataset: $d}) RETURN s.shipment_id AS id, s.quantity AS q, s.unit AS u, "
                      "s.date AS date ORDER BY id", d=dataset)
    return {r["id"]: (r["q"], r["u"], r["date"].to_native() if r["date"] else None) for r in rows}


def conventions(summary, name):
    (f,) = [f for f in summary.files if f.file.endswith(name)]
    return {c["column"]: c for c in f.conventions}


def test_spanish_cp1252_records_with_decimal_commas_and_both_date_orders(clean, tmp_path):
    d = tmp_path / "casos"
    d.mkdir()
    mapping = write(tmp_path / "es.yaml", SPANISH)
    # a Mexican export: cp1252, semicolons, decimal commas, thousands points, day first (13/03 decides)
    write(d / "envios_mx.csv",
          "Número de envío;Origen;Destino;Cantidad (kg);Fecha;Producto\n"
          "E-1;Culiacán;Tijuana;4,1;11/03/2024;Fentanilo\n"
          "E-2;Culiacán;Tijuana;1.250,5;13/03/2024;Metanfetamina\n"
          "E-3;Tijuana;Mexicali;27,35;02/04/2024;Fentanilo\n", encoding="cp1252")
    # a US export of the same mapping: month first (03/13 decides)
    write(d / "envios_us.csv",
          "Número de envío;Origen;Destino;Cantidad (kg);Fecha;Producto\n"
          "U-1;Tijuana;San Diego;2,5;03/11/2024;Fentanilo\n"
          "U-2;Tijuana;San Diego;10;03/13/2024;Fentanilo\n", encoding="cp1252")
    write(d / "personas.csv", "Nombre,Teléfono,Nacimiento\nAna Soto,+52 664 555 0101,05-03-1990\n",
          encoding="cp1252")
    summary = load_records(clean, d, dataset="mx", mapping=mapping)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (6, 6, 0)
    assert shipments(clean, "mx") == {
        "E-1": (4.1, "kg", dt.date(2024, 3, 11)),
        "E-2": (1250.5, "kg", dt.date(2024, 3, 13)),
        "E-3": (27.35, "kg", dt.date(2024, 4, 2)),
        "U-1": (2.5, "kg", dt.date(2024, 3, 11)),
        "U-2": (10.0, "kg", dt.date(2024, 3, 13)),
    }
    legs = clean.read("MATCH (a:Location)-[r:SHIPPED_TO]->(b:Location) RETURN a.name AS a, r.quantity AS q, "
                      "r.unit AS u, r.date AS d ORDER BY q")
    assert [(r["a"], r["q"], r["u"], r["d"].to_native()) for r in legs] == [
        ("Tijuana", 2.5, "kg", dt.date(2024, 3, 11)), ("Culiacán", 4.1, "kg", dt.date(2024, 3, 11)),
        ("Tijuana", 10.0, "kg", dt.date(2024, 3, 13)), ("Tijuana", 27.35, "kg", dt.date(2024, 4, 2)),
        ("Culiacán", 1250.5, "kg", dt.date(2024, 3, 13))]
    # the accented header is the mapping's column: the phone is there
    ana = entity_id("mx", "Person", ["Ana Soto"])
    row = clean.read("MATCH (p:Person {id: $id})-[:USES]->(f:Phone) RETURN p.dob AS dob, f.number AS n", id=ana)
    assert [(r["dob"].to_native(), r["n"]) for r in row] == [(dt.date(1990, 3, 5), "+526645550101")]
    # the summary says, per column, what was declared and what was inferred from which value
    mx, us = conventions(summary, "envios_mx.csv"), conventions(summary, "envios_us.csv")
    assert (mx["cantidad_kg"]["how"], mx["cantidad_kg"]["decimal"], mx["cantidad_kg"]["thousands"]) == \
        ("declared", ",", ".")
    assert (mx["fecha"]["how"], mx["fecha"]["dates"], mx["fecha"]["evidence"]) == \
        ("inferred", "dayfirst", "row 3: '13/03/2024'")
    assert (us["fecha"]["how"], us["fecha"]["dates"], us["fecha"]["evidence"]) == \
        ("inferred", "monthfirst", "row 3: '03/13/2024'")
    assert conventions(summary, "personas.csv")["nacimiento"]["dates"] == "%d-%m-%Y"
    stored = clean.read("MATCH (l:Load {file: 'envios_us.csv'}) RETURN l.conventions AS c")[0]["c"]
    assert {c["column"]: c["dates"] for c in json.loads(stored)}["fecha"] == "monthfirst"


def test_undeclared_separators_are_read_only_where_one_number_fits(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    head = "shipment_id,from,from_type,to,to_type,quantity,date\n"
    write(d / "shipments.csv", head +
          'S1,A,Location,B,Location,"4,1",2024-01-01\n'       # row 2: a decimal comma: reject
          'S2,A,Location,B,Location,"27,35",2024-01-01\n'     # row 3: reject
          'S3,A,Location,B,Location,"1,250",2024-01-01\n'     # row 4: 1250 or 1.25, beside 4,1: reject
          'S4,A,Location,B,Location,"1,250.5",2024-01-01\n'   # row 5: only a thousands comma reads it
          'S5,A,Location,B,Location,12.5,2024-01-01\n')
    write(d / "seizures.csv", "seizure_id,quantity\n"
          'Z1,"1,250"\n'           # the column also has 2.5 and 2,000,000: 1250
          "Z2,2.5\n"
          'Z3,"2,000,000"\n')
    write(d / "supplies.csv", 'supplier,buyer,buyer_type,quantity\nAcme,Beta,Organization,"1,250"\n')  # nothing says
    summary = load_records(clean, d, dataset="t")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (9, 5, 4)
    found = rejects(summary)
    assert set(found) == {("shipments.csv", 2, "quantity"), ("shipments.csv", 3, "quantity"),
                          ("shipments.csv", 4, "quantity"), ("supplies.csv", 2, "quantity")}
    assert found[("shipments.csv", 2, "quantity")] == (
        "'4,1' has a comma that cannot separate thousands (a decimal comma?); declare decimal ',' "
        "(mapping: decimal: \",\", or --decimal ,)")
    assert "declare decimal ','" in found[("shipments.csv", 3, "quantity")]
    assert found[("shipments.csv", 4, "quantity")].startswith("'1,250' is 1250 or 1.25, in a column that has "
                                                              "decimal commas; declare decimal ',' thousands '.'")
    assert found[("supplies.csv", 2, "quantity")] == (
        "'1,250' is 1250 or 1.25; declare thousands ',' (mapping: thousands: \",\", or --thousands ,) or declare "
        "decimal ',' (mapping: decimal: \",\", or --decimal ,)")
    assert shipments(clean, "t") == {"S4": (1250.5, None, dt.date(2024, 1, 1)),
                                     "S5": (12.5, None, dt.date(2024, 1, 1))}
    seized = clean.read("MATCH (s:Seizure) RETURN s.seizure_id AS id, s.quantity AS q ORDER BY id")
    assert [(r["id"], r["q"]) for r in seized] == [("Z1", 1250.0), ("Z2", 2.5), ("Z3", 2_000_000.0)]
    said = conventions(summary, "seizures.csv")["quantity"]
    assert (said["how"], said["thousands"], said["evidence"]) == ("inferred", ",", "row 3: '2.5'")
    assert conventions(summary, "shipments.csv")["quantity"]["evidence"] == "row 2: '4,1'"


def test_declared_separators_read_either_convention(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    write(d / "shipments.csv", "shipment_id,from,from_type,to,to_type,quantity\n"
          'S1,A,Location,B,Location,"1.250,5"\n'
          'S2,A,Location,B,Location,"4,1"\n'
          'S3,A,Location,B,Location,"1,250"\n'
          'S4,A,Location,B,Location,"12.5"\n')     # a decimal point where commas were declared: reject
    summary = load_records(clean, d, dataset="eu", conventions=Convention(decimal=",", thousands="."))
    assert [s[0] for s in shipments(clean, "eu").values()] == [1250.5, 4.1, 1.25]
    assert list(rejects(summary)) == [("shipments.csv", 5, "quantity")]
    write(d / "shipments.csv", "shipment_id,from,from_type,to,to_type,quantity\n"
          'S1,A,Location,B,Location,"1,250.5"\n'
          'S2,A,Location,B,Location,"1,250"\n')
    load_records(clean, d, dataset="us", conventions=Convention(decimal=".", thousands=","))
    assert [s[0] for s in shipments(clean, "us").values()] == [1250.5, 1250.0]


def test_a_date_column_nothing_decides_stops_the_load_before_writing(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    write(d / "persons.csv", "name,dob\nAna Soto,1990-01-02\n")
    write(d / "crossings.csv", "person,port,date\nAna Soto,2504,03/02/2024\nAna Soto,2504,04/05/2024\n"
          "Ana Soto,2504,06/06/2024\n")
    with pytest.raises(ConventionError) as err:
        load_records(clean, d, dataset="t")
    message = str(err.value)
    assert "\n" not in message and "crossings.csv" in message and "column date" in message
    assert "row 2: '03/02/2024' could be either" in message and "dates: dayfirst or monthfirst" in message
    assert clean.read("MATCH (n) WHERE n:Entity OR n:Load RETURN count(n) AS n")[0]["n"] == 0
    # both orders in one column: the same
    write(d / "crossings.csv", "person,port,date\nAna Soto,2504,13/02/2024\nAna Soto,2504,02/13/2024\n")
    with pytest.raises(ConventionError, match=r"column date has day-first \(row 2: '13/02/2024'\) and "
                                              r"month-first \(row 3: '02/13/2024'\) dates"):
        load_records(clean, d, dataset="t")
    assert clean.read("MATCH (n) WHERE n:Entity OR n:Load RETURN count(n) AS n")[0]["n"] == 0
    # declared, it loads; a value that is no date in the declared order is a reject
    write(d / "crossings.csv", "person,port,date\nAna Soto,2504,03/02/2024\nAna Soto,2504,03/13/2024\n")
    summary = load_records(clean, d, dataset="t", conventions=Convention(dates="dayfirst"))
    assert rejects(summary) == {("crossings.csv", 3, "date"): "not a date (use yyyy-mm-dd): '03/13/2024' "
                                                                "(read day/month/year)"}
    dates = clean.read("MATCH (:Person)-[r:CROSSED_AT]->() RETURN r.date AS d")
    assert [r["d"].to_native() for r in dates] == [dt.date(2024, 2, 3)]


def test_iso_dates_need_no_declaration(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    write(d / "crossings.csv", "person,port,date\nAna Soto,2504,2024-03-05\nAna Soto,2504,05/05/2024\n"
          "Ana Soto,2504,5 Mar 2024\n")
    summary = load_records(clean, d, dataset="t")
    assert summary.rows_rejected == 0
    assert conventions(summary, "crossings.csv")["date"]["how"] == "default"
    dates = clean.read("MATCH (:Person)-[r:CROSSED_AT]->() RETURN r.date AS d ORDER BY d")
    assert [r["d"].to_native() for r in dates] == [dt.date(2024, 3, 5), dt.date(2024, 5, 5)]


def test_numbers_and_dates_a_spreadsheet_stores_as_such_ignore_text_conventions(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["shipment_id", "from", "from_type", "to", "to_type", "quantity", "date"])
    sheet.append(["S1", "A", "Location", "B", "Location", 4.1, dt.date(2024, 3, 5)])      # stored as a number
    sheet.append(["S2", "A", "Location", "B", "Location", "1.250,5", "05/03/2024"])      # typed as text
    book.save(d / "shipments.xlsx")
    load_records(clean, d, dataset="x", conventions=Convention(decimal=",", thousands=".", dates="dayfirst"))
    assert shipments(clean, "x") == {"S1": (4.1, None, dt.date(2024, 3, 5)), "S2": (1250.5, None, dt.date(2024, 3, 5))}


def test_a_mapping_column_not_in_the_file_names_the_closest(clean, neo4j_env, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    mapping = write(tmp_path / "m.yaml", """\
sources:
  personas:
    file: personas
    entities:
      persona: {label: Person, key: nombre, properties: {nationality: nacionalidad}}
      telefono: {label: Phone, key: telefon, optional: true}
    relationships:
      - {type: USES, from: persona, to: telefono}
  telefonos:
    file: telefonos
    entities:
      telefono: {label: Phone, key: numero, optional: true}
""")
    write(d / "personas.csv", "Nombre,Teléfono,Nacionalidad\nAna Soto,+52 664 555 0101,MX\n")
    summary = load_records(clean, d, dataset="t", mapping=mapping)
    (f,) = summary.files
    assert (f.columns_absent, f.closest, f.columns) == (["telefon"], {"telefon": "telefono"},
                                                        ["nombre", "telefono", "nacionalidad"])
    result = runner.invoke(app, ["load", str(d), "--dataset", "t", "--mapping", str(mapping)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert ("personas.csv: no column(s) telefon (did you mean telefono?) (left empty); its columns: nombre, "
            "telefono, nacionalidad") in result.output
    # a required key that is not there: the error names the file's columns and the closest one
    mapping.write_text(mapping.read_text().replace("key: nombre", "key: nombres"))
    with pytest.raises(ChokepointError, match=r"personas.csv: row 1: missing column\(s\) nombres \(did you mean "
                                              r"nombre\?\) that source 'personas' needs \(columns: nombre, "
                                              r"telefono, nacionalidad\)"):
        load_records(clean, d, dataset="t2", mapping=mapping)
    # a file in which no entity of its source can be found is an error, not an empty load
    write(d / "telefonos.csv", "Números\n+52 664 555 0101\n")
    mapping.write_text(mapping.read_text().replace("key: nombres", "key: nombre"))
    with pytest.raises(ChokepointError, match=r"telefonos.csv: row 1: none of the key column\(s\) numero \(did you "
                                              r"mean numeros\?\) of source 'telefonos' \(columns: numeros\); "
                                              r"nothing could be loaded from it"):
        load_records(clean, d, dataset="t3", mapping=mapping)
    assert clean.read("MATCH (n:Entity) WHERE n.dataset IN ['t2', 't3'] RETURN count(n) AS n")[0]["n"] == 0


def test_constants_and_conventions_in_mappings_are_validated(tmp_path):
    def problems(text):
        with pytest.raises(MappingError) as err:
            load_mapping(write(tmp_path / "m.yaml", text))
        return str(err.value)

    base = "sources:\n  s:\n    file: s\n    entities:\n      e: {label: Shipment, key: id, properties: %s}\n"
    assert "constant 'lots' is not a float" in problems(base % "{quantity: {value: lots}}")
    assert "'shipment_id' is a key of Shipment; keys come from columns" in \
        problems(base % "{shipment_id: {value: S-1}}")
    assert "give 'column' (a column of the file) or 'value' (a constant), not both" in \
        problems(base % "{quantity: {value: 1, column: q}}")
    assert "decimal ';': use ',' or '.'" in problems(base % "{quantity: {column: q, decimal: ';'}}")
    assert "thousands 'x'" in problems("thousands: x\n" + base % "{}")
    assert "dates 'yearfirst'" in problems(base % "{date: {column: d, dates: yearfirst}}")
    assert "decimal and thousands are both ','" in problems('decimal: ","\nthousands: ","\n' + base % "{}")
    assert "column q is declared twice, differently" in problems(
        base % '{quantity: {column: q, decimal: ","}}' + "    columns:\n      q: {decimal: \".\"}\n")
    mapping = load_mapping(write(tmp_path / "ok.yaml", base % '{quantity: {column: Cantidad (kg), decimal: ","}, '
                                                              'unit: {value: kg}, date: {value: 2024-03-05}}'))
    (entity,) = mapping.sources["s"].entities.values()
    assert entity.constants == {"unit": "kg", "date": dt.date(2024, 3, 5)}
    assert entity.properties == {"quantity": "cantidad_kg"}
    assert mapping.sources["s"].column_conventions == {"cantidad_kg": Convention(decimal=",")}


def test_the_cli_options_declare_conventions(clean, neo4j_env, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    write(d / "shipments.csv", "shipment_id;from;from_type;to;to_type;quantity;date\n"
          "S1;A;Location;B;Location;1.250,5;03/02/2024\n", encoding="cp1252")
    result = runner.invoke(app, ["load", str(d), "--dataset", "cli", "--decimal", ",", "--thousands", ".",
                                 "--dates", "dayfirst", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    said = {c["column"]: c for c in summary["files"][0]["conventions"]}
    assert (said["quantity"]["decimal"], said["quantity"]["thousands"], said["quantity"]["how"]) == (",", ".", "declared")
    assert (said["date"]["dates"], said["date"]["how"]) == ("dayfirst", "declared")
    assert shipments(clean, "cli") == {"S1": (1250.5, None, dt.date(2024, 2, 3))}
    # the text summary says what was inferred
    write(d / "shipments.csv", "shipment_id,from,from_type,to,to_type,quantity,date\n"
          "S2,A,Location,B,Location,2,13/02/2024\nS3,A,Location,B,Location,2,03/02/2024\n")
    result = runner.invoke(app, ["load", str(d), "--dataset", "cli2"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "shipments.csv: read date day/month/year (inferred from row 2: '13/02/2024')" in result.output
    # a date column nothing decides: one line, exit 1, nothing written
    write(d / "shipments.csv", "shipment_id,from,from_type,to,to_type,quantity,date\n"
          "S4,A,Location,B,Location,2,03/02/2024\n")
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "load", str(d), "--dataset", "cli3"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if line.strip()]  # (the progress display ends blank)
    assert line.startswith("error: ") and "shipments.csv: column date" in line
    assert line.endswith("--dates dayfirst|monthfirst); nothing was written")
    assert clean.read("MATCH (n) WHERE n:Entity OR n:Load RETURN count(n) AS n")[0]["n"] == \
        clean.read("MATCH (n) WHERE (n:Entity OR n:Load) AND n.dataset <> 'cli3' RETURN count(n) AS n")[0]["n"]
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "load", str(d), "--decimal", ";"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "80"})
    assert done.returncode == 1 and done.stderr.strip() == "error: decimal ';': use ',' or '.'"


def test_import_network_reads_weights_by_the_declared_decimal(clean, neo4j_env, tmp_path):
    path = write(tmp_path / "red.csv", "source;target;weight\nAna;Beto;0,5\nBeto;Carla;1.250,75\n")
    result = runner.invoke(app, ["import-network", str(path), "--format", "edgelist", "--node-label", "Person",
                                 "--rel-type", "ASSOCIATED_WITH", "--decimal", ",", "--thousands", ".", "--json"])
    assert result.exit_code == 0, result.output
    weights = clean.read("MATCH (a:Person)-[r:ASSOCIATED_WITH]->(b:Person) RETURN a.name AS a, r.weight AS w ORDER BY a")
    assert [(r["a"], r["w"]) for r in weights] == [("Ana", 0.5), ("Beto", 1250.75)]
    # undeclared, a decimal comma is a reject naming the column, not 5
    summary = import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH", dataset="undeclared")
    assert (summary.edges_loaded, summary.rows_rejected) == (0, 2)
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        found = {(r["row"], r["column"]): r["reason"] for r in csv.DictReader(f)}
    assert "declare decimal ','" in found[("2", "weight")]
