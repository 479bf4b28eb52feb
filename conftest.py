"""Set-up for every test path (tests/ and the doctests in the packages): the audit log goes to a
temporary folder for the session, never to the user's own log or into the repository; a test that checks
the log points ``CHOKEPOINT_AUDIT_LOG`` at its own ``tmp_path``."""

import os
import shutil
import tempfile

_AUDIT_DIR = tempfile.mkdtemp(prefix="chokepoint-test-audit-")


def pytest_configure(config):
    os.environ["CHOKEPOINT_AUDIT_LOG"] = os.path.join(_AUDIT_DIR, "audit.jsonl")


def pytest_unconfigure(config):
    shutil.rmtree(_AUDIT_DIR, ignore_errors=True)
