"""KeyedVectors: words and their vectors (storage, lookup, per-word attributes), gensim-style.

The class is composed of three parts, one job each: this module holds the vectors and the
vocabulary; :mod:`w2v.vectors.similarity` answers queries over them (most_similar, analogies, ...);
:mod:`w2v.vectors.textfiles` reads and writes them. It knows nothing of training.
"""
import difflib
import logging
from numbers import Integral

import numpy as np

from ..vectors import native
from ..vectors.similarity import SimilarityQueries
from ..vectors.textfiles import VectorFiles

__all__ = ["KeyedVectors", "load_any"]

logger = logging.getLogger(__name__)


# Close spellings (by difflib's ratio) ranked by edits, then frequency, for a suggestion.
SUGGEST_CANDIDATES = 20


def edit_distance(a, b):
    """Edits (insert, delete, substitute, swap two neighbours) from ``a`` to ``b``.

    Examples
    --------
    >>> edit_distance("musik", "music"), edit_distance("musik", "musky"), edit_distance("teh", "the")
    (1, 2, 1)
    """
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]


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
            hint += "".join(f"; the model has its {script} form {form!r}"
                            for script, form in self._kv._other_scripts(self.key).items())
            self._message = f"{self.key!r} is not in the vocabulary{hint}"
        return self._message

    def __reduce__(self):
        return KeyError, (str(self),)


class KeyedVectors(SimilarityQueries, VectorFiles):
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

    Notes
    -----
    The query methods (``most_similar``, ``analogy``, ``doesnt_match``, ...) are those of
    :class:`w2v.vectors.similarity.SimilarityQueries`, the file methods (``save``, ``load``,
    ``load_word2vec_format``, ...) those of :class:`w2v.vectors.textfiles.VectorFiles`.

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

    def centering(self):
        """Mean vector ``[D]`` and the lengths ``[V]`` of the mean-centred vectors, cached like
        :attr:`norms` (and forgotten by :meth:`clear_norms`); centred queries (``analogy(center=True)``) use them.

        Examples
        --------
        >>> kv = KeyedVectors(["a", "b"], np.array([[1.0, 0.0], [3.0, 0.0]], dtype=np.float32))
        >>> mean, lengths = kv.centering(); mean.tolist(), lengths.tolist()
        ([2.0, 0.0], [1.0, 1.0])
        """
        if self._centre is None:
            mean = self._vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
            lengths = np.empty(len(self), dtype=np.float32)
            step = 1 << 16                 # rows centred at a time, to bound the temporary copy
            for start in range(0, len(self), step):
                lengths[start:start + step] = np.linalg.norm(self._vectors[start:start + step] - mean, axis=1)
            lengths[lengths == 0] = 1.0
            self._centre = (mean, lengths)
        return self._centre

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
    def from_mapped(cls, words, vectors, counts, path):
        """KeyedVectors over mapped arrays (``load(mmap="r")``) whose word list is decoded on first use.

        ``words`` is a function returning the list of words; ``vectors`` ``[V, D]`` and ``counts``
        ``[V]`` are used as they are; ``path`` names the file in error messages.

        Examples
        --------
        >>> kv = KeyedVectors.from_mapped(lambda: ["a", "b"], np.eye(2, dtype=np.float32),
        ...                               np.array([3, 1]), "v.w2v")
        >>> kv.index_to_key, kv.get_vecattr("a", "count")
        (['a', 'b'], 3)
        """
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

    # ---- unit vectors and means ------------------------------------------------------------

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
            elif key in self:          # subword vectors: any word with an n-gram
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

    # ---- spelling suggestions for unknown words (read by UnknownKeyError) ------------------

    def _other_scripts(self, word):
        """The forms of ``word`` in the other Chinese script (traditional, simplified) this
        vocabulary has: a traditional query on a simplified model, or the reverse."""
        if not isinstance(word, str):
            return {}
        from ..corpus.chinese import other_scripts      # here: most vocabularies are not Chinese

        return {script: form for script, form in other_scripts(word).items() if form in self}

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
        close = difflib.get_close_matches(word, pool, n=max(n, SUGGEST_CANDIDATES), cutoff=0.7)
        # fewest edits first (a typo is an edit or two), then the more frequent (earlier) word
        close.sort(key=lambda w: (edit_distance(word, w), self.key_to_index[w]))
        return list(dict.fromkeys(exact + close))[:n]

    # ---- evaluation (implemented in w2v.evaluation.evaluate) --------------------------------------------

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar", method=None):
        """Score analogy questions; see :func:`w2v.evaluation.evaluate.evaluate_word_analogies`.

        ``similarity_function`` is gensim's name for the method: ``"most_similar"`` (3CosAdd,
        ``method="add"``) or ``"most_similar_cosmul"`` (3CosMul, ``method="mul"``).
        """
        from ..evaluation.evaluate import evaluate_word_analogies
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
        """Correlate similarities with human scores; see :func:`w2v.evaluation.evaluate.evaluate_word_pairs`.

        ``encoding`` is gensim's argument; the pairs file is read as UTF-8 whatever it says.
        """
        from ..evaluation.evaluate import evaluate_word_pairs
        return evaluate_word_pairs(self, pairs, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)


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


def _first_duplicate(words):
    seen = set()
    for w in words:
        if w in seen:
            return w
        seen.add(w)
    return None
