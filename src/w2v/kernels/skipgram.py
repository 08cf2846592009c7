"""Skip-gram: each context's input vector predicts the centre word (as the C tool does), or, for
input kinds whose ``centre_input`` is true (fastText's subword rows), the centre's input vector
predicts each context word (as fastText does).

Knows nothing of the objective nor of the input rows: ``update_output`` is chosen by the type of
``out`` (:mod:`.objectives`), the input functions by the type of ``inp`` (:mod:`.inputs`: word
rows, subword rows, or document tags, which make this PV-DBOW); the job loop is :mod:`.window`'s.
"""
from collections import namedtuple

import numpy as np
from numba.extending import overload

from ..compiler import njit
from .common import INLINED, JIT
from .inputs import CENTRE_INPUTS, centre_input, input_drift, input_update, input_vector, tag_update, tag_vector
from .objectives import prefetch_output, update_output
from .window import CENTRES, run_job

# ``acc`` float32[D]: the sum of the centre's steps over its window (centre_input kinds)
SkipGram = namedtuple("SkipGram", "acc")


@njit(inline="always", **JIT)
def from_centre(inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss):
    """The centre's input vector h predicts each context word c in [lo, hi) but pos, in turn, as
    fastText does (its rows updated after each pair, so each pair sees the previous ones' steps).

    The rows are read once and written once per centre, not once per pair: h is built once,
    each pair's step neu1e moves it to where the updated rows' mean would be (h += drift * neu1e,
    :func:`~.inputs.input_drift`), and the steps' sum ``acc`` goes to the rows at the end. In
    exact arithmetic (and one thread) this is fastText's per-pair update; in float32 it differs
    by rounding. Returns the loss.
    """
    word = sent[pos]
    rows, r = input_vector(inp, word, h)      # subword rows: the mean, built in h
    v = rows[r]
    drift = input_drift(inp, word)
    acc[:] = 0.0
    for c in range(lo, hi):
        if c == pos:
            continue
        neu1e[:] = 0.0
        loss += update_output(out, v, sent[c], alpha, rng, neu1e)
        for i in range(acc.shape[0]):
            acc[i] += neu1e[i]
            v[i] += drift * neu1e[i]
    input_update(inp, word, acc)
    return loss


@njit(inline="always", **JIT)
def to_centre(inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss):
    """Each context word c in [lo, hi) but pos predicts the centre sent[pos] (the C tool's
    direction): neu1e = 0; loss += update_output(out, v_c, w); v_c's rows += neu1e. Returns the loss."""
    target = sent[pos]
    prefetch_output(out, target)     # the window's first example reads the target's rows
    for c in range(lo, hi):
        if c == pos:
            continue
        rows, r = input_vector(inp, sent[c], h)
        v = rows[r]
        neu1e[:] = 0.0
        loss += update_output(out, v, target, alpha, rng, neu1e)
        input_update(inp, sent[c], neu1e)
    return loss


def window_pairs(inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss):
    """Train the centre's window: :func:`from_centre` for ``centre_input`` kinds, else
    :func:`to_centre` (chosen when Numba compiles, so a kind types only its own code)."""
    fn = from_centre if centre_input(inp) else to_centre
    return fn(inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss)


@overload(window_pairs, jit_options=INLINED)
def _window_pairs_jit(inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss):
    fn = from_centre if getattr(inp, "instance_class", None) in CENTRE_INPUTS else to_centre
    return (lambda inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss:
            fn(inp, out, sent, pos, lo, hi, alpha, rng, h, neu1e, acc, loss))


@njit(inline="always", **JIT)
def sg_centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss):
    """Each context word c in [lo, hi) but pos, then each tag k in [t0, t1), predicts sent[pos]:
    neu1e = 0; loss += update_output(out, v, w); v's rows += neu1e. For a ``centre_input`` kind
    the centre predicts each context word instead (:func:`from_centre`). Returns (examples, loss)."""
    _, neu1, neu1e = work
    target = sent[pos]
    loss = window_pairs(inp, out, sent, pos, lo, hi, alpha, rng, neu1, neu1e, arch.acc, loss)
    for k in range(t0, t1):
        rows, r = tag_vector(inp, k, neu1)
        h = rows[r]
        neu1e[:] = 0.0
        loss += update_output(out, h, target, alpha, rng, neu1e)
        tag_update(inp, k, neu1e)
    return hi - lo - 1 + t1 - t0, loss


CENTRES[SkipGram] = sg_centre


@njit(**JIT)
def sg_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work):
    """Train skip-gram on sentences ``s0 .. s1-1`` of an encoded corpus, in place.

    Parameters
    ----------
    ids : int32[N]           word ids, -1 for out-of-vocabulary tokens
    offsets : int64[S+1]     sentence s is ids[offsets[s]:offsets[s+1]]
    keep_prob : float32[V]   subsampling keep probabilities
    window, shrink           maximum window; whether to draw a reduced window per word
    inp                      input kind (inputs.py: WordRows, SubwordRows, DocTags), rows updated
    out                      objective (objectives.py: NegativeSampling, SharedNegatives,
                             HierarchicalSoftmax, FullSoftmax, Both), output rows updated
    alpha0, alpha1           learning rate at the job's first and last token (linear in between)
    rng : uint64[1]          generator state, advanced
    work                     (sent int32[L], neu1 float32[D], neu1e float32[D]) scratch

    For each kept centre word w: each context word c of its window, then each document tag of
    its sentence (PV-DBOW; with ``train_words`` False the tags alone), gives a vector v =
    ``input_vector`` (a row, or the mean of the word's rows); neu1e = 0; loss +=
    update_output(out, v, w); ``input_update`` adds neu1e to each of v's rows. Subword rows
    (fastText) go the other way: v = w's mean predicts each context word c in turn, and w's rows
    take the steps (:func:`from_centre`).

    At the start and the end of the job and every ``PUBLISH_EVERY`` centre words, ``publish(out)``
    gives back and refreshes the output rows the calling thread keeps copies of
    (:func:`~.objectives.with_own_rows`).

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    return run_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work,
                   SkipGram(np.empty(work[1].shape[0], np.float32)))
