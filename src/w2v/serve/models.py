"""The models a server answers for: loaded once, each with its name, a prefix index for completion and a cached probe.

Queries themselves are :class:`~w2v.keyedvectors.KeyedVectors` methods; this module only holds what the
server keeps between requests.
"""
import bisect
import os
import threading

import numpy as np

from ..keyedvectors import load_any
from ..probe import probe

__all__ = ["ServedModel", "load_models"]


class ServedModel:
    """One set of vectors as the server sees it.

    Parameters
    ----------
    name : str
        Shown on the page (a file's name without its folder).
    kv : KeyedVectors
        The vectors, most frequent word first.
    indexer : object, optional
        An approximate-neighbour index passed to ``kv.most_similar(..., indexer=...)``; None: exact search.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.keyedvectors import KeyedVectors
    >>> m = ServedModel("toy", KeyedVectors(["the", "then", "cat", "The"], np.eye(4, dtype=np.float32)))
    >>> m.complete("th", 5), m.describe()
    (['the', 'The', 'then'], {'name': 'toy', 'words': 4, 'dimensions': 4})
    """

    def __init__(self, name, kv, indexer=None):
        self.name = name
        self.kv = kv
        self.indexer = indexer
        self._prefix_lock = threading.Lock()
        self._probe_lock = threading.Lock()
        self._prefix = None          # (case-folded words sorted, their rows)
        self._probe = None

    def describe(self):
        return {"name": self.name, "words": len(self.kv), "dimensions": self.kv.vector_size}

    def most_similar(self, **kwargs):
        """``kv.most_similar`` with this model's index, when it has one."""
        if self.indexer is not None:
            kwargs["indexer"] = self.indexer
        return self.kv.most_similar(**kwargs)

    def complete(self, prefix, limit):
        """Up to ``limit`` words starting with ``prefix`` (case-insensitive), most frequent first."""
        folded, rows = self._prefix_index()
        key = prefix.casefold()
        lo = bisect.bisect_left(folded, key)
        hi = bisect.bisect_left(folded, key + "\U0010ffff", lo)
        found = rows[lo:hi]
        if len(found) > limit:
            found = np.partition(found, limit - 1)[:limit]
        return [self.kv.index_to_key[i] for i in np.sort(found)]

    def _prefix_index(self):
        with self._prefix_lock:      # built once, by the first request that needs it
            if self._prefix is None:
                folded = [w.casefold() for w in self.kv.index_to_key]
                order = sorted(range(len(folded)), key=folded.__getitem__)
                self._prefix = ([folded[i] for i in order], np.asarray(order, dtype=np.int64))
            return self._prefix

    def probe_report(self):
        """What ``w2v probe --json`` prints for this model (computed once)."""
        with self._probe_lock:
            if self._probe is None:
                self._probe = probe(self.kv)
            return self._probe


def load_models(paths, indexers=None):
    """Load each file with :func:`~w2v.keyedvectors.load_any` as a :class:`ServedModel`.

    Names are the file names; a name that repeats gets its folder in front until names differ.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from w2v.keyedvectors import KeyedVectors
    >>> folder = tempfile.mkdtemp()
    >>> for sub in ("a", "b"):
    ...     os.mkdir(os.path.join(folder, sub))
    ...     KeyedVectors(["x", "y"], np.eye(2, dtype=np.float32)).save_word2vec_format(os.path.join(folder, sub, "v.txt"))
    >>> [m.name for m in load_models([os.path.join(folder, "a", "v.txt"), os.path.join(folder, "b", "v.txt")])]
    ['a/v.txt', 'b/v.txt']
    """
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise ValueError("give at least one model file")
    indexers = list(indexers) if indexers is not None else [None] * len(paths)
    return [ServedModel(name, load_any(path), indexer)
            for name, path, indexer in zip(_names(paths), paths, indexers)]


def _names(paths):
    parts = [os.path.normpath(os.path.abspath(p)).split(os.sep) for p in paths]
    for depth in range(1, max(len(p) for p in parts) + 1):
        names = ["/".join(p[-depth:]) for p in parts]
        if len(set(names)) == len(names):
            return names
    return [f"{i}:{p}" for i, p in enumerate(paths)]     # the same file twice
