"""CBOW: the mean (or sum) of the context's input rows predicts the centre word.

As in the C tool and gensim, the whole input gradient ``neu1e`` is added to every context row.
The rows come from the input kind ``inp`` (:mod:`.inputs`): word rows, subword rows, or
document tags, which join the context (PV-DM); the job loop is :mod:`.window`'s.
"""
from collections import namedtuple

import numpy as np
from numba import njit

from .common import JIT
from .inputs import accumulate, input_update, tag_accumulate, tag_update
from .objectives import prefetch_output, update_output
from .window import CENTRES, run_job

Cbow = namedtuple("Cbow", "mean")


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
    for k in range(t0, t1):
        count += tag_accumulate(inp, k, neu1)
    if arch.mean and count > 0:
        inv = np.float32(1.0 / count)
        for i in range(neu1.shape[0]):
            neu1[i] *= inv
    neu1e[:] = 0.0
    loss += update_output(out, neu1, sent[pos], alpha, rng, neu1e)
    for c in range(lo, hi):
        if c != pos:
            input_update(inp, sent[c], neu1e)
    for k in range(t0, t1):
        tag_update(inp, k, neu1e)
    return 1, loss


CENTRES[Cbow] = cbow_centre


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
