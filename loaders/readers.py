"""Reading tabular record files row by row, with row numbers as a spreadsheet shows them.

CSV/TSV: encoding detected (UTF-8, UTF-8 with BOM, else cp1252), delimiter sniffed among , ; tab |.
Headers are normalised (trimmed, lower-case, spaces to underscores) so "Shipment ID" matches
``shipment_id``. More formats arrive with the loaders issue (docs/records.md).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from graph.errors import ChokepointError

__all__ = ["ReadError", "read_rows", "normalise_header", "EXTRA_CELLS", "check_readable"]

#: Key under which a row keeps cells beyond the header's columns (such a row is rejected).
EXTRA_CELLS = "__extra_cells__"

_NON_WORD = re.compile(r"[^0-9a-z]+")


class ReadError(ChokepointError):
    """The file cannot be read at all (fatal: nothing from it is loaded)."""


def normalise_header(name: str) -> str:
    return _NON_WORD.sub("_", name.strip().lower()).strip("_")


def _encoding(path: Path) -> str:
    head = path.read_bytes()[:1 << 20]
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(head) - 4:  # not just a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def check_readable(path: Path) -> None:
    """Raise :class:`ReadError` now if ``path`` cannot be opened or its header is unusable."""
    next(read_rows(path), None)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row_number, {header: cell})``; the header is row 1, so data starts at row 2."""
    path = Path(path)
    try:
        encoding = _encoding(path)
        with open(path, newline="", encoding=encoding, errors="strict") as f:
            sample = f.read(64 * 1024)
            f.seek(0)
            try:
                dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel
            reader = csv.reader(f, dialect)
            header = next(reader, None)
            if header is None:
                return
            names = [normalise_header(h) for h in header]
            dupes = sorted({n for n in names if names.count(n) > 1 and n})
            if dupes:
                raise ReadError(f"{path}: row 1: duplicate column(s) {', '.join(dupes)}")
            for line_no, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                row = dict(zip(names, cells, strict=False))
                if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                    row[EXTRA_CELLS] = "|".join(cells[len(names):])
                yield line_no, row
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
