"""Shortest-path distance sums from chosen sources, compiled with numba and split over threads.

:mod:`queries.disruption` needs, for every entity of a component, the sum of its hop distances to the
entities it reaches (closeness, average path length) and the sum of their inverses (global efficiency);
one breadth-first search per source gives both. As in :mod:`queries.brandes` the compiled loop
releases the GIL, so threads share the graph's arrays; each source writes only its own slot.

Example
-------
>>> import numpy as np
>>> indptr, indices = csr(3, np.array([[0, 1], [1, 2]]))       # 0 - 1 - 2
>>> total, inverse = sums(indptr, indices, [0, 1, 2])
>>> total.tolist(), inverse.tolist()
([3.0, 2.0, 3.0], [1.5, 2.0, 1.5])
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from chokepoint.queries.brandes import THREADED_WORK, THREADS

__all__ = ["csr", "sums"]


def csr(n: int, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Compressed neighbour rows of the undirected graph on ``0..n-1`` with links ``pairs`` ((m, 2), each once):
    node v's neighbours are ``indices[indptr[v]:indptr[v + 1]]``."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order].astype(np.int32)


def sums(indptr: np.ndarray, indices: np.ndarray, sources: Sequence[int],
         threads: int = THREADS) -> tuple[np.ndarray, np.ndarray]:
    """Per node: the sum of hop distances from it to every node it reaches, and the sum of their inverses
    (0 for nodes that are not ``sources``)."""
    n = len(indptr) - 1
    total, inverse = np.zeros(n), np.zeros(n)
    chosen = np.asarray(sources, dtype=np.int32)
    threads = max(1, min(threads, len(chosen)))
    if threads == 1 or len(indices) * len(chosen) < THREADED_WORK:
        _from_sources(indptr, indices, chosen, total, inverse)
    else:
        with ThreadPoolExecutor(threads, thread_name_prefix="chokepoint-distances") as pool:
            list(pool.map(lambda share: _from_sources(indptr, indices, share, total, inverse),
                          [chosen[i::threads] for i in range(threads)]))
    return total, inverse


@njit(cache=True, nogil=True)
def _from_sources(indptr, indices, sources, total, inverse):  # pragma: no cover - compiled; its results are tested
    n = len(indptr) - 1
    dist = np.full(n, -1, np.int32)
    queue = np.empty(n, np.int32)
    for s in sources:
        queue[0] = s
        dist[s] = 0
        head, tail = 0, 1
        far, near = 0.0, 0.0
        while head < tail:
            v = queue[head]
            head += 1
            step = dist[v] + 1
            for k in range(indptr[v], indptr[v + 1]):
                w = indices[k]
                if dist[w] < 0:
                    dist[w] = step
                    queue[tail] = w
                    tail += 1
                    far += step
                    near += 1.0 / step
        for i in range(tail):
            dist[queue[i]] = -1
        total[s] = far
        inverse[s] = near
