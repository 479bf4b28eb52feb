"""``chokepoint export``: a scope of the graph written in a format analysts' tools read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from chokepoint.cli.base import app, day, open_store, out


@app.command("export")
def export_command(
    dataset: Annotated[str, typer.Option(help="The dataset to export.")],
    fmt: Annotated[str, typer.Option("--format", help="graphml, gexf, anx (i2 Analyst's Notebook), ftm "
                                                      "(FollowTheMoney JSON Lines), csv or json.")],
    out_file: Annotated[Path, typer.Option("--out", help="File to write (mode 0600); csv also writes "
                                                         "FILE-links.csv beside it.")],
    labels: Annotated[list[str] | None, typer.Option("--label", help="Only entities of this label (repeat).")] = None,
    types: Annotated[list[str] | None, typer.Option("--type", help="Only this relationship type (repeat).")] = None,
    start: Annotated[str | None, typer.Option("--start", "--from", help="Links dated on or after (yyyy-mm-dd).")] = None,
    end: Annotated[str | None, typer.Option("--end", "--to", help="Links dated on or before (yyyy-mm-dd).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Export a dataset, or a filtered part of it, stamped with the scope, the time and a hash of its content."""
    from chokepoint.cases.exports import GRAPH_FORMATS, export_scope
    from chokepoint.cases.scope import scope

    if fmt not in GRAPH_FORMATS:
        raise typer.BadParameter(f"{fmt!r}: one of {', '.join(GRAPH_FORMATS)}", param_hint="--format")
    where = scope(labels, types, dataset, day(start), day(end))
    with open_store() as store:
        done = export_scope(store, where, fmt, out_file)
    if as_json:
        print(json.dumps(done.as_dict(), indent=2, default=str))
        return
    out.print(f"{', '.join(str(f) for f in done.files)}: {done.nodes:,} entities, {done.links:,} links "
              f"({fmt}), sha256 {done.stamp['sha256']}", highlight=False, markup=False, soft_wrap=True)
