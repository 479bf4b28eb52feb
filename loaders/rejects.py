"""The rejects report: every row that was not loaded, with file, row, column, reason and its values.

The report is private (mode 0600: it quotes the rows) and safe to open in a spreadsheet: a cell that
would run as a formula gets a leading ``'`` (``graph.csvsafe``); ``original_values`` is JSON, an object,
so the row's values are in it exactly as read.
"""

from __future__ import annotations

import json
from pathlib import Path

from chokepoint.graph import csvsafe
from chokepoint.graph.private import open_private
from chokepoint.loaders.rows import Reject

__all__ = ["RejectsReport"]


class RejectsReport:
    """CSV of rejected rows, created only when there is a first reject."""

    HEADER = ["source_file", "row", "column", "reason", "original_values"]

    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._file = None
        self._writer = None

    def __enter__(self) -> RejectsReport:
        if self.path.exists():
            self.path.unlink()  # a re-run reports its own rejects, not the last run's
        return self

    def add(self, reject: Reject) -> None:
        if self._writer is None:
            # whatever a reader lets through, the report is written: text that is not UTF-8 as \\u escapes
            self._file = open_private(self.path, newline="", encoding="utf-8", errors="backslashreplace")
            self._writer = csvsafe.writer(self._file)
            self._writer.writerow(self.HEADER)
        values = {k: v for k, v in reject.values.items()}
        self._writer.writerow([reject.file, reject.row, reject.column, reject.reason,
                               json.dumps(values, ensure_ascii=False)])
        self.count += 1

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            self._file.close()
