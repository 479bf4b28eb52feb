"""Loading records into the real Neo4j: round-trip, idempotence, rejects, strict mode."""

import csv
import datetime as dt
import gc
import json
import shutil

import pytest

from chokepoint.graph.ids import entity_id
from chokepoint.loaders.load import SAMPLE_CASE, StrictLoadError, load_records
from chokepoint.loaders.pipeline import LOAD_THRESHOLDS
from chokepoint.loaders.readers import ReadError
from tests_support import canonical_hash, wipe_all


def test_sample_case_round_trips_properties(clean, tmp_path):
    summary = load_records(clean, SAMPLE_CASE, dataset="sample", rejects_path=tmp_path / "r.csv")
    assert summary.rows_read == summary.rows_loaded + summary.rows_rejected
    assert summary.rows_rejected == 0 and summary.rejects_report is None
    andres = entity_id("sample", "Person", ["Andrés López"])
    row = clean.read("MATCH (p:Person {id: $id}) RETURN properties(p) AS p", id=andres)[0]["p"]
    assert row["name"] == "Andrés López"
    assert row["dob"].to_native() == dt.date(1979, 4, 12)
    assert row["nationality"] == "MX"
    assert {"El Químico", "ANDRES LOPEZ"} <= set(row["aliases"])
    assert "persons.csv:2" in row["sources"]
    port = clean.read("MATCH (p:PortOfEntry {code: '2504'}) RETURN p.name AS name, p.lat AS lat")[0]
    assert port == {"name": "San Ysidro", "lat": pytest.approx(32.5422)}
    # the same person named in phones.csv, labs.csv and memberships.csv is one node
    assert clean.read("MATCH (p:Person {id: $id})-[:USES]->(ph:Phone) RETURN ph.number AS n", id=andres) == \
        [{"n": "+526671112233"}]
    leg = clean.read("MATCH (:Location {name: 'Tijuana'})-[r:SHIPPED_TO]->(p:PortOfEntry) "
                     "RETURN r.quantity AS q, r.unit AS u, r.date AS d, r.sources AS s, p.code AS code")[0]
    assert (leg["q"], leg["u"], leg["d"].to_native(), leg["code"]) == (15.0, "kg", dt.date(2024, 3, 5), "2504")
    assert leg["s"] == ["shipments.csv:6"]


def test_loads_run_the_garbage_collector_rarely_and_restore_it(clean, tmp_path):
    before = gc.get_threshold()
    seen = []
    load_records(clean, SAMPLE_CASE, dataset="sample", rejects_path=tmp_path / "r.csv",
                 progress=lambda name, rows: seen.append(gc.get_threshold()))
    assert seen and set(seen) == {LOAD_THRESHOLDS}
    assert gc.get_threshold() == before


def test_reload_gives_the_same_graph(clean, tmp_path):
    load_records(clean, SAMPLE_CASE, dataset="sample", rejects_path=tmp_path / "r.csv")
    first = canonical_hash(clean)
    again = load_records(clean, SAMPLE_CASE, dataset="sample", rejects_path=tmp_path / "r.csv")
    assert again.counters["nodes_created"] == 0 and again.counters["relationships_created"] == 0
    assert canonical_hash(clean) == first


def bad_records(tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_text(
        "name,dob,nationality\n"
        "Ana Soto,1990-01-02,MX\n"
        ",1991-01-01,US\n"                 # row 3: missing key
        "Beto Cruz,31/31/1990,MX\n"        # row 4: bad date
        "Carla Díaz,1992-02-02,US,extra\n",  # row 5: more cells than columns
        encoding="utf-8")
    (d / "shipments.csv").write_text(
        "shipment_id,from,from_type,to,to_type,quantity,date\n"
        "S1,Tijuana,Location,Ana Soto,Person,12,2024-01-01\n"
        "S2,Tijuana,Spaceship,Ana Soto,Person,3,2024-01-01\n"   # row 3: unknown type
        "S3,Tijuana,Location,Ana Soto,Person,lots,2024-01-01\n",  # row 4: bad number
        encoding="utf-8")
    return d


def test_bad_rows_go_to_rejects_with_file_row_column_reason(clean, tmp_path):
    d = bad_records(tmp_path)
    summary = load_records(clean, d, dataset="t")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (7, 2, 5)
    assert summary.files[0].columns_absent == ["aliases", "city", "org_role", "organization", "roles"]
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        rejects = list(csv.DictReader(f))
    found = {(r["source_file"], r["row"], r["column"]): r["reason"] for r in rejects}
    assert found[("persons.csv", "3", "name")] == "missing key for Person"
    assert "not a date" in found[("persons.csv", "4", "dob")]
    assert "more cells" in found[("persons.csv", "5", "")]
    assert "unknown type 'Spaceship'" in found[("shipments.csv", "3", "from_type")]
    assert "not a number" in found[("shipments.csv", "4", "quantity")]
    original = json.loads(next(r for r in rejects if r["row"] == "4" and r["source_file"] == "persons.csv")
                          ["original_values"])
    assert original["name"] == "Beto Cruz"
    names = {r["n"] for r in clean.read("MATCH (p:Person) RETURN p.name AS n")}
    assert names == {"Ana Soto"}


def test_strict_writes_nothing(clean, tmp_path):
    d = bad_records(tmp_path)
    with pytest.raises(StrictLoadError, match=r"5 row\(s\) would be rejected.*persons.csv: row 3: column name"):
        load_records(clean, d, dataset="t", strict=True)
    assert clean.read("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"] == 0


def test_unreadable_file_is_fatal_and_named(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    shutil.copy(SAMPLE_CASE / "persons.csv", d / "persons.csv")
    (d / "firearms.csv").write_text("serial,Serial\nA,B\n")  # loaded last, checked first
    with pytest.raises(ReadError, match=r"firearms.csv: row 1: duplicate column\(s\) serial"):
        load_records(clean, d, dataset="t")
    assert clean.read("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"] == 0


def test_a_short_first_line_is_a_reject_not_a_missing_column(clean, tmp_path):
    """The columns are checked against the header (the first line's cells once stood for it)."""
    d = tmp_path / "records"
    d.mkdir()
    (d / "supplies.csv").write_text("supplier,buyer,buyer_type\nJinlong\nAcme,Lab 1,Lab\n")
    summary = load_records(clean, d, dataset="t")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (2, 1, 1)
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        [reject] = list(csv.DictReader(f))
    assert (reject["row"], reject["column"], reject["reason"]) == (
        "2", "buyer_type", "unknown type ''; expected one of Organization, Person, Lab")


def test_cp1252_file_is_read(clean, tmp_path):
    d = tmp_path / "records"
    d.mkdir()
    (d / "persons.csv").write_bytes("name;nationality\nJosé Núñez;MX\n".encode("cp1252"))
    summary = load_records(clean, d, dataset="t")
    assert summary.rows_loaded == 1
    assert clean.read("MATCH (p:Person) RETURN p.name AS n") == [{"n": "José Núñez"}]


REJECT_CASES = [
    ("chemicals.csv", "name,controlled\nNPP,perhaps\n", "controlled", "not yes/no: 'perhaps'"),
    ("communications.csv", "from_phone,to_phone,duration_s\n+16195550101,+16195550102,1.5\n", "duration_s",
     "not a whole number: '1.5'"),
    ("ports.csv", "code,name,lat\n2504,San Ysidro,north\n", "lat", "not a number: 'north'"),
    ("supplies.csv", "supplier,buyer,buyer_type\nJinlong,Lab 1,Vessel\n", "buyer_type",
     "unknown type 'Vessel'; expected one of Organization, Person, Lab"),
    ("crossings.csv", "person,port,date\nAna Soto,,2024-01-01\n", "port", "missing key for PortOfEntry"),
    ("seizures.csv", "seizure_id,date\nCBP-1,yesterday\n", "date", "not a date (use yyyy-mm-dd): 'yesterday'"),
    ("persons.csv", "name,dob\n" + "Ana Soto " * 1_000 + ",1990-01-02\n", "name",
     "too long for a key: 8,999 bytes (at most 8,000)"),  # Neo4j's key index would refuse the whole chunk
    ("persons.csv", 'name,dob\nAna Soto,1990-01-02,"a\nb"\n', "",
     "more cells than the header has columns: 'a\\nb'"),  # a reason is one line
]


@pytest.mark.parametrize("file,text,column,reason", REJECT_CASES, ids=[c[0] for c in REJECT_CASES])
def test_every_reject_reason_names_file_row_and_column(clean, tmp_path, file, text, column, reason):
    d = tmp_path / "records"
    d.mkdir()
    (d / file).write_text(text, encoding="utf-8")
    summary = load_records(clean, d, dataset="t")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (1, 0, 1)
    with open(summary.rejects_report, newline="", encoding="utf-8") as f:
        [reject] = list(csv.DictReader(f))
    assert (reject["source_file"], reject["row"], reject["column"], reject["reason"]) == (file, "2", column, reason)
    assert clean.read("MATCH (n:Entity) RETURN count(n) AS n")[0]["n"] == 0  # a rejected row writes nothing


def test_relationship_endpoints_the_schema_forbids_are_rejected(clean, tmp_path):
    from chokepoint.loaders.mapping import load_mapping

    mapping = tmp_path / "m.yaml"
    mapping.write_text("sources:\n  links:\n    file: links\n    entities:\n"
                       "      a: {label: Person, key: a}\n"
                       "      b: {label_column: b_type, labels: [Organization, Phone], key: b}\n"
                       "    relationships:\n      - {type: MEMBER_OF, from: a, to: b}\n")
    (tmp_path / "links.csv").write_text("a,b,b_type\nAna,Grupo Delta,Organization\nAna,+16195550101,Phone\n")
    summary = load_records(clean, tmp_path / "links.csv", dataset="t", mapping=load_mapping(mapping),
                           rejects_path=tmp_path / "r.csv")
    assert (summary.rows_loaded, summary.rows_rejected) == (1, 1)
    assert "links.csv,3,b_type,MEMBER_OF cannot join Person to Phone" in (tmp_path / "r.csv").read_text()


def test_chunk_size_does_not_change_the_graph(clean, tmp_path, monkeypatch):
    """Chunks of one row exercise what the writer skips (entities it already wrote, unchanged) and
    what it must not skip (a new spelling of a courier named on earlier rows)."""
    from chokepoint.loaders import load as load_module

    d = tmp_path / "records"
    shutil.copytree(SAMPLE_CASE, d)
    (d / "shipments.csv").write_text(
        "shipment_id,from,from_type,to,to_type,quantity,date,courier,port\n"
        "X1,Tijuana,Location,San Diego,Location,1,2024-01-01,Ana Soto,2504\n"
        "X2,Tijuana,Location,San Diego,Location,2,2024-01-02,Ana Soto,2504\n"
        "X3,Tijuana,Location,San Diego,Location,3,2024-01-03,ANA SOTO,2504\n"
        "X4,Tijuana,Location,San Diego,Location,4,2024-01-04,Ana Soto,2504\n", encoding="utf-8")
    load_records(clean, d, dataset="chunks", rejects_path=tmp_path / "r.csv")
    whole = canonical_hash(clean)
    aliases = clean.read("MATCH (p:Person {name: 'Ana Soto'}) WHERE p.dataset = 'chunks' RETURN p.aliases AS a")
    assert "ANA SOTO" in aliases[0]["a"]
    wipe_all(clean)
    monkeypatch.setattr(load_module, "CHUNK_ROWS", 1)
    load_records(clean, d, dataset="chunks", rejects_path=tmp_path / "r.csv")
    assert canonical_hash(clean) == whole


def test_the_rejects_report_is_written_whatever_text_a_reject_holds(tmp_path):
    from chokepoint.loaders.rejects import RejectsReport
    from chokepoint.loaders.rows import Reject

    with RejectsReport(tmp_path / "r.csv") as report:
        report.add(Reject("p.jsonl", 3, "name", "not text", {"name": "A\ud800"}))  # no UTF-8 for it
    text = (tmp_path / "r.csv").read_text(encoding="utf-8")
    assert "p.jsonl,3,name,not text," in text and "A\\ud800" in text
