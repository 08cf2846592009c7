"""Encode once: one pass over the text counts the words and writes provisional int32 ids to disk;
:meth:`Scan.encode` maps them to vocabulary ids without reading the text again, and
:class:`EncodedCorpus` holds the ids the kernels train on.
"""
import contextlib
import itertools
import logging
import os
import shutil
import tempfile
import time
import weakref
from collections import defaultdict

import numpy as np
from numba import njit

from ._atomic import atomic_write
from .corpus import (_LineReader, _byte_blocks, _check_no_nul, _chunk_lengths, _decode_error,
                     _prefetch, as_sentences)
from .vocab import _keep_mask

logger = logging.getLogger(__name__)

_BATCH_SENTENCES = 10_000       # sentences per batch for iterables of token lists
_ENCODE_CHUNK = 1 << 22         # ids remapped per step by Scan.encode


# --------------------------------------------------------------------------- interning


@njit(cache=True, nogil=True)
def _space(b, c, d):
    """Byte length of the ``str.isspace`` character whose UTF-8 bytes start ``b, c, d``; 0 if none.

    Takes scalars, not the buffer: a jitted call with an array argument costs a reference
    count update, which per byte would dominate the tokenizer.
    """
    if b < 0x80:
        return 1 if (b == 32 or (9 <= b and b <= 13) or (28 <= b and b <= 31)) else 0
    if b == 0xC2:
        return 2 if (c == 0x85 or c == 0xA0) else 0
    if b == 0xE1:
        return 3 if c == 0x9A and d == 0x80 else 0
    if b == 0xE2:
        if c == 0x80 and (d <= 0x8A or d == 0xA8 or d == 0xA9 or d == 0xAF):
            return 3
        return 3 if c == 0x81 and d == 0x9F else 0
    if b == 0xE3:
        return 3 if c == 0x80 and d == 0x80 else 0
    return 0


@njit(cache=True, nogil=True)
def _intern_block(buf, start, table, arena, word_start, word_len, word_hash, counts, state, out_ids, out_lens):
    """Split UTF-8 ``buf[start:]`` on whitespace and lines on ``\\n``; intern each token.

    ``table`` (int32, power-of-two size, -1 = empty) is an open-addressing hash table of
    word ids; word ``k`` is ``arena[word_start[k]:word_start[k] + word_len[k]]``, and new
    words get the next id. Mutates the tables, ``counts`` (+1 per token) and ``state``
    (``[n_words, arena_used, n_tokens, n_lines, tokens in the current line]``); appends
    token ids to ``out_ids`` and tokens per line to ``out_lens``.

    Returns the position reached: ``len(buf)``, or the start of a new word that did not
    fit (table half full, word arrays or arena full); grow them and call again from there.
    """
    n = buf.shape[0]
    mask = np.uint64(table.shape[0] - 1)
    max_words = min(word_hash.shape[0], table.shape[0] // 2)
    n_words, used, n_tok, n_lines, line_tok = state[0], state[1], state[2], state[3], state[4]
    i = start
    stop = n
    while i < n:
        b = buf[i]
        if b < 0xC2:
            w = _space(b, 0, 0)
        else:
            w = _space(b, buf[i + 1] if i + 1 < n else 0, buf[i + 2] if i + 2 < n else 0)
        if w:
            if b == 10:
                out_lens[n_lines] = line_tok
                n_lines += 1
                line_tok = 0
            i += w
            continue
        s = i
        h = np.uint64(14695981039346656037)
        while i < n:
            b = buf[i]
            if b < 0xC2:
                w = _space(b, 0, 0)
            else:
                w = _space(b, buf[i + 1] if i + 1 < n else 0, buf[i + 2] if i + 2 < n else 0)
            if w:
                break
            h = (h ^ np.uint64(b)) * np.uint64(1099511628211)
            i += 1
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        length = i - s
        slot = h & mask
        while True:
            wid = table[slot]
            if wid < 0:
                if n_words >= max_words or used + length > arena.shape[0]:
                    wid = -1
                    break
                wid = n_words
                table[slot] = wid
                word_start[wid] = used
                word_len[wid] = length
                word_hash[wid] = h
                arena[used:used + length] = buf[s:i]
                used += length
                n_words += 1
                break
            if word_hash[wid] == h and word_len[wid] == length:
                st = word_start[wid]
                same = True
                for k in range(length):
                    if arena[st + k] != buf[s + k]:
                        same = False
                        break
                if same:
                    break
            slot = (slot + np.uint64(1)) & mask
        if wid < 0:
            stop = s
            break
        counts[wid] += 1
        out_ids[n_tok] = wid
        n_tok += 1
        line_tok += 1
    if stop == n and n > 0 and buf[n - 1] != 10:
        out_lens[n_lines] = line_tok
        n_lines += 1
        line_tok = 0
    state[0], state[1], state[2], state[3], state[4] = n_words, used, n_tok, n_lines, line_tok
    return stop


@njit(cache=True, nogil=True)
def _rehash(table, word_hash, n_words):
    mask = np.uint64(table.shape[0] - 1)
    for wid in range(n_words):
        slot = word_hash[wid] & mask
        while table[slot] >= 0:
            slot = (slot + np.uint64(1)) & mask
        table[slot] = wid


def _grown(a, size, fill=None):
    out = np.empty(size, dtype=a.dtype) if fill is None else np.full(size, fill, dtype=a.dtype)
    out[: len(a)] = a
    return out


class _BlockInterner:
    """Compiled interning of whitespace-separated UTF-8 tokens, block by block.

    The hash table is kept at most half full and sized by the words seen, not by the
    block, so that it stays in cache.
    """

    def __init__(self):
        self.table = np.full(1 << 12, -1, dtype=np.int32)
        self.arena = np.empty(1 << 16, dtype=np.uint8)
        self.word_start = np.empty(1 << 11, dtype=np.int64)
        self.word_len = np.empty(1 << 11, dtype=np.int32)
        self.word_hash = np.empty(1 << 11, dtype=np.uint64)
        self.counts = np.zeros(1 << 11, dtype=np.int64)
        self.state = np.zeros(5, dtype=np.int64)

    def _grow(self, need_bytes):
        n_words, used = int(self.state[0]), int(self.state[1])
        if used + need_bytes > len(self.arena):
            self.arena = _grown(self.arena, max(2 * len(self.arena), used + need_bytes))
        if n_words >= len(self.word_hash):
            size = 2 * len(self.word_hash)
            self.word_start = _grown(self.word_start, size)
            self.word_len = _grown(self.word_len, size)
            self.word_hash = _grown(self.word_hash, size)
            self.counts = _grown(self.counts, size, fill=0)
        if n_words >= len(self.table) // 2:
            self.table = np.full(2 * len(self.table), -1, dtype=np.int32)
            _rehash(self.table, self.word_hash, n_words)

    def feed(self, block):
        """Intern one block of whole lines; return (ids int32, tokens per line int64)."""
        buf = np.frombuffer(block, dtype=np.uint8)
        out_ids = np.empty(len(buf) // 2 + 1, dtype=np.int32)
        out_lens = np.empty(block.count(b"\n") + 1, dtype=np.int64)
        self.state[2:] = 0
        pos = 0
        while True:
            pos = _intern_block(buf, pos, self.table, self.arena, self.word_start, self.word_len,
                                self.word_hash, self.counts, self.state, out_ids, out_lens)
            if pos == len(buf):
                break
            self._grow(len(buf) - pos)
        return out_ids[: self.state[2]], out_lens[: self.state[3]]

    def words(self):
        n = int(self.state[0])
        arena = self.arena[: int(self.state[1])].tobytes()
        starts = self.word_start[:n].tolist()
        ends = (self.word_start[:n] + self.word_len[:n]).tolist()
        return [arena[s:e].decode("utf-8") for s, e in zip(starts, ends)], self.counts[:n].copy()


class _PyInterner:
    """Interning of arbitrary token lists with gensim's ``max_vocab_size`` pruning.

    Provisional ids are given in order of first appearance. When more than
    ``max_vocab_size`` distinct words are live after a sentence, words whose count (since
    their last pruning) is below ``min_reduce`` are dropped and ``min_reduce`` rises by one,
    exactly as gensim's ``prune_vocab`` (which also applies ``trim_rule``); a dropped word
    seen again gets a fresh id.
    """

    def __init__(self, max_vocab_size=None, trim_rule=None):
        self.max_vocab_size = max_vocab_size
        self.trim_rule = trim_rule
        self.index = defaultdict(itertools.count().__next__)   # live word -> provisional id
        self.words = []
        self.counts = np.zeros(1 << 12, dtype=np.int64)
        self.live = np.zeros(1 << 12, dtype=bool)
        self.min_reduce = 1

    def _map(self, tokens):
        return np.fromiter(map(self.index.__getitem__, tokens), dtype=np.int32, count=len(tokens))

    def _commit(self, ids, new_words):
        base = len(self.words)
        self.words.extend(new_words)
        n = len(self.words)
        if n > len(self.counts):
            self.counts = np.concatenate([self.counts, np.zeros(max(n, len(self.counts)), np.int64)])
            self.live = np.concatenate([self.live, np.zeros(max(n, len(self.live)), bool)])
        self.live[base:n] = True
        if ids.size:
            self.counts[:n] += np.bincount(ids, minlength=n)

    def _new_keys(self, n_new):
        return list(itertools.islice(reversed(self.index), n_new))[::-1]

    def feed(self, tokens, lengths):
        """Intern the sentences given as flat ``tokens`` and ``lengths``; yield (ids, lengths) pieces."""
        if self.max_vocab_size is None:
            n_live = len(self.index)
            ids = self._map(tokens)
            self._commit(ids, self._new_keys(len(self.index) - n_live))
            yield ids, lengths
            return
        limit = self.max_vocab_size
        lengths = np.asarray(lengths, dtype=np.int64)
        sent, tok, step = 0, 0, len(lengths)
        while sent < len(lengths):
            sub = lengths[sent:sent + step]
            starts = np.concatenate([[0], np.cumsum(sub)])
            n_live, base = len(self.index), len(self.words)
            ids = self._map(tokens[tok:tok + int(starts[-1])])
            n_new = len(self.index) - n_live
            if n_live + n_new <= limit:
                self._commit(ids, self._new_keys(n_new))
                yield ids, sub
                sent, tok, step = sent + len(sub), tok + len(ids), 2 * step
                continue
            if n_live > limit:
                j = 0
            else:   # the sentence holding the first occurrence of the (limit - n_live + 1)-th new word
                first = int(np.argmax(ids == base + limit - n_live))
                j = int(np.searchsorted(starts[:-1], first, side="right")) - 1
            cut = int(starts[j + 1])
            keep = max(0, int(ids[:cut].max(initial=-1)) - base + 1)
            new_words = self._new_keys(n_new)
            for w in new_words[keep:]:
                del self.index[w]
            self.index.default_factory = itertools.count(base + keep).__next__
            self._commit(ids[:cut], new_words[:keep])
            yield ids[:cut], sub[: j + 1]
            self._prune()
            sent, tok, step = sent + j + 1, tok + cut, max(64, 2 * (j + 1))

    def _prune(self):
        live = np.flatnonzero(self.live[: len(self.words)])
        if self.trim_rule is None:
            dead = live[self.counts[live] < self.min_reduce]
        else:
            words = [self.words[i] for i in live.tolist()]
            dead = live[~_keep_mask(words, self.counts[live], self.min_reduce, self.trim_rule)]
        before = len(self.index)
        for i in dead.tolist():
            del self.index[self.words[i]]
        self.live[dead] = False
        logger.info("pruned %d words with count < %d (before %d, after %d)",
                    len(dead), self.min_reduce, before, len(self.index))
        self.min_reduce += 1


# --------------------------------------------------------------------------- scan / encode


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
    total_words : int
        Tokens read (raw, before any vocabulary filter).
    n_sentences : int
        Sentences read (after splitting long lines).
    ids_path, offsets_path : str
        Raw int32 provisional ids and int64 sentence offsets (``n_sentences + 1``).
    provisional_words, provisional_counts, live
        Every provisional id (with pruning, a word may have several), its count, and
        whether it was still live at the end.
    """

    def __init__(self, provisional_words, provisional_counts, live, total_words, n_sentences,
                 ids_path, offsets_path):
        self.provisional_words = provisional_words
        self.provisional_counts = provisional_counts
        self.live = live
        self.total_words = int(total_words)
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
        vocab : w2v.vocab.Vocab
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
        >>> from w2v.vocab import Vocab
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
                out = np.take(table, chunk)
                n_known += int(np.count_nonzero(out >= 0))
                dst.seek(position)
                out.tofile(dst)
                position += out.nbytes
        logger.info("encoded %d tokens (%d in the vocabulary) in %.2fs", self.total_words, n_known,
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
        return f"Scan({len(self.words)} words, {self.total_words} tokens, {self.n_sentences} sentences)"


class EncodedCorpus:
    """A corpus as int32 word ids (-1: not in the vocabulary) and int64 sentence offsets.

    Sentence ``i`` is ``ids[offsets[i]:offsets[i + 1]]``. Arrays are usually read-only
    memory maps of files, deleted by :meth:`close` (or the context manager) when owned.

    Attributes
    ----------
    ids : numpy.ndarray of int32
    offsets : numpy.ndarray of int64, length ``n_sentences + 1``
    n_words : int
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
    >>> c.n_words, c.n_known, c.n_sentences
    (4, 3, 2)
    """

    def __init__(self, ids, offsets, ids_path=None, offsets_path=None, owns_files=False, n_known=None):
        self.ids = ids
        self.offsets = offsets
        self.path = ids_path
        self.offsets_path = offsets_path
        self.n_words = int(len(ids))
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
        return f"EncodedCorpus({self.n_words} tokens, {self.n_sentences} sentences)"


def _sentence_lists(sentences):
    """Lists of up to ``_BATCH_SENTENCES`` token lists from any iterable of sentences."""
    if isinstance(sentences, _LineReader):
        yield from sentences._sentence_batches()
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


def scan(sentences, max_vocab_size=None, cache_dir=None, progress=None, trim_rule=None):
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
        :meth:`w2v.vocab.Vocab.build`); ignored otherwise.

    Returns
    -------
    Scan

    Examples
    --------
    >>> with scan([["b", "a"], ["a"]]) as s:
    ...     s.words, s.counts.tolist(), s.total_words, s.n_sentences
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

            if isinstance(sentences, _LineReader) and sentences._fast_path() and max_vocab_size is None:
                interner = _BlockInterner()
                for src in sentences._sources():
                    for block, line in _prefetch(_byte_blocks(src, sentences.limit)):
                        try:
                            block.decode("utf-8")
                        except UnicodeDecodeError as exc:
                            raise _decode_error(src.name, block, line, exc, "utf-8") from exc
                        _check_no_nul(src.name, block, line)
                        ids, lengths = interner.feed(block)
                        write(ids, _chunk_lengths(lengths, sentences.max_sentence_length))
                        if progress is not None:
                            progress(len(ids))
                words, counts = interner.words()
                live = np.ones(len(words), dtype=bool)
            else:
                interner = _PyInterner(None if max_vocab_size is None else int(max_vocab_size), trim_rule)
                batches = _sentence_lists(sentences)
                if isinstance(sentences, _LineReader):
                    batches = _prefetch(batches)
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
    vocab : w2v.vocab.Vocab
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
    >>> from w2v.vocab import Vocab
    >>> with encode_with_vocab([["x", "a"], ["a", "b"]], Vocab(["a", "b"], [2, 1])) as enc:
    ...     enc.ids.tolist()
    [-1, 0, 0, 1]
    """
    return scan(sentences, cache_dir=cache_dir, progress=progress).encode(vocab, in_place=True)
