"""Word2Vec: owns the vocabulary and the weight arrays; builds the vocabulary, trains, saves and
loads. The maths lives in kernels/, the schedule and the engines in engines/.
"""
import dataclasses
import functools
import inspect
import logging
import os

import numpy as np
from tqdm.auto import tqdm

from ..vectors import extensions, native
from . import modelfiles
from .config import SOFTMAX_WARN_VOCAB, Config
from ..corpus import READER_OPTIONS, LineReader, LineSentence, PathLineSentences, as_sentences, hints
from ..corpus.classic import BrownCorpus, Text8Corpus
from ..corpus.encoded import Scan, encode_with_vocab, scan
from .keyedvectors import KeyedVectors
from .queries import OutputQueries
from .signature import bind_arguments, class_only, derive_signature
from ..engines import get_engine
from ..engines.base import TrainingRequest
from ..engines.epochs import Position, Schedule, progress_style, run_epochs
from ..engines.local import build_objective, lock_factors, seed_states
from ..kernels import WordRows
from ..corpus.vocab import EmptyVocabularyError, Vocab, effective_min_count

# gensim's gensim.models.word2vec offers its corpus readers beside the model
# gensim.models.word2vec's readers are here too, so that its imports port by one word.
__all__ = ["Word2Vec", "LineSentence", "PathLineSentences", "Text8Corpus", "BrownCorpus"]

logger = logging.getLogger(__name__)


CHECKPOINT_NAME = "checkpoint.w2v"


# gensim 4.4's Word2Vec(...) parameters in its order: they can be passed by position, as there.
GENSIM_ORDER = ("sentences", "corpus_file", "vector_size", "alpha", "window", "min_count",
                "max_vocab_size", "sample", "seed", "workers", "min_alpha", "sg", "hs", "negative",
                "ns_exponent", "cbow_mean", "hashfxn", "epochs", "null_word", "trim_rule",
                "sorted_vocab", "batch_words", "compute_loss", "callbacks", "comment",
                "max_final_vocab", "shrink_windows")

# Word2Vec's arguments that are not hyperparameters (those are Config's fields), with defaults.
RUN_OPTIONS = {
    "sentences": None, "corpus_file": None, "trim_rule": None, "callbacks": (),
    "compute_loss": False,      # gensim's: get_latest_training_loss() reports the summed loss
    "comment": None,            # gensim's: a note kept with the model
    "tokenizer": "whitespace", "encoding": "utf-8", "errors": "strict", "progress": True,
    "cache_dir": None, "engine": "local", "engine_options": None, "checkpoint_dir": None,
    "checkpoint_every": "epoch",
}


class Word2Vec(OutputQueries):
    """Train word2vec embeddings: skip-gram or CBOW, negative sampling, hierarchical or exact softmax.

    The parameters, their order and defaults are gensim's (the hyperparameters are the fields of
    :class:`w2v.models.config.Config`), so gensim code ports by changing the import; an unknown keyword
    is a ``TypeError`` naming it. Accepted for gensim's sake only: ``hashfxn`` (the initial
    vectors come from ``seed``), ``null_word=0``, ``batch_words`` and ``comment``;
    ``compute_loss`` decides whether :meth:`get_latest_training_loss` reports the summed loss
    (``training_log`` always has each epoch's mean). w2v's own, keyword-only: ``softmax=1`` (exact softmax, small
    vocabularies), ``shared_negatives``, ``cbow_shared_centres``, ``cbow_held_rows`` (on for
    FastText: docs/fasttext.md) and ``hs_private_nodes`` (kernel choices, see docs/speed.md), ``max_sentence_length``, ``tokenizer``, ``encoding``, ``errors`` (how text
    files are read), ``progress`` (tqdm bar on stderr), ``cache_dir`` (where the
    integer-encoded corpus is kept during training), ``engine`` with ``engine_options``
    (who trains: ``"local"`` threads, ``"ray"`` for data-parallel training on a Ray cluster,
    see ``w2v.engines.distributed``, or an engine added with
    :func:`w2v.engines.base.register_engine`), ``checkpoint_dir`` and
    ``checkpoint_every`` (``"epoch"`` or a number of tokens; see :meth:`resume`).

    Parameters
    ----------
    sentences : iterable of list of str, or str path, optional
        Token lists, or a text file / folder (one sentence per line).
    corpus_file : str, optional
        A text file or folder; the same as passing its path as ``sentences``.

    Notes
    -----
    A subclass (``FastText(Word2Vec)``, ``Doc2Vec(Word2Vec)``) adds its parameters without editing
    this class: its own ``config_class`` (a dataclass extending :class:`~w2v.models.config.Config`),
    ``gensim_order``, ``run_options`` and ``corpus_parameter`` give its signature, derived when the
    class is created; the archive kinds name its files. It overrides the hooks it needs:
    :meth:`_configure` (its run options), :meth:`init_weights` and :meth:`_make_wv` (its input
    layer), :meth:`_training_arrays` (what the kernels train), :meth:`_archive` and
    :meth:`_restore` (its extra saved arrays), and inherits the rest.

    Examples
    --------
    >>> from w2v import Word2Vec
    >>> sentences = [["cat", "sat", "on", "the", "mat"], ["dog", "sat", "on", "the", "log"]] * 50
    >>> model = Word2Vec(sentences, vector_size=16, min_count=1, epochs=2, seed=1, workers=1,
    ...                  progress=False)
    >>> model.wv["cat"].shape
    (16,)
    >>> Word2Vec(windw=5)
    Traceback (most recent call last):
    ...
    TypeError: Word2Vec(): got an unexpected keyword argument 'windw' (did you mean 'window'?)
    """

    config_class = Config             # the hyperparameters: a dataclass with validate(), to_dict(), from_dict()
    gensim_order = GENSIM_ORDER       # the parameters that can be passed by position, in this order
    run_options = RUN_OPTIONS         # the arguments that are not hyperparameters, with defaults
    corpus_parameter = "sentences"    # the argument that holds the corpus (Doc2Vec's: documents)
    archive_kind = "model"            # the kind of file save() writes and load() accepts
    checkpoint_kind = "checkpoint"    # the kind of the checkpoint file resume() reads

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__signature__ = derive_signature(cls)

    def __init__(self, *args, **kwargs):
        cls = type(self)
        a = bind_arguments(cls.__signature__, f"{cls.__name__}()", args, kwargs).arguments
        self.config = cls.config_class(**{f.name: a[f.name]
                                          for f in dataclasses.fields(cls.config_class)}).validate()
        self._configure(a)
        sentences, corpus_file = a[cls.corpus_parameter], a["corpus_file"]
        if sentences is not None and corpus_file is not None:
            raise ValueError(f"give either {cls.corpus_parameter} or corpus_file, not both")
        source = sentences if sentences is not None else corpus_file
        if source is not None:
            if not get_engine(self.engine).counts_words:   # else it counts them in train
                self.build_vocab(source)
            self._train(source, None, self.config.epochs, None, None, self.compute_loss, (), None)

    def _configure(self, a):
        """Set up the model from its bound arguments ``a`` (a dict of every parameter), before
        any training: the run options, and empty weights. A subclass reads its own run options
        here, after calling this."""
        self.reader_options = {k: a[k] for k in READER_OPTIONS}
        self.progress = a["progress"]
        self.cache_dir = a["cache_dir"]
        checkpoint_every = a["checkpoint_every"]
        if checkpoint_every != "epoch" and (isinstance(checkpoint_every, bool) or
                                            not isinstance(checkpoint_every, int) or
                                            checkpoint_every < 1):
            raise ValueError(f"checkpoint_every must be 'epoch' or a number of words >= 1, "
                             f"got {checkpoint_every!r}")
        self.checkpoint_dir = None if a["checkpoint_dir"] is None else os.fspath(a["checkpoint_dir"])
        self.checkpoint_every = checkpoint_every
        self.checkpoint_outputs = None   # where the CLI will save, so a resumed run can too
        self.callbacks = tuple(a["callbacks"])
        self.trim_rule = a["trim_rule"]
        self.compute_loss = bool(a["compute_loss"])
        self.comment = a["comment"]
        get_engine(a["engine"]).check_options(a["engine_options"])
        self.engine, self.engine_options = a["engine"], dict(a["engine_options"] or {})
        self.vocab = None
        self.wv = self._make_wv([], np.zeros((0, self.config.vector_size), np.float32))
        self.syn1 = None
        self.syn1neg = None
        self.training_log = []
        self.rng_states = None
        self.corpus_count = 0            # sentences in the corpus the vocabulary was built from
        self.corpus_total_words = 0      # tokens in it (gensim's names)
        self.effective_min_count = self.config.min_count
        self.running_training_loss = 0.0
        self._encoded = None          # (source, EncodedCorpus) kept from build_vocab for train
        self._scan = None             # (source, Scan) between scan_vocab and build_vocab / train

    # gensim's attribute names -------------------------------------------------------------
    def __getattr__(self, name):
        config = self.__dict__.get("config")
        if config is not None and name in type(config).__dataclass_fields__:
            return getattr(config, name)
        if isinstance(inspect.getattr_static(type(self), name, None), class_only):   # it refused the instance
            raise AttributeError(f"{name} is called on the class: {type(self).__name__}.{name}(path), "
                                 "not on a model")
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name, value):
        # gensim code sets hyperparameters on the model (model.alpha = ...): they live in config
        config = self.__dict__.get("config")
        if config is not None and name in type(config).__dataclass_fields__ and name != "config":
            setattr(config, name, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def raw_vocab(self):
        """``{word: count}`` of the last :meth:`scan_vocab` (gensim's; empty once the vocabulary is built)."""
        if self._scan is None:
            return {}
        result = self._scan[1]
        return dict(zip(result.words, result.counts.tolist()))

    # vocabulary -----------------------------------------------------------------------------
    def _tokenizer_name(self, source):
        """The tokenizer's name for :mod:`w2v.corpus.hints`: the readers' for a path, None for
        token lists."""
        if isinstance(source, (str, os.PathLike, Scan)):
            return self.reader_options.get("tokenizer")
        if isinstance(source, LineReader):
            return "whitespace" if source.tokenizer is str.split else "other"
        return None

    def _sentences(self, corpus_iterable, corpus_file):
        if corpus_iterable is not None and corpus_file is not None:
            raise ValueError("give either corpus_iterable or corpus_file, not both")
        source = corpus_iterable if corpus_iterable is not None else corpus_file
        if source is None:
            raise ValueError("no corpus given: pass sentences (corpus_iterable) or corpus_file")
        if isinstance(source, Scan):      # already read and counted (e.g. w2v.phrases.phrase_corpus)
            return source, source
        if isinstance(source, (str, os.PathLike)):
            source = os.fspath(source)
            return source, as_sentences(source, max_sentence_length=self.config.max_sentence_length,
                                        **self.reader_options)
        return source, as_sentences(source)

    def scan_vocab(self, corpus_iterable=None, corpus_file=None, progress_per=10000, workers=None,
                   trim_rule=None, *, progress=None):
        """Count the words of a corpus (gensim's first step of :meth:`build_vocab`); return
        ``(total_words, corpus_count)``. The counts wait for :meth:`prepare_vocab`.

        ``progress_per`` is gensim's and has no effect (progress is a tqdm bar). ``workers``
        (default: the model's) threads look a text file's blocks up at once; the counts do not
        depend on them. ``trim_rule`` prunes while counting when ``max_vocab_size`` is reached.
        """
        source, sentences = self._sentences(corpus_iterable, corpus_file)
        self._close_encoded()
        with tqdm(unit="word", unit_scale=True, desc="reading", leave=False,
                  disable=progress_style(self._progress(progress)) != "bar") as bar:
            if isinstance(sentences, Scan) and sentences.ids_path is None:
                raise ValueError("this scanned corpus was used already (by build_vocab); read the text again")
            result = sentences if isinstance(sentences, Scan) else scan(
                sentences, max_vocab_size=self.config.max_vocab_size, cache_dir=self.cache_dir,
                progress=bar.update, trim_rule=trim_rule, workers=workers or self.workers)
        self._scan = (source, result)
        self.corpus_count, self.corpus_total_words = result.n_sentences, result.n_tokens
        logger.info("read %d tokens in %d sentences, %d distinct words", result.n_tokens,
                    result.n_sentences, len(result.words))
        return result.n_tokens, result.n_sentences

    def prepare_vocab(self, update=False, keep_raw_vocab=False, trim_rule=None, min_count=None,
                      sample=None, dry_run=False):
        """Build the vocabulary from the counts of :meth:`scan_vocab` (gensim's second step):
        apply ``min_count`` (raised to honour ``max_final_vocab``, kept as
        ``effective_min_count``) and ``trim_rule``; with ``update`` add to the vocabulary.

        Returns gensim's report: ``drop_unique`` (distinct words dropped), ``retain_total``
        (tokens of the words kept), ``num_retained_words``, ``downsample_unique`` and
        ``downsample_total`` (words subsampling thins, tokens expected to remain). ``dry_run``
        computes the report and changes nothing. ``keep_raw_vocab`` has no effect: the counts
        stay with the scan until the corpus is encoded (by ``build_vocab`` or ``train``).
        """
        if self._scan is None:
            raise EmptyVocabularyError("no counts to build a vocabulary from: call scan_vocab first")
        result = self._scan[1]
        cfg = self.config
        rule = trim_rule if trim_rule is not None else self.trim_rule
        min_count = cfg.min_count if min_count is None else min_count
        sample = cfg.sample if sample is None else sample
        counts = np.asarray(result.counts, dtype=np.int64)
        effective = min_count if update else effective_min_count(counts, min_count, cfg.max_final_vocab)
        if not counts.sum():
            raise EmptyVocabularyError("the corpus is empty")
        try:
            kept = Vocab.build(result.words, counts, min_count=effective, trim_rule=rule,
                               sort=bool(cfg.sorted_vocab))
        except EmptyVocabularyError:
            if not update:
                raise
            kept = Vocab([], [])      # gensim adds nothing and goes on: the known words still count
        retain_total = kept.total_count
        probabilities = kept.keep_probabilities(sample).astype(np.float64)
        report = {"drop_unique": len(result.words) - len(kept), "retain_total": retain_total,
                  "downsample_unique": int((probabilities < 1).sum()),
                  "downsample_total": int((probabilities * kept.counts).sum()),
                  "num_retained_words": len(kept)}
        if dry_run:
            return report
        self.effective_min_count = effective
        if update:
            if self.vocab is None:
                raise ValueError("build_vocab(update=True) needs a vocabulary: build one first")
            self._old_size = len(self.vocab)
            self.vocab, _ = self.vocab.grow(result.words, counts, min_count=effective, trim_rule=rule)
        else:
            self._old_size = None
            self.vocab = kept
        return report

    def prepare_weights(self, update=False):
        """Allocate the weights for the vocabulary (gensim's third step of :meth:`build_vocab`)."""
        if update and getattr(self, "_old_size", None) is not None:
            self._grow_weights(self._old_size)
        else:
            self.init_weights()

    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False, progress_per=10000,
                    keep_raw_vocab=False, trim_rule=None, *, progress=None, **kwargs):
        """Count the words, build the vocabulary and its tables, and initialise the weights.

        The text is read and tokenized once: the integer-encoded corpus is kept for the
        ``train()`` call that follows on the same corpus. ``update=True`` grows an existing
        vocabulary with the words of a new corpus (existing vectors are kept). Arguments and
        their order are gensim's; ``progress_per`` has no effect (a tqdm bar shows progress).
        Extra keywords go to :meth:`prepare_vocab` (``min_count``, ``sample``, ``dry_run``).
        """
        self.scan_vocab(corpus_iterable, corpus_file, progress=progress, trim_rule=trim_rule)
        source, result = self._scan
        try:
            report = self.prepare_vocab(update=update, keep_raw_vocab=keep_raw_vocab,
                                        trim_rule=trim_rule, **kwargs)
            if kwargs.get("dry_run"):
                return report
            self.prepare_weights(update=update)
            self._encoded = (source, result.encode(self.vocab, in_place=True))
        finally:
            self._close_scan()
        hints.warn_about(self.vocab.words, self._tokenizer_name(source))
        logger.info("vocabulary: %d words from %d tokens in %d sentences", len(self.vocab),
                    result.n_tokens, result.n_sentences)
        return self

    def build_vocab_from_freq(self, word_freq, keep_raw_vocab=False, corpus_count=None, trim_rule=None,
                              update=False):
        """Build the vocabulary from a ``{word: count}`` mapping instead of a corpus (gensim's name).

        ``min_count`` and ``max_final_vocab`` still apply; ``corpus_count`` sets
        :attr:`corpus_count` (gensim's), ``keep_raw_vocab`` has no effect.
        """
        words = list(word_freq)
        counts = np.fromiter((word_freq[w] for w in words), dtype=np.int64, count=len(words))
        rule = trim_rule if trim_rule is not None else self.trim_rule
        if update and self.vocab is not None:
            old_size = len(self.vocab)
            self.vocab, _ = self.vocab.grow(words, counts, min_count=self.config.min_count,
                                            trim_rule=rule)
            self._grow_weights(old_size)
        else:
            self.vocab = Vocab.build(words, counts, min_count=self.config.min_count,
                                     max_final_vocab=self.config.max_final_vocab,
                                     trim_rule=rule, sort=bool(self.config.sorted_vocab))
            self.init_weights()
        self.corpus_count = int(corpus_count or 0)
        self.corpus_total_words = int(counts.sum())
        return self

    def reset_from(self, other_model):
        """Take the vocabulary (and corpus counts) of ``other_model`` and start from fresh weights
        (gensim's)."""
        if other_model.vocab is None:
            raise ValueError("reset_from: the other model has no vocabulary")
        self.vocab = Vocab(list(other_model.vocab.words), other_model.vocab.counts.copy())
        self.corpus_count = other_model.corpus_count
        self.corpus_total_words = other_model.corpus_total_words
        self.init_weights()

    def init_weights(self):
        """Fresh weights for the vocabulary (gensim's ``init_weights``): input vectors uniform in
        [-1/D, 1/D), output weights zero, random states from the seed."""
        cfg = self.config
        n = len(self.vocab)
        if cfg.softmax and n > SOFTMAX_WARN_VOCAB:
            logger.warning("exact softmax over %d words costs %d x %d per example: use negative "
                           "sampling or hs for vocabularies above %d", n, n, cfg.vector_size,
                           SOFTMAX_WARN_VOCAB)
        if cfg.hs and n < 2:
            raise ValueError("hierarchical softmax needs at least 2 words in the vocabulary")
        rs = np.random.default_rng(cfg.seed)
        # Uniform in [-1/D, 1/D), gensim's range (the C tool's is half as wide).
        syn0 = rs.random((n, cfg.vector_size), dtype=np.float32)
        syn0 *= 2           # in place, as gensim: no temporaries as large as the matrix
        syn0 -= 1
        syn0 /= cfg.vector_size
        self.wv = self._make_wv(list(self.vocab.words), syn0,
                                self.vocab.counts.copy())
        self._add_tree_attrs()
        self.syn1 = np.zeros((n, self.layer1_size), np.float32) if (cfg.hs or cfg.softmax) else None
        self.syn1neg = np.zeros((n, self.layer1_size), np.float32) if cfg.negative else None
        self.rng_states = seed_states(cfg.seed, cfg.workers)

    def _grow_weights(self, old_size):
        cfg = self.config
        n = len(self.vocab)
        rs = np.random.default_rng([cfg.seed, n])
        extra = (rs.random((n - old_size, cfg.vector_size), dtype=np.float32) * 2 - 1) / cfg.vector_size
        syn0 = np.ascontiguousarray(np.vstack([self.wv.vectors, extra]))

        def grown(a):
            return None if a is None else np.vstack([a, np.zeros((n - len(a), a.shape[1]), a.dtype)])

        self.syn1, self.syn1neg = grown(self.syn1), grown(self.syn1neg)
        lockf = self.wv.vectors_lockf
        self.wv = self._make_wv(list(self.vocab.words), syn0, self.vocab.counts.copy())
        if len(lockf) == old_size and old_size != 1:
            self.wv.vectors_lockf = np.concatenate([lockf, np.ones(n - old_size, np.float32)])
        self._add_tree_attrs()

    @property
    def layer1_size(self):
        """The width of the output layer's rows (gensim's name): ``vector_size`` (a subclass's
        hidden layer may be wider: Doc2Vec's ``dm_concat``)."""
        return self.config.vector_size

    def _make_wv(self, words, vectors, counts=None):
        """The model's ``wv`` for ``words`` and their input ``vectors`` (float32[V, D]): a
        :class:`~w2v.models.keyedvectors.KeyedVectors` (FastText's adds its n-gram rows)."""
        return KeyedVectors(words, vectors, counts=counts)

    def _training_arrays(self):
        """``(inputs, objective)`` for the kernels: the input kind whose rows they train
        (:class:`~w2v.kernels.WordRows` of ``wv.vectors``; its type selects the input layer) and
        the output layer's parameter tuple (its type selects the update)."""
        inputs = WordRows(self.wv.vectors, lock_factors(self.wv.vectors_lockf, len(self.wv)))
        return inputs, build_objective(self.config, self.vocab, self.syn1, self.syn1neg)

    def _add_tree_attrs(self):
        """gensim's per-word ``code`` and ``point`` attributes of a hierarchical-softmax model,
        computed when first asked for."""
        if not self.config.hs:
            return
        vocab = self.vocab

        def column(which):
            def build():
                tree = vocab.huffman()
                values = np.empty(len(vocab), dtype=object)
                for i, length in enumerate(tree[2].tolist()):
                    values[i] = tree[which][i, :length].copy()
                return values
            return build

        self.wv._expandos.update(code=column(0), point=column(1))

    # training -------------------------------------------------------------------------------
    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None, total_words=None,
              epochs=None, start_alpha=None, end_alpha=None, word_count=0, queue_factor=2,
              report_delay=1.0, compute_loss=False, callbacks=(), *, progress=None):
        """Train on a corpus (the one given to ``build_vocab`` is not read again).

        gensim's signature and checks: ``epochs`` and one of ``total_examples`` /
        ``total_words`` must be given (``model.epochs``, ``model.corpus_count``), else
        ValueError. w2v counts the corpus itself, so the totals only pass the check;
        ``word_count``, ``queue_factor`` and ``report_delay`` have no effect. The learning rate
        falls linearly from ``start_alpha`` (default ``alpha``) to ``end_alpha`` (default
        ``min_alpha``) over the ``epochs`` of this call. ``compute_loss=True`` keeps the summed
        loss of this call for :meth:`get_latest_training_loss`; ``callbacks`` get
        ``on_train_begin``, ``on_epoch_begin``, ``on_epoch_end`` and ``on_train_end`` with the
        model (:class:`w2v.models.callbacks.CallbackAny2Vec`).
        Any other keyword is a ``TypeError`` naming it.

        Returns (in-vocabulary tokens trained, tokens read) like gensim's (effective, raw) pair.

        Examples
        --------
        >>> from w2v import Word2Vec
        >>> model = Word2Vec([["a", "b"]] * 20, min_count=1, vector_size=4, epochs=1, progress=False)
        >>> model.train([["a", "b"]] * 20, total_examples=20, epochs=1)
        (40, 40)
        >>> model.train([["a", "b"]], total_examples=1, epoch=3)
        Traceback (most recent call last):
        ...
        TypeError: ...train() got an unexpected keyword argument 'epoch'
        """
        if get_engine(self.engine).counts_words:      # e.g. a cluster (docs/distributed.md)
            return self._train(corpus_iterable, corpus_file, epochs, start_alpha, end_alpha, compute_loss,
                               callbacks, progress)
        if self.vocab is None or not len(self.wv):
            raise EmptyVocabularyError("you must first build the vocabulary before training the model "
                                       "(build_vocab, or pass sentences to Word2Vec())")
        if total_examples is None and total_words is None:
            raise ValueError("give total_examples or total_words (gensim's check); after build_vocab on "
                             "the same corpus: total_examples=model.corpus_count")
        if epochs is None:
            raise ValueError("give epochs explicitly (gensim's check); usually epochs=model.epochs")
        return self._train(corpus_iterable, corpus_file, epochs, start_alpha, end_alpha, compute_loss,
                           callbacks, progress)

    def _train(self, corpus_iterable, corpus_file, epochs, start_alpha, end_alpha, compute_loss, callbacks,
               progress):
        epochs, alpha, min_alpha = self._schedule_args(epochs, start_alpha, end_alpha)
        self.compute_loss = bool(compute_loss)
        if self.vocab is None and not get_engine(self.engine).counts_words:
            raise EmptyVocabularyError("build the vocabulary first (build_vocab) or pass sentences to Word2Vec()")
        if not all(a.flags.writeable for a in (self.wv.vectors, self.syn1, self.syn1neg) if a is not None):
            raise ValueError("the weights are read-only (loaded with mmap='r'): load the model with "
                             "mmap=None, or mmap='c' (copy on write), to train it")
        if corpus_iterable is not None and corpus_file is not None:
            raise ValueError("give either corpus_iterable or corpus_file, not both")
        source = corpus_iterable if corpus_iterable is not None else corpus_file
        if source is None:
            raise ValueError("no corpus given: pass sentences (corpus_iterable) or corpus_file")
        if isinstance(source, os.PathLike):
            source = os.fspath(source)
        where = None
        if isinstance(source, str):
            where = source if "://" in source else os.path.abspath(source)
        schedule = {"epochs": epochs, "alpha": alpha, "min_alpha": min_alpha, "corpus": where}
        self.running_training_loss = 0.0
        return self._run_schedule(source, schedule, None, callbacks, progress)

    def _encoded_corpus(self, source):
        """``source`` encoded with the vocabulary, for an engine that trains in this process: the
        encoding ``build_vocab`` (or ``scan_vocab``) kept when it read the same corpus, else read
        now. The caller owns (and closes) it."""
        source, sentences = self._sentences(source, None)
        if self._encoded is not None and _same_source(self._encoded[0], source):
            encoded = self._encoded[1]
            self._encoded = None
            return encoded
        if self._scan is not None and _same_source(self._scan[0], source):
            encoded = self._scan[1].encode(self.vocab, in_place=True)     # after scan/prepare_vocab
            self._close_scan()
            return encoded
        self._close_encoded()
        if isinstance(source, Scan):
            raise ValueError("a scanned corpus trains the model whose build_vocab it went through, "
                             "once; read the text again")
        return encode_with_vocab(sentences, self.vocab, cache_dir=self.cache_dir)

    def current_vectors(self):
        """The word vectors as training has left them so far (``wv.vectors``); what the epoch loop
        measures after each epoch to catch a diverging training. FastText recomputes its word
        means here first."""
        return self.wv.vectors

    def get_latest_training_loss(self):
        """The loss summed over every training example of the last :meth:`train` call, when it was
        called with ``compute_loss=True`` (gensim's definition); 0.0 otherwise.

        Each example's loss is ``-log sigmoid`` of its output scores (negative sampling: the
        true word and the noise words; hierarchical softmax: each node of the path), taken just
        before its update. ``training_log`` has the mean per example and epoch.
        """
        return float(self.running_training_loss)

    def _schedule_args(self, epochs, start_alpha, end_alpha):
        """train()'s epochs and learning-rate ends, defaulted from the config and checked."""
        cfg = self.config
        epochs = cfg.epochs if epochs is None else epochs
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"epochs must be an integer >= 1, got {epochs!r}")
        alpha = cfg.alpha if start_alpha is None else float(start_alpha)
        min_alpha = cfg.min_alpha if end_alpha is None else float(end_alpha)
        if not alpha > 0 or not 0 <= min_alpha <= alpha:
            raise ValueError(f"need 0 <= end_alpha <= start_alpha and start_alpha > 0, got "
                             f"{alpha} and {min_alpha}")
        return epochs, alpha, min_alpha

    def _run_schedule(self, source, schedule, position, callbacks, progress):
        """Train ``schedule`` (a dict: epochs, alpha, min_alpha, corpus) on ``source`` from
        ``position`` (a :class:`w2v.engines.epochs.Position`; None: its start) with the model's
        engine, checkpointing if asked."""
        factory = get_engine(self.engine)
        options = factory.check_options(self.engine_options)
        rates = Schedule(schedule["alpha"], schedule["min_alpha"], schedule["epochs"])
        request = TrainingRequest(source, functools.partial(self._encoded_corpus, source),
                                  self._training_arrays, rates,
                                  None if self.checkpoint_every == "epoch" else self.checkpoint_every)
        checkpoint = None
        if self.checkpoint_dir is not None:
            os.makedirs(self.checkpoint_dir, exist_ok=True)
            checkpoint = functools.partial(self._write_checkpoint, schedule)
        try:
            with factory.start(self, options, request) as engine:
                return run_epochs(self, engine, rates,
                                  callbacks=(_RunningLoss(),) + self.callbacks + tuple(callbacks or ()),
                                  progress=self._progress(progress), position=position,
                                  checkpoint=checkpoint)
        finally:
            self._close_encoded()      # one kept by build_vocab that the engine did not read

    # checkpoints ----------------------------------------------------------------------------
    def _write_checkpoint(self, schedule, position):
        meta, arrays = self._archive()
        meta.update(schedule=schedule, position=position.to_dict(), checkpoint_every=self.checkpoint_every,
                    outputs=self.checkpoint_outputs, engine=self.engine, engine_options=self.engine_options)
        native.save_native(os.path.join(self.checkpoint_dir, CHECKPOINT_NAME), self.checkpoint_kind, meta, arrays)
        logger.info("checkpoint: epoch %d, step %d", position.epoch, position.step)

    @classmethod
    def resume(cls, checkpoint_dir, progress=True):
        """Continue an interrupted training from the last checkpoint in ``checkpoint_dir`` to the
        end it was heading for; returns the trained model.

        The corpus is read again from the file it was trained on (it must be a file or folder,
        unchanged). With ``workers=1`` the result equals an uninterrupted run bit for bit.
        """
        path = os.path.join(os.fspath(checkpoint_dir), CHECKPOINT_NAME)
        meta, arrays = native.load_native(path, kind=cls.checkpoint_kind)
        model = cls._from_archive(path, meta, arrays)
        try:
            schedule, position = meta["schedule"], Position.from_dict(meta["position"])
            model.checkpoint_every = meta["checkpoint_every"]
        except KeyError as e:
            raise ValueError(f"{path}: incomplete checkpoint (no {e})") from None
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: damaged checkpoint position ({e})") from None
        engine, options = meta.get("engine", "local"), meta.get("engine_options") or {}
        try:
            get_engine(engine).check_options(options)
        except ValueError as e:
            raise ValueError(f"{path}: {e}") from None
        model.engine, model.engine_options = engine, dict(options)
        model.checkpoint_dir = os.fspath(checkpoint_dir)
        model.checkpoint_outputs = meta.get("outputs")
        model.progress = progress
        if position.epoch >= schedule["epochs"]:
            return model                       # it had finished: nothing left to train
        corpus = schedule.get("corpus")
        if not corpus:
            raise ValueError(f"{path}: the model was trained on Python sentences, not a file, so "
                             "the corpus cannot be read again to resume")
        model._run_schedule(corpus, schedule, position, None, progress)
        return model

    def _progress(self, progress):
        return self.progress if progress is None else progress

    def _close_encoded(self):
        if self._encoded is not None:
            self._encoded[1].close()
            self._encoded = None
        self._close_scan()

    def _close_scan(self):
        if self.__dict__.get("_scan") is not None:
            self._scan[1].close()
            self._scan = None

    # exports --------------------------------------------------------------------------------
    def export_vectors(self, kind="in"):
        """The vectors as a KeyedVectors: ``"in"`` (input, = ``wv``), ``"out"`` (output vectors of
        negative sampling or softmax), ``"mean"`` of the two, or ``"concat"`` (2 x vector_size)."""
        if kind == "in":
            return self.wv
        if kind not in ("out", "mean", "concat"):
            raise ValueError(f"kind must be 'in', 'out', 'mean' or 'concat', got {kind!r}")
        out = self.syn1neg if self.syn1neg is not None else (self.syn1 if self.config.softmax else None)
        if out is None:
            raise ValueError("output vectors exist per word only with negative sampling or softmax "
                             "(hierarchical softmax has one vector per tree node)")
        vectors = {"out": lambda: out.copy(), "mean": lambda: (self.wv.vectors + out) / 2,
                   "concat": lambda: np.hstack([self.wv.vectors, out])}[kind]()
        # plain word vectors whatever the model's input layer (not _make_wv: no n-gram rows here)
        return KeyedVectors(list(self.vocab.words), np.ascontiguousarray(vectors, np.float32),
                            counts=self.vocab.counts.copy())

    # native format --------------------------------------------------------------------------
    def save(self, fname_or_handle, separately=None, sep_limit=10 * 1024 ** 2, ignore=frozenset(),
             pickle_protocol=None):
        """Save everything needed to query and to continue training, atomically (no pickle).

        The arrays are stored uncompressed and aligned so that ``Word2Vec.load(path, mmap="r")``
        maps them. gensim's ``separately``, ``sep_limit``, ``ignore`` and ``pickle_protocol``
        are accepted and have no effect: there is one file, with no pickle in it. Any name but a
        word2vec one (``.bin``, ``.txt``, ``.vec``: ValueError) will do; ``.w2v`` is the native
        format's own extension.
        """
        if self.vocab is None:
            raise ValueError("nothing to save: the model has no vocabulary yet")
        extensions.choose_format(fname_or_handle, "native", how=extensions.SAVE_CALLS)
        native.save_native(fname_or_handle, self.archive_kind, *self._archive())

    @class_only
    def load(cls, fname, mmap=None):
        """Load a model written by :meth:`save`; it can be queried and trained further.

        ``mmap="r"`` maps the arrays read-only instead of reading them (gensim's argument);
        training such a model needs ``mmap=None`` (or ``"c"``, copy on write). Files of gensim's
        own ``save()`` are pickles and are refused: convert them once with
        ``w2v convert --from-gensim`` or :meth:`from_gensim`.
        """
        meta, arrays = native.load_native(fname, kind=cls.archive_kind, mmap=mmap)
        return cls._from_archive(fname, meta, arrays, mapped=bool(mmap))

    @classmethod
    def from_gensim(cls, model):
        """A w2v Word2Vec from an already loaded gensim ``Word2Vec``: its hyperparameters, words,
        counts and weights (copied), ready to query or train further. Nothing of gensim is
        imported; ``w2v convert --from-gensim`` does this for a file.

        Raises TypeError for an object without gensim's Word2Vec attributes.
        """
        return modelfiles.from_gensim(cls, model)

    @classmethod
    def _from_archive(cls, path, meta, arrays, mapped=False):
        """Rebuild a model from a native archive's metadata and arrays, checking everything
        first; every error is a ValueError naming the file."""
        try:
            return cls._build_from_archive(meta, arrays, mapped)
        except KeyError as e:
            raise ValueError(f"{path}: incomplete w2v model (no {e})") from None
        except (TypeError, ValueError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: {e}") from None

    @classmethod
    def _build_from_archive(cls, meta, arrays, mapped=False):
        config = cls.config_class.from_dict(meta["config"]).validate()
        readers = meta.get("reader_options", {})
        if not isinstance(readers, dict) or not set(readers) <= set(READER_OPTIONS):
            raise ValueError(f"reader_options must be a dict with keys among {READER_OPTIONS}")
        log = meta.get("training_log", [])
        if not isinstance(log, list) or not all(isinstance(e, dict) for e in log):
            raise ValueError("training_log must be a list of per-epoch dicts")
        model = cls(**config.to_dict(), progress=False, **readers)
        model.config = config
        model._restore(meta, arrays, mapped)
        model.corpus_count = int(meta.get("corpus_count", 0))
        model.corpus_total_words = int(meta.get("corpus_total_words", int(model.vocab.counts.sum())))
        model.compute_loss = bool(meta.get("compute_loss", False))
        model.comment = meta.get("comment")
        model.training_log = list(log)
        model.progress = True
        return model

    def _archive(self):
        """``(meta, arrays)`` of this model's native archive, what :meth:`save` writes and a
        checkpoint extends (see :func:`w2v.models.modelfiles.archive`); a subclass adds its own
        arrays and metadata to those of ``super()._archive()``."""
        return modelfiles.archive(self)

    def _restore(self, meta, arrays, mapped=False):
        """Take the vocabulary and weights of an archive's ``arrays`` (and ``meta``, written by
        :meth:`_archive`) into this model, whose ``config`` is already the archive's; mapped
        arrays are kept as they are, others copied. Raises ValueError when they disagree with
        the configuration. A subclass restores its own arrays after ``super()._restore``."""
        config = self.config
        words = native.decode_words(arrays["words_blob"], arrays["words_offsets"])
        counts = arrays["counts"].astype(np.int64)
        vectors = arrays["vectors"] if mapped else np.ascontiguousarray(arrays["vectors"], dtype=np.float32)
        n, dim = len(words), config.vector_size
        if vectors.shape != (n, dim) or counts.shape != (n,):
            raise ValueError(f"arrays disagree with the vocabulary ({n} words, {dim} dims)")
        needed = {"syn1neg": config.negative > 0, "syn1": bool(config.hs or config.softmax)}
        for name, required in needed.items():
            a = arrays.get(name)
            if required and a is None:
                raise ValueError(f"the configuration needs {name}, which the file lacks")
            if a is not None and a.shape != (n, self.layer1_size):
                raise ValueError(f"{name} has shape {a.shape}, expected {(n, self.layer1_size)}")
        self.vocab = Vocab(words, counts)   # raises on duplicate words
        self.wv = self._make_wv(words, vectors, counts.copy())
        if arrays.get("norms") is not None:
            self.wv.set_norms(arrays["norms"])
        lockf = arrays.get("vectors_lockf")
        if lockf is not None and lockf.shape == (n,):
            self.wv.vectors_lockf = np.array(lockf, dtype=np.float32)
        self._add_tree_attrs()
        for name in needed:
            a = arrays.get(name)
            setattr(self, name, None if a is None else (a if mapped else np.ascontiguousarray(a, np.float32)))
        states = arrays.get("rng_states")
        self.rng_states = ([states[i:i + 1].copy() for i in range(len(states))]
                           if states is not None else seed_states(config.seed, config.workers))

    def __repr__(self):
        size = len(self.vocab) if self.vocab is not None else 0
        arch = "sg" if self.config.sg else "cbow"
        return (f"{type(self).__name__}<{arch}, {'+'.join(self.config.objectives)}, vocab={size}, "
                f"vector_size={self.config.vector_size}>")

    def __del__(self):
        try:
            self._close_encoded()
        except Exception:
            pass


class _RunningLoss:
    """Adds each epoch's summed loss to ``running_training_loss`` when ``compute_loss`` is on
    (gensim's running sum), before the user's callbacks see the epoch's end."""

    def on_epoch_end(self, model):
        if model.compute_loss:
            entry = model.training_log[-1]
            model.running_training_loss += entry["loss"] * entry["examples"]


Word2Vec.__signature__ = derive_signature(Word2Vec)


def _same_source(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return os.path.abspath(a) == os.path.abspath(b)
    return a is b

