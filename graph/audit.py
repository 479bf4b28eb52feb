"""The audit log: who ran which query, with what parameters, how many rows, how long, and how it ended.

One JSON object per line (JSON Lines), appended to ``$CHOKEPOINT_AUDIT_LOG`` (default
``$XDG_STATE_HOME/chokepoint/audit.jsonl``, i.e. ``~/.local/state/chokepoint/audit.jsonl``); the format is
in docs/audit.md. This module only ever appends: each line is one ``os.write`` on a descriptor opened
with ``O_APPEND`` (so lines from other processes never interleave with ours), under a lock (so threads
never do either), and the file is opened again for every line (so an operator may rotate it at any time).

Two pieces, used in two places:

- **Hooks** in ``queries/`` (one per kind of query: saved, ad-hoc, paths, search, neighbourhood, details,
  centrality, structure, routes) wrap the public function with :func:`logged` or :func:`audited`. A hook
  that runs inside another hook is part of it and writes nothing of its own.
- **Actions** opened once by each shell with :func:`action`: the CLI around a command, the app around a
  callback request. They say where the queries come from (``source``, ``user``, ``client``) and make one
  user action one line: the first hook to run is the line's query, later ones are listed under ``also``.
  Outside any action (Python code using ``queries/`` directly), every outermost hook writes its own line
  with source ``api``.

Exports (a CSV, JSON, GraphML or GEXF file, a download) are lines of their own, action ``export``
(:func:`exported`): what was exported (the query or view), its parameters, the format, where it went
and how many rows.

By default logging never gets in the way of the query: if the line cannot be written, the user's result
(or error) is unchanged and a warning goes to stderr once per process. With ``CHOKEPOINT_AUDIT_REQUIRED=1``
(the app's default when authentication is on, :func:`required`) an action whose line cannot be written
is refused instead: the log is tried before the first query of an action runs (and before an export is
handed over), and :class:`AuditUnavailable`, a one-line error, is raised.

Lines are JSON with every character that a line-based reader (or a terminal) could take for the end
of a line or a control sequence escaped: U+2028, U+2029, U+0085 and the other C1 controls, DEL, and the
bidirectional overrides (:func:`dumps`).

Example
-------
>>> import tempfile, json, pathlib
>>> log = pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl"
>>> with audited("search", "ortega", {"limit": 20}, path=log) as entry:
...     entry.rows = 2
>>> line = json.loads(log.read_text())
>>> line["action"], line["query"], line["params"], line["rows"], line["outcome"], line["source"]
('search', 'ortega', {'limit': 20}, 2, 'ok', 'api')
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import functools
import getpass
import inspect
import json
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import re

from chokepoint.graph import errors
from chokepoint.graph.private import DIR_MODE, FILE_MODE

__all__ = ["ENV", "USER_ENV", "REQUIRED_ENV", "SOURCES", "OUTCOMES", "AuditUnavailable", "Entry", "Action",
           "log_path", "default_user", "required", "valid_user", "audited", "logged", "exported", "action",
           "outcome_of", "json_safe", "dumps"]

#: Environment variable naming the audit log file.
ENV = "CHOKEPOINT_AUDIT_LOG"
#: Environment variable naming the user the CLI (and the app without authentication) records.
USER_ENV = "CHOKEPOINT_USER"
#: Environment variable: ``1`` refuses what cannot be audited, ``0`` only warns (default: see :func:`required`).
REQUIRED_ENV = "CHOKEPOINT_AUDIT_REQUIRED"
#: Where queries come from: the command line, the web app, or Python code calling ``queries/``.
SOURCES = ("cli", "app", "api")
#: How a query ended.
OUTCOMES = ("ok", "error", "timeout", "refused")

_lock = threading.Lock()
_warned: set[str] = set()
_running: contextvars.ContextVar[bool] = contextvars.ContextVar("chokepoint_audit_running", default=False)
_action: contextvars.ContextVar[Action | None] = contextvars.ContextVar("chokepoint_audit_action", default=None)
#: A user name the log accepts from a header: letters and digits of any script, ``_ . @ + - \``, 1-128 long
_USER = re.compile(r"[\w.@+\\-]{1,128}\Z")
#: What :func:`dumps` escapes beyond JSON's own escapes: DEL, C1 controls (U+0085 among them), line and
#: paragraph separators, bidirectional marks and overrides, the byte-order mark
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


class AuditUnavailable(errors.ChokepointError):
    """The audit line of an action cannot be written and the audit is required: the action is refused."""


def log_path() -> Path:
    """The audit log file: ``$CHOKEPOINT_AUDIT_LOG``, else ``$XDG_STATE_HOME/chokepoint/audit.jsonl``."""
    named = os.environ.get(ENV, "").strip()
    if named:
        return Path(named).expanduser()
    state = os.environ.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local" / "state")
    return Path(state) / "chokepoint" / "audit.jsonl"


def default_user() -> str:
    """``$CHOKEPOINT_USER``, else the login name of the OS user running this process."""
    named = os.environ.get(USER_ENV, "").strip()
    if named:
        return named
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container user without a passwd entry): the uid
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def required(act: Action | None = None) -> bool:
    """Whether an action that cannot be audited is refused: ``$CHOKEPOINT_AUDIT_REQUIRED`` when set
    (``1``/``true``/``yes``/``on`` or ``0``/``false``/``no``/``off``), else the action's own default (the
    app's actions: on when authentication is configured), else off.

    >>> required(Action("app", required=True)), required(Action("cli")), required()
    (True, False, False)
    """
    named = os.environ.get(REQUIRED_ENV, "").strip().lower()
    if named in ("1", "true", "yes", "on"):
        return True
    if named in ("0", "false", "no", "off"):
        return False
    if named:
        raise errors.ConfigError(f"{REQUIRED_ENV}={named!r}: use 1 (refuse what cannot be audited) or 0")
    act = act if act is not None else _action.get()
    return bool(act is not None and act.required)


def valid_user(name: str | None) -> bool:
    r"""True for a user name the log may record: 1-128 letters or digits (any script), ``_ . @ + - \``;
    no spaces, controls, separators or quotes.

    >>> [valid_user(n) for n in ("ana", "ana.lopez@dea.example", "CORP\\ana", "José")]
    [True, True, True, True]
    >>> [valid_user(n) for n in ("", "ana\u2028x", "a b", "a" * 129, "<script>", None)]
    [False, False, False, False, False, False]
    """
    return isinstance(name, str) and bool(_USER.match(name))


def outcome_of(exc: BaseException | None) -> str:
    """``ok``, ``refused`` (a write where only reads are allowed), ``timeout`` or ``error``.

    >>> outcome_of(None), outcome_of(errors.NotReadOnly("x")), outcome_of(errors.QueryTimeout("x"))
    ('ok', 'refused', 'timeout')
    >>> outcome_of(ValueError("x"))
    'error'
    """
    if exc is None:
        return "ok"
    if isinstance(exc, errors.NotReadOnly):
        return "refused"
    if isinstance(exc, errors.QueryTimeout):
        return "timeout"
    return "error"


@dataclasses.dataclass
class Entry:
    """One query being run: the hook fills ``rows`` (and may correct ``params``) before it ends."""

    action: str
    query: str
    params: dict[str, Any]
    rows: int | None = None
    started: float = dataclasses.field(default_factory=time.perf_counter)
    seconds: float = 0.0
    outcome: str = "ok"
    error: dict[str, str] | None = None
    lookup: bool = False      # resolves an argument (a name to an id) for the query that follows

    def fail(self, exc: BaseException) -> None:
        self.outcome = outcome_of(exc)
        self.error = {"type": type(exc).__name__, "message": str(exc)[:2000]}

    def fields(self) -> dict[str, Any]:
        return {"action": self.action, "query": self.query, "params": json_safe(self.params), "rows": self.rows,
                "outcome": self.outcome, "error": self.error}


class _Silent(Entry):
    """What a hook nested in another hook gets: it may be filled, but is never written."""


@dataclasses.dataclass
class Action:
    """One user action (a CLI command, an app callback): at most one line, written by :meth:`close`."""

    source: str
    user: Callable[[], str | None] | str | None = None
    client: Callable[[], str | None] | str | None = None
    path: Path | None = None
    entries: list[Entry] = dataclasses.field(default_factory=list)
    required: bool = False    # refuse what cannot be audited when $CHOKEPOINT_AUDIT_REQUIRED says nothing
    checked: bool = False     # the log was found writable for this action

    def close(self, strict: bool | None = None) -> None:
        """Write the line for the queries run during the action (nothing when none ran); raises
        :class:`AuditUnavailable` when it cannot be written and ``strict`` (default: the audit is
        :func:`required`), else warns."""
        if not self.entries:
            return
        first = next((e for e in self.entries if not e.lookup), self.entries[0])
        rest = [e for e in self.entries if e is not first]
        line = first.fields()
        failed = next((e for e in self.entries if e.outcome != "ok"), None)
        if failed is not None and first.outcome == "ok":
            line["outcome"], line["error"] = failed.outcome, failed.error
        began = min(e.started for e in self.entries)
        ended = max(e.started + e.seconds for e in self.entries)
        line["also"] = [{**e.fields(), "duration_ms": round(e.seconds * 1000, 3)} for e in rest]
        self.entries = []
        _write(_line(self.source, _value(self.user), _value(self.client), ended - began, line), self.path,
               strict=required(self) if strict is None else strict)


@contextmanager
def action(source: str, user: Callable[[], str | None] | str | None = None,
           client: Callable[[], str | None] | str | None = None, path: Path | None = None,
           required: bool = False) -> Iterator[Action]:
    """Make everything the hooks record inside the block one line from ``source`` (``cli`` or ``app``).

    ``user`` and ``client`` are text or functions asked when the line is written (the app's user is
    known once the request is authenticated); ``user`` defaults to :func:`default_user`. ``required``:
    refuse the action's queries when the log cannot be written, unless ``$CHOKEPOINT_AUDIT_REQUIRED``
    says otherwise.
    """
    act = Action(source, user, client, path, required=required)
    token = _action.set(act)
    try:
        yield act
    except BaseException:
        _reset(token)
        act.close(strict=False)  # the block's own error goes on; a line that fails now is only warned about
        raise
    _reset(token)
    act.close()


def _reset(token: contextvars.Token) -> None:
    try:
        _action.reset(token)
    except ValueError:  # closed from another context (a server's teardown): nothing was left set here
        pass


@contextmanager
def audited(action_name: str, query: str, params: Mapping[str, Any] | None = None, lookup: bool = False,
            path: Path | None = None) -> Iterator[Entry]:
    """Time the block as one query run: ``action_name`` (``saved-query``, ``cypher``, ``path``...), the
    query's name or text, its parameters; the block sets ``entry.rows``. An exception leaving the block
    is recorded (outcome ``refused``, ``timeout`` or ``error`` with its type and message) and re-raised
    unchanged. Inside another hook nothing is written; inside an :func:`action` the action writes.
    A ``lookup`` (a name resolved to an id for the query that follows) is never an action's main query
    when another query ran: it is listed under ``also``."""
    if _running.get():
        yield _Silent(action_name, query, dict(params or {}))
        return
    current = _action.get()
    strict = required(current)
    if strict:
        _check(current, path)  # refused before anything runs
    entry = Entry(action_name, query, dict(params or {}), lookup=lookup)
    token = _running.set(True)
    failed = False
    try:
        yield entry
    except BaseException as exc:
        failed = True
        entry.fail(exc)
        raise
    finally:
        _running.reset(token)
        entry.seconds = time.perf_counter() - entry.started
        if current is not None:
            current.entries.append(entry)
        else:
            _write(_line("api", None, None, entry.seconds, {**entry.fields(), "also": []}), path,
                   strict=strict and not failed)


@contextmanager
def exported(query: str, params: Mapping[str, Any] | None, fmt: str, destination: str, rows: int | None = None,
             path: Path | None = None, **details: Any) -> Iterator[Entry]:
    """An export, as a line of its own (action ``export``), written when the block ends: ``query`` is
    what was exported (the saved query, the Cypher, the view), ``params`` its parameters, ``fmt`` the
    format, ``destination`` where it went (a file's absolute path, ``stdout``, ``download FILENAME``),
    ``rows`` how many rows (or nodes and links; the block may set ``entry.rows``); ``details`` (``raw``,
    ``nodes``, ``links``, ``sha256``...) join the line's params.

    When the audit is :func:`required`, the log is tried first (the block does not run if it cannot be
    written) and a line that still fails raises :class:`AuditUnavailable` after the block: the caller
    writes the file, or hands the download over, only once the block has ended without an error.
    Inside an action, the queries recorded so far are written first, so the log reads in order.
    """
    current = _action.get()
    strict = required(current)
    if current is not None and current.entries:
        current.close()
    if strict:
        _check(current, path)
    entry = Entry("export", query, {"format": fmt, "destination": destination, "params": dict(params or {}),
                                    **details}, rows=rows)
    failed = False
    try:
        yield entry
    except BaseException as exc:
        failed = True
        entry.fail(exc)
        raise
    finally:
        entry.seconds = time.perf_counter() - entry.started
        source, user, client = ("api", None, None) if current is None else \
            (current.source, _value(current.user), _value(current.client))
        _write(_line(source, user, client, entry.seconds, {**entry.fields(), "also": []}),
               path if path is not None else current.path if current is not None else None,
               strict=strict and not failed)


def logged(action_name: str, query: str | None = None, query_from: str | None = None,
           rows: Callable[[Any], int] | None = None, lookup: bool = False) -> Callable:
    """Decorator: a hook around a ``queries/`` function. The line's query is ``query``, or the argument
    named ``query_from``; its params are the other arguments (defaults filled in; ``store`` left out,
    a graph described by its size and scope); ``rows(result)`` counts the result (``len`` by default)."""
    def decorate(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _running.get():  # nested: part of the hook outside, no need to look at the arguments
                return fn(*args, **kwargs)
            try:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                params = {k: v for k, v in bound.arguments.items() if k != "store"}
            except TypeError:  # let the call itself raise its usual error
                params = {}
            for name, p in signature.parameters.items():  # **options spread out
                if p.kind is inspect.Parameter.VAR_KEYWORD and name in params:
                    params.update(params.pop(name))
            name = query if query is not None else str(params.pop(query_from, "")) if query_from else action_name
            with audited(action_name, name, params, lookup=lookup) as entry:
                result = fn(*args, **kwargs)
                entry.rows = (rows or len)(result)
                return result
        return wrapper
    return decorate


def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON values: dates and times as ISO text, tuples and sets as lists,
    dataclasses as dicts, a networkx graph as its size (and ``scope``, when a projection set one),
    non-finite numbers and anything else as text.

    >>> json_safe({"day": dt.date(2024, 3, 1), "ids": ("a", "b"), "x": float("nan"), 3: {1}})
    {'day': '2024-03-01', 'ids': ['a', 'b'], 'x': 'nan', '3': [1]}
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth > 20:
        return str(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v, depth + 1) for v in value), key=str)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_safe({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, depth + 1)
    if hasattr(value, "number_of_nodes") and hasattr(value, "number_of_edges"):
        graph = {"nodes": value.number_of_nodes(), "relationships": value.number_of_edges()}
        scope = getattr(value, "graph", {}).get("scope")
        return {**graph, "scope": json_safe(scope, depth + 1)} if scope is not None else graph
    return str(value)


# -- writing -----------------------------------------------------------------------------------
def _value(v: Callable[[], str | None] | str | None) -> str | None:
    if callable(v):
        try:
            return v()
        except Exception:
            return None
    return v


def _line(source: str, user: str | None, client: str | None, seconds: float, fields: dict[str, Any]) -> dict:
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"time": now, "user": user or default_user(), "source": source, "client": client,
            **{k: fields[k] for k in ("action", "query", "params", "rows")},
            "duration_ms": round(seconds * 1000, 3), "outcome": fields["outcome"], "error": fields["error"],
            "also": fields["also"]}


def dumps(line: Mapping[str, Any]) -> str:
    r"""``line`` as one line of JSON (UTF-8 text kept as it is) with the characters of :data:`_UNSAFE`
    escaped: ``json.dumps`` leaves U+2028, U+2029 and U+0085 raw, and a line-based reader would split
    the line there.

    >>> dumps({"user": "ana\u2028x\u0085y\n", "query": "Jos\u00e9"})
    '{"user": "ana\\u2028x\\u0085y\\n", "query": "José"}'
    """
    text = json.dumps(line, ensure_ascii=False, default=str, allow_nan=False)
    # such characters can only be inside JSON strings, where an escape means the same character
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _open(target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    return os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), FILE_MODE)


def _refusal(target: Path, exc: BaseException) -> AuditUnavailable:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
    return AuditUnavailable(f"refused: the audit log {target} ({ENV}) cannot be written ({reason}) and the "
                            f"audit is required ({REQUIRED_ENV}, on by default with authentication); "
                            "nothing was run or exported")


def _check(act: Action | None, path: Path | None) -> None:
    """Raise :class:`AuditUnavailable` unless the log can be opened for appending (once per action)."""
    if act is not None and act.checked:
        return
    target = Path(path) if path is not None else act.path if act is not None and act.path else log_path()
    try:
        with _lock:
            os.close(_open(target))
    except Exception as exc:
        raise _refusal(target, exc) from exc
    if act is not None:
        act.checked = True


def _write(line: dict[str, Any], path: Path | None = None, strict: bool = False) -> None:
    """Append ``line`` as one JSON line; on any failure warn once on stderr and carry on, or, when
    ``strict``, raise :class:`AuditUnavailable`."""
    target = Path(path) if path is not None else log_path()
    try:
        data = (dumps(line) + "\n").encode("utf-8")
        with _lock:
            fd = _open(target)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
    except Exception as exc:  # the audit log must never take the user's result or error away
        if strict:
            raise _refusal(target, exc) from exc
        key = f"{target}:{type(exc).__name__}"
        if key not in _warned:
            _warned.add(key)
            print(f"warning: cannot append to the audit log {target} ({ENV}): {exc}; queries still run "
                  "but are not being recorded", file=sys.stderr)
