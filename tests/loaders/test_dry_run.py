"""``load --dry-run``: every row mapped, the rejects report and the summary written, nothing in Neo4j."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from chokepoint.cases import loading
from chokepoint.cli.main import app

PERSONS = "name,dob,city\nAna Ruiz,1980-02-01,Tijuana\nLuis Ortega,not a date,Mexicali\nBeto Cruz,,Tijuana\n"
PHONES = "number,user\n+52 664 111 2233,Ana Ruiz\n,Luis Ortega\n"


def _records(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "persons.csv").write_text(PERSONS, encoding="utf-8")
    (folder / "phones.csv").write_text(PHONES, encoding="utf-8")
    return folder


def _everything(store) -> int:
    return store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]


def test_a_dry_run_writes_nothing_and_reports_what_a_load_does(clean, tmp_path):
    folder = _records(tmp_path)
    before = _everything(clean)
    dry = loading.load_records(clean, [folder], dataset="d", rejects=tmp_path / "dry-rejects.csv", dry_run=True)
    assert _everything(clean) == before                        # no entity, link or Load record
    assert dry.summary.dry_run and dry.as_dict()["dry_run"] is True
    dry_rejects = (tmp_path / "dry-rejects.csv").read_text(encoding="utf-8")
    assert "not a date" in dry_rejects and "phones.csv" in dry_rejects

    real = loading.load_records(clean, [folder], dataset="d", rejects=tmp_path / "rejects.csv")
    assert _everything(clean) > before
    keys = ("rows_read", "rows_loaded", "rows_rejected", "missing_sources", "rejects_report")
    counts = {k: v for k, v in dry.as_dict().items() if k in keys and k != "rejects_report"}
    assert counts == {k: v for k, v in real.as_dict().items() if k in keys and k != "rejects_report"}
    assert (dry.as_dict()["rows_read"], dry.as_dict()["rows_rejected"]) == (5, 2)
    assert [(f["file"], f["rows_read"], f["rows_loaded"], f["rows_rejected"], f["load_id"])
            for f in dry.as_dict()["files"]] == \
           [(f["file"], f["rows_read"], f["rows_loaded"], f["rows_rejected"], f["load_id"])
            for f in real.as_dict()["files"]]
    assert dry_rejects == (tmp_path / "rejects.csv").read_text(encoding="utf-8")


def test_the_cli_dry_run_needs_no_neo4j(tmp_path, monkeypatch):
    folder = _records(tmp_path)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("CHOKEPOINT_NEO4J_DATA", str(tmp_path / "no-neo4j-here"))
    result = CliRunner().invoke(app, ["load", str(folder), "--dry-run", "--json", "--rejects", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["dry_run"], summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (True, 5, 3, 2)
    assert (tmp_path / "r.csv").exists()
    text = CliRunner().invoke(app, ["load", str(folder), "--dry-run", "--rejects", str(tmp_path / "r2.csv")])
    assert text.exit_code == 0 and text.stdout.startswith("dry run, nothing written: dataset records: 5 rows read")
