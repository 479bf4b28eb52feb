"""Entity resolution by deterministic normalisation, provenance and load records, corrected files."""

import pytest

from chokepoint.graph.normalise import company_name, person_name, phone, plate, text
from chokepoint.loaders.load import load_records
from chokepoint.loaders.provenance import loads


@pytest.mark.parametrize("a,b", [
    ("Andrés López", "ANDRES LOPEZ"),
    ("José Ángel Núñez", "jose angel nunez"),
    ("María  de la  Peña", "Maria de la Pena"),
    ("Françoise D'Arcy", "FRANCOISE DARCY"),
    ("Ελένη", "eleni"),
])
def test_text_rule(a, b):
    assert text(a) == text(b)


@pytest.mark.parametrize("a,b", [
    ("López, Andrés", "Andrés López"),
    ("PEÑA NIETO, ENRIQUE", "Enrique Peña Nieto"),
])
def test_person_name_rule(a, b):
    assert person_name(a) == person_name(b)


@pytest.mark.parametrize("a,b", [
    ("Pacific Rim Trading S.A. de C.V.", "PACIFIC RIM TRADING"),
    ("Pacific Rim Trading, SA de CV", "Pacific Rim Trading"),
    ("Hubei Jinlong Chemical Co., Ltd.", "HUBEI JINLONG CHEMICAL"),
    ("Rhein Chemie GmbH", "rhein chemie"),
    ("Desert Arms LLC", "Desert Arms"),
    ("Transportes del Norte S. de R.L. de C.V.", "Transportes del Norte"),
])
def test_company_rule(a, b):
    assert company_name(a) == company_name(b)


def test_company_rule_keeps_a_name_that_is_only_a_suffix():
    assert company_name("Co.") == "co"


@pytest.mark.parametrize("raw,e164", [
    ("(619) 555-0101", "+16195550101"),
    ("+1 619 555 0101", "+16195550101"),
    ("1-619-555-0101", "+16195550101"),
    ("+52 667 111 2233", "+526671112233"),
    ("00 52 667 111 2233", "+526671112233"),
])
def test_phone_rule(raw, e164):
    assert phone(raw) == e164


def test_phone_rule_falls_back_to_digits_and_plate_rule():
    assert phone("ext 12") == "12"
    assert plate(" 7abc-123 ") == plate("7ABC123") == "7ABC123"


def test_spellings_across_files_become_one_entity_with_every_alias(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_text("name,nationality\nAndrés López,MX\nJosé Núñez,MX\n", encoding="utf-8")
    (d / "phones.csv").write_text("number,user\n+52 (667) 111-2233,\"LOPEZ, ANDRES\"\n+1 619 555 0101,jose nunez\n",
                                  encoding="utf-8")
    (d / "memberships.csv").write_text("person,organization\nANDRES LOPEZ,Grupo Delta S.A. de C.V.\n"
                                       "Andres  Lopez,GRUPO DELTA\n", encoding="utf-8")
    (d / "communications.csv").write_text("from_phone,to_phone,date\n+52 667 111 2233,6195550101,2024-01-02\n",
                                          encoding="utf-8")
    summary = load_records(clean, d, dataset="r")
    assert summary.rows_rejected == 0
    people = clean.read("MATCH (p:Person) RETURN p.name AS name, p.aliases AS aliases ORDER BY name")
    assert [p["name"] for p in people] == ["Andrés López", "José Núñez"]
    assert set(people[0]["aliases"]) == {"Andrés López", "LOPEZ, ANDRES", "ANDRES LOPEZ", "Andres  Lopez"}
    orgs = clean.read("MATCH (o:Organization) RETURN o.name AS name, o.aliases AS aliases")
    assert len(orgs) == 1 and set(orgs[0]["aliases"]) == {"Grupo Delta S.A. de C.V.", "GRUPO DELTA"}
    # phones are stored in E.164 whatever their spelling, and the call joins the two known phones
    calls = clean.read("MATCH (a:Phone)-[:CALLED]->(b:Phone) RETURN a.number AS a, b.number AS b")
    assert calls == [{"a": "+526671112233", "b": "+16195550101"}]
    assert clean.read("MATCH (p:Phone) RETURN count(p) AS n")[0]["n"] == 2
    owner = clean.read("MATCH (p:Person)-[:USES]->(:Phone {number: '+526671112233'}) RETURN p.name AS n")
    assert owner == [{"n": "Andrés López"}]


def test_load_records_and_provenance(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_text("name,nationality\nAna Soto,MX\nBeto Cruz,US\n")
    summary = load_records(clean, d, dataset="p")
    [record] = loads(clean, dataset="p")
    assert record["status"] == "complete" and record["file"] == "persons.csv"
    assert (record["rows_read"], record["rows_loaded"], record["rows_rejected"]) == (2, 2, 0)
    assert record["sha256"] == summary.files[0].sha256 and record["finished"]
    ana = clean.read("MATCH (p:Person {name: 'Ana Soto'}) RETURN p.sources AS s, p.loads AS l, p.dataset AS d")[0]
    assert ana == {"s": ["persons.csv:2"], "l": [record["id"]], "d": "p"}
    load_records(clean, d, dataset="p")  # the same bytes again: the same load, nothing new
    assert [r["id"] for r in loads(clean, dataset="p")] == [record["id"]]


def test_corrected_file_updates_properties_and_records_a_second_load(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_text("name,nationality,dob\nAna Soto,MX,1990-01-02\n")
    load_records(clean, d, dataset="p")
    (d / "persons.csv").write_text("name,nationality,dob\nAna Soto,US,1990-01-02\n")
    summary = load_records(clean, d, dataset="p")
    assert summary.counters["nodes_created"] == 0
    rows = clean.read("MATCH (p:Person) RETURN p.nationality AS c, size(p.loads) AS loads")
    assert rows == [{"c": "US", "loads": 2}]
    assert len(loads(clean, dataset="p")) == 2
