"""gensim's ``gensim.models.phrases`` names, at the same path: the detector itself is the
:mod:`w2v.phrases` package (counting, scoring and joining in compiled loops)."""
from ..phrases import (ENGLISH_CONNECTOR_WORDS, FrozenPhrases, Phraser, Phrases, npmi_scorer,
                       original_scorer)

__all__ = ["Phrases", "FrozenPhrases", "Phraser", "ENGLISH_CONNECTOR_WORDS", "original_scorer",
           "npmi_scorer"]
