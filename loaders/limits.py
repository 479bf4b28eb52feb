"""Limits that keep a hostile input file from exhausting memory, and the checks that apply them.

A small file can describe a huge structure: JSON nested 100,000 deep, a zip member that inflates a
thousandfold, a Parquet dictionary page whose one value every row repeats. The readers
(``loaders/readers.py``, ``loaders/cells.py``, ``loaders/networks.py``) apply these checks before or
while they read, so such a file ends in one line naming it and how far over a limit it went
(:class:`LimitExceeded`), never in a traceback or an exhausted machine. Each limit is generous for a
real file: a 50 MB XLSX export loads. docs/security.md ("Hostile files") lists them.

========================  ==============  =====================================================
limit                     value           applies to
========================  ==============  =====================================================
MAX_NESTING               100 levels      JSON, JSON Lines (per line), GraphML, GEXF
MAX_LINE_BYTES            64 MiB          one JSON Lines line (a longer line is rejected)
MAX_ZIP_TOTAL             2 GiB           XLSX/ODS: declared uncompressed size of all members
MAX_RATIO                 100             XLSX/ODS: a member's declared size / its compressed size
                                          (members over 1 MiB)
MAX_SHARED_STRINGS_BYTES  128 MiB         XLSX: xl/sharedStrings.xml (openpyxl keeps it whole)
MAX_SHARED_STRINGS        2,000,000       XLSX: entries in the shared strings
MAX_WHOLE_PART            16 MiB          XLSX: any other XML part openpyxl parses whole
MAX_ROW_XML               2 MiB           XLSX: one sheet row's XML (openpyxl builds a row whole)
MAX_COLUMNS               16,384          XLSX: cells in one row (Excel's own limit)
MAX_CELL_CHARS            1,048,576       XLSX/ODS/CSV/TSV/text edge lists: characters in one cell
MAX_ODS_CONTENT           32 MiB          ODS: content.xml (read whole by odfpy)
MAX_BATCH_BYTES           32 MiB          Parquet: decoded values converted at once
MAX_PAGE_BYTES            64 MiB          Parquet: one page, uncompressed (pyarrow inflates a page whole)
MAX_RECORD_BYTES          16 MiB          Parquet: one record's decoded values; XLSX/ODS/CSV/TSV/
                                          text edge lists: one row's text (characters)
MAX_KEY_BYTES             8,000 bytes     a node name of a network file (``loaders/rows.py``)
========================  ==============  =====================================================
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import ijson

from chokepoint.graph.errors import ChokepointError

__all__ = [
    "LimitExceeded", "over", "exhausted", "MAX_NESTING", "MAX_LINE_BYTES", "MAX_ZIP_TOTAL", "MAX_RATIO",
    "MAX_SHARED_STRINGS_BYTES", "MAX_SHARED_STRINGS", "MAX_WHOLE_PART", "MAX_ROW_XML", "MAX_COLUMNS",
    "MAX_CELL_CHARS", "MAX_ODS_CONTENT", "MAX_BATCH_BYTES", "MAX_PAGE_BYTES", "MAX_RECORD_BYTES", "MAX_KEY_BYTES",
    "check_parquet_pages",
    "check_json_file", "value_depth", "check_zip", "check_row", "cut_cells", "key_too_long", "NestingGuard",
]

MiB = 1024 * 1024
MAX_NESTING = 100
MAX_LINE_BYTES = 64 * MiB
MAX_ZIP_TOTAL = 2048 * MiB
MAX_RATIO = 100
RATIO_FLOOR = 1 * MiB  # smaller members may compress as well as they like
MAX_SHARED_STRINGS_BYTES = 128 * MiB
MAX_SHARED_STRINGS = 2_000_000
MAX_WHOLE_PART = 16 * MiB
MAX_ROW_XML = 2 * MiB
MAX_COLUMNS = 16_384
MAX_CELL_CHARS = 1_048_576
MAX_ODS_CONTENT = 32 * MiB
MAX_BATCH_BYTES = 32 * MiB
MAX_RECORD_BYTES = 16 * MiB
MAX_PAGE_BYTES = 64 * MiB
#: Longest key value (UTF-8 bytes) a row, or a network file's node name, may give: Neo4j's range index on
#: a key holds about 8 kB, and a longer value would fail the whole write; such a row is rejected instead.
MAX_KEY_BYTES = 8_000

_CHUNK = 1 * MiB


class LimitExceeded(ChokepointError):
    """A file goes over one of this module's limits; the message says which, by how much, and where.
    ``column``: the 1-based cell of a row that is over (:func:`check_row`), None when it is the row."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


def over(what: str, value: float, limit: float, unit: str = "") -> str:
    """``what`` is ``value``, that many times ``limit``: the words every limit error uses.

    >>> over("nested", 150, 100, "levels deep")
    'nested 150 levels deep, 1.5 times the limit of 100'
    >>> over("xl/sharedStrings.xml", 300 * MiB, 128 * MiB, "bytes")
    'xl/sharedStrings.xml 314,572,800 bytes, 2.3 times the limit of 134,217,728'
    """
    return f"{what} {value:,} {unit}".rstrip() + f", {value / limit:,.1f} times the limit of {limit:,}"


def exhausted(err: BaseException) -> str:
    """The one line for a MemoryError or RecursionError that got past the limits."""
    if isinstance(err, RecursionError):
        return "too deeply nested to read (RecursionError); nothing from it was loaded"
    return "too large to read in the memory available (MemoryError); nothing from it was loaded"


def key_too_long(text: str) -> str | None:
    """Why ``text`` cannot be a node's key (longer than :data:`MAX_KEY_BYTES` in UTF-8), or None."""
    if len(text) * 4 <= MAX_KEY_BYTES:  # 4 bytes per character at most: only long values are encoded
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    if size <= MAX_KEY_BYTES:
        return None
    return f"too long for a key: {size:,} bytes (at most {MAX_KEY_BYTES:,}, {size / MAX_KEY_BYTES:,.1f} times that)"


# -- JSON ----------------------------------------------------------------------------------------
_checked_json: dict[tuple, None] = {}


def check_json_file(path: Path, start: int = 0) -> None:
    """Parse all of a JSON file without building it, checking its syntax and that no value nests more
    than :data:`MAX_NESTING` levels (the top-level array is level 1). A file checked unchanged
    (same size and modification time) is not read again.

    Raises :class:`LimitExceeded` (too deep) or what ijson raises for broken JSON (``ijson.JSONError``,
    ``UnicodeDecodeError``), with the 1-based record it was in as ``err.record``.
    """
    stat = os.stat(path)
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, start, MAX_NESTING)
    if key in _checked_json:
        return
    depth, done, deepest = 0, 0, 0  # done: records complete so far
    try:
        with open(path, "rb") as f:
            f.seek(start)
            # basic_parse: no prefixes (ijson's prefixes grow with the depth; 100,000 deep took gigabytes)
            for event, _ in ijson.basic_parse(f, use_float=False):
                if event in ("start_map", "start_array"):
                    depth += 1
                    deepest = max(deepest, depth)
                elif event in ("end_map", "end_array"):
                    depth -= 1
                    if depth == 1:
                        done += 1
                        if deepest > MAX_NESTING:  # the record is over: say how deep it went
                            raise LimitExceeded(f"record {done}: " + over("nested", deepest, MAX_NESTING,
                                                                          "levels deep"))
                elif depth == 1:
                    done += 1
    except LimitExceeded:
        raise
    except Exception as err:
        err.record = done + 1
        raise
    if deepest > MAX_NESTING:  # a file cut inside a deep record
        raise LimitExceeded(f"record {done + 1}: " + over("nested", deepest, MAX_NESTING, "levels deep"))
    if len(_checked_json) > 64:
        _checked_json.clear()
    _checked_json[key] = None


def value_depth(value: object) -> int:
    """How many levels of lists and objects ``value`` nests (a scalar: 0), without recursion.

    >>> value_depth(1), value_depth([]), value_depth({"a": [1, {"b": []}]})
    (0, 1, 4)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level)
        stack.extend((v, level + 1) for v in item if isinstance(v, (dict, list)))
    return deepest


# -- XML (GraphML, GEXF) -------------------------------------------------------------------------
class NestingGuard:
    """Counts the depth of an ``iterparse`` stream (``start``/``end`` events); :meth:`start` raises
    :class:`LimitExceeded` past :data:`MAX_NESTING` levels."""

    def __init__(self) -> None:
        self.depth = 0

    def start(self, tag: str) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            name = tag.rsplit("}", 1)[-1]
            raise LimitExceeded(f"XML nested more than {MAX_NESTING} levels deep (at a <{name}> element); "
                                f"the limit is {MAX_NESTING}")

    def end(self) -> None:
        self.depth -= 1


# -- XLSX and ODS --------------------------------------------------------------------------------
_ROW_OR_END = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]{0,40}:)?(row|sheetData)[\s>/]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?c[\s>/]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?si[\s>/]")
_TAIL = 64  # bytes kept between chunks so a tag split by a chunk boundary is still found


def check_zip(path: Path, kind: str) -> None:
    """Check an XLSX (``kind="xlsx"``) or ODS (``"ods"``) workbook before it is read: the members'
    declared sizes (zipfile never inflates a member past its declared size), their compression
    ratios, then for XLSX the shared strings (size and entries) and every sheet's rows (bytes and
    cells per row) by scanning the inflated bytes without parsing them; for ODS content.xml's size.

    Raises :class:`LimitExceeded`; a file that is not a zip is left for the reader to report. A file
    checked unchanged (same size and modification time) is not scanned again.
    """
    try:
        stat = os.stat(path)
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError):
        return
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns, kind, MAX_ZIP_TOTAL, MAX_RATIO,
           MAX_SHARED_STRINGS_BYTES, MAX_SHARED_STRINGS, MAX_WHOLE_PART, MAX_ROW_XML, MAX_COLUMNS, MAX_ODS_CONTENT)
    if key in _checked_zip:
        archive.close()
        return
    with archive:
        _check_archive(archive, kind)
    if len(_checked_zip) > 64:
        _checked_zip.clear()
    _checked_zip[key] = None


_checked_zip: dict[tuple, None] = {}


def _check_archive(archive: zipfile.ZipFile, kind: str) -> None:
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    if total > MAX_ZIP_TOTAL:
        raise LimitExceeded(over("the members inflate to", total, MAX_ZIP_TOTAL, "bytes"))
    for info in infos:
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                raise LimitExceeded(f"{info.filename} inflates {ratio:,.0f} times ({info.file_size:,} bytes "
                                    f"from {info.compress_size:,}), {ratio / MAX_RATIO:,.1f} times the limit "
                                    f"of {MAX_RATIO} (a zip bomb?)")
    if kind == "ods":
        for info in infos:
            if info.filename == "content.xml" and info.file_size > MAX_ODS_CONTENT:
                raise LimitExceeded(over("content.xml is", info.file_size, MAX_ODS_CONTENT, "bytes") +
                                    " (an ODS sheet is read whole; save it as XLSX or CSV)")
        return
    for info in infos:
        name = info.filename
        if not name.lower().endswith((".xml", ".rels")) or info.is_dir():
            continue
        if name.lower().endswith("sharedstrings.xml"):
            _check_shared_strings(archive, info)
        elif info.file_size > MAX_ROW_XML:
            _check_rows(archive, info)


def check_row(values: Sequence, where: str) -> None:
    """Raise when a spreadsheet row (``where``: the sheet and row, for the message) has more than
    :data:`MAX_COLUMNS` cells, a cell of more than :data:`MAX_CELL_CHARS` characters, or more than
    :data:`MAX_RECORD_BYTES` characters in all (one long shared string can fill every cell of a row).
    One pass over the row; the cells are looked at one by one only when the row is long."""
    if len(values) > MAX_COLUMNS:
        raise LimitExceeded(f"{where} " + over("has", len(values), MAX_COLUMNS, "cells"))
    total = sum(len(v) for v in values if isinstance(v, str))
    if total <= MAX_CELL_CHARS:
        return
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise LimitExceeded(f"{where}, column {column}: " + over("a cell of", len(value), MAX_CELL_CHARS,
                                                                     "characters"), column)
    if total > MAX_RECORD_BYTES:
        raise LimitExceeded(f"{where}: " + over("its cells hold", total, MAX_RECORD_BYTES, "characters"))


def cut_cells(values: Sequence) -> list:
    """A row over a limit as a rejects report shows it: each text cell longer than :data:`SHOWN_CHARS`
    cut there and its length said, so the report stays small whatever the row held.

    >>> cut_cells(["Ana", "x" * 500])[1][-30:]
    'xxxxxxxxxx... (500 characters)'
    """
    return [f"{v[:SHOWN_CHARS]}... ({len(v):,} characters)" if isinstance(v, str) and len(v) > SHOWN_CHARS else v
            for v in values]


#: characters of an over-long cell a rejects report keeps
SHOWN_CHARS = 200


def _regions(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterable[tuple[int, bytes, int]]:
    """The inflated member as ``(offset, data, end)``: ``data[:end]`` is the next stretch, at ``offset``
    in the member; ``data`` goes on a little (:data:`_TAIL`) so a tag at the edge is whole."""
    offset, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            data = tail + chunk
            end = max(len(data) - _TAIL, 0)
            yield offset, data, end
            offset, tail = offset + end, data[end:]
    yield offset, tail, len(tail)


def _check_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise LimitExceeded(over(f"{info.filename} is", info.file_size, MAX_SHARED_STRINGS_BYTES, "bytes"))
    entries = 0
    for _, data, end in _regions(archive, info):
        for m in _SHARED_STRING.finditer(data):
            if m.start() >= end:
                break
            entries += 1
    if entries > MAX_SHARED_STRINGS:
        raise LimitExceeded(over(f"{info.filename} holds", entries, MAX_SHARED_STRINGS, "strings"))


def _cells_in(data: bytes, start: int, end: int) -> int:
    """Cell tags (``<c ...>``, also with a namespace prefix) in ``data[start:end]``, counted fast."""
    return sum(data.count(tag, start, end) for tag in (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/"))


def _check_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Each ``<row>`` of a sheet at most :data:`MAX_ROW_XML` bytes and :data:`MAX_COLUMNS` cells; what
    is not in a row (before the first, after the sheet data, a part with no rows) at most
    :data:`MAX_WHOLE_PART` bytes at a stretch."""
    name = info.filename
    span_start, in_row, rows, cells = 0, False, 0, 0

    def check(at: int) -> None:
        size = at - span_start
        if in_row and size > MAX_ROW_XML:
            raise LimitExceeded(over(f"{name}: row {rows} is", size, MAX_ROW_XML, "bytes of XML"))
        if in_row and cells > MAX_COLUMNS:
            raise LimitExceeded(over(f"{name}: row {rows} has", cells, MAX_COLUMNS, "cells"))
        if not in_row and size > MAX_WHOLE_PART:
            raise LimitExceeded(over(f"{name}: a stretch outside rows of", size, MAX_WHOLE_PART, "bytes"))

    short = 4 * MAX_COLUMNS  # a row of fewer bytes cannot hold too many cells (``<c/>`` is 4): not counted
    for offset, data, end in _regions(archive, info):
        local = 0 if in_row else None  # where the current row's uncounted part starts in ``data``
        for m in _ROW_OR_END.finditer(data):
            if m.start() >= end:
                break
            if m.group(2) == b"row" and m.group(1):
                continue  # </row>: the row's span goes on to what starts next
            if in_row and (local is not None) and (m.start() - local > short or offset + m.start() - span_start > short):
                cells += _cells_in(data, local, m.start())
            check(offset + m.start())
            in_row = m.group(2) == b"row"  # <row ...> starts a row; <sheetData> and </sheetData> end one
            span_start, cells, local = offset + m.start(), 0, m.start()
            rows += in_row
        if in_row and local is not None:  # a row going on into the next stretch: count what it has here
            cells += _cells_in(data, local, end)
    check(offset + end)  # the last stretch (each stretch is checked whole, when it ends)


# -- Parquet pages -------------------------------------------------------------------------------
def check_parquet_pages(path: Path, metadata) -> None:
    """Every page of every column chunk at most :data:`MAX_PAGE_BYTES` uncompressed, from the page
    headers (pyarrow inflates a page whole, and the row group metadata does not say how a column
    chunk is split: one page of 300 MB compresses to a few kilobytes). Reads only the headers."""
    with open(path, "rb") as f:
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            for column in range(row_group.num_columns):
                chunk = row_group.column(column)
                start = chunk.data_page_offset
                if chunk.has_dictionary_page and chunk.dictionary_page_offset is not None:
                    start = min(start, chunk.dictionary_page_offset)
                end = start + chunk.total_compressed_size
                position = start
                while position < end:
                    f.seek(position)
                    reader = _Thrift(f)
                    fields = reader.page_sizes()
                    uncompressed, compressed = fields.get(2, 0), fields.get(3, 0)
                    if uncompressed > MAX_PAGE_BYTES:
                        raise LimitExceeded(f"row group {group + 1}, column {chunk.path_in_schema!r}: " + over(
                            "a page of", uncompressed, MAX_PAGE_BYTES, "bytes uncompressed") +
                            f" (from {compressed:,})")
                    if compressed <= 0 and uncompressed <= 0:
                        break  # not a page header: let pyarrow report the file
                    position = f.tell() + compressed


class _Thrift:
    """Just enough of Thrift's compact protocol to read a Parquet page header's sizes and skip the rest."""

    def __init__(self, f) -> None:
        self.f = f

    def byte(self) -> int:
        b = self.f.read(1)
        if not b:
            raise LimitExceeded("a Parquet page header is cut short")
        return b[0]

    def varint(self) -> int:
        shift = result = 0
        for _ in range(10):
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
        raise LimitExceeded("a Parquet page header has a broken number")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def page_sizes(self) -> dict[int, int]:
        """The header's integer fields 1-3 (type, uncompressed and compressed size); the rest skipped."""
        out, field = {}, 0
        while (b := self.byte()) != 0:
            delta, kind = b >> 4, b & 0x0F
            field = field + delta if delta else self.zigzag()
            if kind == 5 and field in (1, 2, 3):
                out[field] = self.zigzag()
            else:
                self.skip(kind)
        return out

    def skip(self, kind: int, depth: int = 0) -> None:
        if depth > MAX_NESTING:
            raise LimitExceeded("a Parquet page header nests too deep")
        if kind in (1, 2):
            return
        if kind == 3:
            self.byte()
        elif kind in (4, 5, 6):
            self.varint()
        elif kind == 7:
            self.f.read(8)
        elif kind == 8:
            self.f.seek(self.varint(), 1)
        elif kind in (9, 10):
            b = self.byte()
            size, element = b >> 4, b & 0x0F
            if size == 15:
                size = self.varint()
            for _ in range(size):
                self.byte() if element in (1, 2) else self.skip(element, depth + 1)
        elif kind == 11:
            size = self.varint()
            if size:
                b = self.byte()
                for _ in range(size):
                    self.skip(b >> 4, depth + 1)
                    self.skip(b & 0x0F, depth + 1)
        elif kind == 12:
            field = 0
            while (b := self.byte()) != 0:
                if not b >> 4:
                    self.zigzag()
                self.skip(b & 0x0F, depth + 1)
        else:
            raise LimitExceeded(f"a Parquet page header has an unknown field type {kind}")
