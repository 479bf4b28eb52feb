"""Trainer lessons: a synthetic case revealed step by step, with questions graded against ground truth.

A lesson is a YAML file (``synthetic/lessons/*.yaml``, or a folder named by ``CHOKEPOINT_LESSONS``)
naming a scenario, seed and scale, and a list of steps: narrative, what is revealed (phases, a time
window, or named entities), an optional suggested view, and an optional question of the scenario. Expected answers are never written
in the lesson: they come from the case's ``truth.json``, which the generator computes from what it
wrote (see docs/training.md).

    >>> lesson = load_lesson("poe-couriers-101")
    >>> lesson.scenario, len(lesson.steps) > 2
    ('poe-couriers', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.ids import entity_id
from chokepoint.graph.normalise import text
from chokepoint.synthetic.generator import QUESTION_TEXT, SCENARIOS, generate

__all__ = ["Lesson", "Step", "Feedback", "LessonError", "lessons", "load_lesson", "case_dir", "truth",
           "check_answer", "revealed_dates", "dataset_of", "entity_ids"]

LESSONS = Path(__file__).with_name("lessons")
_SEPARATORS = (";", "|", "\n")


class LessonError(ChokepointError):
    """A lesson file that cannot be used, or a step or answer that does not fit it."""


@dataclass(frozen=True)
class Step:
    title: str
    narrative: str
    reveal_phases: tuple[int, ...]                  # phases shown (all unless the step narrows it)
    reveal_window: tuple[dt.date | None, dt.date | None] = (None, None)  # dates shown, within those phases
    reveal_entities: tuple[str, ...] = ()          # keys of the entities to start from (empty: all)
    view: dict[str, Any] = field(default_factory=dict)
    question: str | None = None
    hint: str = ""


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    description: str
    scenario: str
    seed: int
    scale: float
    noise: float
    steps: tuple[Step, ...]
    path: Path


@dataclass
class Feedback:
    verdict: str            # "right", "partly right" or "wrong"
    message: str
    expected: list[str]     # the accepted answer(s); shown only when asked for

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "message": self.message, "expected": self.expected}


def _folders() -> list[Path]:
    extra = os.environ.get("CHOKEPOINT_LESSONS")
    return [LESSONS, *([Path(extra)] if extra else [])]


def lessons() -> list[Lesson]:
    """Every lesson: the built-in ones, then those in ``$CHOKEPOINT_LESSONS``."""
    found: dict[str, Lesson] = {}
    for folder in _folders():
        for path in sorted(folder.glob("*.yaml")):
            lesson = _read(path)
            found[lesson.name] = lesson
    return list(found.values())


def load_lesson(name: str) -> Lesson:
    for lesson in lessons():
        if lesson.name == name:
            return lesson
    known = ", ".join(sorted(lesson.name for lesson in lessons()))
    raise LessonError(f"no lesson named {name!r}; known: {known}")


def _read(path: Path) -> Lesson:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, ValueError) as e:  # ValueError: a YAML date that is no date (2024-13-01)
        raise LessonError(f"{path}: not valid YAML: {e}") from None
    problems = []
    scenario = raw.get("scenario")
    if scenario not in SCENARIOS:
        problems.append(f"scenario {scenario!r} is not one of {', '.join(sorted(SCENARIOS))}")
    for key in ("name", "title", "seed"):
        if key not in raw:
            problems.append(f"missing {key!r}")
    steps = []
    phases = SCENARIOS[scenario].phases if scenario in SCENARIOS else 0
    for i, s in enumerate(raw.get("steps") or [], start=1):
        question = s.get("question")
        if question is not None and scenario in SCENARIOS and question not in SCENARIOS[scenario].questions:
            problems.append(f"step {i}: question {question!r} is not one of scenario {scenario!r}'s: "
                            f"{', '.join(SCENARIOS[scenario].questions)}")
        spec = s.get("reveal") or {}
        unknown = set(spec) - {"phases", "from", "to", "entities"}
        if unknown:
            problems.append(f"step {i}: reveal has unknown key(s) {', '.join(sorted(unknown))}; "
                            "known: phases, from, to, entities")
        reveal = tuple(spec.get("phases", range(1, phases + 1)))
        if any(not 1 <= p <= phases for p in reveal):
            problems.append(f"step {i}: reveal phases {list(reveal)} outside 1..{phases}")
        window = []
        for key in ("from", "to"):
            value = spec.get(key)
            try:
                window.append(None if value is None else dt.date.fromisoformat(str(value)))
            except ValueError:
                problems.append(f"step {i}: reveal {key} {value!r} is not a date (yyyy-mm-dd)")
                window.append(None)
        if not s.get("title") or not s.get("narrative"):
            problems.append(f"step {i}: needs a title and a narrative")
        steps.append(Step(title=s.get("title", ""), narrative=str(s.get("narrative", "")).strip(),
                          reveal_phases=reveal, reveal_window=tuple(window),
                          reveal_entities=tuple(str(e) for e in spec.get("entities") or ()),
                          view=dict(s.get("view") or {}), question=question,
                          hint=str(s.get("hint", "")).strip()))
    if not steps:
        problems.append("no steps")
    if problems:
        raise LessonError(f"{path}: " + "; ".join(problems))
    return Lesson(name=str(raw["name"]), title=str(raw["title"]), description=str(raw.get("description", "")),
                  scenario=scenario, seed=int(raw["seed"]), scale=float(raw.get("scale", 1)),
                  noise=float(raw.get("noise", 0.05)), steps=tuple(steps), path=path)


def case_dir(lesson: Lesson) -> Path:
    """Where the lesson's generated case lives (``$CHOKEPOINT_CACHE`` or ``~/.cache/chokepoint``); made
    on first use. Generation is deterministic, so the folder is a cache, never a source of truth."""
    root = Path(os.environ.get("CHOKEPOINT_CACHE") or Path.home() / ".cache" / "chokepoint") / "cases"
    folder = root / (f"{lesson.scenario}-seed{lesson.seed}-scale{lesson.scale:g}-noise{lesson.noise:g}"
                     f"-{_generator_digest()}")
    if not (folder / "truth.json").exists():
        generate(lesson.scenario, lesson.seed, folder, scale=lesson.scale, noise=lesson.noise)
    return folder


@cache
def _generator_digest() -> str:
    """Short hash of the generator's code: a changed generator makes new cases, never reuses old ones."""
    digest = hashlib.sha256()
    for name in ("generator.py", "pools.py"):
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()[:12]


def truth(lesson: Lesson) -> dict[str, Any]:
    with open(case_dir(lesson) / "truth.json", encoding="utf-8") as f:
        return json.load(f)


def revealed_dates(lesson: Lesson, step: int) -> tuple[dt.date, dt.date]:
    """The date window a step shows: its phases' span, narrowed by its ``from``/``to``."""
    s = lesson.steps[step - 1]
    spans = [(dt.date.fromisoformat(p["start"]), dt.date.fromisoformat(p["end"]))
             for p in truth(lesson)["phases"] if p["phase"] in s.reveal_phases]
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    lo, hi = s.reveal_window
    return max(start, lo or start), min(end, hi or end)


def dataset_of(lesson: Lesson) -> str:
    """The dataset a lesson's case is loaded as by default (``chokepoint train load``): its name."""
    return lesson.name


def entity_ids(lesson: Lesson, keys: list[str] | tuple[str, ...], dataset: str | None = None,
               case: dict[str, Any] | None = None) -> dict[str, str]:
    """``{key: graph id}`` for entities of the case named by their key (as in ``truth.json``, a step's
    ``reveal.entities`` or a ``Feedback.expected``), loaded as ``dataset`` (default: the lesson's).

    A port's name is as good as its code and a planted variant as good as the name, as in grading.

    >>> case = {"entities": [{"label": "PortOfEntry", "key": "2506", "name": "Otay Mesa"}], "duplicates": []}
    >>> entity_ids(load_lesson("poe-couriers-101"), ["Otay Mesa"], case=case)["Otay Mesa"][:29]
    'poe-couriers-101:portofentry:'
    """
    case = case or truth(lesson)
    spellings, labels = _spellings(case), {_key(e["key"]): e for e in case["entities"]}
    out, unknown = {}, []
    for key in keys:
        e = labels.get(_key(spellings.get(_key(key), key)))
        if e is None:
            unknown.append(key)
        else:
            out[key] = entity_id(dataset or dataset_of(lesson), e["label"], [e["key"]])
    if unknown:
        raise LessonError(f"not an entity of the case of lesson {lesson.name!r}: {', '.join(unknown)}")
    return out


def question_of(lesson: Lesson, step: int, case: dict[str, Any] | None = None) -> tuple[Step, dict[str, Any]]:
    """The step and its question (with the expected answer) from the case's truth."""
    if not 1 <= step <= len(lesson.steps):
        raise LessonError(f"lesson {lesson.name!r} has steps 1..{len(lesson.steps)}, not {step}")
    s = lesson.steps[step - 1]
    if s.question is None:
        raise LessonError(f"step {step} of lesson {lesson.name!r} asks no question")
    q = next(q for q in (case or truth(lesson))["questions"] if q["id"] == s.question)
    return s, q


def check_answer(lesson: Lesson, step: int, answer: str) -> Feedback:
    """Grade ``answer`` (names or codes; several separated by ``;``) for the question of ``step``."""
    case = truth(lesson)
    s, q = question_of(lesson, step, case)
    spellings = _spellings(case)
    given = [a.strip() for a in _split(answer) if a.strip()]
    if not given:
        raise LessonError("an empty answer: name one or more entities, separated by ';'")
    expected = list(q["answer"])
    canon = {_key(e): e for e in expected}
    named = [spellings.get(_key(a), a) for a in given]
    hits = {n for n in named if _key(n) in canon}
    misses = [n for n in named if _key(n) not in canon]
    roles = _roles(case)
    if q["kind"] == "one of":
        if hits and not misses:
            note = " (it ties with another answer)" if len(expected) > 1 else ""
            return Feedback("right", f"Right: {', '.join(sorted(hits))}{note}.", expected)
        if hits:
            return Feedback("partly right", f"{', '.join(sorted(hits))} is right, but the question asks for one "
                            f"answer and {', '.join(misses)} is not it.", expected)
        return Feedback("wrong", _wrong(misses, roles, s.hint), expected)
    missing = len(set(canon) - {_key(h) for h in hits})
    if hits == {canon[k] for k in canon} and not misses:
        return Feedback("right", f"Right: {', '.join(sorted(hits))}.", expected)
    if hits:
        parts = [f"{len(hits)} of {len(expected)} right"]
        if missing:
            parts.append(f"{missing} missing")
        if misses:
            parts.append(f"not needed: {', '.join(misses)}")
        return Feedback("partly right", "Partly right: " + "; ".join(parts) + ".", expected)
    return Feedback("wrong", _wrong(misses, roles, s.hint), expected)


def _split(answer: str) -> list[str]:
    parts = [answer]
    for sep in _SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    return parts


def _key(name: str) -> str:
    return text(name)


def _spellings(case: dict[str, Any]) -> dict[str, str]:
    """Other names a trainee may use for an answer: port names for port codes, planted variants."""
    out = {}
    for e in case["entities"]:
        if e["label"] == "PortOfEntry" and e.get("name"):
            out[_key(e["name"])] = e["key"]
    for d in case["duplicates"]:
        out[_key(d["variant"])] = d["key"]
    return out


def _roles(case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {_key(e["key"]): e for e in case["entities"]}


def _wrong(misses: list[str], roles: dict[str, dict[str, Any]], hint: str) -> str:
    why = []
    for m in misses:
        e = roles.get(_key(m))
        if e is None:
            why.append(f"{m} is not an entity of this case")
        else:
            where = f" in cell {e['cell']}" if e.get("cell") is not None else ""
            why.append(f"{m} is a {e['role'].replace('_', ' ')}{where}, not the answer")
    return "Not right: " + "; ".join(why) + "." + (f" Hint: {hint}" if hint else "")


def question_text(question: str) -> str:
    return QUESTION_TEXT[question]
