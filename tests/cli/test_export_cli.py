"""``chokepoint export`` on the sample case in the real Neo4j: each format read back by its own reader
(networkx for GraphML and GEXF, xml for ANX, followthemoney for FtM), the counts equal to the scope's
counts taken straight from Neo4j, the file private and the export audited."""

from __future__ import annotations

import json
import re
import stat

import networkx as nx
import pytest
from typer.testing import CliRunner

from chokepoint.cases import anx
from chokepoint.cases.graph_files import read_csv
from chokepoint.cli.main import app
from chokepoint.graph import audit
from format_checks import check_anx, check_ftm

runner = CliRunner()

LABELS = ["Person", "Phone"]
_NODES = "MATCH (n:Entity {dataset: 'sample'}) WHERE $labels IS NULL OR any(l IN labels(n) WHERE l IN $labels) " \
         "RETURN count(n) AS n"
_LINKS = ("MATCH (a:Entity {dataset: 'sample'})-[r]->(b:Entity {dataset: 'sample'}) WHERE $labels IS NULL OR "
          "(any(l IN labels(a) WHERE l IN $labels) AND any(l IN labels(b) WHERE l IN $labels)) RETURN count(r) AS n")


@pytest.fixture()
def log(tmp_path, monkeypatch):
    path = tmp_path / "logs" / "audit.jsonl"
    monkeypatch.setenv(audit.ENV, str(path))
    monkeypatch.setenv(audit.USER_ENV, "analyst-7")
    return path


def counts(store, labels=None):
    return store.read(_NODES, labels=labels)[0]["n"], store.read(_LINKS, labels=labels)[0]["n"]


def exported(tmp_path, fmt, *scope, name=None):
    out = tmp_path / (name or f"case.{fmt}")
    result = runner.invoke(app, ["export", "--dataset", "sample", *scope, "--format", fmt, "--out", str(out),
                                 "--json"])
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def private(path):
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def export_lines(log):
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
            if json.loads(line)["action"] == "export"]


@pytest.mark.parametrize("scope,labels", [([], None), (["--label", "Person", "--label", "Phone"], LABELS)])
def test_graphml_holds_the_scope_and_its_stamp_and_is_audited(sample_store, neo4j_env, log, tmp_path, scope, labels):
    nodes, links = counts(sample_store, labels)
    assert nodes and links
    out, done = exported(tmp_path, "graphml", *scope)
    g = nx.read_graphml(out, force_multigraph=True)
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, links) == (done["nodes"], done["links"])
    assert private(out)
    assert g.graph["stamp_query"].startswith("scope dataset=sample")
    assert json.loads(g.graph["stamp_params"])["labels"] == labels
    assert re.fullmatch(r"[0-9a-f]{64}", g.graph["stamp_sha256"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", g.graph["stamp_exported_at"])
    assert {d["kind"] for _, d in g.nodes(data=True)} <= set(labels or {d["kind"] for _, d in g.nodes(data=True)})
    line = export_lines(log)[-1]
    assert (line["user"], line["source"], line["query"], line["rows"], line["outcome"]) == \
        ("analyst-7", "cli", g.graph["stamp_query"], nodes + links, "ok")
    assert line["params"]["format"] == "graphml" and line["params"]["destination"] == str(out)
    assert line["params"]["sha256"] == g.graph["stamp_sha256"]
    assert line["params"]["params"]["dataset"] == "sample"


def test_the_data_hash_depends_on_the_content_not_on_the_time(sample_store, neo4j_env, log, tmp_path):
    _, first = exported(tmp_path, "json", name="a.json")
    _, again = exported(tmp_path, "json", name="b.json")
    _, fewer = exported(tmp_path, "json", "--label", "Person", name="c.json")
    assert first["stamp"]["sha256"] == again["stamp"]["sha256"] != fewer["stamp"]["sha256"]


def test_gexf_is_read_by_networkx_with_the_stamp_in_meta(sample_store, neo4j_env, log, tmp_path):
    nodes, links = counts(sample_store)
    out, done = exported(tmp_path, "gexf")
    g = nx.read_gexf(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, links)
    import xml.etree.ElementTree as ET

    meta = ET.parse(out).getroot().find("{http://www.gexf.net/1.2draft}meta")
    stamp = json.loads(meta.find("{http://www.gexf.net/1.2draft}description").text)
    assert stamp["sha256"] == done["stamp"]["sha256"] and stamp["params"]["dataset"] == "sample"
    assert private(out)


def test_json_and_csv_hold_the_scope_with_the_stamp(sample_store, neo4j_env, log, tmp_path):
    nodes, links = counts(sample_store)
    out, done = exported(tmp_path, "json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["links"])) == (nodes, links)
    assert all("search_text" not in n and n["sources"] for n in data["nodes"])  # provenance, not the index's text
    assert data["stamp"]["sha256"] == done["stamp"]["sha256"]
    out, done = exported(tmp_path, "csv")
    links_file = tmp_path / "case-links.csv"
    assert done["files"] == [str(out), str(links_file)] and private(out) and private(links_file)
    stamp, rows = read_csv(out.read_text(encoding="utf-8"))
    assert len(rows) == nodes and stamp["sha256"] == done["stamp"]["sha256"]
    stamp, rows = read_csv(links_file.read_text(encoding="utf-8"))
    assert len(rows) == links and {"id", "source", "target", "type", "sources"} <= set(rows[0])
    line = export_lines(log)[-1]
    assert line["params"]["format"] == "csv" and line["params"]["links_file"] == str(links_file)


def test_a_bad_format_or_an_empty_scope_writes_nothing(sample_store, neo4j_env, log, tmp_path):
    out = tmp_path / "x.out"
    result = runner.invoke(app, ["export", "--dataset", "sample", "--format", "pdf", "--out", str(out)])
    assert result.exit_code != 0 and not out.exists()
    result = runner.invoke(app, ["export", "--dataset", "no-such-dataset", "--format", "json", "--out", str(out)])
    assert result.exit_code != 0 and not out.exists()


def test_anx_is_a_chart_of_the_scope(sample_store, neo4j_env, log, tmp_path):
    nodes, links = counts(sample_store)
    out, done = exported(tmp_path, "anx")
    chart = check_anx(out.read_text(encoding="utf-8"))
    assert (chart["entities"], chart["links"]) == (nodes, links) and private(out)
    assert anx.DEFAULT_ICON not in chart["icons"]
    dated = sample_store.read("MATCH (a:Entity {dataset: 'sample'})-[r]->(b:Entity {dataset: 'sample'}) "
                              "WHERE r.date IS NOT NULL RETURN count(r) AS n")[0]["n"]
    assert dated and sum(i.get("DateSet") == "true" for i in chart["root"].iter("ChartItem")) == dated
    assert chart["summary"]["chokepoint_sha256"] == done["stamp"]["sha256"]
    assert any(a.get("AttributeClass") == "sources" for a in chart["root"].iter("Attribute"))
    assert export_lines(log)[-1]["params"]["format"] == "anx"


def test_ftm_loads_in_followthemoney_with_the_stamp_beside_it(sample_store, neo4j_env, log, tmp_path):
    nodes, links = counts(sample_store)
    out, done = exported(tmp_path, "ftm", name="case.ftm.json")
    schemata = check_ftm(out.read_text(encoding="utf-8"))
    assert len(schemata) == nodes + links
    stamp_file = tmp_path / "case.ftm.json.stamp.json"
    assert done["files"] == [str(out), str(stamp_file)] and private(out) and private(stamp_file)
    stamp = json.loads(stamp_file.read_text(encoding="utf-8"))
    assert stamp["sha256"] == done["stamp"]["sha256"] and (stamp["nodes"], stamp["links"]) == (nodes, links)
    line = export_lines(log)[-1]
    assert line["params"]["format"] == "ftm" and line["params"]["stamp_file"] == str(stamp_file)


def test_with_a_required_audit_that_cannot_be_written_nothing_is_exported(sample_store, neo4j_env, tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv(audit.ENV, str(tmp_path))  # a folder: no line can be appended
    monkeypatch.setenv(audit.REQUIRED_ENV, "1")
    out = tmp_path / "case.csv"
    result = runner.invoke(app, ["export", "--dataset", "sample", "--format", "csv", "--out", str(out)])
    assert result.exit_code != 0 and "audit log" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
