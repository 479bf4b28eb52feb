"""Property-based tests of the loaders: no record file, however broken, gets past them as a crash.

Invariants, for every generated file (``tests/fuzz_cases.py``):

- a file that cannot be used is a :class:`ChokepointError` with a one-line message naming the file,
  raised before anything is written; anything else in it is read, row by row, into records or rejects;
- rows read == rows loaded + rows rejected, and the rejects report holds exactly the rejected rows;
- every record can be stored: Neo4j types only, UTF-8 text, key values an index can hold;
- the graph afterwards is valid: only ``Entity`` nodes with an id, a dataset and one schema label, links
  only between them, exactly the ids the rows map to, counts as the summary says; a re-run changes
  nothing;
- the CLI (``chokepoint load ... --json``) answers with a summary, or one ``error:`` line and exit 1.

``make test`` runs a small derandomised subset; ``make fuzz`` (``CHOKEPOINT_FUZZ=fuzz``) more than
10,000 random cases.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from fuzz_cases import EXAMPLES, MAPPING, PROFILE, record_file, record_folder, well_formed_csv
from chokepoint.graph import schema
from chokepoint.graph.errors import ChokepointError
from chokepoint.loaders.load import _mapped, _preflight, load_records
from chokepoint.loaders.readers import normalise_header, read_rows
from chokepoint.loaders.rejects import RejectsReport
from chokepoint.loaders.rows import Reject
from tests_support import wipe_all

settings.load_profile(PROFILE)

#: Neo4j's range indexes hold keys up to about 8 kB (tests/loaders/test_fuzz_loaders.py found the limit).
KEY_BYTES = 8_000


def write(folder: Path, files) -> list[Path]:
    paths = []
    for _, name, data in files:
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


def assert_clear(err: BaseException, *paths: Path) -> None:
    """A message a person can act on: one line, naming one of the files."""
    message = str(err)
    assert "\n" not in message and "\r" not in message, message[:500]
    assert any(p.name in message for p in paths), message[:500]


def storable(value) -> bool:
    """A value Neo4j stores as it is: bool, int64, finite float, date, UTF-8 text, or a list of text."""
    if isinstance(value, bool) or isinstance(value, dt.date):
        return True
    if isinstance(value, int):
        return -2**63 <= value < 2**63
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, list):
        return all(isinstance(v, str) and storable(v) for v in value)
    return False


def check_mapped(spec, path: Path, items: list, folder: Path) -> None:
    """Every item is a reject that can be reported, or records that can be stored."""
    with RejectsReport(folder / "rejects.csv") as report:
        for item in items:
            if isinstance(item, Reject):
                assert item.file.startswith(path.name) and item.row >= 1 and item.reason
                assert "\n" not in item.reason, item.reason[:200]
                report.add(item)
                continue
            nodes, rels = item
            assert nodes, "a row that is not rejected yields its first entity"
            ids = {n.id for n in nodes}
            for node in nodes:
                assert node.id.startswith("fz:") and node.label in schema.SCHEMA.nodes
                for prop, value in node.props.items():
                    assert storable(value), (node.label, prop, repr(value)[:200])
                for key in schema.SCHEMA.nodes[node.label].keys:
                    assert len(str(node.props[key]).encode("utf-8")) <= KEY_BYTES, (node.label, key)
                assert all(storable(a) for a in node.aliases)
            for rel in rels:
                assert {rel.source, rel.target} <= ids and rel.type in schema.SCHEMA.relationships
                assert all(storable(v) for v in rel.props.values()), rel.props
    rejected = sum(isinstance(i, Reject) for i in items)
    if rejected:
        with open(folder / "rejects.csv", newline="", encoding="utf-8") as f:
            assert len(list(csv.DictReader(f))) == rejected
    else:
        assert not (folder / "rejects.csv").exists()


# -- reading and mapping, without Neo4j -------------------------------------------------------------

@settings(max_examples=EXAMPLES["reader"])
@given(record_file())
def test_any_file_is_read_into_records_or_rejects_or_refused_clearly(case):
    source, name, data = case
    spec = MAPPING.sources[source]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (path,) = write(folder, [case])
        try:
            _preflight(spec, path)
        except ChokepointError as err:
            assert_clear(err, path)
            event("refused")
            return
        items = list(_mapped(spec, path, "fz"))  # nothing may fail once the file passed its checks
        event("read, with rejects" if any(isinstance(i, Reject) for i in items) else "read" if items else "no rows")
        check_mapped(spec, path, items, folder)


@settings(max_examples=EXAMPLES["csv"])
@given(well_formed_csv())
def test_a_well_formed_csv_reads_back_cell_for_cell(case):
    """Whatever the encoding, delimiter and quoting, the rows are the cells written (blank rows skipped),
    numbered as a spreadsheet numbers them (the header is row 1)."""
    encoding, data, names, rows = case
    if encoding == "cp1252":  # cp1252 text that is also valid UTF-8 ("Â\x8c") is UTF-8, by the rule
        try:
            data.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cells.csv"
        path.write_bytes(data)
        got = list(read_rows(path))
    keys = [normalise_header(n) for n in names]
    expected = [(i, dict(zip(keys, r))) for i, r in enumerate(rows, start=2) if any(c.strip() for c in r)]
    assert [(n, {k: v or "" for k, v in row.items()}) for n, row in got] == expected, (encoding, data[:300])


# -- loading into Neo4j ---------------------------------------------------------------------------------

NODES = """
MATCH (n) WHERE NOT n:ChokepointTestDatabase
RETURN labels(n) AS labels, properties(n) AS props
"""
LINKS = "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props"
INVALID_NODES = """
MATCH (n) WHERE NOT n:ChokepointTestDatabase AND NOT n:Load AND NOT n:Prior
  AND (NOT n:Entity OR n.id IS NULL OR n.dataset IS NULL OR size(labels(n)) <> 2)
RETURN count(n) AS n
"""
INVALID_LINKS = """
MATCH (a)-[r]->(b)
WHERE NOT a:Entity OR NOT b:Entity OR a.id IS NULL OR b.id IS NULL OR r.id IS NULL OR r.dataset IS NULL
RETURN count(r) AS n
"""


def graph_dump(store) -> str:
    """The whole graph as sorted JSON (a Load's run-dependent times and counts left out)."""
    nodes = []
    for r in store.read(NODES):
        props = dict(r["props"])
        if "Load" in r["labels"]:
            for k in ("started", "finished", "nodes_created", "relationships_created", "path"):
                props.pop(k, None)
        nodes.append(json.dumps([sorted(r["labels"]), props], sort_keys=True, default=str))
    links = [json.dumps([r["type"], r["a"], r["b"], r["props"]], sort_keys=True, default=str)
             for r in store.read(LINKS)]
    return json.dumps([sorted(nodes), sorted(links)])


def graph_ids(store) -> tuple[set, set]:
    nodes = {r["id"] for r in store.read("MATCH (n:Entity) RETURN n.id AS id")}
    links = {r["id"] for r in store.read("MATCH (:Entity)-[r]->(:Entity) RETURN r.id AS id")}
    return nodes, links


@settings(max_examples=EXAMPLES["load"])
@given(record_folder())
def test_loading_any_folder_leaves_a_valid_graph_and_a_rerun_changes_nothing(store, files):
    wipe_all(store)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "records"
        folder.mkdir()
        paths = write(folder, files)
        rejects = Path(tmp) / "rejects.csv"
        try:
            summary = load_records(store, folder, dataset="fz", rejects_path=rejects)
        except ChokepointError as err:
            assert_clear(err, *paths)
            assert store.read("MATCH (n) WHERE n:Entity OR n:Load RETURN count(n) AS n")[0]["n"] == 0
            event("refused")
            return
        event("loaded, with rejects" if summary.rows_rejected else "loaded" if summary.rows_read else "no rows")
        # what the rows map to, independently of the writer
        expected_nodes, expected_links, expected = set(), set(), {}
        for source, name, _ in files:
            items = list(_mapped(MAPPING.sources[source], folder / name, "fz"))
            expected[name] = (len(items), sum(isinstance(i, Reject) for i in items))
            for item in items:
                if not isinstance(item, Reject):
                    expected_nodes |= {n.id for n in item[0]}
                    expected_links |= {r.id for r in item[1]}
        assert {Path(f.file).name: (f.rows_read, f.rows_rejected) for f in summary.files} == expected
        for f in summary.files:
            assert f.rows_read == f.rows_loaded + f.rows_rejected
        if summary.rows_rejected:
            with open(rejects, newline="", encoding="utf-8") as f:
                assert len(list(csv.DictReader(f))) == summary.rows_rejected
        else:
            assert summary.rejects_report is None
        assert store.read(INVALID_NODES)[0]["n"] == 0
        assert store.read(INVALID_LINKS)[0]["n"] == 0
        assert graph_ids(store) == (expected_nodes, expected_links)
        assert summary.counters["nodes_created"] == len(expected_nodes)
        assert summary.counters["relationships_created"] == len(expected_links)
        loads = store.read("MATCH (l:Load) RETURN l.file AS file, l.status AS status, l.rows_read AS r, "
                           "l.rows_loaded AS ok, l.rows_rejected AS bad")
        assert sorted((x["file"], x["status"], x["r"], x["ok"], x["bad"]) for x in loads) == sorted(
            (Path(f.file).name, "complete", f.rows_read, f.rows_loaded, f.rows_rejected) for f in summary.files)
        before = graph_dump(store)
        again = load_records(store, folder, dataset="fz", rejects_path=rejects)
        assert (again.counters["nodes_created"], again.counters["relationships_created"]) == (0, 0)
        assert (again.rows_read, again.rows_rejected) == (summary.rows_read, summary.rows_rejected)
        assert graph_dump(store) == before


# -- the command line -----------------------------------------------------------------------------------

CLI = Path(sys.executable).with_name("chokepoint")


@settings(max_examples=EXAMPLES["cli"])
@given(record_folder(), st.booleans())
def test_the_cli_answers_with_a_summary_or_one_error_line(store, neo4j_settings, files, strict):
    wipe_all(store)
    env = {**os.environ, "NEO4J_URI": neo4j_settings.uri, "NEO4J_USER": neo4j_settings.user,
           "NEO4J_PASSWORD": neo4j_settings.password, "COLUMNS": "80"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "records"
        folder.mkdir()
        paths = write(folder, files)
        args = [str(CLI), "load", str(folder), "--dataset", "fz", "--json", "--rejects", f"{tmp}/rejects.csv"]
        done = subprocess.run(args + (["--strict"] if strict else []), capture_output=True, text=True, env=env,
                              errors="replace", timeout=600)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    event(f"exit {done.returncode}")
    if done.returncode == 0:
        summary = json.loads(done.stdout)
        assert summary["rows_read"] == summary["rows_loaded"] + summary["rows_rejected"]
        assert not strict or summary["rows_rejected"] == 0
        assert done.stderr == ""
    else:
        assert done.returncode == 1 and done.stdout == ""
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[:2000]
        assert any(p.name in lines[0] for p in paths), lines[0][:500]
