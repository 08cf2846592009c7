"""Threads for the drivers around the compiled loops (which release the GIL): how many to use,
and a pool that maps work in order with a bounded number of pieces in flight."""
import collections
import contextlib
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

MAX_THREADS = 8                 # more rarely helps loops that are bound by memory


def thread_count(workers=None):
    """``workers``, or the machine's cores (at most :data:`MAX_THREADS`) when None.

    Examples
    --------
    >>> thread_count(3)
    3
    >>> 1 <= thread_count() <= MAX_THREADS
    True
    """
    if workers is None:
        return min(os.cpu_count() or 1, MAX_THREADS)
    workers = int(workers)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    return workers


class Pool(ThreadPoolExecutor):
    """A ``ThreadPoolExecutor`` that says how many ``threads`` it has."""

    def __init__(self, threads, name="w2v"):
        super().__init__(threads, name)
        self.threads = threads


@contextlib.contextmanager
def thread_pool(workers=None, name="w2v"):
    """A :class:`Pool` of :func:`thread_count` threads, or None for one thread.

    Examples
    --------
    >>> with thread_pool(1) as pool:
    ...     pool is None
    True
    """
    n = thread_count(workers)
    if n == 1:
        yield None
        return
    pool = Pool(n, name)
    try:
        yield pool
    finally:
        pool.shutdown()


def in_order(fn, items, pool=None):
    """Yield ``fn(*item)`` for each item, in order; with ``pool`` (a :class:`Pool`, or another
    executor) computed ahead in it, at most twice its threads at a time (so memory stays bounded).

    Examples
    --------
    >>> with thread_pool(2) as pool:
    ...     list(in_order(pow, [(2, 3), (3, 2), (5, 1)], pool))
    [8, 9, 5]
    """
    if pool is None:
        for item in items:
            yield fn(*item)
        return
    ahead = 2 * getattr(pool, "threads", 2)         # a Pool says how many; another executor: 4
    pending = collections.deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, *item))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def sentence_pieces(offsets, tokens):
    """``(first sentence, end sentence)`` pieces of a corpus cut at sentence ends, each of about
    ``tokens`` tokens (one sentence at least; none for an empty corpus).

    Examples
    --------
    >>> import numpy as np
    >>> sentence_pieces(np.array([0, 3, 4, 9, 10]), 4)
    [(0, 2), (2, 3), (3, 4)]
    """
    pieces, s, n_sent = [], 0, len(offsets) - 1
    while s < n_sent:
        e = int(np.searchsorted(offsets, offsets[s] + tokens, side="right")) - 1
        e = min(max(e, s + 1), n_sent)
        pieces.append((s, e))
        s = e
    return pieces
