"""Commands that put records into the graph: record loads, network imports, entity resolution."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from chokepoint.cli.base import app, err, group, open_store, out, row_progress

resolve_app = group("resolve", "Entity resolution: likely duplicates, recorded merges and splits.")
mapping_app = group("mapping", "Mappings: draft one from a record file's header.")


# -- loading -----------------------------------------------------------------------------------
@app.command("load")
def load(
    paths: Annotated[list[Path] | None, typer.Argument(help="Record files or directories of them.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Load the built-in sample case.")] = False,
    dataset: Annotated[str | None, typer.Option(help="Dataset name; part of every entity id "
                                                     "(default: the first path's name).")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Mapping file (default: the standard records).")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects report (default: rejects.csv beside the "
                                                      "first path).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Any reject: write nothing, exit non-zero.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Map every row, write the rejects report and the "
                                          "summary, write nothing to Neo4j (none needed).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Load record files (or the sample case) into Neo4j; bad rows go to a rejects report."""
    from chokepoint.cases import loading

    if sample == bool(paths):
        raise typer.BadParameter("give PATH... or --sample (one of them)")
    with (nullcontext() if dry_run else open_store()) as store, row_progress(as_json) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, rows: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"loading {name}", total=None)
            bar.advance(tasks[name], rows)

        report = loading.load_records(store, paths or (), sample=sample, dataset=dataset, mapping=mapping,
                                      rejects=rejects, strict=strict, progress=progress, dry_run=dry_run)
    result, summary = report.as_dict(), report.summary
    if as_json:
        print(json.dumps(result, indent=2))
    elif dry_run:
        out.print(f"dry run, nothing written: dataset {report.dataset}: {result['rows_read']:,} rows read, "
                  f"{result['rows_loaded']:,} would load, {result['rows_rejected']:,} rejected",
                  highlight=False, markup=False)
    else:
        out.print(f"dataset {report.dataset}: {result['rows_read']:,} rows read, {result['rows_loaded']:,} loaded, "
                  f"{result['rows_rejected']:,} rejected; {result['nodes_created']:,} nodes and "
                  f"{result['relationships_created']:,} relationships created", highlight=False, markup=False)
    if not as_json:
        if summary.rejects_report:
            out.print(f"rejects: {summary.rejects_report}", highlight=False, markup=False)
        for f in summary.files:
            if f.columns_absent:
                out.print(f"{Path(f.file).name}: no column(s) {', '.join(f.columns_absent)} (left empty)",
                          highlight=False, markup=False)
        if summary.missing_sources:
            out.print(f"no file for (skipped): {', '.join(summary.missing_sources)}", highlight=False, markup=False)


@app.command("import-network")
def import_network(
    file: Annotated[Path, typer.Argument(help="Network file: edge list, adjacency matrix, GraphML or GEXF.")],
    fmt: Annotated[str, typer.Option("--format", help="edgelist, matrix, graphml or gexf.")],
    node_label: Annotated[str, typer.Option("--node-label", help="Schema label of every node (Person, Phone...).")],
    rel_type: Annotated[str, typer.Option("--rel-type", help="Schema relationship type of every edge "
                                          "(ASSOCIATED_WITH, CALLED...).")],
    directed: Annotated[bool | None, typer.Option("--directed/--undirected", help="Edge direction (default: the "
                                                  "file's own for graphml/gexf, directed otherwise).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Dataset name; part of every entity id (default: the file's "
                                                "stem).")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Rejects report (default: FILE.rejects.csv).")] = None,
    source_col: Annotated[str | None, typer.Option("--source-col", help="Edge list: source column "
                                                   "(default: source).")] = None,
    target_col: Annotated[str | None, typer.Option("--target-col", help="Edge list: target column "
                                                   "(default: target).")] = None,
    weight_col: Annotated[str | None, typer.Option("--weight-col", help="Edge list column or graph edge attribute "
                                                   "with weights (default: weight, if present; '' = ignore).")] = None,
    time_col: Annotated[str | None, typer.Option("--time-col", help="Edge list column or graph edge attribute with "
                                                 "dates (default: date or time, if present; '' = ignore).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import a network file: nodes of one label, edges of one relationship type; bad rows to a rejects report."""
    from chokepoint.cases import loading

    if fmt not in loading.NETWORK_FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(loading.NETWORK_FORMATS)}", param_hint="--format")
    with open_store() as store, row_progress(as_json) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        report = loading.import_network(store, file, fmt, node_label, rel_type, dataset=dataset, directed=directed,
                                        rejects=rejects, source_col=source_col, target_col=target_col,
                                        weight_col=weight_col, time_col=time_col,
                                        progress=lambda n: bar.advance(task, n))
    result, summary = report.as_dict(), report.summary
    if as_json:
        print(json.dumps(result, indent=2))
        return
    out.print(f"dataset {result['dataset']}: {result['rows_read']:,} edge rows read, {result['edges_loaded']:,} "
              f"loaded, {result['rows_rejected']:,} rejected; {result['nodes']:,} {node_label} names; "
              f"{result['nodes_created']:,} nodes and {result['relationships_created']:,} {rel_type} "
              f"relationships created ({'directed' if summary.directed else 'undirected'})", highlight=False)
    if summary.rejects_report:
        out.print(f"rejects: {summary.rejects_report}", highlight=False)


# -- mappings ------------------------------------------------------------------------------------
@mapping_app.command("draft")
def mapping_draft(
    file: Annotated[Path, typer.Argument(help="A record file (CSV, TSV, XLSX, JSON, JSON Lines, Parquet).")],
    out_file: Annotated[Path | None, typer.Option("--out", help="Write the mapping here (default: print it).")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX: the sheet whose header to read (default: the first).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")] = False,
) -> None:
    """Draft a starting mapping from a file's header (labels guessed from English and Spanish column names)."""
    from chokepoint.cases import loading

    drafted = loading.draft_mapping(file, out_file, sheet=sheet, overwrite=force)
    guessed = [f"{g.column} -> {g.label or g.prop}" for g in drafted.guesses if g.label or g.prop]
    note = (f"{file.name}: {len(drafted.guesses)} columns; guessed {', '.join(guessed) or 'none'}; "
            f"left as comments: {', '.join(drafted.unguessed) or 'none'}")
    if out_file is None:
        print(drafted.text, end="")
        err.print(note, highlight=False, markup=False, soft_wrap=True)
    else:
        out.print(f"wrote {out_file}: {note}", highlight=False, markup=False, soft_wrap=True)


# -- entity resolution ---------------------------------------------------------------------------
@resolve_app.command("candidates")
def resolve_candidates(
    label: Annotated[str | None, typer.Option(help="Label to look in (default: Person and Organization).")] = None,
    dataset: Annotated[str | None, typer.Option(help="Only this dataset.")] = None,
    threshold: Annotated[float, typer.Option(help="Minimum name similarity, 0-100.")] = 85.0,
    limit: Annotated[int, typer.Option(help="At most this many pairs.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List likely duplicate entities with a score and the evidence; nothing is merged."""
    from chokepoint.cases import loading

    with open_store() as store:
        found = loading.candidates(store, label=label, dataset=dataset, threshold=threshold, limit=limit)
    if as_json:
        print(json.dumps([c.as_dict() for c in found], indent=2, ensure_ascii=False))
        return
    t = Table("score", "label", "entity A", "entity B", "evidence")
    for c in found:
        t.add_row(f"{c.score:.0f}", c.label, f"{c.a_caption}\n{c.a}", f"{c.b_caption}\n{c.b}", "\n".join(c.evidence))
    out.print(t)
    out.print(f"{len(found)} candidate pair(s); merge one with `chokepoint resolve merge KEEP OTHER --why ...`")


@resolve_app.command("merge")
def resolve_merge(
    keep: Annotated[str, typer.Argument(help="Id of the entity to keep.")],
    other: Annotated[str, typer.Argument(help="Id of the entity merged into it.")],
    why: Annotated[str, typer.Option("--why", help="The reason, kept with the decision.")],
    who: Annotated[str | None, typer.Option(help="Who decides (default: the login name).")] = None,
) -> None:
    """Merge OTHER into KEEP, recording who, when and why (undo with `resolve split`)."""
    from chokepoint.cases import loading

    with open_store() as store:
        decision = loading.merge(store, keep, other, why=why, who=who)
    out.print(f"merged {other} into {keep}: decision {decision.id}", highlight=False)


@resolve_app.command("split")
def resolve_split(
    decision: Annotated[str, typer.Argument(help="Id of the merge decision to undo.")],
    why: Annotated[str, typer.Option("--why", help="The reason, kept with the decision.")],
    who: Annotated[str | None, typer.Option(help="Who decides (default: the login name).")] = None,
) -> None:
    """Undo a merge: both entities and their links as they were before it."""
    from chokepoint.cases import loading

    with open_store() as store:
        loading.split(store, decision, why=why, who=who)
    out.print(f"split: decision {decision} undone", highlight=False)


@resolve_app.command("decisions")
def resolve_decisions(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Every merge decision with who, when, why and whether it was undone."""
    from chokepoint.cases import loading

    with open_store() as store:
        found = loading.decisions(store)
    if as_json:
        print(json.dumps([d.as_dict() for d in found], indent=2, ensure_ascii=False))
        return
    t = Table("decision", "status", "kept", "merged", "who", "when", "why")
    for d in found:
        t.add_row(d.id, d.status, d.kept_caption, d.merged_caption, d.who, d.at, d.why)
    out.print(t)
