"""Hostile input files through the real loader and network import: each must end in a one-line error or
a clean load, with the loader's peak RSS under 400 MiB (docs/security.md, "Hostile files").

    python bench/hostile.py [--only NAME ...] [--keep DIR]

Each file is built in a temporary directory (small on disk: they are bombs, not big files), then loaded
by ``chokepoint load`` or ``chokepoint import-network`` in a subprocess against a fresh local Neo4j, so
its peak RSS is the child's own (``os.wait4``'s ``ru_maxrss``; each file is built in another process, so
the bench itself stays small and adds nothing to it). The child runs under a 6 GiB address
space limit so a defence that fails cannot take the machine down with it. Prints, per file::

    hostile NAME: OUTCOME, peak RSS N MiB

then ``hostile files: K of M bounded under 400 MiB, T tracebacks``. OUTCOME is ``error: ...`` (the
one line the user sees, cut at 150 characters), ``loaded (...)`` (``answered (...)`` for the one query,
``cypher-huge-row``) or ``TRACEBACK ...``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from chokepoint.graph import local

BOUND_MIB = 400
ADDRESS_SPACE = 6 * 1024**3
MiB = 1024 * 1024


# -- the files -----------------------------------------------------------------------------------
def json_deep(d: Path) -> Path:
    """A 200 KB JSON array whose one record nests 100,000 deep (7.6 GB then a traceback, before)."""
    path = d / "persons.json"
    path.write_text('[{"name": "Ana", "aliases": ' + "[" * 100_000 + "]" * 100_000 + "}]")
    return path


def jsonl_deep(d: Path) -> Path:
    """The same in JSON Lines, after a good line (a RecursionError traceback, before)."""
    path = d / "persons.jsonl"
    path.write_text('{"name": "Ana"}\n{"name": "Bo", "aliases": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    return path


def _xlsx(path: Path, replace: dict[str, bytes | object]) -> Path:
    """A real workbook (header ``name``, one row) with members replaced: bytes, or a callable that
    writes the member in pieces (so a bomb is never whole in this process either)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name"])
    sheet.append(["Ana"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in src.infolist():
            if info.filename not in replace:
                out.writestr(info.filename, src.read(info.filename))
        for name, content in replace.items():
            if isinstance(content, bytes):
                out.writestr(name, content)
            else:
                with out.open(name, "w", force_zip64=True) as member:
                    content(member)
    return path


def _sheet(rows_xml) -> object:
    def write(member) -> None:
        member.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.'
                     b'org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>name</t>'
                     b'</is></c></row>')
        rows_xml(member)
        member.write(b"</sheetData></worksheet>")
    return write


def xlsx_bomb(d: Path) -> Path:
    """About 1 MB: one row of 250 million empty cells, 1 GB of XML (7.5 GB of memory, before)."""
    def rows(member) -> None:
        member.write(b'<row r="2">')
        block = b"<c/>" * (1 << 18)
        for _ in range(250_000_000 // (1 << 18)):
            member.write(block)
        member.write(b"</row>")
    return _xlsx(d / "persons.xlsx", {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_wide_row(d: Path) -> Path:
    """A row of 3 MiB of XML that does not compress much (no zip bomb: the row check stops it)."""
    def rows(member) -> None:
        member.write(b'<row r="2">')
        member.write(b"".join(b"<c><v>%d</v></c>" % (i * 7919 % 1_000_003) for i in range(200_000)))
        member.write(b"</row>")
    return _xlsx(d / "persons.xlsx", {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_shared_strings(d: Path) -> Path:
    """3,000,000 shared strings in about 5 MB (openpyxl keeps them all: 2.5 GB for the attack's)."""
    def strings(member) -> None:
        member.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main" count="3000000" uniqueCount="3000000">')
        for start in range(0, 3_000_000, 100_000):
            member.write(b"".join(b"<si><t>%d</t></si>" % i for i in range(start, start + 100_000)))
        member.write(b"</sst>")
    return _xlsx(d / "persons.xlsx", {"xl/sharedStrings.xml": strings})


def parquet_dictionary(d: Path) -> Path:
    """About 40 KB, one row group: 300 records sharing one 20 MB value (6 GB decoded, before)."""
    path = d / "persons.parquet"
    value = pa.DictionaryArray.from_arrays(pa.array([0] * 300, pa.int32()), pa.array(["x" * (20 * MiB)]))
    names = pa.array([f"P{i}" for i in range(300)])
    pq.write_table(pa.table({"name": names, "notes": value}), path, compression="zstd", row_group_size=300)
    return path


def parquet_huge_group(d: Path) -> Path:
    """About 15 KB, one row group: 300 records of 1 MB in one page (pyarrow would inflate it whole):
    refused from its page headers before anything is inflated."""
    path = d / "persons.parquet"
    big = "y" * MiB  # one Python string, 300 references: only pyarrow's copy is 300 MB
    table = pa.table({"name": [f"P{i}" for i in range(300)], "notes": [big] * 300})
    pq.write_table(table, path, compression="zstd", use_dictionary=False, row_group_size=300)
    return path


def parquet_big_values(d: Path) -> Path:
    """The same records in 1 MB pages (300 MB decoded from 30 KB): read in batches sized from the
    metadata and decoded a slice at a time, it loads (the notes column is not mapped)."""
    path = d / "persons.parquet"
    big = "y" * MiB
    table = pa.table({"name": [f"P{i}" for i in range(300)], "notes": [big] * 300})
    pq.write_table(table, path, compression="zstd", use_dictionary=False, row_group_size=300, write_batch_size=1,
                   data_page_size=MiB)
    return path


def graphml_deep(d: Path) -> Path:
    """A GraphML node whose data nests 200,000 elements deep (48 times its size in memory, before)."""
    path = d / "deep.graphml"
    path.write_text('<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
                    '<graph edgedefault="directed"><node id="a"><data key="d0">' + "<x>" * 200_000 +
                    "</x>" * 200_000 + '</data></node><node id="b"/><edge source="a" target="b"/></graph></graphml>')
    return path


def gexf_deep(d: Path) -> Path:
    """The same in GEXF."""
    path = d / "deep.gexf"
    path.write_text('<?xml version="1.0"?><gexf xmlns="http://www.gexf.net/1.2draft" version="1.2"><graph '
                    'defaultedgetype="directed"><nodes><node id="a" label="A">' + "<x>" * 200_000 + "</x>" * 200_000 +
                    '</node></nodes></graph></gexf>')
    return path


def network_long_name(d: Path) -> Path:
    """An edge list whose one node name is 10 MB (a raw Neo4j error failed the whole import, before)."""
    path = d / "edges.csv"
    path.write_text("source,target\nAna,Bo\nBo," + "C" * (10 * MiB) + "\nBo,Cy\n")
    return path


def network_huge_cell(d: Path) -> Path:
    """An edge list with a 2 Mi-character note in its middle row (a cell over the limit stopped an XLSX
    import mid-sheet, before; now that row is rejected and the rest loads)."""
    path = d / "edges.csv"
    path.write_text("source,target,note\nAna,Bo,x\nBo,Cy," + "n" * (2 * MiB) + "\nCy,Di,y\n")
    return path


def huge_row_query(d: Path) -> Path:
    """No file: ``chokepoint cypher`` returning one row of 2M strings (136 MB on the wire; the driver
    decoded it whole, 556 MiB, before; now it is cut off as it arrives)."""
    return d


HUGE_ROW = ("RETURN [x IN range(1, 2000000) | "
            "'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn'] AS big")


def ods_bomb(d: Path) -> Path:
    """An ODS edge list whose content.xml inflates about 1,000 times (odfpy reads it whole)."""
    path = d / "edges.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        out.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        with out.open("content.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:'
                         b'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
                         b'table:1.0"><office:body><office:spreadsheet><table:table table:name="S">')
            block = b"<table:table-row><table:table-cell/></table:table-row>" * 20_000
            for _ in range(500):
                member.write(block)
            member.write(b"</table:table></office:spreadsheet></office:body></office:document-content>")
    return path


#: name -> (builder, command after ``chokepoint``; FILE stands for the built file)
CASES = {
    "json-deep": (json_deep, ["load", "FILE"]),
    "jsonl-deep": (jsonl_deep, ["load", "FILE"]),
    "xlsx-bomb": (xlsx_bomb, ["load", "FILE"]),
    "xlsx-wide-row": (xlsx_wide_row, ["load", "FILE"]),
    "xlsx-shared-strings": (xlsx_shared_strings, ["load", "FILE"]),
    "parquet-dictionary": (parquet_dictionary, ["load", "FILE"]),
    "parquet-huge-row-group": (parquet_huge_group, ["load", "FILE"]),
    "parquet-big-values": (parquet_big_values, ["load", "FILE"]),
    "graphml-deep": (graphml_deep, ["import-network", "FILE", "--format", "graphml", "--node-label", "Person",
                                    "--rel-type", "ASSOCIATED_WITH"]),
    "gexf-deep": (gexf_deep, ["import-network", "FILE", "--format", "gexf", "--node-label", "Person",
                              "--rel-type", "ASSOCIATED_WITH"]),
    "network-long-name": (network_long_name, ["import-network", "FILE", "--format", "edgelist", "--node-label",
                                              "Person", "--rel-type", "ASSOCIATED_WITH", "--json"]),
    "ods-bomb": (ods_bomb, ["import-network", "FILE", "--format", "edgelist", "--node-label", "Person",
                            "--rel-type", "ASSOCIATED_WITH"]),
    "network-huge-cell": (network_huge_cell, ["import-network", "FILE", "--format", "edgelist", "--node-label",
                                              "Person", "--rel-type", "ASSOCIATED_WITH", "--json"]),
    "cypher-huge-row": (huge_row_query, ["cypher", HUGE_ROW, "--format", "json"]),
}


# -- running them --------------------------------------------------------------------------------
def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run(name: str, work: Path, data_dir: Path) -> tuple[str, int, bool]:
    """``(outcome, peak RSS in MiB, traceback?)`` of one hostile file."""
    build, args = CASES[name]
    folder = work / name
    folder.mkdir()
    # built in a process of its own: a forked child's peak RSS starts from its parent's, so this one
    # must stay small (and building a file must not count as loading it)
    built = subprocess.run([sys.executable, __file__, "--build", name, str(folder)], check=True,
                           capture_output=True, text=True)
    path = Path(built.stdout.strip())
    command = [sys.executable, "-m", "chokepoint.cli", *[str(path) if a == "FILE" else a for a in args]]
    if args[0] == "load":
        command += ["--dataset", name.replace("-", "_"), "--json"]
    env = {**os.environ, "CHOKEPOINT_NEO4J_DATA": str(data_dir), "COLUMNS": "400"}
    env.pop("NEO4J_URI", None)
    with open(folder / "stdout", "wb") as out, open(folder / "stderr", "wb") as err:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, preexec_fn=_limit_memory)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss // 1024  # KiB on Linux
    stderr = (folder / "stderr").read_text(errors="replace").strip()
    stdout = (folder / "stdout").read_text(errors="replace").strip()
    traceback = "Traceback (most recent call last)" in stderr + stdout
    if traceback:
        return f"TRACEBACK {stderr.splitlines()[-1][:150] if stderr else ''}", peak, True
    if child.returncode != 0:
        lines = [line.replace(f"{folder}/", "") for line in stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("error:")]  # besides a progress bar
        shown = errors[0] if len(errors) == 1 else f"{len(lines)} lines: {' / '.join(lines)}"
        return (shown[:150] + "..." if len(shown) > 150 else shown), peak, False
    return f"{'answered' if args[0] == 'cypher' else 'loaded'} ({_summary(stdout)})", peak, False


def _summary(stdout: str) -> str:
    try:
        data = json.loads(stdout)
    except ValueError:
        return stdout.splitlines()[-1][:150] if stdout else "no output"
    if "byte_cap" in data:  # chokepoint cypher --format json
        cap = f", capped at {data['byte_cap']:,} bytes" if data["byte_cap"] else ""
        return f"{data['row_count']} rows{cap}, {len(stdout):,} bytes of output"
    if "files" in data:  # chokepoint load --json
        read = sum(f["rows_read"] for f in data["files"])
        rejected = sum(f["rows_rejected"] for f in data["files"])
        return f"{read} rows read, {rejected} rejected"
    return f"{data.get('rows_read')} edges read, {data.get('edges_loaded')} loaded, {data.get('rows_rejected')} rejected"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=list(CASES), help="run just these files")
    parser.add_argument("--keep", type=Path, help="build the files here and keep them")
    parser.add_argument("--build", nargs=2, metavar=("NAME", "DIR"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build:  # the child run() starts to build one file; prints its path
        print(CASES[options.build[0]][0](Path(options.build[1])))
        return
    names = options.only or list(CASES)
    work = Path(tempfile.mkdtemp(prefix="chokepoint-hostile-")) if options.keep is None else options.keep
    work.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="chokepoint-hostile-neo4j-"))
    bounded = tracebacks = 0
    try:
        local.start(data_dir, port=local.free_port(), timeout=900)  # a busy machine starts it slowly
        for name in names:
            outcome, peak, traceback = run(name, work, data_dir)
            bounded += peak < BOUND_MIB and not traceback
            tracebacks += traceback
            print(f"hostile {name}: {outcome}, peak RSS {peak} MiB", flush=True)
            if options.keep is None:
                shutil.rmtree(work / name, ignore_errors=True)
    finally:
        local.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"hostile files: {bounded} of {len(names)} bounded under {BOUND_MIB} MiB, {tracebacks} tracebacks")


if __name__ == "__main__":
    main()
