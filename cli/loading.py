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

Decimal = Annotated[str | None, typer.Option("--decimal", help="Decimal separator of numbers written as text: "
                                             "',' or '.' (default: '.', and a comma that cannot separate "
                                             "thousands is a reject).")]
Thousands = Annotated[str | None, typer.Option("--thousands", help="Thousands separator: none, '.', ',', space "
                                               "or apostrophe (default: read only where unambiguous).")]
Dates = Annotated[str | None, typer.Option("--dates", help="Order of dates such as 03/02/2024: dayfirst, "
                                           "monthfirst, iso, or a strptime format (default: inferred per "
                                           "column; a column nothing decides stops the load).")]


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
    decimal: Decimal = None,
    thousands: Thousands = None,
    dates: Dates = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    bulk: Annotated[bool, typer.Option("--bulk", help="First load into the empty local Neo4j through Neo4j's "
                                       "importer (stopped and restarted around it; docs/scaling.md).")] = False,
    replace: Annotated[bool, typer.Option("--replace", help="With --bulk: replace everything in the local "
                                          "database (needs --yes).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm --replace.")] = False,
) -> None:
    """Load record files (or the sample case) into Neo4j; bad rows go to a rejects report.

    --decimal, --thousands and --dates apply to every column whose mapping source or column declares nothing."""
    from chokepoint.cases import loading

    if sample == bool(paths):
        raise typer.BadParameter("give PATH... or --sample (one of them)")
    if bulk and dry_run:
        raise typer.BadParameter("--bulk and --dry-run exclude each other")
    if replace and not bulk:
        raise typer.BadParameter("--replace goes with --bulk")
    with (nullcontext() if dry_run or bulk else open_store()) as store, row_progress(as_json) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, rows: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"loading {name}", total=None)
            bar.advance(tasks[name], rows)

        if bulk:
            report = loading.bulk_load_records(paths or (), sample=sample, dataset=dataset, mapping=mapping,
                                               rejects=rejects, strict=strict, progress=progress, decimal=decimal,
                                               thousands=thousands, dates=dates, replace=replace, yes=yes)
        else:
            report = loading.load_records(store, paths or (), sample=sample, dataset=dataset, mapping=mapping,
                                          rejects=rejects, strict=strict, progress=progress, dry_run=dry_run,
                                          decimal=decimal, thousands=thousands, dates=dates)
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
                  f"{result['relationships_created']:,} relationships created"
                  + (" (bulk import; the local Neo4j was restarted)" if summary.bulk else ""),
                  highlight=False, markup=False)
    if not as_json:
        if summary.rejects_report:
            out.print(f"rejects: {summary.rejects_report}", highlight=False, markup=False)
        for f in summary.files:
            if f.columns_absent:
                absent = ", ".join(f"{c} (did you mean {f.closest[c]}?)" if c in f.closest else c
                                   for c in f.columns_absent)
                out.print(f"{Path(f.file).name}: no column(s) {absent} (left empty); its columns: "
                          f"{', '.join(f.columns)}", highlight=False, markup=False)
            if said := [c for c in f.conventions if c["how"] != "default" or c["evidence"]]:  # all in --json
                out.print(f"{Path(f.file).name}: read {'; '.join(_convention(c) for c in said)}",
                          highlight=False, markup=False)
        if summary.missing_sources:
            out.print(f"no file for (skipped): {', '.join(summary.missing_sources)}", highlight=False, markup=False)


def _convention(c: dict) -> str:
    """One column's convention for the summary: ``fecha day/month/year (inferred from row 4: '13/03/2024')``."""
    return f"{c['column']} {c['applied']} ({c['how']}{' from ' + c['evidence'] if c['evidence'] else ''})"


@app.command("import-network")
def import_network(
    file: Annotated[Path, typer.Argument(help="Network file: edge list, adjacency matrix, GraphML, GEXF, Pajek .net "
                                          "or UCINET DL.")],
    rel_type: Annotated[str, typer.Option("--rel-type", help="Schema relationship type of every edge "
                                          "(ASSOCIATED_WITH, CALLED...).")],
    fmt: Annotated[str | None, typer.Option("--format", help="edgelist, matrix, graphml, gexf, pajek or dl "
                                            "(default: from the suffix: .csv .tsv .txt .xlsx .ods edgelist, "
                                            ".graphml, .gexf, .net pajek, .dl).")] = None,
    node_label: Annotated[str | None, typer.Option("--node-label", help="Schema label of every node (Person, "
                                                   "Phone...).")] = None,
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
    header: Annotated[bool | None, typer.Option("--header/--no-header", help="Edge list: the first row is a header, "
                                                "or already an edge (default: decided from the file).")] = None,
    separator: Annotated[str | None, typer.Option(help="Text edge list or matrix: comma, semicolon, tab, pipe or "
                                                  "whitespace (default: detected).")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX/ODS edge list or matrix: the sheet (default: the "
                                              "first).")] = None,
    duplicates: Annotated[str, typer.Option(help="Rows of one relationship: sum, max, min, first or last weight, "
                                            "or keep them as parallel relationships.")] = "sum",
    two_mode: Annotated[bool, typer.Option("--two-mode", help="Rows and columns (sources and targets) are entities "
                                           "of two labels: --row-label, --col-label.")] = False,
    row_label: Annotated[str | None, typer.Option("--row-label", help="Two-mode: label of the rows "
                                                  "(sources).")] = None,
    col_label: Annotated[str | None, typer.Option("--col-label", help="Two-mode: label of the columns "
                                                  "(targets).")] = None,
    project_to: Annotated[str | None, typer.Option("--project-to", help="Two-mode: also write the one-mode "
                                                   "projection on rows or cols (weight = shared entities).")] = None,
    projection_type: Annotated[str | None, typer.Option("--projection-type", help="Relationship type of the "
                                                        "projection (default: ASSOCIATED_WITH).")] = None,
    decimal: Decimal = None,
    thousands: Thousands = None,
    dates: Dates = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and map every edge, write the rejects report "
                                          "and the summary, write nothing to Neo4j (none needed).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import a network file: nodes of one label (two with --two-mode), edges of one relationship type; bad rows
    to a rejects report."""
    from chokepoint.cases import loading

    if fmt is not None and fmt not in loading.NETWORK_FORMATS:
        raise typer.BadParameter(f"{fmt!r} is not one of {', '.join(loading.NETWORK_FORMATS)}", param_hint="--format")
    if duplicates not in loading.NETWORK_DUPLICATES:
        raise typer.BadParameter(f"{duplicates!r} is not one of {', '.join(loading.NETWORK_DUPLICATES)}",
                                 param_hint="--duplicates")
    if two_mode and (node_label or not (row_label and col_label)):
        raise typer.BadParameter("--two-mode takes --row-label L --col-label L instead of --node-label")
    if not two_mode and (row_label or col_label or project_to or projection_type):
        raise typer.BadParameter("--row-label, --col-label, --project-to and --projection-type need --two-mode")
    if not two_mode and not node_label:
        raise typer.BadParameter("give --node-label L (or --two-mode --row-label L --col-label L)")
    with (nullcontext() if dry_run else open_store()) as store, row_progress(as_json) as bar:
        task = bar.add_task(f"{'reading' if dry_run else 'importing'} {file.name}", total=None)
        report = loading.import_network(store, file, fmt, row_label or node_label, rel_type, dataset=dataset,
                                        directed=directed, rejects=rejects, source_col=source_col,
                                        target_col=target_col, weight_col=weight_col, time_col=time_col,
                                        header=header, separator=separator, sheet=sheet, duplicates=duplicates,
                                        progress=lambda n: bar.advance(task, n), col_label=col_label,
                                        project_to=project_to, projection_type=projection_type,
                                        decimal=decimal, thousands=thousands, dates=dates, dry_run=dry_run)
    result, summary = report.as_dict(), report.summary
    if as_json:
        print(json.dumps(result, indent=2))
        return
    projection = summary.projection or {}
    labels = f"{row_label} and {col_label}" if two_mode else node_label
    created = result["relationships_created"] - projection.get("relationships_created", 0)
    way = f"{row_label} -> {col_label}" if two_mode else "directed" if summary.directed else "undirected"
    if dry_run:
        out.print(f"dry run, nothing written: dataset {result['dataset']}: {result['rows_read']:,} edge rows read, "
                  f"{result['edges_loaded']:,} would load, {result['rows_rejected']:,} rejected; "
                  f"{result['nodes']:,} {labels} nodes and {result['relationships']:,} {rel_type} relationships "
                  f"would be written ({way})", highlight=False, markup=False)
    else:
        out.print(f"dataset {result['dataset']}: {result['rows_read']:,} edge rows read, {result['edges_loaded']:,} "
                  f"loaded, {result['rows_rejected']:,} rejected; {result['nodes']:,} {labels} names; "
                  f"{result['nodes_created']:,} nodes and {created:,} {rel_type} relationships created ({way})",
                  highlight=False, markup=False)
    if summary.format_from != "declared":
        out.print(f"format: {summary.format} (from the {summary.format_from})", highlight=False, markup=False)
    if projection:
        made = "would be written" if dry_run else f"{projection['relationships_created']:,} created"
        out.print(f"projection to {projection['to']}: {projection['links']:,} {projection['rel_type']} links between "
                  f"{projection['label']} entities, weight = {projection['weight']} ({made})",
                  highlight=False, markup=False)
    out.print(f"duplicates ({result['duplicates']}): {result['rows_merged']:,} row(s) merged into "
              f"{result['relationships']:,} relationship(s)", highlight=False, markup=False)
    for line in _read_as(result["read_as"]):
        out.print(line, highlight=False, markup=False)
    if not dry_run:
        out.print(f"load {result['load_id']}", highlight=False, markup=False)
    if summary.rejects_report:
        out.print(f"rejects: {summary.rejects_report}", highlight=False, markup=False)


def _read_as(read_as: dict) -> list[str]:
    """How the network file was read, one line each (header, separator or sheet, columns)."""
    lines = []
    if "header" in read_as:
        lines.append(f"header: {'yes' if read_as['header'] else 'no'} ({read_as['header_reason']})")
    if "separator" in read_as:
        how = "declared" if read_as.get("separator_declared") else "detected"
        comments = read_as.get("comment_lines") or 0
        lines.append(f"separator: {read_as['separator']} ({how})"
                     + (f"; {comments} comment line(s) skipped" if comments else ""))
    if read_as.get("sheet"):
        lines.append(f"sheet: {read_as['sheet']}")
    if columns := read_as.get("columns"):
        used = ", ".join(f"{role} {columns[role]}" for role in ("source", "target", "weight", "time") if columns[role])
        lines.append(f"columns: {used}" + (f"; not used: {', '.join(columns['unused'])}" if columns["unused"] else ""))
    return lines


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
