"""The cells of a table file row by row, with no header read into them: for network files (edge lists,
matrices), whose first row may be a header or already data.

=========  ===================  ===========================================================================
kind       suffixes             rows
=========  ===================  ===========================================================================
text       any other            delimited text: comma, semicolon, tab, pipe or whitespace (runs of spaces
                                and tabs, as networkx's ``write_edgelist`` writes); row number = line
xlsx       .xlsx .xlsm          a sheet read with openpyxl (streaming); row number = the sheet's row
ods        .ods                 a sheet read with pandas' ``odf`` engine (odfpy; the sheet is read whole)
=========  ===================  ===========================================================================

Text: the encoding is detected as for record files (``loaders/readers.py``); the separator is declared
(:data:`SEPARATORS`) or chosen from the start of the file: the one of ``, ; tab |`` that splits the first
row into two or more cells and most rows into as many (ties in that order), else whitespace when that
splits the first row, else a comma (one column). A file whose first lines are all ``u v {...}``
(networkx's attribute dicts, which may hold commas) is whitespace-separated whatever else splits them. With ``comments``,
lines starting with ``#`` before the first row (SNAP's and networkx's headers) are skipped and counted.
Blank rows are skipped everywhere. Cells are text (spreadsheet values as ``graph.values.cell_text``
gives them), ``""`` for an empty cell; a spreadsheet row ends at its last non-empty cell.

Every row, text or spreadsheet, is held to the cell and row limits of :func:`limits.check_row` (a cell
of at most 1 Mi characters, a row of at most 16 Mi). :meth:`Table.rows` treats a row over them as an
unreadable file (ReadError: matrices, sniffing); :meth:`Table.entries` gives it as an :class:`OverLimit`
in its place, so an edge list rejects that one row and reads on.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from chokepoint.graph.values import cell_text
from chokepoint.loaders import limits
from chokepoint.loaders.limits import LimitExceeded
from chokepoint.loaders.readers import ReadError, _encoding

__all__ = ["SEPARATORS", "SPREADSHEETS", "OverLimit", "Table", "open_table"]

#: separator names (as ``--separator`` takes them) -> the character; ``whitespace`` splits on runs of blanks
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|", "whitespace": " "}
#: spreadsheet suffixes -> kind
SPREADSHEETS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods"}

_SNIFFED = ",;\t|"
_SAMPLE_LINES = 200
_WHITESPACE = " "

Cells = tuple[int, list[str]]


@dataclass(frozen=True)
class OverLimit:
    """A row over a cell or row limit, in place of its cells: where, why (one line), and its cells as a
    rejects report may show them (long ones cut, :func:`limits.cut_cells`)."""

    row: int
    column: int | None          # 1-based cell over the limit; None: the row as a whole
    reason: str
    cells: list[str]


@dataclass(frozen=True)
class Table:
    """A table file opened for reading: its kind, the separator (text) or sheet (spreadsheets) read, and
    how many leading comment lines are skipped. :meth:`rows` reads it again each time it is called."""

    path: Path
    kind: str                   # "text", "xlsx" or "ods"
    separator: str | None       # text: a name of SEPARATORS
    separator_declared: bool
    sheet: str | None           # spreadsheets: the title of the sheet read
    comments: int               # leading "#" lines skipped (text, when asked)
    before: int = 0             # lines before the first row (those comments and blank lines)
    encoding: str | None = None  # text: as detected once

    def rows(self) -> Iterator[Cells]:
        """``(row_number, cells)`` of every non-blank row, the first row included. Raises ReadError,
        also for a row over a cell or row limit."""
        for entry in self.entries():
            if isinstance(entry, OverLimit):
                raise ReadError(f"{self.path}: {entry.reason}")
            yield entry

    def entries(self) -> Iterator[Cells | OverLimit]:
        """As :meth:`rows`, but a row over a cell or row limit comes as an :class:`OverLimit` and the
        rows after it follow."""
        if self.kind == "xlsx":
            return _xlsx_rows(self.path, self.sheet)
        if self.kind == "ods":
            return _ods_rows(self.path, self.sheet)
        return _text_rows(self.path, self.separator, self.before, self.encoding)


def open_table(path: Path, separator: str | None = None, sheet: str | None = None,
               comments: bool = False) -> Table:
    """Open ``path`` as a table: choose the sheet or the separator. Raises ReadError for an unknown
    separator, a sheet asked of a text file (or a separator of a spreadsheet), a missing sheet or a file
    that cannot be read."""
    path = Path(path)
    kind = SPREADSHEETS.get(path.suffix.lower(), "text")
    if separator is not None:
        separator = _separator_name(separator)
    if kind == "text":
        if sheet is not None:
            raise ReadError(f"{path}: a sheet ({sheet!r}) can only be chosen in an XLSX or ODS file")
        encoding = _text_encoding(path)
        before, skipped, sample = _start(path, comments, encoding)
        return Table(path, kind, separator or _sniff(sample), separator is not None, None, skipped, before, encoding)
    if separator is not None:
        raise ReadError(f"{path}: a separator applies to text files, not to a {kind} workbook")
    titles = _xlsx_titles(path) if kind == "xlsx" else _ods_titles(path)
    if not titles:
        raise ReadError(f"{path}: the workbook has no sheet")
    if sheet is None:
        return Table(path, kind, None, False, titles[0], 0, 0)
    chosen = next((t for t in titles if t.casefold() == sheet.casefold()), None)  # as Excel compares them
    if chosen is None:
        raise ReadError(f"{path}: no sheet named {sheet!r}; sheets: {', '.join(repr(t) for t in titles)}")
    return Table(path, kind, None, False, chosen, 0, 0)


def _separator_name(separator: str) -> str:
    """The name of a declared separator, given by name or as the character (``\\t`` for a tab)."""
    given = separator.strip().lower() if separator.strip() else separator
    for name, char in SEPARATORS.items():
        if given in (name, char) or (name == "tab" and given in ("\\t", "tsv")) or \
                (name == "whitespace" and given in ("space", "spaces", "blank")):
            return name
    raise ReadError(f"unknown separator {separator!r}; use one of {', '.join(SEPARATORS)}")


# -- text --------------------------------------------------------------------------------------------
def _text_encoding(path: Path) -> str:
    try:
        return _encoding(path)
    except OSError as err:
        raise ReadError(f"{path}: cannot read: {err}") from err


def _lines(path: Path, encoding: str) -> Iterator[str]:
    try:
        with open(path, newline="", encoding=encoding, errors="strict") as f:
            yield from f
    except (OSError, UnicodeDecodeError) as err:
        raise ReadError(f"{path}: cannot read: {err}") from err


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _start(path: Path, comments: bool, encoding: str) -> tuple[int, int, list[str]]:
    """How many lines come before the first row, how many of them are comments, and the first rows."""
    before, skipped, sample = 0, 0, []
    lines = _lines(path, encoding)
    for line in lines:
        if not sample and (not line.strip() or (comments and _is_comment(line))):
            before += 1
            skipped += bool(line.strip())
            continue
        if line.strip():
            sample.append(line)
            if len(sample) >= _SAMPLE_LINES:
                break
    lines.close()
    return before, skipped, sample


def _sniff(sample: list[str]) -> str:
    """The separator's name, from the first rows (see the module docstring)."""
    if not sample:
        return "comma"
    if all(_nx_attributes(line) for line in sample[:20]):
        return "whitespace"
    text = "".join(sample[:-1] if len(sample) >= _SAMPLE_LINES else sample)  # the last line may be cut
    best, choice = (False, -1.0, 0), None
    for char in _SNIFFED:
        rows = [r for r in csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=char)
                if any(c.strip() for c in r)]
        if not rows:
            continue
        width = len(rows[0])
        fit = sum(len(r) == width for r in rows[1:]) / (len(rows) - 1) if len(rows) > 1 else 1.0
        if (score := (width > 1, fit, width)) > best:
            best, choice = score, char
    if best[0]:
        return next(name for name, c in SEPARATORS.items() if c == choice)
    return "whitespace" if len(sample[0].split()) > 1 else "comma"


def _nx_attributes(line: str) -> bool:
    """``u v {...}``: an edge with networkx's attribute dict."""
    parts = line.split(None, 2)
    return len(parts) == 3 and parts[2].strip().startswith("{") and parts[2].strip().endswith("}")


def _split_blanks(line: str) -> list[str]:
    """Whitespace-separated cells; a trailing ``{...}`` (networkx's attributes) stays one cell."""
    if _nx_attributes(line):
        u, v, attributes = line.split(None, 2)
        return [u, v, attributes.strip()]
    return line.split()


def _text_rows(path: Path, separator: str, before: int, encoding: str) -> Iterator[Cells]:
    lines = _lines(path, encoding)
    for _ in range(before):
        next(lines, None)
    if separator == "whitespace":
        for line_no, line in enumerate(lines, start=before + 1):
            if line.strip():
                yield _checked(f"line {line_no}", line_no, _split_blanks(line))
        return
    reader = csv.reader(lines, csv.excel, delimiter=SEPARATORS[separator])
    try:
        while True:
            start = before + reader.line_num + 1  # the line the row starts on
            cells = next(reader, None)
            if cells is None:
                return
            if any(c.strip() for c in cells):
                yield _checked(f"line {start}", start, cells)
    except csv.Error as err:
        raise ReadError(f"{path}: line {before + reader.line_num}: cannot read: {err}") from err


def _checked(where: str, row_no: int, cells: list) -> Cells | OverLimit:
    """The row, or an :class:`OverLimit` when it goes over :func:`limits.check_row`'s limits."""
    try:
        limits.check_row(cells, where)
    except LimitExceeded as err:
        return OverLimit(row_no, err.column, str(err), limits.cut_cells(_cells(cells[:limits.MAX_COLUMNS])))
    return row_no, cells


# -- spreadsheets ------------------------------------------------------------------------------------
def _cells(values) -> list[str]:
    cells = ["" if _missing(v) else (cell_text(v, typed=True) or "") for v in values]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _missing(value) -> bool:
    """No value: None, or pandas' NaN and NaT (neither equals itself)."""
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):
        return False


_XLSX_ERRORS = (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError, zlib.error,
                EOFError)


def _workbook(f):
    return openpyxl.load_workbook(f, read_only=True, data_only=True, keep_links=False)


def _xlsx_titles(path: Path) -> list[str]:
    try:
        limits.check_zip(path, "xlsx")  # before openpyxl reads anything (loaders/limits.py)
        with open(path, "rb") as f:  # a file object: openpyxl would refuse an unusual suffix
            book = _workbook(f)
            try:
                return [ws.title for ws in book.worksheets]
            finally:
                book.close()
    except _XLSX_ERRORS as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None


def _sheet_row(sheet: str, row_no: int, values) -> Cells | OverLimit | None:
    """The row's cells (None when it is blank), or an :class:`OverLimit` when it goes over the limits
    of :func:`limits.check_row` (cells, cell size, row text)."""
    try:
        limits.check_row(values, f"sheet {sheet!r}: row {row_no}")
    except LimitExceeded as err:
        return OverLimit(row_no, err.column, str(err), limits.cut_cells(_cells(values[:limits.MAX_COLUMNS])))
    return (row_no, cells) if (cells := _cells(values)) else None


def _xlsx_rows(path: Path, sheet: str) -> Iterator[Cells | OverLimit]:
    try:
        with open(path, "rb") as f:
            book = _workbook(f)
            try:
                ws = book[sheet]
                ws.reset_dimensions()  # the stored size may be wrong; rows then end at their last cell
                for row_no, values in enumerate(ws.iter_rows(values_only=True), start=1):
                    if entry := _sheet_row(sheet, row_no, values):
                        yield entry
            finally:
                book.close()
    except _XLSX_ERRORS as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None


def _ods_titles(path: Path) -> list[str]:
    import pandas as pd

    try:
        limits.check_zip(path, "ods")  # before odfpy reads content.xml whole (loaders/limits.py)
        with pd.ExcelFile(path, engine="odf") as book:
            return [str(name) for name in book.sheet_names]
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None
    except Exception as err:  # odfpy and pandas raise XML, zip and value errors of many kinds
        raise ReadError(f"{path}: cannot read as ODS: {type(err).__name__}: {err}") from err


def _ods_rows(path: Path, sheet: str) -> Iterator[Cells | OverLimit]:
    import pandas as pd

    try:
        limits.check_zip(path, "ods")
        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="odf")
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None
    except Exception as err:
        raise ReadError(f"{path}: cannot read as ODS: {type(err).__name__}: {err}") from err
    # pandas keeps the blank rows (leading ones too) and the empty leading cells: index + 1 = row number
    for index, values in zip(frame.index, frame.itertuples(index=False, name=None)):
        if entry := _sheet_row(sheet, int(index) + 1, values):
            yield entry
