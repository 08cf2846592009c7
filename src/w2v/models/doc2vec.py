"""Doc2Vec (paragraph vectors, Le and Mikolov 2014) at gensim's path ``w2v.models.doc2vec``: a
:class:`~w2v.models.word2vec.Word2Vec` whose sentences are documents with tags, each tag a row of
``dv`` that joins the input layer (the kernels' ``DocTags`` input kind), and ``infer_vector``.
"""
import dataclasses
import logging
import os
import zlib
from numbers import Integral

import numpy as np

from ..corpus import LineSentence
from ..corpus.documents import (DocumentWords, TaggedDocument, TaggedLineDocument, TagVocab,
                                file_sentence_lines)
from ..vectors import native
from .config import Config
from .keyedvectors import KeyedVectors
from .word2vec import RUN_OPTIONS as WORD2VEC_OPTIONS
from .word2vec import Word2Vec
from ..engines.infer import Inference
from ..engines.local import build_objective, lock_factors
from ..kernels import DocConcat, DocTags, WordRows

__all__ = ["Doc2Vec", "TaggedDocument", "TaggedLineDocument", "Doc2VecConfig", "DocumentVectors"]

logger = logging.getLogger(__name__)

# gensim 4.4's Doc2Vec(...) parameters in its order (the rest go to Word2Vec as **kwargs: keyword-only here).
GENSIM_ORDER = ("documents", "corpus_file", "vector_size", "dm_mean", "dm", "dbow_words", "dm_concat",
                "dm_tag_count", "dv", "dv_mapfile", "comment", "trim_rule", "callbacks", "window",
                "epochs", "shrink_windows")

_UNMATCHED = ("{}: the lines could not be matched to the sentences read (whitespace other than "
              "ASCII's?); pass documents=TaggedLineDocument(path) instead of corpus_file")

RUN_OPTIONS = dict({k: v for k, v in WORD2VEC_OPTIONS.items() if k != "sentences"},
                   documents=None, dv=None, dv_mapfile=None)


@dataclasses.dataclass
class Doc2VecConfig(Config):
    """Doc2Vec's hyperparameters: Word2Vec's (``epochs`` defaults to 10, gensim's) and gensim's
    ``dm``, ``dm_mean``, ``dm_concat``, ``dm_tag_count`` and ``dbow_words``.

    ``sg`` follows ``dm`` (``sg = 1 - dm``) and ``cbow_mean`` follows ``dm_mean`` when it is set,
    as in gensim.

    Examples
    --------
    >>> c = Doc2VecConfig(dm=0).validate()
    >>> c.sg, c.epochs
    (1, 10)
    """

    epochs: int = 10
    dm: int = 1
    dm_mean: "int | None" = None
    dm_concat: int = 0
    dm_tag_count: int = 1
    dbow_words: int = 0

    def validate(self):
        for name in ("dm", "dm_concat", "dbow_words"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, Integral) or v not in (0, 1):
                raise ValueError(f"{name} must be 0 or 1, got {v!r}")
            setattr(self, name, int(v))
        if self.dm_mean is not None:
            if isinstance(self.dm_mean, bool) or self.dm_mean not in (0, 1):
                raise ValueError(f"dm_mean must be None, 0 or 1, got {self.dm_mean!r}")
            self.dm_mean = int(self.dm_mean)
            self.cbow_mean = self.dm_mean
        v = self.dm_tag_count
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 1:
            raise ValueError(f"dm_tag_count must be an integer >= 1, got {v!r}")
        self.dm_tag_count = int(v)
        self.sg = 1 - self.dm
        if self.softmax:
            raise ValueError("Doc2Vec trains with negative sampling or hierarchical softmax (gensim's); "
                             "softmax=1 is Word2Vec's own")
        return super().validate()

    @property
    def kernel(self):
        """PV-DM with concatenation trains with its own job (``w2v.kernels.concat``)."""
        return "dm_concat" if self.concat else super().kernel

    @property
    def concat(self):
        """True for PV-DM with concatenated context (``dm=1, dm_concat=1``)."""
        return bool(self.dm and self.dm_concat)


class DocumentVectors(KeyedVectors):
    """The document vectors ``model.dv``: a :class:`KeyedVectors` whose keys are tags, with
    gensim's rules for int tags (an int is its own row; ``key_to_index`` holds the string tags)
    and gensim's ``clip_start`` / ``clip_end`` in :meth:`most_similar`."""

    @classmethod
    def of_tags(cls, tags, vectors):
        """The vectors of a :class:`~w2v.corpus.documents.TagVocab`'s tags, row by row."""
        dv = cls(tags.keys, vectors, counts=tags.doc_count.copy())
        dv.key_to_index = dict(tags.string_rows)
        dv.max_int = tags.max_int
        return dv

    @property
    def key_to_index(self):
        if self._key_to_index is None:
            self._key_to_index = {k: i for i, k in enumerate(self.index_to_key) if isinstance(k, str)}
        return self._key_to_index

    @key_to_index.setter
    def key_to_index(self, value):
        self._key_to_index = value

    def __contains__(self, key):
        return self.has_index_for(key)

    def has_index_for(self, key):
        return self.get_index(key, -1) >= 0

    def _query_indices(self, keys):
        return {self.get_index(k) for k in keys if not isinstance(k, np.ndarray) and k in self}

    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None,
                     restrict_vocab=None, indexer=None):
        """gensim's ``KeyedVectors.most_similar``: as :meth:`KeyedVectors.most_similar`, searching
        only rows ``clip_start .. clip_end - 1`` (gensim's document-vector arguments)."""
        if not clip_start and clip_end is None:
            return super().most_similar(positive, negative, topn, restrict_vocab, indexer)
        end = len(self) if clip_end is None else min(int(clip_end), len(self))
        if restrict_vocab is not None:
            end = min(end, int(restrict_vocab))
        sims = super().most_similar(positive, negative, None, end)
        if not topn:
            return sims
        sims = np.asarray(sims, dtype=np.float64).copy()
        sims[:int(clip_start)] = -np.inf
        exclude = self._query_indices(k for k, _ in self._weighted(positive, negative))
        order = [i for i in np.argsort(-sims, kind="stable").tolist()
                 if i >= clip_start and i not in exclude][:topn]
        return [(self.index_to_key[i], float(sims[i])) for i in order]

    def __repr__(self):
        return f"<DocumentVectors: {len(self)} tags, {self.vector_size} dimensions>"


class Doc2Vec(Word2Vec):
    """Paragraph vectors with gensim 4.4's API: PV-DBOW (``dm=0``, with ``dbow_words=1`` training
    word vectors skip-gram style at the same time) or PV-DM (``dm=1``, the tags' rows join the
    mean, or with ``dm_mean=0`` the sum, of the context's word rows); negative sampling or
    hierarchical softmax.

    ``documents`` is any iterable of :class:`TaggedDocument` (``words``: list of str, ``tags``:
    ints >= 0 and/or strings); ``corpus_file`` a text file, one document per line, tagged by its
    0-based line number. Threads, callbacks, ``compute_loss``, checkpoints and :meth:`resume`
    are Word2Vec's. ``model.dv`` holds the document vectors, ``model.wv`` the word vectors;
    :meth:`infer_vector` trains a vector for a new document.

    Examples
    --------
    >>> from w2v import Doc2Vec, TaggedDocument
    >>> docs = [TaggedDocument(["cat", "sat", "on", "the", "mat"], [0]),
    ...         TaggedDocument(["dog", "sat", "on", "the", "log"], [1])] * 20
    >>> model = Doc2Vec(docs, vector_size=8, min_count=1, epochs=2, seed=1, workers=1, progress=False)
    >>> model.dv[0].shape, model.infer_vector(["cat", "sat"]).shape
    ((8,), (8,))
    """

    config_class = Doc2VecConfig
    gensim_order = GENSIM_ORDER
    run_options = RUN_OPTIONS
    corpus_parameter = "documents"
    archive_kind = "doc2vec-model"
    checkpoint_kind = "doc2vec-checkpoint"

    def _configure(self, a):
        super()._configure(a)
        for name in ("dv", "dv_mapfile"):
            if a[name] is not None:
                raise ValueError(f"{name}=: w2v builds the document vectors itself; train, then use "
                                 "model.dv (or Doc2Vec.load(path, mmap='r') to map them)")
        if self.engine != "local":
            raise ValueError("Doc2Vec trains locally (engine='local'); the Ray engine trains Word2Vec")
        self.tags = TagVocab(-1, [])
        self.dv = DocumentVectors.of_tags(self.tags, np.zeros((0, self.config.vector_size), np.float32))
        self._reader = None           # the documents or reader of the last corpus read
        self._scanned = None          # the reader of the last scan_vocab
        self._scanned_lines = None    # (sentence lengths, line of each sentence) of its corpus file
        self.doc_previews = None      # w2v's own: the first words of each tag's document (the CLI's)
        self.null_vector = None       # dm_concat: the row of positions past a document's ends

    # gensim's names ---------------------------------------------------------------------------
    @property
    def dbow(self):
        """True for PV-DBOW (gensim's)."""
        return bool(self.config.sg)

    @property
    def docvecs(self):
        """gensim's old name of :attr:`dv`."""
        return self.dv

    @property
    def layer1_size(self):
        """Width of the hidden layer: ``vector_size``, or for ``dm_concat`` the tags and the
        window's words side by side (gensim's)."""
        cfg = self.config
        if cfg.concat:
            return (cfg.dm_tag_count + 2 * cfg.window) * cfg.vector_size
        return cfg.vector_size

    def __getitem__(self, tag):
        """A word's vector if ``tag`` is a word, else the tag's document vector (gensim's)."""
        if isinstance(tag, (str, Integral)):
            return self.wv[tag] if tag in self.wv else self.dv[tag]
        return np.vstack([self[t] for t in tag])

    def __str__(self):
        cfg = self.config
        parts = [f'"{self.comment}"'] if self.comment else []
        if cfg.sg:
            parts.append("dbow+w" if cfg.dbow_words else "dbow")
        else:
            parts.append("dm/c" if cfg.dm_concat else ("dm/m" if cfg.cbow_mean else "dm/s"))
        parts.append(f"d{cfg.vector_size}")
        if cfg.negative:
            parts.append(f"n{cfg.negative}")
        if cfg.hs:
            parts.append("hs")
        if not cfg.sg or cfg.dbow_words:
            parts.append(f"w{cfg.window}")
        if cfg.min_count > 1:
            parts.append(f"mc{cfg.min_count}")
        if cfg.sample > 0:
            parts.append(f"s{cfg.sample:g}")
        if cfg.workers > 1:
            parts.append(f"t{cfg.workers}")
        return f"{type(self).__name__}<{','.join(parts)}>"

    def __repr__(self):
        return f"{self}(vocab={len(self.wv)}, tags={len(self.dv)})"

    # reading documents -----------------------------------------------------------------------
    def _sentences(self, corpus_iterable, corpus_file):
        if corpus_iterable is not None and corpus_file is not None:
            raise TypeError("give either documents (corpus_iterable) or corpus_file, not both")
        if corpus_iterable is None and corpus_file is None:
            raise TypeError("no corpus given: pass documents (corpus_iterable) or corpus_file")
        if corpus_file is not None or isinstance(corpus_iterable, (str, os.PathLike)):
            path = corpus_file if corpus_file is not None else corpus_iterable
            if not isinstance(path, (str, os.PathLike)):
                raise TypeError(f"corpus_file must be a path to a text file, got {type(path).__name__}")
            path = os.fspath(path)
            if os.path.isdir(path):
                raise ValueError(f"{path}: is a folder; corpus_file is one file, one document per line")
            reader = LineSentence(path, max_sentence_length=self.config.max_sentence_length,
                                  **self.reader_options)
            if not reader.compiled_path():       # a tokenizer of its own: read the lines in Python
                reader = DocumentWords(TaggedLineDocument(path, **self.reader_options))
            self._reader = reader
            return path, reader
        if isinstance(corpus_iterable, Integral):
            raise TypeError(f"documents must be an iterable of TaggedDocument, got {corpus_iterable!r}")
        self._reader = DocumentWords(corpus_iterable)
        return corpus_iterable, self._reader

    def _doc_tags(self, encoded):
        """``(tag_offsets, tag_ids)``: the rows of ``dv`` each sentence of ``encoded`` trains."""
        tags = getattr(encoded, "doc_tags", None)
        if tags is not None:
            return tags
        reader = self._reader
        if isinstance(reader, DocumentWords) and reader.collector is None:
            reader = self._scanned        # encoded from the counts of scan_vocab, not read again
        if isinstance(reader, DocumentWords):
            if reader.collector is None:
                raise ValueError("the documents were not read: no tags to train")
            offsets, ids = reader.collector.sentence_rows(self.tags)
        else:
            lengths = np.diff(np.asarray(encoded.offsets, dtype=np.int64))
            scanned = self._scanned_lines            # the lines scan_vocab matched, if the same corpus
            if scanned is not None and np.array_equal(scanned[0], lengths):
                lines = scanned[1]
            else:
                lines = file_sentence_lines(reader.sources(), lengths, reader.max_sentence_length)
            if lines is None:
                raise ValueError(_UNMATCHED.format(reader.source))
            known = lines <= self.tags.max_int
            offsets = np.zeros(len(lines) + 1, np.int64)
            np.cumsum(known, out=offsets[1:])
            ids = lines[known].astype(np.int32)
        if len(offsets) != encoded.n_sentences + 1:
            raise ValueError(f"{len(offsets) - 1} documents but {encoded.n_sentences} sentences were read")
        encoded.doc_tags = (offsets, ids)
        return encoded.doc_tags

    # vocabulary --------------------------------------------------------------------------------
    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False, progress_per=10000,
                    keep_raw_vocab=False, trim_rule=None, *, progress=None, **kwargs):
        """Count the words and gather the documents' tags, then build both vocabularies and
        initialise the weights (gensim's ``build_vocab``; ``update=True`` adds new words and
        tags). Returns the model (the report with ``dry_run=True``)."""
        result = super().build_vocab(corpus_iterable, corpus_file, update, progress_per, keep_raw_vocab,
                                     trim_rule, progress=progress, **kwargs)
        if self._encoded is not None:
            self._doc_tags(self._encoded[1])     # kept with the corpus for the train() to come
        return result

    def scan_vocab(self, corpus_iterable=None, corpus_file=None, progress_per=10000, workers=None,
                   trim_rule=None, *, progress=None):
        """Count the words and gather the tags (gensim's first step); ``(total_words, corpus_count)``."""
        total = super().scan_vocab(corpus_iterable, corpus_file, progress_per, workers, trim_rule,
                                   progress=progress)
        reader = self._scanned = self._reader
        if isinstance(reader, DocumentWords):
            tags = reader.collector.vocab() if reader.collector is not None else TagVocab(-1, [])
        else:
            lengths = np.diff(np.fromfile(self._scan[1].offsets_path, dtype=np.int64))
            lines = file_sentence_lines(reader.sources(), lengths, reader.max_sentence_length)
            self._scanned_lines = (lengths, lines)
            if lines is None:
                self._close_scan()
                raise ValueError(_UNMATCHED.format(reader.source))
            n_lines = int(lines[-1]) + 1 if len(lines) else 0
            tags = TagVocab(n_lines - 1, [], np.ones(n_lines, np.int64))
        self._new_tags = tags
        self.corpus_count = len(tags) if not isinstance(reader, DocumentWords) else len(reader.collector.raw)
        return total

    def prepare_vocab(self, update=False, keep_raw_vocab=False, trim_rule=None, min_count=None,
                      sample=None, dry_run=False):
        report = super().prepare_vocab(update, keep_raw_vocab, trim_rule, min_count, sample, dry_run)
        if not dry_run and getattr(self, "_new_tags", None) is not None:
            self._old_tags = self.tags if update else None
            self.tags = self.tags.grow(self._new_tags) if update else self._new_tags
            self._new_tags = None
        return report

    def init_weights(self):
        """Fresh word and output weights (Word2Vec's) and document vectors, uniform in
        [-1/D, 1/D) from their own stream of the seed (gensim draws them from ``seed + 7919``)."""
        super().init_weights()
        self.dv = DocumentVectors.of_tags(self.tags, self._fresh_doc_rows(len(self.tags), 0))
        # dm_concat's null row (gensim's null word), drawn as a word's
        self.null_vector = self._fresh_doc_rows(1, 1 << 62)[0] if self.config.concat else None
        self._clear_infer_cache()

    def prepare_weights(self, update=False):
        old = getattr(self, "_old_tags", None)
        super().prepare_weights(update)
        if update and old is not None:
            rows = self.dv.vectors if len(self.dv) == len(old) else self._fresh_doc_rows(len(old), 0)
            extra = self._fresh_doc_rows(len(self.tags) - len(old), len(old))
            self.dv = DocumentVectors.of_tags(self.tags, np.vstack([rows, extra]))

    def _fresh_doc_rows(self, n, start):
        cfg = self.config
        rows = np.random.default_rng([cfg.seed, 7919, start]).random((n, cfg.vector_size), dtype=np.float32)
        # in place: a temporary as large as dv costs its page faults again (seconds for 10^5 tags)
        rows *= 2
        rows -= 1
        rows /= cfg.vector_size
        return rows

    def _make_wv(self, words, vectors, counts=None):
        return KeyedVectors(words, vectors, counts=counts)

    # training ----------------------------------------------------------------------------------
    def _training_arrays(self):
        if len(self.dv) != len(self.tags):
            raise ValueError("the document vectors do not match the tags: build_vocab first")
        offsets, ids = self._doc_tags(self._encoded_for_training)
        words, objective = super()._training_arrays()
        cfg = self.config
        tags = WordRows(self.dv.vectors, lock_factors(self.dv.vectors_lockf, len(self.dv)))
        if cfg.concat:
            return DocConcat(words, tags, offsets, ids, True, True, True, self.null_vector,
                             cfg.dm_tag_count, self.layer1_size), objective
        return DocTags(words, tags, offsets, ids, bool(cfg.dm or cfg.dbow_words), True, True), objective

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None, total_words=None,
              epochs=None, start_alpha=None, end_alpha=None, word_count=0, queue_factor=2,
              report_delay=1.0, compute_loss=False, callbacks=(), *, progress=None):
        """Train on documents (Word2Vec's ``train``, gensim's signature); the corpus arguments are
        checked first, a TypeError as in gensim. Tags the model lacks are left out."""
        if (corpus_iterable is None) == (corpus_file is None):
            raise TypeError("give exactly one of corpus_iterable (documents) and corpus_file")
        if corpus_file is not None and not isinstance(corpus_file, (str, os.PathLike)):
            raise TypeError(f"corpus_file must be a path to a text file, got {type(corpus_file).__name__}")
        if corpus_iterable is not None and not hasattr(corpus_iterable, "__iter__"):
            raise TypeError(f"documents must be an iterable of TaggedDocument, got {corpus_iterable!r}")
        return super().train(corpus_iterable, corpus_file, total_examples, total_words, epochs,
                             start_alpha, end_alpha, word_count, queue_factor, report_delay,
                             compute_loss, callbacks, progress=progress)

    def _run_schedule(self, source, schedule, position, callbacks, progress):
        if not self.dv.vectors.flags.writeable:
            raise ValueError("the document vectors are read-only (loaded with mmap='r'): load the "
                             "model with mmap=None, or mmap='c', to train it")
        # The input layer needs the tags of the corpus's sentences before the engine starts: read
        # (or take) the encoded corpus now, and leave it where the engine looks for it.
        encoded = self._encoded_corpus(source)
        self._doc_tags(encoded)
        self._encoded = (os.fspath(source) if isinstance(source, os.PathLike) else source, encoded)
        self._encoded_for_training = encoded
        self._clear_infer_cache()
        try:
            return super()._run_schedule(source, schedule, position, callbacks, progress)
        finally:
            self._encoded_for_training = None
            self.dv.clear_norms()

    # inference ---------------------------------------------------------------------------------
    def infer_vector(self, doc_words, alpha=None, min_alpha=None, epochs=None):
        """A vector for a new document, trained with the word and output weights frozen (gensim's).

        The document's vector starts from a draw seeded by the model's ``seed`` and the words, and
        the learning rate falls from ``alpha`` to ``min_alpha`` (default: the model's) over
        ``epochs`` passes (default: the model's), so the same words give the same vector.

        Examples
        --------
        >>> from w2v import Doc2Vec, TaggedDocument
        >>> docs = [TaggedDocument(["a", "b", "c"], [0]), TaggedDocument(["b", "c", "d"], [1])] * 10
        >>> model = Doc2Vec(docs, vector_size=4, min_count=1, epochs=2, workers=1, progress=False)
        >>> bool((model.infer_vector(["a", "b"]) == model.infer_vector(["a", "b"])).all())
        True
        """
        if isinstance(doc_words, (str, bytes)):
            raise TypeError("infer_vector() takes a list of words, not a single string "
                            "(split it first: text.split())")
        alpha, min_alpha, epochs = self._inference_schedule(alpha, min_alpha, epochs)
        known, state = self._new_document(doc_words, self.wv.key_to_index.get)
        # one document: none of infer_vectors' batching (a tenth of a short document's call)
        return self._inference().infer_one(np.array(known, np.int32), state, alpha, min_alpha, epochs)

    def infer_vectors(self, documents, alpha=None, min_alpha=None, epochs=None, workers=None):
        """w2v's own: :meth:`infer_vector` for many documents at once, as float32[N, D], row i the
        vector ``infer_vector(documents[i], ...)`` gives; the documents are shared among
        ``workers`` threads (default: the model's ``workers``). One call trains them all, so it
        saves the Python around each of gensim's calls.

        Examples
        --------
        >>> from w2v import Doc2Vec, TaggedDocument
        >>> docs = [TaggedDocument(["a", "b", "c"], [0]), TaggedDocument(["b", "c", "d"], [1])] * 10
        >>> model = Doc2Vec(docs, vector_size=4, min_count=1, epochs=2, workers=1, progress=False)
        >>> vectors = model.infer_vectors([["a", "b"], ["c", "d", "a"]], workers=2)
        >>> bool((vectors[1] == model.infer_vector(["c", "d", "a"])).all())
        True
        """
        alpha, min_alpha, epochs = self._inference_schedule(alpha, min_alpha, epochs)
        cfg = self.config
        get = self.wv.key_to_index.get
        flat, lengths, states = [], [], []
        for words in documents:
            if isinstance(words, (str, bytes)):
                raise TypeError("each document is a list of words, not a single string (split it first)")
            known, state = self._new_document(words, get)
            flat += known
            lengths.append(len(known))
            states.append(state)
        offsets = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if not lengths:
            return np.zeros((0, cfg.vector_size), np.float32)
        return self._inference().infer(np.array(flat, np.int32), offsets, np.array(states, np.uint64), alpha,
                                       min_alpha, epochs, cfg.workers if workers is None else workers,
                                       max(lengths))

    def _inference_schedule(self, alpha, min_alpha, epochs):
        """Check that the model can infer; (alpha, min_alpha, epochs) with the model's defaults."""
        if self.vocab is None or not len(self.wv):
            raise ValueError("this model has no word or output weights yet: infer_vector needs a "
                             "trained Doc2Vec (build_vocab and train first)")
        if len(self.dv) == 0:
            raise ValueError("this model has no document vectors: train it on documents first "
                             "(infer_vector needs a trained Doc2Vec)")
        cfg = self.config
        epochs = int(epochs or cfg.epochs)
        if epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {epochs}")
        return alpha or cfg.alpha, min_alpha or cfg.min_alpha, epochs

    def _new_document(self, words, get):
        """(ids of the known words, generator state) of a document to infer: its own generator,
        seeded by the model's seed and the words."""
        words = words if isinstance(words, list) else list(words)
        seed = self.config.seed
        state = zlib.crc32(" ".join(map(str, words)).encode("utf-8", "surrogatepass"), seed)
        return [i for i in map(get, words) if i is not None], (state * 0x9E3779B97F4A7C15 + seed + 1) % (1 << 64) or 1

    def similarity_unseen_docs(self, doc_words1, doc_words2, alpha=None, min_alpha=None, epochs=None):
        """Cosine similarity of the vectors inferred for two new documents (gensim's)."""
        v1 = self.infer_vector(doc_words1, alpha, min_alpha, epochs)
        v2 = self.infer_vector(doc_words2, alpha, min_alpha, epochs)
        n1, n2 = np.linalg.norm(v1), np.linalg.norm(v2)
        return float(v1 @ v2 / (n1 * n2)) if n1 and n2 else 0.0

    def _inference(self):
        """The model's :class:`~w2v.engines.infer.Inference`, built once per set of weights."""
        cfg = self.config
        key = (id(self.wv.vectors), id(self.syn1), id(self.syn1neg), cfg.sample, cfg.ns_exponent,
               cfg.negative, cfg.hs, cfg.window, cfg.cbow_mean, cfg.shrink_windows)
        cached = getattr(self, "_infer_cache", None)
        if cached is None or cached[0] != key:
            # the classic per-example noise draws (shared negatives are a training speed-up)
            frozen_cfg = dataclasses.replace(cfg, shared_negatives=False)
            # a mapped read-only layer is copied: the kernels type the write they do not make
            syn1, syn1neg = (a if a is None or a.flags.writeable else np.array(a) for a in (self.syn1, self.syn1neg))
            objective = build_objective(frozen_cfg, self.vocab, syn1, syn1neg)
            concat = (self.null_vector, cfg.dm_tag_count, self.layer1_size) if cfg.concat else None
            cached = (key, Inference(frozen_cfg, self.wv.vectors, objective,
                                     self.vocab.keep_probabilities(cfg.sample), concat))
            self._infer_cache = cached
        return cached[1]

    def _clear_infer_cache(self):
        self._infer_cache = None

    # files -------------------------------------------------------------------------------------
    def save_word2vec_format(self, fname, doctag_vec=False, word_vec=True, prefix="*dt_", fvocab=None,
                             binary=False):
        """Write word and/or document vectors in the C tool's format (gensim's): the words first,
        then the tags, each written as ``prefix + str(tag)``, in one file."""
        if not (doctag_vec or word_vec):
            raise ValueError("nothing to write: set word_vec and/or doctag_vec")
        total = len(self.wv) + len(self.dv) if (word_vec and doctag_vec) else None
        if word_vec:
            self.wv.save_word2vec_format(fname, fvocab, binary, total)
        if doctag_vec:
            self.dv.save_word2vec_format(fname, prefix=prefix, fvocab=fvocab, binary=binary,
                                         write_header=not word_vec, append=bool(word_vec),
                                         sort_attr=None)

    def _archive(self):
        meta, arrays = super()._archive()
        blob, offsets = native.encode_words(self.tags.strings)
        arrays.update(doctag_vectors=self.dv.vectors, doctags_blob=blob, doctags_offsets=offsets,
                      doctag_counts=self.dv.counts)
        meta["doctag_max_int"] = self.tags.max_int
        if self.null_vector is not None:
            arrays["null_vector"] = self.null_vector[None, :]
        if self.doc_previews is not None and len(self.doc_previews) == len(self.dv):
            arrays["previews_blob"], arrays["previews_offsets"] = native.encode_words(self.doc_previews)
        return meta, arrays

    def _restore(self, meta, arrays, mapped=False):
        super()._restore(meta, arrays, mapped)
        strings = native.decode_words(arrays["doctags_blob"], arrays["doctags_offsets"])
        max_int = meta.get("doctag_max_int")
        if isinstance(max_int, bool) or not isinstance(max_int, int) or max_int < -1:
            raise ValueError(f"doctag_max_int must be an integer >= -1, got {max_int!r}")
        counts = arrays.get("doctag_counts")
        self.tags = TagVocab(max_int, strings, None if counts is None else counts.astype(np.int64))
        vectors = arrays["doctag_vectors"]
        if vectors.shape != (len(self.tags), self.config.vector_size):
            raise ValueError(f"doctag_vectors has shape {vectors.shape}, expected "
                             f"{(len(self.tags), self.config.vector_size)}")
        if not mapped:
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.dv = DocumentVectors.of_tags(self.tags, vectors)
        null = arrays.get("null_vector")
        if self.config.concat:
            if null is None or null.shape != (1, self.config.vector_size):
                raise ValueError("a dm_concat model needs its null_vector (1 x vector_size)")
            self.null_vector = np.array(null[0], dtype=np.float32)
        if "previews_blob" in arrays:
            self.doc_previews = native.decode_words(arrays["previews_blob"], arrays["previews_offsets"])
            if len(self.doc_previews) != len(self.dv):
                raise ValueError(f"{len(self.doc_previews)} document previews for {len(self.dv)} tags")
        self._clear_infer_cache()
