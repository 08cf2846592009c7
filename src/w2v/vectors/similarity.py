"""Similarity queries over word vectors: nearest words, analogies, odd one out, distances.

:class:`SimilarityQueries` is one part of :class:`w2v.KeyedVectors` (a mixin); it uses only the
public storage API of its host: ``vectors``, ``norms``, ``centering()``, ``index_to_key``,
``key_to_index``, ``get_index``, ``get_vector``, ``get_mean_vector``, ``len()`` and ``kv[keys]``.
"""
from numbers import Integral

import numpy as np

__all__ = ["SimilarityQueries"]

_BATCH_CELLS = 1 << 25      # similarity cells computed per matrix product in batched queries (128 MB)
_COSMUL_EPS = 0.000001      # gensim's epsilon in the 3CosMul denominator


class SimilarityQueries:
    """gensim's query methods of ``KeyedVectors`` (most_similar, analogy, doesnt_match, ...)."""

    def _unit(self, key, center=False):
        """Unit vector of a word, in mean-centred space when ``center``; a given vector as is (gensim)."""
        if isinstance(key, np.ndarray):
            return np.asarray(key, dtype=np.float32) - (self.centering()[0] if center else 0)
        if isinstance(key, str) and key not in self.key_to_index:
            vector = np.asarray(self.get_vector(key), dtype=np.float32)   # subword vectors: from n-grams
            vector = vector - (self.centering()[0] if center else 0)
            length = np.linalg.norm(vector)
            return vector / length if length else vector
        index = self.get_index(key)
        if center:
            mean, centred_norms = self.centering()
            return (self.vectors[index] - mean) / centred_norms[index]
        return self.vectors[index] / self.norms[index]


    def _cosines(self, unit_query, end, center=False):
        """Cosine of one unit query vector with rows ``[:end]``."""
        dots = self.vectors[:end] @ unit_query
        if center:
            mean, centred_norms = self.centering()
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
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> [(w, round(s, 4)) for w, s in kv.most_similar("a", topn=1)]
        [('b', 0.995)]
        """
        return self._most_similar(positive, negative, topn, restrict_vocab, center=False, indexer=indexer)

    def _most_similar(self, positive, negative, topn, restrict_vocab, center, indexer=None):
        topn = _count(topn)
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
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.most_similar_cosmul(positive=["a"], negative=["c"], topn=1)[0][0]
        'b'
        """
        return self._cosmul(positive, negative, topn, restrict_vocab, center=False)

    def _cosmul(self, positive, negative, topn, restrict_vocab, center):
        topn = _count(topn)
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
        >>> from w2v import KeyedVectors
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
        >>> from w2v import KeyedVectors
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
            queries = self.vectors[rows] / norms[rows, None]
            sims = queries @ self.vectors[:end].T
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
        """Cosine similarity of two words (exactly 1 for a word with itself).

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], np.array([[1, 0], [1, 1]], dtype=np.float32))
        >>> round(kv.similarity("a", "b"), 4), kv.similarity("a", "a")
        (0.7071, 1.0)
        """
        if isinstance(w1, str) and w1 == w2 and w1 in self.key_to_index:
            return 1.0
        return float(np.dot(self._unit(w1), self._unit(w2)))

    def distance(self, w1, w2):
        """Cosine distance, ``1 - similarity`` (exactly 0 for a word with itself)."""
        return 1.0 - self.similarity(w1, w2)

    def distances(self, word_or_vector, other_words=()):
        """Cosine distances from a word or vector to ``other_words`` (default: every word), gensim's.

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], np.array([[1, 0], [0, 1]], dtype=np.float32))
        >>> kv.distances("a").tolist()
        [0.0, 1.0]
        """
        vector = word_or_vector if isinstance(word_or_vector, np.ndarray) else self.get_vector(word_or_vector)
        others = self.vectors if not len(other_words) else self[list(other_words)]
        return 1 - self.cosine_similarities(vector, others)

    def closer_than(self, key1, key2):
        """Words closer to ``key1`` than ``key2`` is (gensim's; ``key1`` itself left out).

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.closer_than("a", "c")
        ['b']
        """
        return [self.index_to_key[i] for i in np.flatnonzero(self._closer(key1, key2)).tolist()]

    words_closer_than = closer_than

    def most_similar_to_given(self, key1, keys_list):
        """The word of ``keys_list`` most similar to ``key1``.

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.most_similar_to_given("a", ["b", "c"])
        'b'
        """
        return keys_list[int(np.argmax([self.similarity(key1, k) for k in keys_list]))]

    def relative_cosine_similarity(self, wa, wb, topn=10):
        """similarity(wa, wb) over the summed similarities of ``wa``'s ``topn`` neighbours
        (Leeuwenberg et al. 2016, as gensim computes it).

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32))
        >>> round(kv.relative_cosine_similarity("a", "b", topn=2), 4)    # b is a's closest neighbour
        1.0
        """
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise ValueError(f"{wa!r} has no neighbours to compare with")
        return float(self.similarity(wa, wb)) / sum(sim for _, sim in sims)

    def rank_by_centrality(self, words, use_norm=True):
        """``(cosine to the mean, word)`` pairs of the known ``words``, most central first (gensim).

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.2], [0, 1]], dtype=np.float32))
        >>> [w for _, w in kv.rank_by_centrality(["a", "b", "c"])]
        ['b', 'a', 'c']
        """
        used = [w for w in words if w in self.key_to_index]
        if not used:
            raise ValueError("cannot rank an empty list of known words")
        vectors = np.vstack([self.get_vector(w, norm=use_norm) for w in used]).astype(np.float32)
        mean = self.get_mean_vector(vectors, post_normalize=True)
        return sorted(zip((vectors @ mean).tolist(), used), reverse=True)

    def wmdistance(self, document1, document2, norm=True):
        """Word Mover's Distance between two token lists (Kusner et al. 2015), as gensim computes
        it; unknown words are dropped, ``inf`` when a side has none left. Needs POT
        (``python3 -m pip install '.[wmd]' in the w2v clone``).

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b"], np.array([[1, 0], [0, 1]], dtype=np.float32))
        >>> kv.wmdistance(["a"], ["a"])
        0.0
        """
        try:
            from ot import emd2
        except ImportError:
            raise ImportError("wmdistance needs the POT package: python3 -m pip install '.[wmd]' in the w2v clone "
                              "(or pip install POT)") from None
        doc1 = [t for t in document1 if t in self]      # subword vectors: words with an n-gram too
        doc2 = [t for t in document2 if t in self]
        if not doc1 or not doc2:
            return float("inf")
        vocabulary = list(dict.fromkeys(doc1 + doc2))
        if len(vocabulary) == 1:
            return 0.0
        position = {w: i for i, w in enumerate(vocabulary)}
        words1, words2 = list(dict.fromkeys(doc1)), list(dict.fromkeys(doc2))
        v1 = np.array([self.get_vector(w, norm=norm) for w in words1], dtype=np.float64)
        v2 = np.array([self.get_vector(w, norm=norm) for w in words2], dtype=np.float64)
        cost = np.zeros((len(vocabulary), len(vocabulary)))
        cost[np.ix_([position[w] for w in words1], [position[w] for w in words2])] = \
            np.sqrt(np.maximum(((v1[:, None, :] - v2[None, :, :]) ** 2).sum(-1), 0))
        if abs(cost.sum()) < 1e-8:
            return 0.0

        def bag(doc):
            weights = np.zeros(len(vocabulary))
            for w in doc:
                weights[position[w]] += 1.0 / len(doc)
            return weights

        return float(emd2(bag(doc1), bag(doc2), cost))

    def n_similarity(self, ws1, ws2):
        """Cosine similarity of the mean vectors of two word lists (e.g. two sentences).

        Unlike gensim, unknown words raise KeyError instead of being dropped silently.

        Examples
        --------
        >>> from w2v import KeyedVectors
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
        >>> from w2v import KeyedVectors
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
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.rank("a", "b"), kv.rank("a", "c")
        (1, 2)
        """
        return int(self._closer(key1, key2).sum()) + 1

    def _closer(self, key1, key2):
        """Boolean ``[V]``: the words closer (cosine) to ``key1`` than ``key2`` is, ``key1`` left out."""
        i1, i2 = self.get_index(key1), self.get_index(key2)
        distances = 1 - self.cosine_similarities(self.vectors[i1], self.vectors)
        closer = distances < distances[i2]
        closer[i1] = False
        return closer

    @staticmethod
    def cosine_similarities(vector_1, vectors_all):
        """Cosine similarity between ``vector_1`` ``[D]`` and each row of ``vectors_all`` ``[N, D]``.

        Examples
        --------
        >>> from w2v import KeyedVectors
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
        topn = _count(topn)
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

    def build_index(self, method="ivf", recall=0.95, **options):
        """An approximate nearest-neighbour index over these vectors, its search effort tuned to
        ``recall`` (0.95, as ``w2v index``); see :func:`w2v.vectors.index.build_index`.

        Needs the ``ann`` extra (faiss). Use it as ``kv.most_similar(word, indexer=index)``; save it
        with ``index.save(path)`` and read it back with ``w2v.vectors.index.load_index(path, kv)``.

        Examples
        --------
        >>> from w2v import KeyedVectors
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> index = kv.build_index()                                  # doctest: +SKIP
        >>> [w for w, _ in kv.most_similar("a", topn=2, indexer=index)]  # doctest: +SKIP
        ['a', 'b']
        """
        from .index import build_index
        return build_index(self, method=method, recall=recall, **options)


def _count(topn):
    """``topn`` as a Python int when it is any integer (``np.uint8(5)``, as gensim's
    ``SparseTermSimilarityMatrix`` passes: ``topn + len(exclude)`` would overflow in uint8)."""
    if isinstance(topn, Integral) and not isinstance(topn, bool):
        return int(topn)
    return topn


def _as_list(items):
    if items is None:
        return []
    if isinstance(items, np.ndarray) and items.ndim == 2:     # several vectors (gensim)
        return list(items)
    if isinstance(items, (str, np.ndarray)) or (isinstance(items, Integral) and not isinstance(items, bool)):
        return [items]
    return list(items)
