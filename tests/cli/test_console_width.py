"""The CLI's consoles take their width from the environment a command runs in, not from the one they
were created in (a worker that first imported the CLI with a narrow ``COLUMNS`` wrapped every later line)."""

from chokepoint.cli import base


def test_the_consoles_read_columns_when_they_print(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    made_narrow = type(base.err)(stderr=True)
    assert made_narrow.width == 40
    monkeypatch.setenv("COLUMNS", "300")
    assert (made_narrow.width, base.out.width, base.err.width) == (300, 300, 300)
