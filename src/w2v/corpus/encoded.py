"""Encode once: one pass over the text counts the words and writes provisional int32 ids to disk;
:meth:`Scan.encode` maps them to vocabulary ids without reading the text again, and
:class:`EncodedCorpus` holds the ids the kernels train on. The interners that give the
provisional ids are in :mod:`w2v.corpus.interning`.
"""
import contextlib
import itertools
import logging
import os
import shutil
import tempfile
import time
import weakref

import numpy as np

from .._atomic import atomic_write
from . import (LineReader, as_sentences, byte_blocks, check_no_nul, chunk_lengths,
                     decode_error, prefetch)
from .interning import BlockInterner, PruningInterner
from ..threads import thread_count, thread_pool

logger = logging.getLogger(__name__)

_BATCH_SENTENCES = 10_000       # sentences per batch for iterables of token lists
# Ids remapped per step by Scan.encode: a step holds the chunk and its remapped copy, 8 bytes a
# token (1 MB + 1 MB). Steps of 4M tokens through np.take (which also copies the ids as intp) held
# 68 MB at once: the peak of a whole training on en-dict (301 MB -> 246 MB; docs/speed.md, Memory).
_ENCODE_CHUNK = 1 << 18


def _remove_files(paths):
    for p in paths:
        with contextlib.suppress(OSError):
            os.unlink(p)


def _temp_path(cache_dir, suffix):
    if cache_dir is not None:
        os.makedirs(cache_dir, exist_ok=True)
    fd, path = tempfile.mkstemp(prefix="w2v-", suffix=suffix, dir=cache_dir)
    os.close(fd)
    return path


def _map_file(path, dtype, mode="r"):
    """Memory-map a raw array file; an empty file gives an empty (writable) array."""
    if os.path.getsize(path) == 0:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode=mode)


class Scan:
    """The result of :func:`scan`: word counts, and the corpus as provisional ids on disk.

    Attributes
    ----------
    words : list of str
        Distinct words by provisional id, in order of first appearance (when
        ``max_vocab_size`` pruned words, only the words still live at the end: gensim's
        raw vocabulary).
    counts : numpy.ndarray of int64
        Their counts (for a word pruned and seen again, the count since its last pruning,
        as in gensim).
    n_tokens : int
        Tokens read (raw, before any vocabulary filter).
    n_sentences : int
        Sentences read (after splitting long lines).
    ids_path, offsets_path : str
        Raw int32 provisional ids and int64 sentence offsets (``n_sentences + 1``).
    provisional_words, provisional_counts, live
        Every provisional id (with pruning, a word may have several), its count, and
        whether it was still live at the end.
    """

    def __init__(self, provisional_words, provisional_counts, live, n_tokens, n_sentences,
                 ids_path, offsets_path):
        self.provisional_words = provisional_words
        self.provisional_counts = provisional_counts
        self.live = live
        self.n_tokens = int(n_tokens)
        self.n_sentences = int(n_sentences)
        self.ids_path = ids_path
        self.offsets_path = offsets_path
        self._finalizer = weakref.finalize(self, _remove_files, [ids_path, offsets_path])
        if live.all():
            self.words, self.counts = provisional_words, provisional_counts
        else:
            keep = np.flatnonzero(live)
            self.words = [provisional_words[i] for i in keep.tolist()]
            self.counts = provisional_counts[keep]

    def encode(self, vocab, path=None, in_place=False):
        """Map the provisional ids to ``vocab``'s ids (-1 for words not in it).

        Every occurrence of a vocabulary word gets its id, including occurrences seen
        before the word was pruned and seen again.

        Parameters
        ----------
        vocab : w2v.corpus.vocab.Vocab
            Anything with a ``word_to_index`` dict.
        path : str or None
            Keep the result as ``path`` (ids) and ``path + ".offsets"``; None: temporary
            files deleted by :meth:`EncodedCorpus.close`.
        in_place : bool
            Overwrite this scan's ids file instead of writing a new one (saves disk space);
            the scan is closed afterwards.

        Returns
        -------
        EncodedCorpus

        Examples
        --------
        >>> from w2v.corpus.vocab import Vocab
        >>> s = scan([["a", "b", "a"], ["c", "a"]])
        >>> with s.encode(Vocab(["a", "c"], [3, 1])) as enc:
        ...     enc.ids.tolist(), enc.offsets.tolist()
        ([0, -1, 0, 1, 0], [0, 3, 5])
        >>> s.close()
        """
        if self.ids_path is None:
            raise ValueError("this Scan is closed")
        t0 = time.perf_counter()
        w2i = vocab.word_to_index
        table = np.fromiter(map(w2i.get, self.provisional_words, itertools.repeat(-1)),
                            dtype=np.int32, count=len(self.provisional_words))
        if in_place:
            if path is not None:
                raise ValueError("give either path or in_place=True, not both")
            out_path, off_path = self.ids_path, self.offsets_path
            self._finalizer.detach()
            self.ids_path = self.offsets_path = None
            owned = True
        else:
            owned = path is None
            out_path = _temp_path(os.path.dirname(self.ids_path), ".ids") if owned else os.fspath(path)
            off_path = _temp_path(os.path.dirname(self.ids_path), ".offsets") if owned else out_path + ".offsets"
            if owned:
                _remove_files([off_path])
                try:
                    os.link(self.offsets_path, off_path)
                except OSError:
                    shutil.copyfile(self.offsets_path, off_path)
            else:        # files the caller keeps: whole or not at all, like every file w2v writes
                with open(self.offsets_path, "rb") as f_off, atomic_write(off_path, "wb") as d_off:
                    shutil.copyfileobj(f_off, d_off)
        # Chunked reads and writes, not a memory map: a map would keep every page it touched
        # in this process's memory, which would then grow with the corpus.
        n_known = 0
        with contextlib.ExitStack() as stack:
            src = stack.enter_context(open(out_path if in_place else self.ids_path,
                                           "r+b" if in_place else "rb"))
            if in_place:
                dst = src
            else:
                dst = stack.enter_context(open(out_path, "wb") if owned else atomic_write(out_path, "wb"))
            position = 0
            while True:
                src.seek(position)
                chunk = np.fromfile(src, dtype=np.int32, count=_ENCODE_CHUNK)
                if not len(chunk):
                    break
                out = table[chunk]
                n_known += int(np.count_nonzero(out >= 0))
                dst.seek(position)
                out.tofile(dst)
                position += out.nbytes
        logger.info("encoded %d tokens (%d in the vocabulary) in %.2fs", self.n_tokens, n_known,
                    time.perf_counter() - t0)
        return EncodedCorpus(_map_file(out_path, np.int32), _map_file(off_path, np.int64),
                             ids_path=out_path, offsets_path=off_path, owns_files=owned, n_known=n_known)

    def close(self):
        """Delete the temporary files (also done when the object is garbage-collected)."""
        self._finalizer()
        self.ids_path = self.offsets_path = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Scan({len(self.words)} words, {self.n_tokens} tokens, {self.n_sentences} sentences)"


class EncodedCorpus:
    """A corpus as int32 word ids (-1: not in the vocabulary) and int64 sentence offsets.

    Sentence ``i`` is ``ids[offsets[i]:offsets[i + 1]]``. Arrays are usually read-only
    memory maps of files, deleted by :meth:`close` (or the context manager) when owned.

    Attributes
    ----------
    ids : numpy.ndarray of int32
    offsets : numpy.ndarray of int64, length ``n_sentences + 1``
    n_tokens : int
        Tokens, including those not in the vocabulary.
    n_known : int
        Tokens in the vocabulary (``ids >= 0``).
    n_sentences : int
    path, offsets_path : str or None
        The files behind the arrays, if any.

    Examples
    --------
    >>> c = EncodedCorpus.from_arrays([0, 1, -1, 2], [0, 3, 4])
    >>> [s.tolist() for s in c]
    [[0, 1, -1], [2]]
    >>> c.n_tokens, c.n_known, c.n_sentences
    (4, 3, 2)
    """

    def __init__(self, ids, offsets, ids_path=None, offsets_path=None, owns_files=False, n_known=None):
        self.ids = ids
        self.offsets = offsets
        self.path = ids_path
        self.offsets_path = offsets_path
        self.n_tokens = int(len(ids))
        self.n_sentences = int(len(offsets)) - 1
        self.n_known = int(np.count_nonzero(ids >= 0)) if n_known is None else int(n_known)
        paths = [ids_path, offsets_path] if owns_files else []
        self._finalizer = weakref.finalize(self, _remove_files, paths)

    @classmethod
    def from_arrays(cls, ids, offsets):
        """Wrap in-memory arrays (validated; converted to int32 / int64)."""
        ids64 = np.asarray(ids)
        offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        if ids64.ndim != 1 or offsets.ndim != 1 or len(offsets) < 1:
            raise ValueError("ids and offsets must be 1-D, offsets of length n_sentences + 1")
        if ids64.size and (ids64.min() < -1 or ids64.max() > np.iinfo(np.int32).max):
            raise ValueError("ids must be in [-1, 2**31)")
        if offsets[0] != 0 or offsets[-1] != len(ids64) or np.any(np.diff(offsets) < 0):
            raise ValueError("offsets must rise from 0 to len(ids)")
        return cls(np.ascontiguousarray(ids64, dtype=np.int32), offsets)

    @classmethod
    def load(cls, path):
        """Open the files written by ``Scan.encode(vocab, path=path)`` (not deleted on close)."""
        path = os.fspath(path)
        for p in (path, path + ".offsets"):
            if not os.path.exists(p):
                raise FileNotFoundError(f"{p}: no such file")
        ids, offsets = _map_file(path, np.int32), _map_file(path + ".offsets", np.int64)
        # Offsets past the ids would send the kernels (which do not check bounds) out of the array.
        if len(offsets) < 1 or offsets[0] != 0 or offsets[-1] != len(ids) or (np.diff(offsets) < 0).any():
            raise ValueError(f"{path}.offsets: the sentence offsets do not cut the {len(ids)} ids of {path} "
                             f"into sentences (files from different encodings, or damaged)")
        return cls(ids, offsets, path, path + ".offsets")

    def __len__(self):
        return self.n_sentences

    def __iter__(self):
        ids, offsets = self.ids, self.offsets.tolist()
        for a, b in zip(offsets[:-1], offsets[1:]):
            yield ids[a:b]

    def close(self):
        """Drop the arrays and delete owned files."""
        self.ids = self.offsets = None
        self._finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"EncodedCorpus({self.n_tokens} tokens, {self.n_sentences} sentences)"


def _sentence_lists(sentences):
    """Lists of up to ``_BATCH_SENTENCES`` token lists from any iterable of sentences."""
    if isinstance(sentences, LineReader):
        yield from sentences.sentence_batches()
        return
    it = iter(sentences)
    while True:
        batch = list(itertools.islice(it, _BATCH_SENTENCES))
        if not batch:
            return
        if isinstance(batch[0], (str, bytes)):
            raise TypeError("each sentence must be a list of tokens, got a str; split it first "
                            "(or pass a file path to read it with a tokenizer)")
        yield batch


def scan(sentences, max_vocab_size=None, cache_dir=None, progress=None, trim_rule=None, workers=None):
    """Count the words and write the corpus as provisional int32 ids, in one pass.

    Memory stays bounded by the number of distinct words: ids and sentence offsets go
    to temporary files (deleted by :meth:`Scan.close` or when the scan is collected).
    Pre-tokenized UTF-8 files (the ``"whitespace"`` tokenizer) are split and interned by a
    compiled loop; anything else goes through the tokenizer in Python.

    Parameters
    ----------
    sentences : path or iterable of list of str
        Anything :func:`as_sentences` accepts.
    max_vocab_size : int or None
        Gensim's memory cap: when more distinct words are live after a sentence, prune
        those below a threshold that rises by one at each pruning.
    cache_dir : str or None
        Folder for the temporary files (default: the system's temporary folder).
    progress : callable or None
        Called after each batch with the number of tokens in it (e.g. ``tqdm.update``).
    trim_rule : callable or None
        Applied when pruning for ``max_vocab_size``, as gensim does (see
        :meth:`w2v.corpus.vocab.Vocab.build`); ignored otherwise.
    workers : int or None
        Threads that look up blocks of a pre-tokenized file at once (default: the cores, at
        most :data:`w2v.threads.MAX_THREADS`); the result does not depend on it.

    Returns
    -------
    Scan

    Examples
    --------
    >>> with scan([["b", "a"], ["a"]]) as s:
    ...     s.words, s.counts.tolist(), s.n_tokens, s.n_sentences
    (['b', 'a'], [1, 2], 3, 2)
    """
    if max_vocab_size is not None and int(max_vocab_size) < 1:
        raise ValueError(f"max_vocab_size must be None or >= 1, got {max_vocab_size}")
    t0 = time.perf_counter()
    sentences = as_sentences(sentences)
    ids_path = _temp_path(cache_dir, ".ids")
    offsets_path = _temp_path(os.path.dirname(ids_path), ".offsets")
    total = n_sent = 0
    try:
        with open(ids_path, "wb") as f_ids, open(offsets_path, "wb") as f_off:
            np.zeros(1, np.int64).tofile(f_off)

            def write(ids, lengths):
                nonlocal total, n_sent
                ids.tofile(f_ids)
                (total + np.cumsum(lengths, dtype=np.int64)).tofile(f_off)
                total += len(ids)
                n_sent += len(lengths)

            if isinstance(sentences, LineReader) and sentences.compiled_path() and max_vocab_size is None:
                interner = BlockInterner()
                n_threads = thread_count(workers)
                with thread_pool(n_threads, "w2v-scan") as pool:
                    for src in sentences.sources():
                        blocks = prefetch(byte_blocks(src, sentences.limit))
                        while group := list(itertools.islice(blocks, n_threads)):
                            for block, line in group:
                                try:
                                    block.decode("utf-8")
                                except UnicodeDecodeError as exc:
                                    raise decode_error(src.name, block, line, exc, "utf-8") from exc
                                check_no_nul(src.name, block, line)
                            for ids, lengths in interner.feed_many([block for block, _ in group], pool):
                                write(ids, chunk_lengths(lengths, sentences.max_sentence_length))
                                if progress is not None:
                                    progress(len(ids))
                words, counts = interner.words()
                live = np.ones(len(words), dtype=bool)
            else:
                interner = PruningInterner(None if max_vocab_size is None else int(max_vocab_size), trim_rule)
                batches = _sentence_lists(sentences)
                if isinstance(sentences, LineReader):
                    batches = prefetch(batches)
                for batch in batches:
                    tokens = list(itertools.chain.from_iterable(batch))
                    for ids, part in interner.feed(tokens, list(map(len, batch))):
                        write(ids, part)
                    if progress is not None:
                        progress(len(tokens))
                n = len(interner.words)
                words, counts, live = interner.words, interner.counts[:n].copy(), interner.live[:n].copy()
    except BaseException:
        _remove_files([ids_path, offsets_path])
        raise
    result = Scan(words, counts, live, total, n_sent, ids_path, offsets_path)
    dt = time.perf_counter() - t0
    logger.info("scanned %d tokens in %d sentences: %d distinct words, %.2fs (%.2f M tokens/s)",
                total, n_sent, len(result.words), dt, total / max(dt, 1e-9) / 1e6)
    return result


def encode_with_vocab(sentences, vocab, cache_dir=None, progress=None):
    """Encode a corpus against an existing vocabulary (e.g. to continue training).

    Parameters
    ----------
    sentences : path or iterable of list of str
        Anything :func:`as_sentences` accepts.
    vocab : w2v.corpus.vocab.Vocab
        Tokens not in it become -1.
    cache_dir : str or None
        Folder for the temporary files.
    progress : callable or None
        As for :func:`scan`.

    Returns
    -------
    EncodedCorpus

    Examples
    --------
    >>> from w2v.corpus.vocab import Vocab
    >>> with encode_with_vocab([["x", "a"], ["a", "b"]], Vocab(["a", "b"], [2, 1])) as enc:
    ...     enc.ids.tolist()
    [-1, 0, 0, 1]
    """
    return scan(sentences, cache_dir=cache_dir, progress=progress).encode(vocab, in_place=True)
