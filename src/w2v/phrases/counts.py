"""The count tables of phrase detection: hash tables of word-id grams (bigrams, and longer grams
through connector words) with their counts, over the compiled loops of :mod:`w2v.kernels.phrases`.
"""
import logging

import numpy as np

from ..kernels import phrases as k

logger = logging.getLogger(__name__)


def _table_size(n):
    size = 1 << 12
    while size < 2 * n:
        size *= 2
    return size


class GramTable:
    """A hash table of grams (see :mod:`w2v.kernels.phrases`): slots, long grams' ids, sizes.

    ``slots[i]`` holds a gram's key and value (a count or a phrase index); grams of three words
    or more keep their ids in ``arena``, found through ``aux``.

    Examples
    --------
    >>> import numpy as np
    >>> t = GramTable.of(np.array([3, 4, 4, 5], np.int32), np.array([0, 2, 4]), [7, 9])
    >>> t.n_grams, t.find([3, 4]), t.find([4, 3])
    (2, 7, -1)
    """

    def __init__(self, size=1 << 12, long_grams=True, arena=1 << 12):
        self.slots = np.zeros((size, 2), dtype=np.int64)
        self.aux = np.zeros(size if long_grams else 1, dtype=np.int64)
        self.arena = np.zeros(arena if long_grams else 1, dtype=np.int32)
        self.state = np.zeros(4, dtype=np.int64)   # grams, arena used, distinct unigrams, tokens
        self.long_grams = long_grams

    n_grams = property(lambda self: int(self.state[0]))

    def args(self):
        return self.slots, self.aux, self.arena

    def occupied(self):
        return np.flatnonzero(self.slots[:, 0] != 0)

    def gather(self, which):
        """(flat ids, offsets) of the grams in slots ``which``."""
        offsets = np.zeros(len(which) + 1, dtype=np.int64)
        n = k.gather(*self.args(), which, np.zeros(0, dtype=np.int32), offsets)
        flat = np.zeros(n, dtype=np.int32)
        k.gather(*self.args(), which, flat, offsets)
        return flat, offsets

    def find(self, ids):
        ids = np.asarray(ids, dtype=np.int32)
        return int(k.find(ids, 0, len(ids), *self.args()))

    @classmethod
    def of(cls, flat, offsets, values):
        """A table holding gram ``i`` (``flat[offsets[i]:offsets[i + 1]]``) with ``values[i]``."""
        n = len(offsets) - 1
        long_grams = bool(n and (np.diff(offsets) != 2).any())
        t = cls(_table_size(n), long_grams, max(len(flat) + n, 1))
        k.build_lookup(flat, offsets, np.asarray(values, dtype=np.int64), *t.args(), t.state)
        return t


class GramCounts(GramTable):
    """Unigram counts (one per word id) and the table of candidate grams with their counts.

    Examples
    --------
    >>> import numpy as np
    >>> g = GramCounts(3)
    >>> g.count_pairs(np.array([0, 1, 2, 0, 1], np.int32), np.array([0, 3, 5]), across_lines=False)
    >>> len(g), g.tokens, g.find([0, 1]), g.find([2, 0])
    (5, 5, 2, -1)
    """

    def __init__(self, n_words=0, long_grams=False, expected=0):
        super().__init__(_table_size(expected), long_grams)
        self.uni = np.zeros(max(n_words, 16), dtype=np.int64)
        self.packed = False

    n_unigrams = property(lambda self: int(self.state[2]))
    tokens = property(lambda self: int(self.state[3]))

    def __len__(self):
        return self.n_grams + self.n_unigrams

    def reserve_words(self, n_words):
        if n_words > len(self.uni):
            grown = np.zeros(max(n_words, 2 * len(self.uni)), dtype=np.int64)
            grown[: len(self.uni)] = self.uni
            self.uni = grown

    def find(self, ids):
        self.hashed()
        return super().find(ids)

    def _rebuild(self, size, arena, min_keep):
        new = GramTable(size, self.long_grams, arena)
        k.reinsert(*self.args(), min_keep, *new.args(), new.state)
        self.slots, self.aux, self.arena = new.args()
        self.state[:2] = new.state[:2]

    def grow(self, grams, arena):
        """Make room for ``grams`` more grams and ``arena`` more long-gram ids."""
        self.hashed()
        size = _table_size(self.n_grams + grams)
        used = int(self.state[1])
        if size > len(self.slots) or (self.long_grams and used + arena > len(self.arena)):
            self._rebuild(max(size, len(self.slots)),
                          max(2 * len(self.arena), used + arena) if self.long_grams else 1, 0)

    def prune(self, min_keep):
        """Delete the unigrams and grams counted fewer than ``min_keep`` times; other counts stay."""
        self.hashed()
        before = len(self)
        self.uni[self.uni < min_keep] = 0
        self.state[2] = np.count_nonzero(self.uni)
        self._rebuild(len(self.slots), len(self.arena), min_keep)
        logger.info("pruned words and phrase candidates counted fewer than %d times (%d -> %d)",
                    min_keep, before, len(self))

    def count_pairs(self, ids, offsets, across_lines):
        """Count unigrams and bigrams when pruning cannot be due: the same counts as
        :meth:`count_gensim` without connector words (``across_lines``: as
        :meth:`count_word2phrase`), faster. The bigrams are grouped by first word and counted
        group by group instead of one hash-table visit per token; the table is left packed
        and hashed when first needed. The table must hold no gram yet (count a fresh
        :class:`GramCounts` and :meth:`merge` it)."""
        if self.n_grams:
            raise ValueError("count_pairs counts into an empty table; count a new GramCounts and merge it")
        firsts = np.zeros(len(self.uni) + 1, dtype=np.int64)
        n_pairs = k.count_firsts(ids, offsets, across_lines, self.uni, firsts[1:], self.state)
        starts = np.cumsum(firsts, out=firsts)
        seconds = np.empty(n_pairs, dtype=np.int32)
        k.scatter_seconds(ids, offsets, across_lines, starts[:-1].copy(), seconds)
        mark = np.zeros(len(self.uni), dtype=np.int64)
        scratch = np.empty(len(self.uni), dtype=np.int64)
        # distinct bigrams are a third of all on natural text (en-dict: 31 % within lines, 34 %
        # across): room for half, of which only the rows written become resident; more rarely
        rows = np.empty((n_pairs // 2 + 1, 2), dtype=np.int64)
        a, n = k.distinct_pairs(starts, seconds, 0, mark, scratch, rows, 0)
        while a < len(starts) - 1:
            more = max(len(rows) // 2, int(starts[a + 1] - starts[a]))
            rows.resize((len(rows) + more, 2), refcheck=False)     # (no view of rows exists yet)
            a, n = k.distinct_pairs(starts, seconds, a, mark, scratch, rows, n)
        rows.resize((n, 2), refcheck=False)
        self.slots = rows
        self.state[0] = n
        self.packed = True

    def hashed(self):
        """Turn a packed table (see :meth:`count_pairs`) into the hash table that lookups need."""
        if self.packed:
            self.packed = False
            self._rebuild(_table_size(self.n_grams), len(self.arena), 0)

    def count_gensim(self, ids, offsets, connector, limit, min_reduce):
        """Count as gensim's ``_learn_vocab``; returns the ``min_reduce`` reached."""
        self.hashed()
        s, n_sent = 0, len(offsets) - 1
        while s < n_sent:
            s, status = k.count_gensim(ids, offsets, s, connector, self.uni, *self.args(), self.state, limit,
                                         self.long_grams)
            if status == 1:
                n = int(offsets[s + 1] - offsets[s])
                self.grow(max(n, self.n_grams), 3 * n)
            elif status == 2:
                self.prune(min_reduce)
                min_reduce += 1
        return min_reduce

    def count_word2phrase(self, ids, limit, min_reduce):
        """Count as word2phrase's ``LearnVocabFromTrainFile``; returns the ``min_reduce`` reached."""
        self.hashed()
        i, n = 0, len(ids)
        while i < n:
            i, status = k.count_word2phrase(ids, i, self.uni, *self.args(), self.state, limit)
            if status == 1:
                self.grow(max(1024, self.n_grams), 0)
            elif status == 2:
                self.prune(min_reduce + 1)       # ReduceVocab keeps counts above min_reduce
                min_reduce += 1
        return min_reduce

    def merge(self, other):
        """Add ``other``'s counts (hashed or packed) to these (gensim's ``add_vocab`` merge)."""
        self.hashed()
        self.reserve_words(len(other.uni))
        if other.long_grams and not self.long_grams:
            self.long_grams = True
            self.aux = np.zeros(1, dtype=np.int64)
            self._rebuild(len(self.slots), 1 << 12, 0)
        self.grow(other.n_grams, int(other.state[1]) + other.n_grams)
        k.reinsert(*other.args(), 0, *self.args(), self.state)
        self.uni[: len(other.uni)] += other.uni
        self.state[2] = np.count_nonzero(self.uni)
        self.state[3] += other.state[3]


def checked_grams(arrays, prefix, n_words):
    """(flat ids, offsets, values) of the grams saved as ``{prefix}_ids``, ``{prefix}_offsets`` and
    ``{prefix}_counts`` (``gram``) or ``{prefix}_scores`` in ``arrays``, checked against a word
    list of ``n_words``; IndexError when they do not fit (a damaged file).

    Examples
    --------
    >>> import numpy as np
    >>> arrays = {"phrase_ids": [0, 1], "phrase_offsets": [0, 2], "phrase_scores": [1.5]}
    >>> [a.tolist() for a in checked_grams(arrays, "phrase", 2)]
    [[0, 1], [0, 2], [1.5]]
    """
    flat = np.asarray(arrays[f"{prefix}_ids"], dtype=np.int32)
    offsets = np.asarray(arrays[f"{prefix}_offsets"], dtype=np.int64)
    values = np.asarray(arrays[f"{prefix}_counts" if prefix == "gram" else f"{prefix}_scores"])
    if len(offsets) != len(values) + 1 or offsets[0] != 0 or offsets[-1] != len(flat) \
            or (np.diff(offsets) < 2).any():
        raise IndexError("gram offsets do not cut the gram ids into grams of two words or more")
    if len(flat) and (flat.min() < 0 or flat.max() >= n_words):
        raise IndexError("gram ids outside the word list")
    return flat, offsets, values

