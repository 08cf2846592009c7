"""How phrase candidates are scored, and the options that go with a score: the three scorers of
gensim 4.4 and word2phrase.c, the threshold and count checks, and connector words.
"""
import importlib
import math
import os
from inspect import signature

import numpy as np

#: Words that may sit inside a phrase but never start or end one (gensim's list).
ENGLISH_CONNECTOR_WORDS = frozenset(
    " a an the "
    " for of with without at from to in on by "
    " and or ".split()
)

NEGATIVE_INFINITY = float("-inf")
SCORING_PARAMETERS = ("worda_count", "wordb_count", "bigram_count", "len_vocab", "min_count",
                      "corpus_word_count")

def original_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """gensim's ``default`` score: ``(bigram_count - min_count) / (worda_count * wordb_count) * len_vocab``.

    Examples
    --------
    >>> original_scorer(10, 20, 8, 1000, 5, 0)
    15.0
    """
    denom = worda_count * wordb_count
    if denom == 0:
        return NEGATIVE_INFINITY
    return (bigram_count - min_count) / float(denom) * len_vocab


def npmi_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """Normalised pointwise mutual information (Bouma 2009), in [-1, 1]; -inf below ``min_count``.

    Examples
    --------
    >>> round(npmi_scorer(10, 10, 10, 0, 1, 100), 6)
    1.0
    """
    if bigram_count < min_count:
        return NEGATIVE_INFINITY
    n = float(corpus_word_count)
    pa, pb, pab = worda_count / n, wordb_count / n, bigram_count / n
    try:
        return math.log(pab / (pa * pb)) / -math.log(pab)
    except (ValueError, ZeroDivisionError):
        return NEGATIVE_INFINITY


def word2phrase_scorer(worda_count, wordb_count, bigram_count, len_vocab, min_count, corpus_word_count):
    """The C tool's word2phrase score, in single precision as it computes it:
    ``(bigram_count - min_count) / worda_count / wordb_count * train_words``, 0 when any count
    is below ``min_count``.

    Examples
    --------
    >>> round(float(word2phrase_scorer(10, 20, 8, 0, 5, 1000)), 4)
    15.0
    """
    f = np.float32
    if min(worda_count, wordb_count, bigram_count) < min_count:
        return f(0.0)
    return f(bigram_count - min_count) / f(worda_count) / f(wordb_count) * f(corpus_word_count)


SCORERS = {"default": original_scorer, "npmi": npmi_scorer, "word2phrase": word2phrase_scorer}


def scoring_name(scoring):
    """The name in :data:`SCORERS` of ``scoring`` (a name or one of the scorers), None for other functions.

    Examples
    --------
    >>> scoring_name(npmi_scorer), scoring_name("default"), scoring_name(max)
    ('npmi', 'default', None)
    """
    for name, fn in SCORERS.items():
        if scoring is fn or scoring == name:
            return name
    return None


def scorer_reference(scoring):
    """What a file records for ``scoring``: its name in :data:`SCORERS`, or ``"module:qualname"`` for
    a function that can be imported by that name (as pickle, and so gensim, records one).

    Examples
    --------
    >>> scorer_reference("npmi"), scorer_reference(original_scorer)
    ('npmi', 'default')
    >>> scorer_reference(lambda **kw: 0)
    Traceback (most recent call last):
    ...
    ValueError: the custom scorer '<lambda>' cannot be saved: a file records a scorer by its importable name (module:function), so define it at the top level of a module
    """
    name = scoring_name(scoring)
    if name is not None:
        return name
    module, qualname = getattr(scoring, "__module__", None), getattr(scoring, "__qualname__", "")
    try:
        found = _import_attribute(module, qualname)
    except (ImportError, AttributeError, ValueError):
        found = None
    if found is not scoring:
        raise ValueError(f"the custom scorer {qualname or scoring!r} cannot be saved: a file records a scorer by "
                         f"its importable name (module:function), so define it at the top level of a module")
    return f"{module}:{qualname}"


def resolve_scorer(reference):
    """The scorer a file recorded with :func:`scorer_reference`: a name of :data:`SCORERS`, or a
    function imported by its ``"module:qualname"``. Raises ``ValueError`` when it cannot be imported
    or does not take gensim's scorer parameters.

    Examples
    --------
    >>> resolve_scorer("npmi") is npmi_scorer, resolve_scorer("w2v.phrases.scoring:npmi_scorer") is npmi_scorer
    (True, True)
    """
    if reference in SCORERS:
        return SCORERS[reference]
    module, _, qualname = str(reference).partition(":")
    try:
        scorer = _import_attribute(module, qualname)
    except (ImportError, AttributeError, ValueError) as e:
        raise ValueError(f"the phrases were scored by {reference!r}, which cannot be imported here "
                         f"({type(e).__name__}: {e}); import the module that defines it first") from None
    check_options(1, 1.0, "_", scorer, frozenset(), 1)
    return scorer


def _import_attribute(module, qualname):
    if not module or not qualname or "<" in qualname:     # <lambda>, <locals>: not importable
        raise ValueError(f"{module}:{qualname} is not an importable name")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def check_options(min_count, threshold, delimiter, scoring, connector_words, max_vocab_size,
                  text_file=False):
    """Check :class:`~w2v.phrases.Phrases`' options together (the threshold's range depends on the
    scoring); return the threshold as a float. Raises ValueError or TypeError naming the option.

    The delimiter may hold whitespace (gensim allows ``" "``) except where the phrases are written
    to a text file (``text_file``), where a space would split the joined phrase again.

    Examples
    --------
    >>> check_options(5, 10, "_", "default", frozenset(), 40000000)
    10.0
    >>> check_options(5, 2, "_", "npmi", frozenset(), 40000000)
    Traceback (most recent call last):
    ...
    ValueError: threshold must be in (-1, 1] for npmi scoring, got 2.0
    """
    if isinstance(min_count, bool) or not isinstance(min_count, (int, float, np.integer, np.floating)) \
            or not min_count >= 1:
        raise ValueError(f"min_count must be a number >= 1, got {min_count!r}")
    if not isinstance(delimiter, str) or not delimiter:
        raise ValueError(f"delimiter must be a non-empty string, got {delimiter!r}")
    if text_file and any(c.isspace() for c in delimiter):
        raise ValueError(f"delimiter must not hold whitespace when the phrases are written as text (a "
                         f"space would split them again), got {delimiter!r}")
    if isinstance(scoring, str):
        if scoring not in SCORERS:
            raise ValueError(f"unknown scoring {scoring!r}: use 'default', 'npmi', 'word2phrase' "
                             f"or a function with gensim's scorer parameters")
    elif callable(scoring):
        try:
            params = signature(scoring).parameters
        except (TypeError, ValueError):
            params = {}
        missing = [p for p in SCORING_PARAMETERS if p not in params]
        if missing:
            raise ValueError(f"scoring function missing expected parameters {missing}")
    else:
        raise TypeError(f"scoring must be a name or a function, got {type(scoring).__name__}")
    name = scoring_name(scoring)
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise TypeError(f"threshold must be a number, got {threshold!r}") from None
    if name == "default" and not threshold > 0:
        raise ValueError(f"threshold must be > 0 for default scoring, got {threshold}")
    if name == "npmi" and not -1 < threshold <= 1:
        raise ValueError(f"threshold must be in (-1, 1] for npmi scoring, got {threshold}")
    if name == "word2phrase":
        if not threshold >= 0:
            raise ValueError(f"threshold must be >= 0 for word2phrase scoring, got {threshold}")
        if connector_words:
            raise ValueError("word2phrase scoring has no connector words; leave connector_words empty")
    if isinstance(max_vocab_size, bool) or not isinstance(max_vocab_size, (int, np.integer)) or max_vocab_size < 1:
        raise ValueError(f"max_vocab_size must be a whole number >= 1, got {max_vocab_size!r}")
    if isinstance(connector_words, str):
        raise TypeError("connector_words must be a set of words, not a str")
    return threshold


def load_connector_words(spec):
    """``"english"`` -> :data:`ENGLISH_CONNECTOR_WORDS`; a path -> the words of that file
    (whitespace-separated, UTF-8); ``None`` -> no connector words.

    Examples
    --------
    >>> "of" in load_connector_words("english")
    True
    """
    if spec is None:
        return frozenset()
    if spec == "english":
        return ENGLISH_CONNECTOR_WORDS
    if not os.path.isfile(spec):
        raise FileNotFoundError(f"{spec}: no such connector-words file (or use 'english')")
    with open(spec, encoding="utf-8") as f:
        return frozenset(f.read().split())

