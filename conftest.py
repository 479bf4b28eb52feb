"""Set-up for every test path (tests/ and the doctests in the packages).

- The audit log goes to a temporary folder for the session, never to the user's own log or into the
  repository; a test that checks the log points ``CHOKEPOINT_AUDIT_LOG`` at its own ``tmp_path``.
- The doctests of the package folders run on the installed modules (``graph/ids.py`` is
  ``chokepoint.graph.ids``), so a doctest sees exactly what a user imports, under its real name.
"""

import importlib
import os
import shutil
import tempfile
from pathlib import Path

from _pytest.doctest import DoctestModule

ROOT = Path(__file__).resolve().parent
PACKAGES = ("graph", "loaders", "queries", "synthetic", "cases", "app", "cli")
_AUDIT_DIR = tempfile.mkdtemp(prefix="chokepoint-test-audit-")


def pytest_configure(config):
    os.environ["CHOKEPOINT_AUDIT_LOG"] = os.path.join(_AUDIT_DIR, "audit.jsonl")


def pytest_unconfigure(config):
    shutil.rmtree(_AUDIT_DIR, ignore_errors=True)


def installed_name(path: Path) -> str | None:
    """The installed module a package file is, or None for a file outside the packages.

    >>> installed_name(ROOT / "graph" / "ids.py"), installed_name(ROOT / "app" / "panels" / "__init__.py")
    ('chokepoint.graph.ids', 'chokepoint.app.panels')
    >>> installed_name(ROOT / "tests" / "test_ids.py") is None
    True
    """
    try:
        parts = list(path.resolve().relative_to(ROOT).with_suffix("").parts)
    except ValueError:
        return None
    if len(parts) < 2 or parts[0] not in PACKAGES:
        return None
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["chokepoint", *parts])


class InstalledModuleDoctests(DoctestModule):
    """The doctests of one package module, imported by its installed name."""

    def _getobj(self):
        return importlib.import_module(installed_name(self.path))


def pytest_collect_file(file_path: Path, parent):
    # a __main__ module runs its program when imported: it holds no doctests
    if file_path.suffix == ".py" and file_path.name != "__main__.py" and installed_name(file_path):
        return InstalledModuleDoctests.from_parent(parent, path=file_path)
    return None
