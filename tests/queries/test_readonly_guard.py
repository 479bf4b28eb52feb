"""The read-only runner holds by allow-list, and the local Neo4j holds a second time (issue 17, item 1).

Every attack runs against two servers: the session's local Neo4j (hardened: only the allow-listed APOC is
loaded, no LOAD CSV from files, a transaction timeout and memory limit) and a local Neo4j with every APOC
procedure loaded, as a production server reached through ``NEO4J_URI`` may have. Each test checks the
one-line refusal naming what was refused, that the graph is unchanged, that no file was written, and that
no request reached an HTTP listener started here on 127.0.0.1 (a hit fails the test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chokepoint.cases import saved_queries as app_path
from chokepoint.cli.main import app
from chokepoint.graph import errors, local, readonly
from chokepoint.graph import store as graph_store
from chokepoint.graph.config import Settings
from chokepoint.graph.store import MAX_RESULT_BYTES, Store
from chokepoint.queries.saved import NotReadOnly, run, run_cypher

runner = CliRunner()
PWNED = "chokepoint-pwned"                      # the name of every file an attack tries to write


# -- the listener, the servers, the state ------------------------------------------------------
class _Listener(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        _Listener.hits.append(self.path)
        body = b"name\nanswered\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[str]:
    """``http://127.0.0.1:PORT/secret``: a local service an attack would make the server fetch."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/secret"
    server.shutdown()


@pytest.fixture()
def hits(listener) -> list[str]:
    _Listener.hits.clear()
    return _Listener.hits


@pytest.fixture(scope="module")
def open_neo4j() -> Iterator[tuple[Store, Path]]:
    """A local Neo4j with every APOC procedure and function loaded; its store and data directory."""
    data = Path(tempfile.mkdtemp(prefix="chokepoint-open-neo4j-"))
    try:
        # a bound on a start-up that a busy machine makes slow, not a timing check
        inst = local.start(data, port=local.free_port(), timeout=900, procedures=("apoc.*",))
        store = Store.connect(Settings(inst.uri, inst.user, inst.password))
    except BaseException:
        local.stop(data)
        shutil.rmtree(data, ignore_errors=True)
        raise
    try:
        store.ensure_schema()
        store.write("CREATE (:Person:Entity {id: 'p1', caption: 'Ana Ortega'})-[:CALLED]->"
                    "(:Phone:Entity {id: 'ph1', caption: '+1 619 555 0100'})")
        yield store, data
    finally:
        store.close()
        local.stop(data)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=["hardened", "all-apoc"])
def server(request, sample_store, open_neo4j, tmp_path) -> tuple[Store, list[Path]]:
    """Each server in turn, with the folders a written file could land in (its data directory when it is
    a local one, the test's own folder)."""
    if request.param == "hardened":
        local_data = None if os.environ.get("NEO4J_URI") else os.environ.get("CHOKEPOINT_NEO4J_DATA")
        return sample_store, [tmp_path] + ([Path(local_data)] if local_data else [])
    store, data = open_neo4j
    return store, [data, tmp_path]


def _counts(store: Store) -> tuple[int, int]:
    return (store.read("MATCH (n) RETURN count(n) AS n")[0]["n"],
            store.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"])


def _written(folders: list[Path]) -> list[Path]:
    found = []
    for folder in folders:
        if folder.exists():
            found += [p for p in folder.glob(f"**/{PWNED}*") if "chokepoint-pwned-ok" not in str(p)]
    return found


def _refused(store: Store, folders: list[Path], hits: list[str], cypher: str, message: str, tmp_path: Path,
             monkeypatch) -> None:
    """``cypher`` is refused with ``message`` ad hoc, as a saved query in the user folder and by the store
    itself, changing nothing, writing nothing, fetching nothing."""
    before = _counts(store)
    with pytest.raises(NotReadOnly, match=rf"^cypher: {message}.*; ad-hoc queries may only read$"):
        run_cypher(store, cypher)
    folder = tmp_path / "queries"
    folder.mkdir(exist_ok=True)
    (folder / "attack.cypher").write_text(f"// name: attack\n// title: Attack\n{cypher}\n", encoding="utf-8")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(folder))
    with pytest.raises(NotReadOnly, match=rf"^query attack: {message}.*; saved queries may only read$"):
        run(store, "attack")
    with pytest.raises(errors.NotReadOnly, match=message):
        store.read_only(cypher)
    assert _counts(store) == before
    assert _written(folders) == []
    assert hits == [], f"the server fetched {hits}"


# -- 1. procedures and functions that run a Cypher string ---------------------------------------
def _cypher_string(url: str) -> dict[str, tuple[str, str]]:
    fetch = f'LOAD CSV FROM "{url}" AS l RETURN l'
    return {
        "apoc.when": (f"CALL apoc.when(true, '{fetch}', '') YIELD value RETURN value", "apoc.when"),
        "apoc.case": (f"CALL apoc.case([true, '{fetch}'], '') YIELD value RETURN value", "apoc.case"),
        "apoc.do.when": (f"CALL apoc.do.when(true, 'CREATE (:Evil) WITH 1 AS x {fetch}', '') YIELD value "
                         "RETURN value", "apoc.do.when"),
        "apoc.cypher.run": (f"CALL apoc.cypher.run('{fetch}', {{}}) YIELD value RETURN value", "apoc.cypher.run"),
        "function": (f"RETURN apoc.cypher.runFirstColumnSingle('{fetch}', {{}}) AS x",
                     "apoc.cypher.runFirstColumnSingle"),
        "graph.fromCypher": (f"CALL apoc.graph.fromCypher('{fetch}', {{}}, 'g', {{}}) YIELD graph RETURN graph",
                             "apoc.graph.fromCypher"),
        "periodic": (f"CALL apoc.periodic.iterate('{fetch}', 'CREATE (:Evil)', {{}}) YIELD batches RETURN batches",
                     "apoc.periodic.iterate"),
        "back-ticked": (f"CALL `apoc`.`when`(true, '{fetch}', '') YIELD value RETURN value", "apoc.when"),
        "back-ticked-whole": (f"RETURN `apoc.cypher.runFirstColumnSingle`('{fetch}', {{}}) AS x",
                              "apoc.cypher.runFirstColumnSingle"),
        "in-a-subquery": (f"MATCH (p:Person) CALL (p) {{ CALL apoc.cypher.run('{fetch}', {{}}) YIELD value "
                          "RETURN value } RETURN p.id, value", "apoc.cypher.run"),
        "in-a-comprehension": (f"MATCH (p:Person) RETURN [x IN [1] | apoc.cypher.runFirstColumnSingle('{fetch}', "
                               "{})] AS x", "apoc.cypher.runFirstColumnSingle"),
        "in-a-case": (f"MATCH (p:Person) RETURN CASE WHEN p.id IS NULL THEN 0 ELSE "
                      f"apoc.cypher.runFirstColumnSingle('{fetch}', {{}}) END AS x", "apoc.cypher.runFirstColumnSingle"),
        "after-a-union": (f"RETURN 1 AS value UNION ALL CALL apoc.cypher.run('{fetch}', {{}}) YIELD value "
                          "RETURN value", "apoc.cypher.run"),
        "commented-out-spaces": (f"CALL apoc /* */ . when (true, '{fetch}', '') YIELD value RETURN value", "apoc.when"),
    }


CYPHER_STRING_KINDS = list(_cypher_string("http://x"))


@pytest.mark.parametrize("kind", CYPHER_STRING_KINDS)
def test_procedures_that_run_a_cypher_string_are_refused(server, hits, listener, kind, tmp_path, monkeypatch):
    store, folders = server
    cypher, name = _cypher_string(listener)[kind]
    _refused(store, folders, hits, cypher, rf"it calls {name.replace('.', '[.]')}, which runs a Cypher string the "
             r"plan cannot check", tmp_path, monkeypatch)


def test_the_plan_check_alone_refuses_them_too(open_neo4j, hits, listener, monkeypatch):
    """With the text check switched off, the EXPLAIN plan's details name the same calls."""
    store, data = open_neo4j
    monkeypatch.setattr(readonly, "text_refusal", lambda query: None)
    before = _counts(store)
    for kind in ("apoc.when", "function", "in-a-comprehension", "graph.fromCypher"):
        cypher, name = _cypher_string(listener)[kind]
        with pytest.raises(errors.NotReadOnly, match=rf"it calls {name.replace('.', '[.]')}, which runs a Cypher"):
            store.read_only(cypher)
    with pytest.raises(errors.NotReadOnly, match=r"it is an administration command \(plan operator ShowSettings\)"):
        store.read_only("SHOW SETTINGS")
    with pytest.raises(errors.NotReadOnly, match=r"it reads files or URLs on the server \(LOAD CSV\)"):
        store.read_only(f"LOAD CSV FROM '{listener}' AS l RETURN l")
    assert _counts(store) == before and hits == []


def test_the_listener_sees_what_an_unguarded_read_fetches(open_neo4j, hits, listener):
    """The test can fail: the same fetch outside the runner does reach the listener."""
    store, _ = open_neo4j
    rows = store.read(f"CALL apoc.when(true, 'LOAD CSV FROM \"{listener}\" AS l RETURN l', '') YIELD value "
                      "RETURN value")
    assert rows and "/secret" in hits


# -- 2. loading and exporting --------------------------------------------------------------------
def _load_export(url: str, tmp: Path) -> dict[str, tuple[str, str]]:
    loads, exports = "loads files or URLs on the server", r"exports data \(and may run a Cypher string\)"
    csv = r"it reads files or URLs on the server \(LOAD CSV\); load records with `chokepoint load` instead"
    return {
        "load-csv-url": (f"LOAD CSV FROM '{url}' AS l RETURN l", csv),
        "load-csv-file": ("LOAD CSV WITH HEADERS FROM 'file:///etc/passwd' AS l RETURN l", csv),
        "load-csv-lower-case": (f"load   csv from '{url}' as l return l", csv),
        "apoc.load.json": (f"CALL apoc.load.json('{url}') YIELD value RETURN value",
                           f"it calls apoc[.]load[.]json, which {loads}"),
        "apoc.load.xml": (f"CALL apoc.load.xml('{url}') YIELD value RETURN value",
                          f"it calls apoc[.]load[.]xml, which {loads}"),
        "apoc.import.csv": (f"CALL apoc.import.csv([{{fileName: '{url}', labels: ['Evil']}}], [], {{}})",
                            f"it calls apoc[.]import[.]csv, which {loads}"),
        "export-stream": (f"CALL apoc.export.csv.query('LOAD CSV FROM \"{url}\" AS l RETURN l', null, "
                          "{stream: true}) YIELD data RETURN data", f"it calls apoc[.]export[.]csv[.]query, which {exports}"),
        "export-file": (f"CALL apoc.export.csv.all('{tmp / PWNED}.csv', {{}})",
                        f"it calls apoc[.]export[.]csv[.]all, which {exports}"),
        "export-json": (f"CALL apoc.export.json.all('{PWNED}.json', {{}})",
                        f"it calls apoc[.]export[.]json[.]all, which {exports}"),
        "log": ("CALL apoc.log.info('x')", "it calls apoc[.]log[.]info, which writes to the server's log"),
    }


@pytest.mark.parametrize("kind", list(_load_export("http://x", Path("/tmp"))))
def test_loading_and_exporting_are_refused(server, hits, listener, kind, tmp_path, monkeypatch):
    store, folders = server
    cypher, message = _load_export(listener, tmp_path)[kind]
    _refused(store, folders + [tmp_path], hits, cypher, message, tmp_path, monkeypatch)


# -- 3. administration ---------------------------------------------------------------------------
ADMIN = {
    "show-transactions": ("SHOW TRANSACTIONS", r"it is an administration command \(SHOW TRANSACTIONS\)"),
    "show-transactions-yield": ("SHOW TRANSACTIONS YIELD currentQuery, parameters RETURN *",
                                r"it is an administration command \(SHOW TRANSACTIONS\)"),
    "terminate": ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
                  r"it is an administration command \(TERMINATE TRANSACTIONS\)"),
    "terminate-after-comment": ("/* hello */ // x\n terminate transactions 'neo4j-transaction-1'",
                                r"it is an administration command \(TERMINATE TRANSACTIONS\)"),
    "show-settings": ("SHOW SETTINGS", r"it is an administration command \(SHOW SETTINGS\)"),
    "show-settings-with-options": ("CYPHER runtime=slotted SHOW SETTINGS YIELD *",
                                   r"it is an administration command \(SHOW SETTINGS\)"),
    "show-users": ("SHOW USERS", r"it is an administration command \(SHOW USERS\)"),
    "show-procedures": ("SHOW PROCEDURES", r"it is an administration command \(SHOW PROCEDURES\)"),
    "list-config": ("CALL dbms.listConfig()", r"it calls dbms[.]listConfig, which is an administration procedure"),
    "kill-connections": ("CALL dbms.killConnections(['bolt-1'])",
                         r"it calls dbms[.]killConnections, which is an administration procedure"),
    "stats-retrieve": ("CALL db.stats.retrieve('GRAPH COUNTS')",
                       r"it calls db[.]stats[.]retrieve, which is an administration procedure \(db[.]stats[.]\*\)"),
    "stats-collect": ("CALL db.stats.collect('QUERIES')", r"it calls db[.]stats[.]collect, which is an administration"),
    "clear-caches": ("CALL db.clearQueryCaches()", r"it calls db[.]clearQueryCaches, which is not on the read-only "
                                                   r"allow-list"),
    "use-system": ("USE system CALL dbms.showCurrentUser()", r"it names a database \(USE\)"),
}


@pytest.mark.parametrize("kind", list(ADMIN))
def test_administration_is_refused_by_statement_type(server, hits, kind, tmp_path, monkeypatch):
    store, folders = server
    cypher, message = ADMIN[kind]
    _refused(store, folders, hits, cypher, message, tmp_path, monkeypatch)


def test_terminate_does_not_reach_a_running_load(sample_store, make_store):
    """Another session's open transaction survives a refused TERMINATE of its id."""
    other = make_store()
    with other.driver.session(database=other.database) as session, session.begin_transaction() as tx:
        tx.run("MATCH (n) RETURN count(n)").consume()
        ids = sample_store.read("SHOW TRANSACTIONS YIELD transactionId, currentQuery "
                                "RETURN collect(transactionId) AS ids")[0]["ids"]
        for tx_id in ids:
            with pytest.raises(NotReadOnly, match=r"administration command \(TERMINATE TRANSACTIONS\)"):
                run_cypher(sample_store, f"TERMINATE TRANSACTIONS '{tx_id}'")
        assert tx.run("RETURN 1 AS one").single()["one"] == 1        # still open
        tx.rollback()


# -- 4. what is allowed still works ----------------------------------------------------------------
def test_allowed_procedures_and_functions_still_work(server, hits):
    store, folders = server
    before = _counts(store)
    found = run_cypher(store, "CALL db.index.fulltext.queryNodes('entity_search', 'ortega') YIELD node "
                              "RETURN node.caption AS name")
    assert found.rows and all("ortega" in row[0].lower() for row in found.rows)
    reached = run_cypher(store, "MATCH (p:Person) WITH p ORDER BY p.id LIMIT 1 "
                                "CALL apoc.path.subgraphNodes(p, {maxLevel: 1}) YIELD node RETURN count(node) AS n")
    assert reached.rows[0][0] >= 1
    values = run_cypher(store, "RETURN apoc.coll.sum([1, 2, 3]) AS s, apoc.text.join(['a', 'b'], '-') AS j, "
                               "date.truncate('month', date('2024-03-05')) AS m, toLower('X') AS t, "
                               "duration.between(date('2024-01-01'), date('2024-03-01')).months AS d")
    assert values.rows == [[6, "a-b", "2024-03-01", "x", 2]]
    labels = run_cypher(store, "CALL db.labels() YIELD label RETURN collect(label) AS labels")
    assert "Person" in labels.rows[0][0]
    assert _counts(store) == before and _written(folders) == [] and hits == []


@pytest.fixture()
def hardened(request, neo4j_settings) -> Settings:
    """A local Neo4j as the launcher starts it: the session's own when it is local, else the spare one."""
    if neo4j_settings.origin.startswith("local"):
        return neo4j_settings
    spare = request.getfixturevalue("spare_neo4j")
    return Settings(spare.uri, spare.user, spare.password)


def test_the_hardened_server_loads_exactly_the_allow_listed_apoc(hardened):
    """The launcher's allowlist: the APOC names the runner allows, and nothing else of APOC."""
    store = Store.connect(hardened)
    try:
        procs = {r["name"] for r in store.read("SHOW PROCEDURES YIELD name RETURN name")}
        funcs = {r["name"] for r in store.read("SHOW FUNCTIONS YIELD name RETURN name")}
        assert {n for n in procs | funcs if n.startswith("apoc.")} == set(readonly.SERVER_ALLOWLIST)
        assert readonly.PROCEDURES <= procs and readonly.FUNCTIONS <= funcs
        settings = {r["name"]: r["value"] for r in store.read(
            "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value",
            names=["db.transaction.timeout", "db.memory.transaction.max",
                   "dbms.security.allow_csv_import_from_file_urls", "dbms.security.procedures.allowlist"])}
        assert settings["db.transaction.timeout"] == "15m"
        assert settings["dbms.security.allow_csv_import_from_file_urls"] == "false"
        assert settings["db.memory.transaction.max"] not in ("0B", "0", "")
        assert settings["dbms.security.procedures.allowlist"].split(",") == list(readonly.SERVER_ALLOWLIST)
        # the server refuses on its own what the runner would have refused first
        with pytest.raises(errors.ChokepointError, match=r"(?i)file"):
            store.read("LOAD CSV FROM 'file:///etc/hostname' AS l RETURN l")
        with pytest.raises(errors.ChokepointError, match=r"apoc\.cypher\.run"):
            store.read("CALL apoc.cypher.run('RETURN 1', {}) YIELD value RETURN value")
        # a runaway that holds too much memory is stopped by the server, with no client timeout
        with pytest.raises(errors.ChokepointError, match=r"(?i)memory"):
            store.read("UNWIND range(1, 40000000) AS x WITH collect(x) AS xs RETURN size(xs) AS n")
    finally:
        store.close()


# -- 5. the size cap -------------------------------------------------------------------------------
BIG_ROW = "RETURN [x IN range(1, 2000000) | 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'] AS big"


def test_a_huge_row_is_capped_in_bytes_and_said_so(server, hits):
    store, folders = server
    before = _counts(store)
    result = run_cypher(store, BIG_ROW)
    assert result.rows == [] and result.capped and result.byte_cap == MAX_RESULT_BYTES
    assert result.note == ("showing 0 rows: the result was capped at 16 MiB (return fewer or smaller values to "
                           "see more)")
    assert len(json.dumps(result.as_dict())) < 10_000
    many = run_cypher(store, "UNWIND range(1, 1000) AS i RETURN i, [x IN range(1, 2000) | 'abcdefghij'] AS xs")
    assert 0 < len(many.rows) < 1000 and many.capped and many.byte_cap == MAX_RESULT_BYTES
    assert len(json.dumps(many.rows)) <= MAX_RESULT_BYTES
    assert [row[0] for row in many.rows] == list(range(1, len(many.rows) + 1))
    small = store.read_only("UNWIND range(1, 10) AS i RETURN i, 'x' AS s", max_bytes=100)
    assert 0 < len(small.rows) < 10 and small.byte_cap == 100
    assert _counts(store) == before and hits == []


# 2M strings of 66 characters: 136 MB on the wire in one record, about 500 MB once the driver decodes it
HUGE_ROW = ("RETURN [x IN range(1, 2000000) | "
            "'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn'] AS big")
# runs a command and prints its peak resident memory (KiB) on stderr
_PEAK = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(p.returncode)")


def test_a_huge_row_is_cut_off_by_its_bytes_before_the_driver_decodes_it(neo4j_env):
    """graph/record_cap.py: the CLI never holds the row (decoding it took 556 MiB), and says it was capped."""
    done = subprocess.run([sys.executable, "-c", _PEAK, sys.executable, "-m", "chokepoint.cli", "cypher", HUGE_ROW,
                           "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    peak_mib = int(done.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mib < 250, f"the CLI peaked at {peak_mib:.0f} MiB"
    result = json.loads(done.stdout)
    assert result["rows"] == [] and result["capped"] and result["byte_cap"] == MAX_RESULT_BYTES
    assert "the result was capped at 16 MiB" in result["note"]


def test_a_record_over_the_cap_closes_only_its_connection(sample_store):
    """Cut off mid-record, the connection is closed; the store's next queries run as before."""
    before = _counts(sample_store)
    big = sample_store.read_only("RETURN [x IN range(1, 100000) | 'abcdefghij'] AS big", max_bytes=100_000)
    assert (big.rows, big.capped, big.byte_cap) == ([], True, 100_000)
    fits = sample_store.read_only("UNWIND range(1, 3) AS i RETURN i, [x IN range(1, 1000) | 'abcdefghij'] AS xs",
                                  max_bytes=100_000)
    assert [row[0] for row in fits.rows] == [1, 2, 3] and not fits.capped
    assert sample_store.read("RETURN 1 AS one") == [{"one": 1}] and _counts(sample_store) == before


# -- the front ends use the same guard, and refusals are audited -----------------------------------
def _audit(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_cli_cypher_refuses_and_audits_refused(sample_store, neo4j_env, hits, listener, tmp_path, monkeypatch):
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("CHOKEPOINT_AUDIT_LOG", str(log))
    before = _counts(sample_store)
    for cypher, message in [
            (_cypher_string(listener)["apoc.when"][0], "it calls apoc.when, which runs a Cypher string"),
            (ADMIN["terminate"][0], "it is an administration command (TERMINATE TRANSACTIONS)"),
            (_load_export(listener, tmp_path)["export-stream"][0], "it calls apoc.export.csv.query, which exports")]:
        result = runner.invoke(app, ["cypher", cypher])
        assert result.exit_code == 1 and isinstance(result.exception, NotReadOnly)
        assert str(result.exception).startswith(f"cypher: {message}")
    result = runner.invoke(app, ["cypher", BIG_ROW, "--format", "json"])
    assert result.exit_code == 0 and len(result.stdout) < 10_000
    assert json.loads(result.stdout)["byte_cap"] == MAX_RESULT_BYTES and "capped at 16 MiB" in result.stdout
    assert [(e["action"], e["outcome"]) for e in _audit(log)] == [("cypher", "refused")] * 3 + [("cypher", "ok")]
    assert _counts(sample_store) == before and hits == []


def test_the_apps_ad_hoc_box_path_refuses_and_audits_refused(sample_store, hits, listener, tmp_path, monkeypatch):
    """The Queries tab's callback calls cases.saved_queries.run_cypher: the same guard."""
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("CHOKEPOINT_AUDIT_LOG", str(log))
    before = _counts(sample_store)
    with pytest.raises(app_path.NotReadOnly, match=r"^cypher: it calls apoc\.case, which runs a Cypher string"):
        app_path.run_cypher(sample_store, _cypher_string(listener)["apoc.case"][0])
    with pytest.raises(app_path.NotReadOnly, match=r"^cypher: it is an administration command \(SHOW SETTINGS\)"):
        app_path.run_cypher(sample_store, "SHOW SETTINGS")
    folder = tmp_path / "queries"
    folder.mkdir()
    (folder / "sneaky.cypher").write_text("// name: sneaky\n// title: Sneaky\n"
                                          + _load_export(listener, tmp_path)["apoc.load.json"][0] + "\n")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(folder))
    with pytest.raises(app_path.NotReadOnly, match=r"^query sneaky: it calls apoc\.load\.json, which loads"):
        app_path.run_saved(sample_store, "sneaky")
    assert [e["outcome"] for e in _audit(log)] == ["refused"] * 3
    assert _counts(sample_store) == before and hits == []


def test_errors_carry_no_server_paths(open_neo4j, monkeypatch):
    """A server error that names a file shows neither the path nor the URL."""
    store, data = open_neo4j
    monkeypatch.setattr(graph_store, "_refusal", lambda tx, query, params: None)   # let it reach the server
    with pytest.raises(errors.ChokepointError) as caught:
        store.read_only("LOAD CSV FROM 'file:///no/such/dir/x.csv' AS l RETURN l")
    message = str(caught.value)
    assert "\n" not in message and "/no/such" not in message and str(data) not in message
    assert "file:" not in message and "<" in message, message


def test_docs_name_every_allowed_procedure_function_and_operator():
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    section = text[text.index("## Read-only queries"):text.index("## Hostile files")]
    missing = [name for name in sorted(readonly.PROCEDURES | readonly.FUNCTIONS | readonly.READ_OPERATORS)
               if f"`{name}`" not in section]
    assert missing == []
