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


def betweenness_and_sums(indptr: np.ndarray, indices: np.ndarray, sources: Sequence[int],
                         threads: int = THREADS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`queries.brandes.counts` (undirected: each unordered pair once) and :func:`sums` from one
    breadth-first search per source: the compiled Brandes of :mod:`queries.brandes`, which also adds
    up each source's distances as it finds them (what a betweenness attack needs at every step).

    >>> indptr, indices = csr(3, np.array([[0, 1], [1, 2]]))
    >>> [x.tolist() for x in betweenness_and_sums(indptr, indices, [0, 1, 2])]
    [[0.0, 1.0, 0.0], [3.0, 2.0, 3.0], [1.5, 2.0, 1.5]]
    """
    n = len(indptr) - 1
    total, inverse = np.zeros(n), np.zeros(n)
    chosen = np.asarray(sources, dtype=np.int32)
    threads = max(1, min(threads, len(chosen)))
    if threads == 1 or len(indices) * len(chosen) < THREADED_WORK:
        counts = _brandes_sums(indptr, indices, chosen, total, inverse)
    else:
        with ThreadPoolExecutor(threads, thread_name_prefix="chokepoint-distances") as pool:
            parts = list(pool.map(lambda share: _brandes_sums(indptr, indices, share, total, inverse),
                                  [chosen[i::threads] for i in range(threads)]))
        counts = np.sum(parts, axis=0)
    return counts / 2.0, total, inverse


@njit(cache=True, nogil=True)
def _brandes_sums(indptr, indices, sources, far_out, near_out):  # pragma: no cover - compiled; results tested
    n = len(indptr) - 1
    total = np.zeros(n)
    sigma = np.zeros(n)
    delta = np.zeros(n)
    dist = np.full(n, -1, np.int32)
    order = np.empty(n, np.int32)
    succ = np.empty(len(indices), np.int32)
    start = np.empty(n + 1, np.int64)
    for s in sources:
        sigma[s] = 1.0
        dist[s] = 0
        order[0] = s
        head, tail, used = 0, 1, 0
        far, near = 0.0, 0.0
        while head < tail:  # breadth first, counting shortest paths and adding up distances
            v = order[head]
            start[head] = used
            head += 1
            step = dist[v] + 1
            for k in range(indptr[v], indptr[v + 1]):
                w = indices[k]
                if dist[w] < 0:
                    dist[w] = step
                    order[tail] = w
                    tail += 1
                    far += step
                    near += 1.0 / step
                if dist[w] == step:
                    sigma[w] += sigma[v]
                    succ[used] = w
                    used += 1
        start[tail] = used
        for i in range(tail - 1, 0, -1):  # farthest first: each node's share of the paths through it
            v = order[i]
            share = 0.0
            for k in range(start[i], start[i + 1]):
                w = succ[k]
                share += (1.0 + delta[w]) / sigma[w]
            delta[v] = sigma[v] * share
            total[v] += delta[v]
        for i in range(tail):  # reset only what this search touched
            v = order[i]
            sigma[v] = 0.0
            delta[v] = 0.0
            dist[v] = -1
        far_out[s] = far
        near_out[s] = near
    return total
