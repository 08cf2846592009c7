"""CBOW: the mean (or sum) of the context words' input vectors predicts the centre word.

As in the C tool and gensim, the whole input gradient ``neu1e`` is added to every context word.
"""
import numpy as np
from numba import njit

from .common import JIT, add_input_update, keep_words, sentence_rate, window_bounds
from .objectives import PUBLISH_EVERY, publish, update_output


@njit(**JIT)
def cbow_job(ids, offsets, s0, s1, keep_prob, window, shrink, syn0, out, alpha0, alpha1, rng, work,
             cbow_mean, lockf=None):
    """Train CBOW on sentences ``s0 .. s1-1`` of an encoded corpus, in place.

    Arguments as :func:`w2v.kernels.skipgram.sg_job`, plus ``cbow_mean`` (1: mean of the context
    vectors, 0: their sum). For each kept centre word w with context words C (|C| > 0):
    h = sum_{c in C} syn0[c] (/ |C| if cbow_mean); neu1e = 0; loss += update_output(out, h, w);
    syn0[c] += neu1e for every c in C.

    At the start and the end of the job and every ``PUBLISH_EVERY`` centre words, ``publish(out)``
    gives back and refreshes the output rows the calling thread keeps copies of
    (:func:`~.objectives.with_own_rows`).

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    sent, neu1, neu1e = work
    publish(out)
    dim = syn0.shape[1]
    words = 0
    examples = 0
    loss = 0.0
    centres = 0
    for s in range(s0, s1):
        alpha = sentence_rate(offsets, s0, s1, s, alpha0, alpha1)
        n, seen = keep_words(ids, offsets[s], offsets[s + 1], keep_prob, rng, sent)
        words += seen
        for pos in range(n):
            centres += 1
            if centres % PUBLISH_EVERY == 0:
                publish(out)
            lo, hi = window_bounds(rng, pos, n, window, shrink)
            if hi - lo < 2:
                continue
            neu1[:] = 0.0
            for c in range(lo, hi):
                if c != pos:
                    row = syn0[sent[c]]
                    for i in range(dim):
                        neu1[i] += row[i]
            if cbow_mean:
                inv = np.float32(1.0 / (hi - lo - 1))
                for i in range(dim):
                    neu1[i] *= inv
            neu1e[:] = 0.0
            loss += update_output(out, neu1, sent[pos], alpha, rng, neu1e)
            for c in range(lo, hi):
                if c != pos:
                    add_input_update(syn0[sent[c]], neu1e, lockf, sent[c])
            examples += 1
    publish(out)
    return words, examples, loss
