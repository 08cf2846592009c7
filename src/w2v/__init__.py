"""w2v: word2vec training, querying, evaluation and probing, with gensim's API names.

The public names are imported on first use (PEP 562), so that ``w2v phrases`` or ``w2v vocab``
does not pay for loading the trainer and the vector queries.
"""
import importlib
import importlib.util
import pkgutil
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_HOMES = {
    "Word2Vec": "models.word2vec", "KeyedVectors": "models.keyedvectors", "LineSentence": "corpus",
    "PathLineSentences": "corpus", "WikiDump": "corpus", "Vocab": "corpus.vocab",
    "RULE_DEFAULT": "corpus.vocab", "RULE_DISCARD": "corpus.vocab", "RULE_KEEP": "corpus.vocab",
    "Phrases": "phrases", "FrozenPhrases": "phrases", "ENGLISH_CONNECTOR_WORDS": "phrases",
    "CallbackAny2Vec": "models.callbacks", "FastText": "models.fasttext",
    "FastTextKeyedVectors": "models.fasttext", "load_facebook_model": "models.fasttext",
    "load_facebook_vectors": "models.fasttext", "save_facebook_model": "models.fasttext",
    "Doc2Vec": "models.doc2vec", "TaggedDocument": "models.doc2vec", "TaggedLineDocument": "models.doc2vec",
}

__all__ = ["Word2Vec", "KeyedVectors", "LineSentence", "PathLineSentences", "Vocab", "WikiDump",
           "Phrases", "FrozenPhrases", "ENGLISH_CONNECTOR_WORDS", "CallbackAny2Vec", "RULE_DEFAULT",
           "RULE_DISCARD", "RULE_KEEP", "FastText", "FastTextKeyedVectors", "load_facebook_model",
           "load_facebook_vectors", "save_facebook_model", "Doc2Vec", "TaggedDocument", "TaggedLineDocument"]

if TYPE_CHECKING:       # what the names are, for type checkers and editors
    from .models.callbacks import CallbackAny2Vec
    from .models.doc2vec import Doc2Vec, TaggedDocument, TaggedLineDocument
    from .models.fasttext import (FastText, FastTextKeyedVectors, load_facebook_model,
                                  load_facebook_vectors, save_facebook_model)
    from .corpus import LineSentence, PathLineSentences, WikiDump
    from .models.keyedvectors import KeyedVectors
    from .models.word2vec import Word2Vec
    from .phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases
    from .corpus.vocab import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, Vocab


def __getattr__(name):
    home = _HOMES.get(name)
    if home is None:
        if name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is None:
            raise AttributeError(f"module 'w2v' has no attribute {name!r}")
        return importlib.import_module(f".{name}", __name__)     # a submodule: w2v.phrases, ...
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    submodules = (m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return sorted(set(globals()) | set(__all__) | set(submodules))
