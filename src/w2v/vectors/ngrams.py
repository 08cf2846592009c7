"""fastText's character n-grams and their hash: which rows of the subword matrix make a word.

A word's n-grams are those of ``<word>`` counted in Unicode characters (bytes of one UTF-8
character stay together), lengths ``min_n .. max_n``, without the lone ``<`` or ``>``; each is
hashed with fastText's FNV-1a variant (every byte sign-extended, as C's ``char`` is) to row
``nwords + hash % bucket``. :func:`subword_rows` does this for a whole vocabulary in one Numba
loop and returns the rows as CSR arrays, the layout of ``w2v.kernels.inputs.SubwordRows``.
"""
import numpy as np

from ..compiler import njit


__all__ = ["ft_hash_bytes", "compute_ngrams", "compute_ngrams_bytes", "ft_ngram_hashes",
           "subword_rows", "EOS"]

EOS = "</s>"           # fastText's end-of-line token: it has no n-grams
_FNV_OFFSET = 2166136261
_FNV_PRIME = 16777619
_MASK32 = 0xFFFFFFFF


def ft_hash_bytes(bytez):
    """fastText's 32-bit FNV-1a hash of ``bytez`` (gensim's name), bytes read as signed ``char``.

    Examples
    --------
    >>> ft_hash_bytes(b"<ca"), ft_hash_bytes("é".encode())
    (1066916747, 1023043777)
    """
    h = _FNV_OFFSET
    for b in bytez:
        h = ((h ^ (b | 0xFFFFFF00 if b >= 128 else b)) * _FNV_PRIME) & _MASK32
    return h


def compute_ngrams(word, min_n, max_n):
    """All character n-grams of ``<word>`` of lengths ``min_n .. max_n`` (gensim's function: with
    ``min_n=1`` it includes the lone ``<`` and ``>``, which fastText's own list leaves out).

    Examples
    --------
    >>> compute_ngrams("cat", 3, 4)
    ['<ca', 'cat', 'at>', '<cat', 'cat>']
    """
    extended = f"<{word}>"
    return [extended[i:i + n] for n in range(min_n, min(len(extended), max_n) + 1)
            for i in range(len(extended) - n + 1)]


def compute_ngrams_bytes(word, min_n, max_n):
    """fastText's n-grams of ``word`` as UTF-8 bytes, in fastText's order (by start, then length).

    Examples
    --------
    >>> compute_ngrams_bytes("été", 3, 3)
    [b'<\\xc3\\xa9t', b'\\xc3\\xa9t\\xc3\\xa9', b't\\xc3\\xa9>']
    """
    data = f"<{word}>".encode("utf-8")
    return [data[i:j] for i, j in _spans(data, min_n, max_n)]


def _spans(data, min_n, max_n):
    """Byte spans ``(i, j)`` of fastText's n-grams of the bytes ``data`` (``<word>`` encoded)."""
    size = len(data)
    for i in range(size):
        if data[i] & 0xC0 == 0x80:
            continue
        j, n = i, 1
        while j < size and n <= max_n:
            j += 1
            while j < size and data[j] & 0xC0 == 0x80:
                j += 1
            if n >= min_n and not (n == 1 and (i == 0 or j == size)):
                yield i, j
            n += 1


def ft_ngram_hashes(word, minn, maxn, num_buckets):
    """Bucket of each of fastText's n-grams of ``word``: ``hash % num_buckets`` (gensim's function).

    Examples
    --------
    >>> ft_ngram_hashes("cat", 3, 3, 2000000)
    [916747, 289031, 351106]
    """
    if num_buckets <= 0:
        return []
    return [ft_hash_bytes(g) % num_buckets for g in compute_ngrams_bytes(word, minn, maxn)]


@njit(nogil=True, cache=True)
def _walk(blob, starts, w, min_n, max_n, bucket, base, out, at):
    """Visit fastText's n-grams of word ``w`` (bytes ``blob[starts[w]:starts[w+1]]``, read as
    ``<word>``); with ``out`` non-empty write their rows ``base + hash % bucket`` from ``out[at]``.
    Returns the number of n-grams."""
    lo = starts[w]
    size = starts[w + 1] - lo + 2
    count = 0
    for i in range(size):
        b = 60 if i == 0 else (62 if i == size - 1 else np.int64(blob[lo + i - 1]))
        if (b & 0xC0) == 0x80:
            continue
        h = np.int64(_FNV_OFFSET)
        j = i
        n = 1
        while j < size and n <= max_n:
            # add one character: its first byte, then its continuation bytes
            while True:
                c = 60 if j == 0 else (62 if j == size - 1 else np.int64(blob[lo + j - 1]))
                if c >= 128:
                    c = c | 0xFFFFFF00
                h = ((h ^ c) * _FNV_PRIME) & _MASK32
                j += 1
                if j >= size:
                    break
                nxt = 62 if j == size - 1 else np.int64(blob[lo + j - 1])
                if (nxt & 0xC0) != 0x80:
                    break
            if n >= min_n and not (n == 1 and (i == 0 or j == size)):
                if out.shape[0] > 0:
                    out[at + count] = base + h % bucket
                count += 1
            n += 1
    return count


@njit(nogil=True, cache=True)
def _count_rows(blob, starts, own, plain, min_n, max_n):
    n = starts.shape[0] - 1
    offsets = np.zeros(n + 1, np.int64)
    empty = np.zeros(0, np.int64)
    for w in range(n):
        k = 1 if own[w] >= 0 else 0
        if not plain[w]:
            k += _walk(blob, starts, w, min_n, max_n, 1, 0, empty, 0)
        offsets[w + 1] = offsets[w] + k
    return offsets


@njit(nogil=True, cache=True)
def _fill_rows(blob, starts, own, plain, min_n, max_n, bucket, base, offsets, rows):
    for w in range(starts.shape[0] - 1):
        at = offsets[w]
        if own[w] >= 0:
            rows[at] = own[w]
            at += 1
        if not plain[w]:
            _walk(blob, starts, w, min_n, max_n, bucket, base, rows, at)


def subword_rows(words, min_n, max_n, bucket, nwords=None, own=True):
    """The input rows of each word, fastText's way, as CSR arrays ``(offsets, rows)``.

    Parameters
    ----------
    words : list of str
    min_n, max_n, bucket : int
        n-gram lengths and hash buckets; ``max_n < min_n``, ``max_n == 0`` or ``bucket == 0``
        give no n-grams (plain word2vec).
    nwords : int, optional
        Rows before the buckets (default ``len(words)``): n-gram rows are ``nwords + hash % bucket``.
    own : bool
        True (vocabulary words): word ``i``'s rows start with its own row ``i``; False (words
        outside the vocabulary): n-gram rows only. ``"</s>"`` (fastText's line end) has no n-grams.

    Returns
    -------
    offsets : int64[len(words) + 1]
        Word ``i``'s rows are ``rows[offsets[i]:offsets[i + 1]]``.
    rows : int32[offsets[-1]] (int64 when the rows do not fit int32)

    Examples
    --------
    >>> offsets, rows = subword_rows(["cat", "</s>"], 3, 3, 2000000)
    >>> offsets.tolist(), rows.tolist()
    ([0, 4, 5], [0, 916749, 289033, 351108, 1])
    """
    n = len(words)
    nwords = n if nwords is None else int(nwords)
    encoded = [w.encode("utf-8") for w in words]
    starts = np.zeros(n + 1, np.int64)
    np.cumsum([len(b) for b in encoded], out=starts[1:])
    blob = np.frombuffer(b"".join(encoded), np.uint8) if n else np.zeros(0, np.uint8)
    own_rows = np.arange(n, dtype=np.int64) if own else np.full(n, -1, np.int64)
    no_ngrams = bucket <= 0 or max_n <= 0 or max_n < min_n
    plain = np.fromiter((no_ngrams or w == EOS for w in words), dtype=np.bool_, count=n)
    offsets = _count_rows(blob, starts, own_rows, plain, int(min_n), int(max_n))
    dtype = np.int32 if nwords + max(bucket, 0) < 2 ** 31 else np.int64
    rows = np.empty(int(offsets[-1]), dtype)
    _fill_rows(blob, starts, own_rows, plain, int(min_n), int(max_n), max(int(bucket), 1), nwords,
               offsets, rows)
    return offsets, rows
