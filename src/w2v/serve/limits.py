"""What one server may spend: the limits a user sets, the gate that runs expensive work, and bounded caches.

Expensive queries (a t-SNE map, the comparison of two models, the probe) run through one :class:`WorkGate`:
a few at once in threads of their own, a few more waiting in the event loop (holding no thread), the rest
refused at once with 503. Cheap queries never wait for them. Results are kept in :class:`BoundedCache`\\ s,
bounded both in entries and in bytes.
"""
import asyncio
import ctypes
import dataclasses
import sys
import threading
from collections import OrderedDict

import anyio.to_thread
import numpy as np

from .params import ApiError

__all__ = ["Limits", "WorkGate", "BoundedCache", "size_of"]


@dataclasses.dataclass(frozen=True)
class Limits:
    """The limits of one server; each is a ``w2v serve`` flag (in brackets).

    Attributes
    ----------
    workers : int
        Expensive computations at once (``--workers``).
    queue : int
        Expensive requests that may wait for a worker (``--queue``); more are answered 503.
    cache_mb : float
        Megabytes of expensive results kept (``--cache-mb``): the comparison of two models (``/api/differ``).
    max_connections : int
        Connections at once (``--max-connections``); a request beyond is answered 503.
    request_timeout : float
        Seconds a client has to send a request's line and headers (``--request-timeout``), counted from the
        connection or the previous answer; then the connection is closed.
    keep_alive : float
        Seconds an idle keep-alive connection stays open.
    max_header_kb : int
        Kilobytes of request line and headers; more is answered 431.
    """

    workers: int = 2
    queue: int = 16
    cache_mb: float = 64.0
    max_connections: int = 100
    request_timeout: float = 10.0
    keep_alive: float = 5.0
    max_header_kb: int = 64

    def __post_init__(self):
        for name in ("workers", "max_connections", "max_header_kb"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        for name in ("queue", "cache_mb"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be at least 0, not {getattr(self, name)}")
        for name in ("request_timeout", "keep_alive"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be above 0 seconds, not {getattr(self, name)}")


class WorkGate:
    """Runs functions ``workers`` at a time in threads of their own; at most ``queue`` wait (None: any number).

    A waiting request waits in the event loop and holds no thread, so the threads that answer other
    queries stay free however many requests arrive here. A request that finds ``queue`` others already
    waiting is refused at once: :class:`ApiError` 503.

    Examples
    --------
    >>> import asyncio
    >>> gate = WorkGate(workers=1, queue=0)
    >>> asyncio.run(gate.run(sum, [1, 2, 3]))
    6
    """

    def __init__(self, workers, queue):
        self.workers = workers
        self.queue = queue
        self._limiter = None        # created in the event loop that uses it
        self._semaphore = None
        self._waiting = 0
        self._running = 0

    @property
    def busy(self):
        """Requests computing or waiting now."""
        return self._running + self._waiting

    async def run(self, fn, *args):
        """``fn(*args)`` in a worker thread once a worker is free; 503 when ``queue`` requests already wait."""
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self.workers)
            self._limiter = anyio.CapacityLimiter(self.workers)
        if self.queue is not None and self._semaphore.locked() and self._waiting >= self.queue:
            raise ApiError(503, f"busy: {self._running} expensive requests running and {self._waiting} waiting; "
                                f"try again in a few seconds")
        self._waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self._waiting -= 1
        self._running += 1
        try:
            return await anyio.to_thread.run_sync(_then_release_memory, fn, *args, limiter=self._limiter)
        finally:
            self._running -= 1
            self._semaphore.release()


def _then_release_memory(fn, *args):
    try:
        return fn(*args)
    finally:
        release_memory()


def release_memory():
    """Hand the heap's free memory back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    An expensive computation allocates and frees hundreds of megabytes (similarity blocks, answer lists) in
    a worker thread's own malloc arena; without this, the freed memory stays in the server's resident size.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


def size_of(value):
    """Approximate bytes held by ``value`` (containers, strings, NumPy arrays), counting each object once.

    Examples
    --------
    >>> size_of([]) < size_of(["a" * 1000]) < size_of(np.zeros(1000))
    True
    """
    seen, total, stack = set(), 0, [value]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, np.ndarray):
            total += x.nbytes + 112
            continue
        total += sys.getsizeof(x)
        if isinstance(x, dict):
            stack.extend(x.keys())
            stack.extend(x.values())
        elif isinstance(x, (list, tuple, set, frozenset)):
            stack.extend(x)
    return total


class BoundedCache:
    """A thread-safe least-recently-used map holding at most ``max_entries`` values and ``max_bytes`` bytes.

    A value's bytes are :func:`size_of` it, counted when it is stored (keys count too). A value larger than
    the whole budget is not kept.

    Examples
    --------
    >>> cache = BoundedCache(max_entries=2, max_bytes=10_000)
    >>> for key in "abc":
    ...     cache.put(key, [key])
    >>> cache.get("a"), cache.get("c"), len(cache)
    (None, ['c'], 2)
    """

    def __init__(self, max_entries, max_bytes):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items = OrderedDict()         # key -> (value, bytes)
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._items)

    def get(self, key, default=None):
        """The value kept for ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key, value):
        """Keep ``value``, dropping the least recently used values until both bounds hold."""
        cost = size_of(key) + size_of(value)
        with self._lock:
            if key in self._items:
                self.bytes -= self._items.pop(key)[1]
            if cost > self.max_bytes or self.max_entries < 1:
                return
            self._items[key] = (value, cost)
            self.bytes += cost
            while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
                self.bytes -= self._items.popitem(last=False)[1][1]
