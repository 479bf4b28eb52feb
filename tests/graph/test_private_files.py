"""Private files: the local Neo4j's data directory (store, transaction logs) 0700/0600 after a real load;
the rejects report, a CLI export (``--out``) and the audit log 0600, whatever the umask
(graph/private.py, graph/local.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app as cli
from chokepoint.graph.config import Settings
from chokepoint.graph.private import tighten_tree
from chokepoint.graph.store import Store
from chokepoint.loaders.load import SAMPLE_CASE, load_records

runner = CliRunner()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _open_to_others(root: Path) -> list[str]:
    """Every file or folder under ``root`` (itself included) that its group or others may read, write or enter."""
    found = []
    for folder, dirs, files in os.walk(root):
        for p in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            if not os.path.islink(p) and _mode(Path(p)) & 0o077:
                found.append(f"{p} {oct(_mode(Path(p)))}")
    return sorted(set(found))


@pytest.fixture()
def loose_umask():
    """A permissive umask for the test (the usual 022), so only our own modes can make files private."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_local_neo4j_store_and_transaction_logs_are_private_after_a_real_load(spare_neo4j, loose_umask,
                                                                                    tmp_path):
    data = Path(spare_neo4j.data_dir)  # started by local.start (tests/conftest.py)
    settings = Settings(spare_neo4j.uri, spare_neo4j.user, spare_neo4j.password, origin="spare")
    with Store.connect(settings) as store:
        store.ensure_schema()
        summary = load_records(store, SAMPLE_CASE, dataset="private-files", rejects_path=tmp_path / "r.csv")
        assert summary.rows_loaded > 0
        store.write("MATCH (n {dataset: 'private-files'}) DETACH DELETE n")
    assert _mode(data) == 0o700
    written = [p for p in data.rglob("*") if p.is_file()]
    assert any("transactions" in p.parts for p in written), written[:20]  # the transaction logs are there
    assert _open_to_others(data) == []


def test_what_an_older_version_left_open_is_narrowed(tmp_path):
    # local.start narrows its data directory this way before Neo4j starts
    store = tmp_path / "data" / "store" / "transactions"
    store.mkdir(parents=True, mode=0o755)
    (store / "neostore.transaction.db.0").write_text("x")
    (store / "neostore.transaction.db.0").chmod(0o644)
    (tmp_path / "data").chmod(0o755)
    tighten_tree(tmp_path / "data")
    assert _open_to_others(tmp_path / "data") == []
    assert _mode(store / "neostore.transaction.db.0") == 0o600 and _mode(store) == 0o700


def test_cli_rejects_report_export_and_audit_log_are_0600(sample_store, neo4j_env, loose_umask, tmp_path,
                                                          monkeypatch):
    log = tmp_path / "state" / "audit.jsonl"
    monkeypatch.setenv("CHOKEPOINT_AUDIT_LOG", str(log))
    records = tmp_path / "records"
    records.mkdir()
    (records / "persons.csv").write_text("name,dob,city\nAna Ruiz,not a date,Tijuana\n", encoding="utf-8")
    rejects = tmp_path / "out" / "rejects.csv"
    result = runner.invoke(cli, ["load", str(records), "--dry-run", "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert "not a date" in rejects.read_text(encoding="utf-8")

    export = tmp_path / "out" / "ports.csv"
    export.write_text("an older, readable file\n")
    export.chmod(0o644)
    result = runner.invoke(cli, ["cypher", "MATCH (p:PortOfEntry) RETURN p.code AS code ORDER BY code",
                                 "--format", "csv", "--out", str(export)])
    assert result.exit_code == 0, result.output
    assert export.read_text(encoding="utf-8").startswith("code\n")
    json_out = tmp_path / "new" / "ports.json"
    result = runner.invoke(cli, ["cypher", "RETURN 1 AS n", "--format", "json", "--out", str(json_out)])
    assert result.exit_code == 0, result.output

    assert {p.name: oct(_mode(p)) for p in (rejects, export, json_out, log)} == {
        "rejects.csv": "0o600", "ports.csv": "0o600", "ports.json": "0o600", "audit.jsonl": "0o600"}
    assert _mode(log.parent) == 0o700 and _mode(json_out.parent) == 0o700
    assert [p.name for p in export.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left
