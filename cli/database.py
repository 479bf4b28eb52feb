"""Commands for the database itself: the project's local Neo4j, the schema, and what the graph holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import app, err, group, open_store, out
from chokepoint.graph.config import settings_from_env

neo4j_app = group("neo4j", "The project's own local Neo4j (embedded, Bolt on 127.0.0.1).")
schema_app = group("schema", "The graph schema: labels, relationship types, constraints.")

DataDir = Annotated[Path | None, typer.Option("--data", help="Data directory of the local Neo4j "
                                              "[default: $CHOKEPOINT_NEO4J_DATA or ~/.local/share/chokepoint/neo4j]")]


# -- local Neo4j -------------------------------------------------------------------------------
@neo4j_app.command("start")
def neo4j_start(
    data: DataDir = None,
    port: Annotated[int, typer.Option(help="Bolt port on 127.0.0.1.")] = 7687,
    heap: Annotated[str, typer.Option(help="Java heap size (-Xmx).")] = "1g",
    pagecache: Annotated[str, typer.Option(help="Neo4j page cache size.")] = "512m",
    timeout: Annotated[float, typer.Option(help="Seconds to wait for Bolt to answer.")] = 180.0,
) -> None:
    """Build the launcher if needed, start Neo4j in the background, wait until Bolt answers."""
    from chokepoint.cases import database

    with err.status("building the launcher (first time only) and starting Neo4j..."):
        inst = database.start_local(data, port=port, heap=heap, pagecache=pagecache, timeout=timeout)
    out.print(f"local Neo4j {inst.version or ''} running: {inst.uri} (pid {inst.pid}, data {inst.data_dir})",
              highlight=False)


@neo4j_app.command("stop")
def neo4j_stop(data: DataDir = None) -> None:
    """Stop the local Neo4j cleanly."""
    from chokepoint.cases import database

    stopped = database.stop_local(data)
    out.print("local Neo4j stopped" if stopped else "local Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(
    data: DataDir = None,
    show_password: Annotated[bool, typer.Option("--show-password", help="Print the password too.")] = False,
) -> None:
    """Say whether the local Neo4j runs, where, and how to connect to it."""
    from chokepoint.cases import database

    found = database.local_status(data)
    if not found.running:
        out.print(f"local Neo4j is not running (data {found.data_dir})", highlight=False)
        raise typer.Exit(3)
    inst = found.instance
    out.print(f"running: {inst.uri} pid {inst.pid} neo4j {inst.version} data {inst.data_dir}", highlight=False)
    out.print(f"user {inst.user} password {inst.password if show_password else '(hidden; --show-password)'}",
              highlight=False)


# -- schema and status -------------------------------------------------------------------------
@schema_app.command("apply")
def schema_apply() -> None:
    """Create constraints and indexes (idempotent: IF NOT EXISTS)."""
    from chokepoint.cases import database

    with open_store() as store:
        applied = database.apply_schema(store)
    out.print(f"schema applied: {applied.created} constraints/indexes created, {applied.existing} already there")


@schema_app.command("show")
def schema_show() -> None:
    """List node labels and relationship types."""
    from chokepoint.cases import database

    shown = database.show_schema()
    t = Table("label", "keys", "caption", "description")
    for n in shown.nodes.values():
        t.add_row(n.label, ", ".join(n.keys), n.caption, n.description)
    out.print(t)
    t = Table("relationship", "from", "to", "description")
    for r in shown.relationships.values():
        t.add_row(r.type, ", ".join(r.sources), ", ".join(r.targets), r.description)
    out.print(t)


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Connection, Neo4j version and counts by label and relationship type."""
    from chokepoint.cases import database

    found = database.status(settings_from_env())
    if as_json:
        print(json.dumps(found.as_dict(), indent=2))
        return
    out.print(f"connection: {found.connection}", highlight=False)
    out.print(f"neo4j: {found.neo4j.get('version')} {found.neo4j.get('edition')}", highlight=False)
    for title, counts in (("label", found.labels), ("relationship type", found.relationships)):
        t = Table(title, "count")
        for name, n in counts.items():
            t.add_row(name, f"{n:,}")
        out.print(t)
