"""KeyedVectors: look up trained word vectors and query them (similarity, analogies), gensim-style.

It knows nothing of training; file formats live in :mod:`w2v.formats` and :mod:`w2v.native`.
"""
import difflib
import logging
from numbers import Integral

import numpy as np

from . import extensions, formats, native
from ._atomic import atomic_write

__all__ = ["KeyedVectors", "load_any"]

logger = logging.getLogger(__name__)

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

    def __init__(self, index_to_key=None, vectors=None, counts=None, *, vector_size=None, count=0,
                 dtype=np.float32):
        if isinstance(index_to_key, Integral) and not isinstance(index_to_key, bool):
            # gensim's KeyedVectors(vector_size, count=0, dtype=REAL): positions shift by one
            vector_size, index_to_key = int(index_to_key), None
            count = count if vectors is None else vectors
            dtype = dtype if counts is None else counts
            vectors = counts = None
        if index_to_key is None and vectors is None:
            if vector_size is None:
                raise TypeError("KeyedVectors needs index_to_key and vectors, or vector_size (gensim's form)")
            if isinstance(count, bool) or not isinstance(count, Integral) or count < 0:
                raise ValueError(f"count must be an integer >= 0, got {count!r}")
            # gensim's empty slots: count rows of zeros, filled in order by add_vector
            index_to_key, vectors = [None] * int(count), np.zeros((int(count), int(vector_size)), dtype)
        elif index_to_key is None or vectors is None:
            raise TypeError("give both index_to_key and vectors")
        self._source = ""
        self.index_to_key = index_to_key if isinstance(index_to_key, list) else list(index_to_key)
        self.next_index = len(self.key_to_index)       # builds the index, checking for duplicates
        self._vectors = None
        self._expandos = {}
        self.vectors = vectors
        if counts is None:
            counts = np.zeros(len(self.index_to_key), dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        if counts.shape != (len(self.index_to_key),):
            raise ValueError(f"counts has shape {counts.shape}, expected ({len(self.index_to_key)},)")
        self.counts = counts
        self._by_prefix = None
        self.vectors_lockf = np.ones(1, dtype=np.float32)   # gensim's: 1.0 for every word
        self.lifecycle_events = []

    def add_lifecycle_event(self, event_name, log_level=logging.INFO, **event):
        """Record an event (a dict, with ``event``) in ``lifecycle_events`` and log it (gensim's
        ``SaveLoad`` method, which gensim's own helpers call). Events are not saved."""
        event = dict(event, event=event_name)
        self.lifecycle_events.append(event)
        logger.log(log_level, "%s lifecycle event %s", type(self).__name__, event)

    # ---- lookup ---------------------------------------------------------------------------

    @property
    def vectors(self):
        """float32 array ``[V, D]``; assigning a new array clears the cached norms."""
        return self._vectors

    @vectors.setter
    def vectors(self, value):
        if not (isinstance(value, np.ndarray) and value.dtype == np.float16 and value.flags.c_contiguous):
            value = np.ascontiguousarray(value, dtype=np.float32)     # float16 is kept (gensim's datatype)
        if value.ndim != 2 or value.shape[0] != len(self.index_to_key):
            raise ValueError(f"vectors must have shape ({len(self.index_to_key)}, D), got {value.shape}")
        self._vectors = value
        self.clear_norms()

    def clear_norms(self):
        """Forget cached norms; call after changing ``vectors`` in place."""
        self._norms = None
        self._centre = None

    def fill_norms(self, force=False):
        """Compute the vectors' lengths now (gensim's name; they are otherwise computed on first use).

        Examples
        --------
        >>> kv = KeyedVectors(["a"], np.array([[3.0, 4.0]], dtype=np.float32))
        >>> kv.fill_norms(); kv.norms.tolist()
        [5.0]
        """
        if force:
            self.clear_norms()
        self.norms

    def set_norms(self, norms):
        """Use ``norms`` (float ``[V]``, e.g. stored in a native file) as the vectors' lengths."""
        norms = np.asarray(norms)
        if norms.shape != (len(self),):
            raise ValueError(f"norms has shape {norms.shape}, expected ({len(self)},)")
        self._norms = norms

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
        return len(self._vectors)

    # The word list of a mapped file is decoded when first needed (a lookup or a query), so that
    # opening a large file costs neither the time nor the memory of a million Python strings.
    @property
    def index_to_key(self):
        """The words, in row order (list of str)."""
        if self._index_to_key is None:
            self._index_to_key = self._pending_words()
            self._pending_words = None
        return self._index_to_key

    @index_to_key.setter
    def index_to_key(self, value):
        self._index_to_key = value
        self._key_to_index = None

    @property
    def key_to_index(self):
        """``{word: row}``."""
        if self._key_to_index is None:
            words = self.index_to_key
            index = dict(zip(words, range(len(words))))
            if len(index) != len(words) or None in index:
                # empty (None) slots of gensim's preallocated form are no keys
                index = {k: i for i, k in enumerate(words) if k is not None}
                if len(index) != sum(k is not None for k in words):
                    raise ValueError(f"{self._source}duplicate word in index_to_key: {_first_duplicate(words)!r}")
            self._key_to_index = index
        return self._key_to_index

    @key_to_index.setter
    def key_to_index(self, value):
        self._key_to_index = value

    @classmethod
    def _mapped(cls, words, vectors, counts, path):
        """KeyedVectors over mapped arrays whose word list ``words()`` is decoded on first use."""
        kv = cls([], np.zeros((0, vectors.shape[1]), np.float32))
        kv._index_to_key, kv._key_to_index, kv._pending_words = None, None, words
        kv._source = f"{path}: "
        kv._vectors = vectors
        kv.counts = counts
        kv.next_index = len(vectors)
        kv.clear_norms()
        return kv

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

    def __setitem__(self, keys, weights):
        """``kv[key] = vector`` or ``kv[keys] = vectors``: add new words, replace known ones (gensim)."""
        if isinstance(keys, str):
            keys, weights = [keys], np.asarray(weights).reshape(1, -1)
        self.add_vectors(keys, weights, replace=True)

    # ---- per-word attributes (gensim's "vecattrs") --------------------------------------------

    @property
    def expandos(self):
        """Per-word attribute arrays by name (gensim's): ``count`` always; ``code`` and ``point``
        for a hierarchical-softmax model; any set with :meth:`set_vecattr`."""
        attrs = {"count": self.counts}
        for name, value in list(self._expandos.items()):
            if callable(value):                 # computed on first use (e.g. Huffman codes)
                value = self._expandos[name] = value()
            attrs[name] = value
        return attrs

    def get_vecattr(self, key, attr):
        """The per-word attribute ``attr`` (``"count"``, or one in :attr:`expandos`) of ``key``.

        A word2vec file holds no counts: vectors read from one get gensim's made-up counts,
        ``len(kv)`` for the first word down to 1 for the last (see :meth:`load_word2vec_format`).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[5, 3])
        >>> kv.get_vecattr("b", "count")
        3
        """
        values = self.expandos.get(attr)
        if values is None:
            raise KeyError(f"no per-word attribute {attr!r}; there are {sorted(self.expandos)}")
        value = values[self.get_index(key)]
        return int(value) if attr == "count" else value

    def set_vecattr(self, key, attr, val):
        """Set the per-word attribute ``attr`` of ``key`` (a new attribute gets an array of zeros).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
        >>> kv.set_vecattr("a", "count", 7); kv.get_vecattr("a", "count")
        7
        """
        self.allocate_vecattrs([attr], [type(val)])
        self.expandos[attr][self.get_index(key)] = val

    def allocate_vecattrs(self, attrs=None, types=None):
        """Make sure every attribute in ``attrs`` has an array as long as the vocabulary (gensim)."""
        for attr, kind in zip(attrs or [], types or [object] * len(attrs or [])):
            if attr != "count" and attr not in self._expandos:
                dtype = np.int64 if kind is int else (np.float64 if kind is float else object)
                self._expandos[attr] = np.zeros(len(self), dtype=dtype)

    def _resize_vecattrs(self, n):
        self.counts = np.concatenate([self.counts, np.zeros(n - len(self.counts), np.int64)])
        for name, values in self.expandos.items():
            if name != "count":
                self._expandos[name] = np.concatenate([values, np.zeros(n - len(values), values.dtype)])

    # ---- adding vectors ---------------------------------------------------------------------

    def add_vector(self, key, vector):
        """Add one word and its vector; return its row (gensim: fills a preallocated slot first).

        Examples
        --------
        >>> kv = KeyedVectors(2)
        >>> kv.add_vector("a", [1.0, 2.0]), kv["a"].tolist()
        (0, [1.0, 2.0])
        """
        target = self.next_index
        if target < len(self) and self.index_to_key[target] is None and key not in self.key_to_index:
            self.index_to_key[target] = key
            self.key_to_index[key] = target
            self._vectors[target] = vector
            self.next_index += 1
            self.clear_norms()
            self._by_prefix = None
            return target
        self.add_vectors([key], np.asarray(vector).reshape(1, -1))
        return self.key_to_index[key]

    def add_vectors(self, keys, weights, extras=None, replace=False):
        """Add words and their vectors; known words keep their vector unless ``replace``.

        Parameters
        ----------
        keys : str or list of str
        weights : array-like, shape ``(len(keys), D)`` (or ``(D,)`` for one key)
        extras : dict of str to array-like, optional
            Per-word attributes of the new words (e.g. ``{"count": [...]}``).
        replace : bool
            Overwrite the vectors of words already present.

        Examples
        --------
        >>> kv = KeyedVectors(["a"], np.zeros((1, 2), dtype=np.float32))
        >>> kv.add_vectors(["b", "c"], [[1, 0], [0, 1]]); len(kv)
        3
        """
        if isinstance(keys, str):
            keys = [keys]
        weights = np.asarray(weights, dtype=self._vectors.dtype)
        if weights.ndim == 1:
            weights = weights.reshape(1, -1)
        keys = list(keys)
        if weights.shape != (len(keys), self.vector_size):
            raise ValueError(f"weights must have shape ({len(keys)}, {self.vector_size}), got {weights.shape}")
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate key in keys: {_first_duplicate(keys)!r}")
        known = np.array([k in self.key_to_index for k in keys], dtype=bool)
        if replace and known.any():
            rows = [self.key_to_index[k] for k, kn in zip(keys, known) if kn]
            self._vectors[rows] = weights[known]
        new = [k for k, kn in zip(keys, known) if not kn]
        if new:
            start = len(self)
            self.index_to_key.extend(new)
            self.key_to_index.update(zip(new, range(start, start + len(new))))
            self._vectors = np.ascontiguousarray(np.vstack([self._vectors, weights[~known]]))
            self._resize_vecattrs(len(self))
            for attr, values in (extras or {}).items():
                values = np.asarray(values)[~known]
                self.allocate_vecattrs([attr], [int if values.dtype.kind in "iu" else object])
                self.expandos[attr][start:] = values
            self.next_index = len(self)
            self._by_prefix = None
        self.clear_norms()

    def vectors_for_all(self, keys, allow_inference=True, copy_vecattrs=False):
        """A new KeyedVectors of the ``keys`` that have a vector (unknown ones are left out).

        ``allow_inference`` is gensim's (FastText builds vectors of unknown words from n-grams);
        word2vec vectors cannot, so unknown keys are always left out.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[4, 2])
        >>> sub = kv.vectors_for_all(["b", "zz"], copy_vecattrs=True)
        >>> sub.index_to_key, sub.get_vecattr("b", "count")
        (['b'], 2)
        """
        found = list(dict.fromkeys(k for k in keys if k in self.key_to_index))
        rows = [self.key_to_index[k] for k in found]
        counts = self.counts[rows] if copy_vecattrs else None
        kv = KeyedVectors(found, self._vectors[rows].copy(), counts)
        if copy_vecattrs:
            for name, values in self.expandos.items():
                if name != "count":
                    kv._expandos[name] = values[rows]
        return kv

    def get_normed_vectors(self):
        """A new ``[V, D]`` array of the unit-length vectors."""
        return self._vectors / self.norms[:, None]

    def unit_normalize_all(self):
        """Scale every vector to unit length, in place; the original lengths are lost (gensim).

        Examples
        --------
        >>> kv = KeyedVectors(["a"], np.array([[3.0, 4.0]], dtype=np.float32))
        >>> kv.unit_normalize_all(); kv["a"].tolist()
        [0.6000000238418579, 0.800000011920929]
        """
        self._vectors /= self.norms[:, None].astype(self._vectors.dtype)
        self.clear_norms()
        self._norms = np.ones(len(self), dtype=np.float32)

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
        """Cosine similarity of two words (exactly 1 for a word with itself).

        Examples
        --------
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
        >>> kv = KeyedVectors(["a", "b"], np.array([[1, 0], [0, 1]], dtype=np.float32))
        >>> kv.distances("a").tolist()
        [0.0, 1.0]
        """
        vector = word_or_vector if isinstance(word_or_vector, np.ndarray) else self.get_vector(word_or_vector)
        others = self._vectors if not len(other_words) else self[list(other_words)]
        return 1 - self.cosine_similarities(vector, others)

    def closer_than(self, key1, key2):
        """Words closer to ``key1`` than ``key2`` is (gensim's; ``key1`` itself left out).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 0.1], [0, 1]], dtype=np.float32))
        >>> kv.closer_than("a", "c")
        ['b']
        """
        distances = self.distances(key1)
        i1, i2 = self.get_index(key1), self.get_index(key2)
        return [self.index_to_key[i] for i in np.flatnonzero(distances < distances[i2]).tolist() if i != i1]

    words_closer_than = closer_than

    def most_similar_to_given(self, key1, keys_list):
        """The word of ``keys_list`` most similar to ``key1``.

        Examples
        --------
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
        >>> kv = KeyedVectors(["a", "b", "c"], np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32))
        >>> round(kv.relative_cosine_similarity("a", "b", topn=2), 4)
        0.7071
        """
        sims = self.similar_by_word(wa, topn)
        if not sims:
            raise ValueError(f"{wa!r} has no neighbours to compare with")
        return float(self.similarity(wa, wb)) / sum(sim for _, sim in sims)

    def get_mean_vector(self, keys, weights=None, pre_normalize=True, post_normalize=False,
                        ignore_missing=True):
        """Weighted mean of the vectors of ``keys`` (words or vectors), gensim's definition.

        Parameters
        ----------
        keys : list of str or ndarray
        weights : list or ndarray, optional
            One weight per key (default all 1); the sum is divided by the total absolute weight
            of the keys found.
        pre_normalize : bool
            Use unit vectors of the words.
        post_normalize : bool
            Return a unit vector.
        ignore_missing : bool
            Skip unknown words (otherwise KeyError).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.array([[2, 0], [0, 4]], dtype=np.float32))
        >>> kv.get_mean_vector(["a", "b", "zz"]).tolist()
        [0.5, 0.5]
        """
        if len(keys) == 0:
            raise ValueError("cannot compute the mean of no keys")
        weights = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=np.float64)
        if weights.shape != (len(keys),):
            raise ValueError(f"keys and weights must have the same length ({len(keys)} and {weights.shape})")
        mean = np.zeros(self.vector_size, dtype=self._vectors.dtype)
        total = 0.0
        for key, weight in zip(keys, weights.tolist()):
            if isinstance(key, np.ndarray):
                vector = key
            elif key in self.key_to_index:
                vector = self.get_vector(key, norm=pre_normalize)
            elif not ignore_missing:
                raise UnknownKeyError(key, self)
            else:
                continue
            mean += weight * vector
            total += abs(weight)
        if total > 0:
            mean = mean / total
        if post_normalize:
            length = np.linalg.norm(mean)
            mean = (mean / length if length else mean).astype(np.float32)
        return mean

    def rank_by_centrality(self, words, use_norm=True):
        """``(cosine to the mean, word)`` pairs of the known ``words``, most central first (gensim).

        Examples
        --------
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
        (``pip install 'w2v[wmd]'``).

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.array([[1, 0], [0, 1]], dtype=np.float32))
        >>> kv.wmdistance(["a"], ["a"])
        0.0
        """
        try:
            from ot import emd2
        except ImportError:
            raise ImportError("wmdistance needs the POT package: pip install 'w2v[wmd]' "
                              "(or pip install POT)") from None
        doc1 = [t for t in document1 if t in self.key_to_index]
        doc2 = [t for t in document2 if t in self.key_to_index]
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
                                dummy4unknown=False, similarity_function="most_similar", method=None):
        """Score analogy questions; see :func:`w2v.evaluate.evaluate_word_analogies`.

        ``similarity_function`` is gensim's name for the method: ``"most_similar"`` (3CosAdd,
        ``method="add"``) or ``"most_similar_cosmul"`` (3CosMul, ``method="mul"``).
        """
        from .evaluate import evaluate_word_analogies
        if method is None:
            methods = {"most_similar": "add", "most_similar_cosmul": "mul"}
            if similarity_function not in methods:
                raise ValueError(f"similarity_function must be one of {sorted(methods)}, "
                                 f"got {similarity_function!r}")
            method = methods[similarity_function]
        return evaluate_word_analogies(self, analogies, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive, dummy4unknown=dummy4unknown,
                                       method=method)

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlate similarities with human scores; see :func:`w2v.evaluate.evaluate_word_pairs`.

        ``encoding`` is gensim's argument; the pairs file is read as UTF-8 whatever it says.
        """
        from .evaluate import evaluate_word_pairs
        return evaluate_word_pairs(self, pairs, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)

    # ---- files -----------------------------------------------------------------------------

    def save_word2vec_format(self, fname, fvocab=None, binary=None, total_vec=None, write_header=True,
                             prefix="", append=False, sort_attr="count"):
        """Write the word2vec C format, byte-identical to gensim's; see :func:`w2v.formats.save_word2vec_format`.

        Parameters are gensim's, in its order: ``fvocab`` also writes a ``word count`` vocabulary
        file; rows are written by descending ``sort_attr`` (ties in row order), as gensim does.
        ``binary=None`` (gensim: False) lets the name decide (``.bin`` binary, anything else
        text); a ``binary`` that contradicts a ``.bin``, ``.txt`` or ``.vec`` name, or a ``.w2v``
        name, is a ValueError.

        Examples
        --------
        >>> import os, tempfile
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
        >>> p = os.path.join(tempfile.mkdtemp(), "v.bin")
        >>> kv.save_word2vec_format(p, binary=True)
        >>> KeyedVectors.load_word2vec_format(p, binary=True).index_to_key
        ['a', 'b']
        """
        binary = formats.vector_format(fname, binary) == "binary"     # a bad name fails before any write
        values = self.expandos.get(sort_attr) if sort_attr else None
        if values is not None and values.dtype.kind in "iuf" and len(self):
            order = np.argsort(-values, kind="stable")
        else:
            order = np.arange(len(self))
        keys = [self.index_to_key[i] for i in order.tolist()]
        vectors = self._vectors if (order == np.arange(len(self))).all() else self._vectors[order]
        if fvocab is not None:
            with atomic_write(fvocab, "w") as f:
                f.writelines(f"{prefix}{k} {int(self.counts[i])}\n" for k, i in zip(keys, order.tolist()))
        formats.save_word2vec_format(fname, keys, vectors, binary=binary, write_header=write_header,
                                     prefix=prefix, append=append, total_vec=total_vec)

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8", unicode_errors="strict",
                             limit=None, datatype=np.float32, no_header=False):
        """Read a word2vec text or binary file; see :func:`w2v.formats.load_word2vec_format`.

        Parameters are gensim's, in its order. ``binary=False`` (the default) tells text from
        binary by the first row, so binary files load too; ``binary=True`` insists on binary.
        ``fvocab`` reads the counts from a ``word count`` file; without it each word's count is
        ``V - row`` as in gensim (the file's order stands for frequency). ``datatype`` is the
        vectors' dtype (e.g. ``np.float16`` halves the memory).

        Examples
        --------
        >>> import os, tempfile
        >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
        >>> KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save_word2vec_format(p)
        >>> KeyedVectors.load_word2vec_format(p).get_vecattr("a", "count")
        2
        """
        words, vectors = formats.load_word2vec_format(fname, binary=True if binary else None, limit=limit,
                                                      unicode_errors=unicode_errors, no_header=no_header,
                                                      encoding=encoding)
        if fvocab is not None:
            known = formats.read_vocab_counts(fvocab, encoding=encoding, unicode_errors=unicode_errors)
            counts = [known.get(w, 0) for w in words]
        else:
            counts = np.arange(len(words), 0, -1)
        if np.dtype(datatype) != np.float32:
            vectors = vectors.astype(datatype)
        return cls(words, vectors, counts)

    def intersect_word2vec_format(self, fname, lockf=0.0, binary=False, encoding="utf8",
                                  unicode_errors="strict"):
        """Replace the vectors of the words also found in a word2vec file by the file's, and set
        their ``vectors_lockf`` to ``lockf`` (0.0: training leaves them as they are), gensim's way
        of starting from pretrained vectors. Words of the file not in the vocabulary are ignored.

        Examples
        --------
        >>> import os, tempfile
        >>> kv = KeyedVectors(["a", "b"], np.zeros((2, 2), dtype=np.float32))
        >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
        >>> KeyedVectors(["b", "z"], np.ones((2, 2), dtype=np.float32)).save_word2vec_format(p)
        >>> kv.intersect_word2vec_format(p)      # words found in both
        1
        >>> kv["b"].tolist(), kv.vectors_lockf.tolist()
        ([1.0, 1.0], [1.0, 0.0])
        """
        words, vectors = formats.load_word2vec_format(fname, binary=True if binary else None,
                                                      unicode_errors=unicode_errors, encoding=encoding)
        if vectors.shape[1] != self.vector_size:
            raise ValueError(f"{fname}: vectors of {vectors.shape[1]} dimensions, the model's have "
                             f"{self.vector_size}")
        pairs = [(self.key_to_index[w], row) for row, w in enumerate(words) if w in self.key_to_index]
        if len(self.vectors_lockf) != len(self):
            self.vectors_lockf = np.full(len(self), float(self.vectors_lockf[0]), dtype=np.float32)
        if pairs:
            mine, theirs = (np.array(x) for x in zip(*pairs))
            self._vectors[mine] = vectors[theirs]
            self.vectors_lockf[mine] = lockf
            self.clear_norms()
        return len(pairs)

    def save(self, fname_or_handle, separately=None, sep_limit=10 * 1024 ** 2, ignore=frozenset(),
             pickle_protocol=None):
        """Write the native format (words, counts, vectors, their norms; no pickle), atomically.

        The arrays are stored uncompressed and aligned, so :meth:`load` with ``mmap="r"`` maps
        them. gensim's ``separately``, ``sep_limit``, ``ignore`` and ``pickle_protocol`` are
        accepted and have no effect: there is one file, with no pickle in it.

        Examples
        --------
        >>> import os, tempfile
        >>> kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32), counts=[5, 3])
        >>> p = os.path.join(tempfile.mkdtemp(), "kv.w2v")
        >>> kv.save(p)
        >>> KeyedVectors.load(p, mmap="r").get_vecattr("a", "count")
        5
        """
        extensions.choose_format(fname_or_handle, "native", how=extensions.SAVE_CALLS)    # not a .bin/.txt/.vec name
        if None in self.key_to_index or len(self.key_to_index) != len(self):
            raise ValueError("some preallocated rows have no word yet (add_vector them first)")
        blob, offsets = native.encode_words(self.index_to_key)
        arrays = {"words_blob": blob, "words_offsets": offsets, "counts": self.counts,
                  "vectors": self._vectors, "norms": np.asarray(self.norms, dtype=np.float32)}
        if len(self.vectors_lockf) == len(self) and len(self) != 1:
            arrays["vectors_lockf"] = self.vectors_lockf
        native.save_native(fname_or_handle, "keyedvectors",
                           {"words": len(self), "vector_size": self.vector_size}, arrays)

    @classmethod
    def load(cls, fname, mmap=None):
        """Read vectors saved by :meth:`save` or by ``Word2Vec.save`` (extra arrays are ignored).

        ``mmap="r"`` maps the vectors (and their stored norms) read-only instead of reading them:
        a file of any size opens in the time it takes to read its word list. Files of gensim's
        own ``save()`` are pickles and are refused: convert them once with
        ``w2v convert --from-gensim`` or :meth:`from_gensim`.
        """
        path = fname
        _, arrays = native.load_native(path, mmap=mmap)
        missing = [n for n in ("words_blob", "words_offsets", "vectors") if n not in arrays]
        if missing:
            raise ValueError(f"{path}: native file without {', '.join(missing)}; it holds no word vectors")
        blob, offsets = arrays["words_blob"], arrays["words_offsets"]

        def words():
            try:
                return native.decode_words(blob, offsets)
            except (UnicodeDecodeError, IndexError) as e:
                raise ValueError(f"{path}: corrupt word list ({e})") from None

        n = len(offsets) - 1           # load_native checked that the offsets cut the blob
        vectors, counts = arrays["vectors"], arrays.get("counts")
        bad_counts = counts is not None and counts.shape != (n,)
        if vectors.ndim != 2 or vectors.shape[0] != n or bad_counts:
            raise ValueError(f"{path}: {n} words but vectors of shape {vectors.shape}"
                             + (f" and counts of shape {counts.shape}" if counts is not None else ""))
        try:
            if mmap:      # the word list is decoded on first use
                kv = cls._mapped(words, np.asarray(vectors, dtype=np.float32),
                                 np.zeros(n, np.int64) if counts is None else np.asarray(counts, np.int64), path)
            else:
                kv = cls(words(), np.ascontiguousarray(vectors), counts)
            if arrays.get("norms") is not None:
                kv.set_norms(arrays["norms"])
            lockf = arrays.get("vectors_lockf")
            if lockf is not None and lockf.shape == (n,):
                kv.vectors_lockf = np.array(lockf, dtype=np.float32)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        return kv

    @classmethod
    def from_gensim(cls, kv):
        """A w2v KeyedVectors from an already loaded gensim ``KeyedVectors`` (or a model's ``wv``):
        the words, vectors (copied) and counts. Nothing of gensim is imported.

        Examples
        --------
        >>> class Gensimish:     # what gensim's KeyedVectors offers
        ...     index_to_key = ["a", "b"]
        ...     vectors = np.eye(2, dtype=np.float32)
        ...     expandos = {"count": np.array([7, 2])}
        >>> KeyedVectors.from_gensim(Gensimish()).get_vecattr("a", "count")
        7
        """
        try:
            words, vectors = list(kv.index_to_key), np.array(kv.vectors, dtype=np.float32)
        except AttributeError:
            raise TypeError(f"expected a gensim KeyedVectors (with index_to_key and vectors), got "
                            f"{type(kv).__name__}") from None
        counts = getattr(kv, "expandos", {}).get("count")
        out = cls(words, vectors, None if counts is None else np.asarray(counts, dtype=np.int64))
        lockf = getattr(kv, "vectors_lockf", None)
        if lockf is not None and np.shape(lockf) == (len(words),):
            out.vectors_lockf = np.array(lockf, dtype=np.float32)
        return out


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
    if isinstance(items, np.ndarray) and items.ndim == 2:     # several vectors (gensim)
        return list(items)
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
