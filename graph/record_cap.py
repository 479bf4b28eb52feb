"""A byte cap on one record as it arrives from Neo4j, before the driver decodes it.

The Neo4j Python driver reads a whole Bolt message (one record is one message, sent in chunks of at
most 64 KiB) into its connection's buffer and only then decodes it into Python values. One row of two
million 66-character strings is 136 MB on the wire and about 500 MB once decoded, so a byte cap on the
decoded rows (``graph/store.py``, ``MAX_RESULT_BYTES``) comes too late for it. :func:`capped_records`
counts the bytes of the message being received instead: when one message would pass the cap, the
connection is closed at once (Neo4j then stops the query and rolls its read transaction back), the
driver never holds more than the cap, and :class:`RecordTooLarge` says so.

The driver offers no hook for this: the cap stands in for the connection's socket
(``connection.inbox._socket``, whose ``recv_into`` fills ``connection.inbox._buffer``, one message at a
time). :func:`capped_records` checks that those parts are there and, with a driver that no longer has
them, does nothing (the decoded-bytes cap still applies); ``tests/queries/test_readonly_guard.py``
measures the CLI's peak memory on such a row, so a driver upgrade that loses the hook fails there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["RecordTooLarge", "capped_records"]


class RecordTooLarge(Exception):
    """One record from Neo4j is over the byte cap; the connection that carried it is closed."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"one record is over {cap:,} bytes")
        self.cap = cap


class _CappedSocket:
    """The connection's socket while records arrive: a receive that would take the message being
    assembled in ``buffer`` past ``cap`` bytes raises :class:`RecordTooLarge` instead."""

    def __init__(self, sock: Any, buffer: Any, cap: int) -> None:
        self._sock, self._buffer, self._cap = sock, buffer, cap

    def recv_into(self, view: Any, n: int = 0, *args: Any) -> int:
        if self._buffer.used + (n or len(view)) > self._cap:
            raise RecordTooLarge(self._cap)
        return self._sock.recv_into(view, n, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


@contextmanager
def capped_records(tx: Any, cap: int) -> Iterator[None]:
    """While the block runs, no message read on ``tx``'s connection may pass ``cap`` bytes. When one
    would, the connection is closed (no goodbye: the rest of the message is never read) and
    :class:`RecordTooLarge` comes out of the block."""
    connection = getattr(tx, "_connection", None)
    inbox = getattr(connection, "inbox", None)
    sock, buffer = getattr(inbox, "_socket", None), getattr(inbox, "_buffer", None)
    if sock is None or not hasattr(buffer, "used") or not hasattr(connection, "kill"):
        yield  # a driver without these parts: the decoded-bytes cap still applies
        return
    inbox._socket = _CappedSocket(sock, buffer, cap)
    try:
        yield
    except RecordTooLarge:
        connection.kill()  # the connection is mid-message: it cannot be used again
        raise
    finally:
        inbox._socket = sock
