"""Exports: a query's rows as CSV or JSON (the CLI's ``--format csv|json``, ``--out``), and the app's
downloads, each written privately and audited as an ``export`` line (``graph.audit.exported``).

CSV cells that a spreadsheet would run as a formula get a leading ``'`` unless ``raw``
(``graph.csvsafe``); JSON keeps exact values. A file named by ``--out`` is written mode 0600 through a
temporary file beside it and renamed once its audit line is written: when the audit is required and the
line cannot be written, no file appears.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from chokepoint.graph import audit, csvsafe
from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.private import write_private
from chokepoint.graph.values import cell_text
from chokepoint.queries.saved import QueryResult

__all__ = ["FORMATS", "result_text", "export_result", "download"]

#: Formats a query result is exported in
FORMATS = ("csv", "json")


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
    temp = None
    details = {"raw": raw} if fmt == "csv" else {}
    try:
        with audit.exported(query or result.name, result.params, fmt, str(target), rows=len(result.rows),
                            **details):
            if target.is_dir():
                raise ChokepointError(f"cannot write {target}: it is a folder; name a file with --out")
            temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            try:
                write_private(temp, text, newline="")
            except OSError as err:
                raise ChokepointError(f"cannot write {target}: {err.strerror or err}") from err
        os.replace(temp, target)
    except OSError as err:
        _remove(temp)
        raise ChokepointError(f"cannot write {target}: {err.strerror or err}") from err
    except BaseException:
        _remove(temp)  # refused, or failed: no file, not even part of one
        raise
    return None


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
