"""Reading and mapping the next chunk of a file while the current one is being written.

Reading, mapping and preparing rows is Python work and writing them is Neo4j's, so on two cores the
two overlap. The producer runs in a thread; its exceptions come out of the consumer's loop, and a
consumer that stops early (a write failed, Ctrl-C) stops the producer and closes what it was reading.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["prefetch"]

T = TypeVar("T")
_POLL = 0.1  # seconds between checks that the consumer still wants items


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """Yield ``items``, computing up to ``depth`` of them ahead in a background thread."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                ready.put(entry, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        it = iter(items)
        try:
            for item in it:
                if not hand_over((True, item)):
                    return
            hand_over((False, None))
        except BaseException as err:  # handed to the consumer, which re-raises it
            hand_over((False, err))
        finally:
            close = getattr(it, "close", None)
            if close:
                close()

    thread = threading.Thread(target=produce, name="chokepoint-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            more, value = ready.get()
            if more:
                yield value
            elif value is not None:
                raise value
            else:
                return
    finally:
        stop.set()
        thread.join()
