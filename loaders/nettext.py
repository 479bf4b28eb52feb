"""Reading the text network formats (Pajek ``.net``, UCINET DL): numbered lines and quoted tokens.

Both formats are plain text, one item per line, with tokens separated by blanks (DL also by commas)
and names with blanks written in double quotes. The encoding is found as for record files: UTF-8
(with or without a BOM) when the whole file decodes, else cp1252, else latin-1.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chokepoint.graph import schema
from chokepoint.loaders.networks import NetworkImportError

__all__ = ["Token", "encoding", "numbered_lines", "tokens", "check_weights"]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False       # written in double quotes: a name, never a keyword


def encoding(path: Path) -> str:
    """``utf-8-sig``/``utf-8`` when the whole file decodes as UTF-8, else ``cp1252`` if it does, else ``latin-1``."""
    with open(path, "rb") as f:
        for name in ("utf-8", "cp1252"):
            f.seek(0)
            chunk = f.read(_CHUNK)
            bom = name == "utf-8" and chunk.startswith(codecs.BOM_UTF8)
            decoder = codecs.getincrementaldecoder(name)()
            try:
                while chunk:
                    decoder.decode(chunk)
                    chunk = f.read(_CHUNK)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return "utf-8-sig" if bom else name
    return "latin-1"


def numbered_lines(path: Path, file_encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """``(line number, text without the line break)`` for every line, 1-based."""
    try:
        with open(path, encoding=file_encoding or encoding(path), newline=None) as f:
            for number, line in enumerate(f, start=1):
                yield number, line.rstrip("\r\n")
    except OSError as err:
        raise NetworkImportError(f"{path}: cannot read: {err}") from err


def tokens(line: str, commas: bool = False, split: str = "") -> list[Token]:
    """The blank-separated tokens of ``line``; ``"a b"`` is one quoted token ``a b`` (an unclosed quote runs to
    the end of the line). ``commas``: commas separate too. ``split``: characters that are tokens of their own
    outside quotes (DL's ``=`` and ``:``).

    >>> [t.text for t in tokens('1 "Ana López" 0.1 ic Red')]
    ['1', 'Ana López', '0.1', 'ic', 'Red']
    >>> [t.text for t in tokens('n=5, format = edgelist1', commas=True, split='=:')]
    ['n', '=', '5', 'format', '=', 'edgelist1']
    """
    out: list[Token] = []
    i, n = 0, len(line)
    blanks = " \t\f\v" + ("," if commas else "")
    while i < n:
        c = line[i]
        if c in blanks:
            i += 1
        elif c == '"':
            end = line.find('"', i + 1)
            end = n if end < 0 else end
            out.append(Token(line[i + 1:end], quoted=True))
            i = end + 1
        elif c in split:
            out.append(Token(c))
            i += 1
        else:
            j = i
            while j < n and line[j] not in blanks and line[j] not in split and line[j] != '"':
                j += 1
            out.append(Token(line[i:j]))
            i = j
    return out


def check_weights(path: Path, rel_type: str, source: str, target: str, what: str) -> bool:
    """True (store weights) when ``rel_type`` has a ``weight`` property; a file with weights (``what``) and
    a type without one is fatal, naming the types that have one."""
    if "weight" in schema.SCHEMA.relationships[rel_type].properties:
        return True
    fitting = [t for t, r in schema.SCHEMA.relationships.items()
               if "weight" in r.properties and schema.SCHEMA.allows(t, source, target)]
    raise NetworkImportError(f"{path}: the file has weights ({what}) but {rel_type} has no weight property; "
                             f"types joining {source} to {target} that have one: {', '.join(fitting) or 'none'}")
