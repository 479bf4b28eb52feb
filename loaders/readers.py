"""Reading record files row by row, as text, with row numbers a person can find in the file.

Every format is streamed: memory does not grow with the file's size.

========  ===================  ==================================================================
format    suffixes             row number
========  ===================  ==================================================================
csv       .csv .txt            line in the file; the header is row 1, so data starts at row 2
tsv       .tsv .tab            as csv (the delimiter is a tab, not sniffed)
xlsx      .xlsx .xlsm          the sheet's row number (the header is its first non-empty row)
json      .json                1-based index of the record in the top-level array
jsonl     .jsonl .ndjson       line in the file (1-based)
parquet   .parquet .pq         1-based index of the record
========  ===================  ==================================================================

CSV: encoding detected (UTF-8, UTF-8 with BOM, else cp1252), delimiter sniffed among , ; tab |.
Headers and keys are normalised (:func:`normalise_header`: transliterated, trimmed, lower-case, other
characters to ``_``) so "Shipment ID" matches ``shipment_id`` and "Teléfono" ``telefono``. Cells become text as a person would type them (see ``graph.values.cell_text``); the
value parsers do the rest. A row that cannot be used as a record (cells beyond the header or under
a column without a name, a JSON element that is not an object, a JSON Lines line that does not
parse) is still yielded, with the key :data:`EXTRA_CELLS` set, so the caller rejects just that row.
Problems with the whole file raise :class:`ReadError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import sys
import unicodedata
import zipfile
import zlib
from functools import lru_cache
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path

import ijson
import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from openpyxl.utils.exceptions import InvalidFileException

from chokepoint.graph.errors import ChokepointError
from chokepoint.graph.values import cell_text, json_default
from chokepoint.loaders import limits
from chokepoint.loaders.limits import LimitExceeded
from chokepoint.loaders.values import TypedText

__all__ = [
    "csv_cells",
    "ReadError", "read_rows", "check_readable", "detect_format", "normalise_header",
    "EXTRA_CELLS", "REASON", "COLUMN", "SHEET", "ALL_SHEETS", "FORMATS", "SUFFIXES",
]

#: Key under which a row keeps what does not fit the header (cells beyond it or under a column
#: without a name), or a description of why a record is not a row at all. Such a row is rejected.
EXTRA_CELLS = "__extra_cells__"
#: Key set beside :data:`EXTRA_CELLS` when the row is rejected for this reason as it stands (an XLSX row
#: over a cell limit), not for cells beyond the header.
REASON = "__reason__"
#: Key set beside :data:`REASON` for a row over a cell limit: the column (header name) of that cell.
COLUMN = "__column__"
#: Key naming the sheet a row comes from, set only when every sheet is read (``sheet=ALL_SHEETS``).
SHEET = "__sheet__"
#: ``sheet`` value meaning "every sheet of the workbook, one after another".
ALL_SHEETS = "*"
#: The formats :func:`read_rows` accepts.
FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl", "parquet")
#: File suffix (lower case) -> format, as :func:`detect_format` uses it.
SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "tsv", ".tab": "tsv", ".xlsx": "xlsx", ".xlsm": "xlsx",
            ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}

_NON_WORD = re.compile(r"[^0-9a-z]+")
_DELIMITERS = ",;\t|"
_SAMPLE = 64 * 1024  # characters of a CSV file its delimiter is chosen from
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # a cell as long as the file: not an error
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")
_BOM = codecs.BOM_UTF8
_BATCH_ROWS = 10_000
_CHUNK = 256 * 1024
_JSON = json.JSONDecoder(parse_float=Decimal)  # keeps "1.50" as typed

Row = tuple[int, dict[str, str | None]]


class ReadError(ChokepointError):
    """The file cannot be read at all (fatal: nothing from it is loaded).

    The message is one line: line breaks in what a parser said (JSON errors quote the text around the
    error over several lines) become spaces.
    """

    def __init__(self, message: str):
        super().__init__(_LINE_BREAKS.sub(" ", message))


def normalise_header(name: str) -> str:
    """Return a column name as mappings spell it: transliterated (Unicode NFKD, combining marks
    dropped, case folded, so ``é`` is ``e`` and ``ß`` is ``ss``), then every run of characters other
    than ``a-z`` and ``0-9`` one ``_``, none at either end.

    >>> normalise_header("  Shipment ID ")
    'shipment_id'
    >>> normalise_header("Teléfono"), normalise_header("Cantidad (kg)"), normalise_header("Año Straße")
    ('telefono', 'cantidad_kg', 'ano_strasse')
    >>> normalise_header("#"), normalise_header("\ufeffname"), normalise_header("ï»¿name")
    ('', 'name', 'name')

    A leading byte-order mark, also as cp1252 shows its bytes (``ï»¿``), is no part of the name.
    """
    if not name.isascii():
        name = name.lstrip("\ufeff").removeprefix("ï»¿")
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return _NON_WORD.sub("_", name.strip().casefold()).strip("_")


def detect_format(path: str | Path) -> str:
    """Return the format of ``path`` from its suffix (case-insensitive).

    Raises
    ------
    ReadError
        The suffix is not one of :data:`SUFFIXES`.

    Examples
    --------
    >>> detect_format("records/persons.XLSX")
    'xlsx'
    """
    path = Path(path)
    try:
        return SUFFIXES[path.suffix.lower()]
    except KeyError:
        accepted = ", ".join(f"{fmt} ({' '.join(s for s, f in SUFFIXES.items() if f == fmt)})" for fmt in FORMATS)
        raise ReadError(f"{path}: unknown file type {path.suffix or '(no suffix)'!r}; "
                        f"accepted: {accepted}") from None


def check_readable(path: str | Path, format: str | None = None, sheet: str | None = None) -> None:
    """Raise :class:`ReadError` now if ``path`` cannot be read or its header is unusable.

    Reads the header and the first record (of XLSX: every chosen sheet's header). A JSON file is
    also checked for syntax to its end, so a broken one is fatal before anything is written.
    Parameters are as for :func:`read_rows`.
    """
    rows = read_rows(path, format, sheet)
    try:
        next(rows, None)
    finally:
        rows.close()
    if (format or detect_format(path)) == "json":
        _check_json_syntax(Path(path))


def read_rows(path: str | Path, format: str | None = None, sheet: str | None = None) -> Iterator[Row]:
    """Yield ``(row_number, {column: text or None})`` for each record of ``path``, streaming.

    Parameters
    ----------
    path
        The record file.
    format
        One of :data:`FORMATS`; ``None`` detects it from the suffix (:func:`detect_format`).
    sheet
        XLSX only: a sheet name (case-insensitive), ``None`` for the first sheet, or
        :data:`ALL_SHEETS` for every sheet in turn (each row then has the key :data:`SHEET`).

    Yields
    ------
    tuple of (int, dict)
        The row number (see the module docstring) and the row. A row with the key
        :data:`EXTRA_CELLS` must be rejected. Blank CSV lines and empty sheet rows are skipped.

    Raises
    ------
    ReadError
        At once for an unknown format or a sheet given for a format other than XLSX; while
        iterating when the file cannot be opened or decoded, its header has duplicate columns, the
        named sheet does not exist, or JSON is not an array or has a syntax error.
    """
    path = Path(path)
    format = format or detect_format(path)
    if format not in FORMATS:
        raise ReadError(f"{path}: unknown format {format!r}; use one of {', '.join(FORMATS)}")
    if sheet is not None and format != "xlsx":
        raise ReadError(f"{path}: a sheet ({sheet!r}) can only be chosen in an XLSX file, not {format}")
    if format in ("csv", "tsv"):
        return _csv_rows(path, "\t" if format == "tsv" else None)
    if format == "xlsx":
        return _xlsx_rows(path, sheet)
    return {"json": _json_rows, "jsonl": _jsonl_rows, "parquet": _parquet_rows}[format](path)


# -- one reader per format ---------------------------------------------------------------------------

def csv_cells(path: str | Path, delimiter: str | None = None) -> Iterator[tuple[int, list[str]]]:
    """``(line_number, cells)`` of the non-blank lines of a CSV/TSV file, header included (line 1).

    Encoding detected, delimiter sniffed among , ; tab | unless given. Raises :class:`ReadError`.
    """
    path = Path(path)
    try:
        with open(path, newline="", encoding=_encoding(path), errors="strict") as f:
            if delimiter:
                reader = csv.reader(f, csv.excel, delimiter=delimiter)
            else:
                sample = f.read(_SAMPLE)
                f.seek(0)
                reader = csv.reader(f, csv.excel, delimiter=_delimiter(sample, cut=len(sample) == _SAMPLE))
            for line_no, cells in enumerate(reader, start=1):
                if line_no == 1 or any(c.strip() for c in cells):
                    yield line_no, cells
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise ReadError(f"{path}: cannot read: {err}") from err


def _delimiter(sample: str, cut: bool) -> str:
    """The delimiter among , ; tab | that splits the header into columns and most rows into as many.

    ``sample`` is the start of the file (``cut``: its last line may be incomplete). Ties go to the
    first in that order; with no header of two columns or more, a comma. (Python's ``csv.Sniffer``
    misread simple files such as ``A;B;C`` followed by ``;;";"``.)
    """
    best, choice = (False, -1.0, 0), ","
    for candidate in _DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(sample, newline=""), csv.excel, delimiter=candidate) if _has_text(r)]
        if cut:
            rows = rows[:-1]
        if not rows:
            continue
        width = len(rows[0])
        fit = sum(len(r) == width for r in rows[1:]) / (len(rows) - 1) if len(rows) > 1 else 1.0
        if (score := (width > 1, fit, width)) > best:
            best, choice = score, candidate
    return choice


def _csv_rows(path: Path, delimiter: str | None) -> Iterator[Row]:
    """CSV (delimiter sniffed when ``delimiter`` is None) or TSV; row number = line, header = 1."""
    lines = csv_cells(path, delimiter)
    first = next(lines, None)
    if first is None:
        return
    try:
        limits.check_row(first[1], f"line {first[0]}")  # a header over the limits: the file is refused
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err} (the header)") from None
    names = _header(path, first[1])
    width = len(names)
    for line_no, cells in lines:
        try:
            limits.check_row(cells, f"line {line_no}")
        except LimitExceeded as err:  # this row is rejected, the rest of the file loads
            yield line_no, _over_limit(names, cells, err)
            continue
        if len(cells) < width:  # a short line: its missing cells are empty, as in a spreadsheet
            cells += [None] * (width - len(cells))
        yield line_no, _row(names, cells)


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[Row]:
    """XLSX in openpyxl's read-only (streaming) mode; row number = the sheet's row number. The zip is
    checked first and each cell while streaming (``loaders/limits.py``)."""
    try:
        limits.check_zip(path, "xlsx")
        with open(path, "rb") as f:  # a file object: openpyxl would refuse an unusual suffix
            book = openpyxl.load_workbook(f, read_only=True, data_only=True, keep_links=False)
            try:
                headers = [_sheet_header(path, ws) for ws in _sheets(path, book, sheet)]  # all checked first
                for ws, header_no, names in headers:
                    rows = ws.iter_rows(min_row=header_no + 1, values_only=True)
                    for row_no, values in enumerate(rows, start=header_no + 1):
                        try:
                            _check_cells(ws, row_no, values)
                        except LimitExceeded as err:  # this row is rejected, the rest of the sheet loads
                            row = _over_limit(names, values, err)
                            if sheet == ALL_SHEETS:
                                row[SHEET] = ws.title
                            yield row_no, row
                            continue
                        if _has_text(cells := [_cell(v) for v in values]):
                            cells += [None] * (len(names) - len(cells))  # empty trailing cells are not stored
                            row = _row(names, cells)
                            if sheet == ALL_SHEETS:
                                row[SHEET] = ws.title
                            yield row_no, row
            finally:
                book.close()
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError, zlib.error,
            EOFError) as err:  # SyntaxError: broken XML; zlib.error, EOFError: a broken or cut zip member
        raise ReadError(f"{path}: cannot read: {err}") from err
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None


def _over_limit(names: list[str], values: Sequence, err: LimitExceeded) -> dict[str, str | None]:
    """A row over a cell or row limit, to be rejected as it stands: its cells by name as a rejects report
    shows them (long ones cut), the reason, and the column of the cell over the limit."""
    cells = limits.cut_cells([_cell(v) for v in values[:len(names)]])
    row: dict[str, str | None] = {n: c for n, c in zip(names, cells) if n}
    row.update({EXTRA_CELLS: str(err), REASON: str(err)})
    if err.column is not None:
        row[COLUMN] = names[err.column - 1] if err.column <= len(names) and names[err.column - 1] else str(err.column)
    return row


def _check_cells(ws, row_no: int, values: Sequence) -> None:
    """The row within the limits of :func:`limits.check_row` (cells, cell size, row text)."""
    limits.check_row(values, f"sheet {ws.title!r}: row {row_no}")


def _sheets(path: Path, book: openpyxl.Workbook, sheet: str | None) -> list:
    """The worksheets ``sheet`` chooses (names compare case-insensitively, as in Excel)."""
    sheets = {ws.title.casefold(): ws for ws in book.worksheets}
    if sheet == ALL_SHEETS:
        return list(sheets.values())
    if sheet is None:
        return list(sheets.values())[:1]
    if sheet.casefold() not in sheets:
        names = ", ".join(repr(ws.title) for ws in book.worksheets)
        raise ReadError(f"{path}: no sheet named {sheet!r}; sheets: {names}")
    return [sheets[sheet.casefold()]]


def _sheet_header(path: Path, ws) -> tuple:
    """``(ws, row_number, names)`` of the sheet's first non-empty row (row 0, no names when none)."""
    ws.reset_dimensions()  # the stored size may be wrong; rows then end at their last cell
    for row_no, values in enumerate(ws.iter_rows(values_only=True), start=1):
        _check_cells(ws, row_no, values)
        if _has_text(cells := [cell_text(v, typed=True) for v in values]):
            return ws, row_no, _header(path, cells, row_no, ws.title)
    return ws, 0, []


def _json_rows(path: Path) -> Iterator[Row]:
    """A top-level JSON array of objects, streamed with ijson; row number = 1-based record index."""
    record = 0
    try:
        with open(path, "rb") as f:
            start = len(_BOM) if f.read(len(_BOM)) == _BOM else 0
            f.seek(start)
            while (first := f.read(1)) and first.isspace():
                pass
            if first != b"[":
                raise ReadError(f"{path}: expected a JSON array of objects")
            _check_json_syntax(path, start)  # and its depth, before anything is built (limits.MAX_NESTING)
            f.seek(start)
            for record, value in enumerate(ijson.items(f, "item", use_float=False), start=1):
                yield record, _record(value)
    except OSError as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
    except (ijson.JSONError, UnicodeDecodeError) as err:
        raise ReadError(f"{path}: record {record + 1}: invalid JSON: {err}") from err
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None


def _jsonl_rows(path: Path) -> Iterator[Row]:
    """JSON Lines (UTF-8, BOM allowed); row number = line; a bad line is a rejected row, not fatal: so
    is a line longer than :data:`limits.MAX_LINE_BYTES` or nested deeper than :data:`limits.MAX_NESTING`."""
    try:
        with open(path, "rb") as f:
            for line_no, raw in enumerate(_bounded_lines(f), start=1):
                if isinstance(raw, int):
                    yield line_no, {EXTRA_CELLS: limits.over("a line of", raw, limits.MAX_LINE_BYTES, "bytes")}
                    continue
                if line_no == 1 and raw.startswith(_BOM):
                    raw = raw[len(_BOM):]
                if not raw.strip():
                    continue
                try:
                    value = _JSON.decode(raw.decode("utf-8"))
                except UnicodeDecodeError:
                    yield line_no, {EXTRA_CELLS: "line is not UTF-8 text"}
                except json.JSONDecodeError as err:
                    yield line_no, {EXTRA_CELLS: f"not valid JSON: {err.msg} (column {err.colno})"}
                except RecursionError:  # Python's parser gives up first: deeper than it can follow
                    yield line_no, {EXTRA_CELLS: f"nested more than {sys.getrecursionlimit():,} levels deep, "
                                                 f"over {sys.getrecursionlimit() // limits.MAX_NESTING} times the "
                                                 f"limit of {limits.MAX_NESTING}"}
                else:
                    if (depth := limits.value_depth(value)) > limits.MAX_NESTING:
                        yield line_no, {EXTRA_CELLS: limits.over("nested", depth, limits.MAX_NESTING, "levels deep")}
                        continue
                    yield line_no, _record(value)
    except OSError as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None


def _bounded_lines(f) -> Iterator[bytes | int]:
    """The lines of a binary file; a line longer than :data:`limits.MAX_LINE_BYTES` is skipped without
    being held, and its length (an int) stands in for it."""
    limit = limits.MAX_LINE_BYTES
    while raw := f.readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        size = len(raw)
        while (more := f.readline(limit)) and not more.endswith(b"\n"):
            size += len(more)
        yield size + len(more)


def _parquet_rows(path: Path) -> Iterator[Row]:
    """Parquet, read in batches with pyarrow; row number = 1-based record index.

    Memory stays bounded whatever the file declares: text and binary columns are read as dictionaries
    (a value the file stores once stays one value), each row group in batches sized from its metadata,
    and a batch is decoded to Python a bounded slice at a time (``loaders/limits.py``).
    """
    record = 0
    try:
        with pq.ParquetFile(path) as probe:
            schema = probe.schema_arrow
            limits.check_parquet_pages(path, probe.metadata)
        textual = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                   or pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]
        with pq.ParquetFile(path, read_dictionary=textual or None) as parquet:
            names = _header(path, parquet.schema_arrow.names, row_no=None)
            for batch in _parquet_batches(parquet, lambda: record):
                for values, not_text in _batch_values(batch, names):
                    record += 1
                    row = _row(names, [_cell(v) for v in values])
                    if EXTRA_CELLS in row:  # records, not lines: say why, as for JSON
                        row[EXTRA_CELLS] = f"a value in a column without a name: {_shown(row[EXTRA_CELLS])}"
                    if not_text:
                        row[EXTRA_CELLS] = f"not UTF-8 text in column(s) {', '.join(not_text)} (shown with \ufffd)"
                    yield record, row
    except (OSError, pa.ArrowException) as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (MemoryError, RecursionError) as err:
        raise ReadError(f"{path}: {limits.exhausted(err)}") from None


def _parquet_batches(parquet: pq.ParquetFile, records_so_far) -> Iterator[pa.RecordBatch]:
    """The file's records as decoded batches of at most :data:`limits.MAX_BATCH_BYTES` (one record
    at most :data:`limits.MAX_RECORD_BYTES`); row groups sized from the metadata before they are read."""
    meta = parquet.metadata
    for group in range(meta.num_row_groups):
        info = meta.row_group(group)
        if not info.num_rows:
            continue
        per_row = info.total_byte_size / info.num_rows
        if per_row > limits.MAX_RECORD_BYTES:
            raise LimitExceeded(f"row group {group + 1}: " + limits.over(
                "records average", round(per_row), limits.MAX_RECORD_BYTES, "bytes"))
        size = max(1, min(_BATCH_ROWS, int(limits.MAX_BATCH_BYTES // max(per_row, 1))))
        for batch in parquet.iter_batches(batch_size=size, row_groups=[group]):
            yield from _decoded_slices(batch, records_so_far())


def _decoded_slices(batch: pa.RecordBatch, before: int) -> Iterator[pa.RecordBatch]:
    """``batch`` with its dictionary columns decoded, in slices whose decoded values stay under
    :data:`limits.MAX_BATCH_BYTES`; a record over :data:`limits.MAX_RECORD_BYTES` is fatal."""
    rows = batch.num_rows
    sizes = [0] * rows
    for column in batch.columns:
        if pa.types.is_dictionary(column.type):
            lengths = pc.fill_null(pc.take(pc.binary_length(column.dictionary), column.indices), 0).to_pylist()
            sizes = [a + b for a, b in zip(sizes, lengths)]
        else:
            share = column.nbytes // max(rows, 1)
            sizes = [a + share for a in sizes]
    start, total = 0, 0
    for i, size in enumerate(sizes):
        if size > limits.MAX_RECORD_BYTES:
            raise LimitExceeded(f"record {before + i + 1}: " + limits.over(
                "its values are", size, limits.MAX_RECORD_BYTES, "bytes"))
        if total + size > limits.MAX_BATCH_BYTES and i > start:
            yield _decoded(batch.slice(start, i - start))
            start, total = i, 0
        total += size
    if start < rows:
        yield _decoded(batch.slice(start, rows - start))


def _decoded(batch: pa.RecordBatch) -> pa.RecordBatch:
    columns = [c.dictionary_decode() if pa.types.is_dictionary(c.type) else c for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


# -- shared helpers ----------------------------------------------------------------------------------

def _encoding(path: Path) -> str:
    """UTF-8 (``utf-8-sig`` with a BOM) when the whole file decodes, else cp1252 when it does, else
    latin-1 (every byte is a character). Reads in chunks; a file is never refused for its bytes."""
    with open(path, "rb") as f:
        for encoding in ("utf-8", "cp1252"):
            f.seek(0)
            chunk = f.read(_CHUNK)
            bom = encoding == "utf-8" and chunk.startswith(_BOM)
            decoder = codecs.getincrementaldecoder(encoding)()
            try:
                while chunk:
                    decoder.decode(chunk)
                    chunk = f.read(_CHUNK)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return "utf-8-sig" if bom else encoding
    return "latin-1"


def _header(path: Path, cells: Iterable[str | None], row_no: int | None = 1,
            sheet: str | None = None) -> list[str]:
    """Normalised column names; raise :class:`ReadError` on duplicates (empty names may repeat)."""
    names = [normalise_header(c or "") for c in cells]
    dupes = sorted(n for n, count in Counter(names).items() if n and count > 1)
    if dupes:
        where = (f"sheet {sheet!r}: " if sheet else "") + (f"row {row_no}: " if row_no else "")
        raise ReadError(f"{path}: {where}duplicate column(s) {', '.join(dupes)}")
    return names


def _row(names: list[str], cells: list[str | None]) -> dict[str, str | None]:
    """Pair cells with names; non-blank cells under an empty name or beyond the header go to EXTRA_CELLS."""
    row: dict[str, str | None] = {}
    extra = []
    for i, cell in enumerate(cells):
        name = names[i] if i < len(names) else ""
        if name:
            row[name] = cell
        elif cell and cell.strip():
            extra.append(cell)
    if extra:
        row[EXTRA_CELLS] = "|".join(extra)
    return row


def _record(value: object) -> dict[str, str | None]:
    """One JSON value as a row: an object's keys normalised, anything else a row to reject."""
    if not isinstance(value, dict):
        shown = _SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False, default=json_default))
        return {EXTRA_CELLS: f"not a JSON object: {shown[:60] + '...' if len(shown) > 60 else shown}"}
    names = [_key_name(k) for k in value]
    row = _row(names, [_cell(v) for v in value.values()])
    if EXTRA_CELLS in row:  # values under keys such as "" or "#": say so, as a reason
        row[EXTRA_CELLS] = f"a value under a key without letters or digits: {_shown(row[EXTRA_CELLS])}"
    if len(row) < len(names) and (dupes := sorted(n for n, count in Counter(names).items() if n and count > 1)):
        row[EXTRA_CELLS] = f"duplicate key(s) {', '.join(dupes)}"
    if _SURROGATE.search("".join(v for v in row.values() if v)):  # "\ud800" is valid JSON, not text
        row = {k: v and _SURROGATE.sub("\ufffd", v) for k, v in row.items()}
        row[EXTRA_CELLS] = "not text: a \\u escape of half a surrogate pair (shown as \ufffd)"
    return row


def _shown(text: str, limit: int = 60) -> str:
    """``text`` quoted on one line for a reason, cut at ``limit`` characters.

    >>> _shown("a\\nb"), _shown("x" * 70)[-6:]
    ("'a\\\\nb'", "xx'...")
    """
    return repr(text[:limit]) + ("..." if len(text) > limit else "")


@lru_cache(maxsize=4096)
def _key_name(key: str) -> str:
    """:func:`normalise_header`, remembered: JSON records repeat their keys."""
    return normalise_header(key)


_STORED_TYPED = (int, float, Decimal, dt.date)


def _cell(value: object) -> str | None:
    """A cell's text as :func:`cell_text` gives it; a number or date the file stored as one (not as
    text) is a :class:`~chokepoint.loaders.values.TypedText`, read without separators or date orders.

    >>> type(_cell(4.1)).__name__, _cell(4.1), type(_cell("4,1")).__name__, _cell(True)
    ('TypedText', '4.1', 'str', 'true')
    """
    text = cell_text(value, typed=True)
    if text is not None and isinstance(value, _STORED_TYPED) and not isinstance(value, bool):
        return TypedText(text)
    return text


def _has_text(cells: list[str | None]) -> bool:
    return any(c and c.strip() for c in cells)


def _batch_values(batch: pa.RecordBatch, names: list[str]) -> Iterator[tuple[Sequence, Sequence[str]]]:
    """``(values, columns whose value is not UTF-8)`` per record of a Parquet batch.

    A string column may hold bytes that are not UTF-8 (Parquet does not check); such a batch is read
    again value by value, the bad bytes decoded with U+FFFD so the row can be rejected and reported.
    """
    try:
        columns = [_py_values(column) for column in batch.columns]
    except UnicodeDecodeError:
        for i in range(batch.num_rows):
            values, not_text = [], []
            for name, column in zip(names, batch.columns):
                try:
                    values.append(_py_values(column.slice(i, 1))[0])
                except UnicodeDecodeError:
                    raw = column.slice(i, 1).cast(pa.large_binary()).to_pylist()[0]
                    values.append(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else None)
                    not_text.append(name or "(no name)")
            yield values, not_text
        return
    for values in zip(*columns):
        yield values, ()


def _py_values(column: pa.Array) -> list:
    """Python values of a column; nanosecond timestamps are cut to microseconds, as datetime holds."""
    if pa.types.is_timestamp(column.type) and column.type.unit == "ns":
        column = column.cast(pa.timestamp("us", column.type.tz), safe=False)
    return column.to_pylist()


def _check_json_syntax(path: Path, start: int | None = None) -> None:
    """Parse all of a JSON file (streaming, nothing kept) so a syntax error or a value nested deeper
    than :data:`limits.MAX_NESTING` surfaces early (``limits.check_json_file``; done once per file)."""
    try:
        if start is None:
            with open(path, "rb") as f:
                start = len(_BOM) if f.read(len(_BOM)) == _BOM else 0
        limits.check_json_file(path, start)
    except OSError as err:
        raise ReadError(f"{path}: cannot read: {err}") from err
    except LimitExceeded as err:
        raise ReadError(f"{path}: {err}") from None
    except (ijson.JSONError, UnicodeDecodeError) as err:
        raise ReadError(f"{path}: record {getattr(err, 'record', 1)}: invalid JSON: {err}") from err
