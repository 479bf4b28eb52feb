"""Bulk loads against a real local Neo4j (the session's spare instance, which they stop and restart):
the same files loaded transactionally and through Neo4j's importer give the same graph (a canonical hash
of every node and relationship); refusals change nothing; the importer's input is private."""

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from chokepoint.graph import local
from chokepoint.cases.loading import BulkRefused, bulk_load_records
from chokepoint.graph.config import Settings
from chokepoint.graph.store import Store
from chokepoint.loaders import bulk
from chokepoint.loaders.load import SAMPLE_CASE, load_records
from chokepoint.synthetic.generator import generate

#: when a Load ran, not what it recorded: the two ways run at different times
LOAD_TIMES = ("started", "first_started", "finished")


def graph_hash(store: Store) -> str:
    """Every node (labels, properties) and relationship (type, end nodes, properties), sorted and hashed
    (as tests/loaders/test_undo.py), with the Load records' times left out."""
    nodes = store.read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    for n in nodes:
        if "Load" in n["l"]:
            n["p"] = {k: v for k, v in n["p"].items() if k not in LOAD_TIMES}
    rels = store.read("MATCH (a)-[r]->(b) RETURN type(r) AS t, properties(a) AS a, properties(b) AS b, "
                      "properties(r) AS p")
    text = json.dumps([sorted(json.dumps([sorted(n["l"]), n["p"]], sort_keys=True, default=str) for n in nodes),
                       sorted(json.dumps(r, sort_keys=True, default=str) for r in rels)])
    return hashlib.sha256(text.encode()).hexdigest()


def connect(inst) -> Store:
    return Store.connect(Settings(inst.uri, inst.user, inst.password))


def empty(store: Store) -> None:
    while store.write("MATCH (n) WITH n LIMIT 10000 DETACH DELETE n")["nodes_deleted"]:
        pass


@pytest.fixture()
def local_only(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)


@pytest.fixture(scope="module")
def synthetic_case(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    generate("poe-couriers", 7, out, scale=0.5)
    return out


def both_ways(spare_neo4j, paths, tmp_path, dataset, workers, replace=False):
    """Load ``paths`` transactionally into the emptied spare instance, then by bulk; both hashes."""
    with connect(spare_neo4j) as store:
        empty(store)
        by_tx = load_records(store, paths, dataset=dataset, rejects_path=tmp_path / "tx-rejects.csv")
        tx_hash = graph_hash(store)
        if not replace:
            empty(store)
    report = bulk_load_records(paths, dataset=dataset, rejects=tmp_path / "bulk-rejects.csv",
                               data_dir=Path(spare_neo4j.data_dir), workers=workers, replace=replace, yes=replace)
    with connect(spare_neo4j) as store:
        bulk_hash = graph_hash(store)
        assert not store.missing_schema()  # the schema applied after the import
    return by_tx, report.summary, tx_hash, bulk_hash


def test_the_sample_case_loads_to_the_same_graph_both_ways(spare_neo4j, tmp_path, local_only):
    by_tx, by_bulk, tx_hash, bulk_hash = both_ways(spare_neo4j, [SAMPLE_CASE], tmp_path, "sample", workers=1)
    assert bulk_hash == tx_hash
    assert by_bulk.bulk and not by_tx.bulk
    assert [(f.rows_read, f.rows_loaded, f.rows_rejected, f.load_id) for f in by_bulk.files] == \
        [(f.rows_read, f.rows_loaded, f.rows_rejected, f.load_id) for f in by_tx.files]
    assert all(f.rows_read == f.rows_loaded + f.rows_rejected for f in by_bulk.files)
    assert by_bulk.counters["nodes_created"] == by_tx.counters["nodes_created"]
    assert by_bulk.counters["relationships_created"] == by_tx.counters["relationships_created"]
    assert not list(Path(spare_neo4j.data_dir).glob("bulk-import-*"))  # the importer's input removed


def test_a_synthetic_case_with_rejects_replaces_a_database_and_matches(spare_neo4j, synthetic_case, tmp_path,
                                                                      local_only):
    by_tx, by_bulk, tx_hash, bulk_hash = both_ways(spare_neo4j, [synthetic_case], tmp_path, "synth", workers=2,
                                                   replace=True)
    assert bulk_hash == tx_hash
    assert by_bulk.rows_rejected == by_tx.rows_rejected
    assert by_bulk.rows_read == by_bulk.rows_loaded + by_bulk.rows_rejected
    if by_tx.rows_rejected:  # the same rejects, in the same order
        assert (tmp_path / "bulk-rejects.csv").read_text() == (tmp_path / "tx-rejects.csv").read_text()


def test_refusals_change_nothing(spare_neo4j, tmp_path, local_only, monkeypatch):
    with connect(spare_neo4j) as store:
        if not store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]:
            load_records(store, SAMPLE_CASE, dataset="sample", rejects_path=tmp_path / "r.csv")
        before = graph_hash(store)
    data = Path(spare_neo4j.data_dir)
    pid = local.find_running(data).pid
    with pytest.raises(BulkRefused, match="holds .* node.*without --bulk"):
        bulk_load_records([SAMPLE_CASE], dataset="sample", rejects=tmp_path / "x.csv", data_dir=data)
    with pytest.raises(BulkRefused, match="add --yes"):
        bulk_load_records([SAMPLE_CASE], dataset="sample", rejects=tmp_path / "x.csv", data_dir=data, replace=True)
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example.org:7687")
    with pytest.raises(BulkRefused, match="NEO4J_URI points at bolt://db.example.org:7687"):
        bulk_load_records([SAMPLE_CASE], dataset="sample", rejects=tmp_path / "x.csv", data_dir=data,
                          replace=True, yes=True)
    monkeypatch.delenv("NEO4J_URI")
    assert not (tmp_path / "x.csv").exists()
    assert local.find_running(data).pid == pid  # never stopped
    with connect(spare_neo4j) as store:
        assert graph_hash(store) == before


def test_the_importer_input_is_private(tmp_path):
    work = tmp_path / "work"
    summary, files = bulk.write_import_files([SAMPLE_CASE], "sample", work, rejects_path=tmp_path / "r.csv",
                                             workers=2)
    assert stat.S_IMODE(work.stat().st_mode) == 0o700
    written = [p for p in work.rglob("*") if p.is_file()]
    assert written and {p for pair in files.nodes + files.relationships for p in pair} <= set(written)
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {oct(0o600)}
    assert files.entities == summary.counters["nodes_created"] > 0
    assert sum(f.rows_read for f in summary.files) == summary.rows_loaded + summary.rows_rejected


def test_values_as_importer_fields():
    assert bulk._cell(None) == ""
    assert bulk._cell('say "hi"\nthere') == '"say ""hi""\nthere"'
    assert bulk._cell(["a", "b;c"]) == '"a\x1fb;c"'
    assert bulk._cell(True) == "true" and bulk._cell(2) == "2" and bulk._cell(0.1) == "0.1"
    with pytest.raises(Exception, match="U\\+001F"):
        bulk._cell(["a\x1fb"])
