"""FastTextKeyedVectors: word vectors that are means of a word row and character n-gram rows, so
any word, seen in training or not, has a vector (gensim's class, fastText's arithmetic).

The rows live in one matrix, ``vectors_all`` (fastText's input matrix: the vocabulary's rows,
then ``bucket`` n-gram rows); ``vectors_vocab`` and ``vectors_ngrams`` are views of it. ``vectors``
holds each vocabulary word's mean, for queries; :meth:`adjust_vectors` recomputes it.
"""
import logging

import numpy as np
from numba import prange

from ..compiler import njit
from ..vectors import native
from ..vectors.ngrams import ft_ngram_hashes, subword_rows
from .keyedvectors import KeyedVectors

__all__ = ["FastTextKeyedVectors", "mean_row", "mean_rows", "uniform_rows"]

logger = logging.getLogger(__name__)


@njit(nogil=True, cache=True)
def mean_row(weights, rows, a, b, out):
    """``out[:] = mean of weights[rows[a:b]]`` (zeros when a == b), summed in float32 in fastText's
    order (its ``Vector::addRow``)."""
    for j in range(out.shape[0]):
        out[j] = 0.0
    for k in range(a, b):
        row = weights[rows[k]]
        for j in range(out.shape[0]):
            out[j] += row[j]
    if b - a > 0:
        scale = np.float32(1.0) / np.float32(b - a)
        for j in range(out.shape[0]):
            out[j] *= scale


@njit(nogil=True, cache=True)
def mean_rows(weights, offsets, rows, out):
    """``out[i] = mean of weights[rows[offsets[i]:offsets[i+1]]]`` (:func:`mean_row`) for every
    word i. Serial: loading a model calls it, possibly from several threads at once, which
    Numba's fallback threading layer (workqueue) does not survive for a parallel function.

    Shapes: weights ``[R, D]``, offsets int64 ``[N + 1]``, rows int ``[offsets[-1]]``, out ``[N, D]``
    (mutated).
    """
    for i in range(offsets.shape[0] - 1):
        mean_row(weights, rows, offsets[i], offsets[i + 1], out[i])


@njit(nogil=True, cache=True, parallel=True)
def uniform_rows(matrix, start, seed):
    """Fill ``matrix[start:]`` (float32 ``[R, D]``, mutated) uniform in [-1/D, 1/D), fastText's and
    gensim's range, in one pass on all cores. Value (r, j) is the top 24 bits of splitmix64's
    finaliser applied to a counter made of (seed, r, j): no value depends on another, so the
    values do not depend on the number of threads and the loop has no chain from one value to
    the next (a sequential generator per row took three times as long)."""
    rows, dim = matrix.shape
    scale = np.float32(2.0 / dim)
    low = np.float32(1.0 / dim)
    key = np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
    for r in prange(start, rows):
        base = key ^ (np.uint64(r) * np.uint64(0xD1B54A32D192ED03))
        for j in range(dim):
            z = base + np.uint64(j + 1) * np.uint64(0x9E3779B97F4A7C15)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z ^= z >> np.uint64(31)
            u = np.float32(np.float64(z >> np.uint64(40)) * (1.0 / 16777216.0))
            matrix[r, j] = u * scale - low


class FastTextKeyedVectors(KeyedVectors):
    """Vectors of a FastText model (gensim's signature ``(vector_size, min_n, max_n, bucket,
    count=0, dtype)``): ``kv[word]`` for any word, ``word in kv`` for any word with an n-gram (or in
    the vocabulary), :meth:`has_index_for` for the vocabulary.

    A word outside the vocabulary gets the mean of its n-gram rows (zeros if it has none, as
    fastText and gensim give); :meth:`most_similar`, :meth:`similarity`, analogies and evaluation
    accept such words and search the vocabulary.

    Examples
    --------
    >>> kv = FastTextKeyedVectors.from_rows(["cat", "dog"], np.ones((2 + 10, 4), np.float32), 3, 4, 10)
    >>> kv.has_index_for("cats"), "cats" in kv, kv["cats"].tolist()
    (False, True, [1.0, 1.0, 1.0, 1.0])
    """

    def __init__(self, vector_size, min_n, max_n, bucket, count=0, dtype=np.float32):
        super().__init__(vector_size=vector_size, count=count, dtype=dtype)
        check_ngram_settings(min_n, max_n, bucket)
        self.min_n, self.max_n, self.bucket = int(min_n), int(max_n), int(bucket)
        self.vectors_all = np.zeros((count + self.bucket, vector_size), np.float32) if count else None
        self.compatible_hash = True            # gensim's flag: w2v hashes as fastText does
        self.vectors_vocab_lockf = np.ones(1, np.float32)
        self.vectors_ngrams_lockf = np.ones(1, np.float32)
        self.subword_offsets = self.subword_rows = None

    @classmethod
    def from_rows(cls, words, vectors_all, min_n, max_n, bucket, counts=None, subwords=None):
        """Vectors over fastText's input matrix ``vectors_all`` ``[len(words) + bucket, D]`` (kept,
        not copied); ``subwords`` is ``(offsets, rows)`` of :func:`w2v.vectors.ngrams.subword_rows`
        when already known (computed otherwise)."""
        words = list(words)
        kv = cls(vectors_all.shape[1], min_n, max_n, bucket)
        KeyedVectors.__init__(kv, words, np.zeros((len(words), vectors_all.shape[1]), np.float32), counts)
        if vectors_all.shape[0] != len(words) + kv.bucket:
            raise ValueError(f"vectors_all has {vectors_all.shape[0]} rows, expected {len(words)} words "
                             f"+ {kv.bucket} buckets")
        kv.vectors_all = vectors_all
        if subwords is None:
            kv.recalc_char_ngram_buckets()
        else:
            kv.subword_offsets, kv.subword_rows = subwords
        kv.adjust_vectors()
        return kv

    # ---- the matrices ---------------------------------------------------------------------
    @property
    def vectors_vocab(self):
        """The vocabulary's own rows ``[V, D]`` (a view of ``vectors_all``)."""
        if self.vectors_all is None:
            return np.zeros((len(self), self.vector_size), np.float32)
        return self.vectors_all[:len(self.index_to_key)]

    @vectors_vocab.setter
    def vectors_vocab(self, value):
        self._set_rows(np.asarray(value, np.float32), self.vectors_ngrams)

    @property
    def vectors_ngrams(self):
        """The ``bucket`` n-gram rows ``[bucket, D]`` (a view of ``vectors_all``); None before training."""
        if self.vectors_all is None:
            return None
        return self.vectors_all[len(self.index_to_key):]

    @vectors_ngrams.setter
    def vectors_ngrams(self, value):
        self._set_rows(self.vectors_vocab, np.asarray(value, np.float32))

    def _set_rows(self, vocab, ngrams):
        if ngrams is None:
            ngrams = np.zeros((self.bucket, vocab.shape[1]), np.float32)
        self.vectors_all = np.ascontiguousarray(np.vstack([vocab, ngrams]), dtype=np.float32)

    @property
    def buckets_word(self):
        """gensim's per-word arrays of n-gram buckets (``hash % bucket``), vocabulary order."""
        if self.subword_offsets is None:
            return None
        n = len(self.index_to_key)
        cuts = self.subword_offsets.tolist()
        return [(self.subword_rows[a + 1:b] - n).astype(np.uint32) for a, b in zip(cuts, cuts[1:])]

    def recalc_char_ngram_buckets(self):
        """Compute every vocabulary word's rows (its own, then its n-grams'), gensim's name."""
        self.subword_offsets, self.subword_rows = subword_rows(
            self.index_to_key, self.min_n, self.max_n, self.bucket)

    def adjust_vectors(self):
        """Recompute ``vectors``: each vocabulary word's mean of its own row and its n-gram rows."""
        if self.vectors_all is None:
            return
        if self.subword_offsets is None or len(self.subword_offsets) != len(self.index_to_key) + 1:
            self.recalc_char_ngram_buckets()
        out = np.empty((len(self.index_to_key), self.vector_size), np.float32)
        mean_rows(self.vectors_all, self.subword_offsets, self.subword_rows, out)
        self.vectors = out

    def resize_vectors(self, seed=0):
        """Make ``vectors_all`` fit the vocabulary (new word rows random, gensim's scheme:
        uniform in +-1/(2D)); the n-gram rows are kept, or created when there were none."""
        n, dim = len(self.index_to_key), self.vector_size
        rng = np.random.default_rng(seed)
        old = self.vectors_all
        old_n = 0 if old is None else old.shape[0] - self.bucket
        grow = rng.uniform(-0.5 / dim, 0.5 / dim, (n - old_n, dim)).astype(np.float32)
        ngrams = (rng.uniform(-0.5 / dim, 0.5 / dim, (self.bucket, dim)).astype(np.float32)
                  if old is None else old[old_n:])
        vocab = grow if old is None else np.vstack([old[:old_n], grow])
        self.vectors_all = np.ascontiguousarray(np.vstack([vocab, ngrams]), np.float32)
        self._resize_vecattrs(n)
        self.recalc_char_ngram_buckets()
        self.adjust_vectors()

    # ---- lookup ---------------------------------------------------------------------------
    def __contains__(self, word):
        """True for a vocabulary word and for any word with at least one n-gram."""
        if word in self.key_to_index:
            return True
        return isinstance(word, str) and self.bucket > 0 and bool(self.ngram_rows(word).size)

    def ngram_rows(self, word):
        """Rows of ``vectors_all`` holding ``word``'s n-grams (fastText's ``getSubwords`` of an unknown word)."""
        if self.bucket <= 0 or self.vectors_all is None:
            return np.zeros(0, np.int64)
        _, rows = subword_rows([word], self.min_n, self.max_n, self.bucket, nwords=len(self.index_to_key),
                               own=False)
        return rows

    def get_vector(self, word, norm=False):
        """The vector of any word: its row of ``vectors`` in the vocabulary, else the mean of its
        n-gram rows (zeros when it has none); KeyError without n-grams (``bucket=0``)."""
        if word in self.key_to_index or not isinstance(word, str):
            return super().get_vector(word, norm=norm)
        if self.bucket == 0 or self.vectors_all is None:
            raise KeyError(f"{word!r} is not in the vocabulary, and without n-grams (bucket=0) "
                           "it has no vector")
        rows = self.ngram_rows(word)
        vector = np.zeros(self.vector_size, np.float32)
        if not rows.size:
            logger.warning("could not extract any n-grams from %r, returning the origin vector", word)
            return vector
        mean_row(self.vectors_all, rows, 0, rows.size, vector)
        if norm:
            length = np.linalg.norm(vector)
            return vector / length if length else vector
        return vector

    word_vec = get_vector

    def __getitem__(self, key_or_keys):
        if isinstance(key_or_keys, str) or not hasattr(key_or_keys, "__iter__"):
            return self.get_vector(key_or_keys)
        return np.vstack([self.get_vector(k) for k in key_or_keys]) if len(key_or_keys) else \
            np.zeros((0, self.vector_size), np.float32)

    def get_sentence_vector(self, sentence):
        """Mean of the unit vectors of ``sentence``'s words (gensim's, = ``get_mean_vector``)."""
        return self.get_mean_vector(sentence)

    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        """A plain :class:`KeyedVectors` of ``keys`` (unique, in order): vocabulary words' vectors
        and, with ``allow_inference``, the n-gram vectors of the others (gensim's)."""
        keys = list(dict.fromkeys(keys))
        if not allow_inference:
            keys = [k for k in keys if k in self.key_to_index]
        keys = [k for k in keys if k in self]
        vectors = (np.vstack([self.get_vector(k) for k in keys]) if keys
                   else np.zeros((0, self.vector_size), np.float32))
        counts = None
        if copy_vecattrs:
            counts = [self.counts[self.key_to_index[k]] if k in self.key_to_index else 0 for k in keys]
        return KeyedVectors(keys, vectors, counts)

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Add words with given vectors (gensim's): their own rows are set so that their mean
        vectors equal ``weights`` is not attempted; the rows and ``vectors`` take ``weights``."""
        before = len(self)
        super().add_vectors(keys, weights, extras=extras, replace=replace)
        added = len(self) - before
        if self.vectors_all is not None and added:
            new = self.vectors[before:]
            self.vectors_all = np.ascontiguousarray(np.vstack(
                [self.vectors_all[:before], new, self.vectors_all[before:]]), np.float32)
            self.recalc_char_ngram_buckets()

    def with_unseen(self, words, restrict_vocab=None, lower=False):
        """A plain :class:`KeyedVectors`: the first ``restrict_vocab`` vocabulary words (all when
        None), then those of ``words`` outside them that have an n-gram, with their n-gram vectors
        (of the lower-cased word when ``lower``) and count 0. Returns ``(vectors, added words)``."""
        end = len(self) if restrict_vocab is None else min(restrict_vocab, len(self))
        known = set(self.index_to_key[:end])
        if lower:
            known |= {w.lower() for w in known}
        added = sorted(w for w in set(words) if w not in known and (w.lower() if lower else w) not in known
                       and (w.lower() if lower else w) in self)
        vectors = [self.get_vector(w.lower() if lower else w) for w in added]
        matrix = np.vstack([self.vectors[:end]] + ([np.vstack(vectors)] if vectors else []))
        return KeyedVectors(self.index_to_key[:end] + added, matrix,
                            np.concatenate([self.counts[:end], np.zeros(len(added), np.int64)])), added

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar", method=None,
                                unseen=False):
        """gensim's evaluation; with ``unseen=True`` (w2v's) a question whose first three words are
        outside the vocabulary is answered from their n-gram vectors (the answer is still searched
        among the vocabulary's first ``restrict_vocab`` words)."""
        if not unseen:
            return super().evaluate_word_analogies(analogies, restrict_vocab, case_insensitive,
                                                   dummy4unknown, similarity_function, method)
        from ..evaluation.evaluate import dataset_words
        asked, answers = dataset_words(analogies)
        kv, _ = self.with_unseen(asked - answers, restrict_vocab, lower=case_insensitive)
        return kv.evaluate_word_analogies(analogies, None, case_insensitive, dummy4unknown,
                                          similarity_function, method)

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False, unseen=False):
        """gensim's evaluation; with ``unseen=True`` (w2v's) pairs with words outside the
        vocabulary are scored with their n-gram vectors."""
        if not unseen:
            return super().evaluate_word_pairs(pairs, delimiter, encoding, restrict_vocab,
                                               case_insensitive, dummy4unknown)
        from ..evaluation.evaluate import dataset_words
        asked, _ = dataset_words(pairs, analogies=False, delimiter=delimiter)
        kv, _ = self.with_unseen(asked, restrict_vocab, lower=case_insensitive)
        return kv.evaluate_word_pairs(pairs, delimiter, encoding, None, case_insensitive, dummy4unknown)

    def __repr__(self):
        return (f"<FastTextKeyedVectors: {len(self)} words, {self.vector_size} dimensions, "
                f"n-grams {self.min_n}-{self.max_n} in {self.bucket} buckets>")

    # ---- native files ---------------------------------------------------------------------
    def save(self, fname_or_handle, *args, **kwargs):
        """Write the native format: words, counts, the n-gram settings, ``vectors_all``, the word
        vectors and their rows, so that :meth:`load` with ``mmap="r"`` maps everything."""
        native.save_native(fname_or_handle, "fasttextvectors", *self.archive())

    def archive(self):
        """``(meta, arrays)`` of the native file (a FastText model's archive extends them)."""
        blob, offsets = native.encode_words(self.index_to_key)
        meta = {"min_n": self.min_n, "max_n": self.max_n, "bucket": self.bucket,
                "vector_size": self.vector_size, "words": len(self)}
        arrays = {"words_blob": blob, "words_offsets": offsets, "counts": self.counts,
                  "vectors": self.vectors, "norms": np.asarray(self.norms, np.float32),
                  "vectors_all": self.vectors_all, "subword_offsets": self.subword_offsets,
                  "subword_rows": self.subword_rows}
        return meta, arrays

    @classmethod
    def load(cls, fname, mmap=None):
        """Read :meth:`save`'s file; ``mmap="r"`` maps the matrices (opening costs the word list)."""
        meta, arrays = native.load_native(fname, mmap=mmap)
        kind = native.stored_kind(fname)
        if kind not in ("fasttextvectors", "fasttext"):
            raise native.WrongKindError(f"{fname}: holds a {kind!r}, not FastText vectors or a FastText model")
        return cls.from_archive(fname, meta, arrays, mmap)

    @classmethod
    def from_archive(cls, path, meta, arrays, mmap=None):
        """Rebuild from native ``(meta, arrays)``; every inconsistency is a ValueError naming ``path``."""
        try:
            words = native.decode_words(arrays["words_blob"], arrays["words_offsets"])
            vectors_all = arrays["vectors_all"]
            if not mmap:
                vectors_all = np.ascontiguousarray(vectors_all, np.float32)
            offsets = np.asarray(arrays["subword_offsets"], np.int64)
            rows = np.asarray(arrays["subword_rows"])
            n = len(words)
            if (vectors_all.ndim != 2 or offsets.shape != (n + 1,) or offsets[0] != 0 or
                    offsets[-1] != len(rows) or (np.diff(offsets) < 1).any() or
                    (len(rows) and not 0 <= rows.min() <= rows.max() < len(vectors_all))):
                raise ValueError("the subword rows do not fit the vocabulary and matrix")
            kv = cls.from_rows(words, vectors_all, meta["min_n"], meta["max_n"], meta["bucket"],
                               counts=arrays["counts"], subwords=(offsets, rows))
        except KeyError as e:
            raise ValueError(f"{path}: incomplete FastText vectors file (no {e})") from None
        except (TypeError, ValueError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: {e}") from None
        return kv


def check_ngram_settings(min_n, max_n, bucket):
    """ValueError for n-gram settings fastText cannot use (negative, or min_n > max_n with n-grams)."""
    for name, value in (("min_n", min_n), ("max_n", max_n), ("bucket", bucket)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    if max_n > 0 and bucket > 0 and min_n > max_n:
        raise ValueError(f"min_n ({min_n}) must be <= max_n ({max_n}); max_n=0 or bucket=0 turns "
                         "n-grams off")


# gensim's helper, importable from the same place as there
__all__ += ["ft_ngram_hashes"]
