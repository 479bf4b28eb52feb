"""Record files of every format to numbered rows of text: values, row numbers, sheets, bad records, memory."""

import datetime as dt
import json
import tracemalloc
from decimal import Decimal

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chokepoint.graph.values import cell_text
from chokepoint.loaders.readers import (
    ALL_SHEETS, EXTRA_CELLS, FORMATS, SHEET, ReadError, check_readable, detect_format, read_rows,
)

MB = 1 << 20


def rows(path, **kwargs):
    return list(read_rows(path, **kwargs))


def write_xlsx(path, sheets):
    """``sheets``: {title: [row values, ...]} written from cell A1 down."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, values in sheets.items():
        ws = book.create_sheet(title)
        for row in values:
            ws.append(row)
    book.save(path)
    return path


# -- format detection ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,fmt", [
    ("a.csv", "csv"), ("a.TXT", "csv"), ("a.tsv", "tsv"), ("a.tab", "tsv"), ("a.xlsx", "xlsx"),
    ("a.xlsm", "xlsx"), ("a.json", "json"), ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"),
    ("a.parquet", "parquet"), ("a.PQ", "parquet"),
])
def test_format_from_suffix(name, fmt):
    assert detect_format(name) == fmt
    assert fmt in FORMATS


def test_unknown_suffix_names_file_and_accepted_formats(tmp_path):
    path = tmp_path / "persons.xls"
    path.write_text("name\nA\n")
    with pytest.raises(ReadError, match=r"persons\.xls: unknown file type '\.xls'; accepted: csv \(\.csv \.txt\)"
                                        r".*parquet \(\.parquet \.pq\)"):
        read_rows(path)
    with pytest.raises(ReadError, match="persons.xls"):
        check_readable(path)


def test_format_argument_overrides_suffix(tmp_path):
    path = tmp_path / "export.dat"
    path.write_text('{"name": "A"}\n')
    assert rows(path, format="jsonl") == [(1, {"name": "A"})]
    with pytest.raises(ReadError, match="unknown format 'xml'"):
        read_rows(path, format="xml")


def test_sheet_only_for_xlsx(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("name\nA\n")
    with pytest.raises(ReadError, match="only be chosen in an XLSX file"):
        read_rows(path, sheet="Persons")


# -- value conversion ------------------------------------------------------------------------------

@pytest.mark.parametrize("value,text", [
    (None, None), ("", None), ("  kept as is ", "  kept as is "), (12, "12"), (-3, "-3"), (12.0, "12"),
    (12.5, "12.5"), (0.1, "0.1"), (True, "true"), (False, "false"), (Decimal("12"), "12"),
    (Decimal("12.0"), "12"), (Decimal("12.50"), "12.50"), (Decimal("1E+2"), "100"),
    (Decimal("1.5E-7"), "0.00000015"), (dt.date(2024, 3, 5), "2024-03-05"),
    (dt.datetime(2024, 3, 5), "2024-03-05"), (dt.datetime(2024, 3, 5, 8, 30), "2024-03-05T08:30:00"),
    (dt.datetime(2024, 3, 5, 0, 0, 1), "2024-03-05T00:00:01"), (dt.time(8, 30), "08:30:00"),
    (["a", "b"], "a;b"), ([1, 2.5, None, True], "1;2.5;true"), ([], None),
    ({"k": 1}, '{"k": 1}'), ([{"k": Decimal("1.5")}], '[{"k": 1.5}]'), (b"bytes", "bytes"),
])
def test_cell_text(value, text):
    """The readers' rule (``typed=True``): the text a person would have typed, None for a blank."""
    assert cell_text(value, typed=True) == text


# -- CSV / TSV -------------------------------------------------------------------------------------

def test_csv_rows_and_numbers(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Name,Date of Birth\nAna,1990-01-02\n\n,\nBo,\nCy,2000-01-01,extra\n", encoding="utf-8")
    assert rows(path) == [
        (2, {"name": "Ana", "date_of_birth": "1990-01-02"}),
        (5, {"name": "Bo", "date_of_birth": ""}),
        (6, {"name": "Cy", "date_of_birth": "2000-01-01", EXTRA_CELLS: "extra"}),
    ]


@pytest.mark.parametrize("data", [
    "\ufeffname;city\nAndrés;Culiacán\n".encode("utf-8"),  # UTF-8 with BOM, ';'-delimited
    "name;city\nAndrés;Culiacán\n".encode("cp1252"),
    "name|city\nAndrés|Culiacán\n".encode("utf-8"),
])
def test_csv_encodings_and_delimiters(tmp_path, data):
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    assert rows(path) == [(2, {"name": "Andrés", "city": "Culiacán"})]


@pytest.mark.parametrize("data,expected", [
    # the standard library's sniffer gave up here (so ',': one column)
    ('A;B;C\r\n;;\r\n;;";"\r\n', [(3, {"a": "", "b": "", "c": ";"})]),
    # ... and here guessed doubled quotes away, cutting '"0,' in two
    ('A,B,C\r\n,,\r\n,"""0,",\r\n', [(3, {"a": "", "b": '"0,', "c": ""})]),
    # ... and here took "'" for the quote character
    ("name,note\nO'Brien,'a, b'\nD'Arcy,x\n", [(2, {"name": "O'Brien", "note": "'a", EXTRA_CELLS: " b'"}),
                                              (3, {"name": "D'Arcy", "note": "x"})]),
    ("name;dob\nSoto, Ana;1990-01-02\n", [(2, {"name": "Soto, Ana", "dob": "1990-01-02"})]),
    ("name\n\"Soto, Ana\"\n", [(2, {"name": "Soto, Ana"})]),
])
def test_csv_delimiter_is_the_one_that_fits_the_header_and_rows(tmp_path, data, expected):
    path = tmp_path / "p.csv"
    path.write_text(data, newline="")
    assert rows(path) == expected


def test_csv_short_line_has_every_column_empty_beyond_its_cells(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("supplier,buyer,buyer_type\nJinlong\nAcme,Lab 1,Lab\n")
    assert rows(path) == [(2, {"supplier": "Jinlong", "buyer": None, "buyer_type": None}),
                          (3, {"supplier": "Acme", "buyer": "Lab 1", "buyer_type": "Lab"})]


def test_csv_cell_longer_than_the_csv_module_default_limit(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,note\nAna,x\nBo," + "y" * 300_000 + "\n")  # was "field larger than field limit"
    assert [len(r["note"]) for _, r in rows(path)] == [1, 300_000]


def test_cp1252_detected_beyond_the_first_megabyte(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"name,city\n" + b"Ana,Lima\n" * 200_000 + "Zoë,Málaga\n".encode("cp1252"))
    assert rows(path)[-1] == (200_002, {"name": "Zoë", "city": "Málaga"})


def test_bytes_cp1252_lacks_make_the_file_latin1_not_an_error_half_way(tmp_path):
    """0x81 has no cp1252 character: past the first 64 KiB it once failed the load after rows were
    written; now such a file is read as latin-1, where every byte is a character."""
    path = tmp_path / "p.csv"
    path.write_bytes(b"name,city\n" + b"Ana,Lima\n" * 10_000 + b"Bo\x81,Z\xe9\n")
    check_readable(path)
    assert rows(path)[-1] == (10_002, {"name": "Bo\x81", "city": "Zé"})
    path.write_bytes(b"\xef\xbb\xbfname\nAna\nB\xe9\n")  # a BOM, then not UTF-8: cp1252
    assert rows(path) == [(2, {"name": "Ana"}), (3, {"name": "Bé"})]


def test_tsv_forces_tab(tmp_path):
    path = tmp_path / "p.tsv"
    path.write_text("name\tnote\nAna\ta, b; c\n")
    assert rows(path) == [(2, {"name": "Ana", "note": "a, b; c"})]
    assert rows(path, format="csv") == rows(path)  # sniffing finds the tab too


def test_csv_duplicate_columns_are_fatal(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Name,name\nA,B\n")
    with pytest.raises(ReadError, match=r"p\.csv: row 1: duplicate column\(s\) name"):
        check_readable(path)


def test_csv_empty_header_names_are_not_duplicates(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name,,#,city\nAna,,,Lima\nBo,x,,Quito\n")
    assert rows(path) == [
        (2, {"name": "Ana", "city": "Lima"}),
        (3, {"name": "Bo", "city": "Quito", EXTRA_CELLS: "x"}),
    ]


def test_empty_csv_has_no_rows(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("")
    assert rows(path) == []
    check_readable(path)


# -- XLSX ------------------------------------------------------------------------------------------

def test_xlsx_values_and_row_numbers(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"Persons": [
        ["Name", "Count", "Ratio", "Whole", "Ok", "Born", "Seen", " note "],
        ["Ana", 12, 12.5, 3.0, True, dt.datetime(1990, 1, 2), dt.datetime(2024, 3, 5, 8, 30), "  x "],
        [None, None, None, None, None, None, None, None],
        ["Bo", None, "", 0, False, dt.date(2000, 1, 1), None, None],
    ]})
    assert rows(path) == [
        (2, {"name": "Ana", "count": "12", "ratio": "12.5", "whole": "3", "ok": "true", "born": "1990-01-02",
             "seen": "2024-03-05T08:30:00", "note": "  x "}),
        (4, {"name": "Bo", "count": None, "ratio": None, "whole": "0", "ok": "false", "born": "2000-01-01",
             "seen": None, "note": None}),
    ]


def test_xlsx_header_is_first_nonempty_row(tmp_path):
    path = tmp_path / "p.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws["B3"], ws["C3"] = "Name", "City"
    ws["B4"], ws["C4"] = "Ana", "Lima"
    ws["B7"] = "Bo"
    book.save(path)
    assert rows(path) == [(4, {"name": "Ana", "city": "Lima"}), (7, {"name": "Bo", "city": None})]


def test_xlsx_sheets(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {
        "Persons": [["name"], ["Ana"], ["Bo"]],
        "More": [["Name", "City"], ["Cy", "Quito"]],
        "Empty": [],
    })
    assert rows(path) == [(2, {"name": "Ana"}), (3, {"name": "Bo"})]
    assert rows(path, sheet="More") == [(2, {"name": "Cy", "city": "Quito"})]
    assert rows(path, sheet="more") == rows(path, sheet="More")  # as in Excel, case does not matter
    assert rows(path, sheet=ALL_SHEETS) == [
        (2, {"name": "Ana", SHEET: "Persons"}),
        (3, {"name": "Bo", SHEET: "Persons"}),
        (2, {"name": "Cy", "city": "Quito", SHEET: "More"}),
    ]
    assert SHEET == "__sheet__" and ALL_SHEETS == "*"


def test_xlsx_missing_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"Persons": [["name"]], "Labs": [["name"]]})
    with pytest.raises(ReadError, match=r"p\.xlsx: no sheet named 'Phones'; sheets: 'Persons', 'Labs'"):
        check_readable(path, sheet="Phones")


def test_xlsx_duplicate_columns_in_any_sheet_are_fatal_before_any_row(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"A": [["name"], ["Ana"]], "B": [["Name", "name "], ["x", "y"]]})
    with pytest.raises(ReadError, match=r"p\.xlsx: sheet 'B': row 1: duplicate column\(s\) name"):
        check_readable(path, sheet=ALL_SHEETS)
    check_readable(path)  # the first sheet alone is fine


def test_xlsx_empty_header_cells(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"S": [
        ["name", None, None, "city"],
        ["Ana", None, None, "Lima"],
        ["Bo", "stray", None, "Quito"],
        ["Cy", None, None, "Lima", "beyond"],
    ]})
    assert rows(path) == [
        (2, {"name": "Ana", "city": "Lima"}),
        (3, {"name": "Bo", "city": "Quito", EXTRA_CELLS: "stray"}),
        (4, {"name": "Cy", "city": "Lima", EXTRA_CELLS: "beyond"}),
    ]


def test_xlsx_with_another_suffix_and_not_a_workbook(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"S": [["name"], ["Ana"]]})
    renamed = path.rename(tmp_path / "p.bin")
    assert rows(renamed, format="xlsx") == [(2, {"name": "Ana"})]
    broken = tmp_path / "broken.xlsx"
    broken.write_text("name\nAna\n")
    with pytest.raises(ReadError, match=r"broken\.xlsx: cannot read"):
        check_readable(broken)


def test_xlsx_with_a_corrupt_zip_member_is_a_read_error(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {"S": [["name"], ["Ana"]]})
    data = bytearray(path.read_bytes())
    at = data.index(b"xl/theme/theme1.xml") + len(b"xl/theme/theme1.xml")  # the deflated theme follows
    data[at + 40:at + 80] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"p\.xlsx: cannot read"):  # was a zlib.error traceback
        check_readable(path)


# -- JSON ------------------------------------------------------------------------------------------

def test_json_records(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps([
        {"Name": "Ana", "Count": 12, "Ratio": 12.5, "Whole": 3.0, "Ok": True, "Gone": None, "Blank": "",
         "Aliases": ["A", "Annie"], "Extra": {"k": 1.5}},
        {"name": "Bo", "aliases": []},
    ]), encoding="utf-8")
    assert rows(path) == [
        (1, {"name": "Ana", "count": "12", "ratio": "12.5", "whole": "3", "ok": "true", "gone": None,
             "blank": None, "aliases": "A;Annie", "extra": '{"k": 1.5}'}),
        (2, {"name": "Bo", "aliases": None}),
    ]


def test_json_with_bom_and_whitespace(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf \n\t[{\"name\": \"Ana\"}]\n")
    assert rows(path) == [(1, {"name": "Ana"})]


def test_json_non_object_element_is_a_rejected_row_and_reading_goes_on(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('[{"name": "Ana"}, 42, ["x"], {"name": "Bo", "Name ": "B"}, {"name": "Cy"}]')
    assert rows(path) == [
        (1, {"name": "Ana"}),
        (2, {EXTRA_CELLS: "not a JSON object: 42"}),
        (3, {EXTRA_CELLS: 'not a JSON object: ["x"]'}),
        (4, {"name": "B", EXTRA_CELLS: "duplicate key(s) name"}),
        (5, {"name": "Cy"}),
    ]


@pytest.mark.parametrize("text", ['{"records": [{"name": "Ana"}]}', '"name"', "", "   "])
def test_json_must_be_an_array(tmp_path, text):
    path = tmp_path / "p.json"
    path.write_text(text)
    with pytest.raises(ReadError, match=r"p\.json: expected a JSON array of objects"):
        check_readable(path)


def test_malformed_json_names_file_and_record(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('[{"name": "Ana"}, {"name": "Bo"}, {"name": "Cy", oops}, {"name": "Di"}]')
    read = read_rows(path)  # the whole file is checked (syntax, nesting) before the first record
    with pytest.raises(ReadError, match=r"p\.json: record 3: invalid JSON"):
        next(read)
    with pytest.raises(ReadError, match=r"p\.json: record 3: invalid JSON"):  # before anything is written
        check_readable(path)


def test_truncated_json_is_fatal_at_check(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('[{"name": "Ana"}, {"name": "Bo"')
    with pytest.raises(ReadError, match=r"p\.json: record 2: invalid JSON"):
        check_readable(path)


def test_a_json_parser_error_is_one_line(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b'[{"name": "Ana"}, \x00]')  # the parser quotes the text around the error over 3 lines
    with pytest.raises(ReadError, match=r"p\.json: record 2: invalid JSON: lexical error") as err:
        check_readable(path)
    assert "\n" not in str(err.value) and "right here" in str(err.value)


# -- JSON Lines ------------------------------------------------------------------------------------

def test_jsonl_rows_bad_lines_and_blank_lines(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"Name": "Ana", "n": 1.50, "tags": ["a", "b"]}\n'
                     b"\n"
                     b'{"name": "Bo", oops}\n'
                     b"[1, 2]\r\n"
                     b'{"name": "\xff"}\n'
                     b'{"name": "Cy", "ok": false}\r\n')
    assert rows(path) == [
        (1, {"name": "Ana", "n": "1.50", "tags": "a;b"}),
        (3, {EXTRA_CELLS: "not valid JSON: Expecting property name enclosed in double quotes (column 16)"}),
        (4, {EXTRA_CELLS: "not a JSON object: [1, 2]"}),
        (5, {EXTRA_CELLS: "line is not UTF-8 text"}),
        (6, {"name": "Cy", "ok": "false"}),
    ]


def test_json_value_under_a_key_without_a_name_is_a_one_line_reason(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"name": "Ana", "#": "0\\n1"}\n')
    assert rows(path) == [(1, {"name": "Ana", EXTRA_CELLS: "a value under a key without letters or digits: '0\\n1'"})]


def test_a_lone_surrogate_escape_is_a_rejected_row_not_text(tmp_path):
    """``"\\ud800"`` is valid JSON but no character: such a JSON Lines record is rejected, shown with U+FFFD."""
    reason = "not text: a \\u escape of half a surrogate pair (shown as \ufffd)"
    path = tmp_path / "p.jsonl"
    path.write_text('{"name": "Ana"}\n{"name": "A\\ud800na"}\n"\\udfff"\n')
    assert rows(path) == [(1, {"name": "Ana"}), (2, {"name": "A\ufffdna", EXTRA_CELLS: reason}),
                          (3, {EXTRA_CELLS: 'not a JSON object: "\ufffd"'})]
    path = tmp_path / "p.json"  # the JSON parser refuses it: the file is refused before anything is written
    path.write_text('[{"name": "Ana"}, {"name": "A\\udfffna", "n": 1}]')
    with pytest.raises(ReadError, match=r"p\.json: record 2: invalid JSON"):
        check_readable(path)


# -- Parquet ---------------------------------------------------------------------------------------

def test_parquet_values_and_record_numbers(tmp_path):
    path = tmp_path / "p.parquet"
    table = pa.table({
        "Name": ["Ana", "Bo", None],
        "Count": pa.array([12, None, 0], pa.int64()),
        "Ratio": [12.5, 3.0, None],
        "Ok": [True, False, None],
        "Born": pa.array([dt.date(1990, 1, 2), None, None], pa.date32()),
        "Seen": pa.array([dt.datetime(2024, 3, 5), dt.datetime(2024, 3, 5, 8, 30), None], pa.timestamp("ns")),
        "Aliases": [["A", "Annie"], [], None],
        "Amount": pa.array([Decimal("1.50"), Decimal("2.00"), None], pa.decimal128(5, 2)),
    })
    pq.write_table(table, path)
    assert rows(path) == [
        (1, {"name": "Ana", "count": "12", "ratio": "12.5", "ok": "true", "born": "1990-01-02",
             "seen": "2024-03-05", "aliases": "A;Annie", "amount": "1.50"}),
        (2, {"name": "Bo", "count": None, "ratio": "3", "ok": "false", "born": None,
             "seen": "2024-03-05T08:30:00", "aliases": None, "amount": "2"}),
        (3, {"name": None, "count": "0", "ratio": None, "ok": None, "born": None, "seen": None,
             "aliases": None, "amount": None}),
    ]


def test_parquet_batches_keep_counting(tmp_path):
    path = tmp_path / "p.pq"
    pq.write_table(pa.table({"n": list(range(25_001))}), path, row_group_size=7_000)
    read = rows(path)
    assert len(read) == 25_001 and all(no == int(row["n"]) + 1 for no, row in read)


def test_parquet_duplicate_columns_and_not_parquet(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["Name", "name"]), path)
    with pytest.raises(ReadError, match=r"p\.parquet: duplicate column\(s\) name"):
        check_readable(path)
    broken = tmp_path / "broken.parquet"
    broken.write_text("name\nAna\n")
    with pytest.raises(ReadError, match=r"broken\.parquet: cannot read"):
        check_readable(broken)


def test_parquet_text_that_is_not_utf8_is_a_rejected_row(tmp_path):
    path = tmp_path / "p.parquet"
    names = pa.array([b"Ana", b"\xffBo", None], pa.binary()).view(pa.string())  # Parquet does not check
    pq.write_table(pa.table({"name": names, "n": [1, 2, 3]}), path)
    assert rows(path) == [  # was a UnicodeDecodeError traceback
        (1, {"name": "Ana", "n": "1"}),
        (2, {"name": "\ufffdBo", "n": "2", EXTRA_CELLS: "not UTF-8 text in column(s) name (shown with \ufffd)"}),
        (3, {"name": None, "n": "3"}),
    ]


def test_missing_file_is_a_read_error(tmp_path):
    for name in ("a.csv", "a.xlsx", "a.json", "a.jsonl", "a.parquet"):
        with pytest.raises(ReadError, match=f"{name}: cannot read"):
            check_readable(tmp_path / name)


# -- memory: every reader streams ------------------------------------------------------------------

N_ROWS = 40_000  # held whole, these rows take about 21 MB of Python objects; streamed, under 1.5 MB


def peak_while_reading(path):
    """Peak traced memory while consuming ``read_rows`` (rows are counted, not kept)."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_rows(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "json"])
def test_reading_streams(tmp_path, suffix):
    path = tmp_path / f"big.{suffix}"
    records = ({"name": f"Person {i}", "city": "Culiacán", "dob": "1990-01-02", "n": i} for i in range(N_ROWS))
    with open(path, "w", encoding="utf-8") as f:
        if suffix == "csv":
            f.write("name,city,dob,n\n")
            f.writelines(f"{r['name']},{r['city']},{r['dob']},{r['n']}\n" for r in records)
        elif suffix == "jsonl":
            f.writelines(json.dumps(r) + "\n" for r in records)
        else:
            f.write("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]")
    size = path.stat().st_size
    assert size > 1.5 * MB
    count, peak = peak_while_reading(path)
    assert count == N_ROWS
    assert peak < 5 * MB, f"{peak / MB:.1f} MB for a {size / MB:.1f} MB file"  # not held whole


def test_parquet_reading_streams(tmp_path):
    rows = 200_000  # several record batches; held whole, about 20 MB of Python objects
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"name": [f"Person {i}" for i in range(rows)], "n": list(range(rows))}), path)
    count, peak = peak_while_reading(path)
    assert count == rows
    assert peak < 20 * MB, f"{peak / MB:.1f} MB"  # Python objects for one batch, not the whole table
