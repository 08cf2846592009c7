"""FrozenPhrases (gensim's ``FrozenPhrases``, alias ``Phraser``): only the accepted phrases of a
:class:`~w2v.phrases.Phrases` model, to join them in new text; no counts, no more learning.
"""
import logging

import numpy as np

from .counts import GramTable, checked_grams
from .scoring import resolve_scorer, scorer_reference
from .transform import PhrasesTransformation

logger = logging.getLogger(__name__)


class FrozenPhrases(PhrasesTransformation):
    """The accepted phrases of a :class:`Phrases` model and nothing else (gensim's ``FrozenPhrases``).

    Examples
    --------
    >>> from w2v.phrases import Phrases
    >>> p = Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1)
    >>> f = p.freeze()
    >>> f[["to", "new", "york"]], f.phrasegrams
    (['to', 'new_york'], {'new_york': 0.6666666666666666})
    """

    _KIND = "frozen-phrases"

    def __init__(self, phrases_model):
        self.threshold = phrases_model.threshold
        self.min_count = phrases_model.min_count
        self.delimiter = phrases_model.delimiter
        self.scoring = phrases_model.scoring
        self.connector_words = phrases_model.connector_words
        _, _, scores, flat, offsets = phrases_model._tables()
        self._build(phrases_model._words, flat, offsets, scores, phrases_model._mode)

    def _build(self, words, flat, offsets, scores, mode):
        """Keep only the words the phrases use, renumbered, and a lookup table of the phrases."""
        used, flat = np.unique(flat, return_inverse=True)
        self._words = [words[i] for i in used.tolist()]
        self._flat, self._offsets = flat.astype(np.int32).ravel(), offsets
        self._scores = np.asarray(scores)
        self._mode = mode
        self._lookup = GramTable.of(self._flat, offsets, np.arange(len(self._scores)))
        self._flags = self._connector_flags()

    def _tables(self):
        return self._flags, self._lookup, self._scores, self._flat, self._offsets

    def __str__(self):
        return (f"{type(self).__name__}<{len(self._scores)} phrases, min_count={self.min_count}, "
                f"threshold={self.threshold}>")

    __repr__ = __str__

    @property
    def phrasegrams(self):
        """dict phrase -> score of every phrase this model joins (gensim's attribute)."""
        return {self._string(self._flat, self._offsets, i): float(s) for i, s in enumerate(self._scores.tolist())}

    def score_candidate(self, word_a, word_b, in_between):
        """``(phrase, score)`` when the phrase is one of this model's, else ``(None, None)``."""
        tokens = [word_a, *in_between, word_b]
        if any(t not in self._index for t in tokens):
            return None, None
        i = self._lookup.find([self._index[t] for t in tokens])
        return (self.delimiter.join(tokens), float(self._scores[i])) if i >= 0 else (None, None)

    def _state(self):
        meta = {"scoring": _reference(self.scoring), "mode": self._mode}
        arrays = {"phrase_ids": self._flat, "phrase_offsets": self._offsets,
                  "phrase_scores": np.asarray(self._scores, dtype=np.float64)}
        return meta, arrays

    @classmethod
    def load(cls, path):
        """Load frozen phrases that :meth:`save` wrote (a :class:`~w2v.phrases.Phrases` file is refused).

        Examples
        --------
        >>> import os, tempfile
        >>> from w2v.phrases import Phrases
        >>> path = os.path.join(tempfile.mkdtemp(), "f.w2v")
        >>> Phrases([["new", "york"]] * 3, min_count=1, threshold=0.1).freeze().save(path)
        >>> FrozenPhrases.load(path)[["new", "york"]]
        ['new_york']
        """
        return cls._load_first(path, (FrozenPhrases,), "frozen phrases")

    def _restore(self, meta, arrays, words):
        try:
            self.scoring = resolve_scorer(meta["scoring"])
        except ValueError as e:     # frozen phrases join without their scorer: keep its name
            if ":" in meta["scoring"]:
                logger.warning("%s; the frozen phrases work without it", e)
            self.scoring = meta["scoring"]
        flat, offsets, scores = checked_grams(arrays, "phrase", len(words))
        if meta["mode"] == "word2phrase":
            scores = scores.astype(np.float32)
        self._build(words, flat, offsets, scores, meta["mode"])


Phraser = FrozenPhrases


def _reference(scoring):
    """The scorer's name for the file: importable (see ``scorer_reference``), else only its name, as
    frozen phrases join without it."""
    if isinstance(scoring, str):
        return scoring
    try:
        return scorer_reference(scoring)
    except ValueError:
        return getattr(scoring, "__qualname__", "custom")
