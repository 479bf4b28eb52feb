"""Trainer lessons: files validated, answers graded right / partly right / wrong with reasons."""

import json

import pytest
from typer.testing import CliRunner

from chokepoint.cli.main import app
from chokepoint.synthetic.training import LessonError, check_answer, lessons, load_lesson, truth

runner = CliRunner()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CHOKEPOINT_CACHE", str(tmp_path / "cache"))


def answer_of(lesson, step):
    qid = lesson.steps[step - 1].question
    return next(q for q in truth(lesson)["questions"] if q["id"] == qid)


def test_three_built_in_lessons_each_ask_three_questions_of_their_scenario():
    found = {lesson.name: lesson for lesson in lessons()}
    assert {lesson.scenario for lesson in found.values()} == {"precursor-brokerage", "poe-couriers",
                                                             "southbound-firearms"}
    for lesson in found.values():
        assert sum(step.question is not None for step in lesson.steps) == 3


@pytest.mark.parametrize("name", ["precursor-brokerage-101", "poe-couriers-101", "southbound-firearms-101"])
def test_truths_answer_is_right_and_another_entity_is_wrong_with_its_role(name):
    lesson = load_lesson(name)
    for k, step in enumerate(lesson.steps, start=1):
        if not step.question:
            continue
        q = answer_of(lesson, k)
        assert check_answer(lesson, k, q["answer"][0].upper() if q["kind"] == "one of" else
                            "; ".join(q["answer"])).verdict == "right"
        other = next(e for e in truth(lesson)["entities"] if e["role"] == "courier" and e["key"] not in q["answer"])
        feedback = check_answer(lesson, k, other["key"])
        assert feedback.verdict == "wrong"
        assert f"{other['key']} is a courier in cell {other['cell']}, not the answer" in feedback.message
        assert step.hint in feedback.message


def test_sets_are_partly_right_with_what_is_missing_and_what_is_not_needed():
    lesson = load_lesson("poe-couriers-101")
    step = next(k for k, s in enumerate(lesson.steps, start=1) if s.question == "lab_market_cut")
    expected = answer_of(lesson, step)["answer"]
    assert len(expected) == 2
    feedback = check_answer(lesson, step, f"{expected[0]}; Nobody Known")
    assert feedback.verdict == "partly right"
    assert feedback.message == "Partly right: 1 of 2 right; 1 missing; not needed: Nobody Known."
    assert check_answer(lesson, step, " ; ".join(reversed(expected))).verdict == "right"


def test_a_port_may_be_named_instead_of_its_code():
    lesson = load_lesson("poe-couriers-101")
    step = next(k for k, s in enumerate(lesson.steps, start=1) if s.question == "busiest_port_phase2")
    code = answer_of(lesson, step)["answer"][0]
    name = next(e["name"] for e in truth(lesson)["entities"] if e["label"] == "PortOfEntry" and e["key"] == code)
    assert check_answer(lesson, step, name.lower()).verdict == "right"


def test_step_without_question_and_step_out_of_range_are_clear_errors():
    lesson = load_lesson("poe-couriers-101")
    with pytest.raises(LessonError, match="step 1 of lesson 'poe-couriers-101' asks no question"):
        check_answer(lesson, 1, "x")
    with pytest.raises(LessonError, match="has steps 1..4, not 9"):
        check_answer(lesson, 9, "x")


def test_bad_lesson_file_names_every_mistake(tmp_path, monkeypatch):
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "name: bad\ntitle: Bad\nscenario: poe-couriers\nseed: 1\nsteps:\n"
        "  - {title: A, narrative: x, question: top_dealer_traced}\n"
        "  - {title: B, narrative: y, reveal: {phases: [4]}}\n  - {narrative: z}\n"
        "  - {title: D, narrative: w, reveal: {to: '2024-13-01', until: x}}\n", encoding="utf-8")
    monkeypatch.setenv("CHOKEPOINT_LESSONS", str(folder))
    with pytest.raises(LessonError) as err:
        lessons()
    message = str(err.value)
    assert str(folder / "bad.yaml") in message
    assert "step 1: question 'top_dealer_traced' is not one of scenario 'poe-couriers''s" in message
    assert "step 2: reveal phases [4] outside 1..3" in message
    assert "step 3: needs a title and a narrative" in message
    assert "step 4: reveal has unknown key(s) until; known: phases, from, to, entities" in message
    assert "step 4: reveal to '2024-13-01' is not a date" in message


def test_a_step_reveals_its_phases_narrowed_by_a_time_window(tmp_path, monkeypatch):
    import datetime as dt

    from chokepoint.synthetic.training import revealed_dates

    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "w.yaml").write_text(
        "name: window\ntitle: W\nscenario: poe-couriers\nseed: 1\nsteps:\n"
        "  - {title: A, narrative: x, reveal: {phases: [1]}}\n"
        "  - {title: B, narrative: y, reveal: {phases: [2, 3], from: 2024-06-01, to: 2024-12-01}}\n"
        "  - {title: C, narrative: z, reveal: {entities: [Lab Culiacán 1]}}\n", encoding="utf-8")
    monkeypatch.setenv("CHOKEPOINT_LESSONS", str(folder))
    lesson = load_lesson("window")
    phases = {p["phase"]: p for p in truth(lesson)["phases"]}
    assert revealed_dates(lesson, 1) == (dt.date(2024, 1, 1), dt.date.fromisoformat(phases[1]["end"]))
    assert revealed_dates(lesson, 2) == (dt.date(2024, 6, 1), dt.date(2024, 12, 1))
    assert revealed_dates(lesson, 3) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert lesson.steps[2].reveal_entities == ("Lab Culiacán 1",)


def test_train_cli_lists_shows_and_checks_without_revealing_unless_asked():
    result = runner.invoke(app, ["train", "list"])
    assert result.exit_code == 0 and "poe-couriers-101" in result.output
    result = runner.invoke(app, ["train", "show", "precursor-brokerage-101"])
    assert result.exit_code == 0
    lesson = load_lesson("precursor-brokerage-101")
    answer = answer_of(lesson, 2)["answer"][0]
    assert "Question: Which organisation(s) sit on every precursor route" in result.output
    assert answer not in result.output
    wrong = runner.invoke(app, ["train", "check", "precursor-brokerage-101", "--step", "2", "--answer", "Nobody",
                                "--json"])
    assert wrong.exit_code == 2
    assert json.loads(wrong.stdout) == {"verdict": "wrong", "message": "Not right: Nobody is not an entity of "
                                        "this case. Hint: " + lesson.steps[1].hint}
    right = runner.invoke(app, ["train", "check", "precursor-brokerage-101", "--step", "2", "--answer", answer,
                                "--reveal"])
    assert right.exit_code == 0 and "right" in right.output and f"expected: {answer}" in right.output


def test_train_load_puts_the_case_in_neo4j_with_its_planted_rejects(clean, neo4j_env):
    result = runner.invoke(app, ["train", "load", "southbound-firearms-101", "--dataset", "lesson"])
    assert result.exit_code == 0, result.output
    lesson = load_lesson("southbound-firearms-101")
    case = truth(lesson)
    assert f"{len(case['invalid_rows'])} rejected (planted)" in result.output
    n = clean.read("MATCH (f:Firearm {dataset: 'lesson'}) RETURN count(f) AS n")[0]["n"]
    assert n == sum(e["label"] == "Firearm" for e in case["entities"])


def test_a_changed_generator_makes_a_new_case_instead_of_reusing_the_cached_one(monkeypatch):
    import chokepoint.synthetic.training as training

    lesson = load_lesson("precursor-brokerage-101")
    first = training.case_dir(lesson)
    assert (first / "truth.json").exists()
    monkeypatch.setattr(training, "_generator_digest", lambda: "other-code")
    second = training.case_dir(lesson)
    assert second != first and (second / "truth.json").exists()
