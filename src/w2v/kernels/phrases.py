"""Phrase detection loops: count unigrams and phrase candidates over int32 word ids, score them,
and join the accepted ones in a corpus (gensim's greedy rule or the C tool's word2phrase rule).

A candidate ("gram") is a run of word ids ``a c1 .. ck b``: two non-connector words with only
connector words between (k = 0 without connector words). Grams live in an open-addressing
hash table ``slots`` (int64, shape ``(size, 2)``, size a power of two, at most half full):
``slots[s] = (key, value)``, key 0 for an empty slot. A bigram's key is exact,
``(a + 1) << 32 | (b + 1)`` (positive); a longer gram's key is a 64-bit hash with the top bit
set (negative), and ``aux[s]`` is where its ids are kept in ``arena`` (int32:
``length, id, id, ...``). ``value`` is a count while counting, an index in lookup tables.
Counts of bigrams alone may also come *packed*: rows ``(key, count)`` with no empty slot
(:func:`distinct_pairs`), which the loops that only walk a table (``accept_*``, ``gather``,
``reinsert``) take as they take a hash table.
"""
import math

import numpy as np

from ..compiler import njit

_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_TOP = np.uint64(1) << np.uint64(63)


@njit(cache=True, nogil=True, inline="always")
def _key(ids, lo, hi):
    """Key of the gram ``ids[lo:hi]``; 0 (no gram) when a bigram holds a negative id."""
    if hi - lo == 2:
        a = np.int64(ids[lo])
        b = np.int64(ids[lo + 1])
        if a < 0 or b < 0:
            return np.int64(0)
        return ((a + 1) << np.int64(32)) | (b + 1)
    h = np.uint64(0x9E3779B97F4A7C15)
    for k in range(lo, hi):
        h = (h ^ np.uint64(np.int64(ids[k]) + 3)) * _MIX1
        h ^= h >> np.uint64(29)
    return np.int64(h | _TOP | np.uint64(1))


@njit(cache=True, nogil=True, inline="always")
def _slot(key, mask):
    h = np.uint64(key)
    h ^= h >> np.uint64(33)
    h *= _MIX1
    h ^= h >> np.uint64(33)
    h *= _MIX2
    h ^= h >> np.uint64(33)
    return np.int64(h & np.uint64(mask))


@njit(cache=True, nogil=True, inline="always")
def _same(arena, at, ids, lo, hi):
    n = hi - lo
    if arena[at] != n:
        return False
    for k in range(n):
        if arena[at + 1 + k] != ids[lo + k]:
            return False
    return True


@njit(cache=True, nogil=True, inline="always")
def find(ids, lo, hi, slots, aux, arena):
    """Value stored for the gram ``ids[lo:hi]``, or -1 when it is not in the table."""
    key = _key(ids, lo, hi)
    if key == 0:
        return np.int64(-1)
    mask = slots.shape[0] - 1
    s = _slot(key, mask)
    while True:
        k = slots[s, 0]
        if k == 0:
            return np.int64(-1)
        if k == key and (key > 0 or _same(arena, aux[s], ids, lo, hi)):
            return slots[s, 1]
        s = (s + 1) & mask


@njit(cache=True, nogil=True, inline="always")
def _add(ids, lo, hi, times, slots, aux, arena, state):
    """Add ``times`` to gram ``ids[lo:hi]`` (inserted if new; room is checked by the caller)."""
    key = _key(ids, lo, hi)
    mask = slots.shape[0] - 1
    s = _slot(key, mask)
    while True:
        k = slots[s, 0]
        if k == 0:
            slots[s, 0] = key
            slots[s, 1] = times
            if key < 0:
                used = state[1]
                aux[s] = used
                arena[used] = hi - lo
                for j in range(hi - lo):
                    arena[used + 1 + j] = ids[lo + j]
                state[1] = used + 1 + hi - lo
            state[0] += 1
            return
        if k == key and (key > 0 or _same(arena, aux[s], ids, lo, hi)):
            slots[s, 1] += times
            return
        s = (s + 1) & mask


@njit(cache=True, nogil=True)
def count_gensim(ids, offsets, first, connector, uni, slots, aux, arena, state, limit, long_grams):
    """Count sentences ``first, first + 1, ...`` as gensim's ``Phrases._learn_vocab`` does.

    Every non-connector word adds one to ``uni[w]`` (int64, one per word id); every
    non-connector word after another adds one to the gram from that word to this one
    (connector words between included; ``long_grams`` False: there are none, and the arena
    is not used). ``state`` (int64) holds ``[grams, arena used,
    distinct unigrams (uni > 0), tokens read]`` and is updated.

    Returns ``(next sentence, status)``: 0 when all sentences are counted; 1 when the next
    sentence might not fit (grow the table or the arena and call again from it); 2 when,
    after that sentence, distinct unigrams + grams exceed ``limit`` (prune, then go on).
    """
    n_sent = offsets.shape[0] - 1
    cap = slots.shape[0] // 2
    for s in range(first, n_sent):
        lo = offsets[s]
        hi = offsets[s + 1]
        if state[0] + (hi - lo) > cap or (long_grams and state[1] + 3 * (hi - lo) > arena.shape[0]):
            return s, 1
        begin = -1
        for i in range(lo, hi):
            w = ids[i]
            if not connector[w]:
                if uni[w] == 0:
                    state[2] += 1
                uni[w] += 1
                if begin >= 0:
                    _add(ids, begin, i + 1, 1, slots, aux, arena, state)
                begin = i
        state[3] += hi - lo
        if state[2] + state[0] > limit:
            return s + 1, 2
    return n_sent, 0


@njit(cache=True, nogil=True)
def count_word2phrase(ids, first, uni, slots, aux, arena, state, limit):
    """Count tokens ``ids[first:]`` as the C tool's word2phrase ``LearnVocabFromTrainFile`` does.

    Line ends are skipped: every token adds one to ``uni`` and, after the first token of the
    corpus, one to the bigram (previous token, token), across line ends too. When, after a
    token, unigrams + bigrams exceed ``limit``, the C tool's ``ReduceVocab`` is due.

    Returns ``(next token, status)`` as :func:`count_gensim`.
    """
    cap = slots.shape[0] // 2
    n = ids.shape[0]
    for i in range(first, n):
        if state[0] + 1 > cap:
            return i, 1
        w = ids[i]
        if uni[w] == 0:
            state[2] += 1
        uni[w] += 1
        if i > 0:
            _add(ids, i - 1, i + 1, 1, slots, aux, arena, state)
        state[3] += 1
        if state[2] + state[0] > limit:
            return i + 1, 2
    return n, 0


@njit(cache=True, nogil=True)
def count_firsts(ids, offsets, across_lines, uni, firsts, state):
    """Count unigrams, and the bigrams each word starts, when no pruning can be due (gensim's
    counting without connector words, or word2phrase's with ``across_lines``).

    ``uni[w]`` gets one per token of word ``w`` and ``firsts[a]`` one per bigram ``a b``
    (within sentences; with ``across_lines`` also across them, as the C tool does); ``state``
    as :func:`count_gensim` (distinct unigrams and tokens). Returns the number of bigrams.
    """
    n_pairs = 0
    for s in range(offsets.shape[0] - 1):
        lo = offsets[s]
        hi = offsets[s + 1]
        for i in range(lo, hi):
            w = ids[i]
            if uni[w] == 0:
                state[2] += 1
            uni[w] += 1
            if i > lo or (across_lines and i > 0):
                firsts[ids[i - 1]] += 1
                n_pairs += 1
        state[3] += hi - lo
    return n_pairs


@njit(cache=True, nogil=True)
def scatter_seconds(ids, offsets, across_lines, heads, seconds):
    """Group the bigrams of :func:`count_firsts` by first word: the second word of each bigram
    ``a b`` goes to ``seconds[heads[a]]`` and ``heads[a]`` moves on (start it at the cumulative
    ``firsts``), in corpus order."""
    for s in range(offsets.shape[0] - 1):
        lo = offsets[s]
        hi = offsets[s + 1]
        for i in range(lo, hi):
            if i > lo or (across_lines and i > 0):
                a = ids[i - 1]
                seconds[heads[a]] = ids[i]
                heads[a] += 1


@njit(cache=True, nogil=True)
def distinct_pairs(starts, seconds, first, mark, counts, out, n):
    """The distinct bigrams of grouped second words (word ``a``'s are
    ``seconds[starts[a]:starts[a + 1]]``) as table rows ``(key, count)`` written to ``out`` from
    row ``n`` on, by first word and then in corpus order, for first words ``first, ...``.
    ``mark`` (int64, one per word id, zeros) and ``counts`` are scratch.

    Returns ``(next first word, rows written in all)``: the next first word is
    ``len(starts) - 1`` when done, else the first whose bigrams might not fit in ``out``
    (grow it and call again from there).
    """
    for a in range(first, starts.shape[0] - 1):
        lo = starts[a]
        hi = starts[a + 1]
        if n + (hi - lo) > out.shape[0]:
            return a, n
        tag = np.int64(a) + 1
        for j in range(lo, hi):
            b = seconds[j]
            if mark[b] != tag:
                mark[b] = tag
                counts[b] = 0
            counts[b] += 1
        for j in range(lo, hi):
            b = seconds[j]
            if mark[b] == tag:
                mark[b] = -tag
                out[n, 0] = (tag << np.int64(32)) | (np.int64(b) + 1)
                out[n, 1] = counts[b]
                n += 1
    return starts.shape[0] - 1, n


@njit(cache=True, nogil=True)
def reinsert(slots, aux, arena, min_keep, out_slots, out_aux, out_arena, state):
    """Add every gram of a table whose value is at least ``min_keep`` to another table.

    Grows (``min_keep`` 0, into a larger empty table), prunes (into an empty table of the same
    size) and merges (into a table that holds counts already). Kept values are added
    unchanged. ``state[:2]`` is the output table's (grams, arena used).
    """
    pair = np.empty(2, dtype=np.int32)
    for s in range(slots.shape[0]):
        key = slots[s, 0]
        if key != 0 and slots[s, 1] >= min_keep:
            if key > 0:
                pair[0] = np.int32((key >> 32) - 1)
                pair[1] = np.int32((key & 0xFFFFFFFF) - 1)
                _add(pair, 0, 2, slots[s, 1], out_slots, out_aux, out_arena, state)
            else:
                at = aux[s]
                _add(arena, at + 1, at + 1 + arena[at], slots[s, 1], out_slots, out_aux, out_arena, state)


@njit(cache=True, nogil=True, inline="always")
def _ends(slots, aux, arena, s):
    key = slots[s, 0]
    if key > 0:
        return (key >> 32) - 1, (key & 0xFFFFFFFF) - 1
    at = aux[s]
    return np.int64(arena[at + 1]), np.int64(arena[at + arena[at]])


@njit(cache=True, nogil=True, inline="always")
def _keep(s, score, threshold, out_slot, out_score, n):
    """Write gram ``s`` and its ``score`` at ``n`` when the score is above ``threshold``; the new count."""
    if score > threshold:
        out_slot[n] = s
        out_score[n] = score
        return n + 1
    return n


@njit(cache=True, nogil=True, error_model="numpy")
def accept_default(slots, aux, arena, uni, min_count, len_vocab, threshold, out_slot, out_score):
    """Grams whose gensim ``original_scorer`` score is above ``threshold``.

    score = ``(count - min_count) / float(uni[a] * uni[b]) * len_vocab`` (float64, as gensim);
    grams whose first or last word has no count are skipped, as gensim's ``score_candidate``.
    Writes their slots and scores; returns how many.
    """
    n = 0
    for s in range(slots.shape[0]):
        if slots[s, 0] != 0:
            a, b = _ends(slots, aux, arena, s)
            denom = uni[a] * uni[b]
            if denom > 0:
                score = (slots[s, 1] - min_count) / np.float64(denom) * len_vocab
                n = _keep(s, score, threshold, out_slot, out_score, n)
    return n


@njit(cache=True, nogil=True, error_model="numpy")
def accept_npmi(slots, aux, arena, uni, min_count, corpus_word_count, threshold, out_slot, out_score):
    """Grams whose gensim ``npmi_scorer`` score ``ln(pab / (pa pb)) / -ln(pab)`` is above ``threshold``
    (count at least ``min_count``); as :func:`accept_default`."""
    n = 0
    total = np.float64(corpus_word_count)
    for s in range(slots.shape[0]):
        if slots[s, 0] != 0 and slots[s, 1] >= min_count:
            a, b = _ends(slots, aux, arena, s)
            if uni[a] > 0 and uni[b] > 0:
                pa = uni[a] / total
                pb = uni[b] / total
                pab = slots[s, 1] / total
                score = math.log(pab / (pa * pb)) / -math.log(pab)
                n = _keep(s, score, threshold, out_slot, out_score, n)
    return n


@njit(cache=True, nogil=True, error_model="numpy")
def accept_word2phrase(slots, aux, arena, uni, min_count, train_words, threshold, out_slot, out_score):
    """Bigrams the C tool's word2phrase joins: bigram and both words seen at least ``min_count``
    times and, in float32 as the C tool computes it,
    ``(pab - min_count) / pa / pb * train_words > threshold``; as :func:`accept_default`."""
    n = 0
    tw = np.float32(train_words)
    th = np.float32(threshold)
    for s in range(slots.shape[0]):
        pab = slots[s, 1]
        if slots[s, 0] != 0 and pab >= min_count:
            a, b = _ends(slots, aux, arena, s)
            pa = uni[a]
            pb = uni[b]
            if pa >= min_count and pb >= min_count:
                score = np.float32(pab - min_count) / np.float32(pa) / np.float32(pb) * tw
                n = _keep(s, score, th, out_slot, out_score, n)
    return n


@njit(cache=True, nogil=True)
def gather(slots, aux, arena, which, flat, offsets):
    """The word ids of the grams in slots ``which``: gram ``i`` is ``flat[offsets[i]:offsets[i + 1]]``.

    With ``flat`` of length 0 only ``offsets`` is filled; returns its last value.
    """
    p = 0
    offsets[0] = 0
    for i in range(which.shape[0]):
        s = which[i]
        key = slots[s, 0]
        if key > 0:
            if flat.shape[0]:
                flat[p] = np.int32((key >> 32) - 1)
                flat[p + 1] = np.int32((key & 0xFFFFFFFF) - 1)
            p += 2
        else:
            at = aux[s]
            n = arena[at]
            if flat.shape[0]:
                for j in range(n):
                    flat[p + j] = arena[at + 1 + j]
            p += n
        offsets[i + 1] = p
    return p


@njit(cache=True, nogil=True)
def build_lookup(flat, offsets, values, slots, aux, arena, state):
    """Add gram ``i`` (``flat[offsets[i]:offsets[i + 1]]``) with value ``values[i]`` to a table."""
    for i in range(offsets.shape[0] - 1):
        _add(flat, offsets[i], offsets[i + 1], values[i], slots, aux, arena, state)


@njit(cache=True, nogil=True)
def apply_gensim(ids, offsets, connector, starts, slots, aux, arena, join, ends):
    """Join phrases greedily left to right as gensim's ``analyze_sentence`` does.

    ``slots`` is a lookup table of the accepted phrases (value: phrase index) and ``starts``
    (bool, one per word id) says which words begin one, so that the table is only searched
    from those. ``ids`` may hold -1 (a word never counted) and -2 (a connector word never
    counted). Writes ``join[i] = 1`` when token ``i`` is glued to token ``i - 1``, and
    ``ends[i]`` = the phrase index at the last token of each joined phrase (-1 elsewhere;
    ``ends`` of length 0: not written). Returns the number of phrases joined.
    """
    n_joined = 0
    keep_ends = ends.shape[0] > 0
    for s in range(offsets.shape[0] - 1):
        begin = -1
        for i in range(offsets[s], offsets[s + 1]):
            join[i] = 0
            if keep_ends:
                ends[i] = -1
            w = ids[i]
            if w == -2 or (w >= 0 and connector[w]):
                continue
            if begin >= 0 and ids[begin] >= 0 and starts[ids[begin]]:
                g = find(ids, begin, i + 1, slots, aux, arena)
                if g >= 0:
                    for k in range(begin + 1, i + 1):
                        join[k] = 1
                    if keep_ends:
                        ends[i] = g
                    n_joined += 1
                    begin = -1
                    continue
            begin = i
    return n_joined


@njit(cache=True, nogil=True)
def apply_word2phrase(ids, offsets, starts, slots, aux, arena, join, ends):
    """Join bigrams as the C tool's word2phrase ``TrainModel`` does: within a line, token ``i``
    joins token ``i - 1`` when their bigram is accepted, unless ``i - 1`` was itself just
    joined. Arguments and outputs as :func:`apply_gensim`."""
    n_joined = 0
    keep_ends = ends.shape[0] > 0
    for s in range(offsets.shape[0] - 1):
        lo = offsets[s]
        for i in range(lo, offsets[s + 1]):
            join[i] = 0
            if keep_ends:
                ends[i] = -1
            if i > lo and join[i - 1] == 0 and ids[i - 1] >= 0 and starts[ids[i - 1]]:
                g = find(ids, i - 1, i + 1, slots, aux, arena)
                if g >= 0:
                    join[i] = 1
                    if keep_ends:
                        ends[i] = g
                    n_joined += 1
    return n_joined


@njit(cache=True, nogil=True)
def merge(ids, offsets, join, ends, phrase_word, out_ids, out_offsets):
    """Replace each joined run by the word id ``phrase_word[ends]``; returns tokens written."""
    n = 0
    out_offsets[0] = 0
    for s in range(offsets.shape[0] - 1):
        for i in range(offsets[s], offsets[s + 1]):
            if ends[i] >= 0:
                k = i
                while join[k]:
                    k -= 1
                n -= i - k
                out_ids[n] = phrase_word[ends[i]]
            else:
                out_ids[n] = ids[i]
            n += 1
        out_offsets[s + 1] = n
    return n


@njit(cache=True, nogil=True)
def render(ids, offsets, join, blob, word_start, word_end, delimiter, c_style, out):
    """Write the sentences as UTF-8 text into ``out`` (uint8); returns the bytes written.

    Word ``w`` is ``blob[word_start[w]:word_end[w]]``. Tokens are separated by a space, joined
    ones by ``delimiter``; each sentence ends with a newline. ``c_style``: word2phrase's layout,
    every token preceded by its separator (so a line starts with a space). With ``out`` of
    length 0 only the size is returned.
    """
    write = out.shape[0] > 0
    p = 0
    for s in range(offsets.shape[0] - 1):
        for i in range(offsets[s], offsets[s + 1]):
            if join[i]:
                for b in delimiter:
                    if write:
                        out[p] = b
                    p += 1
            elif i > offsets[s] or c_style:
                if write:
                    out[p] = 32
                p += 1
            w = ids[i]
            a = word_start[w]
            z = word_end[w]
            if write:
                for j in range(a, z):
                    out[p] = blob[j]
                    p += 1
            else:
                p += z - a
        if write:
            out[p] = 10
        p += 1
    return p
