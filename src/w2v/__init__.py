"""w2v: word2vec training, querying, evaluation and probing, with gensim's API names."""
from .callbacks import CallbackAny2Vec
from .corpus import LineSentence, PathLineSentences, WikiDump
from .keyedvectors import KeyedVectors
from .model import Word2Vec
from .phrases import ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phrases
from .vocab import RULE_DEFAULT, RULE_DISCARD, RULE_KEEP, Vocab

__version__ = "0.1.0"

__all__ = ["Word2Vec", "KeyedVectors", "LineSentence", "PathLineSentences", "Vocab", "WikiDump",
           "Phrases", "FrozenPhrases", "ENGLISH_CONNECTOR_WORDS", "CallbackAny2Vec", "RULE_DEFAULT",
           "RULE_DISCARD", "RULE_KEEP"]
