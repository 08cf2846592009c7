"""The line readers: files, folders and iterables as restartable iterables of sentences
(token lists), one sentence per line, read block by block.
"""
import codecs
import logging
import os

import numpy as np

from .blocks import Source, is_utf8, text_lines
from .detect import detect_encoding
from .tokenizers import get_tokenizer, tokenize_lines
from .readers import reader_for

logger = logging.getLogger(__name__)

AUTO = "auto"         # encoding="auto": guess each file's encoding (w2v.corpus.detect)


def chunk_lengths(lengths, max_len):
    """Drop zero lengths and split lengths above ``max_len`` into consecutive chunks."""
    lengths = lengths[lengths > 0]
    if lengths.size and lengths.max() > max_len:
        out = []
        for n in lengths.tolist():
            while n > max_len:
                out.append(max_len)
                n -= max_len
            out.append(n)
        lengths = np.array(out, dtype=np.int64)
    return lengths



class LineReader:
    """Shared machinery of :class:`LineSentence` and :class:`PathLineSentences`."""

    def __init__(self, max_sentence_length, limit, tokenizer, encoding, errors):
        if int(max_sentence_length) < 1:
            raise ValueError(f"max_sentence_length must be >= 1, got {max_sentence_length}")
        if limit is not None and int(limit) < 0:
            raise ValueError(f"limit must be None or >= 0, got {limit}")
        try:
            if encoding != AUTO:
                codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ValueError(f"unknown encoding {encoding!r} (e.g. utf-8, gb18030, utf-16, latin-1, or "
                             f"auto to detect it)") from None
        try:
            codecs.lookup_error(errors)
        except (LookupError, TypeError):
            raise ValueError(f"unknown errors handler {errors!r}; use 'strict', 'replace' or 'ignore'") from None
        self.max_sentence_length = int(max_sentence_length)
        self.limit = None if limit is None else int(limit)
        self.tokenizer = get_tokenizer(tokenizer)
        self.encoding = encoding
        self.errors = errors

    def sources(self):
        raise NotImplementedError

    def _detect(self, paths):
        """``encoding="auto"``: the encoding of ``paths`` (one for all of them), guessed."""
        if self.encoding != AUTO:
            return
        found = {p: detect_encoding(p) for p in paths}
        if len(set(found.values())) > 1:
            listed = ", ".join(f"{os.path.basename(p)} {e}" for p, e in found.items())
            raise ValueError(f"the files are in different encodings ({listed}); convert them to one, or "
                             f"read them separately")
        self.encoding = next(iter(found.values()), "utf-8")

    def __iter__(self):
        for batch in self.sentence_batches():
            yield from batch

    def sentence_batches(self):
        """Lists of sentences (token lists), one list per block of lines."""
        m = self.max_sentence_length
        for src in self.sources():
            for lines in text_lines(src, self.encoding, self.errors, self.limit):
                sentences = tokenize_lines(self.tokenizer, lines)
                if all(0 < len(s) <= m for s in sentences):
                    yield sentences
                else:
                    yield [s[i:i + m] for s in sentences for i in range(0, len(s), m)]

    def compiled_path(self):
        """True when the compiled whitespace tokenizer reproduces ``str.split`` exactly."""
        if not (self.tokenizer is str.split and self.errors == "strict" and is_utf8(self.encoding)):
            return False
        for src in self.sources():
            if src.is_file_object:
                src.source.seek(0)
                if not isinstance(src.source.read(0), bytes):
                    return False
        return True


class LineSentence(LineReader):
    """A text file as a restartable iterable of sentences, one per line (gensim's name).

    Empty lines yield nothing; a line of more than ``max_sentence_length`` tokens is
    split into consecutive chunks, never truncated. Compressed files (``.gz``, ``.bz2``,
    ``.xz``) are read transparently and a UTF-8 byte-order mark is dropped.

    Parameters
    ----------
    source : str or os.PathLike or file object
        A path, or a binary (or text) file object that can ``seek(0)``.
    max_sentence_length : int
        Longest sentence yielded; longer lines become several sentences.
    limit : int or None
        Read only the first ``limit`` lines.
    tokenizer : str or callable
        A name for :func:`get_tokenizer` or a tokenizer (see :func:`register_tokenizer`).
    encoding, errors : str
        Text decoding. With ``errors="strict"`` an invalid byte raises ``ValueError``
        naming the file, line and column. ``encoding="auto"`` guesses it from the file's first
        megabyte (:func:`w2v.corpus.detect.detect_encoding`).

    Examples
    --------
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.txt")
    >>> _ = open(p, "w").write("the cat\\n\\na b c d e\\n")
    >>> list(LineSentence(p, max_sentence_length=2))
    [['the', 'cat'], ['a', 'b'], ['c', 'd'], ['e']]
    """

    def __init__(self, source, max_sentence_length=10000, limit=None, tokenizer="whitespace",
                 encoding="utf-8", errors="strict"):
        super().__init__(max_sentence_length, limit, tokenizer, encoding, errors)
        if not hasattr(source, "read"):
            if not os.path.exists(source):
                raise FileNotFoundError(f"{os.fspath(source)}: no such file")
            if os.path.isdir(source):
                raise IsADirectoryError(f"{os.fspath(source)}: is a folder; use PathLineSentences")
        elif encoding == AUTO:
            raise ValueError("encoding='auto' reads the file's start to guess: give a path, not a file object")
        self.source = source
        self._detect([source] if encoding == AUTO else [])

    def sources(self):
        return [Source(self.source)]

    def __repr__(self):
        return f"LineSentence({getattr(self.source, 'name', self.source)!r})"


class PathLineSentences(LineReader):
    """Every file of a folder, in name order, as one restartable iterable of sentences.

    Hidden files (names starting with ``.``) and sub-folders are skipped; each file is
    read as by :class:`LineSentence` (``limit`` applies per file). A path to a single
    file is accepted too.

    Parameters
    ----------
    source : str or os.PathLike
        The folder.
    max_sentence_length, limit, tokenizer, encoding, errors
        As for :class:`LineSentence`.

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = open(os.path.join(d, "b.txt"), "w").write("world\\n")
    >>> _ = open(os.path.join(d, "a.txt"), "w").write("hello\\n")
    >>> _ = open(os.path.join(d, ".hidden"), "w").write("skipped\\n")
    >>> list(PathLineSentences(d))
    [['hello'], ['world']]
    """

    def __init__(self, source, max_sentence_length=10000, limit=None, tokenizer="whitespace",
                 encoding="utf-8", errors="strict"):
        super().__init__(max_sentence_length, limit, tokenizer, encoding, errors)
        if not os.path.exists(source):
            raise FileNotFoundError(f"{os.fspath(source)}: no such folder")
        self.source = os.fspath(source)
        if os.path.isfile(self.source):
            self.input_files = [self.source]
        else:
            names = sorted(n for n in os.listdir(self.source) if not n.startswith("."))
            self.input_files = [os.path.join(self.source, n) for n in names
                                if os.path.isfile(os.path.join(self.source, n))]
            if not self.input_files:
                logger.warning("%s: no files to read", self.source)
        self._detect(self.input_files)

    def sources(self):
        return [Source(p) for p in self.input_files]

    def __repr__(self):
        return f"PathLineSentences({self.source!r})"


class OneShot:
    """Wraps an iterator so that a second pass raises instead of silently yielding nothing."""

    def __init__(self, iterator):
        self._iterator = iterator
        self._used = False

    def __iter__(self):
        if self._used:
            raise ValueError(
                "the sentences are a one-shot iterator (e.g. a generator) and were already consumed; "
                "pass a list, a path, a LineSentence or another restartable iterable to iterate several times")
        self._used = True
        return self._iterator


def as_sentences(obj, **reader_options):
    """Turn a path, a reader or an iterable of token lists into an iterable of sentences.

    Parameters
    ----------
    obj : str or os.PathLike or iterable of list of str
        A file (read by :class:`LineSentence`), a folder (:class:`PathLineSentences`), a
        reader, or any re-iterable of token lists. A one-shot iterator (a generator) is
        accepted for a single pass; iterating it a second time raises ``ValueError``.
    **reader_options
        ``max_sentence_length``, ``limit``, ``tokenizer``, ``encoding``, ``errors``, for paths.

    Returns
    -------
    iterable of list of str

    Examples
    --------
    >>> s = as_sentences(iter([["a", "b"], ["c"]]))
    >>> list(s)
    [['a', 'b'], ['c']]
    >>> list(s)
    Traceback (most recent call last):
    ...
    ValueError: the sentences are a one-shot iterator (e.g. a generator) and were already consumed; pass a list, a path, a LineSentence or another restartable iterable to iterate several times
    """
    if isinstance(obj, (str, os.PathLike)):
        if os.path.isdir(obj):
            return PathLineSentences(obj, **reader_options)
        reader = reader_for(obj)             # a Wikipedia dump, ...: recognised by its content
        if reader is not None:
            return reader.open(obj, **reader_options)
        return LineSentence(obj, **reader_options)
    if reader_options:
        raise TypeError(f"reader options ({', '.join(reader_options)}) apply only to a path")
    if isinstance(obj, (LineReader, OneShot)):
        return obj
    if isinstance(obj, (bytes, bytearray)):
        raise TypeError("sentences must be a path or an iterable of token lists, got bytes")
    if iter(obj) is obj:
        return OneShot(obj)
    return obj
