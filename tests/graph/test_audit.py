"""The audit log: every query run from the CLI or the app leaves exactly one JSON line saying who ran
what, with which parameters, how many rows, how long and how it ended (graph/audit.py, app/audit.py).

The CLI and app tests run against the real Neo4j with the sample case; the app's callbacks are called
through the app's own HTTP endpoint (Flask's test client), as the browser calls them.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app as cli
from chokepoint.graph import audit
from chokepoint.queries import saved
from tests_support import append_audit_lines

runner = CliRunner()
FIELDS = ["time", "user", "source", "client", "action", "query", "params", "rows", "duration_ms", "outcome", "error",
          "also"]


class Log:
    """The audit log of one test (``$CHOKEPOINT_AUDIT_LOG`` in ``tmp_path``): lines written since ``mark``."""

    def __init__(self, path: Path):
        self.path, self.seen = path, 0

    def lines(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]

    def mark(self) -> None:
        self.seen = len(self.lines())

    def new(self) -> list[dict]:
        return self.lines()[self.seen:]

    def one(self) -> dict:
        """The one line written since ``mark`` (fails on none or several), checked for the format."""
        new = self.new()
        assert len(new) == 1, new
        line = new[0]
        assert list(line) == FIELDS
        assert line["time"].endswith("Z") and line["duration_ms"] >= 0
        self.mark()
        return line


@pytest.fixture()
def log(tmp_path, monkeypatch) -> Log:
    path = tmp_path / "logs" / "audit.jsonl"
    monkeypatch.setenv(audit.ENV, str(path))
    monkeypatch.setenv(audit.USER_ENV, "analyst-7")
    return Log(path)


# -- the module ----------------------------------------------------------------------------------
def test_a_hook_writes_one_line_with_json_safe_params_and_nested_hooks_write_nothing(log):
    import datetime as dt

    with audit.audited("saved-query", "q", {"day": dt.date(2024, 3, 1), "roles": ("a", "b")}) as entry:
        with audit.audited("search", "inner", {}) as inner:  # part of the outer query
            inner.rows = 5
        entry.rows = 3
    line = log.one()
    assert line["source"] == "api" and line["user"] == "analyst-7" and line["client"] is None
    assert (line["action"], line["query"], line["rows"], line["outcome"], line["error"], line["also"]) == \
        ("saved-query", "q", 3, "ok", None, [])
    assert line["params"] == {"day": "2024-03-01", "roles": ["a", "b"]}


def test_errors_are_recorded_and_re_raised_unchanged(log):
    from chokepoint.graph.errors import NotReadOnly, QueryTimeout

    for exc, outcome in ((NotReadOnly("it writes"), "refused"), (QueryTimeout("too slow"), "timeout"),
                         (KeyError("x"), "error")):
        with pytest.raises(type(exc)) as caught:
            with audit.audited("cypher", "RETURN 1", {}):
                raise exc
        assert caught.value is exc
        line = log.one()
        assert line["outcome"] == outcome and line["rows"] is None
        assert line["error"] == {"type": type(exc).__name__, "message": str(exc)}


def test_an_action_is_one_line_led_by_its_query_not_by_the_lookups_before_it(log):
    with audit.action("cli", user="someone"):
        with audit.audited("lookup", "ortega", {}, lookup=True) as e:
            e.rows = 1
        with audit.audited("path", "k-shortest", {"k": 2}) as e:
            e.rows = 2
        with pytest.raises(ValueError):
            with audit.audited("what-if", "what-if", {}):
                raise ValueError("bad removal")
    line = log.one()
    assert (line["source"], line["user"], line["action"], line["query"], line["rows"]) == \
        ("cli", "someone", "path", "k-shortest", 2)
    assert line["outcome"] == "error" and line["error"]["message"] == "bad removal"  # a later step failed
    assert [(a["action"], a["outcome"]) for a in line["also"]] == [("lookup", "ok"), ("what-if", "error")]
    with audit.action("cli", user="someone"):  # no query ran: no line
        pass
    assert log.new() == []


def test_a_log_that_cannot_be_written_never_hides_the_result_or_the_error_and_warns_once(tmp_path, monkeypatch,
                                                                                       capsys):
    monkeypatch.setenv(audit.ENV, str(tmp_path))  # a folder: cannot be opened for appending
    with audit.audited("search", "x", {}) as entry:
        entry.rows = 0
    with pytest.raises(ZeroDivisionError):
        with audit.audited("search", "y", {}):
            1 / 0
    err = capsys.readouterr().err
    assert err.count("warning: cannot append to the audit log") == 1 and audit.ENV in err


def test_the_default_log_is_under_the_state_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(audit.ENV)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert audit.log_path() == tmp_path / "chokepoint" / "audit.jsonl"


def test_concurrent_threads_never_interleave_lines(log):
    threads, each = 16, 100
    big = "x" * 20_000  # far beyond one buffer: a line must still be one write

    def work(t: int) -> None:
        for i in range(each):
            with audit.audited("search", f"{t}-{i}", {"pad": big if i % 10 == 0 else ""}) as entry:
                entry.rows = i

    started = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    lines = log.lines()  # every line parses
    assert len(lines) == threads * each
    assert sorted(line["query"] for line in lines) == sorted(f"{t}-{i}" for t in range(threads) for i in range(each))
    assert log.path.stat().st_mode & 0o777 == 0o600


def test_concurrent_processes_never_interleave_lines(log):
    procs = [multiprocessing.get_context("spawn").Process(target=append_audit_lines, args=(str(log.path), 25))
             for _ in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    assert len(log.lines()) == 75


# -- the CLI -------------------------------------------------------------------------------------
def test_cli_query_run_leaves_one_line(sample_store, neo4j_env, log):
    log.mark()
    result = runner.invoke(cli, ["query", "run", "couriers-at-port", "-p", "port=2604", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["row_count"]
    line = log.one()
    assert (line["source"], line["user"], line["client"]) == ("cli", "analyst-7", None)
    assert (line["action"], line["query"], line["rows"], line["outcome"]) == ("saved-query", "couriers-at-port", rows,
                                                                             "ok")
    assert line["params"] == {"port": "2604", "start": None, "end": None, "dataset": None}


def test_cli_cypher_leaves_one_line_and_a_refused_write_is_recorded_as_refused(sample_store, neo4j_env, log):
    log.mark()
    text = "MATCH (p:Person) WHERE p.caption STARTS WITH $prefix RETURN p.caption AS name"
    result = runner.invoke(cli, ["cypher", text, "-p", "prefix=L", "--format", "json"])
    assert result.exit_code == 0, result.output
    line = log.one()
    assert (line["action"], line["query"], line["params"], line["outcome"]) == ("cypher", text, {"prefix": "L"}, "ok")
    assert line["rows"] == json.loads(result.stdout)["row_count"] > 0

    before = sample_store.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    result = runner.invoke(cli, ["cypher", "CREATE (n:X {name: $name}) RETURN n", "-p", "name=evil"])
    assert result.exit_code != 0
    line = log.one()
    assert (line["source"], line["action"], line["outcome"], line["rows"]) == ("cli", "cypher", "refused", None)
    assert line["query"] == "CREATE (n:X {name: $name}) RETURN n" and line["params"] == {"name": "evil"}
    assert line["error"]["type"] == "NotReadOnly" and "may only read" in line["error"]["message"]
    assert sample_store.read("MATCH (n) RETURN count(n) AS n")[0]["n"] == before


def test_cli_path_leaves_one_line_with_the_name_lookups_under_also(sample_store, neo4j_env, log):
    log.mark()
    result = runner.invoke(cli, ["path", "Hubei Jinlong Chemical Co.", "Luis Ortega", "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    line = log.one()
    assert (line["source"], line["action"], line["query"], line["rows"], line["outcome"]) == \
        ("cli", "path", "k-shortest", len(found), "ok")
    assert line["params"]["source"] == found[0]["nodes"][0]["id"] and line["params"]["k"] == 2
    assert line["params"]["target"] == found[0]["nodes"][-1]["id"]
    assert [(a["action"], a["query"]) for a in line["also"]] == [("lookup", "Hubei Jinlong Chemical Co."),
                                                                 ("lookup", "Luis Ortega")]


def test_cli_centrality_leaves_one_line_with_its_scope(sample_store, neo4j_env, log):
    log.mark()
    result = runner.invoke(cli, ["centrality", "--metric", "pagerank", "--top", "4", "--label", "Person",
                                 "--dataset", "sample", "--json"])
    assert result.exit_code == 0, result.output
    ranking = json.loads(result.stdout)
    line = log.one()
    assert (line["source"], line["action"], line["query"], line["rows"], line["outcome"]) == \
        ("cli", "centrality", "pagerank", 4, "ok")
    graph = line["params"]["graph"]
    assert graph["nodes"] == ranking["nodes"] and graph["scope"]["labels"] == ["Person"]
    assert graph["scope"]["dataset"] == "sample" and line["params"]["top"] == 4
    assert [(a["action"], a["query"]) for a in line["also"]] == [("projection", "scope")]


def test_cli_commands_that_run_no_query_leave_no_line(neo4j_env, log):
    log.mark()
    assert runner.invoke(cli, ["query", "list"]).exit_code == 0
    assert log.new() == []


# -- the app -------------------------------------------------------------------------------------
class Callbacks:
    """Call the app's callbacks through its HTTP endpoint, as the browser does (cf. bench/explorer.py)."""

    def __init__(self, dash_app, headers: dict | None = None):
        self.app, self.headers = dash_app, headers or {}
        self.client = dash_app.server.test_client()
        assert self.client.get("/", headers=self.headers).status_code == 200

    def call(self, input_id: str, prop: str, value, states: dict | None = None):
        key, cb = next((k, cb) for k, cb in self.app.callback_map.items()
                       if any(i["id"] == input_id and i["property"] == prop for i in cb["inputs"]))
        outputs = [{"id": o.split(".")[0], "property": o.split(".", 1)[1]} for o in key.strip(".").split("...")]
        states = states or {}
        payload = {
            "output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": [{"id": i["id"], "property": i["property"],
                        "value": value if (i["id"], i["property"]) == (input_id, prop) else None}
                       for i in cb["inputs"]],
            "changedPropIds": [f"{input_id}.{prop}"],
            "state": [[] if s["id"].startswith("{") else  # pattern-matching (ALL) states: no such inputs
                      {"id": s["id"], "property": s["property"],
                       "value": states.get((s["id"], s["property"]), states.get(s["id"]))} for s in cb["state"]],
        }
        r = self.client.post("/_dash-update-component", json=payload, headers=self.headers)
        assert r.status_code in (200, 204), r.data[:500]
        return r.get_json() if r.status_code == 200 else {}


@pytest.fixture()
def callbacks(sample_store):
    """The app over the sample case with basic auth: user ``ana`` signed in."""
    import base64

    from chokepoint.app.auth import AuthConfig, hash_password
    from chokepoint.app.main import create_app

    config = AuthConfig(users={"ana": hash_password("s3cret", n=2**10)}, source="test")
    token = base64.b64encode(b"ana:s3cret").decode()
    return Callbacks(create_app(sample_store, config), {"Authorization": f"Basic {token}"})


def test_app_saved_query_and_ad_hoc_cypher_leave_one_line_each_with_the_signed_in_user(sample_store, callbacks,
                                                                                     log):
    expected = saved.run(sample_store, "couriers-at-port")
    log.mark()
    out = callbacks.call("queries-run", "n_clicks", 1, {"queries-list": "couriers-at-port", "queries-limit": 1000,
                                                        "queries-timeout": 30})
    assert out["response"]["queries-note"]["children"].startswith(expected.note)
    line = log.one()
    assert (line["source"], line["user"], line["client"]) == ("app", "ana", "127.0.0.1")
    assert (line["action"], line["query"], line["rows"], line["outcome"]) == \
        ("saved-query", "couriers-at-port", len(expected.rows), "ok")
    assert line["params"] == {"port": "2504", "start": None, "end": None, "dataset": None}

    callbacks.call("queries-adhoc-run", "n_clicks", 1, {"queries-cypher": "MATCH (n:Person) RETURN count(n) AS n"})
    line = log.one()
    assert (line["source"], line["user"], line["action"], line["query"], line["rows"], line["outcome"]) == \
        ("app", "ana", "cypher", "MATCH (n:Person) RETURN count(n) AS n", 1, "ok")

    out = callbacks.call("queries-adhoc-run", "n_clicks", 2, {"queries-cypher": "MATCH (n) DETACH DELETE n"})
    assert "may only read" in out["response"]["banner"]["children"]  # the user sees the refusal...
    line = log.one()                                                  # ...and the log records it
    assert (line["action"], line["outcome"], line["error"]["type"]) == ("cypher", "refused", "NotReadOnly")


def test_app_search_and_expand_leave_one_line_each(callbacks, log):
    log.mark()
    out = callbacks.call("search", "search_value", "ortega", {"search": []})
    options = out["response"]["search"]["options"]
    line = log.one()
    assert (line["source"], line["user"], line["action"], line["query"], line["outcome"]) == \
        ("app", "ana", "search", "ortega", "ok")
    assert line["rows"] == len(options) > 0 and line["params"] == {"limit": 20}

    entity = options[0]["value"]
    callbacks.call("expand", "n_clicks", 1, {"selected": entity})
    line = log.one()
    assert (line["action"], line["query"], line["outcome"]) == ("neighbourhood", entity, "ok")
    assert line["rows"] >= 1 and line["params"]["limit"] >= 1


def test_app_analytics_run_leaves_one_line(callbacks, log):
    log.mark()
    callbacks.call("analytics-run", "n_clicks", 1, {"analytics-measure": "degree", "analytics-top": 5,
                                                   "analytics-where": "graph", "analytics-dataset": "sample"})
    line = log.one()
    assert (line["source"], line["user"], line["action"], line["query"], line["rows"], line["outcome"]) == \
        ("app", "ana", "centrality", "degree", 5, "ok")
    assert line["params"]["graph"]["scope"]["dataset"] == "sample"
    assert [a["action"] for a in line["also"]] == ["projection"]


def test_app_requests_that_run_no_query_or_are_refused_leave_no_line(callbacks, log):
    log.mark()
    assert callbacks.client.get("/").status_code == 401  # no credentials: refused before any callback
    assert callbacks.client.get("/_dash-layout", headers=callbacks.headers).status_code == 200
    assert log.new() == []


# -- exports -------------------------------------------------------------------------------------
def test_a_cli_export_to_a_file_is_its_own_line_after_the_query(sample_store, neo4j_env, log, tmp_path):
    out = tmp_path / "couriers.csv"
    log.mark()
    result = runner.invoke(cli, ["query", "run", "couriers-at-port", "-p", "port=2604", "--format", "csv",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = len(out.read_text(encoding="utf-8").splitlines()) - 1
    query, export = log.new()
    assert (query["action"], query["query"], query["rows"]) == ("saved-query", "couriers-at-port", rows)
    assert (export["source"], export["user"], export["action"], export["query"], export["rows"],
            export["outcome"]) == ("cli", "analyst-7", "export", "couriers-at-port", rows, "ok")
    assert export["params"] == {"format": "csv", "destination": str(out), "raw": False,
                                "params": {"port": "2604", "start": None, "end": None, "dataset": None}}
    log.mark()
    statement = "MATCH (p:PortOfEntry) RETURN p.code AS code"
    result = runner.invoke(cli, ["cypher", statement, "-f", "json", "-o", str(tmp_path / "ports.json")])
    assert result.exit_code == 0, result.output
    assert [(line["action"], line["query"]) for line in log.new()] == [("cypher", statement), ("export", statement)]
    assert log.new()[1]["params"]["destination"] == str(tmp_path / "ports.json")


def test_app_downloads_are_audited_with_what_was_exported(sample_store, callbacks, log):
    out = callbacks.call("queries-run", "n_clicks", 1, {"queries-list": "couriers-at-port", "queries-limit": 1000,
                                                        "queries-timeout": 30})
    last = out["response"]["queries-last"]["data"]
    log.mark()
    got = callbacks.call("queries-csv", "n_clicks", 1, {"queries-last": last})
    assert got["response"]["queries-csv-download"]["data"]["content"] == last["csv"]
    line = log.one()
    assert (line["source"], line["user"], line["action"], line["query"], line["rows"], line["outcome"]) == \
        ("app", "ana", "export", "couriers-at-port", last["rows"], "ok")
    assert line["params"]["format"] == "csv" and line["params"]["destination"] == f"download {last['filename']}"
    assert line["params"]["params"] == {"port": "2504", "start": None, "end": None, "dataset": None}

    elements = [{"data": {"id": "a", "label": "A", "kind": "Person"}}, {"data": {"id": "b", "label": "B"}},
                {"data": {"id": "r", "source": "a", "target": "b", "type": "CALLED"}}]
    got = callbacks.call("queries-export", "n_clicks", 1, {"queries-export-format": "graphml", "cy": elements,
                                                           "queries-steps": [], "url": "http://h/?entity=a"})
    assert got["response"]["queries-export-download"]["data"]["filename"].endswith(".graphml")
    line = log.one()
    assert (line["action"], line["query"], line["rows"]) == ("export", "view entity=a", 3)
    assert (line["params"]["format"], line["params"]["nodes"], line["params"]["links"]) == ("graphml", 2, 1)
    assert len(line["params"]["sha256"]) == 64

    rows = [{"port": "=1+1", "n": 2}, {"port": "b", "n": -3}]
    got = callbacks.call("metrics-seizures-export", "n_clicks", 1, {
        ("metrics-seizures-table", "virtualRowData"): rows[::-1], ("metrics-seizures-table", "rowData"): rows,
        ("metrics-seizures-table", "columnDefs"): [{"field": "port"}, {"field": "n"}], "metrics-dataset": "sample"})
    assert got["response"]["metrics-seizures-download"]["data"]["content"] == "port,n\nb,-3\n'=1+1,2\n"  # as sorted
    line = log.one()
    assert (line["action"], line["query"], line["rows"], line["params"]["params"]) == \
        ("export", "metrics seizures", 2, {"dataset": "sample"})


# -- a required audit ----------------------------------------------------------------------------
def test_a_required_audit_refuses_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setenv(audit.ENV, str(tmp_path))  # a folder: cannot be appended to
    monkeypatch.setenv(audit.REQUIRED_ENV, "1")
    ran = []
    with pytest.raises(audit.AuditUnavailable) as refused:
        with audit.audited("search", "x", {}):
            ran.append(1)
    assert ran == [] and "\n" not in str(refused.value)
    assert str(refused.value).startswith(f"refused: the audit log {tmp_path} ({audit.ENV}) cannot be written")
    with pytest.raises(audit.AuditUnavailable):
        with audit.action("cli"):
            with audit.audited("search", "x", {}):
                ran.append(2)
    with pytest.raises(audit.AuditUnavailable):
        with audit.exported("q", {}, "csv", "stdout"):
            ran.append(3)
    assert ran == []
    monkeypatch.setenv(audit.REQUIRED_ENV, "yes please")
    with pytest.raises(audit.errors.ConfigError, match="CHOKEPOINT_AUDIT_REQUIRED"):
        audit.required()


def test_cli_with_a_required_audit_refuses_queries_and_exports_in_one_line(sample_store, neo4j_env, tmp_path,
                                                                           monkeypatch):
    import subprocess
    import sys

    monkeypatch.setenv(audit.ENV, str(tmp_path))
    monkeypatch.setenv(audit.REQUIRED_ENV, "1")
    out = tmp_path / "x.csv"
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "cypher", "MATCH (p:Person) RETURN p.caption",
                           "-f", "csv", "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == "" and not out.exists()
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: refused: the audit log")
    monkeypatch.setenv(audit.REQUIRED_ENV, "0")  # off: the query runs, unaudited, with a warning
    result = runner.invoke(cli, ["cypher", "RETURN 1 AS n", "-f", "csv"])
    assert result.exit_code == 0 and result.stdout == "n\n1\n"
    assert "warning: cannot append to the audit log" in result.stderr


def test_the_app_requires_the_audit_when_authentication_is_on(sample_store, callbacks, tmp_path, monkeypatch):
    from chokepoint.app.auth import AuthConfig
    from chokepoint.app.main import create_app

    monkeypatch.setenv(audit.ENV, str(tmp_path))
    run = {"queries-cypher": "MATCH (n:Person) RETURN count(n) AS n"}
    out = callbacks.call("queries-adhoc-run", "n_clicks", 1, run)
    assert out["response"]["banner"]["children"].startswith("refused: the audit log")
    assert "queries-last" not in out["response"] or out["response"]["queries-last"]["data"] is None
    got = callbacks.call("queries-csv", "n_clicks", 1, {"queries-last": {"csv": "n\n1\n", "filename": "f.csv",
                                                                         "query": "q", "rows": 1}})
    assert "queries-csv-download" not in got["response"]
    assert got["response"]["banner"]["children"].startswith("refused: the audit log")

    monkeypatch.setenv(audit.REQUIRED_ENV, "0")  # the operator's choice wins
    out = callbacks.call("queries-adhoc-run", "n_clicks", 2, run)
    assert out["response"]["queries-note"]["children"].startswith("1 row")
    monkeypatch.delenv(audit.REQUIRED_ENV)
    open_app = Callbacks(create_app(sample_store, AuthConfig()))  # no authentication: fails open
    out = open_app.call("queries-adhoc-run", "n_clicks", 1, run)
    assert out["response"]["queries-note"]["children"].startswith("1 row")


# -- what a line may hold ------------------------------------------------------------------------
def test_line_separators_and_controls_are_escaped_so_every_line_is_one_line(log, monkeypatch):
    name = "ana\u2028x\u2029y\u0085z\u202e\x7f"
    monkeypatch.setenv(audit.USER_ENV, name)
    with audit.audited("search", "LOPEZ\u2028\u0085\r\n", {"q": "\u2029"}):
        pass
    raw = log.path.read_bytes().decode("utf-8")
    assert raw.count("\n") == 1 and len(raw.splitlines()) == 1  # str.splitlines splits at U+2028 and U+0085 too
    assert not any(c in raw for c in "\u2028\u2029\u0085\u202e\x7f\r")
    line = log.one()
    assert (line["user"], line["query"], line["params"]) == (name, "LOPEZ\u2028\u0085\r\n", {"q": "\u2029"})


def test_a_user_name_from_the_proxy_header_is_validated_before_use(sample_store, log):
    from chokepoint.app.auth import AuthConfig
    from chokepoint.app.main import create_app

    dash_app = create_app(sample_store, AuthConfig(header="X-Remote-User", proxies=("127.0.0.1",)))
    client = dash_app.server.test_client()
    for bad in ("ana\x85x", "a b", "x" * 129, "<script>", 'ana"x'):
        r = client.get("/_dash-layout", headers={"X-Remote-User": bad})
        assert r.status_code == 400 and b"not acceptable" in r.data, bad
    ok = Callbacks(dash_app, {"X-Remote-User": "ana.lopez@dea.example"})
    log.mark()
    ok.call("search", "search_value", "ortega", {"search": []})
    assert log.one()["user"] == "ana.lopez@dea.example"
