"""Reading and writing KeyedVectors: the word2vec C formats, the native format, gensim objects.

:class:`VectorFiles` is one part of :class:`w2v.KeyedVectors` (a mixin); the formats themselves
live in :mod:`w2v.vectors.formats` (word2vec text/binary) and :mod:`w2v.vectors.native` (.w2v).
"""
import numpy as np

from . import extensions, formats, native
from .._atomic import atomic_write

__all__ = ["VectorFiles"]


class VectorFiles:
    """gensim's file methods of ``KeyedVectors``: save/load, the word2vec formats, from_gensim."""

    def save_word2vec_format(self, fname, fvocab=None, binary=None, total_vec=None, write_header=True,
                             prefix="", append=False, sort_attr="count"):
        """Write the word2vec C format, byte-identical to gensim's; see :func:`w2v.vectors.formats.save_word2vec_format`.

        Parameters are gensim's, in its order: ``fvocab`` also writes a ``word count`` vocabulary
        file; rows are written by descending ``sort_attr`` (ties in row order), as gensim does.
        ``binary=None`` (gensim: False) lets the name decide (``.bin`` binary, anything else
        text); a ``binary`` that contradicts a ``.bin``, ``.txt`` or ``.vec`` name, or a ``.w2v``
        name, is a ValueError.

        Examples
        --------
        >>> from w2v import KeyedVectors
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
        vectors = self.vectors if (order == np.arange(len(self))).all() else self.vectors[order]
        if fvocab is not None:
            with atomic_write(fvocab, "w") as f:
                f.writelines(f"{prefix}{k} {int(self.counts[i])}\n" for k, i in zip(keys, order.tolist()))
        formats.save_word2vec_format(fname, keys, vectors, binary=binary, write_header=write_header,
                                     prefix=prefix, append=append, total_vec=total_vec)

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8", unicode_errors="strict",
                             limit=None, datatype=np.float32, no_header=False):
        """Read a word2vec text or binary file; see :func:`w2v.vectors.formats.load_word2vec_format`.

        Parameters are gensim's, in its order. ``binary=False`` (the default) tells text from
        binary by the first row, so binary files load too; ``binary=True`` insists on binary.
        ``fvocab`` reads the counts from a ``word count`` file; without it each word's count is
        ``V - row`` as in gensim (the file's order stands for frequency). ``datatype`` is the
        vectors' dtype (e.g. ``np.float16`` halves the memory).

        Examples
        --------
        >>> from w2v import KeyedVectors
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
        >>> from w2v import KeyedVectors
        >>> import os, tempfile
        >>> kv = KeyedVectors(["a", "b"], np.zeros((2, 2), dtype=np.float32))
        >>> p = os.path.join(tempfile.mkdtemp(), "v.txt")
        >>> KeyedVectors(["b", "z"], np.ones((2, 2), dtype=np.float32)).save_word2vec_format(p)
        >>> kv.intersect_word2vec_format(p)       # words replaced
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
            self.vectors[mine] = vectors[theirs]
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
        >>> from w2v import KeyedVectors
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
                  "vectors": self.vectors, "norms": np.asarray(self.norms, dtype=np.float32)}
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
                kv = cls.from_mapped(words, np.asarray(vectors, dtype=np.float32),
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
        >>> from w2v import KeyedVectors
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
