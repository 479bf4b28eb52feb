"""What every command module shares: the root command, the consoles, the store and the progress display."""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store

app = typer.Typer(help="Chokepoint: trafficking-network graph explorer over Neo4j.", no_args_is_help=True,
                  pretty_exceptions_enable=False)



class _Console(Console):
    """A console that reads ``COLUMNS`` (or the terminal's size) when it prints, not when this module is
    first imported: the width then follows the environment a command runs in (rich fixes it at
    construction, so a command run after another changed ``COLUMNS`` would wrap at the old width)."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._width = self._height = None


out = _Console()
err = _Console(stderr=True)


@app.callback()
def _audited_command(ctx: typer.Context) -> None:
    # every command is one audited action: the queries it runs (hooks in queries/) make one line of the
    # audit log with source cli and the user $CHOKEPOINT_USER or the OS user (graph/audit.py)
    from chokepoint.graph.audit import action, default_user

    ctx.with_resource(action("cli", user=default_user))


def open_store() -> Store:
    """A store connected by the environment's settings (``NEO4J_*``, else the running local Neo4j)."""
    return Store.connect(settings_from_env())


def group(name: str, help: str) -> typer.Typer:
    """A command group (``chokepoint NAME ...``) added to the root command."""
    sub = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


class _RowsPerSecond(ProgressColumn):
    def render(self, task) -> Text:
        if task.stop_time is not None:  # a finished file: its rows over its own time
            speed = task.completed / task.elapsed if task.elapsed else None
        else:
            speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed and speed >= 10 else f"{speed:.1f} rows/s" if speed else "",
                    style="progress.data.speed")


class _RowProgress(Progress):
    """Files are read one after another: a file's task runs from the end of the previous file (the start
    of the display for the first) until the next file's task is added or the display stops, so its
    elapsed time and rate are its own."""

    _mark: float | None = None

    def start(self) -> None:
        self._mark = self.get_time()
        super().start()

    def add_task(self, description: str, start: bool = True, total: float | None = None, completed: int = 0,
                 visible: bool = True, **fields) -> TaskID:
        self._stop_running()
        task_id = super().add_task(description, start=False, total=total, completed=completed, visible=visible,
                                   **fields)
        if start:
            with self._lock:
                self._tasks[task_id].start_time = self.get_time() if self._mark is None else self._mark
        return task_id

    def stop(self) -> None:
        self._stop_running()
        super().stop()

    def _stop_running(self) -> None:
        for task in self.tasks:
            if task.start_time is not None and task.stop_time is None:
                self.stop_task(task.id)
                self._mark = task.stop_time


def row_progress(quiet: bool) -> Progress:
    """A progress display of rows, rows/s and elapsed time per file, on stderr (gone afterwards when
    ``quiet``; none at all when ``quiet`` and stderr is not a terminal, where even a transient display
    leaves a blank line)."""
    return _RowProgress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,} rows"),
                        _RowsPerSecond(), TimeElapsedColumn(), console=err, transient=quiet,
                        disable=quiet and not err.is_terminal)


def day(value: str | None) -> dt.date | None:
    """A yyyy-mm-dd option as a date (None when not given)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise typer.BadParameter(f"not a date (yyyy-mm-dd): {value!r}") from None
