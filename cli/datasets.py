"""Commands that manage what has been loaded: datasets (list, drop) and loads (list, undo)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import app, open_store, out

datasets_app = typer.Typer(help="Datasets loaded: counts and loads; drop one.", invoke_without_command=True)
loads_app = typer.Typer(help="Loads recorded: list them; undo one.", invoke_without_command=True)
app.add_typer(datasets_app, name="datasets")
app.add_typer(loads_app, name="loads")

AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _say(text: str) -> None:
    out.print(text, highlight=False, markup=False, soft_wrap=True)


@datasets_app.callback()
def datasets(ctx: typer.Context, as_json: AsJson = False) -> None:
    """List datasets with entity and link counts, number of loads, first and last load time."""
    if ctx.invoked_subcommand is not None:
        return
    from chokepoint.cases import datasets as cases

    with open_store() as store:
        found = cases.datasets(store)
    if as_json:
        print(json.dumps([d.as_dict() for d in found], indent=2, ensure_ascii=False))
        return
    t = Table("dataset", "entities", "links", "loads", "first load", "last load")
    for d in found:
        t.add_row(d.name, f"{d.entities:,}", f"{d.links:,}", str(d.loads), d.first_load or "", d.last_load or "")
    out.print(t)


@datasets_app.command("drop")
def datasets_drop(
    name: Annotated[str, typer.Argument(help="The dataset to remove.")],
    yes: Annotated[bool, typer.Option("--yes", help="Remove it (without: only say what would be removed).")] = False,
    as_json: AsJson = False,
) -> None:
    """Remove a dataset's entities, links and loads; without --yes, say what would go and change nothing."""
    from chokepoint.cases import datasets as cases

    with open_store() as store:
        dropped = cases.drop(store, name, yes=yes)
    if as_json:
        print(json.dumps(dropped.as_dict(), indent=2, ensure_ascii=False))
        return
    verb = "removed" if dropped.done else "would remove"
    kept = (f"; {dropped.entities_kept:,} entities and {dropped.links_kept:,} links also supported by "
            f"{', '.join(dropped.kept_by)} {'kept' if dropped.done else 'would be kept'} without its provenance"
            if dropped.entities_kept or dropped.links_kept else "")
    _say(f"dataset {name}: {verb} {dropped.entities_deleted:,} entities, {dropped.links_deleted:,} links and "
         f"{dropped.loads_deleted:,} loads{kept}")
    if not dropped.done:
        _say(f"nothing changed; run `chokepoint datasets drop {name} --yes` to remove it")


@loads_app.callback()
def loads(
    ctx: typer.Context,
    dataset: Annotated[str | None, typer.Option(help="Only this dataset's loads.")] = None,
    as_json: AsJson = False,
) -> None:
    """List loads: id, dataset, file, format, started and ended, status, counts."""
    if ctx.invoked_subcommand is not None:
        return
    from chokepoint.cases import datasets as cases

    with open_store() as store:
        found = cases.loads(store, dataset)
    if as_json:
        print(json.dumps(found, indent=2, ensure_ascii=False, default=str))
        return
    t = Table("load", "dataset", "file", "format", "started", "ended", "status", "rows read/loaded/rejected",
              "created nodes/links")
    for r in found:
        rows = "/".join("" if r[k] is None else f"{r[k]:,}" for k in ("rows_read", "rows_loaded", "rows_rejected"))
        made = "/".join("" if r[k] is None else f"{r[k]:,}" for k in ("nodes_created", "relationships_created"))
        t.add_row(*(str(r[k] or "") for k in ("id", "dataset", "file", "format", "started", "ended", "status")),
                  rows, made)
    out.print(t)


@loads_app.command("undo")
def loads_undo(
    load_id: Annotated[str, typer.Argument(help="Id of the load to undo (see `chokepoint loads`).")],
    as_json: AsJson = False,
) -> None:
    """Bring the graph back to what it was before a load, or refuse naming what cannot be restored."""
    from chokepoint.cases import datasets as cases

    with open_store() as store:
        undone = cases.undo(store, load_id)
    if as_json:
        print(json.dumps(undone.as_dict(), indent=2, ensure_ascii=False, default=str))
        return
    _say(f"load {load_id} ({undone.load.get('file')}, dataset {undone.load.get('dataset')}) undone: "
         f"{undone.entities_deleted:,} entities and {undone.links_deleted:,} links deleted, "
         f"{undone.entities_restored:,} entities and {undone.links_restored:,} links set back")
