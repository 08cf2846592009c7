"""Phrases over whole corpora at once, the fast path: read a file (or sentences) once into word ids,
join its phrases in passes, and write the text (``w2v phrases``) or hand the ids to training
(``w2v train --phrases``).
"""
import os
import sys
import tempfile

import numpy as np

from .._atomic import atomic_write
from ..corpus.encoded import Scan
from ..kernels import phrases as k
from ..threads import in_order, sentence_pieces, thread_pool
from .detector import phrase_ids, read_ids
from .scoring import check_options

_RENDER_TOKENS = 1 << 20        # tokens written per step by write_phrased


def write_phrased(path, words, ids, offsets, join, delimiter="_", c_style=False, pool=None):
    """Write a corpus with its joined tokens glued by ``delimiter``, one sentence a line, atomically.

    ``words``, ``ids``, ``offsets`` and ``join`` are as :func:`~w2v.phrases.phrase_ids` returns them;
    ``c_style`` writes word2phrase's layout (each token preceded by its separator). With ``pool``
    (a :class:`w2v.threads.Pool`) pieces of the text are rendered in it concurrently and written
    in order.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> write_phrased(path, ["new", "york", "in"], np.array([2, 0, 1], np.int32), np.array([0, 1, 3]),
    ...               np.array([0, 0, 1], np.uint8))
    >>> open(path).read().splitlines()
    ['in', 'new_york']
    """
    # the words, each followed by a newline (no word holds one): one join and one encode
    blob = np.frombuffer(("\n".join(words) + "\n" if words else "").encode("utf-8"), dtype=np.uint8)
    word_end = np.flatnonzero(blob == 10)
    if len(word_end) != len(words):
        raise ValueError("a word holds a newline; it cannot be written one sentence a line")
    word_start = np.concatenate([[0], word_end[:-1] + 1])
    delim = np.frombuffer(delimiter.encode("utf-8"), dtype=np.uint8)
    empty = np.zeros(0, dtype=np.uint8)

    def render(s, e):
        part = offsets[s:e + 1]
        lo, hi = int(part[0]), int(part[-1])
        args = (ids[lo:hi], part - lo, join[lo:hi], blob, word_start, word_end, delim, c_style)
        out = np.empty(k.render(*args, empty), dtype=np.uint8)
        k.render(*args, out)
        return out

    with atomic_write(path, "wb") as f:
        for out in in_order(render, sentence_pieces(offsets, _RENDER_TOKENS), pool):
            f.write(out.data)


def phrase_file(source, output, passes=1, c_style=False, workers=None, reader_options=None, **options):
    """Detect and join phrases in a text file (one sentence a line), writing ``output`` atomically.

    Parameters
    ----------
    source : str
        Text file or folder, whitespace-separated tokens, one sentence a line.
    output : str
        Where to write the text with phrases joined.
    passes : int
        Rounds of detection (2: trigrams and 4-grams too, like the C tool's demo-phrases.sh).
    c_style : bool
        Write word2phrase's layout (each token preceded by its separator).
    workers : int or None
        Threads (default: the machine's cores, at most 8); the output does not depend on them.
    reader_options : dict, optional
        How the text is read: ``tokenizer`` (default whitespace: ``"simple"`` for raw text,
        ``"jieba"`` for Chinese), ``encoding``, ``errors``, as for :class:`w2v.LineSentence`.
    **options
        :class:`Phrases` arguments (``min_count``, ``threshold``, ``scoring``, ``connector_words``,
        ``delimiter``, ``max_vocab_size``).

    Returns
    -------
    list of dict
        One per pass: ``tokens`` read, ``candidates`` counted (words + grams), ``phrases``
        accepted, ``joined`` (phrases joined in the text).

    Examples
    --------
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> src, out = os.path.join(d, "in.txt"), os.path.join(d, "out.txt")
    >>> _ = open(src, "w").write("new york city\\nin new york\\n" * 3)
    >>> _ = phrase_file(src, out, min_count=1, threshold=0.9)
    >>> open(out).read().splitlines()[:2]
    ['new_york city', 'in new_york']
    """
    check_text_options(options)
    with thread_pool(workers, "w2v-phrases") as pool:
        words, ids, offsets = read_ids(source, max_sentence_length=sys.maxsize, workers=workers,
                                       **(reader_options or {}))
        if len(ids) == 0:
            raise ValueError(f"{source}: the corpus is empty")
        words, ids, offsets, join, stats = phrase_ids(words, ids, offsets, passes=passes, pool=pool, **options)
        write_phrased(output, words, ids, offsets, join, options.get("delimiter", "_"), c_style, pool)
    return stats


def phrase_corpus(source, passes=1, max_sentence_length=10000, cache_dir=None, progress=None,
                  reader_options=None, workers=None, **options):
    """Read a corpus once, join its phrases in ``passes`` rounds, and return it counted and
    encoded, ready for :class:`w2v.Word2Vec` (no second reading of the text).

    Parameters
    ----------
    source : str or iterable of list of str
        A text file or folder (one sentence a line) or sentences.
    passes : int
        Rounds of joining (2: ``new_york_city`` too).
    max_sentence_length, reader_options
        How the text is read (``tokenizer``, ``encoding``, ``errors``), as for ``Word2Vec``.
    cache_dir : str or None
        Folder for the temporary id files.
    progress : callable or None
        Called with the tokens of each block read.
    workers : int or None
        Threads (default: the machine's cores, at most 8); the result does not depend on them.
    **options
        :class:`Phrases` arguments.

    Returns
    -------
    w2v.corpus.encoded.Scan
        Give it to ``Word2Vec(...)`` or to ``build_vocab`` and then ``train`` (the same object;
        it is used up by them).

    Examples
    --------
    >>> from w2v import Word2Vec
    >>> corpus = phrase_corpus([["new", "york", "city"], ["in", "new", "york"]] * 50, min_count=1,
    ...                        threshold=0.01)
    >>> model = Word2Vec(corpus, vector_size=8, min_count=1, epochs=1, workers=1)
    >>> "new_york" in model.wv
    True
    """
    check_text_options(options)           # the phrases become words of a vocabulary and its files
    with thread_pool(workers, "w2v-phrases") as pool:
        words, ids, offsets = read_ids(source, max_sentence_length, cache_dir, progress, workers,
                                        **(reader_options or {}))
        if len(ids) == 0:
            raise ValueError("the corpus is empty")
        words, ids, offsets, _, _ = phrase_ids(words, ids, offsets, passes=passes, merge_last=True, pool=pool,
                                               **options)
    counts = np.bincount(ids, minlength=len(words)).astype(np.int64)
    paths = []
    try:
        for suffix, array in ((".ids", ids), (".offsets", offsets)):
            fd, path = tempfile.mkstemp(prefix="w2v-phrases-", suffix=suffix, dir=cache_dir)
            paths.append(path)
            with os.fdopen(fd, "wb") as f:
                array.tofile(f)
    except BaseException:
        for path in paths:
            os.unlink(path)
        raise
    return Scan(words, counts, counts > 0, len(ids), len(offsets) - 1, *paths)


def check_text_options(options):
    """The :class:`Phrases` options for phrases that end up in text (no whitespace in the delimiter)."""
    check_options(options.get("min_count", 5), options.get("threshold", 10.0), options.get("delimiter", "_"),
                  options.get("scoring", "default"), options.get("connector_words", frozenset()),
                  options.get("max_vocab_size", 40000000), text_file=True)
