"""How a load runs in this process: the next chunk read while this one is written, and fewer
collections of Python's cyclic garbage.

Reading, mapping and preparing rows is Python work and writing them is Neo4j's, so on two cores the
two overlap. The producer runs in a thread; its exceptions come out of the consumer's loop, and a
consumer that stops early (a write failed, Ctrl-C) stops the producer and closes what it was reading.

A load makes millions of short-lived dicts and lists, and with Python's default thresholds they set
off a full collection every few thousand rows, each walking every object the load keeps (the id caches
above all): a fifth of the CPU spent mapping rows (``bench/mapping.py``, docs/performance.md). The rows
make no reference cycles, so reference counting frees them; during a load the collector runs far less
often.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["prefetch", "few_collections"]

#: Collector thresholds during a load (Python's default is 700, 10, 10).
LOAD_THRESHOLDS = (50_000, 20, 100)

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


@contextmanager
def few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely inside the block; restore its thresholds after."""
    before = gc.get_threshold()
    gc.set_threshold(*LOAD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
