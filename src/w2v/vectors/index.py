"""Approximate nearest neighbours over word vectors (faiss): build, tune to a recall, query, save, load.

:class:`w2v.KeyedVectors` calls this module (``build_index``, ``most_similar(indexer=...)``) and this
module never imports it back: an index keeps the vectors object it was built for and reads only its
``index_to_key``, ``vectors`` and ``vector_size``. faiss is the optional ``ann`` extra.
"""
import contextlib
import hashlib
import json
import os

import numpy as np

from .._atomic import atomic_write
from .neighbours import exact_neighbours, unit_norms

__all__ = ["NeighbourIndex", "build_index", "load_index", "fingerprint", "require", "METHODS"]

EXTRA = "approximate neighbours need the 'ann' extra: python3 -m pip install '.[ann]' in the w2v clone (it installs faiss-cpu)"
MAGIC = b"w2v-index\n"
FORMAT_VERSION = 1
METHODS = ("hnsw", "ivf")
FINGERPRINT_ROWS = 1024     # vector rows hashed (evenly spaced) besides every word
SMALL_BATCH = 16            # fewer queries than this are searched on one thread
_ADD_ROWS = 1 << 16         # rows normalised and added at a time (bounds the temporary copy)
_HNSW_EF = (16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048)
_IVF_NPROBE = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 2048, 4096)


def require():
    """The faiss module; ``ImportError`` naming the ``ann`` extra when it is not installed."""
    try:
        import faiss
    except ImportError:
        raise ImportError(EXTRA) from None
    return faiss


_faiss = require


def fingerprint(keys, vectors):
    """A checksum tying an index to its vectors: the shape, every word, and ``FINGERPRINT_ROWS`` rows.

    The rows are evenly spaced so a memory-mapped matrix is read at a thousand places, not whole.

    Examples
    --------
    >>> v = np.eye(3, dtype=np.float32)
    >>> fingerprint(["a", "b", "c"], v) == fingerprint(["a", "b", "c"], v.copy())
    True
    >>> fingerprint(["a", "b", "c"], v) == fingerprint(["a", "b", "d"], v)
    False
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{len(keys)} {vectors.shape[1]}\n".encode("ascii"))
    h.update("\n".join(keys).encode("utf-8", "surrogatepass"))
    rows = np.unique(np.linspace(0, len(keys) - 1, min(len(keys), FINGERPRINT_ROWS)).astype(np.int64))
    h.update(np.ascontiguousarray(vectors[rows], dtype="<f4").tobytes())
    return h.hexdigest()


@contextlib.contextmanager
def _threads(faiss, threads):
    """Run faiss with ``threads`` OpenMP threads (None: leave as is), restoring the setting after."""
    if threads is None:
        yield
        return
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(max(1, int(threads)))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class NeighbourIndex:
    """An approximate nearest-neighbour index over one set of word vectors (cosine similarity).

    Build one with :func:`build_index` (or ``kv.build_index()``), load one with :func:`load_index`.
    It follows gensim's ``AnnoyIndexer`` protocol: ``kv.most_similar(word, topn=10, indexer=index)``
    calls ``index.most_similar(unit_query_vector, topn)``.

    Attributes
    ----------
    kv : KeyedVectors
        The vectors it answers for.
    method : {"hnsw", "ivf"}
    recall : float or None
        Recall@10 on held-out words, measured by the last :meth:`tune` (``None`` when never tuned).
    """

    def __init__(self, kv, faiss_index, method, params, search, recall=None):
        self.kv = kv
        self._index = faiss_index
        self.method = method
        self.params = dict(params)
        self.recall = recall
        self.set_search(**search)

    def __repr__(self):
        return (f"<NeighbourIndex {self.method} over {len(self.kv.index_to_key)} words, "
                f"{self.describe_search()}, recall {self.recall if self.recall is not None else 'not tuned'}>")

    # ---- search ----------------------------------------------------------------------------

    def set_search(self, ef=None, nprobe=None):
        """Set the search effort: ``ef`` (HNSW candidates kept) or ``nprobe`` (IVF lists scanned)."""
        if self.method == "hnsw":
            if ef is None or nprobe is not None:
                raise ValueError("an HNSW index takes ef= (candidates kept per search), not nprobe=")
            self._index.hnsw.efSearch = int(ef)
        else:
            if nprobe is None or ef is not None:
                raise ValueError("an IVF index takes nprobe= (lists scanned per search), not ef=")
            self._index.nprobe = int(nprobe)

    def search_params(self):
        """The current search effort as keyword arguments of :meth:`set_search`."""
        if self.method == "hnsw":
            return {"ef": int(self._index.hnsw.efSearch)}
        return {"nprobe": int(self._index.nprobe)}

    def describe_search(self):
        """The search effort as text, e.g. ``'ef=64'``."""
        return ", ".join(f"{k}={v}" for k, v in self.search_params().items())

    def search(self, queries, k, threads=None):
        """The ``k`` approximate nearest rows of each query vector.

        Parameters
        ----------
        queries : numpy.ndarray
            ``[N, D]`` (or ``[D]``); normalised here.
        k : int
        threads : int, optional
            faiss threads for this call; by default one for fewer than ``SMALL_BATCH`` queries
            (waking a team of threads costs more than a single search) and faiss's setting otherwise.

        Returns
        -------
        ids : numpy.ndarray
            int64 ``[N, k]``, most similar first; ``-1`` where fewer than ``k`` were found.
        sims : numpy.ndarray
            float32 cosines, same shape.
        """
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        if queries.shape[1] != self.kv.vector_size:
            raise ValueError(f"queries have {queries.shape[1]} dimensions, the index {self.kv.vector_size}")
        lengths = np.linalg.norm(queries, axis=1, keepdims=True)
        lengths[lengths == 0] = 1.0
        queries = np.ascontiguousarray(queries / lengths)
        faiss = _faiss()
        if threads is None and len(queries) < SMALL_BATCH:
            threads = 1
        with _threads(faiss, threads):
            sims, ids = self._index.search(queries, int(k))
        return ids, sims

    def most_similar(self, vector, num_neighbors):
        """gensim's indexer protocol: ``[(word, cosine)]`` for the ``num_neighbors`` nearest words.

        Like gensim's ``AnnoyIndexer``, the words the query was made of are not left out.

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> index = kv.build_index()                          # doctest: +SKIP
        >>> [w for w, _ in index.most_similar(kv["a"], 2)]    # doctest: +SKIP
        ['a', 'b']
        """
        ids, sims = self.search(vector, num_neighbors)
        keys = self.kv.index_to_key
        return [(keys[i], float(s)) for i, s in zip(ids[0].tolist(), sims[0].tolist()) if i >= 0]

    def neighbours_of_rows(self, rows, topn, threads=None):
        """Approximate ``topn`` neighbours of vocabulary rows, each row left out of its own answer."""
        rows = np.asarray(rows, dtype=np.int64)
        vectors = np.asarray(self.kv.vectors[rows], dtype=np.float32)
        ids, sims = self.search(vectors, topn + 1, threads=threads)
        keep = ids != rows[:, None]
        # Drop the query row where it was found, else the last answer; ids of -1 stay -1.
        drop_last = keep.all(axis=1)
        keep[drop_last, -1] = False
        return ids[keep].reshape(len(rows), topn), sims[keep].reshape(len(rows), topn)

    # ---- tuning ----------------------------------------------------------------------------

    def measure_recall(self, sample=500, topn=10, seed=0, truth=None):
        """Recall@``topn`` of the current search effort against exact search on ``sample`` random words."""
        rows, truth = truth if truth is not None else self._truth(sample, topn, seed)
        ids, _ = self.neighbours_of_rows(rows, topn)
        hits = sum(len(set(a.tolist()) & set(b.tolist())) for a, b in zip(ids, truth))
        return hits / truth.size

    def _truth(self, sample, topn, seed):
        return self._truths(sample, topn, seed, parts=1)[0]

    def _truths(self, sample, topn, seed, parts=2):
        """``parts`` disjoint random samples of ``sample`` words (fewer when the vocabulary is
        small; the same words when it has fewer than ``2 * parts``), each with its exact neighbours."""
        count = len(self.kv.index_to_key)
        topn = min(topn, count - 1)
        rng = np.random.default_rng(seed)
        drawn = rng.choice(count, size=min(int(sample) * parts, count), replace=False)
        if len(drawn) < 2 * parts:
            return [(np.sort(drawn), exact_neighbours(self.kv.vectors, np.sort(drawn), topn)[0])] * parts
        truths = []
        for rows in np.array_split(drawn, parts):
            rows = np.sort(rows)
            truths.append((rows, exact_neighbours(self.kv.vectors, rows, topn)[0]))
        return truths

    def tune(self, recall=0.95, sample=500, topn=10, seed=0):
        """Raise the search effort until recall@``topn`` reaches ``recall`` on ``sample`` random words
        and again on ``sample`` other words; report the recall on those other words.

        Exact neighbours of both samples are computed once (blocked matrix products); then each
        effort, from cheapest up, is tried on the tuning sample, and one that reaches the target
        there is confirmed on the held-out sample (an effort chosen on one sample alone can fall
        short on other words).

        Returns
        -------
        float
            The recall on the held-out words (below ``recall`` when even the largest effort falls
            short: rebuild with a larger ``connectivity`` or ``nlist``). Also kept in :attr:`recall`.
        """
        if not 0 < recall <= 1:
            raise ValueError(f"recall must be in (0, 1], not {recall}")
        if len(self.kv.index_to_key) < 2:
            raise ValueError("cannot tune an index of fewer than 2 words")
        tuning, held_out = self._truths(sample, topn, seed)
        if self.method == "hnsw":
            efforts = [{"ef": ef} for ef in _HNSW_EF]
        else:
            nlist = int(self._index.nlist)
            efforts = [{"nprobe": n} for n in _IVF_NPROBE if n < nlist] + [{"nprobe": nlist}]
        for effort in efforts:
            self.set_search(**effort)
            if self.measure_recall(truth=tuning) >= recall and self.measure_recall(truth=held_out) >= recall:
                break
        self.recall = self.measure_recall(truth=held_out)
        return self.recall

    # ---- files -----------------------------------------------------------------------------

    def save(self, path):
        """Write the index (and what it was built for: words, dimensions, fingerprint) atomically.

        The file is a ``w2v-index`` header line of JSON followed by faiss's own serialisation.
        """
        faiss = _faiss()
        kv = self.kv
        header = {"format": "w2v-index", "version": FORMAT_VERSION, "library": "faiss",
                  "library_version": faiss.__version__, "method": self.method, "params": self.params,
                  "search": self.search_params(), "recall": self.recall, "words": len(kv.index_to_key),
                  "dimensions": kv.vector_size, "fingerprint": fingerprint(kv.index_to_key, kv.vectors)}
        with atomic_write(path, "wb") as f:
            f.write(MAGIC)
            f.write(json.dumps(header).encode("utf-8") + b"\n")
            faiss.write_index(self._index, faiss.PyCallbackIOWriter(f.write))

    @classmethod
    def load(cls, path, kv):
        """Read an index written by :meth:`save` and check that it was built for ``kv``.

        Raises
        ------
        ValueError
            For a file that is not a w2v index, or an index built for other vectors (another
            vocabulary size, dimension or fingerprint).
        """
        return load_index(path, kv)


def build_index(kv, method="ivf", recall=0.95, connectivity=16, ef_construction=100, nlist=None,
                sample=500, threads=None, seed=0):
    """Build an approximate nearest-neighbour index over ``kv``'s vectors (cosine similarity).

    Parameters
    ----------
    kv : KeyedVectors
    method : {"ivf", "hnsw"}
        ``"ivf"`` (default): k-means lists scanned exhaustively (faiss ``IndexIVFFlat``); builds a
        million words in minutes. ``"hnsw"``: a navigable small-world graph (faiss ``IndexHNSWFlat``);
        2-3x faster queries at equal recall, but about 10x slower to build (see docs/big-vectors.md).
    recall : float or None
        Tune the search effort to reach this recall@10 on ``sample`` words and confirm it on
        ``sample`` others (see :meth:`NeighbourIndex.tune`), 0.95 by default as ``w2v index``;
        None leaves faiss's untuned effort (HNSW ef 16 raised to 64, IVF 8 lists), which can be
        far lower.
    connectivity : int
        HNSW links per node (``M``); more is larger and slower to build, with better recall.
    ef_construction : int
        HNSW candidates kept while building.
    nlist : int, optional
        IVF lists; default ``2 * sqrt(V)``.
    sample, seed : int
        Words in each of the two tuning samples, and their draw.
    threads : int, optional
        faiss threads while building (default: faiss's setting, all cores).

    Returns
    -------
    NeighbourIndex

    Examples
    --------
    >>> from w2v import KeyedVectors
    >>> rng = np.random.default_rng(0)
    >>> kv = KeyedVectors([f"w{i}" for i in range(500)], rng.standard_normal((500, 8)).astype(np.float32))
    >>> index = build_index(kv, recall=0.9)                  # doctest: +SKIP
    >>> index.recall >= 0.9                                  # doctest: +SKIP
    True
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    for name, value in (("connectivity", connectivity), ("ef_construction", ef_construction)):
        if int(value) < 2:
            raise ValueError(f"{name} must be at least 2, not {value}")
    faiss = _faiss()
    vectors = kv.vectors
    count, dim = len(kv.index_to_key), kv.vector_size
    if count == 0:
        raise ValueError("cannot build an index over no words")
    with _threads(faiss, threads):
        if method == "hnsw":
            index = faiss.IndexHNSWFlat(dim, int(connectivity), faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = int(ef_construction)
            params, search = {"connectivity": int(connectivity), "ef_construction": int(ef_construction)}, {"ef": 64}
        else:
            # faiss wants 39 training points per list; fewer lists on a small vocabulary.
            nlist = max(1, min(count, int(nlist if nlist is not None else min(2 * np.sqrt(count), count // 39))))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.cp.niter = 10
            index.cp.min_points_per_centroid = 1       # a small vocabulary trains on what it has, silently
            rng = np.random.default_rng(seed)
            train_rows = np.sort(rng.choice(count, size=min(count, 40 * nlist), replace=False))
            index.train(_unit_rows(vectors, train_rows))
            params, search = {"nlist": nlist}, {"nprobe": min(8, nlist)}
        norms = unit_norms(vectors) if count <= _ADD_ROWS else None
        for start in range(0, count, _ADD_ROWS):
            rows = np.arange(start, min(count, start + _ADD_ROWS))
            index.add(_unit_rows(vectors, rows, norms))
    result = NeighbourIndex(kv, index, method, params, search)
    if recall is not None:
        result.tune(recall, sample=sample, seed=seed)
    return result


def _unit_rows(vectors, rows, norms=None):
    block = np.asarray(vectors[rows], dtype=np.float32)
    lengths = norms[rows, None] if norms is not None else unit_norms(block)[:, None]
    return np.ascontiguousarray(block / lengths)


def load_index(path, kv):
    """Read an index saved by :meth:`NeighbourIndex.save`, refusing one built for other vectors.

    Examples
    --------
    >>> from w2v import KeyedVectors
    >>> import os, tempfile
    >>> kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    >>> p = os.path.join(tempfile.mkdtemp(), "kv.index")
    >>> kv.build_index().save(p)                                # doctest: +SKIP
    >>> load_index(p, kv).most_similar(kv["a"], 1)[0][0]       # doctest: +SKIP
    'a'
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a folder, not a w2v index file")
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise ValueError(f"{path}: not a w2v index file (build one with 'w2v index MODEL -o FILE')")
        try:
            header = json.loads(f.readline(1 << 20))
            method, words, dim = header["method"], int(header["words"]), int(header["dimensions"])
            stored, params, search = header["fingerprint"], header["params"], header["search"]
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}: damaged w2v index header ({e})") from None
        if header.get("version") != FORMAT_VERSION or method not in METHODS:
            raise ValueError(f"{path}: w2v index version {header.get('version')} ({method}) is not one this "
                             f"w2v reads (version {FORMAT_VERSION})")
        have = (len(kv.index_to_key), kv.vector_size)
        if (words, dim) != have:
            raise ValueError(f"{path}: this index was built for {words} words x {dim} dimensions, not for "
                             f"these vectors ({have[0]} x {have[1]}); rebuild it with 'w2v index'")
        if stored != fingerprint(kv.index_to_key, kv.vectors):
            raise ValueError(f"{path}: this index was built for other vectors of the same shape ({words} x "
                             f"{dim}; words or vectors differ); rebuild it with 'w2v index'")
        faiss = _faiss()
        try:
            index = faiss.read_index(faiss.PyCallbackIOReader(f.read))
        except RuntimeError as e:
            raise ValueError(f"{path}: damaged index data ({str(e).strip().splitlines()[-1][:200]})") from None
    if index.ntotal != words or index.d != dim:
        raise ValueError(f"{path}: index data holds {index.ntotal} x {index.d}, its header says {words} x {dim}")
    return NeighbourIndex(kv, index, method, params, search, recall=header.get("recall"))
