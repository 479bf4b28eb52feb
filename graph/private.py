"""Files only their owner may read: exports, rejects reports, the audit log, the local Neo4j's store.

They hold names, phones and plates of people under investigation, so they are created mode 0600 (and
folders 0700) whatever the process's umask, and a file written again is narrowed to 0600 as well.

>>> import tempfile, pathlib, stat
>>> p = pathlib.Path(tempfile.mkdtemp()) / "out" / "rows.csv"
>>> with open_private(p) as f:
...     _ = f.write("name\\n")
>>> oct(stat.S_IMODE(p.stat().st_mode))
'0o600'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

__all__ = ["FILE_MODE", "DIR_MODE", "open_private", "write_private", "tighten_tree"]

FILE_MODE = 0o600
DIR_MODE = 0o700


def open_private(path: Path, append: bool = False, **text: str) -> IO[str]:
    """``path`` opened for writing text (truncated, or ``append``\\ ed to), mode 0600; missing parent
    folders are created 0700. ``text`` options go to :func:`open` (``encoding``, ``newline``, ``errors``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a file that existed keeps its old mode through os.open: narrow it
    except OSError:
        pass  # not ours (a shared file we may write): its owner decides
    text.setdefault("encoding", "utf-8")
    return os.fdopen(fd, "a" if append else "w", **text)


def write_private(path: Path, data: str, **text: str) -> None:
    """Write ``data`` to ``path`` (replacing it), mode 0600."""
    with open_private(path, **text) as f:
        f.write(data)


def tighten_tree(root: Path) -> None:
    """``root`` and the folders under it 0700, the files 0600 (what we own; the rest is left alone)."""
    root = Path(root)
    for folder, dirs, files in os.walk(root):
        for name, mode in [(folder, DIR_MODE)] + [(os.path.join(folder, f), FILE_MODE) for f in files]:
            try:
                if not os.path.islink(name):
                    os.chmod(name, mode)
            except OSError:
                pass
