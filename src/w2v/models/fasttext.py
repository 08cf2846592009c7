"""FastText: word2vec whose input vectors are means of a word row and its character n-gram rows
(Bojanowski et al. 2017), with gensim 4.4's API at gensim's module path, and Facebook's ``.bin``.

The model is :class:`~w2v.models.word2vec.Word2Vec` with another configuration (``min_n``,
``max_n``, ``bucket``), other vectors (:class:`FastTextKeyedVectors`) and the kernels' subword
input kind; the vocabulary, engine, epochs, threads, callbacks and checkpoints are Word2Vec's.
"""
import dataclasses
import logging

import numpy as np

from ..corpus.vocab import Vocab
from ..engines.local import seed_states
from ..vectors import facebook, native
from ..vectors.ngrams import compute_ngrams, compute_ngrams_bytes, ft_hash_bytes, ft_ngram_hashes
from .config import Config
from .keyedvectors import load_any
from .subwordvectors import FastTextKeyedVectors, check_ngram_settings, uniform_rows
from .word2vec import Word2Vec

__all__ = ["FastText", "FastTextKeyedVectors", "FastTextConfig", "load_facebook_model",
           "load_facebook_vectors", "save_facebook_model", "load_any_vectors", "compute_ngrams", "compute_ngrams_bytes",
           "ft_hash_bytes", "ft_ngram_hashes"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class FastTextConfig(Config):
    """:class:`~w2v.models.config.Config` plus the n-gram settings, gensim's names and defaults.

    ``max_n=0`` or ``bucket=0`` turns n-grams off (plain word2vec). ``word_ngrams`` is gensim's
    and must be 1 (word n-grams belong to fastText's classifier).

    Examples
    --------
    >>> FastTextConfig(min_n=4, max_n=3).validate()
    Traceback (most recent call last):
    ...
    ValueError: min_n (4) must be <= max_n (3); max_n=0 or bucket=0 turns n-grams off
    """

    min_n: int = 3
    max_n: int = 6
    bucket: int = 2_000_000
    word_ngrams: int = 1
    cbow_held_rows: bool = True      # CBOW reads a context word's ~13 rows once per position

    def validate(self):
        super().validate()
        check_ngram_settings(self.min_n, self.max_n, self.bucket)
        if self.word_ngrams != 1:
            raise ValueError(f"word_ngrams must be 1 (word n-grams are for fastText's classifier), "
                             f"got {self.word_ngrams!r}")
        self.min_n, self.max_n, self.bucket = int(self.min_n), int(self.max_n), int(self.bucket)
        return self

    @property
    def kernel(self):
        """Config's, except that held rows are for n-gram rows: without n-grams CBOW trains as
        Word2Vec's does."""
        kernel = super().kernel
        return "cbow" if kernel == "cbow_held" and not self.subwords else kernel

    @property
    def subwords(self):
        """Whether words have n-gram rows (``max_n > 0`` and ``bucket > 0``)."""
        return self.max_n > 0 and self.bucket > 0


# gensim 4.4's FastText(...) parameters in its order
GENSIM_ORDER = ("sentences", "corpus_file", "sg", "hs", "vector_size", "alpha", "window", "min_count",
                "max_vocab_size", "word_ngrams", "sample", "seed", "workers", "min_alpha", "negative",
                "ns_exponent", "cbow_mean", "hashfxn", "epochs", "null_word", "min_n", "max_n",
                "sorted_vocab", "bucket", "trim_rule", "batch_words", "callbacks", "max_final_vocab",
                "shrink_windows")


class FastText(Word2Vec):
    """Train subword vectors (fastText's skip-gram or CBOW): a word's input vector is the mean of
    its own row and the rows of its character n-grams, so any word gets a vector.

    gensim 4.4's parameters, order and defaults (``min_n=3``, ``max_n=6``, ``bucket=2000000``, the
    rest as :class:`~w2v.models.word2vec.Word2Vec`); ``max_n=0`` or ``bucket=0`` trains plain
    word2vec. Vocabulary, engine, threads, callbacks, checkpoints and resume are Word2Vec's; ``wv``
    is a :class:`FastTextKeyedVectors`. ``engine="ray"`` is refused (the cluster engine trains
    word rows only).

    Examples
    --------
    >>> from w2v import FastText
    >>> sentences = [["cat", "say", "meow"], ["dog", "say", "woof"]] * 20
    >>> model = FastText(sentences, vector_size=8, min_count=1, bucket=1000, epochs=2, workers=1,
    ...                  progress=False)
    >>> model.wv["cats"].shape, model.wv.has_index_for("cats"), "cats" in model.wv
    ((8,), False, True)
    """

    config_class = FastTextConfig
    gensim_order = GENSIM_ORDER
    archive_kind = "fasttext"
    checkpoint_kind = "fasttext-checkpoint"

    def _configure(self, a):
        self._rows_from = None        # the rows _make_wv keeps: a restored or a grown model's
        super()._configure(a)
        if self.engine != "local":
            raise ValueError(f"engine={self.engine!r}: FastText trains with the local engine only "
                             "(the cluster engine trains word rows, not n-gram rows)")
        self.facebook_args = None     # the arguments of the .bin it was loaded from
        # its hierarchical-softmax output rows, written back unchanged until the model trains
        self.facebook_output = None

    @property
    def bucket(self):
        """Buckets of n-gram rows in use (0 when n-grams are off); the setting is ``config.bucket``."""
        return self.config.bucket if self.config.subwords else 0

    def _make_wv(self, words, vectors, counts=None):
        """FastTextKeyedVectors over fastText's input matrix: ``vectors`` as the word rows, then
        the n-gram rows, drawn uniform in [-1/D, 1/D) (fastText's and gensim's range); a restored
        or grown model keeps its rows (``_rows_from``)."""
        cfg, bucket = self.config, self.bucket
        source, self._rows_from = self._rows_from, None
        n, dim = len(words), cfg.vector_size
        if not n:
            return FastTextKeyedVectors(dim, cfg.min_n, cfg.max_n, bucket)
        if source is not None and len(source) == n + bucket:
            matrix = source                                   # a restored archive's rows, as saved
        else:
            matrix = np.empty((n + bucket, dim), np.float32)
            matrix[:n] = vectors
            if source is not None:                            # a grown vocabulary: old rows kept
                old = len(source) - bucket
                matrix[:old] = source[:old]
                matrix[n:] = source[old:]
            else:
                uniform_rows(matrix, n, cfg.seed)
        return FastTextKeyedVectors.from_rows(words, matrix, cfg.min_n, cfg.max_n, bucket, counts)

    def _grow_weights(self, old_size):
        self._rows_from = self.wv.vectors_all
        super()._grow_weights(old_size)

    def _training_arrays(self):
        """The subword input kind (word rows + n-gram rows, mean, gradient to each) and the
        objective; without n-grams (``max_n=0`` or ``bucket=0``) word2vec's word rows, so that
        such a model trains as Word2Vec does (skip-gram over subword rows goes fastText's way, the
        centre predicting its context; over word rows the C tool's)."""
        from ..kernels.inputs import SubwordRows, WordRows, word_drifts
        wv = self.wv
        if not wv.vectors_all.flags.writeable:
            raise ValueError("the weights are read-only (loaded with mmap='r'): load the model with "
                             "mmap=None, or mmap='c' (copy on write), to train it")
        for name in ("syn1neg", "syn1"):        # an output layer mapped copy-on-write: read it now
            a = getattr(self, name)
            if isinstance(a, np.memmap) and a.mode == "c":
                setattr(self, name, np.array(a, dtype=np.float32))
        _, objective = super()._training_arrays()
        if not self.bucket:
            return WordRows(wv.vectors_all, self._lock_rows()), objective
        lockf = self._lock_rows()
        drift = word_drifts(wv.subword_offsets, wv.subword_rows, lockf)    # once, not at every centre word
        return SubwordRows(wv.vectors_all, wv.subword_offsets, wv.subword_rows, lockf, drift), objective

    def _lock_rows(self):
        """Per-row factors of the input updates from gensim's ``vectors_vocab_lockf`` and
        ``vectors_ngrams_lockf`` (one value, or one per row); None when nothing is locked."""
        wv, n = self.wv, len(self.wv)
        vocab = np.asarray(wv.vectors_vocab_lockf, np.float32).ravel()
        ngrams = np.asarray(wv.vectors_ngrams_lockf, np.float32).ravel()
        if (vocab == 1).all() and (ngrams == 1).all():
            return None
        parts = []
        for values, rows, name in ((vocab, n, "vectors_vocab_lockf"), (ngrams, self.bucket, "vectors_ngrams_lockf")):
            if values.shape not in ((1,), (rows,)):
                raise ValueError(f"{name} has {len(values)} values; give one, or one per row ({rows})")
            parts.append(np.broadcast_to(values, (rows,)))
        return np.ascontiguousarray(np.concatenate(parts), np.float32)

    def _run_schedule(self, encoded, schedule, position, callbacks, progress):
        """Word2Vec's schedule. Each word's mean vector is recomputed after every epoch by
        :meth:`current_vectors` (before the divergence check and any callback see the model), so
        a finished training has its means already; a training stopped part way through an epoch
        (an exception, an interrupt, a divergence) gets them here, from the rows as it left them."""
        self.facebook_output = None
        try:
            return super()._run_schedule(encoded, schedule, position, callbacks, progress)
        except BaseException:
            self.wv.adjust_vectors()
            raise

    def current_vectors(self):
        """The word means recomputed from the rows as training has left them (``wv.vectors``
        updated): the epoch loop's divergence check reads them after every epoch, so callbacks
        then see that epoch's means."""
        self.wv.adjust_vectors()
        return self.wv.vectors

    def _archive(self):
        meta, arrays = super()._archive()
        own_meta, own = self.wv.archive()        # FastTextKeyedVectors.load reads a model's file too
        meta.update({k: own_meta[k] for k in ("min_n", "max_n", "bucket")})
        arrays.update(vectors_all=own["vectors_all"], subword_offsets=own["subword_offsets"],
                      subword_rows=own["subword_rows"])
        if self.facebook_args:
            meta["facebook_args"] = self.facebook_args
        return meta, arrays

    def _restore(self, meta, arrays, mapped=False):
        matrix = arrays.get("vectors_all")
        if matrix is None or matrix.ndim != 2:
            raise ValueError("the file has no subword matrix (vectors_all)")
        self._rows_from = matrix if mapped else np.ascontiguousarray(matrix, np.float32)
        super()._restore(meta, arrays, mapped)
        args = meta.get("facebook_args")
        self.facebook_args = args if isinstance(args, dict) and set(args) == set(facebook.ARG_NAMES) else None

    def _adopt(self, m):
        """Take a :class:`w2v.vectors.facebook.FacebookModel`'s vocabulary and weights."""
        cfg = self.config
        self.vocab = Vocab(m.words, m.counts)
        self.wv = FastTextKeyedVectors.from_rows(m.words, m.input, cfg.min_n, cfg.max_n, self.bucket,
                                                 counts=m.counts.copy())
        if cfg.negative:
            self.syn1neg = m.output
        elif cfg.softmax:
            self.syn1 = m.output
        if cfg.hs:
            logger.warning("fastText's hierarchical-softmax weights are not imported (its tree "
                           "breaks ties between equal counts the other way, and its labels are "
                           "the opposite sign): training further starts them from zero; the "
                           "vectors are fastText's")
            self.syn1 = np.zeros_like(m.output)
            self.facebook_output = m.output
        self._add_tree_attrs()
        self.rng_states = seed_states(cfg.seed, cfg.workers)
        self.corpus_total_words = m.ntokens
        self.facebook_args = dict(m.args)

    @classmethod
    def load_fasttext_format(cls, model_file, encoding="utf8"):
        """gensim's deprecated name of :func:`load_facebook_model`."""
        return load_facebook_model(model_file, encoding=encoding)


# fastText's loss and model codes in a .bin's arguments
LOSS_CODES = {"hs": 1, "ns": 2, "softmax": 3}
SG_CODES = {0: 1, 1: 2}


def facebook_args(model):
    """fastText's arguments (:data:`w2v.vectors.facebook.ARG_NAMES`) for ``model``: those of the
    ``.bin`` it was loaded from, updated with the model's settings. As gensim writes them: loss
    ``hs`` whenever ``hs=1`` (with ``neg`` = ``negative``, which may be 0), ``softmax`` for w2v's
    exact softmax, else ``ns``."""
    cfg = model.config
    args = dict(getattr(model, "facebook_args", None) or {"wordNgrams": 1, "lrUpdateRate": 100})
    loss = LOSS_CODES["hs" if cfg.hs else ("softmax" if cfg.softmax else "ns")]
    args.update(dim=cfg.vector_size, ws=cfg.window, epoch=cfg.epochs, minCount=cfg.min_count,
                neg=cfg.negative, loss=loss, model=SG_CODES[cfg.sg], bucket=model.bucket,
                minn=cfg.min_n if cfg.subwords else 0, maxn=cfg.max_n if cfg.subwords else 0,
                t=cfg.sample)
    return args


def load_facebook_vectors(path, encoding="utf-8", mmap=None):
    """The vectors of a fastText ``.bin`` model, as :class:`FastTextKeyedVectors` (gensim's).

    Only the input matrix is read (straight into its array: loading peaks at about the file's
    size); ``mmap="r"`` maps it from the file instead. Any word, seen or not, has a vector equal
    to fastText's ``get_word_vector``.

    Raises ValueError (one line) for a supervised, quantized, damaged or unknown-version file.
    """
    m = facebook.read_facebook(path, full_model=False, mmap=mmap, encoding=encoding)
    return _vectors(m)


def _vectors(m):
    kv = FastTextKeyedVectors.from_rows(m.words, m.input, m.args["minn"], m.args["maxn"],
                                        m.args["bucket"], counts=m.counts)
    kv.add_lifecycle_event("load_fasttext_format", msg=f"{m.nwords} words, {m.args['bucket']} buckets")
    return kv


def load_any_vectors(path):
    """The vectors of any file w2v reads: a fastText ``.bin`` or a native FastText file (vectors
    for any word: :class:`FastTextKeyedVectors`), else :func:`w2v.models.keyedvectors.load_any`'s."""
    if facebook.is_facebook(path):
        return load_facebook_vectors(path)
    if native.stored_kind(path) in (FastText.archive_kind, "fasttextvectors"):
        return FastTextKeyedVectors.load(path)
    return load_any(path)


def load_facebook_model(path, encoding="utf-8"):
    """A :class:`FastText` from a fastText ``.bin`` model, ready to query and to train further
    (gensim's). See :func:`load_facebook_vectors` for the vectors alone.

    The output matrix is mapped copy-on-write and read when training starts, so loading peaks at
    about the input matrix and the word vectors (docs/fasttext.md measures it)."""
    m = facebook.read_facebook(path, full_model=True, encoding=encoding, map_output=True)
    args = m.args
    if args["loss"] == 4:
        raise ValueError(f"{path}: loss 'ova' (one-vs-all) belongs to fastText's classifier")
    loss = {1: "hs", 2: "ns", 3: "softmax"}[args["loss"]]
    # gensim's reading: a hierarchical-softmax file keeps its 'neg' as negative sampling too
    negative = max(args["neg"], 0) if loss == "hs" else (max(args["neg"], 1) if loss == "ns" else 0)
    model = FastText(vector_size=args["dim"], window=max(args["ws"], 1), epochs=max(args["epoch"], 1),
                     min_count=max(args["minCount"], 0), sample=max(args["t"], 0.0),
                     sg=int(args["model"] == 2), hs=int(loss == "hs"), negative=negative,
                     softmax=int(loss == "softmax"), min_n=args["minn"], max_n=args["maxn"],
                     bucket=args["bucket"], progress=False)
    model._adopt(m)
    return model


def save_facebook_model(model, path, encoding="utf-8", lr_update_rate=100, word_ngrams=1):
    """Write ``model`` (a :class:`FastText`) as fastText 0.9.2's ``.bin``, atomically (gensim's).

    fastText's ``load_model`` reads the file and gives the same vectors for every word. A model
    loaded from a ``.bin`` and saved unchanged gives the same bytes. ``encoding`` must be UTF-8
    (fastText's); ``lr_update_rate`` and ``word_ngrams`` are fastText's fields (``word_ngrams``
    must be 1 for an unsupervised model).
    """
    if encoding.lower().replace("-", "") != "utf8":
        raise ValueError(f"fastText files are UTF-8; encoding={encoding!r} is not supported")
    if word_ngrams != 1:
        raise ValueError("word_ngrams must be 1 in an unsupervised fastText model")
    if model.vocab is None:
        raise ValueError("nothing to save: the model has no vocabulary yet")
    args = facebook_args(model)
    if getattr(model, "facebook_args", None) is None or lr_update_rate != 100:
        args["lrUpdateRate"] = lr_update_rate
    cfg = model.config
    out = model.syn1neg if cfg.negative else model.syn1          # gensim's choice when both
    if not cfg.negative and getattr(model, "facebook_output", None) is not None:
        out = model.facebook_output            # a loaded hierarchical-softmax model, not trained since
    kv = model.wv
    vectors_all = kv.vectors_all if cfg.subwords else kv.vectors_vocab
    facebook.write_facebook(path, facebook.FacebookModel(
        args, list(kv.index_to_key), kv.counts, int(model.corpus_total_words or kv.counts.sum()),
        vectors_all, out))

