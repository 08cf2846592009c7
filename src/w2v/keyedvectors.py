"""KeyedVectors: look up trained word vectors and query them (similarity, analogies), gensim-style.

It knows nothing of training; file formats live in :mod:`w2v.formats` and :mod:`w2v.native`.
"""
import difflib
from numbers import Integral

import numpy as np

from . import extensions, formats, native

__all__ = ["KeyedVectors", "load_any"]

_BATCH_CELLS = 1 << 25      # similarity cells computed per matrix product in batched queries (128 MB)
_COSMUL_EPS = 0.000001      # gensim's epsilon in the 3CosMul denominator


class UnknownKeyError(KeyError):
    """A word that is not in the vocabulary; the message suggests close spellings.

    The suggestion is computed only when the message is read, so code that catches many
    misses (``try: kv[w] except KeyError``) does not pay for it.
    """

    def __init__(self, key, kv):
        super().__init__(key)
        self.key = key
        self._kv = kv
        self._message = None

    @property
    def args(self):
        return (str(self),)

    @args.setter
    def args(self, value):
        self._message = str(value[0]) if value else ""

    def __str__(self):
        if self._message is None:
            close = self._kv._suggest(self.key)
            hint = f"; did you mean {', '.join(repr(w) for w in close)}?" if close else ""
            self._message = f"{self.key!r} is not in the vocabulary{hint}"
        return self._message

    def __reduce__(self):
        return KeyError, (str(self),)


class KeyedVectors:
    """Words and their vectors, with gensim's lookup and similarity API.

    Parameters
    ----------
    index_to_key : list of str
        The words, row order of ``vectors`` (usually most frequent first).
    vectors : numpy.ndarray
        Shape ``(len(index_to_key), D)``. A float32 C-contiguous array is kept as is (not copied),
        so a trainer can update it in place and call :meth:`clear_norms`.
    counts : numpy.ndarray, optional
        int64 corpus counts per word; zeros when unknown.

    Examples
    --------
    >>> import numpy as np
    >>> kv = KeyedVectors(["king", "queen", "apple"],
    ...                   np.array([[1, 0.9, 0], [0.9, 1, 0.1], [0, 0.1, 1]], dtype=np.float32))
    >>> len(kv), kv.vector_size, "queen" in kv
    (3, 3, True)
    >>> [(w, round(s, 3)) for w, s in kv.most_similar("king", topn=2)]
    [('queen', 0.992), ('apple', 0.067)]
    """

    def __init__(self, index_to_key, vectors, counts=None):
        self.index_to_key = index_to_key if isinstance(index_to_key, list) else list(index_to_key)
        self.key_to_index = dict(zip(self.index_to_key, range(len(self.index_to_key))))
        if len(self.key_to_index) != len(self.index_to_key):
            raise ValueError(f"duplicate word in index_to_key: {_first_duplicate(self.index_to_key)!r}")
        self._vectors = None
        self.vectors = vectors
        if counts is None:
            counts = np.zeros(len(self.index_to_key), dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (len(self.index_to_key),):
            raise ValueError(f"counts has shape {counts.shape}, expected ({len(self.index_to_key)},)")
        self.counts = counts
        self._by_prefix = None

    # ---- lookup ---------------------------------------------------------------------------

    @property
    def vectors(self):
        """float32 array ``[V, D]``; assigning a new array clears the cached norms."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        value = np.ascontiguousarray(value, dtype=np.float32)
        if value.ndim != 2 or value.shape[0] != len(self.index_to_key):
            raise ValueError(f"vectors must have shape ({len(self.index_to_key)}, D), got {value.shape}")
        self._vectors = value
        self.clear_norms()

    def clear_norms(self):
        """Forget cached norms; call after changing ``vectors`` in place."""
        self._norms = None
        self._centre = None

    @property
    def vector_size(self):
        """Dimensions of each vector."""
        return self._vectors.shape[1]

    @property
    def norms(self):
        """Euclidean length of each vector (computed once, cached); a zero vector gets length 1."""
        if self._norms is None:
            norms = np.linalg.norm(self._vectors, axis=1)
            norms[norms == 0] = 1.0
            self._norms = norms
        return self._norms

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return key in self.key_to_index

    def __iter__(self):
        return iter(self.index_to_key)

    def __repr__(self):
        return f"<KeyedVectors: {len(self)} words, {self.vector_size} dimensions>"

    def has_index_for(self, key):
        """True when ``key`` is in the vocabulary (gensim's name for ``key in kv``)."""
        return key in self.key_to_index

    def get_index(self, key, default=None):
        """Row of ``key`` in ``vectors``; ``default`` (if given) or KeyError when it is unknown.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
        >>> kv.get_index("b"), kv.get_index("zz", -1)
        (1, -1)
        """
        index = self.key_to_index.get(key)
        if index is not None:
            return index
        if isinstance(key, Integral) and not isinstance(key, bool) and 0 <= key < len(self):
            return int(key)
        if default is not None:
            return default
        raise UnknownKeyError(key, self)

    def get_vector(self, key, norm=False):
        """The vector of ``key`` (read-only view), unit length when ``norm``.

        Examples
        --------
        >>> kv = KeyedVectors(["a"], np.array([[3.0, 4.0]], dtype=np.float32))
        >>> kv.get_vector("a", norm=True)
        array([0.6, 0.8], dtype=float32)
        """
        index = self.get_index(key)
        vector = self._vectors[index] / self.norms[index] if norm else self._vectors[index]
        vector.setflags(write=False)
        return vector

    def __getitem__(self, key_or_keys):
        if isinstance(key_or_keys, (str, Integral)):
            return self.get_vector(key_or_keys)
        return self._vectors[[self.get_index(k) for k in key_or_keys]]

    def get_vecattr(self, key, attr):
        """Per-word attribute; only ``"count"`` is stored.

        A word2vec file holds no counts: vectors read from one get gensim's made-up counts,
        ``len(kv)`` for the first word down to 1 for the last (see :meth:`load_word2vec_format`).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[7, 2])
        >>> kv.get_vecattr("b", "count")
        2
        """
        if attr != "count":
            raise KeyError(f"no per-word attribute {attr!r}; only 'count' is stored")
        return int(self.counts[self.get_index(key)])

    def get_normed_vectors(self):
        """A new ``[V, D]`` array of the unit-length vectors."""
        return self._vectors / self.norms[:, None]

    def _suggest(self, word, n=3):
        """Close in-vocabulary spellings of ``word``, cheap on a million words.

        Candidates share the first letter (or the first two) and have a length within 2; each
        such group is capped at its 1,000 most frequent (first) words, then ranked by difflib.
        """
        if not isinstance(word, str) or not word:
            return []
        exact = [w for w in dict.fromkeys((word.lower(), word.capitalize(), word.upper())) if w in self]
        if self._by_prefix is None:
            groups = {}
            for w in self.index_to_key:
                groups.setdefault((w[:1].lower(), len(w)), []).append(w)
                if len(w) > 1:
                    groups.setdefault((w[:2].lower(), len(w)), []).append(w)
            self._by_prefix = groups
        pool = {w: None for prefix in {word[:1].lower(), word[:2].lower()}
                for length in range(len(word) - 2, len(word) + 3)
                for w in self._by_prefix.get((prefix, length), ())[:1000]}
        close = difflib.get_close_matches(word, pool, n=n, cutoff=0.7)
        return list(dict.fromkeys(exact + close))[:n]

    # ---- similarity queries -----------------------------------------------------------------

    def _unit(self, key, center=False):
        """Unit vector of a word, in mean-centred space when ``center``; a given vector as is (gensim)."""
        if isinstance(key, np.ndarray):
            return np.asarray(key, dtype=np.float32) - (self._centering()[0] if center else 0)
        index = self.get_index(key)
        if center:
            mean, centred_norms = self._centering()
            return (self._vectors[index] - mean) / centred_norms[index]
        return self._vectors[index] / self.norms[index]

    def _centering(self):
        """Mean vector and the lengths of the mean-centred vectors (cached)."""
        if self._centre is None:
            mean = self._vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
            lengths = np.empty(len(self), dtype=np.float32)
            step = 1 << 16                 # rows centred at a time, to bound the temporary copy
            for start in range(0, len(self), step):
                lengths[start:start + step] = np.linalg.norm(self._vectors[start:start + step] - mean, axis=1)
            lengths[lengths == 0] = 1.0
            self._centre = (mean, lengths)
        return self._centre

    def _cosines(self, unit_query, end, center=False):
        """Cosine of one unit query vector with rows ``[:end]``."""
        dots = self._vectors[:end] @ unit_query
        if center:
            mean, centred_norms = self._centering()
            return (dots - mean @ unit_query) / centred_norms[:end]
        return dots / self.norms[:end]

    def _weighted(self, positive, negative):
        """gensim's ``[(key, weight)]`` from positive/negative lists of keys, vectors or pairs."""
        terms = []
        for items, sign in ((_as_list(positive), 1.0), (_as_list(negative), -1.0)):
            for item in items:
                if isinstance(item, tuple):
                    terms.append((item[0], float(item[1])))
                else:
                    terms.append((item, sign))
        if not terms:
            raise ValueError("cannot compute similarity with no input")
        return terms

    def _query_indices(self, keys):
        return {self.key_to_index[k] for k in keys if isinstance(k, str) and k in self.key_to_index}

    def most_similar(self, positive=None, negative=None, topn=10, restrict_vocab=None, indexer=None):
        """Words closest (cosine) to the mean of the unit ``positive`` minus ``negative`` vectors.

        With several words this is 3CosAdd; the input words are left out of the answer, as in
        gensim.

        Parameters
        ----------
        positive, negative : str, ndarray, or list of str / ndarray / (key, weight)
            Words (or vectors) pulled towards and pushed away from.
        topn : int or None
            How many answers; ``None`` returns the similarity of every word as an array.
        restrict_vocab : int, optional
            Search only the first this many words.
        indexer : object, optional
            An approximate index (:meth:`build_index`, or gensim's ``AnnoyIndexer`` protocol): the
            answer is ``indexer.most_similar(unit_query, topn)``, which, as in gensim, does not leave
            out the input words and ignores ``restrict_vocab``.

        Returns
        -------
        list of (str, float), or numpy.ndarray when ``topn`` is None

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> [(w, round(s, 4)) for w, s in kv.most_similar("a", topn=1)]
        [('b', 0.995)]
        """
        return self._most_similar(positive, negative, topn, restrict_vocab, center=False, indexer=indexer)

    def _most_similar(self, positive, negative, topn, restrict_vocab, center, indexer=None):
        if isinstance(topn, Integral) and topn < 1:
            return []
        terms = self._weighted(positive, negative)
        mean = np.zeros(self.vector_size, dtype=np.float64)
        for key, weight in terms:
            mean += weight * self._unit(key, center)
        total = sum(abs(w) for _, w in terms)
        mean = mean / total if total > 0 else mean
        length = np.linalg.norm(mean)
        query = (mean / length if length else mean).astype(np.float32)
        if indexer is not None and isinstance(topn, Integral):
            return indexer.most_similar(query, topn)
        end = self._end(restrict_vocab)
        sims = self._cosines(query, end, center)
        if not topn:
            return sims
        return self._top(sims, topn, self._query_indices(k for k, _ in terms))

    def most_similar_cosmul(self, positive=None, negative=None, topn=10, restrict_vocab=None):
        """Words maximising 3CosMul (Levy & Goldberg 2014), with gensim's formula.

        Score: ``prod((1 + cos(w, p)) / 2) / (prod((1 + cos(w, n)) / 2) + 1e-6)`` over positive
        words ``p`` and negative words ``n``.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.most_similar_cosmul(positive=["a"], negative=["c"], topn=1)[0][0]
        'b'
        """
        return self._cosmul(positive, negative, topn, restrict_vocab, center=False)

    def _cosmul(self, positive, negative, topn, restrict_vocab, center):
        if isinstance(topn, Integral) and topn < 1:
            return []
        positive, negative = _as_list(positive), _as_list(negative)
        if not positive:
            raise ValueError("cannot compute similarity with no input")
        end = self._end(restrict_vocab)

        def shifted(key):
            return (1 + self._cosines(self._unit(key, center).astype(np.float32), end, center)) / 2

        numerator = np.prod([shifted(k) for k in positive], axis=0)
        denominator = np.prod([shifted(k) for k in negative], axis=0) if negative else 1.0
        sims = numerator / (denominator + _COSMUL_EPS)
        if not topn:
            return sims
        return self._top(sims, topn, self._query_indices(positive + negative))

    def analogy(self, a, b, c, topn=5, method="add", center=False, restrict_vocab=None):
        """Answer ``a : b :: c : ?`` (e.g. man : king :: woman : queen), leaving out a, b and c.

        Parameters
        ----------
        a, b, c : str
        topn : int
        method : {"add", "mul"}
            3CosAdd (``b - a + c``, as :meth:`most_similar`) or 3CosMul (as
            :meth:`most_similar_cosmul`).
        center : bool
            Subtract the mean of all vectors before normalising (often helps analogies).
        restrict_vocab : int, optional
            Search only the first this many words.

        Examples
        --------
        >>> kv = KeyedVectors(["man", "king", "woman", "queen", "apple"], np.array(
        ...     [[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [0.5, -1, 0.5]], dtype=np.float32))
        >>> kv.analogy("man", "king", "woman", topn=1)[0][0]
        'queen'
        """
        if method == "add":
            return self._most_similar([b, c], [a], topn, restrict_vocab, center)
        if method == "mul":
            return self._cosmul([b, c], [a], topn, restrict_vocab, center)
        raise ValueError(f"method must be 'add' or 'mul', not {method!r}")

    def most_similar_batch(self, words, topn=10, restrict_vocab=None):
        """:meth:`most_similar` for many single words at once, through one matrix product per batch.

        Returns
        -------
        list of list of (str, float)
            One answer list per word, in order; each word is left out of its own answer.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> [[w for w, _ in answer] for answer in kv.most_similar_batch(["a", "c"], topn=1)]
        [['b'], ['b']]
        """
        indices = [self.get_index(w) for w in words]
        end = self._end(restrict_vocab)
        norms = self.norms
        step = max(1, _BATCH_CELLS // max(end, 1))
        results = []
        for start in range(0, len(indices), step):
            rows = indices[start:start + step]
            queries = self._vectors[rows] / norms[rows, None]
            sims = queries @ self._vectors[:end].T
            sims /= norms[:end]
            results.extend(self._top(s, topn, {i}) for s, i in zip(sims, rows))
        return results

    def similar_by_word(self, word, topn=10, restrict_vocab=None):
        """Words closest to ``word``; ``most_similar([word])``."""
        return self.most_similar(positive=[word], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_key = similar_by_word

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        """Words closest to an arbitrary ``vector``."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, w1, w2):
        """Cosine similarity of two words.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.array([[1, 0], [1, 1]], dtype=np.float32))
        >>> round(kv.similarity("a", "b"), 4)
        0.7071
        """
        return float(np.dot(self._unit(w1), self._unit(w2)))

    def distance(self, w1, w2):
        """Cosine distance, ``1 - similarity``."""
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the mean vectors of two word lists (e.g. two sentences).

        Unlike gensim, unknown words raise KeyError instead of being dropped silently.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))
        >>> round(kv.n_similarity(["a", "b"], ["c"]), 4)
        1.0
        """
        if not len(ws1) or not len(ws2):
            raise ZeroDivisionError("at least one of the word lists is empty")
        means = [self[list(ws)].mean(axis=0) for ws in (ws1, ws2)]
        return float(np.dot(*(m / np.linalg.norm(m) for m in means)))

    def doesnt_match(self, words):
        """The word farthest from the mean of the unit vectors of ``words``.

        Examples
        --------
        >>> kv = KeyedVectors(["cat", "dog", "car"], np.array([[1, 0.1], [1, 0], [0, 1]], dtype=np.float32))
        >>> kv.doesnt_match(["cat", "dog", "car"])
        'car'
        """
        words = list(words)
        if not words:
            raise ValueError("cannot select a word from an empty list")
        units = np.vstack([self._unit(w) for w in words])
        mean = units.mean(axis=0)
        mean /= np.linalg.norm(mean)
        return words[int(np.argmin(units @ mean))]

    def rank(self, key1, key2):
        """Rank of ``key2`` among all words by closeness to ``key1`` (1 = closest).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.rank("a", "b"), kv.rank("a", "c")
        (1, 2)
        """
        i1, i2 = self.get_index(key1), self.get_index(key2)
        distances = 1 - self.cosine_similarities(self._vectors[i1], self._vectors)
        closer = distances < distances[i2]
        closer[i1] = False
        return int(closer.sum()) + 1

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarity between ``vector_1`` ``[D]`` and each row of ``vectors_all`` ``[N, D]``.

        Examples
        --------
        >>> KeyedVectors.cosine_similarities(np.array([1.0, 0.0]), np.array([[2.0, 0.0], [0.0, 1.0]]))
        array([1., 0.])
        """
        norm = np.linalg.norm(vector_1)
        all_norms = np.linalg.norm(vectors_all, axis=1)
        return (vectors_all @ vector_1) / (norm * all_norms)

    def _end(self, restrict_vocab):
        return len(self) if restrict_vocab is None else max(0, min(int(restrict_vocab), len(self)))

    def _top(self, sims, topn, exclude):
        """The ``topn`` best (word, similarity) pairs, skipping rows in ``exclude``; partial sort."""
        want = min(topn + len(exclude), len(sims))
        if want <= 0:
            return []
        if want < len(sims):
            best = np.argpartition(sims, len(sims) - want)[len(sims) - want:]
        else:
            best = np.arange(len(sims))
        best = best[np.argsort(-sims[best], kind="stable")]
        keys = self.index_to_key
        return [(keys[i], float(sims[i])) for i in best.tolist() if i not in exclude][:topn]

    def build_index(self, method="ivf", recall=None, **options):
        """An approximate nearest-neighbour index over these vectors; see :func:`w2v.index.build_index`.

        Needs the ``ann`` extra (faiss). Use it as ``kv.most_similar(word, indexer=index)``; save it
        with ``index.save(path)`` and read it back with ``w2v.index.load_index(path, kv)``.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> index = kv.build_index()                                  # doctest: +SKIP
        >>> [w for w, _ in kv.most_similar("a", topn=2, indexer=index)]  # doctest: +SKIP
        ['a', 'b']
        """
        from .index import build_index
        return build_index(self, method=method, recall=recall, **options)

    # ---- evaluation (implemented in w2v.evaluate) --------------------------------------------

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, method="add"):
        """Score analogy questions; see :func:`w2v.evaluate.evaluate_word_analogies`."""
        from .evaluate import evaluate_word_analogies
        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive, dummy4unknown=dummy4unknown,
                                       method=method)

    def evaluate_word_pairs(self, pairs, delimiter="\t", restrict_vocab=300000, case_insensitive=True,
                            dummy4unknown=False):
        """Correlate similarities with human scores; see :func:`w2v.evaluate.evaluate_word_pairs`."""
        from .evaluate import evaluate_word_pairs
        return evaluate_word_pairs(self, pairs, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)

    # ---- files -----------------------------------------------------------------------------

    def save_word2vec_format(self, path, binary=None, write_header=True):
        """Write the word2vec C format, byte-identical to gensim's; see :func:`w2v.formats.save_word2vec_format`.

        ``binary=None`` lets the name decide (``.bin`` binary, anything else text); a ``binary``
        that contradicts a ``.bin``, ``.txt`` or ``.vec`` name, or a ``.w2v`` name, is a ValueError.

        Examples
        --------
        >>> import os, tempfile
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
        >>> p = os.path.join(tempfile.mkdtemp(), "v.bin")
        >>> kv.save_word2vec_format(p, binary=True)
        >>> KeyedVectors.load_word2vec_format(p).index_to_key
        ['a', 'b']
        """
        formats.save_word2vec_format(path, self.index_to_key, self._vectors, binary=binary,
                                     write_header=write_header)

    @classmethod
    def load_word2vec_format(cls, path, binary=None, limit=None, unicode_errors="strict", no_header=False,
                             encoding="utf-8"):
        """Read a word2vec text or binary file; see :func:`w2v.formats.load_word2vec_format`.

        The file holds no word counts: as gensim does, each word gets a made-up count that falls
        with its row, ``len(kv)`` for the first word down to 1 for the last.

        Examples
        --------
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
        >>> KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save_word2vec_format(p)
        >>> KeyedVectors.load_word2vec_format(p).get_vecattr("a", "count")
        2
        """
        words, vectors = formats.load_word2vec_format(path, binary=binary, limit=limit,
                                                      unicode_errors=unicode_errors, no_header=no_header,
                                                      encoding=encoding)
        return cls(words, vectors, counts=np.arange(len(words), 0, -1))

    def save(self, path):
        """Write the native format (words, counts, vectors; no pickle), atomically.

        Examples
        --------
        >>> import os, tempfile
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[5, 3])
        >>> p = os.path.join(tempfile.mkdtemp(), "kv.w2v")
        >>> kv.save(p)
        >>> KeyedVectors.load(p).get_vecattr("a", "count")
        5
        """
        extensions.choose_format(path, "native", how=extensions.SAVE_CALLS)    # not a .bin/.txt/.vec name
        blob, offsets = native.encode_words(self.index_to_key)
        native.save_native(path, "keyedvectors", {"words": len(self), "vector_size": self.vector_size},
                           {"words_blob": blob, "words_offsets": offsets, "counts": self.counts,
                            "vectors": self._vectors})

    @classmethod
    def load(cls, path):
        """Read vectors saved by :meth:`save` or by ``Word2Vec.save`` (extra arrays are ignored)."""
        _, arrays = native.load_native(path)
        missing = [n for n in ("words_blob", "words_offsets", "vectors") if n not in arrays]
        if missing:
            raise ValueError(f"{path}: native file without {', '.join(missing)}; it holds no word vectors")
        try:
            words = native.decode_words(arrays["words_blob"], arrays["words_offsets"])
        except (UnicodeDecodeError, IndexError) as e:
            raise ValueError(f"{path}: corrupt word list ({e})") from None
        vectors, counts = arrays["vectors"], arrays.get("counts")
        bad_counts = counts is not None and counts.shape != (len(words),)
        if vectors.ndim != 2 or vectors.shape[0] != len(words) or bad_counts:
            raise ValueError(f"{path}: {len(words)} words but vectors of shape {vectors.shape}"
                             + (f" and counts of shape {counts.shape}" if counts is not None else ""))
        try:
            return cls(words, vectors, counts)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None


def load_any(path):
    """Load vectors from a native file (model or keyed vectors) or a word2vec text/binary file.

    Examples
    --------
    >>> import os, tempfile
    >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    >>> folder = tempfile.mkdtemp()
    >>> kv.save(os.path.join(folder, "kv.w2v"))
    >>> kv.save_word2vec_format(os.path.join(folder, "kv.txt"))
    >>> [len(load_any(os.path.join(folder, f))) for f in ("kv.w2v", "kv.txt")]
    [2, 2]
    """
    if native.is_native(path) or _is_zip(path):    # a damaged native file: say so, not "no V D header"
        return KeyedVectors.load(path)
    return KeyedVectors.load_word2vec_format(path)


def _is_zip(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _as_list(items):
    if items is None:
        return []
    if isinstance(items, (str, np.ndarray)) or (isinstance(items, Integral) and not isinstance(items, bool)):
        return [items]
    return list(items)


def _first_duplicate(words):
    seen = set()
    for w in words:
        if w in seen:
            return w
        seen.add(w)
    return None
