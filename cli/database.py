"""Commands for the database itself: the project's local Neo4j, the schema, and what the graph holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import app, err, group, open_store, out
from chokepoint.graph import local, schema
from chokepoint.graph.config import settings_from_env
from chokepoint.graph.store import Store

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
    with err.status("building the launcher (first time only) and starting Neo4j..."):
        inst = local.start(data, port=port, heap=heap, pagecache=pagecache, timeout=timeout)
    out.print(f"local Neo4j {inst.version or ''} running: {inst.uri} (pid {inst.pid}, data {inst.data_dir})",
              highlight=False)


@neo4j_app.command("stop")
def neo4j_stop(data: DataDir = None) -> None:
    """Stop the local Neo4j cleanly."""
    stopped = local.stop(data)
    out.print("local Neo4j stopped" if stopped else "local Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(
    data: DataDir = None,
    show_password: Annotated[bool, typer.Option("--show-password", help="Print the password too.")] = False,
) -> None:
    """Say whether the local Neo4j runs, where, and how to connect to it."""
    inst = local.status(data)
    if inst is None or not inst.running:
        out.print(f"local Neo4j is not running (data {data or local.default_data_dir()})", highlight=False)
        raise typer.Exit(3)
    out.print(f"running: {inst.uri} pid {inst.pid} neo4j {inst.version} data {inst.data_dir}", highlight=False)
    out.print(f"user {inst.user} password {inst.password if show_password else '(hidden; --show-password)'}",
              highlight=False)


# -- schema and status -------------------------------------------------------------------------
@schema_app.command("apply")
def schema_apply() -> None:
    """Create constraints and indexes (idempotent: IF NOT EXISTS)."""
    with open_store() as store:
        created, existing = store.ensure_schema()
    out.print(f"schema applied: {created} constraints/indexes created, {existing} already there")


@schema_app.command("show")
def schema_show() -> None:
    """List node labels and relationship types."""
    t = Table("label", "keys", "caption", "description")
    for n in schema.SCHEMA.nodes.values():
        t.add_row(n.label, ", ".join(n.keys), n.caption, n.description)
    out.print(t)
    t = Table("relationship", "from", "to", "description")
    for r in schema.SCHEMA.relationships.values():
        t.add_row(r.type, ", ".join(r.sources), ", ".join(r.targets), r.description)
    out.print(t)


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Connection, Neo4j version and counts by label and relationship type."""
    settings = settings_from_env()
    with Store.connect(settings) as store:
        info = store.server_info()
        counts = store.counts()
    if as_json:
        print(json.dumps({"connection": settings.describe(), "neo4j": info, **counts}, indent=2))
        return
    out.print(f"connection: {settings.describe()}", highlight=False)
    out.print(f"neo4j: {info.get('version')} {info.get('edition')}", highlight=False)
    for title, key in (("label", "labels"), ("relationship type", "relationships")):
        t = Table(title, "count")
        for name, n in counts[key].items():
            t.add_row(name, f"{n:,}")
        out.print(t)
