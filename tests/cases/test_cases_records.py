"""The use cases of records, lessons and the database (chokepoint.cases.loading, .training, .database) against
the real Neo4j: what each returns is checked against the graph, the files and truth.json read here."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest

from chokepoint.cases import database, loading, training
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.graph.schema import SCHEMA

TINY = "tiny-couriers"
TINY_YAML = f"""\
name: {TINY}
title: A tiny courier case
scenario: poe-couriers
seed: 3
scale: 0.25
steps:
  - title: Everything
    narrative: The whole year, at a glance.
    reveal: {{phases: [1, 2, 3]}}
    question: top_crosser_phase1
  - title: The first months
    narrative: Phase 1 only, the ports and the crossings.
    reveal: {{phases: [1]}}
    view: {{relationships: [CROSSED_AT]}}
"""


def _count(store, cypher, **params):
    return store.read(cypher, **params)[0]["n"]


def _sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- loading -------------------------------------------------------------------------------------
def test_the_sample_loads_as_dataset_sample_and_its_loads_are_listed(clean, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the sample's default rejects report is written here
    report = loading.load_records(clean, sample=True)
    assert report.dataset == "sample" and report.paths == (loading.SAMPLE_CASE,)
    result = report.as_dict()
    assert result["rows_read"] == result["rows_loaded"] + result["rows_rejected"] > 0
    assert result["nodes_created"] == _count(clean, "MATCH (n:Entity {dataset: 'sample'}) RETURN count(n) AS n")
    files = sorted(p for p in loading.SAMPLE_CASE.iterdir() if p.suffix == ".csv")
    recorded = loading.loads(clean, "sample")
    assert sorted((r["file"], r["sha256"], r["status"]) for r in recorded) == \
        [(p.name, _sha256(p), "complete") for p in files]
    assert loading.loads(clean, "nothing") == []
    assert loading.datasets(clean) == ["sample"]
    assert loading.record_files(loading.SAMPLE_CASE) == {p.name: _sha256(p) for p in files}
    assert loading.files_not_loaded(clean, loading.SAMPLE_CASE, "sample") == []
    assert loading.files_not_loaded(clean, loading.SAMPLE_CASE, "other") == [p.name for p in files]


def test_a_load_is_named_by_its_first_path_unless_told_and_needs_paths_or_the_sample(clean, tmp_path):
    folder = tmp_path / "agency-x"
    folder.mkdir()
    (folder / "persons.csv").write_text("name,dob\nAna Ruiz,1980-01-02\nBo Li,1990-03-04\n", encoding="utf-8")
    assert loading.load_records(clean, [folder]).dataset == "agency-x"
    assert loading.load_records(clean, [folder / "persons.csv"]).dataset == "persons"
    named = loading.load_records(clean, [folder], dataset="mine", rejects=tmp_path / "r.csv")
    assert named.dataset == "mine"
    assert _count(clean, "MATCH (p:Person {dataset: 'mine'}) RETURN count(p) AS n") == 2
    assert loading.datasets(clean) == ["agency-x", "mine", "persons"]
    with pytest.raises(ChokepointError, match="one of them"):
        loading.load_records(clean)
    with pytest.raises(ChokepointError, match="one of them"):
        loading.load_records(clean, [folder], sample=True)
    assert loading.default_dataset([], sample=True) == "sample"


def test_a_network_import_reports_what_the_graph_then_holds(clean, tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("source,target,weight\nana,bo,2\nbo,cy,1\nana,,3\n", encoding="utf-8")
    report = loading.import_network(clean, path, "edgelist", "Person", "ASSOCIATED_WITH")
    result = report.as_dict()
    assert report.dataset == "ties" == result["dataset"]
    assert (result["rows_read"], result["edges_loaded"], result["rows_rejected"]) == (3, 2, 1)
    assert _count(clean, "MATCH (:Person {dataset: 'ties'})-[r:ASSOCIATED_WITH]->() RETURN count(r) AS n") == 2
    assert _count(clean, "MATCH (p:Person {dataset: 'ties'}) RETURN count(p) AS n") == result["nodes"] == 3
    assert "edgelist" in loading.NETWORK_FORMATS


def test_resolution_merges_and_splits_with_the_decisions_recorded(clean, tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "persons.csv").write_text("name,dob\nAndrés López,1979-04-12\nAndres Lopes,1979-04-12\n"
                                        "Marta Ruiz,1985-09-30\n", encoding="utf-8")
    loading.load_records(clean, [folder], dataset="r")
    andres, lopes = (entity_id("r", "Person", [n]) for n in ("Andrés López", "Andres Lopes"))
    [pair] = loading.candidates(clean, label="Person", dataset="r")
    assert {pair.a, pair.b} == {andres, lopes} and pair.score >= 85
    assert loading.decisions(clean) == []

    merged = loading.merge(clean, andres, lopes, why="same dob", who="a1")
    assert (merged.status, merged.kept, merged.merged, merged.who, merged.why, merged.label) == \
        ("active", andres, lopes, "a1", "same dob", "Person")
    assert merged.kept_caption == "Andrés López" and merged.merged_caption == "Andres Lopes"
    assert _count(clean, "MATCH (p:Person {dataset: 'r'}) RETURN count(p) AS n") == 2
    assert loading.decisions(clean) == [merged]

    undone = loading.split(clean, merged.id, why="two people", who="a2")
    assert (undone.id, undone.status, undone.undone_by, undone.undo_why) == (merged.id, "undone", "a2", "two people")
    assert _count(clean, "MATCH (p:Person {dataset: 'r'}) RETURN count(p) AS n") == 3
    row = clean.read("MATCH (d:Decision {id: $id}) RETURN properties(d) AS d", id=merged.id)[0]["d"]
    assert {k: row.get(k) for k in undone.as_dict()} == undone.as_dict()
    assert loading.candidates(clean, label="Person", dataset="r") == []  # a split pair is not proposed again


# -- the database --------------------------------------------------------------------------------
def test_status_counts_what_the_graph_holds(clean, neo4j_settings, tmp_path):
    loading.load_records(clean, [loading.SAMPLE_CASE], dataset="sample", rejects=tmp_path / "r.csv")
    found = database.status(neo4j_settings)
    assert found.connection == neo4j_settings.describe()
    assert found.neo4j["version"]
    for label in SCHEMA.nodes:
        n = _count(clean, f"MATCH (n:{label}) RETURN count(n) AS n")
        assert found.labels.get(label, 0) == n and (label in found.labels) == (n > 0)
    for rel in SCHEMA.relationships:
        n = _count(clean, f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n")
        assert found.relationships.get(rel, 0) == n
    assert found.labels["PortOfEntry"] == 3
    assert list(found.as_dict()) == ["connection", "neo4j", "labels", "relationships"]
    assert json.loads(json.dumps(found.as_dict()))["relationships"] == found.relationships


def test_the_schema_applies_once_and_shows_the_schema_file(store):
    again = database.apply_schema(store)
    assert again.created == 0 and again.existing > 0
    constraints = _count(store, "SHOW CONSTRAINTS YIELD name RETURN count(name) AS n")
    assert constraints and again.existing >= constraints
    shown = database.show_schema()
    assert "Person" in shown.nodes and "SHIPPED_TO" in shown.relationships
    assert set(shown.nodes) == set(SCHEMA.nodes)


def test_a_data_directory_with_no_local_neo4j_is_said_so(tmp_path):
    found = database.local_status(tmp_path)
    assert (found.data_dir, found.instance, found.running) == (tmp_path, None, False)
    assert database.stop_local(tmp_path) is False


# -- generated cases and lessons -------------------------------------------------------------------
def test_a_generated_case_reports_the_records_its_files_hold(tmp_path):
    assert "poe-couriers" in {s.name for s in training.scenarios()}
    case = training.generate_case("poe-couriers", 3, tmp_path / "case", scale=0.25)
    rows = {}
    for path in (tmp_path / "case").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            rows[path.name] = sum(1 for _ in csv.DictReader(f))
    assert {k: v for k, v in case.files.items() if v} == {k: v for k, v in rows.items() if v}
    assert case.records == sum(rows.values())
    truth = json.loads((tmp_path / "case" / "truth.json").read_text(encoding="utf-8"))
    assert case.entities == len(truth["entities"])
    result = case.as_dict()
    assert (result["scenario"], result["seed"], result["scale"], result["out"]) == \
        ("poe-couriers", 3, 0.25, str(tmp_path / "case"))
    with pytest.raises(ChokepointError):
        training.generate_case("no-such-scenario", 1, tmp_path / "x")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, store):
    """A fresh case cache and lessons folder with the tiny lesson; its case status before and after a load
    (into the module's clean store), and its truth.json as read here."""
    root = tmp_path_factory.mktemp("lessons")
    (root / "lessons").mkdir()
    (root / "lessons" / f"{TINY}.yaml").write_text(TINY_YAML, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CHOKEPOINT_CACHE", str(root / "cache"))
        mp.setenv("CHOKEPOINT_LESSONS", str(root / "lessons"))
        before = training.case_status(store, TINY)
        after = training.case_status(store, TINY, load=True)
        [folder] = (root / "cache" / "cases").iterdir()
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        yield store, before, after, folder, truth


def test_lessons_are_listed_and_shown_with_their_questions_in_words(tiny):
    names = [lesson.name for lesson in training.lessons()]
    assert "poe-couriers-101" in names and names[-1] == TINY
    outline = training.show_lesson(TINY)
    assert outline.lesson.name == TINY and len(outline.questions) == 2
    assert outline.questions[0].startswith("Which courier crossed the border most often in phase 1")
    assert outline.questions[1] == ""
    with pytest.raises(training.LessonError, match="no lesson named"):
        training.show_lesson("no-such-lesson")


def test_a_lesson_case_is_missing_until_loaded_then_loaded(tiny):
    store, before, after, folder, _ = tiny
    files = sorted(p.name for p in folder.glob("*.csv") if p.name != "rejects.csv")
    assert (before.lesson, before.dataset, before.loaded, before.load) == (TINY, TINY, False, None)
    assert list(before.missing) == files
    assert after.loaded and after.missing == () and training.case_status(store, TINY).loaded
    done = after.load
    assert done.dataset == TINY and done.folder == folder and done.rejects == folder / "rejects.csv"
    result = done.report.as_dict()
    assert result["rows_read"] == result["rows_loaded"] + result["rows_rejected"]
    assert result["rejects_report"] == (str(done.rejects) if result["rows_rejected"] else None)
    assert {r["file"] for r in loading.loads(store, TINY) if r["status"] == "complete"} == set(files)
    assert _count(store, "MATCH (n:Entity {dataset: $d}) RETURN count(n) AS n", d=TINY) > 0
    other = training.load_case(store, TINY, dataset="again")  # the same case under another name
    assert other.dataset == "again" and other.report.as_dict()["rows_loaded"] == result["rows_loaded"]
    assert _count(store, "MATCH (n:Entity {dataset: 'again'}) RETURN count(n) AS n") == \
        _count(store, "MATCH (n:Entity {dataset: $d}) RETURN count(n) AS n", d=TINY)


def test_a_step_has_its_phases_dates_and_reveals_within_them(tiny):
    store, *_, case = tiny
    phases = {p["phase"]: (dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
              for p in case["phases"]}
    first = training.lesson_step(TINY, 1)
    assert (first.number, first.steps, first.start, first.end) == \
        (1, 2, min(a for a, _ in phases.values()), max(b for _, b in phases.values()))
    second = training.lesson_step(TINY, 2)
    assert (second.start, second.end, second.question) == (*phases[1], "")
    with pytest.raises(training.LessonError, match="steps 1..2"):
        training.lesson_step(TINY, 3)

    narrowed = training.reveal_step(store, TINY, 2)
    whole = training.reveal_step(store, TINY, 2, use_view=False, limit=2000)
    assert narrowed.view == {"relationships": ["CROSSED_AT"]} and whole.view == {}
    assert narrowed.subgraph.edges and {e["type"] for e in narrowed.subgraph.edges} == {"CROSSED_AT"}
    assert {n["id"] for n in narrowed.subgraph.nodes} <= {n["id"] for n in whole.subgraph.nodes}
    lo, hi = phases[1]
    assert all(lo <= dt.date.fromisoformat(str(e["date"])) <= hi for e in whole.subgraph.edges if e.get("date"))
    assert _count(store, "MATCH (n:Entity) WHERE n.id IN $ids AND n.dataset <> $d RETURN count(n) AS n",
                  ids=[n["id"] for n in whole.subgraph.nodes], d=TINY) == 0
    capped = training.reveal_step(store, TINY, 1, use_view=False, limit=5)
    assert capped.subgraph.capped and len(capped.subgraph.nodes) == 5


def test_answers_are_graded_and_a_right_one_is_marked_by_its_graph_ids(tiny):
    store, *_, case = tiny
    q = next(q for q in case["questions"] if q["id"] == "top_crosser_phase1")
    entities = {e["key"]: e for e in case["entities"]}
    want = {entity_id(TINY, entities[k]["label"], [k]) for k in q["answer"]}
    assert _count(store, "MATCH (n:Entity) WHERE n.id IN $ids RETURN count(n) AS n", ids=list(want)) == len(want)

    right = training.check_answer(TINY, 1, "; ".join(q["answer"]), mark=True)
    assert right.feedback.verdict == "right" and set(right.marked) == want
    assert training.check_answer(TINY, 1, q["answer"][0]).marked == ()  # marks only when asked
    wrong_key = next(e["key"] for e in case["entities"] if e["role"] == "courier" and e["key"] not in q["answer"])
    wrong = training.check_answer(TINY, 1, wrong_key, mark=True)
    assert wrong.feedback.verdict == "wrong" and wrong.marked == ()

    shown = training.show_answer(TINY, 1)
    assert shown.expected == tuple(q["answer"]) and set(shown.marked) == want
    names = {e["key"]: e.get("name") for e in case["entities"]}
    assert shown.text == "; ".join(f"{k} ({names[k]})" if names.get(k) not in (None, k) else k for k in q["answer"])
    with pytest.raises(training.LessonError, match="asks no question"):
        training.show_answer(TINY, 2)
