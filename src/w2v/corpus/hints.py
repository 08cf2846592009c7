"""Hints about how a corpus was read, judged from its vocabulary: raw text split on whitespace
leaves punctuation on the words. Logged as warnings on the ``w2v.corpus.hints`` logger (the
command line prints them as ``w2v: hint: ...``)."""
import logging
import unicodedata

logger = logging.getLogger(__name__)

# Among the HINT_TOP most frequent words, this share or more carry punctuation at an edge ("(a",
# "life;"): raw text read by the whitespace tokenizer. Measured: WordNet glosses 4.8 %, the
# lower-cased letters-only en-dict 0 %.
HINT_TOP = 1000
HINT_SHARE = 0.02
# The tokenizers that split on whitespace only; None: the sentences came as token lists.
WHITESPACE = (None, "whitespace")


def punctuation_hint(words, tokenizer):
    """A one-line hint when words split on whitespace still carry punctuation, else None.

    The rule: at least ``HINT_SHARE`` of the ``HINT_TOP`` most frequent ``words`` start or end with
    a punctuation character while holding something else too (``"(a"``, ``"life;"``; a lone
    ``","`` is a prepared corpus's token and does not count). ``tokenizer`` is the name the text
    was read with, or None for sentences given as token lists.

    Examples
    --------
    >>> print(punctuation_hint(["the", "(a", "of", "life;"], "whitespace"))
    2 of the 4 most frequent words carry punctuation ('(a', 'life;'): the default tokenizer splits on whitespace only, for prepared text; for raw text pass tokenizer='simple' (CLI: --tokenizer simple)
    >>> punctuation_hint(["the", "(a", "of", "life;"], "simple") is None
    True
    """
    if tokenizer not in WHITESPACE:
        return None
    top = list(words[:HINT_TOP])
    marked = [w for w in top if _carries_punctuation(w)]
    if not top or len(marked) < HINT_SHARE * len(top):
        return None
    examples = ", ".join(repr(w) for w in marked[:3])
    found = f"{len(marked)} of the {len(top):,} most frequent words carry punctuation ({examples})"
    if tokenizer is None:
        return (f"{found}: the sentences look like raw text split on whitespace; tokenize them first, "
                f"e.g. with w2v.corpus.get_tokenizer('simple')")
    return (f"{found}: the default tokenizer splits on whitespace only, for prepared text; for raw text "
            f"pass tokenizer='simple' (CLI: --tokenizer simple)")


def warn_about(words, tokenizer):
    """Log :func:`punctuation_hint`'s hint as a warning, if there is one."""
    hint = punctuation_hint(words, tokenizer)
    if hint:
        logger.warning(hint)


def _carries_punctuation(word):
    def punct(c):
        return unicodedata.category(c).startswith("P")

    return len(word) > 1 and (punct(word[0]) or punct(word[-1])) and not all(map(punct, word))
