"""Trainer mode: a lesson's synthetic case revealed step by step, with questions graded against its truth.

A trainer picks a lesson (``synthetic/lessons``), loads its case (the same use case ``chokepoint train
load`` runs), and walks the class through it: each step's narrative, the part of the case the step
reveals drawn on the canvas, the suggested view, and the question. Trainees answer by typing names or
by selecting entities on the canvas; ``cases.training.check_answer`` grades the answer from the
case's ``truth.json``, and a right answer is marked on the canvas.

The lesson and step live in the URL (``?tab=trainer&lesson=NAME&step=K``), so a link opens that step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import parse_qs, urlencode

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from chokepoint.app import ids, positions, view
from chokepoint.app.canvas import LAYOUTS
from chokepoint.app.elements import subgraph_elements
from chokepoint.app.widgets import remark
from chokepoint.cases import training
from chokepoint.cases.loading import missing_files
from chokepoint.cases.training import Subgraph, expected_text
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.store import Store

# missing_files and expected_text are the use cases' (chokepoint.cases), kept importable from here
__all__ = ["layout", "register", "TRAINER_LIMIT", "lesson_options", "parse_link", "link_search", "reveal_text",
           "suggested_text", "suggested_layout", "answer_from_selection", "reveal_notice", "missing_files",
           "step_subgraph", "expected_text"]

#: the most entities a step draws on the canvas (the most active in the step's window first)
TRAINER_LIMIT = 800

LESSON = "trainer-lesson"
STATE = "trainer-state"            # {"lesson": name, "step": k} (k from 1)
CASE = "trainer-case"              # {"lesson": name, "loaded": bool, "missing": [file names]}
CASE_STATUS = "trainer-case-status"
LOAD = "trainer-load"
PREV, NEXT = "trainer-prev", "trainer-next"
STEP_TITLE = "trainer-step-title"
NARRATIVE = "trainer-narrative"
REVEAL = "trainer-reveal"
SUGGESTED = "trainer-suggested"
USE_VIEW = "trainer-use-view"
SHOW = "trainer-show"
QUESTION_BOX = "trainer-question-box"
QUESTION = "trainer-question"
ANSWER = "trainer-answer"
CHECK = "trainer-check"
CHECK_SELECTED = "trainer-check-selected"
GIVE_UP = "trainer-give-up"
FEEDBACK = "trainer-feedback"
#: a verdict -> its class (colour) in app/assets/widgets.css
VERDICTS = {"right": "verdict-right", "partly right": "verdict-partly-right", "wrong": "verdict-wrong"}

# a step's suggested layout (lesson YAML) -> the canvas's layout of that name
_LAYOUT_NAMES = {"dagre": "hierarchical (dagre)", "klay": "hierarchical (klay)", "breadthfirst": "breadthfirst",
                 "concentric": "concentric", "circle": "circle", "cose": "force", "force": "force",
                 "fcose": "force (fast)"}


# -- pure helpers --------------------------------------------------------------------------------
def lesson_options(lessons: Iterable[training.Lesson]) -> list[dict]:
    return [{"label": f"{lesson.title} ({lesson.name})", "value": lesson.name} for lesson in lessons]


def parse_link(search: str | None) -> tuple[str, int] | None:
    """``(lesson, step)`` from a URL query such as ``?tab=trainer&lesson=x&step=2`` (step 1 if absent
    or not a number), or ``None`` when it names no lesson.

    >>> parse_link("?tab=trainer&lesson=poe-couriers-101&step=3")
    ('poe-couriers-101', 3)
    >>> parse_link("?entity=abc") is None
    True
    """
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    if not query.get("lesson"):
        return None
    step = query.get("step", "1")
    return query["lesson"], int(step) if step.isdigit() else 1


def link_search(search: str | None, lesson: str, step: int) -> str:
    """The URL query with this lesson and step (and the trainer tab), other parameters kept.

    >>> link_search("?entity=abc", "poe-couriers-101", 2)
    '?entity=abc&tab=trainer&lesson=poe-couriers-101&step=2'
    """
    query = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    query.update({"tab": "trainer", "lesson": lesson, "step": str(step)})
    return "?" + urlencode(query)


def reveal_text(step: training.Step, start, end) -> str:
    """What a step shows, in words: its phases, its date window, the entities it starts from."""
    phases = ", ".join(map(str, step.reveal_phases))
    text = f"Phase{'s' if len(step.reveal_phases) > 1 else ''} {phases}: {start} to {end}"
    if step.reveal_entities:
        text += f"; starting from {', '.join(step.reveal_entities)}"
    return text + "."


def suggested_text(suggestion: dict) -> str:
    """A step's suggested view in words ('' when it has none)."""
    parts = []
    if suggestion.get("layout"):
        parts.append(f"layout {suggestion['layout']}")
    if suggestion.get("relationships"):
        parts.append(f"links {', '.join(suggestion['relationships'])}")
    if suggestion.get("labels"):
        parts.append(f"entities {', '.join(suggestion['labels'])}")
    return "; ".join(parts)


def suggested_layout(suggestion: dict, nodes: int) -> dict | None:
    """The canvas layout for a step's suggestion, or ``None`` (the canvas chooses) when there is none or
    the view is too big to lay out in the browser (the canvas then computes positions on the server)."""
    name = _LAYOUT_NAMES.get(str(suggestion.get("layout", "")).lower())
    if name is None or nodes > positions.BROWSER_LAYOUT_LIMIT:
        return None
    return {**LAYOUTS[name], "fit": True}


def answer_from_selection(selected: Sequence[dict] | None) -> str:
    """The selected canvas nodes as an answer: their captions, separated by ';' (as the grader reads).

    >>> answer_from_selection([{"id": "a", "label": "Otay Mesa"}, {"id": "b", "label": "Ana Ruiz"}])
    'Otay Mesa; Ana Ruiz'
    """
    return "; ".join(str(n.get("label") or n["id"]) for n in selected or [])


def reveal_notice(sub: Subgraph, step_no: int, steps: int) -> str:
    """What the canvas now shows, and how to see the rest when the step reveals more than is drawn."""
    head = f"Step {step_no} of {steps}: "
    if sub.capped:
        return (head + f"showing {sub.shown_neighbours:,} of the {sub.total_neighbours:,} entities this step "
                "reveals (the most active first) and their links; tick 'suggested view only' or search an "
                "entity to see the rest.")
    return head + f"{sub.total_neighbours:,} entities and {len(sub.edges):,} links revealed."


# -- calls into the use cases (chokepoint.cases.training) ------------------------------------------
def step_subgraph(store: Store, lesson: training.Lesson, step_no: int, use_view: bool = True,
                  limit: int = TRAINER_LIMIT) -> Subgraph:
    """The part of the lesson's case (dataset = lesson name) step ``step_no`` reveals."""
    return training.reveal_step(store, lesson, step_no, use_view=use_view, limit=limit).subgraph


def _state(status: training.CaseStatus) -> dict:
    """A case status as the browser keeps it (``CASE``)."""
    return {"lesson": status.lesson, "loaded": status.loaded, "missing": list(status.missing)}


def _case_state(store: Store, lesson: training.Lesson) -> dict:
    return _state(training.case_status(store, lesson))


def _status(state: dict, note: str = "") -> list:
    dataset = state["lesson"]
    if state["loaded"]:
        text = f"Case loaded (dataset {dataset})."
    else:
        text = (f"The case is not loaded ({len(state['missing'])} file(s) missing from dataset {dataset}). "
                "Load it to see each step on the canvas.")
    return [html.Span(text, className="loaded" if state["loaded"] else "not-loaded"),
            remark(note, "quiet") if note else None]


def _feedback(feedback: training.Feedback) -> html.Div:
    return html.Div(feedback.message, className=VERDICTS[feedback.verdict], title=feedback.verdict)


# -- layout and callbacks --------------------------------------------------------------------------
def layout() -> html.Div:
    return html.Div(
        [
            dcc.Store(id=STATE), dcc.Store(id=CASE),
            dcc.Dropdown(id=LESSON, options=lesson_options(training.lessons()), placeholder="Pick a lesson...",
                         clearable=False),
            html.Div([html.Span(id=CASE_STATUS),
                      html.Button("Load this case", id=LOAD, n_clicks=0,
                                  title="generate the lesson's case (cached) and load it, as `chokepoint train "
                                        "load` does")],
                     className="trainer-case"),
            html.Div([html.Button("< Previous", id=PREV, n_clicks=0, disabled=True),
                      html.Button("Next >", id=NEXT, n_clicks=0, disabled=True),
                      html.Button("Show on canvas", id=SHOW, n_clicks=0,
                                  title="draw what this step reveals again")],
                     className="trainer-steps"),
            html.H4(id=STEP_TITLE, className="trainer-step-title"),
            html.P(id=NARRATIVE, className="trainer-narrative"),
            html.Div(id=REVEAL, className="cp-status"),
            html.Div([html.Span(id=SUGGESTED),
                      dcc.Checklist(id=USE_VIEW, options=[{"label": " suggested view only", "value": "on"}],
                                    value=["on"], inline=True, className="cp-inline-block cp-spaced")],
                     className="cp-status"),
            html.Div(
                [
                    html.Div(id=QUESTION, className="trainer-question"),
                    dcc.Input(id=ANSWER, type="text", debounce=False, placeholder="names or codes, separated by ;",
                              className="cp-full"),
                    html.Div([html.Button("Check", id=CHECK, n_clicks=0),
                              html.Button("Use the selected nodes as my answer", id=CHECK_SELECTED, n_clicks=0,
                                          title="click or shift-drag to select entities on the canvas"),
                              html.Button("Show the answer", id=GIVE_UP, n_clicks=0)],
                             className="trainer-answers"),
                    html.Div(id=FEEDBACK, role="status", className="trainer-feedback"),
                ],
                id=QUESTION_BOX, style={"display": "none"},  # shown by the step's callback
            ),
        ],
        className="cp-panel",
    )


def register(app: Dash, store: Store) -> None:
    @app.callback(Output(STATE, "data"), Output(LESSON, "value"), Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.URL, "search"), Input(LESSON, "value"), Input(PREV, "n_clicks"), Input(NEXT, "n_clicks"),
                  State(STATE, "data"), prevent_initial_call="initial_duplicate")
    def navigate(search, name, _prev, _next, state):
        """One place sets the lesson and step: the URL (a link or a reload), the lesson picked, or
        previous/next; the URL then follows."""
        trigger = ctx.triggered_id
        if trigger in (None, ids.URL):
            wanted = parse_link(search)
            if wanted is None:
                return no_update, no_update, no_update
            name, step = wanted
        elif trigger == LESSON:
            if not name or (state and state["lesson"] == name):
                return no_update, no_update, no_update
            step = 1
        else:
            if not state:
                return no_update, no_update, no_update
            name, step = state["lesson"], state["step"] + (1 if trigger == NEXT else -1)
        try:
            lesson = training.lesson(name)
        except ChokepointError:
            return no_update, no_update, no_update
        step = min(max(step, 1), len(lesson.steps))
        new = {"lesson": lesson.name, "step": step}
        if new == state:
            return no_update, no_update, no_update
        url = no_update if trigger in (None, ids.URL) else link_search(search, lesson.name, step)
        return new, lesson.name, url

    @app.callback(Output(STEP_TITLE, "children"), Output(NARRATIVE, "children"), Output(REVEAL, "children"),
                  Output(SUGGESTED, "children"), Output(QUESTION, "children"), Output(QUESTION_BOX, "style"),
                  Output(PREV, "disabled"), Output(NEXT, "disabled"), Output(ANSWER, "value"),
                  Output(FEEDBACK, "children"), Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(STATE, "data"), prevent_initial_call=True)
    def show_step(state):
        if not state:
            return ("", "", "", "", "", {"display": "none"}, True, True, "", "", no_update)
        try:
            shown = training.lesson_step(state["lesson"], state["step"])
        except ChokepointError as err:
            return (no_update,) * 10 + (str(err),)
        k, step, question = shown.number, shown.step, shown.question
        suggestion = suggested_text(step.view)
        return (f"Step {k} of {shown.steps}: {step.title}", step.narrative, reveal_text(step, shown.start, shown.end),
                f"Suggested view: {suggestion}." if suggestion else "No suggested view.",
                question, {"display": "block" if question else "none"},
                k <= 1, k >= shown.steps, "", "", "")

    @app.callback(Output(CASE, "data"), Output(CASE_STATUS, "children"), Output(LOAD, "style"),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(LESSON, "value"), Input(LOAD, "n_clicks"),
                  running=[(Output(LOAD, "disabled"), True, False),
                           (Output(LOAD, "children"), "Loading the case...", "Load this case")],
                  prevent_initial_call=True)
    def case(name, _load):
        if not name:
            return no_update, no_update, no_update, no_update
        try:
            status = training.case_status(store, name, load=ctx.triggered_id == LOAD)
        except ChokepointError as err:
            return no_update, no_update, no_update, str(err)
        note = ""
        if status.load is not None:
            summary = status.load.report.summary
            note = (f"Loaded: {summary.rows_read:,} rows read, {summary.rows_loaded:,} loaded, "
                    f"{summary.rows_rejected:,} rejected (planted errors, see {status.load.rejects}).")
        state = _state(status)
        return state, _status(state, note), {"display": "none" if state["loaded"] else "inline-block"}, ""

    @app.callback(Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(STATE, "data"), Input(CASE, "data"), Input(SHOW, "n_clicks"), Input(USE_VIEW, "value"),
                  prevent_initial_call=True)
    def draw(state, case_state, _show, use_view):
        """The canvas shows what the step reveals (once the case is loaded)."""
        if not state or not case_state or case_state["lesson"] != state["lesson"] or not case_state["loaded"]:
            return no_update, no_update
        try:
            shown = training.reveal_step(store, state["lesson"], state["step"], use_view=bool(use_view),
                                         limit=TRAINER_LIMIT)
        except ChokepointError as err:
            return no_update, str(err)
        sub = shown.subgraph
        lay = suggested_layout(shown.view, len(sub.nodes))
        extra = {"layout": lay} if lay else {}
        return view.change("replace", reveal_notice(sub, shown.step.number, shown.step.steps),
                           elements=subgraph_elements(sub), **extra), ""

    @app.callback(Output(FEEDBACK, "children", allow_duplicate=True),
                  Output(ids.VIEW_CHANGE, "data", allow_duplicate=True),
                  Output(ids.BANNER, "children", allow_duplicate=True),
                  Input(CHECK, "n_clicks"), Input(ANSWER, "n_submit"), Input(CHECK_SELECTED, "n_clicks"),
                  Input(GIVE_UP, "n_clicks"),
                  State(ANSWER, "value"), State(ids.CANVAS, "selectedNodeData"), State(STATE, "data"),
                  prevent_initial_call=True)
    def check(_c, _s, _sel, _give_up, text, selected, state):
        """Grade the typed answer or the selected nodes; a right answer is marked on the canvas."""
        if not state:
            return no_update, no_update, no_update
        if ctx.triggered_id == CHECK_SELECTED:
            text = answer_from_selection(selected)
            if not text:
                return "Select one or more entities on the canvas first (click; shift-drag for several).", \
                    no_update, ""
        if ctx.triggered_id != GIVE_UP and not (text or "").strip():
            return "Type an answer, or select entities on the canvas.", no_update, ""
        try:
            if ctx.triggered_id == GIVE_UP:
                answer = training.show_answer(state["lesson"], state["step"])
                return (html.Div([html.B("The answer: "), answer.text]),
                        view.change("mark", "The answer is marked on the canvas (where it is drawn).",
                                    cls="answer", ids=list(answer.marked)), "")
            checked = training.check_answer(state["lesson"], state["step"], text, mark=True)
        except ChokepointError as err:
            return no_update, no_update, str(err)
        feedback = checked.feedback
        shown = [remark(f"Your answer: {text}", "quiet"), _feedback(feedback)]
        if feedback.verdict != "right":
            return shown, no_update, ""
        return shown, view.change("mark", "Right: the answer is marked on the canvas.", cls="answer",
                                  ids=list(checked.marked)), ""
