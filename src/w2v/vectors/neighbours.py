"""Exact nearest neighbours of many rows at once, by blocked matrix products with bounded memory.

The answer for every word of a vocabulary (``w2v neighbours``), and the truth an approximate index
is tuned against. Functions take arrays, not :class:`w2v.KeyedVectors`.
"""
import numpy as np

__all__ = ["exact_neighbours", "iter_exact_neighbours", "unit_norms"]

BLOCK_CELLS = 1 << 24       # similarity cells per matrix product (64 MB of float32)


def unit_norms(vectors):
    """Euclidean length of each row as float32, a zero row counted as length 1."""
    norms = np.linalg.norm(vectors, axis=1).astype(np.float32)
    norms[norms == 0] = 1.0
    return norms


def exact_neighbours(vectors, rows, topn, norms=None, block_cells=BLOCK_CELLS):
    """The ``topn`` rows of ``vectors`` closest (cosine) to each row in ``rows``, itself left out.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``[V, D]`` float32 (a memory map is fine: it is read a block of rows at a time).
    rows : array of int
        The query rows.
    topn : int
        Neighbours per row (at most ``V - 1``).
    norms : numpy.ndarray, optional
        Row lengths, as :func:`unit_norms` computes them.
    block_cells : int
        Similarities held at once; memory is about ``4 * block_cells`` bytes beyond the inputs.

    Returns
    -------
    ids : numpy.ndarray
        int64 ``[len(rows), topn]``, most similar first.
    sims : numpy.ndarray
        float32 cosines, same shape.

    Examples
    --------
    >>> v = np.array([[1, 0], [1, 0.1], [0, 1], [-1, 0]], dtype=np.float32)
    >>> ids, sims = exact_neighbours(v, [0, 2], topn=2)
    >>> ids.tolist()
    [[1, 2], [1, 0]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    ids = np.empty((len(rows), topn), dtype=np.int64)
    sims = np.empty((len(rows), topn), dtype=np.float32)
    for start, block_ids, block_sims in iter_exact_neighbours(vectors, topn, rows=rows, norms=norms,
                                                              block_cells=block_cells):
        ids[start:start + len(block_ids)] = block_ids
        sims[start:start + len(block_ids)] = block_sims
    return ids, sims


def iter_exact_neighbours(vectors, topn, rows=None, norms=None, block_cells=BLOCK_CELLS):
    """Yield ``(start, ids, sims)`` for consecutive blocks of query rows (all rows by default).

    ``start`` is the position of the block's first query in ``rows``; ``ids`` and ``sims`` are as
    in :func:`exact_neighbours`. Each block costs one ``[block, V]`` similarity array, at most
    ``block_cells`` cells (at least one query row), so memory stays bounded however large ``V`` is.

    Examples
    --------
    >>> v = np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32)
    >>> [(start, ids.tolist()) for start, ids, _ in iter_exact_neighbours(v, 1, block_cells=6)]
    [(0, [[1], [0]]), (2, [[1]])]
    """
    count = len(vectors)
    topn = int(topn)
    if not 1 <= topn < count:
        raise ValueError(f"topn must be between 1 and {count - 1} (the other words), not {topn}")
    norms = unit_norms(vectors) if norms is None else norms
    rows = np.arange(count, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    step = max(1, int(block_cells) // count)
    for start in range(0, len(rows), step):
        block = rows[start:start + step]
        queries = np.asarray(vectors[block], dtype=np.float32) / norms[block, None]
        sims = queries @ np.asarray(vectors, dtype=np.float32).T if count * vectors.shape[1] <= block_cells \
            else _product(queries, vectors, block_cells)
        sims /= norms[None, :]
        sims[np.arange(len(block)), block] = -np.inf           # a word is not its own neighbour
        best = np.argpartition(-sims, topn - 1, axis=1)[:, :topn]
        best_sims = np.take_along_axis(sims, best, axis=1)
        order = np.argsort(-best_sims, axis=1, kind="stable")
        yield start, np.take_along_axis(best, order, axis=1), np.take_along_axis(best_sims, order, axis=1)


def _product(queries, vectors, block_cells):
    """``queries @ vectors.T``, reading ``vectors`` a slice of rows at a time (a memory map stays lazy)."""
    out = np.empty((len(queries), len(vectors)), dtype=np.float32)
    step = max(1, int(block_cells) // vectors.shape[1])
    for start in range(0, len(vectors), step):
        out[:, start:start + step] = queries @ np.asarray(vectors[start:start + step], dtype=np.float32).T
    return out
