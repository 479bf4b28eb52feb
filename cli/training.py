"""Commands for trainers: synthetic cases and the lessons built on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import app, group, open_store, out, row_progress

train_app = group("train", "Trainer lessons: synthetic cases revealed step by step, answers graded.")


@app.command("generate")
def generate_case(
    scenario: Annotated[str, typer.Option(help="Scenario name (see --list).")] = "poe-couriers",
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives byte-identical files.")] = 1,
    scale: Annotated[float, typer.Option(help="Multiplies the cells: 1 is a classroom case, 5000 about "
                                              "1M entities.")] = 1.0,
    noise: Annotated[float, typer.Option(help="Rate of misspellings, format changes, duplicates, missing "
                                              "values (invalid rows at a tenth of it).")] = 0.05,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the record files and truth.json.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the scenarios and exit.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Generate a synthetic case: standard record files plus truth.json (roles, cells, answers)."""
    from chokepoint.cases import training

    if list_:
        t = Table("scenario", "title", "teaches")
        for sc in training.scenarios():
            t.add_row(sc.name, sc.title, sc.teaches)
        out.print(t)
        return
    if out_dir is None:
        raise typer.BadParameter("--out DIR is required")
    with row_progress(as_json) as bar:
        task = bar.add_task(f"generating {scenario}", total=None)
        case = training.generate_case(scenario, seed, out_dir, scale=scale, noise=noise,
                                      progress=lambda n: bar.advance(task, n))
    if as_json:
        print(json.dumps(case.as_dict(), indent=2))
    else:
        out.print(f"{scenario} (seed {seed}, scale {scale:g}): {case.records:,} records, "
                  f"{case.entities:,} entities in {case.seconds:.1f} s -> {out_dir} (truth.json beside them)",
                  highlight=False)


@train_app.command("list")
def train_list() -> None:
    """The lessons available (built in, and in $CHOKEPOINT_LESSONS)."""
    from chokepoint.cases import training

    t = Table("lesson", "title", "scenario", "steps")
    for lesson in training.lessons():
        t.add_row(lesson.name, lesson.title, lesson.scenario, str(len(lesson.steps)))
    out.print(t)


@train_app.command("show")
def train_show(name: Annotated[str, typer.Argument(help="Lesson name.")]) -> None:
    """A lesson's steps: narrative, what is revealed, the question (never the answer)."""
    from chokepoint.cases import training

    outline = training.show_lesson(name)
    lesson = outline.lesson
    out.print(f"[bold]{lesson.title}[/] ({lesson.scenario}, seed {lesson.seed}, scale {lesson.scale:g})")
    if lesson.description:
        out.print(lesson.description, highlight=False)
    for i, (step, question) in enumerate(zip(lesson.steps, outline.questions), start=1):
        out.print(f"\n[bold]Step {i}. {step.title}[/]  (phases {', '.join(map(str, step.reveal_phases))})")
        out.print(step.narrative, highlight=False)
        if question:
            out.print(f"[bold]Question:[/] {question}", highlight=False)


@train_app.command("load")
def train_load(
    name: Annotated[str, typer.Argument(help="Lesson name.")],
    dataset: Annotated[str | None, typer.Option(help="Dataset name (default: the lesson's name).")] = None,
) -> None:
    """Generate the lesson's case (cached) and load it into Neo4j through the standard loaders."""
    from chokepoint.cases import training

    lesson = training.lesson(name)  # an unknown lesson is said before any connection
    with open_store() as store:
        done = training.load_case(store, lesson, dataset=dataset)
    result = done.report.as_dict()
    out.print(f"lesson {done.lesson.name}: {result['rows_read']:,} rows read, {result['rows_loaded']:,} loaded, "
              f"{result['rows_rejected']:,} rejected (planted); dataset {done.dataset}", highlight=False)


@train_app.command("check")
def train_check(
    name: Annotated[str, typer.Argument(help="Lesson name.")],
    step: Annotated[int, typer.Option(help="Step number (from 1).")],
    answer: Annotated[str, typer.Option(help="Your answer: names or codes, several separated by ';'.")],
    reveal: Annotated[bool, typer.Option("--reveal", help="Also print the expected answer.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the feedback as JSON.")] = False,
) -> None:
    """Grade an answer to a step's question: right, partly right or wrong, and why."""
    from chokepoint.cases import training

    feedback = training.check_answer(name, step, answer).feedback
    if as_json:
        result = feedback.as_dict()
        if not reveal:
            result.pop("expected")
        print(json.dumps(result, indent=2))
    else:
        colour = {"right": "green", "partly right": "yellow", "wrong": "red"}[feedback.verdict]
        out.print(f"[bold {colour}]{feedback.verdict}[/]: {feedback.message}", highlight=False)
        if reveal:
            out.print(f"expected: {'; '.join(feedback.expected)}", highlight=False)
    if feedback.verdict != "right":
        raise typer.Exit(2)
