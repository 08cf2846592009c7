"""The trainable models and their vectors at gensim's module paths: ``w2v.models.word2vec``,
``w2v.models.keyedvectors``, ``w2v.models.phrases``, ``w2v.models.callbacks``,
``w2v.models.fasttext``, ``w2v.models.doc2vec``, so that gensim code ports by changing
``gensim.models`` to ``w2v.models``. Names are imported on first use (PEP 562).
"""
import importlib

_HOMES = {"Word2Vec": "word2vec", "KeyedVectors": "keyedvectors", "Phrases": "phrases",
          "FastText": "fasttext", "Doc2Vec": "doc2vec", "TaggedDocument": "doc2vec",
          "TaggedLineDocument": "doc2vec"}

__all__ = sorted(_HOMES)


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
