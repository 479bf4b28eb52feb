"""The loader reads every supported format through the same mapping, and checks columns first."""

import csv
import json

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders.load import load_records

PEOPLE = [("Ana Soto", "1990-01-02", "MX"), ("Beto Cruz", "1985-05-06", "US")]


def people(clean):
    return {(r["n"], str(r["d"]), r["c"]) for r in clean.read(
        "MATCH (p:Person) RETURN p.name AS n, p.dob AS d, p.nationality AS c")}


def write_xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "People"
    ws.append(["Name", "DOB", "Nationality"])
    for row in PEOPLE:
        ws.append(list(row))
    wb.save(path)


@pytest.mark.parametrize("suffix", ["csv", "tsv", "xlsx", "json", "jsonl", "parquet"])
def test_each_format_loads_the_same_people(clean, tmp_path, suffix):
    path = tmp_path / f"persons.{suffix}"
    records = [{"name": n, "dob": d, "nationality": c} for n, d, c in PEOPLE]
    if suffix == "csv":
        path.write_text("name,dob,nationality\n" + "".join(f"{n},{d},{c}\n" for n, d, c in PEOPLE))
    elif suffix == "tsv":
        path.write_text("name\tdob\tnationality\n" + "".join(f"{n}\t{d}\t{c}\n" for n, d, c in PEOPLE))
    elif suffix == "xlsx":
        write_xlsx(path)
    elif suffix == "json":
        path.write_text(json.dumps(records))
    elif suffix == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
    else:
        pq.write_table(pa.Table.from_pylist(records), path)
    summary = load_records(clean, path, dataset="f")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (2, 2, 0)
    assert people(clean) == set(PEOPLE)


def test_json_lines_bad_line_is_a_reject_with_its_reason(clean, tmp_path):
    path = tmp_path / "persons.jsonl"
    path.write_text('{"name": "Ana Soto"}\n{"name": \n[1, 2]\n{"name": "Beto Cruz"}\n')
    summary = load_records(clean, path, dataset="f", rejects_path=tmp_path / "r.csv")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (4, 2, 2)
    with open(tmp_path / "r.csv", newline="") as f:
        rejects = {(r["source_file"], r["row"]): r["reason"] for r in csv.DictReader(f)}
    assert rejects[("persons.jsonl", "2")].startswith("not valid JSON")
    assert rejects[("persons.jsonl", "3")] == "not a JSON object: [1, 2]"


def test_several_paths_and_single_files(clean, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "persons.csv").write_text("name,organization\nAna Soto,Grupo Delta\n")
    (b / "phones.csv").write_text("number,user\n+16195550101,Ana Soto\n")
    (b / "notes.txt").write_text("not a record file\n")
    summary = load_records(clean, [a, b / "phones.csv"], dataset="f", rejects_path=tmp_path / "r.csv")
    assert [f["source"] for f in summary.as_dict()["files"]] == ["persons", "phones"]
    assert clean.read("MATCH (:Person {name: 'Ana Soto'})-[:USES]->(p:Phone) RETURN p.number AS n") == \
        [{"n": "+16195550101"}]
    with pytest.raises(ChokepointError, match="no source of .* reads this file"):
        load_records(clean, b / "notes.txt", dataset="f")


def test_missing_required_column_is_fatal_and_named(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_text("name\nAna Soto\n")
    (d / "shipments.csv").write_text("shipment_id,from,to,to_type\nS1,Tijuana,Ana Soto,Person\n")
    with pytest.raises(ChokepointError, match=r"shipments.csv: row 1: missing column\(s\) from_type"):
        load_records(clean, d, dataset="f")
    assert clean.read("MATCH (n) WHERE NOT n:ChokepointTestDatabase RETURN count(n) AS n")[0]["n"] == 0


def test_every_sheet_of_a_workbook(clean, tmp_path):
    from chokepoint.loaders.mapping import load_mapping

    path = tmp_path / "mapping.yaml"
    path.write_text("sources:\n  people:\n    file: book.xlsx\n    sheet: '*'\n"
                    "    entities:\n      p: {label: Person, key: name}\n")
    wb = openpyxl.Workbook()
    wb.active.title = "Cell A"
    wb.active.append(["name"])
    wb.active.append(["Ana Soto"])
    ws = wb.create_sheet("Cell B")
    ws.append(["name"])
    ws.append(["Beto Cruz"])
    wb.save(tmp_path / "book.xlsx")
    summary = load_records(clean, tmp_path / "book.xlsx", dataset="f", mapping=load_mapping(path))
    assert summary.rows_loaded == 2
    sources = {r["n"]: r["s"] for r in clean.read("MATCH (p:Person) RETURN p.name AS n, p.sources AS s")}
    assert sources == {"Ana Soto": ["book.xlsx[Cell A]:2"], "Beto Cruz": ["book.xlsx[Cell B]:2"]}
