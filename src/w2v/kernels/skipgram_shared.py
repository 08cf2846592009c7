"""Skip-gram with negative sampling whose noise words are shared by the whole window.

Ji et al. (2016, "Parallelizing Word2Vec in Shared and Distributed Memory") observed that the
K noise words can be drawn once per centre word and used for all of its context words instead of
once per (context, centre) pair. The K + 1 output rows then stay in the L1 cache across the
window, which is what limits the classic kernel (random rows of a matrix larger than the
caches). Unlike their HogBatch, the updates are applied pair by pair, as in the classic kernel
(docs/speed.md, "Where the time goes", measures what delaying them to the window's end costs).
"""
import numpy as np
from numba import njit

from .common import JIT, add_input_update, draw_alias, keep_words, own_lines, sentence_rate, window_bounds
from .objectives import logistic_unit


@njit(**JIT)
def sg_shared_job(ids, offsets, s0, s1, keep_prob, window, shrink, syn0, out, alpha0, alpha1, rng,
                  work, lockf=None):
    """Train skip-gram with window-shared negatives on sentences ``s0 .. s1-1``, in place.

    Arguments as :func:`w2v.kernels.skipgram.sg_job`; ``out`` must be a ``NegativeSampling`` and
    ``work`` is (sent int32[L], outs int32[K], neu1e float32[D]).

    For a centre word w, K noise words n_1..n_K are drawn once (a draw equal to w is dropped);
    then for each context word c, in order: neu1e = 0; the logistic units of w (label 1) and of
    every n_k (label 0) update u and neu1e (:func:`~.objectives.logistic_unit`); v_c += neu1e. One example = one (context, centre) pair.

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    sent, outs, neu1e = work
    words = 0
    examples = 0
    loss = 0.0
    for s in range(s0, s1):
        alpha = sentence_rate(offsets, s0, s1, s, alpha0, alpha1)
        n, seen = keep_words(ids, offsets[s], offsets[s + 1], keep_prob, rng, sent)
        words += seen
        for pos in range(n):
            lo, hi = window_bounds(rng, pos, n, window, shrink)
            if hi - lo < 2:
                continue
            target = sent[pos]
            k = 0
            for _ in range(out.negative):
                t = draw_alias(rng, out.noise_prob, out.noise_alias)
                if t != target:
                    outs[k] = t
                    k += 1
            for c in range(lo, hi):
                if c == pos:
                    continue
                h = syn0[sent[c]]
                neu1e[:] = 0.0
                loss += logistic_unit(out.syn1neg[target], h, np.float32(1.0), alpha, neu1e)
                for j in range(k):
                    loss += logistic_unit(out.syn1neg[outs[j]], h, np.float32(0.0), alpha, neu1e)
                add_input_update(h, neu1e, lockf, sent[c])
                examples += 1
    return words, examples, loss


def shared_work(longest, dim, negative):
    """Scratch arrays for one thread of :func:`sg_shared_job`."""
    return (own_lines(max(longest, 1), np.int32), own_lines(max(negative, 1), np.int32),
            own_lines(dim, np.float32))
