"""Interning: tokens to provisional int32 ids in order of first appearance, with their counts.

:class:`BlockInterner` splits and interns whitespace-separated UTF-8 bytes in a compiled loop;
:class:`PruningInterner` interns token lists in Python and prunes rare words as gensim's
``max_vocab_size`` does. :func:`w2v.corpus.encoded.scan` picks one.
"""
import itertools
import logging
from collections import defaultdict

import numpy as np

from ..compiler import njit
from .vocab import keep_mask

logger = logging.getLogger(__name__)

LARGE_BLOCK = 1 << 31           # bytes of a block (one line) whose positions need int64 ids

# Byte classes of UTF-8 text: 0 part of a word, 1 an ASCII space (str.isspace), 2 the first byte
# of a character that may be a Unicode space (looked at with the bytes after it).
_BYTE_CLASS = np.zeros(256, dtype=np.uint8)
_BYTE_CLASS[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = 1
_BYTE_CLASS[[0xC2, 0xE1, 0xE2, 0xE3]] = 2

# Columns of the word table: a row per slot, empty while its TAG is 0.
HASH, TAG, PREFIX, START = 0, 1, 2, 3       # TAG: (word id + 1) | byte length << 32 (both < 2**32)


@njit(cache=True, nogil=True, inline="always")
def _space(buf, i, n):
    """Byte length of the ``str.isspace`` character at ``buf[i]``; 0 if it is not one."""
    b = buf[i]
    k = _BYTE_CLASS[b]
    if k < 2:
        return np.int64(k)
    c = buf[i + 1] if i + 1 < n else 0
    d = buf[i + 2] if i + 2 < n else 0
    if b == 0xC2:
        return np.int64(2) if (c == 0x85 or c == 0xA0) else np.int64(0)
    if b == 0xE1:
        return np.int64(3) if c == 0x9A and d == 0x80 else np.int64(0)
    if b == 0xE2:
        if c == 0x80 and (d <= 0x8A or d == 0xA8 or d == 0xA9 or d == 0xAF):
            return np.int64(3)
        return np.int64(3) if c == 0x81 and d == 0x9F else np.int64(0)
    return np.int64(3) if c == 0x80 and d == 0x80 else np.int64(0)      # 0xE3


@njit(cache=True, nogil=True, inline="always")
def _word(buf, i, n):
    """``(end, hash, prefix)`` of the token that starts at ``buf[i]`` (not a space): its
    64-bit hash and its first 8 bytes as a little-endian integer (zeros after a shorter word)."""
    s = i
    h = np.uint64(14695981039346656037)
    prefix = np.uint64(0)
    while i < n and not _space(buf, i, n):
        b = np.uint64(buf[i])
        h = (h ^ b) * np.uint64(1099511628211)
        if i - s < 8:
            prefix |= b << np.uint64(8 * (i - s))
        i += 1
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return i, np.int64(h), np.int64(prefix)


@njit(cache=True, nogil=True, inline="always")
def _find(buf, s, e, h, prefix, table, arena):
    """``(word id, slot)`` of the token ``buf[s:e]`` (hash ``h``, first bytes ``prefix``): id -1
    when it is not in the table, the slot then being the empty one where it would go. A word of
    8 bytes or fewer is compared in its row alone; a longer one in ``arena`` too."""
    mask = table.shape[0] - 1
    length = np.int64(e - s)
    slot = h & mask
    while True:
        tag = table[slot, TAG]
        if tag == 0:
            return np.int64(-1), slot
        if table[slot, HASH] == h and ((tag >> 32) & 0xFFFFFFFF) == length and table[slot, PREFIX] == prefix:
            same = True
            st = table[slot, START]
            for k in range(8, length):
                if arena[st + k] != buf[s + k]:
                    same = False
                    break
            if same:
                return (tag & 0xFFFFFFFF) - 1, slot
        slot = (slot + 1) & mask


@njit(cache=True, nogil=True)
def _lookup_block(buf, table, arena, out_ids, out_lens):
    """Split UTF-8 ``buf`` on whitespace and lines on ``\\n``; look each token up, reading the
    tables only (so that several blocks can be looked up at once).

    ``table`` (int64, shape ``(size, 4)``, size a power of two, at most half full) is an
    open-addressing hash table of words, a row per slot: ``HASH``, ``TAG`` (word id + 1 and
    byte length; 0: empty), ``PREFIX`` (first 8 bytes) and ``START`` (where the word's bytes
    are in ``arena``). Writes each token's id to ``out_ids``, or ``-1 - start`` for a token
    not in the table (``start``: its position in ``buf``), and the tokens of each line to
    ``out_lens`` (a last line without ``\\n`` counts too). Returns ``(tokens, lines)``.
    """
    n = buf.shape[0]
    n_tok = 0
    n_lines = 0
    line_tok = 0
    i = 0
    while i < n:
        w = _space(buf, i, n)
        if w:
            if buf[i] == 10:
                out_lens[n_lines] = line_tok
                n_lines += 1
                line_tok = 0
            i += w
            continue
        s = i
        i, h, prefix = _word(buf, i, n)
        wid, _ = _find(buf, s, i, h, prefix, table, arena)
        out_ids[n_tok] = wid if wid >= 0 else -1 - s
        n_tok += 1
        line_tok += 1
    if n > 0 and buf[n - 1] != 10:
        out_lens[n_lines] = line_tok
        n_lines += 1
    return n_tok, n_lines


@njit(cache=True, nogil=True)
def _resolve_block(buf, ids, first, table, arena, counts, state):
    """Give the tokens that :func:`_lookup_block` did not find (``ids[t] < 0``) their ids,
    adding new words in order of appearance, and count every token, from ``ids[first]`` on.

    ``state`` (int64) is ``[words, arena bytes used]``; each new word is appended to ``arena``
    followed by a newline. Returns the index of the first token
    not done: ``len(ids)``, or a new word that did not fit (table half full, ``counts`` or
    arena full); grow them and call again from there.
    """
    n = buf.shape[0]
    max_words = min(counts.shape[0], table.shape[0] // 2)
    n_words = state[0]
    used = state[1]
    t = first
    while t < ids.shape[0]:
        wid = np.int64(ids[t])
        if wid < 0:
            s = -1 - wid
            e, h, prefix = _word(buf, s, n)
            wid, slot = _find(buf, s, e, h, prefix, table, arena)
            if wid < 0:
                length = e - s
                if n_words >= max_words or used + length + 1 > arena.shape[0]:
                    break
                wid = n_words
                table[slot, HASH] = h
                table[slot, TAG] = (wid + 1) | (np.int64(length) << 32)
                table[slot, PREFIX] = prefix
                table[slot, START] = used
                for k in range(length):
                    arena[used + k] = buf[s + k]
                arena[used + length] = 10           # words end with a newline (see words())
                used += length + 1
                n_words += 1
            ids[t] = wid
        counts[wid] += 1
        t += 1
    state[0] = n_words
    state[1] = used
    return t


@njit(cache=True, nogil=True)
def _rehash(table, out):
    """Put the rows of one word table into an empty larger one."""
    mask = out.shape[0] - 1
    for r in range(table.shape[0]):
        if table[r, TAG] != 0:
            slot = table[r, HASH] & mask
            while out[slot, TAG] != 0:
                slot = (slot + 1) & mask
            for c in range(4):
                out[slot, c] = table[r, c]


def _grown(a, size, fill=None):
    out = np.empty(size, dtype=a.dtype) if fill is None else np.full(size, fill, dtype=a.dtype)
    out[: len(a)] = a
    return out


class BlockInterner:
    """Compiled interning of whitespace-separated UTF-8 tokens, block by block.

    Each block is first looked up in the word table, which is only read then, so that
    several blocks can be looked up at once by threads; the words not found are then added
    block by block, in order, so that ids are in order of first appearance whatever the
    number of threads. A word's row holds its hash, length and first 8 bytes, so that most
    tokens are found by reading one row; the table is kept at most half full.

    Examples
    --------
    >>> interner = BlockInterner()
    >>> [(ids.tolist(), lens.tolist()) for ids, lens in interner.feed_many([b"a b\\nb", b"c a\\n"])]
    [([0, 1, 1], [2, 1]), ([2, 0], [2])]
    >>> interner.words()
    (['a', 'b', 'c'], array([2, 2, 1]))
    """

    def __init__(self):
        self.table = np.zeros((1 << 14, 4), dtype=np.int64)
        self.arena = np.empty(1 << 16, dtype=np.uint8)
        self.counts = np.zeros(1 << 13, dtype=np.int64)
        self.state = np.zeros(2, dtype=np.int64)
        self._out = []

    def _grow(self, need_bytes):
        n_words, used = int(self.state[0]), int(self.state[1])
        if used + need_bytes > len(self.arena):
            self.arena = _grown(self.arena, max(2 * len(self.arena), used + need_bytes))
        if n_words >= len(self.table) // 2:
            table = np.zeros((2 * len(self.table), 4), dtype=np.int64)
            _rehash(self.table, table)
            self.table = table
        if len(self.counts) < len(self.table) // 2:
            self.counts = _grown(self.counts, len(self.table) // 2, fill=0)

    def _buffers(self, k, n_bytes, n_lines, dtype):
        """Output arrays for the ``k``-th block of a group, kept from call to call: allocating
        them afresh for every block in several threads leaves the allocator holding tens of MB."""
        while len(self._out) <= k:
            self._out.append((np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int64)))
        ids, lens = self._out[k]
        need = n_bytes // 2 + 1                 # at most a token every two bytes
        if len(ids) < need or ids.dtype != dtype:
            ids = np.empty(need + need // 4, dtype=dtype)       # room for the next, longer block
        if len(lens) < n_lines + 1:
            lens = np.empty(n_lines + 1 + (n_lines + 1) // 4, dtype=np.int64)
        self._out[k] = ids, lens
        return ids, lens

    def _lookup(self, k, block):
        buf = np.frombuffer(block, dtype=np.uint8)
        # a token's position is kept in its id until it is resolved: int64 for a large block
        out_ids, out_lens = self._buffers(k, len(buf), block.count(b"\n"),
                                          np.int32 if len(buf) < LARGE_BLOCK else np.int64)
        n_tok, n_lines = _lookup_block(buf, self.table, self.arena, out_ids, out_lens)
        return out_ids[:n_tok], out_lens[:n_lines]

    def _resolve(self, buf, ids):
        t = 0
        while True:
            t = _resolve_block(buf, ids, t, self.table, self.arena, self.counts, self.state)
            if t == len(ids):
                return
            self._grow(len(buf) + 1)     # room for any word of the block and its newline

    def feed_many(self, blocks, pool=None):
        """Intern blocks of whole lines, in order; return (ids int32, tokens per line int64) for
        each, valid until the next call (their memory is reused). With ``pool`` (a
        ``concurrent.futures`` executor) the blocks are looked up in it concurrently; the result
        is the same."""
        if pool is not None and len(blocks) > 1:
            looked = list(pool.map(self._lookup, range(len(blocks)), blocks))
        else:
            looked = [self._lookup(k, block) for k, block in enumerate(blocks)]
        out = []
        for block, (ids, lens) in zip(blocks, looked):
            self._resolve(np.frombuffer(block, dtype=np.uint8), ids)
            out.append((ids.astype(np.int32, copy=False), lens))
        return out

    def feed(self, block):
        """Intern one block of whole lines; return (ids int32, tokens per line int64), valid
        until the next call."""
        return self.feed_many([block])[0]

    def words(self):
        """(the words in order of first appearance, their counts).

        The arena holds the words in that order, each followed by a newline (which no word
        contains): one decode and one split make the list.
        """
        n = int(self.state[0])
        text = self.arena[: int(self.state[1])].tobytes().decode("utf-8")
        return text.split("\n")[:n], self.counts[:n].copy()


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
