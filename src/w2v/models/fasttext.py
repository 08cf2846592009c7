"""FastText: word2vec whose input vectors are means of a word row and its character n-gram rows
(Bojanowski et al. 2017), with gensim 4.4's API at gensim's module path, and Facebook's ``.bin``.

The model is :class:`~w2v.models.word2vec.Word2Vec` with another configuration (``min_n``,
``max_n``, ``bucket``), other vectors (:class:`FastTextKeyedVectors`) and the kernels' subword
input kind; the vocabulary, engine, epochs, threads, callbacks and checkpoints are Word2Vec's.
"""
import dataclasses
import logging
import os

import numpy as np

from ..vectors import facebook
from ..vectors.ngrams import compute_ngrams, compute_ngrams_bytes, ft_hash_bytes, ft_ngram_hashes
from .config import Config
from .subwordvectors import FastTextKeyedVectors, check_ngram_settings

__all__ = ["FastText", "FastTextKeyedVectors", "FastTextConfig", "load_facebook_model",
           "load_facebook_vectors", "save_facebook_model", "compute_ngrams", "compute_ngrams_bytes",
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

    def validate(self):
        super().validate()
        check_ngram_settings(self.min_n, self.max_n, self.bucket)
        if self.word_ngrams != 1:
            raise ValueError(f"word_ngrams must be 1 (word n-grams are for fastText's classifier), "
                             f"got {self.word_ngrams!r}")
        self.min_n, self.max_n, self.bucket = int(self.min_n), int(self.max_n), int(self.bucket)
        return self

    @property
    def subwords(self):
        """Whether words have n-gram rows (``max_n > 0`` and ``bucket > 0``)."""
        return self.max_n > 0 and self.bucket > 0


# fastText's loss and model codes in a .bin's arguments
LOSS_CODES = {"hs": 1, "ns": 2, "softmax": 3}
SG_CODES = {0: 1, 1: 2}


def facebook_args(model):
    """fastText's arguments (:data:`w2v.vectors.facebook.ARG_NAMES`) for ``model``: those of the
    ``.bin`` it was loaded from, updated with the model's settings."""
    cfg = model.config
    objectives = cfg.objectives
    if len(objectives) > 1:
        logger.warning("fastText files hold one output layer: writing %s, not %s",
                       objectives[-1], "+".join(objectives))
    args = dict(getattr(model, "facebook_args", None) or {"wordNgrams": 1, "lrUpdateRate": 100})
    args.update(dim=cfg.vector_size, ws=cfg.window, epoch=cfg.epochs, minCount=cfg.min_count,
                neg=cfg.negative or args.get("neg", 5), loss=LOSS_CODES[objectives[-1]],
                model=SG_CODES[cfg.sg], bucket=model.wv.bucket if cfg.subwords else 0,
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


def load_facebook_model(path, encoding="utf-8"):
    """A :class:`FastText` from a fastText ``.bin`` model, ready to query and to train further
    (gensim's). See :func:`load_facebook_vectors` for the vectors alone."""
    m = facebook.read_facebook(path, full_model=True, encoding=encoding)
    args = m.args
    if args["loss"] == 4:
        raise ValueError(f"{path}: loss 'ova' (one-vs-all) belongs to fastText's classifier")
    loss = {1: "hs", 2: "ns", 3: "softmax"}[args["loss"]]
    model = FastText(vector_size=args["dim"], window=args["ws"], epochs=args["epoch"],
                     min_count=args["minCount"], sample=args["t"], sg=int(args["model"] == 2),
                     hs=int(loss == "hs"), negative=args["neg"] if loss == "ns" else 0,
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
    out = model.syn1neg if cfg.objectives[-1] == "ns" else model.syn1
    kv = model.wv
    vectors_all = kv.vectors_all if cfg.subwords else kv.vectors_vocab
    facebook.write_facebook(path, facebook.FacebookModel(
        args, list(kv.index_to_key), kv.counts, int(model.corpus_total_words or kv.counts.sum()),
        vectors_all, out))

