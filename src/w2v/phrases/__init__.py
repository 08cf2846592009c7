"""Phrase detection: join frequent word pairs (``new york`` -> ``new_york``) as gensim's ``Phrases``
and the C tool's ``word2phrase`` do, counting and joining over int32 word ids in compiled loops.

The scores, the counting and the greedy joining follow gensim 4.4's ``gensim.models.phrases`` and
word2phrase.c exactly; docs/phrases.md says what differs (words that contain the delimiter).

One file a job:

- ``scoring.py``: the scorers, the option checks, connector words;
- ``counts.py``: the count tables of words and candidate grams;
- ``transform.py``: joining phrases in sentences, lazily over a corpus; save and load;
- ``detector.py``: :class:`Phrases` (counting, scores, accepted phrases) and :func:`phrase_ids`;
- ``frozen.py``: :class:`FrozenPhrases`, the accepted phrases alone;
- ``files.py``: the whole-corpus fast path, :func:`phrase_file` and :func:`phrase_corpus`.
"""
# Besides __all__ (what ``from w2v.phrases import *`` gives, unchanged by the split into files),
# w2v.phrases keeps offering the helpers it offered as one module (phrase_ids, write_phrased,
# SCORERS, ...) and read_ids, the reader that Phrases and the fast path share.
from .detector import Phrases, phrase_ids, read_ids
from .files import phrase_corpus, phrase_file, write_phrased
from .frozen import FrozenPhrases, Phraser
from .scoring import (ENGLISH_CONNECTOR_WORDS, NEGATIVE_INFINITY, SCORERS, SCORING_PARAMETERS,
                      load_connector_words, npmi_scorer, original_scorer, word2phrase_scorer)

__all__ = ["Phrases", "FrozenPhrases", "Phraser", "ENGLISH_CONNECTOR_WORDS", "original_scorer",
           "npmi_scorer", "word2phrase_scorer", "phrase_file", "phrase_corpus", "load_connector_words"]
