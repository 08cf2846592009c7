"""Interning: tokens to provisional int32 ids in order of first appearance, with their counts.

:class:`BlockInterner` splits and interns whitespace-separated UTF-8 bytes in a compiled loop;
:class:`PruningInterner` interns token lists in Python and prunes rare words as gensim's
``max_vocab_size`` does. :func:`w2v.encoded.scan` picks one.
"""
import itertools
import logging
from collections import defaultdict

import numpy as np
from numba import njit

from .vocab import keep_mask

logger = logging.getLogger(__name__)

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


class BlockInterner:
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


class PruningInterner:
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
            dead = live[~keep_mask(words, self.counts[live], self.min_reduce, self.trim_rule)]
        before = len(self.index)
        for i in dead.tolist():
            del self.index[self.words[i]]
        self.live[dead] = False
        logger.info("pruned %d words with count < %d (before %d, after %d)",
                    len(dead), self.min_reduce, before, len(self.index))
        self.min_reduce += 1
