"""Split a block of a word2vec binary body into rows: find each word, copy each vector's bytes out.

The reader in :mod:`w2v.vectors.formats` refills one buffer from the file and calls :func:`scan_rows` on it,
so no Python code runs per row.
"""
import numpy as np

from ..compiler import njit

SPACE = 32
# scan_rows' status: rows stopped because the buffer ran out, or because a word was too long.
NEED_MORE = 0
WORD_TOO_LONG = 1


@njit(nogil=True, cache=True)
def scan_rows(buf, pos, end, out, word_bytes, ends, max_word):
    """Parse whole rows ``word`` + space + ``out.shape[1]`` bytes from ``buf[pos:end]``.

    Parameters
    ----------
    buf : uint8[:]
        The buffer; rows may start with ``\\n``/``\\r`` (the C tool ends each vector with one),
        which are skipped.
    pos, end : int
        The unread bytes.
    out : uint8[:, :]
        ``[rows wanted, 4 * D]``; row ``r``'s vector bytes are copied to ``out[r]`` (mutated).
    word_bytes : uint8[:]
        The words, one after another (mutated); at least ``end - pos`` long.
    ends : int64[:]
        ``[rows wanted]``; word ``r`` is ``word_bytes[ends[r - 1]:ends[r]]`` (``ends[-1]`` read as 0;
        mutated).
    max_word : int
        A word longer than this many bytes stops the scan with ``WORD_TOO_LONG``.

    Returns
    -------
    (rows, pos, status) : rows parsed, the first byte not consumed, and why it stopped
        (``NEED_MORE`` also when ``out`` is full).
    """
    nbytes = out.shape[1]
    rows = 0
    filled = 0
    wanted = out.shape[0]
    while rows < wanted:
        start = pos
        while start < end and (buf[start] == 10 or buf[start] == 13):
            start += 1
        space = start
        limit = min(end, start + max_word)
        while space < limit and buf[space] != SPACE:
            space += 1
        if space == limit:
            if limit - start >= max_word:
                return rows, pos, WORD_TOO_LONG
            return rows, pos, NEED_MORE
        if end - space - 1 < nbytes:
            return rows, pos, NEED_MORE
        size = space - start
        word_bytes[filled:filled + size] = buf[start:space]
        filled += size
        ends[rows] = filled
        out[rows, :] = buf[space + 1:space + 1 + nbytes]
        pos = space + 1 + nbytes
        rows += 1
    return rows, pos, NEED_MORE


def empty_bounds(rows, nbytes):
    """``(word_bytes, ends)`` arrays for :func:`scan_rows` on a buffer of ``nbytes``."""
    return np.empty(nbytes, dtype=np.uint8), np.empty(rows, dtype=np.int64)
