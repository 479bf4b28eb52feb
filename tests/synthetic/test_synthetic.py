"""The synthetic case generator: determinism, truth consistent with the loaded graph, noise handled."""

import csv
import hashlib
import json

import pytest

from chokepoint.graph import ids
from chokepoint.loaders.load import load_records
from chokepoint.loaders.resolve import candidates, merge
from chokepoint.cases.scenario_answers import expected_ids, graph_answers
from chokepoint.queries.routes import chokepoints
from chokepoint.synthetic.generator import FILES, SCENARIOS, generate


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path, scenario):
    generate(scenario, 42, tmp_path / "a", scale=2)
    generate(scenario, 42, tmp_path / "b", scale=2)
    generate(scenario, 43, tmp_path / "c", scale=2)
    a = digests(tmp_path / "a")
    assert set(a) == {f"{name}.csv" for name in FILES} | {"truth.json"}
    assert a == digests(tmp_path / "b")
    assert a["shipments.csv"] != digests(tmp_path / "c")["shipments.csv"]


def test_truth_counts_what_was_written_and_every_entity_once(tmp_path):
    summary = generate("poe-couriers", 5, tmp_path, scale=3)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    for name in FILES:
        with open(tmp_path / f"{name}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[0] == list(FILES[name])
        assert truth["records"][f"{name}.csv"] == len(rows) - 1 == summary.records[f"{name}.csv"]
    keys = [(e["label"], e["key"]) for e in truth["entities"]]
    assert len(keys) == len(set(keys)) == summary.entities
    assert {e["role"] for e in truth["entities"]} >= {"courier", "cell_leader", "lab", "staging", "market"}
    assert [p["phase"] for p in truth["phases"]] == [1, 2, 3]
    # scale multiplies the cells
    assert len({e["cell"] for e in truth["entities"] if e["cell"] is not None}) == 12


def test_noise_zero_plants_nothing(tmp_path):
    generate("southbound-firearms", 1, tmp_path, noise=0)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["duplicates"] == [] and truth["invalid_rows"] == []


def test_bad_arguments_are_clear_errors(tmp_path):
    from chokepoint.graph.errors import ChokepointError

    with pytest.raises(ChokepointError, match="unknown scenario 'nope'; known: poe-couriers"):
        generate("nope", 1, tmp_path)
    with pytest.raises(ChokepointError, match="--scale must be positive"):
        generate("poe-couriers", 1, tmp_path, scale=0)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_loaded_case_answers_every_question_as_truth_says(clean, tmp_path, scenario):
    """Through the real loaders, noise and all: planted invalid rows are the rejects, planted spellings
    are resolved by normalisation or proposed as candidates, and after an analyst merges those the
    analytics give truth's answers."""
    folder = tmp_path / "case"
    generate(scenario, 3, folder, noise=0.3)  # a noisy case, so every kind of noise is planted
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    dataset = scenario.split("-")[0]
    summary = load_records(clean, folder, dataset=dataset, rejects_path=tmp_path / "rejects.csv")
    assert summary.rows_read == summary.rows_loaded + summary.rows_rejected
    assert summary.rows_read == sum(truth["records"].values())
    rejected = set()
    if summary.rejects_report:
        with open(summary.rejects_report, newline="", encoding="utf-8") as f:
            rejected = {(r["source_file"], int(r["row"]), r["column"]) for r in csv.DictReader(f)}
    assert rejected == {(r["file"], r["row"], r["column"]) for r in truth["invalid_rows"]}
    assert truth["invalid_rows"]
    assert {d["expected"] for d in truth["duplicates"]} == {"same entity", "resolve candidate"}

    merged = 0
    proposed = {frozenset((c.a, c.b)) for c in candidates(clean, label="Person", dataset=dataset, limit=10_000)}
    existing = {r["id"] for r in clean.read("MATCH (p:Person {dataset: $d}) RETURN p.id AS id", d=dataset)}
    for dup in truth["duplicates"]:
        canonical = ids.entity_id(dataset, "Person", [dup["key"]])
        variant = ids.entity_id(dataset, "Person", [dup["variant"]])
        if dup["expected"] == "same entity":
            assert variant == canonical, dup
        elif variant in existing:  # a planted spelling the records used: never silently a new person
            assert frozenset((canonical, variant)) in proposed, dup
            merge(clean, canonical, variant, why=f"test: planted {dup['kind']} variant")
            merged += 1
    assert merged
    expected = expected_ids(truth, dataset)
    assert all(expected.values()) and len(expected) == 3
    assert graph_answers(clean, dataset, truth) == expected


CUTS = {"precursor_chokepoint": ("supplier", "lab"), "lab_market_cut": ("lab", "market")}


@pytest.mark.parametrize("scenario", ["precursor-brokerage", "poe-couriers"])
@pytest.mark.parametrize("seed, scale", [(1, 0.5), (7, 1), (42, 2.5)])
def test_the_planted_cut_is_the_one_the_analytics_find_on_the_loaded_case(clean, tmp_path, scenario, seed, scale):
    """truth.json records the cut as the generator built it; ``queries.routes.chokepoints`` must find
    exactly that set on the loaded graph (at scale 0.5 a staging house serves one cell, so the
    stash-house tie-break is exercised too)."""
    folder = tmp_path / "case"
    generate(scenario, seed, folder, scale=scale)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    dataset = f"cut{seed}"
    load_records(clean, folder, dataset=dataset, rejects_path=tmp_path / "rejects.csv")
    labels = {e["key"]: e["label"] for e in truth["entities"]}
    asked = [q for q in truth["questions"] if q["id"] in CUTS]
    assert asked
    for q in asked:
        ends = [[ids.entity_id(dataset, e["label"], [e["key"]]) for e in truth["entities"] if e["role"] == role]
                for role in CUTS[q["id"]]]
        assert q["answer"]
        assert chokepoints(clean, *ends, dataset) == {ids.entity_id(dataset, labels[k], [k]) for k in q["answer"]}


def test_generate_cli_writes_the_case_and_reports_json(tmp_path):
    from typer.testing import CliRunner

    from chokepoint.cli.main import app

    result = CliRunner().invoke(app, ["generate", "--scenario", "precursor-brokerage", "--seed", "9",
                                      "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    assert report["records"] == sum(report["files"].values()) > 100
    assert (tmp_path / "truth.json").exists()
    result = CliRunner().invoke(app, ["generate", "--scenario", "nope", "--out", str(tmp_path)])
    assert result.exit_code != 0


def test_cells_are_communities_tied_together_only_by_brokers_with_heavy_tailed_calls(tmp_path):
    import networkx as nx

    from chokepoint.graph.normalise import phone

    generate("poe-couriers", 11, tmp_path, scale=5)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    spelled = {d["variant"]: d["key"] for d in truth["duplicates"]}
    with open(tmp_path / "phones.csv", newline="", encoding="utf-8") as f:
        owner = {phone(r["number"]): spelled.get(r["user"], r["user"]) for r in csv.DictReader(f)}
    role = {e["key"]: e for e in truth["entities"] if e["label"] == "Person"}
    cell_of = {phone(e["key"]): e["cell"] for e in truth["entities"] if e["label"] == "Phone"}
    calls = nx.Graph()
    with open(tmp_path / "communications.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            calls.add_edge(phone(r["from_phone"]), phone(r["to_phone"]))
    brokers = {p for p in calls if role.get(owner.get(p), {}).get("role") == "broker"}
    assert brokers and nx.is_connected(calls)
    calls.remove_nodes_from(brokers)
    cells = [{cell_of[p] for p in component} for component in nx.connected_components(calls)]
    assert all(role[owner[p]]["cell"] == cell_of[p] for p in calls if p in owner)
    assert all(len(c) == 1 for c in cells)                 # no call crosses cells except through a broker
    assert len(cells) == len({e["cell"] for e in role.values() if e["cell"] is not None}) == 20
    degrees = sorted(d for _, d in calls.degree())
    assert degrees[-1] >= 4 * degrees[len(degrees) // 2]  # leaders are hubs: a heavy tail
