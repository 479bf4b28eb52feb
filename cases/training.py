"""Trainers' use cases: generate a synthetic case, the lessons built on such cases, a lesson's case in the
graph, a step revealed, an answer graded or shown.

Lessons and their ground truth come from :mod:`chokepoint.synthetic.training`; a lesson's case is loaded
through the standard loaders (:func:`chokepoint.cases.loading.load_records`), as dataset the lesson's
name unless told otherwise. Functions taking a ``lesson`` accept a lesson or its name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chokepoint.cases import loading
from chokepoint.graph.store import Store
from chokepoint.queries.neighbourhood import Subgraph
from chokepoint.queries.reveal import DEFAULT_LIMIT as STEP_LIMIT
from chokepoint.queries.reveal import revealed_subgraph
from chokepoint.synthetic import generator
from chokepoint.synthetic import training as syn
from chokepoint.synthetic.generator import Scenario
from chokepoint.synthetic.training import Feedback, Lesson, LessonError, Step

__all__ = ["Scenario", "Lesson", "Step", "Feedback", "LessonError", "Subgraph", "GeneratedCase", "LessonOutline",
           "LessonLoad", "CaseStatus", "LessonStep", "RevealedStep", "Checked", "Answer", "STEP_LIMIT",
           "scenarios", "generate_case", "lessons", "lesson", "show_lesson", "load_case", "case_status",
           "lesson_step", "reveal_step", "check_answer", "show_answer", "expected_text"]

# -- generated cases -----------------------------------------------------------------------------
@dataclass(frozen=True)
class GeneratedCase:
    """A generated case: record files plus ``truth.json`` in ``out``."""

    scenario: str
    seed: int
    scale: float
    noise: float
    out: Path
    entities: int
    records: int                                  # all record files together
    files: dict[str, int]                         # records per file
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "seed": self.seed, "scale": self.scale, "noise": self.noise,
                "out": str(self.out), "entities": self.entities, "records": self.records, "files": self.files,
                "seconds": round(self.seconds, 3)}


def scenarios() -> list[Scenario]:
    """The scenarios a case can be generated from (name, title, what each teaches)."""
    return list(generator.SCENARIOS.values())


def generate_case(scenario: str, seed: int, out: Path, scale: float = 1.0, noise: float = 0.05,
                  progress: Callable[[int], None] | None = None) -> GeneratedCase:
    """Write the record files and ``truth.json`` of ``scenario`` into ``out`` (the same seed, the same
    bytes); ``progress(records)`` is called as records are written."""
    summary = generator.generate(scenario, seed, out, scale=scale, noise=noise, progress=progress)
    return GeneratedCase(scenario=scenario, seed=seed, scale=scale, noise=noise, out=Path(out),
                         entities=summary.entities, records=summary.total_records, files=summary.records,
                         seconds=summary.seconds)


# -- lessons -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LessonOutline:
    """A lesson's steps as a trainee sees them: each step's question in words ("" for none), never its answer."""

    lesson: Lesson
    questions: tuple[str, ...]                    # one per step


def lessons() -> list[Lesson]:
    """Every lesson: the built-in ones, then those in ``$CHOKEPOINT_LESSONS``."""
    return syn.lessons()


def lesson(name: str | Lesson) -> Lesson:
    """The lesson of that name (:class:`LessonError` naming the known ones if there is none)."""
    return name if isinstance(name, Lesson) else syn.load_lesson(name)


def show_lesson(name: str | Lesson) -> LessonOutline:
    found = lesson(name)
    return LessonOutline(found, tuple(syn.question_text(s.question) if s.question else ""
                                      for s in found.steps))


# -- a lesson's case in the graph ----------------------------------------------------------------
@dataclass(frozen=True)
class LessonLoad:
    """A lesson's case loaded: the case folder (generated on first use, then cached) and the load."""

    lesson: Lesson
    folder: Path
    rejects: Path                                 # the planted errors' rejects report
    report: loading.LoadReport

    @property
    def dataset(self) -> str:
        return self.report.dataset


@dataclass(frozen=True)
class CaseStatus:
    """Whether the graph holds a lesson's case: the case files with no complete load in its dataset."""

    lesson: str
    dataset: str
    missing: tuple[str, ...]
    load: LessonLoad | None = field(default=None, compare=False)   # the load just done, when asked for one

    @property
    def loaded(self) -> bool:
        return not self.missing


def load_case(store: Store, name: str | Lesson, dataset: str | None = None) -> LessonLoad:
    """Generate the lesson's case (cached) and load it through the standard loaders, as ``dataset``
    (default: the lesson's name); the planted errors go to ``rejects.csv`` in the case folder."""
    found = lesson(name)
    folder = syn.case_dir(found)
    rejects = folder / "rejects.csv"
    report = loading.load_records(store, [folder], dataset=dataset or syn.dataset_of(found), rejects=rejects)
    return LessonLoad(found, folder, rejects, report)


def case_status(store: Store, name: str | Lesson, load: bool = False) -> CaseStatus:
    """Whether the lesson's case is in the graph (every case file loaded, those bytes, in the lesson's
    dataset); with ``load``, load it first."""
    found = lesson(name)
    done = load_case(store, found) if load else None
    dataset = syn.dataset_of(found)
    missing = loading.files_not_loaded(store, syn.case_dir(found), dataset)
    return CaseStatus(found.name, dataset, tuple(missing), done)


# -- a step --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LessonStep:
    """Step ``number`` (from 1) of a lesson: its dates, and its question in words ("" for none)."""

    lesson: Lesson
    number: int
    start: dt.date
    end: dt.date
    question: str

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.number - 1]

    @property
    def steps(self) -> int:
        return len(self.lesson.steps)


@dataclass(frozen=True)
class RevealedStep:
    """What a step reveals of the lesson's case: the entities and links, and the view that narrowed them."""

    step: LessonStep
    subgraph: Subgraph
    view: dict[str, Any]                          # the step's suggested view applied ({} when not)


def lesson_step(name: str | Lesson, number: int) -> LessonStep:
    found = lesson(name)
    if not 1 <= number <= len(found.steps):
        raise LessonError(f"lesson {found.name!r} has steps 1..{len(found.steps)}, not {number}")
    step = found.steps[number - 1]
    start, end = syn.revealed_dates(found, number)
    return LessonStep(found, number, start, end, syn.question_text(step.question) if step.question else "")


def reveal_step(store: Store, name: str | Lesson, number: int, use_view: bool = True,
                limit: int = STEP_LIMIT) -> RevealedStep:
    """The part of the lesson's case (its dataset) step ``number`` reveals: the step's window, from its
    named entities if it has any, narrowed by its suggested view when ``use_view``; at most ``limit``
    entities, the most active first."""
    shown = lesson_step(name, number)
    step, found = shown.step, shown.lesson
    start_ids = list(syn.entity_ids(found, step.reveal_entities).values()) if step.reveal_entities else ()
    view = step.view if use_view else {}
    sub = revealed_subgraph(store, syn.dataset_of(found), shown.start, shown.end, start_ids=start_ids,
                            rel_types=view.get("relationships") or (), labels=view.get("labels") or (), limit=limit)
    return RevealedStep(shown, sub, view)


# -- answers -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checked:
    """An answer graded: the feedback, and (when asked and right) the graph ids of the answer's entities."""

    feedback: Feedback
    marked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """A step's expected answer: the keys, in words (a port code with its name), and their graph ids."""

    expected: tuple[str, ...]
    text: str
    marked: tuple[str, ...]


def check_answer(name: str | Lesson, step: int, answer: str, mark: bool = False) -> Checked:
    """Grade ``answer`` (names or codes, several separated by ``;``) for the question of ``step``:
    right, partly right or wrong, and why. With ``mark``, a right answer's entities' ids too."""
    found = lesson(name)
    feedback = syn.check_answer(found, step, answer)
    if not (mark and feedback.verdict == "right"):
        return Checked(feedback)
    return Checked(feedback, tuple(syn.entity_ids(found, feedback.expected).values()))


def show_answer(name: str | Lesson, step: int) -> Answer:
    """The expected answer of ``step``'s question, for a trainee who gives up."""
    found = lesson(name)
    case = syn.truth(found)
    _, q = syn.question_of(found, step, case)
    expected = list(q["answer"])
    return Answer(tuple(expected), expected_text(expected, case),
                  tuple(syn.entity_ids(found, expected, case=case).values()))


def expected_text(expected: Sequence[str], case: dict) -> str:
    """The accepted answers, a port code with its name.

    >>> expected_text(["2506"], {"entities": [{"key": "2506", "name": "Otay Mesa"}]})
    '2506 (Otay Mesa)'
    """
    names = {e["key"]: e.get("name") for e in case["entities"]}
    return "; ".join(f"{k} ({names[k]})" if names.get(k) and names[k] != k else k for k in expected)
