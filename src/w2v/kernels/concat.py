"""PV-DM with a concatenated context (gensim's ``dm_concat=1``): the hidden layer is the sentence's
``tag_count`` tag rows and the ``2 * window`` word rows around the centre side by side, positions
past the sentence's ends filled by a trained null row; the job loop is :mod:`.window`'s.
"""
from collections import namedtuple

from ..compiler import njit
from .common import JIT
from .inputs import input_update, input_vector, tag_update, tag_vector
from .objectives import update_output
from .window import CENTRES, run_job

CbowConcat = namedtuple("CbowConcat", "window")


@njit(inline="always", **JIT)
def _slot_add(dst, slot, row, dim):
    base = slot * dim
    for i in range(dim):
        dst[base + i] += row[i]


@njit(inline="always", **JIT)
def concat_centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss):
    """h = [tag rows t0..t1-1 | rows of positions pos-window..pos+window but pos], each slot D
    wide, a position outside [lo, hi) the null row ``inp.null``; h predicts sent[pos]; then each
    slot of neu1e goes to the row that filled it (tags if ``learn_tags``, words and the null row
    if ``learn_words``). A sentence whose tag count is not ``inp.tag_count`` trains nothing
    (gensim skips it). Returns (examples, loss)."""
    if t1 - t0 != inp.tag_count:
        return 0, loss
    _, neu1, neu1e = work
    dim = inp.null.shape[0]
    window = arch.window
    neu1[:] = 0.0
    slot = 0
    for k in range(t0, t1):
        rows, r = tag_vector(inp, k, neu1e)
        _slot_add(neu1, slot, rows[r], dim)
        slot += 1
    for c in range(pos - window, pos + window + 1):
        if c == pos:
            continue
        if lo <= c < hi:
            rows, r = input_vector(inp, sent[c], neu1e)
            _slot_add(neu1, slot, rows[r], dim)
        else:
            _slot_add(neu1, slot, inp.null, dim)
        slot += 1
    neu1e[:] = 0.0
    loss += update_output(out, neu1, sent[pos], alpha, rng, neu1e)
    slot = 0
    for k in range(t0, t1):
        tag_update(inp, k, neu1e[slot * dim:(slot + 1) * dim])
        slot += 1
    for c in range(pos - window, pos + window + 1):
        if c == pos:
            continue
        step = neu1e[slot * dim:(slot + 1) * dim]
        if lo <= c < hi:
            input_update(inp, sent[c], step)
        elif inp.learn_words:
            for i in range(dim):
                inp.null[i] += step[i]
        slot += 1
    return 1, loss


CENTRES[CbowConcat] = concat_centre


@njit(**JIT)
def dm_concat_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work,
                  cbow_mean=1):
    """Train PV-DM with concatenation on sentences ``s0 .. s1-1``, in place.

    Arguments as :func:`w2v.kernels.cbow.cbow_job`; ``inp`` is a ``DocConcat``
    (:mod:`.inputs`), ``out``'s rows and ``work``'s ``neu1``/``neu1e`` are the hidden layer's
    width ``(tag_count + 2 * window) * D``. The window is never shrunk (``shrink`` is ignored,
    as in gensim) and ``cbow_mean`` is ignored: a concatenation neither sums nor averages.

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    return run_job(ids, offsets, s0, s1, keep_prob, window, False, inp, out, alpha0, alpha1, rng, work,
                   CbowConcat(window))
