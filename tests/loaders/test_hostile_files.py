"""Hostile files at small scale (loaders/limits.py): each ends in one line naming the file and how far
over a limit it went, with nothing written; an over-long network name rejects its edge, not the import.
The limits are lowered with monkeypatch where a real-size file would cost memory or time;
bench/hostile.py runs the real-size ones."""

import csv
import io
import json
import secrets
import zipfile

import networkx as nx
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from chokepoint.cli import main as cli_main
from chokepoint.cli.main import app as cli_app
from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders import limits, readers
from chokepoint.loaders.load import load_records
from chokepoint.loaders.networks import NetworkImportError, import_network
from chokepoint.loaders.readers import EXTRA_CELLS, read_rows


def nothing_written(store):
    """No entity, relationship or load record (only the mark of a test database is left)."""
    assert store.read("MATCH (n) WHERE NOT n:ChokepointTestDatabase RETURN count(n) AS n") == [{"n": 0}]


def refused(store, path, match, **kwargs):
    """load_records refuses ``path`` with one line naming it and matching ``match``; nothing written."""
    with pytest.raises(ChokepointError, match=match) as err:
        load_records(store, path, dataset="h", **kwargs)
    assert str(path.name) in str(err.value) and "\n" not in str(err.value)
    nothing_written(store)
    return str(err.value)


def nested(levels):
    return "[" * levels + "]" * levels


# -- JSON and JSON Lines ---------------------------------------------------------------------------
def test_json_nested_over_the_limit_is_refused_at_the_limit_it_loads(clean, tmp_path):
    path = tmp_path / "persons.json"
    # the top-level array is level 1, the record 2, so notes nested 99 deep reach 101
    path.write_text('[{"name": "Ana"}, {"name": "Bo", "notes": ' + nested(limits.MAX_NESTING - 1) + "}]")
    message = refused(clean, path, r"persons\.json: record 2: nested 101 levels deep, 1\.0 times the limit of 100")
    path.write_text('[{"name": "Ana"}, {"name": "Bo", "notes": ' + nested(limits.MAX_NESTING - 2) + "}]")
    assert load_records(clean, path, dataset="h").rows_loaded == 2
    assert "record 2" in message


def test_json_nested_100_000_deep_is_one_line_not_gigabytes(clean, tmp_path):
    path = tmp_path / "persons.json"
    path.write_text('[{"name": "Ana", "notes": ' + nested(100_000) + "}]")
    refused(clean, path, r"persons\.json: record 1: nested 100,002 levels deep, 1,000\.0 times the limit of 100")


def test_json_lines_too_deep_rejects_the_line_not_the_file(clean, tmp_path):
    path = tmp_path / "persons.jsonl"
    path.write_text('{"name": "Ana"}\n{"name": "Bo", "notes": ' + nested(150) + '}\n'
                    '{"name": "Cy", "notes": ' + nested(100_000) + '}\n{"name": "Di"}\n')
    summary = load_records(clean, path, dataset="h", rejects_path=tmp_path / "r.csv")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (4, 2, 2)
    with open(tmp_path / "r.csv", newline="") as f:
        reasons = {r["row"]: r["reason"] for r in csv.DictReader(f)}
    assert reasons["2"] == "nested 151 levels deep, 1.5 times the limit of 100"
    assert reasons["3"].startswith("nested more than ") and "times the limit of 100" in reasons["3"]


def test_json_lines_over_long_line_is_rejected_without_being_held(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_LINE_BYTES", 100)
    path = tmp_path / "persons.jsonl"
    path.write_text('{"name": "Ana"}\n{"name": "' + "B" * 300 + '"}\n{"name": "Cy"}\n')
    rows = list(read_rows(path))
    assert rows[0] == (1, {"name": "Ana"}) and rows[2] == (3, {"name": "Cy"})
    assert rows[1] == (2, {EXTRA_CELLS: "a line of 313 bytes, 3.1 times the limit of 100"})


def test_memory_error_while_reading_is_one_line_naming_the_file(clean, tmp_path, monkeypatch):
    path = tmp_path / "persons.json"
    path.write_text('[{"name": "Ana"}]')

    def exhausted(value):
        raise MemoryError

    monkeypatch.setattr(readers, "_record", exhausted)
    refused(clean, path, r"persons\.json: too large to read in the memory available \(MemoryError\)")


def test_the_command_line_turns_a_stray_memory_error_into_one_line(monkeypatch, capsys):
    def app():
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(cli_main, "app", app)
    with pytest.raises(SystemExit) as exit_:
        cli_main.main()
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error: nested too deeply (RecursionError)" in err and "Traceback" not in err


# -- XLSX and ODS -----------------------------------------------------------------------------------
def workbook(path, rows, replace=None):
    """A workbook of ``rows``; ``replace``: zip members to put in its place (name -> bytes)."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if not replace:
        book.save(path)
        return path
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name in set(replace) - set(src.namelist()):
            out.writestr(name, replace[name])
    return path


def sheet_xml(rows_xml: bytes) -> bytes:
    return (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>' + rows_xml +
            b"</sheetData></worksheet>")


def test_xlsx_zip_bomb_is_refused_by_its_ratio_before_reading(clean, tmp_path):
    bomb = sheet_xml(b'<row r="2">' + b"<c/>" * 600_000 + b"</row>")  # 2.4 MB that deflates to a few KB
    path = workbook(tmp_path / "persons.xlsx", [["name"], ["Ana"]], {"xl/worksheets/sheet1.xml": bomb})
    refused(clean, path, r"persons\.xlsx: xl/worksheets/sheet1\.xml inflates [\d,]+ times \([\d,]+ bytes from "
                         r"[\d,]+\), [\d.,]+ times the limit of 100 \(a zip bomb\?\)")


def test_xlsx_declared_sizes_over_the_total_are_refused(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ZIP_TOTAL", 1000)
    path = workbook(tmp_path / "persons.xlsx", [["name"], ["Ana"]])
    refused(clean, path, r"persons\.xlsx: the members inflate to [\d,]+ bytes, [\d.]+ times the limit of 1,000")


def test_xlsx_shared_strings_are_counted_before_openpyxl_keeps_them(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 2)
    strings = (b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               b"<si><t>name</t></si><si><t>Ana</t></si><si><t>Bo</t></si></sst>")
    path = workbook(tmp_path / "persons.xlsx", [["name"], ["Ana"]], {"xl/sharedStrings.xml": strings})
    refused(clean, path, r"persons\.xlsx: xl/sharedStrings\.xml holds 3 strings, 1\.5 times the limit of 2")
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS_BYTES", 10)
    refused(clean, path, r"persons\.xlsx: xl/sharedStrings\.xml is [\d,]+ bytes, [\d.]+ times the limit of 10")


def test_xlsx_row_too_long_in_its_xml_is_refused_before_reading(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROW_XML", 2000)
    cells = b"".join(b"<c><v>%d</v></c>" % i for i in range(200))
    path = workbook(tmp_path / "persons.xlsx", [["name"], ["Ana"]],
                    {"xl/worksheets/sheet1.xml": sheet_xml(b'<row r="2">' + cells + b"</row>")})
    refused(clean, path, r"persons\.xlsx: xl/worksheets/sheet1\.xml: row 2 is [\d,]+ bytes of XML, 1\.\d times "
                         r"the limit of 2,000")


def test_xlsx_cells_are_capped_while_streaming_the_row_rejected(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 10)
    path = workbook(tmp_path / "persons.xlsx", [["name"], ["Ana"], ["x" * 25], ["Bo"]])
    summary = load_records(clean, path, dataset="h", rejects_path=tmp_path / "r.csv")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (3, 2, 1)
    with open(tmp_path / "r.csv", newline="") as f:
        assert [(r["row"], r["reason"]) for r in csv.DictReader(f)] == [
            ("3", "sheet 'Sheet': row 3, column 1: a cell of 25 characters, 2.5 times the limit of 10")]
    clean.write("MATCH (n) WHERE NOT n:ChokepointTestDatabase DETACH DELETE n")
    monkeypatch.setattr(limits, "MAX_COLUMNS", 3)  # a header over the limit: the file is refused
    path = workbook(tmp_path / "persons.xlsx", [["name", "a", "b", "c"], ["Ana"]])
    refused(clean, path, r"persons\.xlsx: sheet 'Sheet': row 1 has 4 cells, 1\.3 times the limit of 3")


def test_a_real_workbook_passes_every_check(tmp_path):
    rows = [["name", "notes"]] + [[f"Person {i}", "note " * (i % 50)] for i in range(3000)]
    path = workbook(tmp_path / "persons.xlsx", rows)
    limits.check_zip(path, "xlsx")
    assert len(list(read_rows(path))) == 3000


def test_ods_content_over_its_limit_is_refused_before_odfpy_reads_it(clean, tmp_path, monkeypatch):
    path = tmp_path / "edges.ods"
    pd.DataFrame([["Ana", "Bo"], ["Bo", "Cy"]]).to_excel(path, engine="odf", header=False, index=False)
    monkeypatch.setattr(limits, "MAX_ODS_CONTENT", 100)
    with pytest.raises(NetworkImportError, match=r"edges\.ods: content\.xml is [\d,]+ bytes, [\d.]+ times the "
                                                 r"limit of 100 \(an ODS sheet is read whole") as err:
        import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH")
    assert "\n" not in str(err.value)
    nothing_written(clean)


# -- Parquet ----------------------------------------------------------------------------------------
def test_parquet_dictionary_value_repeated_per_record_is_refused_before_decoding(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 1000)
    path = tmp_path / "persons.parquet"
    notes = pa.DictionaryArray.from_arrays(pa.array([0] * 50, pa.int32()), pa.array(["x" * 2000]))
    pq.write_table(pa.table({"name": [f"P{i}" for i in range(50)], "notes": notes}), path)
    refused(clean, path, r"persons\.parquet: record 1: its values are 2,00\d bytes, 2\.0 times the limit of 1,000")


def test_parquet_read_in_bounded_slices_keeps_every_record_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_BATCH_BYTES", 500)  # about 20 records per slice
    path = tmp_path / "persons.parquet"
    names = [f"P{i:03d}" + "n" * 20 for i in range(120)]
    pq.write_table(pa.table({"name": names, "n": list(range(120))}), path, row_group_size=50)
    rows = list(read_rows(path))
    assert [r[0] for r in rows] == list(range(1, 121))
    assert [r[1]["name"] for r in rows] == names and rows[-1][1]["n"] == "119"


def test_parquet_row_group_too_wide_per_record_is_refused_from_its_metadata(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 100)
    path = tmp_path / "persons.parquet"
    pq.write_table(pa.table({"name": ["Ana"], "notes": ["y" * 500]}), path, use_dictionary=False)
    refused(clean, path, r"persons\.parquet: row group 1: records average [\d,]+ bytes, [\d.]+ times the limit")


def test_parquet_page_too_big_uncompressed_is_refused_from_its_header(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGE_BYTES", 2000)
    path = tmp_path / "persons.parquet"
    table = pa.table({"name": [f"P{i}" for i in range(10)], "notes": ["z" * 500] * 10})
    pq.write_table(table, path, use_dictionary=False, write_batch_size=1, data_page_size=600)  # a page a record
    assert len(list(read_rows(path))) == 10  # every header read, each page under the limit
    pq.write_table(table, path, use_dictionary=False)  # one page of the ten
    refused(clean, path, r"persons\.parquet: row group 1, column 'notes': a page of 5,0\d\d bytes uncompressed, "
                         r"2\.5 times the limit of 2,000 \(from [\d,]+\)")


# -- GraphML and GEXF -------------------------------------------------------------------------------
def test_graphml_nested_too_deep_is_refused_while_streaming(clean, tmp_path):
    path = tmp_path / "deep.graphml"
    path.write_text('<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
                    '<node id="a"><data key="d0">' + "<x>" * 150 + "</x>" * 150 + "</data></node></graph></graphml>")
    with pytest.raises(NetworkImportError, match=r"deep\.graphml: XML nested more than 100 levels deep \(at a "
                                                 r"<x> element\); the limit is 100") as err:
        import_network(clean, path, "graphml", "Person", "ASSOCIATED_WITH")
    assert "\n" not in str(err.value)
    nothing_written(clean)


def test_gexf_nested_too_deep_is_refused_while_streaming(clean, tmp_path):
    path = tmp_path / "deep.gexf"
    path.write_text('<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph><nodes><node id="a">' +
                    "<x>" * 150 + "</x>" * 150 + "</node></nodes></graph></gexf>")
    with pytest.raises(NetworkImportError, match=r"deep\.gexf: XML nested more than 100 levels deep"):
        import_network(clean, path, "gexf", "Person", "ASSOCIATED_WITH")
    nothing_written(clean)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_streamed_graph_files_read_as_networkx_reads_them(tmp_path, fmt):
    from chokepoint.loaders import networks

    graph = nx.gnm_random_graph(200, 900, seed=3, directed=True)
    for n, data in graph.nodes(data=True):
        data["label"] = f"N{n}"
    for _, _, data in graph.edges(data=True):
        data.update(weight=1.5, date="2024-01-02")
    path = tmp_path / f"g.{fmt}"
    getattr(nx, f"write_{fmt}")(graph, path)
    theirs, ours = getattr(nx, f"read_{fmt}")(path), networks._read_graph(path, fmt)
    assert type(ours) is type(theirs)
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))


# -- network names over the key size ----------------------------------------------------------------
def test_an_over_long_node_name_rejects_its_edge_and_the_rest_loads(clean, tmp_path):
    path = tmp_path / "edges.csv"
    long_name = "C" * (limits.MAX_KEY_BYTES + 1000)
    path.write_text(f"source,target\nAna,Bo\nBo,{long_name}\nBo,Cy\n")
    summary = import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH", rejects_path=tmp_path / "r.csv")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (3, 2, 1)
    with open(tmp_path / "r.csv", newline="") as f:
        rejects = list(csv.DictReader(f))
    assert [(r["row"], r["column"], r["reason"]) for r in rejects] == [
        ("3", "target", "target too long for a key: 9,000 bytes (at most 8,000, 1.1 times that)")]
    names = {r["n"] for r in clean.read("MATCH (p:Person) RETURN p.name AS n")}
    assert names == {"Ana", "Bo", "Cy"}


def test_an_over_long_graphml_node_is_reported_and_its_edges_rejected(clean, tmp_path):
    graph = nx.DiGraph()
    graph.add_node("a", label="Ana")
    graph.add_node("b", label="B" * 9000)
    graph.add_edges_from([("a", "b"), ("a", "c")])
    path = tmp_path / "g.graphml"
    nx.write_graphml(graph, path)
    summary = import_network(clean, path, "graphml", "Person", "ASSOCIATED_WITH", rejects_path=tmp_path / "r.csv")
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (2, 1, 1)
    with open(tmp_path / "r.csv", newline="") as f:
        reasons = [r["reason"] for r in csv.DictReader(f)]
    assert reasons == ["node name too long for a key: 9,000 bytes (at most 8,000, 1.1 times that)",
                       "target too long for a key: 9,000 bytes (at most 8,000, 1.1 times that)"]
    assert {r["n"] for r in clean.read("MATCH (p:Person) RETURN p.name AS n")} == {"Ana", "c"}


def test_limit_messages_say_how_far_over():
    assert limits.over("a line of", 300, 100, "bytes") == "a line of 300 bytes, 3.0 times the limit of 100"
    assert json.loads(json.dumps(limits.MAX_NESTING)) == 100


# -- a cell over its limit in a table: that row rejected, the rest loaded -------------------------------
EDGES = [("Ana", "Bo"), ("Bo", "Cy"), ("Cy", "Di"), ("Di", "Ed"), ("Ed", "Fa"), ("Fa", "Ana"), ("Bo", "Gil")]
OVER = 3  # the index in EDGES of the row whose note is over the cell limit (Di -> Ed: Ed is only in it and Ed -> Fa)


def edge_table(path, rows, fmt):
    """An edge list ``source,target,note`` of ``rows`` (tuples of three cells), as CSV or XLSX. openpyxl
    cuts a cell it writes to 32,767 characters, so a longer one is put in the sheet's XML after."""
    header = ("source", "target", "note")
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([header, *rows])
        return path
    long = {f"long cell {i}": cell for i, row in enumerate(rows) for cell in row if len(cell) > 32_767}
    placed = [tuple(next((k for k, v in long.items() if v is c), c) for c in row) for row in rows]
    workbook(path, [header, *placed])
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as book:
        xml = book.read(sheet)
    for key, cell in long.items():
        xml = xml.replace(key.encode(), cell.encode())
    return workbook(path, [header, *placed], {sheet: xml})


def stored_edges(store, dataset):
    return {(r["a"], r["b"]) for r in store.read(
        "MATCH (a:Person {dataset: $d})-[r:ASSOCIATED_WITH]->(b:Person) RETURN a.name AS a, b.name AS b", d=dataset)}


def stored_names(store, dataset):
    return {r["n"] for r in store.read("MATCH (p:Person {dataset: $d}) RETURN p.name AS n", d=dataset)}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_over_limit_cell_in_an_edge_list_rejects_its_row_and_the_rest_loads(clean, tmp_path, fmt):
    huge = secrets.token_hex(limits.MAX_CELL_CHARS // 2 + 1)  # 1 Mi + 2 characters that do not compress
    rows = [(a, b, huge if i == OVER else f"note {i}") for i, (a, b) in enumerate(EDGES)]
    path = edge_table(tmp_path / f"edges.{fmt}", rows, fmt)
    kept = edge_table(tmp_path / f"kept.{fmt}", [r for i, r in enumerate(rows) if i != OVER], fmt)
    args = dict(fmt="edgelist", label="Person", rel_type="ASSOCIATED_WITH")

    summary = import_network(clean, path, dataset="hostile", rejects_path=tmp_path / "r.csv", **args)
    assert (summary.rows_read, summary.edges_loaded, summary.rows_rejected) == (len(EDGES), len(EDGES) - 1, 1)
    with open(tmp_path / "r.csv", newline="") as f:
        rejects = list(csv.DictReader(f))
    where = "line 5" if fmt == "csv" else "sheet 'Sheet': row 5"
    assert [(r["source_file"], r["row"], r["column"], r["reason"]) for r in rejects] == [
        ("edges.csv" if fmt == "csv" else "edges.xlsx[Sheet]", "5", "note",
         f"{where}, column 3: a cell of {len(huge):,} characters, 1.0 times the limit of {limits.MAX_CELL_CHARS:,}")]
    shown = json.loads(rejects[0]["original_values"])  # the row as read, its huge cell cut
    assert shown["source"] == "Di" and shown["note"].endswith(f"... ({len(huge):,} characters)")
    assert len(shown["note"]) < 300

    expected = nx.DiGraph([e for i, e in enumerate(EDGES) if i != OVER])  # the file without that row
    assert stored_edges(clean, "hostile") == set(expected.edges)
    assert stored_names(clean, "hostile") == set(expected.nodes)
    without = import_network(clean, kept, dataset="kept", rejects_path=tmp_path / "k.csv", **args)
    assert (without.edges_loaded, without.nodes, without.relationships) == \
        (summary.edges_loaded, summary.nodes, summary.relationships) == \
        (expected.number_of_edges(), expected.number_of_nodes(), expected.number_of_edges())
    assert stored_edges(clean, "kept") == stored_edges(clean, "hostile")

    result = CliRunner().invoke(cli_app, ["import-network", str(path), "--node-label", "Person", "--rel-type",
                                          "ASSOCIATED_WITH", "--dataset", "hostile", "--rejects",
                                          str(tmp_path / "dry.csv"), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    dry = json.loads(result.stdout)
    figures = ("rows_read", "edges_loaded", "rows_rejected", "nodes", "relationships", "load_id")
    assert {k: dry[k] for k in figures} == {k: summary.as_dict()[k] for k in figures}
    assert (tmp_path / "dry.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_over_limit_cell_in_a_records_table_rejects_its_row_naming_the_column(clean, tmp_path, fmt, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 10)
    rows = [["name", "notes"], ["Ana", "x"], ["Bo", "y" * 25], ["Cy", "z"]]
    path = tmp_path / f"persons.{fmt}"
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    else:
        workbook(path, rows)
    summary = load_records(clean, path, dataset="h", rejects_path=tmp_path / "r.csv")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (3, 2, 1)
    with open(tmp_path / "r.csv", newline="") as f:
        rejects = list(csv.DictReader(f))
    where = "line 3" if fmt == "csv" else "sheet 'Sheet': row 3"
    assert [(r["row"], r["column"], r["reason"], json.loads(r["original_values"])) for r in rejects] == [
        ("3", "notes", f"{where}, column 2: a cell of 25 characters, 2.5 times the limit of 10",
         {"name": "Bo", "notes": "y" * 25})]
    assert {r["n"] for r in clean.read("MATCH (p:Person) RETURN p.name AS n")} == {"Ana", "Cy"}
    dry = load_records(None, path, dataset="h", rejects_path=tmp_path / "dry.csv", dry_run=True)
    assert (dry.rows_read, dry.rows_loaded, dry.rows_rejected) == (3, 2, 1)
    clean.write("MATCH (n) WHERE NOT n:ChokepointTestDatabase DETACH DELETE n")
    rows[0][1] = "n" * 25  # a header over the limit: the file is refused
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    else:
        workbook(path, rows)
    refused(clean, path, r"persons\.(csv|xlsx): (line|sheet 'Sheet': row) 1, column 2: a cell of 25 characters")


def test_an_over_limit_first_row_of_an_edge_list_refuses_the_file(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 10)
    path = tmp_path / "edges.csv"
    path.write_text("source,target," + "n" * 25 + "\nAna,Bo,x\n")
    with pytest.raises(NetworkImportError, match=r"edges\.csv: line 1, column 3: a cell of 25 characters, 2\.5 "
                                                 r"times the limit of 10 \(the first row, which may be the header\)"):
        import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH", rejects_path=tmp_path / "r.csv")
    nothing_written(clean)
