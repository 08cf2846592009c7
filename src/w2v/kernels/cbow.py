"""CBOW: the mean (or sum) of the context's input rows predicts the centre word.

As in the C tool and gensim, the whole input gradient ``neu1e`` is added to every context row.
The rows come from the input kind ``inp`` (:mod:`.inputs`): word rows, subword rows, or
document tags, which join the context (PV-DM); the job loop is :mod:`.window`'s.
"""
from collections import namedtuple

import numpy as np

from ..compiler import njit
from .common import JIT
from .inputs import accumulate, input_drift, input_update, prefetch_input, tag_accumulate, tag_update
from .objectives import prefetch_output, update_output
from .window import CENTRES, FINISHES, STARTS, run_job

Cbow = namedtuple("Cbow", "mean")
# CBOW with held windows (:func:`held_centre`): ring slots for the 2 * window + 1 positions a
# window can span, slot p % R for position p: ``sums`` float32[R, D] the sum of the word's rows,
# ``pending`` float32[R, D] the steps its rows are owed, ``weight`` float32[R] how far the sum
# moves per unit of step, ``count`` int64[R] its rows; ``marks`` int64[4]: the first position
# not yet read, the first not yet written back, the first not yet prefetched, the sentence's length.
CbowHeld = namedtuple("CbowHeld", "mean sums pending weight count marks")


@njit(inline="always", **JIT)
def predict_centre(arch, inp, out, target, t0, t1, alpha, rng, neu1, count, neu1e):
    """The rows of tags [t0, t1) join ``neu1``, the sum of ``count`` context rows: h, their mean
    if ``arch.mean``, predicts ``target`` and ``neu1e`` gets the input gradient. Returns the loss."""
    for k in range(t0, t1):
        count += tag_accumulate(inp, k, neu1)
    if arch.mean and count > 0:
        inv = np.float32(1.0 / count)
        for i in range(neu1.shape[0]):
            neu1[i] *= inv
    neu1e[:] = 0.0
    return update_output(out, neu1, target, alpha, rng, neu1e)


@njit(inline="always", **JIT)
def cbow_centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss):
    """h = the sum of the rows of context words [lo, hi) but pos and of tags [t0, t1), divided
    by their number if ``arch.mean``, predicts sent[pos]; each of those rows += neu1e.
    Returns (1, loss)."""
    _, neu1, neu1e = work
    prefetch_output(out, sent[pos])    # loaded while the context rows are summed
    neu1[:] = 0.0
    count = 0
    for c in range(lo, hi):
        if c != pos:
            count += accumulate(inp, sent[c], neu1)
    loss += predict_centre(arch, inp, out, sent[pos], t0, t1, alpha, rng, neu1, count, neu1e)
    for c in range(lo, hi):
        if c != pos:
            input_update(inp, sent[c], neu1e)
    for k in range(t0, t1):
        tag_update(inp, k, neu1e)
    return 1, loss


CENTRES[Cbow] = cbow_centre


@njit(inline="always", **JIT)
def held_centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss):
    """:func:`cbow_centre` with each window word's rows read once, when it enters the window, and
    written once, when it leaves, instead of once for each centre word whose window holds it.

    A word at position p enters when the first window reaching p is trained: its rows' sum goes
    to its slot. Each centre's h is the sum of the held sums (and its tags' rows, as in CBOW);
    each step neu1e is added to the context slots' ``pending`` and moves their ``sums`` to where
    the updated rows' sum would be (``weight * neu1e``: the number of rows, times their lock
    factors). Once no later window can reach p (p <= pos - window), its rows take ``pending``.

    What differs from :func:`cbow_centre`: a row shared by two words of one window (a common
    n-gram, or one word twice) sees the other's steps only when that one leaves the window; every
    row still receives every step. Returns (1, loss)."""
    _, neu1, neu1e = work
    sums, pending, weight, count, marks = arch.sums, arch.pending, arch.weight, arch.count, arch.marks
    ring = sums.shape[0]
    prefetch_output(out, sent[pos])
    for p in range(marks[0], hi):           # the words entering the window
        s = p % ring
        sums[s, :] = 0.0
        pending[s, :] = 0.0
        count[s] = accumulate(inp, sent[p], sums[s])
        weight[s] = input_drift(inp, sent[p]) * np.float32(count[s])
    marks[0] = max(marks[0], hi)
    # the words the next centre's window can reach (up to pos + 1 + window) start loading now,
    # each once: a reduced window draws a new width at every centre, so several may enter at once
    ahead = min(pos + (ring - 1) // 2 + 2, marks[3])
    for p in range(max(marks[2], marks[0]), ahead):
        prefetch_input(inp, sent[p])
    marks[2] = max(marks[2], ahead)
    neu1[:] = 0.0
    n = 0
    for c in range(lo, hi):
        if c != pos:
            s = c % ring
            n += count[s]
            for i in range(neu1.shape[0]):
                neu1[i] += sums[s, i]
    loss += predict_centre(arch, inp, out, sent[pos], t0, t1, alpha, rng, neu1, n, neu1e)
    for c in range(lo, hi):
        if c != pos:
            s = c % ring
            w = weight[s]
            for i in range(neu1e.shape[0]):
                pending[s, i] += neu1e[i]
                sums[s, i] += w * neu1e[i]
    for k in range(t0, t1):
        tag_update(inp, k, neu1e)
    last = pos - (ring - 1) // 2            # no later window reaches a position <= last
    for p in range(marks[1], last + 1):
        input_update(inp, sent[p], pending[p % ring])
    marks[1] = max(marks[1], last + 1)
    return 1, loss


@njit(inline="always", **JIT)
def held_start(arch, inp, sent, n):
    """A sentence of n kept words begins: nothing read or prefetched yet."""
    arch.marks[2] = 0
    arch.marks[3] = n


@njit(inline="always", **JIT)
def held_finish(arch, inp, sent):
    """The sentence's words still held take their pending steps; the ring starts empty again."""
    marks = arch.marks
    for p in range(marks[1], marks[0]):
        input_update(inp, sent[p], arch.pending[p % arch.sums.shape[0]])
    marks[0] = 0
    marks[1] = 0


CENTRES[CbowHeld] = held_centre
STARTS[CbowHeld] = held_start
FINISHES[CbowHeld] = held_finish


@njit(**JIT)
def cbow_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work,
             cbow_mean):
    """Train CBOW on sentences ``s0 .. s1-1`` of an encoded corpus, in place.

    Arguments as :func:`w2v.kernels.skipgram.sg_job`, plus ``cbow_mean`` (1: mean of the context
    rows, 0: their sum). For each kept centre word w with context words C and its sentence's
    tags T (none of C when ``train_words(inp)`` is False): h = the sum of every input row of C
    and T (``accumulate``: one per word2vec word, a word's and its n-grams' for subwords),
    divided by the number of those rows if cbow_mean; neu1e = 0; loss += update_output(out, h,
    w); then ``input_update`` / ``tag_update`` add neu1e to every one of those rows.

    At the start and the end of the job and every ``PUBLISH_EVERY`` centre words, ``publish(out)``
    gives back and refreshes the output rows the calling thread keeps copies of
    (:func:`~.objectives.with_own_rows`).

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    return run_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work,
                   Cbow(cbow_mean))


@njit(**JIT)
def cbow_held_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work,
                  cbow_mean):
    """:func:`cbow_job` with held windows (:func:`held_centre`): each context word's input rows
    are read once and written once per position instead of once per centre word whose window
    holds them. fastText's subword rows gain most (a word has ~13 rows; ``FastText``'s default
    for CBOW); with one row per word it saves little. Same arguments and result as :func:`cbow_job`.
    """
    ring, dim = 2 * window + 1, work[1].shape[0]
    # the small arrays written at every centre word sit 64 bytes inside larger blocks, so that no
    # cache line of theirs is shared with another thread's allocation
    arch = CbowHeld(cbow_mean, np.zeros((ring, dim), np.float32), np.zeros((ring, dim), np.float32),
                    np.zeros(ring + 32, np.float32)[16:16 + ring], np.zeros(ring + 16, np.int64)[8:8 + ring],
                    np.zeros(20, np.int64)[8:12])
    return run_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work, arch)
