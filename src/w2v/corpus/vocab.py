"""The vocabulary and the tables derived from its counts, as NumPy arrays.

Trimming (min_count, max_final_vocab, trim_rule), subsampling keep probabilities, the
alias table for negative sampling, the Huffman tree for hierarchical softmax, and the
word2vec C tool's vocabulary file.
"""
import logging
import os

import numpy as np

from w2v._atomic import atomic_write

from ..compiler import njit

logger = logging.getLogger(__name__)

RULE_DEFAULT, RULE_DISCARD, RULE_KEEP = 0, 1, 2   # trim_rule results, as in gensim.utils


class EmptyVocabularyError(ValueError, RuntimeError):
    """No word is left to train on (a ValueError, and the RuntimeError gensim raises)."""


def effective_min_count(counts, min_count, max_final_vocab=None):
    """``min_count`` raised, as gensim does, so that at most ``max_final_vocab`` words reach it.

    Examples
    --------
    >>> effective_min_count(np.array([3, 7, 3, 1]), 1, max_final_vocab=2)
    4
    """
    effective = int(min_count)
    if max_final_vocab is not None:
        if int(max_final_vocab) < 1:
            raise ValueError(f"max_final_vocab must be None or >= 1, got {max_final_vocab}")
        if max_final_vocab < len(counts):
            border = np.sort(counts)[::-1][int(max_final_vocab)]
            effective = max(effective, int(border) + 1)
    return effective


def _merge(words, counts):
    """Sum the counts of repeated words, keeping each word at its first position."""
    words = list(words)
    counts = np.asarray(counts)
    if counts.ndim != 1 or len(words) != len(counts):
        raise ValueError(f"got {len(words)} words but {counts.size} counts")
    if counts.size and not np.issubdtype(counts.dtype, np.integer):
        if not np.all(counts == np.floor(counts)):
            raise ValueError("counts must be whole numbers")
    counts = counts.astype(np.int64)
    if counts.size and counts.min() < 0:
        raise ValueError("counts must be >= 0")
    if len(set(words)) == len(words):
        return words, counts
    merged = {}
    for w, c in zip(words, counts.tolist()):
        merged[w] = merged.get(w, 0) + c
    return list(merged), np.fromiter(merged.values(), dtype=np.int64, count=len(merged))


def keep_mask(words, counts, min_count, trim_rule):
    """Which words to keep: ``count >= min_count``, unless ``trim_rule(word, count, min_count)``
    says ``RULE_KEEP`` or ``RULE_DISCARD`` (gensim's rule; ``RULE_DEFAULT`` leaves the count to
    decide).

    Examples
    --------
    >>> keep_mask(["a", "b", "c"], np.array([5, 1, 9]), 2,
    ...           lambda w, c, m: RULE_DISCARD if w == "c" else RULE_DEFAULT).tolist()
    [True, False, False]
    """
    keep = counts >= min_count
    if trim_rule is not None:
        for i, (w, c) in enumerate(zip(words, counts.tolist())):
            rule = trim_rule(w, c, min_count)
            if rule == RULE_KEEP:
                keep[i] = True
            elif rule == RULE_DISCARD:
                keep[i] = False
    return keep


class Vocab:
    """Words with their counts; a word's id is its position in ``words``.

    Parameters
    ----------
    words : list of str
        Distinct words, in id order.
    counts : array-like of int
        Their corpus counts.

    Attributes
    ----------
    words : list of str
    counts : numpy.ndarray of int64
    word_to_index : dict of str to int

    Examples
    --------
    >>> v = Vocab.build(["b", "a", "c", "d"], [5, 9, 5, 1], min_count=2)
    >>> v.words, v.counts.tolist(), len(v), "d" in v, v.total_count
    (['a', 'b', 'c'], [9, 5, 5], 3, False, 19)
    """

    def __init__(self, words, counts):
        self.words = list(words)
        counts = np.asarray(counts)
        if counts.ndim != 1 or len(self.words) != len(counts):
            raise ValueError(f"got {len(self.words)} words but {counts.size} counts")
        self.counts = counts.astype(np.int64)
        if self.counts.size and self.counts.min() < 0:
            raise ValueError("counts must be >= 0")
        self.word_to_index = {w: i for i, w in enumerate(self.words)}
        if len(self.word_to_index) != len(self.words):
            seen = set()
            dup = next(w for w in self.words if w in seen or seen.add(w))
            raise ValueError(f"the word {dup!r} occurs twice")

    @classmethod
    def build(cls, words, counts, min_count=5, max_final_vocab=None, trim_rule=None, sort=True):
        """Keep the frequent words, most frequent first.

        Parameters
        ----------
        words : sequence of str
            Words in order of first appearance (e.g. ``Scan.words``); repeated words have
            their counts summed.
        counts : array-like of int
            Their counts.
        min_count : int
            Drop words occurring fewer times.
        max_final_vocab : int or None
            As in gensim: raise the effective ``min_count`` to one more than the count of
            the ``max_final_vocab + 1``-th most frequent word, so that at most
            ``max_final_vocab`` words remain (ties at the border are all dropped).
        trim_rule : callable or None
            ``trim_rule(word, count, min_count)`` returning ``RULE_KEEP``,
            ``RULE_DISCARD`` or ``RULE_DEFAULT``, as in gensim.
        sort : bool
            Sort by count (gensim's ``sorted_vocab=1``); ``False`` keeps the input order.

        Returns
        -------
        Vocab
            Sorted by count, descending; ties keep the input order (gensim breaks ties
            the other way round, by last appearance).

        Examples
        --------
        >>> Vocab.build(["x", "y", "z"], [3, 7, 3], min_count=1, max_final_vocab=2).words
        ['y']
        >>> Vocab.build(["x"], [3])
        Traceback (most recent call last):
        ...
        w2v.corpus.vocab.EmptyVocabularyError: no word reaches min_count=5 (the most frequent word occurs 3 times); lower min_count
        """
        words, counts = _merge(words, counts)
        if not words or counts.sum() == 0:
            raise EmptyVocabularyError("the corpus is empty")
        effective = effective_min_count(counts, min_count, max_final_vocab)
        keep = np.flatnonzero(keep_mask(words, counts, effective, trim_rule))
        if keep.size == 0:
            raise EmptyVocabularyError(f"no word reaches min_count={effective} (the most frequent word "
                                       f"occurs {int(counts.max())} times); lower min_count")
        order = keep[np.argsort(-counts[keep], kind="stable")] if sort else keep
        vocab = cls([words[i] for i in order.tolist()], counts[order])
        logger.info("kept %d of %d words (min_count=%d): %.1f%% of %d tokens", len(vocab), len(words),
                    effective, 100.0 * vocab.total_count / counts.sum(), int(counts.sum()))
        return vocab

    def __len__(self):
        return len(self.words)

    def __contains__(self, word):
        return word in self.word_to_index

    def __repr__(self):
        return f"Vocab({len(self)} words, {self.total_count} tokens)"

    @property
    def total_count(self):
        """Sum of the counts of the words kept."""
        return int(self.counts.sum())

    def keep_probabilities(self, sample):
        """Probability of keeping each occurrence of a word under frequent-word subsampling.

        With ``t = sample * total_count`` (gensim reads ``sample >= 1`` as an absolute
        count, and so does this), ``p = (sqrt(c / t) + 1) * t / c``, clipped to 1, as in
        the word2vec C tool and gensim.

        Parameters
        ----------
        sample : float
            0 disables subsampling (all ones).

        Returns
        -------
        numpy.ndarray of float32, shape (V,)

        Examples
        --------
        >>> v = Vocab(["the", "cat"], [990, 10])
        >>> [round(float(p), 4) for p in v.keep_probabilities(1e-3)]
        [0.0328, 0.4162]
        >>> v.keep_probabilities(0.0).tolist()
        [1.0, 1.0]
        """
        if sample is None or sample < 0:
            raise ValueError(f"sample must be >= 0, got {sample}")
        c = self.counts.astype(np.float64)
        if sample == 0:
            return np.ones(len(c), dtype=np.float32)
        threshold = sample * c.sum() if sample < 1.0 else sample * (3 + np.sqrt(5)) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            p = (np.sqrt(c / threshold) + 1) * threshold / c
        p[~(c > 0)] = 1.0
        return np.minimum(p, 1.0).astype(np.float32)

    def noise_distribution(self, ns_exponent=0.75):
        """Alias tables (Walker / Vose) to draw negative samples in O(1).

        Words are drawn with probability proportional to ``count ** ns_exponent``
        (words of count 0 never). To draw: ``k = floor(u1 * V)``; the sample is ``k`` if
        ``u2 < prob[k]`` else ``alias[k]``, with ``u1, u2`` uniform in [0, 1).

        Parameters
        ----------
        ns_exponent : float
            0 gives the uniform distribution; negative values favour rare words.

        Returns
        -------
        prob : numpy.ndarray of float32, shape (V,)
        alias : numpy.ndarray of int32, shape (V,)

        Examples
        --------
        >>> prob, alias = Vocab(["a", "b"], [3, 1]).noise_distribution(1.0)
        >>> prob.tolist(), alias.tolist()
        ([1.0, 0.5], [0, 0])
        """
        if len(self) == 0:
            raise ValueError("the vocabulary is empty")
        c = self.counts.astype(np.float64)
        weights = np.zeros_like(c)
        pos = c > 0
        with np.errstate(over="ignore"):      # overflow is reported below, in words
            weights[pos] = c[pos] ** float(ns_exponent)
            total = weights.sum()
        if not np.isfinite(total) or total <= 0:
            raise ValueError(f"cannot build a noise distribution from these counts with ns_exponent={ns_exponent}")
        prob, alias = _vose(weights * (len(c) / total))
        return prob.astype(np.float32), alias

    def huffman(self):
        """The hierarchical-softmax tree, built like the word2vec C tool.

        The words are sorted by count (descending, stable) internally, so a vocabulary
        that is not sorted (after :meth:`grow`) works too. Inner nodes are numbered
        ``0 .. V-2``, the root is ``V-2``.

        Returns
        -------
        codes : numpy.ndarray of uint8, shape (V, L)
            ``codes[w, :lengths[w]]``: branch taken (0/1) at each inner node, root first.
        points : numpy.ndarray of int32, shape (V, L)
            ``points[w, :lengths[w]]``: the inner nodes on the path, root first.
        lengths : numpy.ndarray of int32, shape (V,)
            Code lengths; ``L = lengths.max()``. With a single word there is no inner
            node: its length is 0 (hierarchical softmax needs at least two words).

        Examples
        --------
        >>> codes, points, lengths = Vocab(["a", "b", "c"], [4, 2, 1]).huffman()
        >>> lengths.tolist(), codes.tolist(), points.tolist()
        ([1, 2, 2], [[1, 0], [0, 1], [0, 0]], [[1, 0], [1, 0], [1, 0]])
        """
        if len(self) == 0:
            raise ValueError("the vocabulary is empty")
        order = np.argsort(-self.counts, kind="stable")
        codes_s, points_s, lengths_s = _huffman(self.counts[order])
        codes = np.empty_like(codes_s)
        points = np.empty_like(points_s)
        lengths = np.empty_like(lengths_s)
        codes[order], points[order], lengths[order] = codes_s, points_s, lengths_s
        return codes, points, lengths

    def save_c(self, path):
        """Write the C tool's vocabulary file: ``word count`` per line, UTF-8, atomically.

        Examples
        --------
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "vocab.txt")
        >>> Vocab(["a", "b"], [3, 1]).save_c(p)
        >>> open(p).read()
        'a 3\\nb 1\\n'
        >>> Vocab.load_c(p).words
        ['a', 'b']
        """
        for w in self.words:
            if not w or any(ch.isspace() for ch in w):
                raise ValueError(f"the word {w!r} cannot be written in the C vocabulary format "
                                 "(empty or containing whitespace)")
        with atomic_write(path, "w") as f:
            f.writelines(f"{w} {c}\n" for w, c in zip(self.words, self.counts.tolist()))

    @classmethod
    def load_c(cls, path):
        """Read a vocabulary written by :meth:`save_c` or the C tool's ``-save-vocab``.

        Words keep the file's order. Errors raise ``ValueError`` naming the file and line.
        """
        name = os.fspath(path)
        words, counts, seen = [], [], set()
        with open(path, "rb") as f:
            for lineno, raw in enumerate(f, 1):
                if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    line = raw.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError as exc:
                    raise ValueError(f"{name}: line {lineno}: invalid utf-8 byte 0x{raw[exc.start]:02x}") from None
                parts = line.split()
                if len(parts) != 2:
                    raise ValueError(f"{name}: line {lineno}: expected 'word count', got {line!r}")
                word, count = parts
                try:
                    count = int(count)
                except ValueError:
                    raise ValueError(f"{name}: line {lineno}: the count {count!r} is not a whole number") from None
                if count < 0:
                    raise ValueError(f"{name}: line {lineno}: negative count {count}")
                if word in seen:
                    raise ValueError(f"{name}: line {lineno}: the word {word!r} occurs twice")
                seen.add(word)
                words.append(word)
                counts.append(count)
        return cls(words, np.array(counts, dtype=np.int64))

    def grow(self, words, counts, min_count=5, trim_rule=None):
        """Add the counts of a new corpus, for ``build_vocab(update=True)``.

        Known words keep their ids and get all their new occurrences added (gensim adds
        them only when they reach ``min_count`` in the new corpus); new words reaching
        ``min_count`` are appended, most frequent first. The result is no longer sorted
        by count; :meth:`huffman` sorts by itself.

        Parameters
        ----------
        words, counts
            The new corpus's counts (e.g. ``Scan.words``, ``Scan.counts``).
        min_count : int
            Threshold for new words.
        trim_rule : callable or None
            As for :meth:`build`, applied to new words.

        Returns
        -------
        vocab : Vocab
            A new vocabulary; this one is unchanged.
        new_indices : numpy.ndarray of int64
            Ids of the added words (``len(self) .. len(vocab) - 1``).

        Examples
        --------
        >>> v, new = Vocab(["a", "b"], [5, 3]).grow(["c", "b", "d"], [9, 1, 1], min_count=2)
        >>> v.words, v.counts.tolist(), new.tolist()
        (['a', 'b', 'c'], [5, 4, 9], [2])
        """
        words, counts = _merge(words, counts)
        old = self.counts.copy()
        known = np.fromiter((self.word_to_index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        is_known = known >= 0
        np.add.at(old, known[is_known], counts[is_known])
        fresh = np.flatnonzero(~is_known)
        keep = keep_mask([words[i] for i in fresh.tolist()], counts[fresh], int(min_count), trim_rule)
        fresh = fresh[keep]
        fresh = fresh[np.argsort(-counts[fresh], kind="stable")]
        vocab = Vocab(self.words + [words[i] for i in fresh.tolist()], np.concatenate([old, counts[fresh]]))
        logger.info("vocabulary grown from %d to %d words", len(self), len(vocab))
        return vocab, np.arange(len(self), len(vocab), dtype=np.int64)


@njit(cache=True)
def _vose(scaled):
    """Vose's alias method on probabilities scaled to mean 1 (float64); returns (prob, alias)."""
    n = scaled.shape[0]
    p = scaled.copy()
    prob = np.ones(n, dtype=np.float64)
    alias = np.arange(n).astype(np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    ns = 0
    nl = 0
    for i in range(n):
        if p[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        g = large[nl - 1]
        prob[s] = p[s]
        alias[s] = g
        p[g] = (p[g] + p[s]) - 1.0
        if p[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    # What remains has probability 1 up to rounding: prob and alias keep their defaults.
    return prob, alias


@njit(cache=True)
def _huffman(counts):
    """Two-queue Huffman construction (as in the C tool) on counts sorted in descending order.

    On equal counts a leaf is merged before an inner node; the C tool takes the inner node
    (gensim's heap compares counts only, so its ties fall by heap position). Both trees are
    optimal; docs/speed.md ("Where w2v follows gensim rather than the C tool") measures why w2v
    takes the leaf first.
    """
    v = counts.shape[0]
    count = np.full(2 * v, np.iinfo(np.int64).max // 4, dtype=np.int64)
    for w in range(v):     # not count[:v] = counts: Numba compiles its shape-mismatch message (1.3 s)
        count[w] = counts[w]
    parent = np.zeros(2 * v, dtype=np.int64)
    binary = np.zeros(2 * v, dtype=np.uint8)
    pos1 = v - 1
    pos2 = v
    for a in range(v - 1):
        if pos1 >= 0 and count[pos1] <= count[pos2]:
            min1 = pos1
            pos1 -= 1
        else:
            min1 = pos2
            pos2 += 1
        if pos1 >= 0 and count[pos1] <= count[pos2]:
            min2 = pos1
            pos1 -= 1
        else:
            min2 = pos2
            pos2 += 1
        count[v + a] = count[min1] + count[min2]
        parent[min1] = v + a
        parent[min2] = v + a
        binary[min2] = 1
    root = 2 * v - 2
    lengths = np.zeros(v, dtype=np.int32)
    for w in range(v):
        b = w
        while b != root:
            lengths[w] += 1
            b = parent[b]
    depth = lengths.max() if v > 0 else 0
    codes = np.zeros((v, depth), dtype=np.uint8)
    points = np.zeros((v, depth), dtype=np.int32)
    for w in range(v):
        b = w
        i = lengths[w] - 1
        while b != root:
            codes[w, i] = binary[b]
            points[w, i] = parent[b] - v
            b = parent[b]
            i -= 1
    return codes, points, lengths
