"""Word2Vec: owns the vocabulary and the weight arrays; builds the vocabulary, trains, saves and
loads. The maths lives in kernels/ and the schedule in train.py.
"""
import dataclasses
import difflib
import functools
import inspect
import logging
import os

import numpy as np
from tqdm.auto import tqdm

from . import extensions, native
from .config import SOFTMAX_WARN_VOCAB, Config
from .corpus import READER_OPTIONS, as_sentences
from .encoded import Scan, encode_with_vocab, scan
from .keyedvectors import KeyedVectors
from .epochs import Position, Schedule, run_epochs
from .train import Trainer, build_objective, seed_states
from .vocab import Vocab

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
    "sorted_vocab": 1,          # gensim's; the vocabulary is always sorted by count
    "compute_loss": True,       # gensim's; the loss is always computed
    "tokenizer": "whitespace", "encoding": "utf-8", "errors": "strict", "progress": True,
    "cache_dir": None, "engine": "local", "engine_options": None, "checkpoint_dir": None,
    "checkpoint_every": "epoch",
}


def _signature():
    """Word2Vec.__init__'s signature: gensim's parameters in gensim's order, then every other
    Config field and run option, keyword-only. A field added to Config appears here by itself."""
    defaults = {f.name: f.default for f in dataclasses.fields(Config)}
    defaults.update(RUN_OPTIONS)
    gensim = [n for n in GENSIM_ORDER if n in defaults]   # those w2v does not have are left out
    own = [n for n in defaults if n not in GENSIM_ORDER]
    kind = inspect.Parameter
    return inspect.Signature(
        [kind("self", kind.POSITIONAL_OR_KEYWORD)]
        + [kind(n, kind.POSITIONAL_OR_KEYWORD, default=defaults[n]) for n in gensim]
        + [kind(n, kind.KEYWORD_ONLY, default=defaults[n]) for n in own])


class Word2Vec:
    """Train word2vec embeddings: skip-gram or CBOW, negative sampling, hierarchical or exact softmax.

    The parameters, their order and defaults are gensim's (the hyperparameters are the fields of
    :class:`w2v.config.Config`), so gensim code ports by changing the import; an unknown keyword
    is a ``TypeError`` naming it. Accepted for gensim's sake only: ``sorted_vocab`` (the
    vocabulary is always sorted by count) and ``compute_loss`` (the loss is always computed:
    ``training_log``). w2v's own, keyword-only: ``softmax=1`` (exact softmax, small
    vocabularies), ``shared_negatives`` and ``hs_private_nodes`` (kernel choices, see
    docs/speed.md), ``max_sentence_length``, ``tokenizer``, ``encoding``, ``errors`` (how text
    files are read), ``progress`` (tqdm bar on stderr), ``cache_dir`` (where the
    integer-encoded corpus is kept during training), ``engine="ray"`` with ``engine_options``
    (data-parallel training on a Ray cluster: see ``w2v.distributed``), ``checkpoint_dir`` and
    ``checkpoint_every`` (``"epoch"`` or a number of tokens; see :meth:`resume`).

    Parameters
    ----------
    sentences : iterable of list of str, or str path, optional
        Token lists, or a text file / folder (one sentence per line).
    corpus_file : str, optional
        A text file or folder; the same as passing its path as ``sentences``.

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

    def __init__(self, *args, **kwargs):
        given = bind_arguments(_SIGNATURE, "Word2Vec()", (self,) + args, kwargs)
        a = given.arguments
        self.config = Config(**{f.name: a[f.name] for f in dataclasses.fields(Config)}).validate()
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
        from .distributed import check_options
        check_options(a["engine"], a["engine_options"])
        self.engine, self.engine_options = a["engine"], dict(a["engine_options"] or {})
        self.vocab = None
        self.wv = None
        self.syn1 = None
        self.syn1neg = None
        self.training_log = []
        self.rng_states = None
        self._encoded = None          # (source, EncodedCorpus) kept from build_vocab for train
        sentences, corpus_file = a["sentences"], a["corpus_file"]
        if sentences is not None and corpus_file is not None:
            raise ValueError("give either sentences or corpus_file, not both")
        source = sentences if sentences is not None else corpus_file
        if source is not None:
            if self.engine == "local":
                self.build_vocab(source)     # a cluster counts the words on its workers
            self.train(source)

    # gensim's attribute names -------------------------------------------------------------
    def __getattr__(self, name):
        config = self.__dict__.get("config")
        if config is not None and name in Config.__dataclass_fields__:
            return getattr(config, name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    @property
    def corpus_total_words(self):
        return int(self.vocab.counts.sum()) if self.vocab is not None else 0

    # vocabulary -----------------------------------------------------------------------------
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

    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False, progress=None,
                    trim_rule=None):
        """Count the words, build the vocabulary and its tables, and initialise the weights.

        The text is read and tokenized once: the integer-encoded corpus is kept for the
        ``train()`` call that follows on the same corpus. ``update=True`` grows an existing
        vocabulary with the words of a new corpus (existing vectors are kept).
        """
        source, sentences = self._sentences(corpus_iterable, corpus_file)
        self._close_encoded()
        with tqdm(unit="word", unit_scale=True, desc="reading", leave=False,
                  disable=not self._progress(progress)) as bar:
            if isinstance(sentences, Scan) and sentences.ids_path is None:
                raise ValueError("this scanned corpus was used already (by build_vocab); read the text again")
            result = sentences if isinstance(sentences, Scan) else scan(
                sentences, max_vocab_size=self.config.max_vocab_size, cache_dir=self.cache_dir,
                progress=bar.update)
        try:
            if result.n_tokens == 0:
                raise ValueError("the corpus is empty")
            rule = trim_rule if trim_rule is not None else self.trim_rule
            if update:
                if self.vocab is None:
                    raise ValueError("build_vocab(update=True) needs a vocabulary: build one first")
                old_size = len(self.vocab)
                self.vocab, _ = self.vocab.grow(result.words, result.counts,
                                                min_count=self.config.min_count, trim_rule=rule)
                self._grow_weights(old_size)
            else:
                self.vocab = Vocab.build(result.words, result.counts,
                                         min_count=self.config.min_count,
                                         max_final_vocab=self.config.max_final_vocab,
                                         trim_rule=rule)
                self._init_weights()
            self._encoded = (source, result.encode(self.vocab, in_place=True))
        finally:
            result.close()
        logger.info("vocabulary: %d words from %d tokens in %d sentences", len(self.vocab),
                    result.n_tokens, result.n_sentences)
        return self

    def build_vocab_from_freq(self, word_freq, update=False):
        """Build the vocabulary from a ``{word: count}`` mapping instead of a corpus (gensim's name).

        ``min_count`` and ``max_final_vocab`` still apply.
        """
        words = list(word_freq)
        counts = np.fromiter((word_freq[w] for w in words), dtype=np.int64, count=len(words))
        if update and self.vocab is not None:
            old_size = len(self.vocab)
            self.vocab, _ = self.vocab.grow(words, counts, min_count=self.config.min_count,
                                            trim_rule=self.trim_rule)
            self._grow_weights(old_size)
        else:
            self.vocab = Vocab.build(words, counts, min_count=self.config.min_count,
                                     max_final_vocab=self.config.max_final_vocab,
                                     trim_rule=self.trim_rule)
            self._init_weights()
        return self

    def _init_weights(self):
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
        syn0 = (rs.random((n, cfg.vector_size), dtype=np.float32) * 2 - 1) / cfg.vector_size
        self.wv = KeyedVectors(list(self.vocab.words), np.ascontiguousarray(syn0),
                               counts=self.vocab.counts.copy())
        self.syn1 = np.zeros((n, cfg.vector_size), np.float32) if (cfg.hs or cfg.softmax) else None
        self.syn1neg = np.zeros((n, cfg.vector_size), np.float32) if cfg.negative else None
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
        self.wv = KeyedVectors(list(self.vocab.words), syn0, counts=self.vocab.counts.copy())

    # training -------------------------------------------------------------------------------
    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None, total_words=None,
              epochs=None, start_alpha=None, end_alpha=None, word_count=0, queue_factor=2,
              report_delay=1.0, compute_loss=True, callbacks=None, *, progress=None):
        """Train on a corpus (the one given to ``build_vocab`` is not read again).

        The learning rate falls linearly from ``start_alpha`` (default ``alpha``) to
        ``end_alpha`` (default ``min_alpha``) over the ``epochs`` of this call; ``callbacks``
        run with the model's own. ``progress`` overrides the model's setting for this call.

        Accepted for gensim's sake only, and not used: ``total_examples`` and ``total_words``
        (the corpus is counted as it is read), ``word_count``, ``queue_factor``,
        ``report_delay`` and ``compute_loss`` (the loss is always computed). Any other keyword
        is a ``TypeError`` naming it.

        Returns (in-vocabulary tokens trained, tokens read) like gensim's (effective, raw) pair.

        Examples
        --------
        >>> from w2v import Word2Vec
        >>> model = Word2Vec([["a", "b"]] * 20, min_count=1, vector_size=4, epochs=1, progress=False)
        >>> model.train([["a", "b"]] * 20, epochs=1)
        (40, 40)
        >>> model.train([["a", "b"]], epoch=3)
        Traceback (most recent call last):
        ...
        TypeError: ...train() got an unexpected keyword argument 'epoch'
        """
        epochs, alpha, min_alpha = self._schedule_args(epochs, start_alpha, end_alpha)
        if self.engine != "local":
            from . import distributed
            return distributed.train(self, corpus_iterable, corpus_file, epochs, alpha, min_alpha,
                                     callbacks=callbacks, progress=progress)
        if self.vocab is None:
            raise ValueError("build the vocabulary first (build_vocab) or pass sentences to Word2Vec()")
        source, sentences = self._sentences(corpus_iterable, corpus_file)
        if self._encoded is not None and _same_source(self._encoded[0], source):
            encoded = self._encoded[1]
            self._encoded = None
        else:
            self._close_encoded()
            if isinstance(source, Scan):
                raise ValueError("a scanned corpus trains the model whose build_vocab it went through, "
                                 "once; read the text again")
            encoded = encode_with_vocab(sentences, self.vocab, cache_dir=self.cache_dir)
        schedule = {"epochs": epochs, "alpha": alpha, "min_alpha": min_alpha,
                    "corpus": os.path.abspath(source) if isinstance(source, str) else None}
        return self._run_schedule(encoded, schedule, None, callbacks, progress)

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

    def _run_schedule(self, encoded, schedule, position, callbacks, progress):
        """Train ``schedule`` (a dict: epochs, alpha, min_alpha, corpus) from ``position`` (a
        :class:`w2v.epochs.Position`; None: its start), checkpointing if asked."""
        cfg = self.config
        if self.rng_states is None or len(self.rng_states) != cfg.workers:
            self.rng_states = seed_states(cfg.seed + len(self.training_log), cfg.workers)
        trainer = Trainer(cfg, self.wv.vectors, build_objective(cfg, self.vocab, self.syn1, self.syn1neg),
                          self.vocab.keep_probabilities(cfg.sample), self.rng_states)
        checkpoint = None
        if self.checkpoint_dir is not None:
            os.makedirs(self.checkpoint_dir, exist_ok=True)
            checkpoint = functools.partial(self._write_checkpoint, schedule)
        try:
            engine = trainer.engine(encoded, None if self.checkpoint_every == "epoch"
                                    else self.checkpoint_every)
            return run_epochs(self, engine,
                              Schedule(schedule["alpha"], schedule["min_alpha"], schedule["epochs"]),
                              callbacks=self.callbacks + tuple(callbacks or ()),
                              progress=self._progress(progress), position=position,
                              checkpoint=checkpoint)
        finally:
            encoded.close()

    # checkpoints ----------------------------------------------------------------------------
    def _write_checkpoint(self, schedule, position):
        meta = dict(self._meta(), schedule=schedule, position=position.to_dict(),
                    checkpoint_every=self.checkpoint_every, outputs=self.checkpoint_outputs)
        native.save_native(os.path.join(self.checkpoint_dir, CHECKPOINT_NAME), "checkpoint", meta,
                           self._arrays())
        logger.info("checkpoint: epoch %d, step %d", position.epoch, position.step)

    @classmethod
    def resume(cls, checkpoint_dir, progress=True):
        """Continue an interrupted training from the last checkpoint in ``checkpoint_dir`` to the
        end it was heading for; returns the trained model.

        The corpus is read again from the file it was trained on (it must be a file or folder,
        unchanged). With ``workers=1`` the result equals an uninterrupted run bit for bit.
        """
        path = os.path.join(os.fspath(checkpoint_dir), CHECKPOINT_NAME)
        meta, arrays = native.load_native(path, kind="checkpoint")
        model = cls._from_archive(path, meta, arrays)
        try:
            schedule, position = meta["schedule"], Position.from_dict(meta["position"])
            model.checkpoint_every = meta["checkpoint_every"]
        except KeyError as e:
            raise ValueError(f"{path}: incomplete checkpoint (no {e})") from None
        except (TypeError, ValueError) as e:
            raise ValueError(f"{path}: damaged checkpoint position ({e})") from None
        model.checkpoint_dir = os.fspath(checkpoint_dir)
        model.checkpoint_outputs = meta.get("outputs")
        model.progress = progress
        if position.epoch >= schedule["epochs"]:
            return model                       # it had finished: nothing left to train
        corpus = schedule.get("corpus")
        if not corpus:
            raise ValueError(f"{path}: the model was trained on Python sentences, not a file, so "
                             "the corpus cannot be read again to resume")
        _, sentences = model._sentences(None, corpus)
        encoded = encode_with_vocab(sentences, model.vocab, cache_dir=model.cache_dir)
        model._run_schedule(encoded, schedule, position, None, progress)
        return model

    def get_latest_training_loss(self):
        """Mean loss per example of the last epoch (gensim returns a running sum instead)."""
        return self.training_log[-1]["loss"] if self.training_log else 0.0

    def _progress(self, progress):
        return self.progress if progress is None else progress

    def _close_encoded(self):
        if self._encoded is not None:
            self._encoded[1].close()
            self._encoded = None

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
        return KeyedVectors(list(self.vocab.words), np.ascontiguousarray(vectors, np.float32),
                            counts=self.vocab.counts.copy())

    # native format --------------------------------------------------------------------------
    def save(self, path):
        """Save everything needed to query and to continue training, atomically (no pickle).

        Any name but a word2vec one (``.bin``, ``.txt``, ``.vec``: ValueError) will do; ``.w2v``
        is the native format's own extension.
        """
        if self.vocab is None:
            raise ValueError("nothing to save: the model has no vocabulary yet")
        extensions.choose_format(path, "native", how=extensions.SAVE_CALLS)
        native.save_native(path, "model", self._meta(), self._arrays())

    def _arrays(self):
        blob, offsets = native.encode_words(self.vocab.words)
        arrays = {"words_blob": blob, "words_offsets": offsets, "counts": self.vocab.counts,
                  "vectors": self.wv.vectors, "rng_states": np.concatenate(self.rng_states)}
        if self.syn1 is not None:
            arrays["syn1"] = self.syn1
        if self.syn1neg is not None:
            arrays["syn1neg"] = self.syn1neg
        return arrays

    def _meta(self):
        # A tokenizer given as an object (not a registered name) cannot be stored.
        readers = {k: v for k, v in self.reader_options.items() if isinstance(v, (str, type(None)))}
        return {"config": self.config.to_dict(), "training_log": self.training_log,
                "reader_options": readers}

    @classmethod
    def load(cls, path):
        """Load a model written by :meth:`save`; it can be queried and trained further."""
        meta, arrays = native.load_native(path, kind="model")
        return cls._from_archive(path, meta, arrays)

    @classmethod
    def _from_archive(cls, path, meta, arrays):
        """Rebuild a model from a native archive's metadata and arrays, checking everything
        first; every error is a ValueError naming the file."""
        try:
            return cls._build_from_archive(meta, arrays)
        except KeyError as e:
            raise ValueError(f"{path}: incomplete w2v model (no {e})") from None
        except (TypeError, ValueError, UnicodeDecodeError) as e:
            raise ValueError(f"{path}: {e}") from None

    @classmethod
    def _build_from_archive(cls, meta, arrays):
        config = Config.from_dict(meta["config"]).validate()
        readers = meta.get("reader_options", {})
        if not isinstance(readers, dict) or not set(readers) <= set(READER_OPTIONS):
            raise ValueError(f"reader_options must be a dict with keys among {READER_OPTIONS}")
        log = meta.get("training_log", [])
        if not isinstance(log, list) or not all(isinstance(e, dict) for e in log):
            raise ValueError("training_log must be a list of per-epoch dicts")
        words = native.decode_words(arrays["words_blob"], arrays["words_offsets"])
        counts = arrays["counts"].astype(np.int64)
        vectors = np.ascontiguousarray(arrays["vectors"], dtype=np.float32)
        n, dim = len(words), config.vector_size
        if vectors.shape != (n, dim) or counts.shape != (n,):
            raise ValueError(f"arrays disagree with the vocabulary ({n} words, {dim} dims)")
        needed = {"syn1neg": config.negative > 0, "syn1": bool(config.hs or config.softmax)}
        for name, required in needed.items():
            a = arrays.get(name)
            if required and a is None:
                raise ValueError(f"the configuration needs {name}, which the file lacks")
            if a is not None and a.shape != (n, dim):
                raise ValueError(f"{name} has shape {a.shape}, expected {(n, dim)}")
        model = cls(**config.to_dict(), progress=False, **readers)
        model.config = config
        model.vocab = Vocab(words, counts)   # raises on duplicate words
        model.wv = KeyedVectors(words, vectors, counts=counts.copy())
        for name in needed:
            a = arrays.get(name)
            setattr(model, name, None if a is None else np.ascontiguousarray(a, np.float32))
        states = arrays.get("rng_states")
        model.rng_states = ([states[i:i + 1].copy() for i in range(len(states))]
                            if states is not None else seed_states(config.seed, config.workers))
        model.training_log = list(log)
        model.progress = True
        return model

    def __repr__(self):
        size = len(self.vocab) if self.vocab is not None else 0
        arch = "sg" if self.config.sg else "cbow"
        return (f"Word2Vec<{arch}, {'+'.join(self.config.objectives)}, vocab={size}, "
                f"vector_size={self.config.vector_size}>")

    def __del__(self):
        try:
            self._close_encoded()
        except Exception:
            pass


def bind_arguments(signature, name, args, kwargs):
    """``signature.bind(*args, **kwargs)`` with defaults applied; a ``TypeError`` names ``name``,
    the argument and the nearest known keyword.

    Examples
    --------
    >>> import inspect
    >>> bind_arguments(inspect.signature(lambda epochs=1: 0), "train()", (), {"epoch": 3})
    Traceback (most recent call last):
    ...
    TypeError: train(): got an unexpected keyword argument 'epoch' (did you mean 'epochs'?)
    """
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError as e:
        unknown = [k for k in kwargs if k not in signature.parameters]
        near = difflib.get_close_matches(unknown[0], signature.parameters, n=1) if unknown else []
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise TypeError(f"{name}: {e}{hint}") from None
    bound.apply_defaults()
    return bound


_SIGNATURE = _signature()
Word2Vec.__init__.__signature__ = _SIGNATURE


def _same_source(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return os.path.abspath(a) == os.path.abspath(b)
    return a is b

