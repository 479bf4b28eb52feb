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

Logging never gets in the way of the query: if the line cannot be written, the user's result (or error)
is unchanged and a warning goes to stderr once per process.

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

from chokepoint.graph import errors

__all__ = ["ENV", "USER_ENV", "SOURCES", "OUTCOMES", "Entry", "Action", "log_path", "default_user", "audited",
           "logged", "action", "outcome_of", "json_safe"]

#: Environment variable naming the audit log file.
ENV = "CHOKEPOINT_AUDIT_LOG"
#: Environment variable naming the user the CLI (and the app without authentication) records.
USER_ENV = "CHOKEPOINT_USER"
#: Where queries come from: the command line, the web app, or Python code calling ``queries/``.
SOURCES = ("cli", "app", "api")
#: How a query ended.
OUTCOMES = ("ok", "error", "timeout", "refused")

_lock = threading.Lock()
_warned: set[str] = set()
_running: contextvars.ContextVar[bool] = contextvars.ContextVar("chokepoint_audit_running", default=False)
_action: contextvars.ContextVar[Action | None] = contextvars.ContextVar("chokepoint_audit_action", default=None)


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

    def close(self) -> None:
        """Write the line for the queries run during the action (nothing when none ran)."""
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
        _write(_line(self.source, _value(self.user), _value(self.client), ended - began, line), self.path)


@contextmanager
def action(source: str, user: Callable[[], str | None] | str | None = None,
           client: Callable[[], str | None] | str | None = None, path: Path | None = None) -> Iterator[Action]:
    """Make everything the hooks record inside the block one line from ``source`` (``cli`` or ``app``).

    ``user`` and ``client`` are text or functions asked when the line is written (the app's user is
    known once the request is authenticated); ``user`` defaults to :func:`default_user`.
    """
    act = Action(source, user, client, path)
    token = _action.set(act)
    try:
        yield act
    finally:
        try:
            _action.reset(token)
        except ValueError:  # closed from another context (a server's teardown): nothing was left set here
            pass
        act.close()


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
    entry = Entry(action_name, query, dict(params or {}), lookup=lookup)
    token = _running.set(True)
    try:
        yield entry
    except BaseException as exc:
        entry.fail(exc)
        raise
    finally:
        _running.reset(token)
        entry.seconds = time.perf_counter() - entry.started
        current = _action.get()
        if current is not None:
            current.entries.append(entry)
        else:
            _write(_line("api", None, None, entry.seconds, {**entry.fields(), "also": []}), path)


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


def _write(line: dict[str, Any], path: Path | None = None) -> None:
    """Append ``line`` as one JSON line; on any failure warn once on stderr and carry on."""
    target = Path(path) if path is not None else log_path()
    try:
        data = (json.dumps(line, ensure_ascii=False, default=str, allow_nan=False) + "\n").encode("utf-8")
        with _lock:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
    except Exception as exc:  # the audit log must never take the user's result or error away
        key = f"{target}:{type(exc).__name__}"
        if key not in _warned:
            _warned.add(key)
            print(f"warning: cannot append to the audit log {target} ({ENV}): {exc}; queries still run "
                  "but are not being recorded", file=sys.stderr)
