"""What a :class:`~w2v.models.word2vec.Word2Vec` is made of on disk and from gensim: the arrays and metadata of
its native archive, and a model built from one that gensim loaded. The model calls these; they know
nothing of training.
"""
import logging

import numpy as np

from ..vectors import native
from .keyedvectors import KeyedVectors
from ..corpus.vocab import Vocab

logger = logging.getLogger(__name__)


def archive(model):
    """``(meta, arrays)`` of a model's native archive: what :meth:`Word2Vec.save` writes and a
    checkpoint extends.

    Examples
    --------
    >>> from w2v import Word2Vec
    >>> model = Word2Vec([["a", "b"], ["b", "c"]], vector_size=4, min_count=1, epochs=1, workers=1)
    >>> meta, arrays = archive(model)
    >>> sorted(arrays)[:4], meta["corpus_count"]
    (['counts', 'norms', 'rng_states', 'syn1neg'], 2)
    """
    blob, offsets = native.encode_words(model.vocab.words)
    arrays = {"words_blob": blob, "words_offsets": offsets, "counts": model.vocab.counts,
              "vectors": model.wv.vectors, "rng_states": np.concatenate(model.rng_states),
              "norms": np.asarray(model.wv.norms, dtype=np.float32)}
    if len(model.wv.vectors_lockf) == len(model.wv) and len(model.wv) != 1:
        arrays["vectors_lockf"] = model.wv.vectors_lockf
    if model.syn1 is not None:
        arrays["syn1"] = model.syn1
    if model.syn1neg is not None:
        arrays["syn1neg"] = model.syn1neg
    # A tokenizer given as an object (not a registered name) cannot be stored.
    readers = {k: v for k, v in model.reader_options.items() if isinstance(v, (str, type(None)))}
    meta = {"config": model.config.to_dict(), "training_log": model.training_log,
            "reader_options": readers, "corpus_count": model.corpus_count,
            "corpus_total_words": model.corpus_total_words, "compute_loss": model.compute_loss,
            "comment": model.comment if isinstance(model.comment, str) else None}
    return meta, arrays


def from_gensim(cls, model):
    """A ``cls`` (:class:`~w2v.models.word2vec.Word2Vec`) from a loaded gensim ``Word2Vec``: see
    :meth:`Word2Vec.from_gensim`."""
    try:
        wv = model.wv
        names = ("vector_size", "window", "min_count", "sample", "sg", "hs", "negative",
                 "ns_exponent", "cbow_mean", "alpha", "min_alpha", "epochs", "workers", "seed")
        settings = {name: getattr(model, name) for name in names}
    except AttributeError as e:
        raise TypeError(f"expected a gensim Word2Vec, got {type(model).__name__} ({e})") from None
    settings.update(max_vocab_size=getattr(model, "max_vocab_size", None),
                    max_final_vocab=getattr(model, "max_final_vocab", None),
                    batch_words=getattr(model, "batch_words", 10_000),
                    shrink_windows=getattr(model, "shrink_windows", True))
    out = cls(**settings, progress=False)
    kv = KeyedVectors.from_gensim(wv)
    counts = kv.counts if kv.counts.any() else np.arange(len(kv), 0, -1)
    out.vocab = Vocab(list(kv.index_to_key), counts)
    out.init_weights()
    out.wv.vectors[:] = kv.vectors
    out.wv.vectors_lockf = kv.vectors_lockf
    theirs = getattr(model, "syn1neg", None)
    if out.syn1neg is not None and theirs is not None and np.shape(theirs) == out.syn1neg.shape:
        out.syn1neg = np.array(theirs, dtype=np.float32)
    theirs = getattr(model, "syn1", None)
    if out.syn1 is not None and theirs is not None and np.shape(theirs) == out.syn1.shape:
        if same_tree(out.vocab, getattr(wv, "expandos", {})):
            out.syn1 = np.array(theirs, dtype=np.float32)
        else:   # syn1's rows are tree nodes: numbered differently, they would be scrambled
            logger.warning("from_gensim: gensim's Huffman tree breaks ties between equal counts "
                           "differently, so its hierarchical-softmax weights (syn1) are not copied; "
                           "the word vectors are, and training starts syn1 from zero")
    out.corpus_count = int(getattr(model, "corpus_count", 0) or 0)
    out.corpus_total_words = int(getattr(model, "corpus_total_words", 0) or 0)
    out.progress = True
    return out


def same_tree(vocab, expandos):
    """True when gensim's per-word ``code``/``point`` arrays equal this vocabulary's Huffman tree."""
    if "code" not in expandos or "point" not in expandos:
        return False
    codes, points, lengths = vocab.huffman()
    return all(np.array_equal(np.asarray(expandos["code"][i]), codes[i, :n]) and
               np.array_equal(np.asarray(expandos["point"][i]), points[i, :n])
               for i, n in enumerate(lengths.tolist()))
