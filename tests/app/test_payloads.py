"""Names that look like Cypher, HTML, JavaScript or template code stay plain data: loaded as written,
found by search, shown by details, neighbourhoods and saved queries, drawn and shown by the app in a
real browser (where no script they carry ever runs), exported literally, and quoted by the CLI.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from chokepoint.graph.csvsafe import neutralise

from chokepoint.app.elements import subgraph_elements
from chokepoint.app.export import export, make_stamp, read_csv
from chokepoint.graph.ids import entity_id
from chokepoint.loaders.load import load_records
from chokepoint.queries.neighbourhood import entity_details, neighbourhood
from chokepoint.queries.saved import run, run_cypher
from chokepoint.queries.search import search_entities

#: One person per name; each would do harm if it were ever code instead of data.
NAMES = [
    "'}) MATCH (n) DETACH DELETE n //",
    "\"}) MATCH (m) SET m.pwned = true RETURN m //",
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "${7*7} {{7*7}} #{7*7} <%= 7*7 %>",
    "`Person` `) DETACH DELETE (x`",
    "Robert'); DROP TABLE students;--",
    "[/x] [bold red]Rich[/bold red]",
    "=cmd|' /C calc'!A0",
    "Null\x00Byte",
    "Back\\slash \\\"quoted\\\" \\u0041",
    "&lt;b&gt;entities&lt;/b&gt; &amp; <!-- comment --> ]]>",
]
ORGANIZATION = "Grupo <svg onload=\"window.__pwned=1\"> Delta'}) //"
ROLE = "${jndi:ldap://127.0.0.1/x}"
#: What a browser can show as it is (a NUL character is not text to a browser or to XML).
SHOWN = [n for n in NAMES if "\x00" not in n]


@pytest.fixture(scope="module")
def payload_store(sample_store, tmp_path_factory):
    """The sample case, and beside it dataset ``payloads``: one person per name in :data:`NAMES`, all
    members of :data:`ORGANIZATION` with role :data:`ROLE`."""
    folder = tmp_path_factory.mktemp("payloads")
    with open(folder / "persons.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "nationality", "organization", "org_role"])
        w.writerows([name, "MX", ORGANIZATION, ROLE] for name in NAMES)
    before = sample_store.read("MATCH (n:Entity {dataset: 'sample'}) RETURN count(n) AS n")[0]["n"]
    summary = load_records(sample_store, folder, dataset="payloads", rejects_path=folder / "rejects.csv")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (len(NAMES), len(NAMES), 0)
    assert sample_store.read("MATCH (n:Entity {dataset: 'sample'}) RETURN count(n) AS n")[0]["n"] == before
    return sample_store


def person(name: str) -> str:
    return entity_id("payloads", "Person", [name])


def test_the_names_are_distinct_entities():
    assert len({person(n) for n in NAMES}) == len(NAMES)


def test_load_stores_every_name_as_written_and_runs_none(payload_store):
    rows = payload_store.read("MATCH (p:Person {dataset: 'payloads'}) RETURN p.name AS name, p.caption AS caption")
    assert sorted(r["name"] for r in rows) == sorted(NAMES)
    assert all(r["caption"] == r["name"] for r in rows)
    assert payload_store.read("MATCH (n) WHERE n.pwned IS NOT NULL RETURN count(n) AS n")[0]["n"] == 0
    [org] = payload_store.read("MATCH (o:Organization {dataset: 'payloads'})<-[m:MEMBER_OF]-(p) "
                               "RETURN o.name AS name, collect(DISTINCT m.role) AS roles, count(p) AS members")
    assert org == {"name": ORGANIZATION, "roles": [ROLE], "members": len(NAMES)}


@pytest.mark.parametrize("name", NAMES)
def test_search_details_and_neighbourhood_return_the_literal_name(payload_store, name):
    found = {m.id: m for m in search_entities(payload_store, person(name))}  # by id: always exact
    assert found[person(name)].caption == name
    details = entity_details(payload_store, person(name))
    assert details["caption"] == name and details["properties"]["name"] == name
    sub = neighbourhood(payload_store, person(name))
    assert {n["caption"] for n in sub.nodes} == {name, ORGANIZATION}


# Dotted words ("m.pwned") are one word in the index; the search looks for them whole or by parts.
@pytest.mark.parametrize("name", [n for n in SHOWN if sum(c.isalnum() for c in n) >= 6])
def test_searching_the_words_of_a_name_finds_it(payload_store, name):
    assert name in [m.caption for m in search_entities(payload_store, name, limit=50)]



def test_saved_and_ad_hoc_queries_take_the_names_as_parameters(payload_store):
    members = run(payload_store, "organization-members", {"organization": ORGANIZATION, "dataset": "payloads"})
    assert sorted(r["member"] for r in members.records()) == sorted(NAMES)
    assert {r["membership_role"] for r in members.records()} == {ROLE}
    for name in NAMES:
        provenance = run(payload_store, "entity-provenance", {"entity": name, "dataset": "payloads"}).records()
        assert {r["entity"] for r in provenance} == {name}
        [row] = run_cypher(payload_store, "MATCH (p:Person {name: $name}) RETURN p.name AS name",
                           {"name": name}).records()
        assert row["name"] == name
    assert payload_store.read("MATCH (n) WHERE n.pwned IS NOT NULL RETURN count(n) AS n")[0]["n"] == 0


@pytest.mark.parametrize("fmt", ["csv-nodes", "json", "ftm", "graphml", "gexf", "anx"])
def test_exports_hold_the_literal_names(payload_store, fmt):
    org = entity_id("payloads", "Organization", [ORGANIZATION])
    elements = subgraph_elements(neighbourhood(payload_store, org, limit=100))
    stamp = make_stamp(elements, f"neighbourhood of {ORGANIZATION}", {"entity": ORGANIZATION})
    text, name = export(elements, fmt, stamp)
    assert "/" not in name and "<" not in name
    if fmt == "csv-nodes":
        _, nodes = read_csv(text)
        labels = {r["label"] for r in nodes}
        # CSV: the literal names, a formula-like one with the leading ' a spreadsheet shows and never runs
        assert labels == {neutralise(n) for n in (*NAMES, ORGANIZATION)}
        assert any(label.startswith("'=") for label in labels)
    elif fmt == "json":
        labels = {n["label"] for n in json.loads(text)["nodes"]}
        assert labels == {*NAMES, ORGANIZATION}
    elif fmt == "ftm":
        entities = [json.loads(line) for line in text.splitlines()]
        names = {e["properties"]["name"][0] for e in entities if "name" in e["properties"]}
        assert names == {*NAMES, ORGANIZATION}
    else:
        root = ET.fromstring(text.encode("utf-8"))  # well-formed XML
        values = {el.text for el in root.iter() if el.text} | {
            v for el in root.iter() for v in el.attrib.values()}
        assert {*SHOWN, ORGANIZATION} <= values
        # XML 1.0 cannot hold a NUL character, even escaped: it is written as U+FFFD
        assert all(n.replace("\x00", "\ufffd") in values for n in NAMES)


def test_cli_error_quoting_a_markup_like_cell_is_one_plain_line(tmp_path, neo4j_env, payload_store):
    (tmp_path / "persons.csv").write_text("name,dob\nAna,[/x] [bold]not a date[/bold]\n", encoding="utf-8")
    cli = os.path.join(os.path.dirname(sys.executable), "chokepoint")
    done = subprocess.run([cli, "load", str(tmp_path / "persons.csv"), "--dataset", "markup", "--strict", "--json"],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "60"}, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "error: 1 row(s) would be rejected, nothing written; first: persons.csv: row 2: column dob: "
        "not a date (use yyyy-mm-dd): '[/x] [bold]not a date[/bold]'"]


# -- the app, in a real browser -----------------------------------------------------------------------

CY = "document.querySelector('#cy')?._cyreg?.cy"


@pytest.fixture()
def watched(page):
    """The page, failing the test if any dialog opens; ``window.__pwned`` is checked at the end."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    yield page
    assert page.evaluate("() => window.__pwned") is None
    injected = """() => [...document.querySelectorAll('[onload], [onerror], img[src="x"], script')]
                         .filter(e => e.tagName !== 'SCRIPT' || e.textContent.includes('__pwned')).length"""
    assert page.evaluate(injected) == 0  # no element a name carried became part of the page
    assert dialogs == []


@pytest.mark.browser
def test_the_app_shows_every_name_as_text_and_runs_none(payload_store, make_app, watched):
    page = watched
    url = make_app(payload_store)
    for name in SHOWN:
        page.goto(url + "?entity=" + person(name))
        page.wait_for_function(f"() => {CY}?.nodes().length === 2")
        heading = page.locator("#entity-details h4")
        heading.wait_for()
        assert heading.inner_text() == name
        assert sorted(page.evaluate(f"() => {CY}.nodes().map(n => n.data('label'))")) == sorted([name, ORGANIZATION])


@pytest.mark.browser
def test_search_suggestions_show_the_names_as_text(payload_store, make_app, watched):
    page = watched
    page.goto(make_app(payload_store))
    page.wait_for_selector("#cy canvas")
    for name in ["<script>window.__pwned=1</script>", "<img src=x onerror=\"window.__pwned=1\">",
                 "'}) MATCH (n) DETACH DELETE n //"]:
        page.click("#search")
        page.locator("input.dash-dropdown-search").fill(name)
        option = page.get_by_text(f"{name} (Person)", exact=True).first
        option.wait_for()
        option.click()
        page.locator("#entity-details h4", has_text=name).wait_for()
        assert page.locator("#entity-details h4").inner_text() == name
