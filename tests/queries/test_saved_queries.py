"""Saved queries: the file format, parameter coercion, user folders, read-only runs, caps, the CLI.

Order matters in this module: the empty-database tests come first (they wipe the module's database);
everything after them reads the sample case plus a small case of our own (dataset ``mini``).
"""

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.graph import errors, ids
from chokepoint.graph import store as graph_store
from chokepoint.loaders.load import load_records
from chokepoint.loaders.resolve import candidates, merge
from chokepoint.queries import saved
from chokepoint.queries.saved import (BUILTIN, NotReadOnly, ParameterError, QueryFileError, QueryTimeout, SavedQueryError,
                           UnknownQuery, coerce_params, get, parse, read_file, run, run_cypher, saved_queries)
from chokepoint.synthetic.generator import generate
from tests_support import canonical_hash, wipe_all

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "saved-queries.md").read_text(encoding="utf-8")
BUILTIN_NAMES = [read_file(path, source="built-in").name for path in sorted(BUILTIN.glob("*.cypher"))]
runner = CliRunner()

GOOD = """\
// name: good-query
// title: A query using every parameter type
// description: First line of the description,
//   continued here.
// tags: demo, couriers
// param: port string = "2504" -- Port code
// param: n integer = 3 -- How many
// param: share float = 2 -- A share
// param: flag boolean = true -- A flag
// param: since date = "2024-03-01" -- From this day
// param: roles string[] = ["courier", "broker"] -- Roles
// param: who string -- Required: no default
// param: maybe date = null -- Optional

// a comment in the query: $not_a_parameter
MATCH (p:Person)-[x:CROSSED_AT]->(poe:PortOfEntry {code: $port})
WHERE x.date >= $since AND ($maybe IS NULL OR x.date <= $maybe) AND $flag AND size(p.roles) < $n * $share
  AND any(r IN p.roles WHERE r IN $roles) AND p.caption <> '$in_a_string' AND p.caption <> $who
RETURN p.caption AS name;
"""


# -- the format --------------------------------------------------------------------------------
def test_a_good_file_parses_with_typed_defaults(tmp_path):
    path = tmp_path / "good.cypher"
    path.write_text(GOOD, encoding="utf-8")
    q = read_file(path)
    assert (q.name, q.title, q.tags, q.path, q.source) == (
        "good-query", "A query using every parameter type", ("demo", "couriers"), path, "user")
    assert q.description == "First line of the description, continued here."
    params = {p.name: p for p in q.params}
    assert [p.name for p in q.params] == ["port", "n", "share", "flag", "since", "roles", "who", "maybe"]
    assert {k: (p.type, p.default, p.required) for k, p in params.items()} == {
        "port": ("string", "2504", False), "n": ("integer", 3, False), "share": ("float", 2.0, False),
        "flag": ("boolean", True, False), "since": ("date", dt.date(2024, 3, 1), False),
        "roles": ("string[]", ["courier", "broker"], False), "who": ("string", None, True),
        "maybe": ("date", None, False)}
    assert params["port"].help == "Port code" and params["port"].line == 6
    assert q.cypher.startswith("// a comment in the query") and q.cypher.endswith("RETURN p.caption AS name")


def _header(*lines: str, body: str = "RETURN 1 AS one") -> str:
    return "\n".join(["// name: broken", "// title: Broken", *lines, "", body]) + "\n"


@pytest.mark.parametrize("text,line,message", [
    (_header("// param: port str = \"2504\" -- Port"), 3, "parameter 'port': unknown type 'str'; known: string, "
                                                          "integer, float, boolean, date, string[]"),
    ("// title: No name\n\nRETURN 1 AS one\n", 1, "missing 'name' (add '// name: ...')"),
    ("// name: no-title\n\nRETURN 1 AS one\n", 1, "missing 'title'"),
    (_header("// param: n integer = 1 -- N", "// param: n integer = 2 -- N again", body="RETURN $n AS n"), 4,
     "duplicate parameter 'n' (first declared on line 3)"),
    (_header(body="MATCH (p:Person)\nWHERE p.caption = $who\nRETURN p"), 5,
     "$who is used but not declared (add '// param: who TYPE ... -- help')"),
    (_header("// param: port string = \"2504\" -- Port"), 3,
     "parameter 'port' is declared but the query never uses $port"),
    (_header("// author: me"), 3, "unknown field 'author'; known: name, title, description, tags, param"),
    (_header("// title: Again"), 3, "field 'title' given twice (first on line 2)"),
    (_header("// param: n integer = \"three\" -- N", body="RETURN $n"), 3,
     "parameter 'n': the default must be an integer, got 'three'"),
    (_header("// param: d date = \"2024-13-01\" -- D", body="RETURN $d"), 3,
     "parameter 'd': the default must be a date (yyyy-mm-dd), got '2024-13-01' (no such day)"),
    (_header("// param: n integer = three -- N", body="RETURN $n"), 3, "the default must be a JSON literal"),
    (_header("// param: n integer = 3", body="RETURN $n"), 3, "parameter 'n' needs help text after ' -- '"),
    (_header("// param: 1n integer = 3 -- N", body="RETURN 1"), 3, "parameter name '1n' is not a plain identifier"),
    (_header(body=""), 4, "no Cypher after the header"),
    (_header(body="RETURN 1;\nRETURN 2"), 4, "one statement per file"),
    (_header(body="EXPLAIN RETURN 1"), 4, "must not start with EXPLAIN or PROFILE"),
    (_header("// this is prose"), 3, "expected '// field: value'"),
    (_header("//   an indented line"), 3, "expected '// field: value'"),
    ("// name: Bad Name\n// title: T\n\nRETURN 1\n", 1, "name 'Bad Name' must be lower-case words"),
    (_header("// tags: ok, Not OK"), 3, "tag 'not ok' must be a lower-case word"),
])
def test_each_kind_of_mistake_names_the_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "broken.cypher"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryFileError) as caught:
        read_file(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert message in str(caught.value)
    assert caught.value.line == line and caught.value.path == path


def test_parameters_in_strings_and_comments_do_not_count():
    q = parse("// name: q\n// title: Q\n\nRETURN '$a' AS a, \"$b\" AS b /* $c */ // $d\n")
    assert q.params == ()
    with pytest.raises(QueryFileError, match=r"<text>:5: \$e is used but not declared"):
        parse("// name: q\n// title: Q\n\n/* a\n */ RETURN $e AS e\n")


# -- parameters --------------------------------------------------------------------------------
def _typed(ptype: str, default: str = "null") -> saved.SavedQuery:
    return parse(f"// name: t\n// title: T\n// param: v {ptype} = {default} -- The value\n\nRETURN $v AS v\n")


@pytest.mark.parametrize("ptype,text,value", [
    ("string", "  San Ysidro ", "San Ysidro"),
    ("integer", "42", 42), ("integer", "-3", -3), ("integer", "1,000", 1000),
    ("float", "2.5", 2.5), ("float", "3", 3.0), ("float", "1,250.5", 1250.5),
    ("boolean", "true", True), ("boolean", "No", False), ("boolean", "1", True), ("boolean", "off", False),
    ("date", "2024-03-05", dt.date(2024, 3, 5)),
    ("string[]", "courier; broker", ["courier", "broker"]), ("string[]", "a|b", ["a", "b"]),
    ("string[]", '["x", "y"]', ["x", "y"]), ("string[]", "[]", []),
])
def test_text_is_coerced_to_every_type(ptype, text, value):
    got = coerce_params(_typed(ptype), {"v": text})["v"]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("ptype,text,message", [
    ("integer", "2.5", "must be an integer (e.g. 3), got '2.5'"),
    ("float", "abc", "must be a number (e.g. 2.5), got 'abc'"),
    ("float", "nan", "must be a finite number"),
    ("boolean", "maybe", "must be true or false (yes/no, 1/0), got 'maybe'"),
    ("date", "05/03/2024", "must be a date (yyyy-mm-dd), got '05/03/2024'"),
    ("date", "2024-02-30", "(no such day)"),
    ("string[]", "[1, 2]", "must be a list of strings"),
])
def test_bad_text_names_the_parameter(ptype, text, message):
    with pytest.raises(ParameterError) as caught:
        coerce_params(_typed(ptype), {"v": text})
    assert str(caught.value).startswith("query t: parameter 'v' must be ")
    assert message in str(caught.value)


def test_defaults_required_unknown_and_typed_values(tmp_path):
    q = parse(GOOD)
    with pytest.raises(ParameterError, match=r"parameter 'who' \(string\) is required: Required: no default"):
        coerce_params(q, {})
    values = coerce_params(q, {"who": "Ana", "n": "", "maybe": None})
    assert values == {"port": "2504", "n": 3, "share": 2.0, "flag": True, "since": dt.date(2024, 3, 1),
                      "roles": ["courier", "broker"], "who": "Ana", "maybe": None}
    typed = coerce_params(q, {"who": "Ana", "n": 7, "since": dt.date(2024, 1, 1), "roles": ("a",), "share": 1})
    assert (typed["n"], typed["since"], typed["roles"], typed["share"]) == (7, dt.date(2024, 1, 1), ["a"], 1.0)
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 'prot'; its parameters: port, n, share"):
        coerce_params(q, {"who": "Ana", "prot": "2504"})
    with pytest.raises(ParameterError, match=r"parameter 'since' must be a date \(yyyy-mm-dd\), got 20240101"):
        coerce_params(q, {"who": "Ana", "since": 20240101})
    with pytest.raises(ParameterError, match="parameter 'n' must be an integer, got True"):
        coerce_params(q, {"who": "Ana", "n": True})


# -- finding queries ---------------------------------------------------------------------------
def test_there_are_at_least_twenty_documented_builtin_queries():
    queries = saved_queries()
    assert len(queries) >= 20
    for q in queries:
        assert q.source == "built-in" and q.path.parent == BUILTIN and q.path.stem == q.name
        assert q.description and q.tags, q.name
        row = next((line for line in DOC.splitlines() if line.startswith(f"| `{q.name}` |")), None)
        assert row is not None, f"{q.name} is missing from docs/saved-queries.md"
        assert f"| {q.title} |" in row, q.name
        for p in q.params:
            assert f"`{p.name}`" in row, (q.name, p.name)


def test_search_and_tags():
    assert {q.name for q in saved_queries(tag="firearms")} >= {"firearms-traced-to-dealer", "straw-purchasers"}
    assert all("firearms" in q.tags for q in saved_queries(tag="FIREARMS"))
    assert {q.name for q in saved_queries(search="MONTH")} >= {"seizures-by-port-and-month", "port-volume-by-month"}
    assert saved_queries(search="no query talks about this") == []
    assert [q.name for q in saved_queries(search="month", tag="seizures")] == ["seizures-by-port-and-month"]
    with pytest.raises(UnknownQuery, match="no saved query named 'couriers-at-prot'; did you mean couriers-at-port"):
        get("couriers-at-prot")


def test_a_user_folder_adds_and_replaces_queries(tmp_path, monkeypatch):
    (tmp_path / "mine.cypher").write_text("// name: couriers-at-port\n// title: My couriers\n\n"
                                          "MATCH (p:Person) RETURN p.caption AS courier\n", encoding="utf-8")
    (tmp_path / "extra.cypher").write_text("// name: my-extra\n// title: Extra\n// tags: couriers\n\n"
                                           "RETURN 1 AS one\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a query")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    by_name = {q.name: q for q in saved_queries()}
    assert len(by_name) == len(BUILTIN_NAMES) + 1
    mine = get("couriers-at-port")
    assert (mine.title, mine.source, mine.path, mine.replaces) == (
        "My couriers", "user", tmp_path / "mine.cypher", BUILTIN / "couriers-at-port.cypher")
    assert by_name["my-extra"].source == "user" and by_name["my-extra"].replaces is None
    assert "my-extra" in [q.name for q in saved_queries(tag="couriers")]
    (tmp_path / "twin.cypher").write_text("// name: my-extra\n// title: Twin\n\nRETURN 2 AS two\n")
    with pytest.raises(QueryFileError, match=r"twin\.cypher:1: name 'my-extra' is already used by .*extra\.cypher"):
        saved_queries()
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path / "missing"))
    with pytest.raises(SavedQueryError, match=r"CHOKEPOINT_QUERIES=.*missing is not a folder"):
        saved_queries()


# -- running on an empty database (these wipe the module's database: keep them first) -----------
@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_every_builtin_query_runs_on_an_empty_database(clean, name):
    result = run(clean, name)
    assert result.rows == [] and not result.capped and result.columns
    assert result.note == "0 rows"


# -- the sample case plus a small case of our own --------------------------------------------------
MINI = {
    "persons.csv": "name,roles\nPedro Sánchez,courier\nPedro Sanches,courier\nAna Torres,courier\n"
                   "Victor Ruiz Montes,\n",
    "organizations.csv": "name,roles,country\nAlfa Quimica SA de CV,front_company,MX\n"
                         "Beta Logistica SA de CV,front_company,MX\nShenzhen Gamma Chemical Co.,supplier,CN\n",
    "memberships.csv": "person,organization,role\nVictor Ruiz Montes,Alfa Quimica SA de CV,director\n"
                       "Victor Ruiz Montes,Beta Logistica SA de CV,Director\nAna Torres,Beta Logistica SA de CV,courier\n",
    "vehicles.csv": "plate,make,model,kind,user\nBC-1234-X,Nissan,Frontier,truck,Pedro Sánchez\n",
    "ports.csv": "code,name,state,country\n2506,Otay Mesa,CA,US\n",
    "crossings.csv": "person,vehicle,port,date,direction\nAna Torres,BC-1234-X,2506,2024-05-02,northbound\n"
                     "Pedro Sánchez,BC-1234-X,2506,2024-05-09,northbound\n",
    "labs.csv": "name,kind,country\nLab Sinaloa Sur,synthesis,MX\n",
    "chemicals.csv": "name,cas,controlled,category\nNPP,39742-60-4,yes,precursor\n4-AP,,no,precursor\n",
    "supplies.csv": "supplier,buyer,buyer_type,chemical,quantity,unit,date\n"
                    "Shenzhen Gamma Chemical Co.,Lab Sinaloa Sur,Lab,NPP,50,kg,2024-01-15\n"
                    "Shenzhen Gamma Chemical Co.,Lab Sinaloa Sur,Lab,NPP,40,kg,2024-02-10\n"
                    "Shenzhen Gamma Chemical Co.,Lab Sinaloa Sur,Lab,4-AP,60,kg,2024-04-20\n",
}


@pytest.fixture(scope="module")
def case(sample_store, tmp_path_factory):
    """The sample case (dataset ``sample``) and the small case above (dataset ``mini``)."""
    folder = tmp_path_factory.mktemp("mini")
    for name, text in MINI.items():
        (folder / name).write_text(text, encoding="utf-8")
    summary = load_records(sample_store, folder, dataset="mini", rejects_path=folder / "rejects.csv")
    assert summary.rows_rejected == 0
    return sample_store


def rows(store, name, **params):
    result = run(store, name, params)
    assert not result.capped
    return result.records()


def test_precursor_suppliers_and_the_labs_they_reach(case):
    got = [(r["supplier"], r["lab"], r["hops"]) for r in rows(case, "precursor-suppliers-and-labs", dataset="sample")]
    assert got == [("Pacific Rim Trading S.A. de C.V.", "Lab Culiacán Norte", 1),
                   ("Pacific Rim Trading S.A. de C.V.", "Lab Mexicali", 1),
                   ("Hubei Jinlong Chemical Co.", "Lab Culiacán Norte", 2),
                   ("Hubei Jinlong Chemical Co.", "Lab Mexicali", 2)]
    by_cas = rows(case, "precursor-suppliers-and-labs", chemical="39742-60-4")   # both datasets
    assert {r["supplier"] for r in by_cas} == {"Pacific Rim Trading S.A. de C.V.", "Hubei Jinlong Chemical Co.",
                                               "Shenzhen Gamma Chemical Co."}
    by_alias = rows(case, "precursor-suppliers-and-labs", chemical="n-phenethyl-4-piperidone")
    assert len(by_alias) == 4
    assert rows(case, "precursor-suppliers-and-labs", chemical="Propionyl chloride") == [
        {"chemical": "Propionyl chloride", "supplier": "Hubei Jinlong Chemical Co.", "supplier_label": "Organization",
         "supplier_roles": ["supplier"], "supplier_country": "CN", "lab": "Lab Culiacán Norte",
         "lab_kind": "synthesis", "lab_country": "MX", "hops": 2},
        {"chemical": "Propionyl chloride", "supplier": "Hubei Jinlong Chemical Co.", "supplier_label": "Organization",
         "supplier_roles": ["supplier"], "supplier_country": "CN", "lab": "Lab Mexicali",
         "lab_kind": "pill_press", "lab_country": "MX", "hops": 2}]


def test_couriers_at_a_port_in_a_date_range(case):
    assert [(r["courier"], r["crossings"], r["vehicles"]) for r in rows(case, "couriers-at-port")] == [
        ("Luis Ortega", 1, ["7ABC123"])]
    later = rows(case, "couriers-at-port", port="nogales", start="2024-04-01")
    assert [(r["courier"], r["first_crossing"], r["directions"]) for r in later] == [
        ("Daniel Reyes", "2024-04-02", ["southbound"])]
    assert rows(case, "couriers-at-port", port="2604", end="2024-03-11") == []


def test_persons_near_a_phone(case):
    assert [(r["person"], r["hops"]) for r in rows(case, "persons-near-phone", hops="1")] == [("Andrés López", 1)]
    near = rows(case, "persons-near-phone", phone="+52 (667) 111-2233", hops="2")
    assert [(r["person"], r["hops"]) for r in near] == [
        ("Andrés López", 1), ("Jorge Peña", 2), ("Marta Ruiz", 2), ("Rosa Delgado", 2)]


def test_seizures_and_shipments_by_port_and_month(case):
    assert rows(case, "seizures-by-port-and-month") == [
        {"port": "2604", "port_name": "Nogales", "month": "2024-03", "seizures": 1, "kg": 20.0,
         "commodities": ["Fentanyl pills"], "arrests": 1}]
    assert rows(case, "seizures-by-port-and-month", start="2024-04-01") == []
    volume = [(r["port"], r["month"], r["shipments"], r["kg"], r["couriers"]) for r in rows(case, "port-volume-by-month")]
    assert volume == [("2503", "2024-03", 2, 20.0, 1), ("2504", "2024-03", 2, 30.0, 1), ("2604", "2024-03", 2, 40.0, 1)]
    at_port = rows(case, "shipments-at-port", port="San Ysidro", start="2024-03-01", end="2024-03-31")
    assert [(r["shipment"], r["kg"], r["total_kg"], r["couriers"]) for r in at_port] == [
        ("S-005", 15.0, 30.0, ["Luis Ortega"]), ("S-006", 15.0, 30.0, ["Luis Ortega"])]
    assert rows(case, "shipments-at-port", start="2024-03-06") == []


def test_routes_stash_houses_and_labs(case):
    routes = rows(case, "goods-routes-to-port")
    assert [(r["route"], r["legs"], r["shipments"]) for r in routes] == [
        (["Wuhan", "Manzanillo", "Lab Culiacán Norte", "Tijuana", "San Ysidro"], 4, ["S-001", "S-002", "S-004", "S-005"])]
    flows = {r["location"]: r for r in rows(case, "stash-house-flows")}
    assert set(flows) == {"Stash house Pico Rivera", "Stash house Maryvale"}
    pico = flows["Stash house Pico Rivera"]
    assert (sorted(pico["received_from"]), pico["kg_in"], pico["sent_to"], pico["kg_unaccounted"]) == (
        ["Calexico", "San Ysidro"], 25.0, ["Carla Méndez"], 0.0)
    labs = {r["lab"]: r for r in rows(case, "labs-overview", dataset="sample")}
    assert (labs["Lab Culiacán Norte"]["operators"], labs["Lab Culiacán Norte"]["shipped_in_kg"],
            labs["Lab Culiacán Norte"]["shipped_out_kg"], labs["Lab Mexicali"]["legs_out"]) == (["Marta Ruiz"], 120.0,
                                                                                              50.0, 1)


def test_firearm_traces_straw_purchasers_and_time_to_crime(case):
    traced = rows(case, "firearms-traced-to-dealer", dealer="desert arms llc")
    assert [(r["serial"], r["purchaser"], r["recovered_at"], r["time_to_crime_days"]) for r in traced] == [
        ("DA-4471", "Kevin Hart", "Nogales", 26), ("DA-4472", "Kevin Hart", "Nogales", 26)]   # BR-0093: never traced
    straw = rows(case, "straw-purchasers")
    assert [(r["purchaser"], r["traced"], r["known_straw_purchaser"], r["serials"]) for r in straw] == [
        ("Kevin Hart", 2, True, ["DA-4471", "DA-4472"])]
    assert rows(case, "straw-purchasers", min_traced="3") == []
    assert [(r["serial"], r["time_to_crime_days"]) for r in rows(case, "time-to-crime")] == [
        ("DA-4471", 26), ("DA-4472", 26)]
    assert rows(case, "time-to-crime", max_days="25") == []
    assert rows(case, "firearms-by-seizure-place") == [
        {"place": "Nogales", "country": "MX", "dealer": "Desert Arms LLC", "firearms": 2, "seizures": 1,
         "serials": ["DA-4471", "DA-4472"]}]


def test_phones_contacts_and_top_callers(case):
    common = rows(case, "common-contacts", person_a="marta ruiz", person_b="JORGE PEÑA")
    assert [(r["contact"], r["contact_users"]) for r in common] == [
        ("+16195550101", ["Luis Ortega"]), ("+526671112233", ["Andrés López"])]
    top = rows(case, "top-callers", top="3")
    assert [(r["phone"], r["calls"]) for r in top] == [("+16025550104", 2), ("+526671112233", 2), ("+526671114455", 2)]
    march = rows(case, "top-callers", start="2024-03-01", end="2024-03-31", top="1")
    assert [(r["phone"], r["users"], r["calls"]) for r in march] == [("+16025550104", ["Tomás Vega"], 2)]
    arrested = rows(case, "contacts-of-arrested")
    assert [(r["arrested"], r["contact_users"], r["calls"], r["calls_after_arrest"]) for r in arrested] == [
        ("Daniel Reyes", ["Tomás Vega"], 2, 1), ("Daniel Reyes", ["Marta Ruiz"], 1, 0)]


def test_seizure_details_and_crossers(case):
    links = [(r["link"], r["label"], r["item"], r["quantity"]) for r in rows(case, "seizure-details")]
    assert links == [("ARRESTED", "Person", "Daniel Reyes", None), ("OCCURRED_AT", "PortOfEntry", "Nogales", None),
                     ("SEIZED", "Shipment", "S-010", 20.0), ("SEIZED", "Vehicle", "AZ8XY21", None)]
    crossers = rows(case, "frequent-crossers")
    assert [(r["person"], r["crossings"], r["ports"], r["northbound"]) for r in crossers] == [
        ("Daniel Reyes", 2, ["2604"], 1), ("Luis Ortega", 2, ["2503", "2504"], 2)]
    anyone = rows(case, "frequent-crossers", min_crossings="1", roles="[]", dataset="mini")
    assert [r["person"] for r in anyone] == ["Ana Torres", "Pedro Sánchez"]


def test_people_organisations_and_paths(case):
    couriers = rows(case, "entities-by-role", dataset="sample")
    assert [r["name"] for r in couriers] == ["Daniel Reyes", "Luis Ortega"]
    assert len(rows(case, "entities-by-role")) == 5      # and the three couriers of dataset mini
    assert [(r["name"], r["label"]) for r in rows(case, "entities-by-role", role="FRONT_COMPANY", dataset="sample")] \
        == [("Pacific Rim Trading S.A. de C.V.", "Organization")]
    members = rows(case, "organization-members", organization="la delta")   # an alias
    assert len(members) == 8 and "Kevin Hart" not in {r["member"] for r in members}
    path = rows(case, "connection-between")
    assert len(path) == 1 and path[0]["path"][0] == "Hubei Jinlong Chemical Co." and path[0]["path"][-1] == "Luis Ortega"
    assert path[0]["hops"] == len(path[0]["links"]) <= 6 and "LOCATED_IN" not in path[0]["links"]


def test_provenance_and_load_history(case):
    prov = {r["file"]: r["defining_rows"] for r in rows(case, "entity-provenance")}
    # every row that names the courier, as the row's own entity or one it refers to (issue 16, item 7)
    from chokepoint.loaders.load import SAMPLE_CASE

    naming = {name: [f"{name}:{i}" for i, line in enumerate((SAMPLE_CASE / name).read_text(encoding="utf-8")
                                                             .splitlines(), start=1) if "Luis Ortega" in line]
              for name in ("persons.csv", "crossings.csv", "phones.csv", "vehicles.csv", "shipments.csv")}
    assert prov == naming
    assert prov["persons.csv"] == ["persons.csv:5"] and prov["shipments.csv"] == [f"shipments.csv:{i}" for i in (6, 7, 8, 9)]
    loads = rows(case, "load-history", dataset="sample")
    assert len(loads) == 15 and {r["status"] for r in loads} == {"complete"}
    assert sum(r["rows_read"] for r in loads) == 80
    assert rows(case, "load-history", status="running") == []


def test_our_own_case_vehicles_directors_and_chemical_switches(case):
    shared = rows(case, "shared-vehicles")
    assert [(r["n_persons"], r["persons"]) for r in shared] == [(2, ["Ana Torres", "Pedro Sánchez"])]
    assert shared[0]["evidence"] == ["Ana Torres: crossed 2506 on 2024-05-02",
                                     "Pedro Sánchez: crossed 2506 on 2024-05-09; uses it"]
    assert rows(case, "shared-vehicles", min_persons="3") == []
    directors = rows(case, "shared-directors")      # "director" and "Director": the role matches in any case
    assert [({r["organization_a"], r["organization_b"]}, r["roles_a"], r["shared"], r["persons"]) for r in directors] \
        == [({"Alfa Quimica SA de CV", "Beta Logistica SA de CV"}, ["front_company"], 1, ["Victor Ruiz Montes"])]
    assert rows(case, "shared-directors", role="courier") == []
    switches = rows(case, "chemical-switches")
    assert [(r["buyer"], r["from_chemical"], r["from_controlled"], r["last_supplied"], r["to_chemical"],
             r["to_controlled"], r["first_supplied"], r["from_quantity"]) for r in switches] == [
        ("Lab Sinaloa Sur", "NPP", True, "2024-02-10", "4-AP", False, "2024-04-20", 90.0)]
    assert rows(case, "chemical-switches", dataset="sample") == []
    volume = rows(case, "precursor-volume-by-month", dataset="sample")
    assert [(r["chemical"], r["month"], r["quantity"], r["controlled"]) for r in volume] == [
        ("NPP", "2024-01", 200.0, True), ("Propionyl chloride", "2024-01", 400.0, False), ("NPP", "2024-02", 200.0, True)]


def test_merge_decisions_made_by_analysts(case):
    people = {r["name"]: r["id"] for r in rows(case, "entities-by-role", dataset="mini")}
    assert rows(case, "merge-decisions", dataset="mini") == []
    decision = merge(case, people["Pedro Sánchez"], people["Pedro Sanches"], why="same courier, typo", who="analyst-1")
    got = rows(case, "merge-decisions", dataset="mini")
    assert [(r["decision"], r["status"], r["kept"], r["merged"], r["who"], r["why"], r["kept_exists"]) for r in got] == [
        (decision, "active", "Pedro Sánchez", "Pedro Sanches", "analyst-1", "same courier, typo", True)]
    assert rows(case, "merge-decisions", status="undone") == []
    assert rows(case, "merge-decisions", dataset="sample") == []


# -- read-only, caps, values -------------------------------------------------------------------
WRITES = {
    "create": "CREATE (p:Person {id: 'evil', caption: 'Evil'}) RETURN p.id AS id",
    "merge": "MERGE (p:Person {id: 'evil'}) RETURN p.id AS id",
    "set": "MATCH (p:Person) SET p.flag = true RETURN count(p) AS n",
    "delete": "MATCH (p:Person) DETACH DELETE p RETURN count(*) AS n",
    "delete-links": "MATCH (:Person)-[r]->() DELETE r RETURN count(*) AS n",
    "foreach": "MATCH (p:Person) FOREACH (x IN [1] | SET p.flag = x) RETURN count(p) AS n",
    "remove": "MATCH (p:Person) REMOVE p.caption RETURN count(p) AS n",
    "subquery": "MATCH (p:Person) CALL { WITH p CREATE (:Evil) } RETURN count(*) AS n",
    "schema": "CREATE INDEX evil IF NOT EXISTS FOR (n:Evil) ON (n.x)",
    "admin-command": "CREATE USER evil SET PASSWORD 'not-a-secret' CHANGE NOT REQUIRED",
    "in-transactions-write": "UNWIND range(1, 3) AS x CALL { WITH x CREATE (:Evil {x: x}) } IN TRANSACTIONS",
}

#: reads that reach beyond the graph or the one read transaction: refused by what the plan shows
REACHING_OUT = {
    "load-csv": ("LOAD CSV FROM 'file:///etc/hostname' AS line RETURN line",
                 r"it reads files or URLs on the server \(LOAD CSV\)"),
    "load-csv-with-headers": ("LOAD CSV WITH HEADERS FROM 'https://example.org/x.csv' AS row "
                              "MATCH (p:Person {caption: row.name}) RETURN p.id AS id",
                              r"it reads files or URLs on the server \(LOAD CSV\)"),
    "in-transactions-read": ("UNWIND range(1, 3) AS x CALL { WITH x RETURN x * 2 AS y } IN TRANSACTIONS RETURN y",
                             r"it commits transactions of its own \(CALL \{ \.\.\. \} IN TRANSACTIONS\)"),
    "apoc-cypher-procedure": ("CALL apoc.cypher.run('LOAD CSV FROM \"file:///etc/hostname\" AS l RETURN l', {}) "
                              "YIELD value RETURN value", r"it calls apoc\.cypher\.run, which runs a Cypher string"),
    "apoc-cypher-function": ("RETURN apoc.cypher.runFirstColumnSingle('MATCH (n) RETURN count(n)', {}) AS n",
                             r"it calls apoc\.cypher\.runFirstColumnSingle, which runs a Cypher string"),
    "apoc-load": ("CALL apoc.load.json('file:///etc/hostname') YIELD value RETURN value",
                  r"it calls apoc\.load\.json, which loads files or URLs"),
    # procedures off the allow-list: refused by name before Neo4j plans them (write ones would plan as rw or s)
    "procedure": ("CALL db.createLabel('Evil')", r"it calls db\.createLabel, which is not on the read-only allow-list"),
    "admin-procedure": ("CALL db.clearQueryCaches()",
                        r"it calls db\.clearQueryCaches, which is not on the read-only allow-list"),
    "apoc-write-procedure": ("CALL apoc.create.node(['Evil'], {}) YIELD node RETURN node",
                             r"it calls apoc\.create\.node, which is not on the read-only allow-list"),
}


def _user_query(folder: Path, name: str, cypher: str, header: str = "") -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.cypher").write_text(f"// name: {name}\n// title: {name}\n{header}\n{cypher}\n", encoding="utf-8")


def _state(store) -> tuple:
    counts = (store.read("MATCH (l:Load) RETURN count(l) AS n"), store.read("MATCH (d:Decision) RETURN count(d) AS n"))
    indexes = store.read("SHOW INDEXES YIELD name RETURN collect(name) AS names")[0]["names"]
    labels = store.read("CALL db.labels() YIELD label RETURN collect(label) AS labels")[0]["labels"]
    return canonical_hash(store), counts, sorted(indexes), sorted(labels)


@pytest.mark.parametrize("kind", list(WRITES))
def test_writing_queries_are_refused_and_change_nothing(case, tmp_path, monkeypatch, kind):
    _user_query(tmp_path, f"write-{kind}", WRITES[kind])
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    before = _state(case)
    with pytest.raises(NotReadOnly, match=rf"query write-{kind}: it is not read-only \(Neo4j plans it as "
                                          r"(a write query|a read-write query|a schema change)\); saved queries may only read"):
        run(case, f"write-{kind}")
    assert _state(case) == before


@pytest.mark.parametrize("kind", list(REACHING_OUT))
def test_reads_beyond_the_graph_are_refused_before_they_run(case, tmp_path, monkeypatch, kind):
    cypher, message = REACHING_OUT[kind]
    _user_query(tmp_path, f"reach-{kind}", cypher)
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    before = _state(case)
    with pytest.raises(NotReadOnly, match=rf"query reach-{kind}: {message}.*; saved queries may only read"):
        run(case, f"reach-{kind}")
    with pytest.raises(NotReadOnly, match=rf"cypher: {message}.*; ad-hoc queries may only read"):
        run_cypher(case, cypher)
    with pytest.raises(errors.NotReadOnly, match=message):
        case.read_only(cypher)
    assert _state(case) == before


@pytest.mark.parametrize("kind", list(WRITES))
def test_ad_hoc_writes_are_refused_too(case, kind):
    before = _state(case)
    with pytest.raises(NotReadOnly, match=r"cypher: it is not read-only \(Neo4j plans it as "
                                          r"(a write query|a read-write query|a schema change)\); ad-hoc queries"):
        run_cypher(case, WRITES[kind])
    assert _state(case) == before


def test_a_slow_read_is_stopped_by_the_timeout(case, tmp_path, monkeypatch):
    _user_query(tmp_path, "slow", "UNWIND range(1, $n) AS x RETURN count(x) AS n",
                "// param: n integer = 100000000 -- How many")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    with pytest.raises(QueryTimeout, match=r"^query slow: it ran longer than the 0\.05 s timeout and Neo4j stopped "
                                           r"it; raise the timeout or narrow the query$") as caught:
        run(case, "slow", timeout=0.05)
    assert isinstance(caught.value, errors.QueryTimeout) and isinstance(caught.value, errors.ChokepointError)
    with pytest.raises(QueryTimeout, match=r"^cypher: it ran longer than the 0\.05 s timeout"):
        run_cypher(case, "UNWIND range(1, 100000000) AS x RETURN count(x) AS n", timeout=0.05)
    assert run(case, "slow", {"n": "1000"}).rows == [[1000]]            # the default timeout: 30 s
    for bad in (0, -1):
        with pytest.raises(SavedQueryError, match="timeout must be more than 0 seconds"):
            run(case, "slow", timeout=bad)


def test_the_read_transaction_refuses_writes_even_past_the_plan_check(case, tmp_path, monkeypatch):
    _user_query(tmp_path, "sneaky", WRITES["create"])
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    monkeypatch.setattr(graph_store, "_refusal", lambda tx, query, params: None)   # pretend EXPLAIN said "read"
    before = _state(case)
    with pytest.raises(NotReadOnly, match=r"query sneaky: it tried to write \(Neo4j: .*\); saved queries may only read"):
        run(case, "sneaky")
    assert _state(case) == before


def test_rows_are_capped_and_the_cap_is_reported(case, tmp_path, monkeypatch):
    _user_query(tmp_path, "numbers", "UNWIND range(1, $n) AS i RETURN i, i * i AS square",
                "// param: n integer = 5 -- How many")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    exact = run(case, "numbers", limit=5)
    assert (exact.rows, exact.capped, exact.note) == ([[i, i * i] for i in range(1, 6)], False, "5 rows")
    capped = run(case, "numbers", {"n": "2500"}, limit=4)
    assert capped.rows == [[1, 1], [2, 4], [3, 9], [4, 16]] and capped.capped
    assert capped.note == "showing 4 of more rows (capped at 4; raise the limit to see more)"
    assert len(run(case, "numbers", {"n": "2500"}).rows) == 1000      # the default cap
    loads = run(case, "load-history", {"dataset": "sample"}, limit=3)
    assert len(loads.rows) == 3 and loads.capped
    with pytest.raises(SavedQueryError, match="limit must be at least 1"):
        run(case, "numbers", limit=0)


def test_values_are_json_friendly_and_errors_are_typed(case, tmp_path, monkeypatch):
    _user_query(tmp_path, "graph-values",
                "MATCH p = (s:Seizure {seizure_id: $id})-[r:ARRESTED]->(x:Person) RETURN s, r, p, s.date AS day",
                "// param: id string = \"CBP-2024-0312\" -- Seizure id")
    _user_query(tmp_path, "bad-at-runtime", "RETURN date($text) AS d", "// param: text string = \"nope\" -- Text")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    result = run(case, "graph-values")
    json.dumps(result.as_dict())                     # no Neo4j types left
    s, r, p, day = result.rows[0]
    assert (s["_labels"], s["seizure_id"], s["date"], day) == (["Seizure"], "CBP-2024-0312", "2024-03-12", "2024-03-12")
    assert r["_type"] == "ARRESTED" and [n["caption"] for n in p["nodes"]] == ["CBP-2024-0312", "Daniel Reyes"]
    assert (r["_start"], r["_end"]) == (s["id"], p["nodes"][1]["id"]) == (p["relationships"][0]["_start"],
                                                                          p["relationships"][0]["_end"])
    with pytest.raises(SavedQueryError, match="query bad-at-runtime: Neo4j rejected the query"):
        run(case, "bad-at-runtime")


def _ids(elements):
    return [e["id"] for e in elements]


def test_results_carry_the_graph_elements_of_paths(case):
    result = run_cypher(case, "MATCH p = (s:Seizure {seizure_id: $id})-[r]->(x) RETURN p, x.caption AS item "
                              "ORDER BY type(r), item", {"id": "CBP-2024-0312"})
    json.dumps(result.as_dict())
    assert [row[1] for row in result.rows] == ["Daniel Reyes", "Nogales", "AZ8XY21", "S-010"]
    nodes, edges = result.graph["nodes"], result.graph["edges"]
    seizure = result.rows[0][0]["nodes"][0]
    assert _ids(nodes) == [seizure["id"]] + [row[0]["nodes"][1]["id"] for row in result.rows]   # the seizure once
    assert len(set(_ids(edges))) == len(edges) == 4
    assert [e["_type"] for e in edges] == ["ARRESTED", "OCCURRED_AT", "SEIZED", "SEIZED"]
    assert {e["_start"] for e in edges} == {seizure["id"]} and {e["_end"] for e in edges} == set(_ids(nodes[1:]))
    assert [n["_labels"] for n in nodes] == [["Seizure"], ["Person"], ["PortOfEntry"], ["Vehicle"], ["Shipment"]]
    assert result.as_dict()["graph"] == result.graph
    assert result.graph_note == "graph: 5 nodes, 4 relationships"


def test_results_carry_the_graph_elements_of_nodes_only_and_relationships_only(case):
    only_nodes = run_cypher(case, "MATCH (p:Person {dataset: 'sample'}) WHERE 'courier' IN p.roles "
                                  "RETURN p, [p] AS again, {who: p} AS map ORDER BY p.caption")
    assert [row[0]["caption"] for row in only_nodes.rows] == ["Daniel Reyes", "Luis Ortega"]
    assert only_nodes.rows[0][1] == [only_nodes.rows[0][0]] and only_nodes.rows[0][2] == {"who": only_nodes.rows[0][0]}
    assert [n["caption"] for n in only_nodes.graph["nodes"]] == ["Daniel Reyes", "Luis Ortega"]
    assert only_nodes.graph["edges"] == [] and only_nodes.graph_note == "graph: 2 nodes, 0 relationships"
    # relationships alone: their ends are fetched, so each edge can be drawn between two nodes
    only_rels = run_cypher(case, "MATCH (:Seizure {seizure_id: 'CBP-2024-0312'})-[r:SEIZED]->(x) "
                                 "RETURN r ORDER BY x.caption")
    ends = {n["id"]: n["caption"] for n in only_rels.graph["nodes"]}
    assert sorted(ends.values()) == ["AZ8XY21", "CBP-2024-0312", "S-010"]
    assert [(ends[r["_start"]], ends[r["_end"]]) for (r,) in only_rels.rows] == [
        ("CBP-2024-0312", "AZ8XY21"), ("CBP-2024-0312", "S-010")]
    assert [(e["_start"], e["_end"]) for e in only_rels.graph["edges"]] == [
        (r["_start"], r["_end"]) for (r,) in only_rels.rows]
    scalars = run(case, "seizures-by-port-and-month")
    assert scalars.rows and scalars.graph == {"nodes": [], "edges": []}


def test_ad_hoc_parameters_must_match_the_query(case):
    with pytest.raises(ParameterError, match=r"cypher: \$d is used but not given \(add --param d=\.\.\.\)"):
        run_cypher(case, "MATCH (p:Person {dataset: $d}) RETURN p")
    with pytest.raises(ParameterError, match=r"cypher: not used by the query: extra"):
        run_cypher(case, "RETURN 1 AS one", {"extra": 1})
    with pytest.raises(SavedQueryError, match=r"cypher: no query given"):
        run_cypher(case, "  // only a comment\n")
    assert run_cypher(case, "RETURN $n + 1 AS n;", {"n": 41}).rows == [[42]]


# -- the command line --------------------------------------------------------------------------
def test_cli_list_and_show():
    result = runner.invoke(app, ["query", "list"])
    assert result.exit_code == 0, result.output
    assert f"{len(BUILTIN_NAMES)} saved queries" in result.output
    result = runner.invoke(app, ["query", "list", "--tag", "firearms", "--search", "straw"])
    assert result.exit_code == 0 and "1 saved query" in result.output
    result = runner.invoke(app, ["query", "show", "couriers-at-port"])
    assert result.exit_code == 0, result.output
    assert "Couriers who crossed at a port of entry" in result.output and '"2504"' in result.output
    assert "MATCH (p:Person)-[x:CROSSED_AT]->(poe:PortOfEntry)" in result.output


def test_cli_run_table_json_and_csv(case, neo4j_env):
    result = runner.invoke(app, ["query", "run", "couriers-at-port", "--param", "port=2604", "-p", "end=2024-03-31"])
    assert result.exit_code == 0, result.output
    assert "Daniel" in result.output and "2604" in result.output and "1 row; graph: 0 nodes, 0 relationships" in result.output
    result = runner.invoke(app, ["query", "run", "seizures-by-port-and-month", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows"] == [{"port": "2604", "port_name": "Nogales", "month": "2024-03", "seizures": 1, "kg": 20.0,
                             "commodities": ["Fentanyl pills"], "arrests": 1}]
    assert (data["capped"], data["limit"], data["params"]) == (False, 1000, {"start": None, "end": None,
                                                                              "dataset": None})
    result = runner.invoke(app, ["query", "run", "frequent-crossers", "--format", "csv", "-p", "roles=courier;broker",
                                 "-p", "dataset=sample"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0][:3] == ["person", "roles", "crossings"]
    assert table[1:] == [["Daniel Reyes", "courier", "2", "2", "2604", "2024-03-12", "2024-04-02", "1", "1"],
                         ["Luis Ortega", "courier", "2", "2", "2503;2504", "2024-03-05", "2024-03-08", "2", "0"]]


def test_cli_run_reports_the_cap(case, neo4j_env):
    result = runner.invoke(app, ["query", "run", "load-history", "--limit", "2", "-p", "dataset=sample"])
    assert result.exit_code == 0, result.output
    assert "showing 2 of more rows" in result.output
    result = runner.invoke(app, ["query", "run", "load-history", "--limit", "2", "--format", "json"])
    assert json.loads(result.stdout)["capped"] is True and len(json.loads(result.stdout)["rows"]) == 2
    result = runner.invoke(app, ["query", "run", "load-history", "--limit", "2", "-f", "csv"])
    assert len(list(csv.reader(io.StringIO(result.stdout)))) == 3
    assert "showing 2 of more rows" in result.stderr


def test_cli_run_errors(case, neo4j_env, tmp_path, monkeypatch):
    result = runner.invoke(app, ["query", "run", "top-callers", "-p", "top=x"])
    assert result.exit_code == 1 and isinstance(result.exception, ParameterError)
    assert "parameter 'top' must be an integer" in str(result.exception)
    result = runner.invoke(app, ["query", "run", "top-callers", "-p", "top"])
    assert result.exit_code == 2 and "'top' is not key=value" in result.output
    result = runner.invoke(app, ["query", "run", "top-callers", "--format", "xml"])
    assert result.exit_code == 2 and "'xml' is not one of table, csv, json" in result.output
    result = runner.invoke(app, ["query", "run", "top-callers", "--json"])
    assert result.exit_code == 2 and "No such option: --json" in result.output
    result = runner.invoke(app, ["query", "run", "top-callers", "--timeout", "0"])
    assert result.exit_code == 2 and "must be more than 0 seconds" in result.output
    result = runner.invoke(app, ["query", "run", "top-callers", "--limit", "0"])
    assert result.exit_code == 2
    _user_query(tmp_path, "write-set", WRITES["set"])
    _user_query(tmp_path, "read-csv", REACHING_OUT["load-csv"][0])
    _user_query(tmp_path, "slow", "UNWIND range(1, 100000000) AS x RETURN count(x) AS n")
    monkeypatch.setenv("CHOKEPOINT_QUERIES", str(tmp_path))
    result = runner.invoke(app, ["query", "run", "write-set"])
    assert result.exit_code == 1 and isinstance(result.exception, NotReadOnly)
    result = runner.invoke(app, ["query", "run", "read-csv"])
    assert result.exit_code == 1 and isinstance(result.exception, NotReadOnly)
    assert "query read-csv: it reads files or URLs on the server (LOAD CSV)" in str(result.exception)
    result = runner.invoke(app, ["query", "run", "slow", "--timeout", "0.05"])
    assert result.exit_code == 1 and isinstance(result.exception, QueryTimeout)
    assert "query slow: it ran longer than the 0.05 s timeout" in str(result.exception)
    assert case.read("MATCH (p:Person) WHERE p.flag IS NOT NULL RETURN count(p) AS n") == [{"n": 0}]


def test_cli_errors_are_one_line(tmp_path):
    (tmp_path / "bad.cypher").write_text("// name: bad\n// title: Bad\n// param: x str -- X\n\nRETURN $x\n")
    env = {**os.environ, "CHOKEPOINT_QUERIES": str(tmp_path), "COLUMNS": "500"}
    done = subprocess.run([sys.executable, "-m", "chokepoint.cli", "query", "list"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert re.fullmatch(r"error: \S*bad\.cypher:3: parameter 'x': unknown type 'str'; known: .*\n", done.stderr)


def test_cli_cypher_runs_ad_hoc_reads(case, neo4j_env):
    result = runner.invoke(app, ["cypher", "MATCH (p:Person {dataset: $d}) WHERE 'courier' IN p.roles "
                                 "RETURN p.caption AS name, p ORDER BY name", "-p", "d=sample"])
    assert result.exit_code == 0, result.output
    assert "Daniel Reyes" in result.output and "2 rows; graph: 2 nodes, 0 relationships" in result.output
    # JSON numbers and booleans are typed; anything else, a quoted number too, is text
    result = runner.invoke(app, ["cypher", "RETURN $n + 1 AS n, $b AS b, $s AS s, $q AS q, $day AS day",
                                 "-p", "n=41", "-p", "b=true", "-p", "s=San Ysidro", "-p", 'q="2504"',
                                 "-p", "day=2024-03-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows"] == [{"n": 42, "b": True, "s": "San Ysidro", "q": "2504", "day": "2024-03-01"}]
    assert (data["query"], data["graph"], data["capped"]) == ("cypher", {"nodes": [], "edges": []}, False)
    result = runner.invoke(app, ["cypher", "MATCH p = (:Seizure {seizure_id: 'CBP-2024-0312'})-[:ARRESTED]->(x) "
                                 "RETURN x.caption AS arrested, p", "--format", "json"])
    graph = json.loads(result.stdout)["graph"]
    assert [n["caption"] for n in graph["nodes"]] == ["CBP-2024-0312", "Daniel Reyes"]
    assert [(e["_type"], e["_start"], e["_end"]) for e in graph["edges"]] == [
        ("ARRESTED", graph["nodes"][0]["id"], graph["nodes"][1]["id"])]
    result = runner.invoke(app, ["cypher", "UNWIND range(1, 10) AS i RETURN i", "-f", "csv", "--limit", "3"])
    assert result.stdout == "i\n1\n2\n3\n" and "showing 3 of more rows" in result.stderr
    result = runner.invoke(app, ["cypher", WRITES["merge"]])
    assert result.exit_code == 1 and isinstance(result.exception, NotReadOnly)
    result = runner.invoke(app, ["cypher", "UNWIND range(1, 100000000) AS x RETURN count(x)", "--timeout", "0.05"])
    assert result.exit_code == 1 and isinstance(result.exception, QueryTimeout)
    result = runner.invoke(app, ["cypher", "RETURN $x AS x"])
    assert result.exit_code == 1 and "$x is used but not given" in str(result.exception)


def test_cli_cypher_errors_are_one_line(case, neo4j_env):
    env = {**os.environ, "COLUMNS": "500"}
    for args, message in [
        (["cypher", REACHING_OUT["load-csv"][0]],
         r"error: cypher: it reads files or URLs on the server \(LOAD CSV\); .*; ad-hoc queries may only read\n"),
        (["cypher", "UNWIND range(1, 100000000) AS x RETURN count(x)", "--timeout", "0.05"],
         r"error: cypher: it ran longer than the 0\.05 s timeout and Neo4j stopped it; raise the timeout or "
         r"narrow the query\n"),
    ]:
        done = subprocess.run([sys.executable, "-m", "chokepoint.cli", *args], env=env, capture_output=True, text=True,
                              timeout=120, cwd=ROOT)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert re.fullmatch(message, done.stderr), done.stderr


# -- every built-in query on generated cases (keep last: it empties the database) ---------------
SEED = 7
SCENARIOS = ("precursor-brokerage", "poe-couriers", "southbound-firearms")

#: query: (scenario whose generated case it runs on, parameters). "{name}" is a value picked from the
#: case (see `_picks`); a query with a `dataset` parameter also gets dataset=<scenario>.
ON_GENERATED = {
    "chemical-switches": ("precursor-brokerage", {}),
    "common-contacts": ("poe-couriers", {"person_a": "{courier}", "person_b": "{lieutenant}"}),
    "connection-between": ("precursor-brokerage", {"from_entity": "{supplier}", "to_entity": "{courier}"}),
    "contacts-of-arrested": ("poe-couriers", {}),
    "couriers-at-port": ("poe-couriers", {"port": "{port}", "start": "{phase1_start}", "end": "{phase1_end}"}),
    "entities-by-role": ("poe-couriers", {"role": "broker"}),
    "entity-provenance": ("precursor-brokerage", {"entity": "{courier}"}),
    "firearms-by-seizure-place": ("southbound-firearms", {}),
    "firearms-traced-to-dealer": ("southbound-firearms", {"dealer": "{top_dealer}"}),
    "frequent-crossers": ("poe-couriers", {"start": "{phase1_start}", "end": "{phase1_end}"}),
    "goods-routes-to-port": ("poe-couriers", {"port": "{port}"}),           # the fixture loads a leg into the port
    "labs-overview": ("precursor-brokerage", {}),
    "load-history": ("southbound-firearms", {"status": "complete"}),
    "merge-decisions": ("poe-couriers", {"status": "active"}),            # the fixture merges planted spellings
    "organization-members": ("precursor-brokerage", {"organization": "{front_company}"}),
    "persons-near-phone": ("poe-couriers", {"phone": "{phone}", "hops": "1"}),
    "port-volume-by-month": ("poe-couriers", {"start": "{phase1_start}", "end": "{phase1_end}"}),
    "precursor-suppliers-and-labs": ("precursor-brokerage", {"chemical": "{precursor}"}),
    "precursor-volume-by-month": ("precursor-brokerage", {}),
    "seizure-details": ("poe-couriers", {"seizure": "{seizure}"}),
    "seizures-by-port-and-month": ("poe-couriers", {}),
    "shared-directors": ("precursor-brokerage", {"role": "director"}),    # the fixture loads a second directorship
    "shared-vehicles": ("poe-couriers", {}),
    "shipments-at-port": ("poe-couriers", {"port": "{port}", "start": "{phase1_start}", "end": "{phase1_end}"}),
    "stash-house-flows": ("poe-couriers", {"kind": "stash_house"}),
    "straw-purchasers": ("southbound-firearms", {"min_traced": "1"}),
    "time-to-crime": ("southbound-firearms", {}),
    "top-callers": ("poe-couriers", {"start": "{phase1_start}", "end": "{phase1_end}", "top": "5"}),
}


def _picks(truth: dict) -> dict:
    """Values a parameter can name as "{name}", taken from a case's truth.json."""
    entities = truth["entities"]

    def key(role, **where):
        return next((e["key"] for e in entities if e["role"] == role
                     and all(e[k] == v for k, v in where.items())), None)

    courier = next(e for e in entities if e["role"] == "courier" and e["phase"] == 1)
    answers = {q["id"]: q["answer"] for q in truth["questions"]}
    return {
        "courier": courier["key"], "lieutenant": key("lieutenant", cell=courier["cell"]),
        "broker": key("broker"), "supplier": key("supplier"), "front_company": key("front_company"),
        "precursor": key("precursor"), "phone": key("phone"), "product": key("product"),
        "port": truth["routes"][0]["port"], "staging": truth["routes"][0]["staging"],
        "phase1_start": truth["phases"][0]["start"], "phase1_end": truth["phases"][0]["end"],
        "seizure": truth["arrests"][0]["seizure"] if truth["arrests"] else None,
        "top_dealer": (answers.get("top_dealer_traced") or [None])[0],
    }


@pytest.fixture(scope="module")
def generated(store, tmp_path_factory):
    """The three scenarios generated (seed SEED, default noise) and loaded, each as dataset <scenario>;
    plus what the generator never writes, done as an analyst would: merges of the planted spellings that
    `resolve candidates` proposes; a registry extract naming the broker director of a second company; and
    a shipment leg recorded as ending at the port of entry (the generator records a crossing as a
    staging house -> stash house leg that ENTERED_AT the port, never as a leg into the port)."""
    wipe_all(store)
    picks = {}
    for scenario in SCENARIOS:
        folder = tmp_path_factory.mktemp(scenario)
        generate(scenario, SEED, folder)
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        summary = load_records(store, folder, dataset=scenario, rejects_path=folder / "rejects.csv")
        assert summary.rows_loaded and summary.rows_read == summary.rows_loaded + summary.rows_rejected
        picks[scenario] = _picks(truth)
        proposed = {frozenset((c.a, c.b)) for c in candidates(store, label="Person", dataset=scenario, limit=10_000)}
        for dup in truth["duplicates"]:
            pair = (ids.entity_id(scenario, "Person", [dup["key"]]), ids.entity_id(scenario, "Person", [dup["variant"]]))
            if dup["expected"] == "resolve candidate" and frozenset(pair) in proposed:
                merge(store, *pair, why=f"planted {dup['kind']} spelling", who="analyst-1")
    assert store.read("MATCH (d:Decision {kind: 'merge'}) RETURN count(d) AS n")[0]["n"] >= 1
    extract = tmp_path_factory.mktemp("registry")
    (extract / "organizations.csv").write_text("name,roles,country\nImportadora Pacífico S.A. de C.V.,"
                                               "front_company,MX\n", encoding="utf-8")
    (extract / "memberships.csv").write_text("person,organization,role\n"
                                             f"{picks['precursor-brokerage']['broker']},Importadora Pacífico S.A. de "
                                             "C.V.,director\n", encoding="utf-8")
    summary = load_records(store, extract, dataset="precursor-brokerage", rejects_path=extract / "rejects.csv")
    assert summary.rows_rejected == 0
    poe = picks["poe-couriers"]
    leg = tmp_path_factory.mktemp("port-leg")
    (leg / "shipments.csv").write_text(
        "shipment_id,from,from_type,to,to_type,commodity,quantity,unit,date,mode,courier,vehicle,port\n"
        f"POE-0001,{poe['staging']},Location,{poe['port']},PortOfEntry,{poe['product']},12.5,kg,"
        f"{poe['phase1_end']},land,{poe['courier']},,{poe['port']}\n", encoding="utf-8")
    summary = load_records(store, leg, dataset="poe-couriers", rejects_path=leg / "rejects.csv")
    assert summary.rows_rejected == 0
    return store, picks


def test_the_generated_case_table_names_every_builtin_query():
    assert sorted(ON_GENERATED) == sorted(BUILTIN_NAMES)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_every_builtin_query_returns_rows_on_a_generated_case(generated, name):
    store, picks = generated
    assert name in ON_GENERATED, f"add {name} to ON_GENERATED with parameters that find something"
    scenario, template = ON_GENERATED[name]
    params = {}
    for key, value in template.items():
        if value.startswith("{"):
            value = picks[scenario][value.strip("{}")]
            assert value is not None, (name, key, template[key])
        params[key] = value
    if any(p.name == "dataset" for p in get(name).params):
        params["dataset"] = scenario
    result = run(store, name, params)
    assert result.rows, f"{name} on the generated {scenario} case with {params} returned no rows"
