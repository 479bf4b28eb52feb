"""Exports: a query's rows as CSV or JSON (the CLI's ``--format csv|json``, ``--out``), a scope of the
graph in the formats analysts' tools read (``chokepoint export``: GraphML, GEXF, i2 ANX, FollowTheMoney,
CSV, JSON; :func:`export_scope`), and the app's downloads, each written privately and audited as an
``export`` line (``graph.audit.exported``).

A scope's file carries the stamp of :mod:`chokepoint.cases.graph_files` (the scope as ``query`` and
``params``, the time in UTC, ``sha256`` of the canonical graph content); ``--format csv`` writes the
nodes to ``FILE`` and the links beside it (``FILE`` with ``-links`` before its suffix), each opening with
the stamp as ``# key: value`` lines; ``--format ftm`` writes the stamp beside the entities
(``FILE.stamp.json``).

CSV cells that a spreadsheet would run as a formula get a leading ``'`` unless ``raw``
(``graph.csvsafe``); JSON keeps exact values. A file named by ``--out`` is written mode 0600 through a
temporary file beside it and renamed once its audit line is written: when the audit is required and the
line cannot be written, no file appears.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chokepoint.cases import graph_files
from chokepoint.cases.scope import projected
from chokepoint.graph import audit, csvsafe
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.private import write_private
from chokepoint.graph.projection import Scope
from chokepoint.graph.store import Store
from chokepoint.graph.values import cell_text
from chokepoint.queries.saved import QueryResult

__all__ = ["FORMATS", "GRAPH_FORMATS", "ScopeExport", "result_text", "export_result", "export_scope", "links_path",
           "stamp_path", "scope_query", "download"]

#: Formats a query result is exported in
FORMATS = ("csv", "json")
#: Formats ``chokepoint export`` writes a scope in (``csv``: nodes, and links beside them)
GRAPH_FORMATS = ("graphml", "gexf", "anx", "ftm", "csv", "json")


@dataclass
class ScopeExport:
    """What :func:`export_scope` wrote: the files, the entity and link counts, the stamp."""

    files: list[Path]
    nodes: int
    links: int
    stamp: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"files": [str(f) for f in self.files], "nodes": self.nodes, "links": self.links, "stamp": self.stamp}


def result_text(result: QueryResult, fmt: str, raw: bool = False) -> str:
    """The result as CSV (header, then rows; lists joined by ';', maps as JSON; formula cells prefixed
    with ``'`` unless ``raw``) or JSON (``result.as_dict()``)."""
    if fmt == "json":
        return json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(FORMATS)}")
    out = io.StringIO()
    writer = csvsafe.writer(out, raw=raw, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([cell_text(v) for v in row] for row in result.rows)
    return out.getvalue()


def export_result(result: QueryResult, fmt: str, out: Path | None = None, raw: bool = False,
                  query: str | None = None) -> str | None:
    """Export ``result``: written to the file ``out`` (mode 0600; None returned), or returned for the
    caller to print when ``out`` is None (the query's own audit line records what it returned).

    A file is an audited ``export`` of ``query`` (default: the saved query's name) with the query's
    parameters, the format, the file's absolute path, ``raw`` and the row count. Raises
    :class:`~chokepoint.graph.audit.AuditUnavailable` (nothing written) when the audit is required and
    cannot be written, :class:`ChokepointError` when ``out`` cannot be written."""
    text = result_text(result, fmt, raw)
    if out is None:
        return text
    target = Path(out).expanduser().absolute()
    details = {"raw": raw} if fmt == "csv" else {}
    _publish({target: text}, audit.exported(query or result.name, result.params, fmt, str(target),
                                            rows=len(result.rows), **details))
    return None


def _publish(texts: dict[Path, str], audited) -> None:
    """Write each text to its file (mode 0600) through a temporary file beside it, inside the ``audited``
    block; rename them into place once the block (the audit line) has ended without an error."""
    temps: list[Path] = []
    target = next(iter(texts))
    try:
        with audited:
            for target, text in texts.items():
                if target.is_dir():
                    raise ChokepointError(f"cannot write {target}: it is a folder; name a file with --out")
                temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                temps.append(temp)
                try:
                    write_private(temp, text, newline="")
                except OSError as err:
                    raise ChokepointError(f"cannot write {target}: {err.strerror or err}") from err
        for temp, target in zip(temps, texts):
            os.replace(temp, target)
    except OSError as err:
        for temp in temps:
            _remove(temp)
        raise ChokepointError(f"cannot write {target}: {err.strerror or err}") from err
    except BaseException:
        for temp in temps:
            _remove(temp)  # refused, or failed: no file, not even part of one
        raise


def scope_query(where: Scope) -> tuple[str, dict[str, Any]]:
    """The stamp's ``query`` and ``params`` for a scope: ``scope dataset=D, labels=...`` and its fields.

    >>> scope_query(Scope(labels=["Person"], dataset="case"))
    ('scope dataset=case, labels=Person', {'dataset': 'case', 'labels': ['Person'], 'types': None, 'start': None, 'end': None})
    """
    params = {"dataset": where.dataset, "labels": list(where.labels) if where.labels else None,
              "types": list(where.rel_types) if where.rel_types else None,
              "start": where.start.isoformat() if where.start else None,
              "end": where.end.isoformat() if where.end else None}
    shown = [f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in params.items() if v]
    return "scope " + (", ".join(shown) or "all"), params


def links_path(out: Path) -> Path:
    """Where ``--format csv`` writes the links of a scope written to ``out``.

    >>> links_path(Path("/cases/ring.csv")).name
    'ring-links.csv'
    """
    return out.with_name(f"{out.stem}-links{out.suffix or '.csv'}")


def stamp_path(out: Path) -> Path:
    """Where ``--format ftm`` writes the stamp of a scope written to ``out``.

    >>> stamp_path(Path("/cases/ring.ftm.json")).name
    'ring.ftm.json.stamp.json'
    """
    return out.with_name(f"{out.name}.stamp.json")


def export_scope(store: Store, where: Scope, fmt: str, out: Path, now: dt.datetime | None = None) -> ScopeExport:
    """Write the scope's entities and links to ``out`` in ``fmt`` (one of :data:`GRAPH_FORMATS`), mode
    0600, audited as one ``export`` line (query ``scope ...``, the scope's fields as params, the format,
    the file, the node and link counts and ``sha256``) before the file appears.

    Raises :class:`~chokepoint.graph.projection.EmptyGraph` when the scope holds no entity,
    :class:`ValueError` for an unknown format, :class:`ChokepointError` when ``out`` cannot be written,
    :class:`~chokepoint.graph.audit.AuditUnavailable` (nothing written) when the audit is required and
    cannot be written."""
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; known: {', '.join(GRAPH_FORMATS)}")
    elements = graph_files.graph_elements(projected(store, where))
    query, params = scope_query(where)
    stamp = graph_files.make_stamp(elements, query, params, now=now)
    target = Path(out).expanduser().absolute()
    if fmt == "csv":
        texts = {target: graph_files.nodes_csv(elements, stamp),
                 links_path(target): graph_files.links_csv(elements, stamp)}
    else:
        texts = {target: graph_files.export(elements, fmt, stamp)[0]}
    if fmt == "ftm":  # FtM lines are entities only: the stamp goes beside them
        texts[stamp_path(target)] = json.dumps(stamp, indent=1, ensure_ascii=False, default=str) + "\n"
    details: dict[str, Any] = {"nodes": stamp["nodes"], "links": stamp["links"], "sha256": stamp["sha256"]}
    if fmt == "csv":
        details["links_file"] = str(links_path(target))
    if fmt == "ftm":
        details["stamp_file"] = str(stamp_path(target))
    _publish(texts, audit.exported(query, params, fmt, str(target), rows=stamp["nodes"] + stamp["links"], **details))
    return ScopeExport(list(texts), stamp["nodes"], stamp["links"], stamp)


def download(content: str, filename: str, query: str, params: Mapping[str, Any] | None, fmt: str,
             rows: int | None, mime: str | None = None, **details: Any) -> dict[str, Any]:
    """The app's ``dcc.Download`` data for ``content``, once its ``export`` line (destination ``download
    FILENAME``) is written; raises :class:`~chokepoint.graph.audit.AuditUnavailable` (nothing handed
    over) when the audit is required and cannot be written."""
    with audit.exported(query, params, fmt, f"download {filename}", rows=rows, **details):
        pass
    data = {"content": content, "filename": filename}
    return {**data, "type": mime} if mime else data


def _remove(path: Path | None) -> None:
    if path is not None:
        try:
            path.unlink()
        except OSError:
            pass
