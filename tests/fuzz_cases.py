"""Hypothesis strategies for record files that try hard to break the loaders (tests/loaders/test_fuzz_loaders.py).

A *case* is a file name and its bytes, for one source of the standard mapping: CSV and TSV of random
shapes, delimiters, quoting, line ends and encodings; JSON, JSON Lines, Parquet and XLSX with values of
the wrong types; each possibly truncated, salted with binary junk, or replaced by junk, an empty file
or a lone byte-order mark. Cells mix ordinary values, near-misses (dates that do not exist, numbers
too big for Neo4j, unknown labels), markup and query payloads, control characters and huge fields.

How many examples each test runs is set by the profile, ``CHOKEPOINT_FUZZ=fuzz`` (``make fuzz``) or
``ci`` (the default, ``make test``): see :data:`EXAMPLES`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from chokepoint.loaders.mapping import STANDARD_MAPPING, load_mapping
from chokepoint.loaders.readers import normalise_header

__all__ = ["PROFILE", "EXAMPLES", "MAPPING", "SOURCES", "PAYLOADS", "record_file", "record_folder",
           "well_formed_csv"]

#: The profile: ``ci`` (few examples, derandomised: the same cases every run) or ``fuzz`` (many, random).
PROFILE = os.environ.get("CHOKEPOINT_FUZZ", "ci")
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz", deadline=None, print_blob=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
if PROFILE not in ("ci", "fuzz"):
    raise ValueError(f"CHOKEPOINT_FUZZ={PROFILE!r}: use ci or fuzz")

#: Examples per test and profile. ``make fuzz`` runs them all: more than 10,000 cases in total.
EXAMPLES = {
    "ci": {"reader": 150, "csv": 100, "load": 12, "cli": 3},
    "fuzz": {"reader": 7_000, "csv": 3_000, "load": 1_000, "cli": 40},
}[PROFILE]

MAPPING = load_mapping(STANDARD_MAPPING)
#: Sources of the standard mapping the cases are written for: single keys, label columns, phones,
#: plates, typed properties and relationship properties.
SOURCES = ("persons", "shipments", "communications", "vehicles", "supplies", "seizures", "firearms")

#: Names that must stay plain data everywhere (tests/app/test_payloads.py uses them too).
PAYLOADS = [
    "'}) MATCH (n) DETACH DELETE n //",
    "\"}) MATCH (n) DETACH DELETE n //",
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"window.__pwned=1\">",
    "${7*7} {{7*7}} #{7*7}",
    "`Person` ` DETACH DELETE",
    "Robert'); DROP TABLE students;--",
    "[/] [bold red]x[/bold red]",
    "=cmd|' /C calc'!A0",
    "a\x00b",
]

_TRICKY = [
    "", " ", "  ", ",", ";", "\t", "|", '"', "'", '""', '"a,b"', 'a"b', "\n", "\r\n", "\r", "a\nb", "a\r\nb",
    "\x00", "\x1b[31m", "\ufeff", "\u200b", "\u2028", "é", "€", "Ω", "💊", "Ⅻ", "ǅ", "ß", "İ", "ﬁ",
    "=1+2", "NaN", "nan", "inf", "-inf", "1e400", "1e30", "-1e30", "9223372036854775808",
    "99999999999999999999", "-0", "0x10", "1_000", "1,250.5", "12", "3.5", "2024-02-30", "2024-01-01",
    "31/12/2023", "0000-01-01", "9999-12-31", "yes", "no", "maybe", "Person", "lab", "Port Of Entry",
    "PortOfEntry", "Ship", "+1 619 555 0100", "(619) 555-0100", "+", "00", "ABC-123", "abc 123", "--",
    "courier; broker", "a|b|c", ";;", *PAYLOADS,
]

_text = st.text(max_size=24)
_cell = st.one_of(st.sampled_from(_TRICKY), st.sampled_from(_TRICKY), _text,
                  st.from_regex(r"[A-Za-z][A-Za-z .,'-]{0,20}", fullmatch=True))


def _huge(draw) -> str:
    unit = draw(st.sampled_from(["x", "é", "a,b", '"', "ab\n", "€", "Ana Soto "]))
    return unit * draw(st.integers(1_000, 300_000 // len(unit)))


def _good(column: str) -> st.SearchStrategy[str]:
    """Values a record file would hold in ``column`` (the standard records' columns)."""
    if column in ("date", "dob", "purchase_date", "trace_date"):
        return st.dates(min_value=dt.date(1950, 1, 1)).map(lambda d: d.strftime(
            "%Y-%m-%d" if d.day % 3 else "%d/%m/%Y"))
    if column in ("quantity", "duration_s", "lat", "lon"):
        return st.integers(0, 10_000).map(str)
    if column.endswith("_type"):
        return st.sampled_from(["Organization", "Person", "Lab", "Location", "PortOfEntry", "person", "Lab "])
    if column.endswith("phone"):
        return st.from_regex(r"\+1 619 555 0[0-9]{3}", fullmatch=True)
    if column in ("plate", "vehicle"):
        return st.from_regex(r"[A-Z]{3}-?[0-9]{3}", fullmatch=True)
    if column in ("controlled",):
        return st.sampled_from(["yes", "no"])
    return st.sampled_from(["Ana Soto", "Beto Cruz", "LOPEZ, ANDRES", "Andrés López", "Grupo Delta", "Tijuana",
                            "San Ysidro", "NPP", "courier; broker", "MX", "S1", "S2", *PAYLOADS[:4]])


def _spelled(draw, column: str) -> str:
    """A column name as people write it: case, spaces, punctuation (all normalise to ``column``)."""
    how = draw(st.integers(0, 5))
    if how == 0:
        return column.upper()
    if how == 1:
        return f"  {column.replace('_', ' ').title()} "
    if how == 2:
        return column.replace("_", "-")
    return column


@st.composite
def _table(draw, source: str) -> tuple[list[str], list[list[str]]]:
    """A header (mostly the source's columns, maybe missing, extra, duplicate or empty ones) and rows."""
    spec = MAPPING.sources[source]
    required, optional = sorted(spec.required_columns()), sorted(spec.columns() - spec.required_columns())
    names = [c for c in required if draw(st.integers(0, 19))]  # a required column is sometimes missing
    names += draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
    names += draw(st.lists(st.sampled_from(["", "#", "notes", "Name", "name", "ID", "x y"]) | _text, max_size=2))
    columns = draw(st.permutations(names))
    names = [_spelled(draw, n) for n in columns]
    if names and draw(st.integers(0, 14)) == 0:
        names.append(draw(st.sampled_from(names)))  # a duplicate column
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.integers(0, 3)):  # a row of the header's width, mostly good values
            rows.append([draw(_good(c) if draw(st.integers(0, 5)) else _cell) for c in columns])
        else:  # anything: short, long, junk
            rows.append(draw(st.lists(_cell, max_size=len(names) + 2)))
    if draw(st.integers(0, 14)) == 0:  # one huge field, in the header or a row
        where = draw(st.integers(0, len(rows)))
        if where == len(rows):
            names.append(_huge(draw))
        elif rows[where]:
            rows[where][draw(st.integers(0, len(rows[where]) - 1))] = _huge(draw)
    return names, rows


def _csv_text(draw, names: list[str], rows: list[list[str]], delimiter: str) -> str:
    style = draw(st.sampled_from(["minimal", "minimal", "all", "raw"]))
    end = draw(st.sampled_from(["\r\n", "\n", "\n", "\r"]))
    if style == "raw":  # no quoting at all: delimiters and quotes inside cells break the shape
        return "".join(delimiter.join(r) + end for r in [names, *rows])
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if style == "all" else csv.QUOTE_MINIMAL
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator=end)
    writer.writerow(names)
    writer.writerows(rows)
    return out.getvalue()


def _encode(draw, text: str) -> bytes:
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    return text.encode(encoding, errors=draw(st.sampled_from(["replace", "ignore"])))


def _json_value(draw):
    return draw(st.one_of(
        _cell, st.integers(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), st.booleans(), st.none(),
        st.lists(_cell, max_size=3), st.dictionaries(_text, _cell, max_size=2),
        st.lists(st.lists(st.integers(), max_size=2), max_size=2),
        st.sampled_from(["\ud800", "a\udfffb"]),  # lone surrogates: valid JSON escapes, not text
    ))


def _json_records(draw, source: str) -> list:
    names, rows = draw(_table(source))
    records: list = []
    for r in rows:
        record = {n: _json_value(draw) if draw(st.integers(0, 3)) == 0 else c for n, c in zip(names, r)}
        records.append(record)
    if draw(st.integers(0, 5)) == 0:
        records.insert(draw(st.integers(0, len(records))), _json_value(draw))  # not an object
    return records


def _dumps(draw, value) -> str:
    return json.dumps(value, ensure_ascii=draw(st.booleans()))


def _parquet_bytes(draw, source: str) -> bytes:
    names, rows = draw(_table(source))
    names = list(dict.fromkeys(n for n in names if len(n) < 1000)) or ["name"]
    n = len(rows)
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(["string", "string", "int", "float", "bool", "date", "timestamp", "binary",
                                     "list", "null"]))
        values = {
            "string": st.one_of(_cell, st.none()), "int": st.one_of(st.integers(-2**63, 2**63 - 1), st.none()),
            "float": st.floats(), "bool": st.booleans(), "date": st.dates(),
            "timestamp": st.datetimes(min_value=dt.datetime(1970, 1, 1)), "binary": st.binary(max_size=8),
            "list": st.lists(_text, max_size=3), "null": st.none(),
        }[kind]
        column = draw(st.lists(values, min_size=n, max_size=n))
        if kind == "string":
            column = [None if v is None else v.encode("utf-8", "replace").decode("utf-8") for v in column]
        columns[name] = column
    out = io.BytesIO()
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


def _xlsx_bytes(draw, source: str) -> bytes:
    names, rows = draw(_table(source))
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = draw(st.sampled_from(["Sheet1", "Data", "<b>x<b>", "'; DROP"]))
    value = st.one_of(_cell.map(_xlsx_text), st.integers(-2**53, 2**53), st.floats(allow_nan=False,
                      allow_infinity=False), st.booleans(), st.dates(min_value=dt.date(1900, 3, 1)), st.none())
    ws.append([_xlsx_text(n) for n in names])
    for r in rows:
        ws.append([draw(value) if draw(st.integers(0, 2)) == 0 else _xlsx_text(c) for c in r])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_text(text: str) -> str:
    """What a spreadsheet can hold: no control characters, at most 32,767 characters per cell."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32_767]


def _mutate(draw, data: bytes) -> bytes:
    """Usually the bytes as they are; sometimes cut short, salted with junk, or replaced."""
    how = draw(st.sampled_from(["none"] * 8 + ["truncate", "append", "insert", "junk", "empty", "bom", "nul"]))
    if how == "truncate" and data:
        return data[:draw(st.integers(0, len(data) - 1))]
    if how == "append":
        return data + draw(st.binary(min_size=1, max_size=64))
    if how == "insert" and data:
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if how == "junk":
        return draw(st.binary(max_size=512))
    if how == "empty":
        return b""
    if how == "bom":
        return b"\xef\xbb\xbf" + draw(st.sampled_from([b"", b"\n", b"\r\n\r\n"]))
    if how == "nul":
        return data.replace(b",", b"\x00", draw(st.integers(1, 3)))
    return data


@st.composite
def record_file(draw, source: str | None = None, formats: tuple[str, ...] | None = None,
                mutate: bool = True) -> tuple[str, str, bytes]:
    """``(source, file name, bytes)``: one record file for a source of the standard mapping (with
    ``mutate``, sometimes cut, salted with junk or replaced)."""
    source = source or draw(st.sampled_from(SOURCES))
    fmt = draw(st.sampled_from(formats or ("csv", "csv", "csv", "csv", "tsv", "json", "jsonl", "parquet", "xlsx")))
    if fmt in ("csv", "tsv"):
        names, rows = draw(_table(source))
        if rows and draw(st.integers(0, 19)) == 0:  # past the 64 KiB the delimiter and encoding are chosen from
            rows = [rows[0]] * (70_000 // (len(",".join(rows[0])) + 2) + 1) + rows[1:]
        delimiter = "\t" if fmt == "tsv" else draw(st.sampled_from([",", ",", ";", "\t", "|"]))
        data = _encode(draw, _csv_text(draw, names, rows, delimiter))
    elif fmt == "json":
        data = _dumps(draw, _json_records(draw, source)).encode("utf-8", "surrogatepass")
        if draw(st.integers(0, 3)) == 0:
            data = b"\xef\xbb\xbf" + data
    elif fmt == "jsonl":
        lines = [_dumps(draw, r) for r in _json_records(draw, source)]
        lines += draw(st.lists(st.sampled_from(["", "{", "[1, 2]", "null", '{"name": }', "\x00"]), max_size=2))
        lines = draw(st.permutations(lines))
        data = draw(st.sampled_from(["\n", "\r\n"])).join(lines).encode("utf-8", "surrogatepass")
    elif fmt == "parquet":
        data = _parquet_bytes(draw, source)
    else:
        data = _xlsx_bytes(draw, source)
    suffix = {"csv": draw(st.sampled_from([".csv", ".CSV", ".txt"])), "tsv": ".tsv", "json": ".json",
              "jsonl": ".jsonl", "parquet": ".parquet", "xlsx": ".xlsx"}[fmt]
    return source, source + suffix, _mutate(draw, data) if mutate else data


@st.composite
def record_folder(draw) -> list[tuple[str, str, bytes]]:
    """One to three record files of different sources (a records directory). One broken file stops
    a load, so a file is broken (cut, junk) only one time in five: most folders get loaded."""
    sources = draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True))
    return [draw(record_file(source, mutate=draw(st.integers(0, 4)) == 0)) for source in sources]


@st.composite
def well_formed_csv(draw) -> tuple[str, bytes, list[str], list[list[str]]]:
    """A CSV file a spreadsheet would write: distinct column names, every row as wide as the header,
    properly quoted, in one encoding that can hold its text. Returns ``(encoding, bytes, names, rows)``."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    chars = st.characters(codec="cp1252" if encoding == "cp1252" else "utf-8", exclude_characters="\x00")
    word = st.text(chars, max_size=12)
    # two columns at least: with one, nothing in the file says which delimiter it was written with
    names = draw(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_ ]{0,10}", fullmatch=True), min_size=2, max_size=6,
                          unique_by=normalise_header))
    cell = st.one_of(word, st.sampled_from([t for t in _TRICKY if "\x00" not in t and _fits(t, encoding)]))
    rows = draw(st.lists(st.lists(cell, min_size=len(names), max_size=len(names)), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    # Python's writer quotes a cell holding a character of the line end only: with "\n" alone a
    # cell's "\r" would go out bare, which no reader can tell from a line end
    end = draw(st.sampled_from(["\r\n", "\n"])) if quoting == csv.QUOTE_ALL else "\r\n"
    csv.writer(out, delimiter=delimiter, lineterminator=end, quoting=quoting).writerows([names, *rows])
    return encoding, out.getvalue().encode(encoding), names, rows


def _fits(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False
