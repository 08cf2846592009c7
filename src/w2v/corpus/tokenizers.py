"""The tokenizer registry: tokenizers by name for the readers, the CLI and model files.

Built in: ``"whitespace"`` (``str.split``), ``"simple"`` (letters and digits) and ``"jieba"``
(Chinese, :mod:`w2v.corpus.chinese`, imported on first use).
"""
import re

_WORD_RE = re.compile(r"[^\W_]+")
_TOKENIZERS = {}


def _simple_lower(line):
    return _WORD_RE.findall(line.lower())


def _simple_keep_case(line):
    return _WORD_RE.findall(line)


def _whitespace_factory():
    return str.split


def _simple_factory(lowercase=True):
    return _simple_lower if lowercase else _simple_keep_case


def register_tokenizer(name, factory, overwrite=False):
    """Make a tokenizer available by name to :func:`get_tokenizer`, the readers and the CLI.

    Parameters
    ----------
    name : str
        The name, e.g. ``"jieba"``.
    factory : callable
        ``factory(**options)`` returns either a tokenizer, a callable ``str -> list[str]``
        applied to each line (one line = one sentence), or a *sentence splitter*, an object
        with a method ``sentences(line)`` returning an iterable of token lists (one line =
        any number of sentences). The readers use ``sentences`` when it is present, and
        ``sentences_of_lines(lines)`` (all sentences of a block of lines) before it.
    overwrite : bool
        Replace an existing registration instead of raising ``ValueError``.

    Examples
    --------
    >>> register_tokenizer("chars", lambda: list, overwrite=True)
    >>> get_tokenizer("chars")("abc")
    ['a', 'b', 'c']
    """
    if not overwrite and name in _TOKENIZERS:
        raise ValueError(f"a tokenizer named {name!r} is already registered; pass overwrite=True to replace it")
    if not callable(factory):
        raise TypeError(f"factory must be callable, got {type(factory).__name__}")
    _TOKENIZERS[name] = factory


def get_tokenizer(name_or_callable="whitespace", **options):
    """Return a tokenizer from its registered name, or pass a tokenizer through.

    Built in: ``"whitespace"`` (``str.split``: pre-tokenized text, the default) and
    ``"simple"`` (lower-cased runs of Unicode letters and digits; option ``lowercase``).

    Parameters
    ----------
    name_or_callable : str or callable or object with ``sentences``
        A registered name, or a tokenizer / sentence splitter returned unchanged.
    **options
        Passed to the registered factory.

    Returns
    -------
    callable or object with ``sentences``

    Examples
    --------
    >>> get_tokenizer("simple")("Hello, World_2 é!")
    ['hello', 'world', '2', 'é']
    >>> get_tokenizer("whitespace")("a  b\\tc")
    ['a', 'b', 'c']
    """
    if not isinstance(name_or_callable, str):
        if not (callable(name_or_callable) or hasattr(name_or_callable, "sentences")):
            raise TypeError(f"a tokenizer must be a name or a callable, got {type(name_or_callable).__name__}")
        if options:
            raise TypeError("tokenizer options apply only to a tokenizer given by name")
        return name_or_callable
    try:
        factory = _TOKENIZERS[name_or_callable]
    except KeyError:
        raise ValueError(f"unknown tokenizer {name_or_callable!r}; known: {', '.join(sorted(_TOKENIZERS))}") from None
    return factory(**options)


register_tokenizer("whitespace", _whitespace_factory)
register_tokenizer("simple", _simple_factory)


def _jieba_factory(**options):
    from w2v.corpus.chinese import ChineseTokenizer   # imported on first use: jieba is optional

    return ChineseTokenizer(**options)


register_tokenizer("jieba", _jieba_factory)


def tokenize_lines(tokenizer, lines):
    """Token lists for a list of lines (empty ones included)."""
    batch = getattr(tokenizer, "sentences_of_lines", None)   # a whole block at once (may be parallel)
    if batch is not None:
        return batch(lines)
    splitter = getattr(tokenizer, "sentences", None)
    if splitter is not None:
        return [list(s) for line in lines for s in splitter(line)]
    return list(map(tokenizer, lines))


def registered_tokenizers():
    """The names :func:`get_tokenizer` knows, sorted.

    Examples
    --------
    >>> {"whitespace", "simple", "jieba"} <= set(registered_tokenizers())
    True
    """
    return sorted(_TOKENIZERS)
