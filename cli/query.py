"""Commands for analysts' Cypher: saved, parameterised queries and ad-hoc statements, run read-only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from chokepoint.cli.base import app, err, group, open_store, out
from chokepoint.graph.values import display_text


query_app = group("query", "Saved, reviewed Cypher queries with typed parameters, run read-only "
                            "(built in, and in $CHOKEPOINT_QUERIES).")


@query_app.command("list")
def query_list(
    tag: Annotated[str | None, typer.Option(help="Only queries with this tag.")] = None,
    search: Annotated[str | None, typer.Option(help="Only queries whose name, title, description or tags "
                                                    "contain this text.")] = None,
) -> None:
    """The saved queries: built in, and in $CHOKEPOINT_QUERIES (which replace built-in ones by name)."""
    from chokepoint.cases.saved_queries import saved_queries

    found = saved_queries(search=search, tag=tag)
    t = Table("name", "title", "tags", "parameters", "source")
    for q in found:
        source = q.source + (" (replaces built-in)" if q.replaces else "")
        t.add_row(Text(q.name), Text(q.title), Text(", ".join(q.tags)), Text(", ".join(p.name for p in q.params)),
                  Text(source))
    out.print(t)
    out.print(f"{len(found)} saved quer{'y' if len(found) == 1 else 'ies'}; see one with "
              "`chokepoint query show NAME`", highlight=False)


@query_app.command("show")
def query_show(name: Annotated[str, typer.Argument(help="Saved query name.")]) -> None:
    """A saved query's header, parameters and Cypher."""
    from chokepoint.cases.saved_queries import saved_query

    q = saved_query(name)
    out.print(Text(q.title, style="bold"))
    out.print(f"name: {q.name}    tags: {', '.join(q.tags) or '-'}    source: {q.source} ({q.path})",
              highlight=False, markup=False)
    if q.replaces:
        out.print(f"replaces the built-in {q.replaces}", highlight=False, markup=False)
    if q.description:
        out.print(q.description, highlight=False, markup=False)
    t = Table("parameter", "type", "default", "help")
    for p in q.params:
        t.add_row(Text(p.name), Text(p.type), Text(p.default_text), Text(p.help))
    out.print(t)
    print(q.cypher)


_FORMATS = ("table", "csv", "json")
_FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv (lists joined by ';') or json "
                                                                "(columns, rows, cap, graph elements).")]
_LimitOpt = Annotated[int, typer.Option(min=1, help="At most this many rows (the rest are counted as 'more').")]
_TimeoutOpt = Annotated[float, typer.Option(help="Seconds before Neo4j stops the query.")]
_OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write the csv or json to this file (mode "
                                              "0600) instead of printing it.")]
_RawOpt = Annotated[bool, typer.Option("--raw", help="CSV cells exactly as the values are: no leading ' on "
                                       "cells a spreadsheet would run as a formula (=, +, -, @).")]


@query_app.command("run")
def query_run(
    name: Annotated[str, typer.Argument(help="Saved query name.")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="A parameter as key=value (repeat "
                                                    "for several; lists as a;b).")] = None,
    fmt: _FormatOpt = "table",
    limit: _LimitOpt = 1000,
    timeout: _TimeoutOpt = 30.0,
    out_file: _OutOpt = None,
    raw: _RawOpt = False,
) -> None:
    """Run a saved query read-only with parameters; at most --limit rows, stopped after --timeout seconds."""
    from chokepoint.cases.saved_queries import run_saved, saved_query

    fmt = _query_format(fmt, timeout, out_file)
    values = _key_values(param)
    query = saved_query(name)
    with open_store() as store:
        result = run_saved(store, query, values, limit=limit, timeout=timeout)
    _print_query_result(result, fmt, query.title, out_file, raw, query.name)


@app.command("cypher")
def cypher(
    statement: Annotated[str, typer.Argument(metavar="CYPHER", help="One read-only Cypher statement, e.g. "
                                             "\"MATCH (p:Person) RETURN p LIMIT 5\".")],
    param: Annotated[list[str] | None, typer.Option(
        "--param", "-p", help="A parameter as key=value (repeat for several). Values are text unless they "
        "are JSON numbers or booleans (3, 2.5, true); quote a number to keep it text: code='\"2504\"'. "
        "Dates stay text: use date($day) in the query.")] = None,
    fmt: _FormatOpt = "table",
    limit: _LimitOpt = 1000,
    timeout: _TimeoutOpt = 30.0,
    out_file: _OutOpt = None,
    raw: _RawOpt = False,
) -> None:
    """Run ad-hoc Cypher read-only, like a saved query: refused unless Neo4j plans it as a read (no LOAD
    CSV), in a READ transaction, at most --limit rows, stopped after --timeout seconds."""
    from chokepoint.cases.saved_queries import cypher_params, run_cypher

    fmt = _query_format(fmt, timeout, out_file)
    values = cypher_params(_key_values(param))
    with open_store() as store:
        result = run_cypher(store, statement, values, limit=limit, timeout=timeout)
    _print_query_result(result, fmt, "cypher", out_file, raw, statement)


def _query_format(fmt: str, timeout: float, out_file: Path | None = None) -> str:
    if fmt.lower() not in _FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(_FORMATS)}", param_hint="--format")
    if not timeout > 0:
        raise typer.BadParameter(f"must be more than 0 seconds, got {timeout:g}", param_hint="--timeout")
    if out_file is not None and fmt.lower() == "table":
        raise typer.BadParameter("a file is written as csv or json: add --format csv or --format json",
                                 param_hint="--out")
    return fmt.lower()


def _key_values(items: list[str] | None) -> dict[str, str]:
    raw: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r} is not key=value", param_hint="--param")
        if key.strip() in raw:
            raise typer.BadParameter(f"{key.strip()!r} given twice", param_hint="--param")
        raw[key.strip()] = value
    return raw


def _print_query_result(result, fmt: str, title: str, out_file: Path | None, raw: bool, query: str) -> None:
    """The result as JSON or CSV (printed, or written to ``out_file`` as an audited export; the cap noted
    on stderr), or a table with its row and graph counts."""
    from chokepoint.cases.exports import export_result

    if fmt in ("json", "csv"):
        text = export_result(result, fmt, out_file, raw=raw, query=query)
        if text is not None:
            sys.stdout.write(text)
            if result.capped and fmt == "csv":
                err.print(result.note, highlight=False)
        else:
            err.print(f"{result.note}; written to {out_file}", highlight=False, markup=False)
        return
    t = Table(*result.columns, title=title)
    for row in result.rows:
        t.add_row(*(Text(display_text(v)) for v in row))
    out.print(t)
    out.print(f"{result.note}; {result.graph_note}", highlight=False)

