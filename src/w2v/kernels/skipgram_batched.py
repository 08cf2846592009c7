"""Skip-gram with negatives shared across the window, updated as one small dense block.

Ji et al. (2016, "Parallelizing Word2Vec in Shared and Distributed Memory", HogBatch): for a
centre word, the K noise words are drawn once for all its context words instead of once per
(context, centre) pair, and the context x output scores and updates form small matrix products.
This reads C-fold fewer random output rows and writes each of them once per window.
"""
import numpy as np
from numba import njit

from .common import JIT, MAX_EXP, draw_alias, keep_words, log_sigmoid, sigmoid, window_bounds


@njit(**JIT)
def sg_batch_job(ids, offsets, s0, s1, keep_prob, window, shrink, syn0, out, alpha0, alpha1, rng,
                 work):
    """Train skip-gram with shared negatives on sentences ``s0 .. s1-1``, in place.

    Arguments as :func:`w2v.kernels.skipgram.sg_job`; ``out`` must be a ``NegativeSampling`` and
    ``work`` is (sent int32[L], ctx int32[2W], outs int32[K+1], e_in float32[2W, D],
    e_out float32[K+1, D]).

    For a centre word w with context words c_1..c_m and outputs o_0 = w (label 1) and o_1..o_K
    drawn from the noise (label 0; a draw equal to w is dropped):
        G_ij = alpha * (l_j - s(v_ci . u_oj))
        v_ci += sum_j G_ij u_oj        u_oj += sum_i G_ij v_ci
    with both sums taken over the weights as they were before this window's update, and
    G_ij = 0 where the unit is saturated (|v_ci . u_oj| >= MAX_EXP).
    Loss: sum_ij -log s(+-v_ci . u_oj). One example = one (context, centre) pair.

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    sent, ctx, outs, e_in, e_out = work
    syn1neg = out.syn1neg
    dim = syn0.shape[1]
    first = offsets[s0]
    span = max(offsets[s1] - first, 1)
    words = 0
    examples = 0
    loss = 0.0
    for s in range(s0, s1):
        alpha = alpha0 + (alpha1 - alpha0) * ((offsets[s] - first) / span)
        n, seen = keep_words(ids, offsets[s], offsets[s + 1], keep_prob, rng, sent)
        words += seen
        for pos in range(n):
            lo, hi = window_bounds(rng, pos, n, window, shrink)
            m = 0
            for c in range(lo, hi):
                if c != pos:
                    ctx[m] = sent[c]
                    m += 1
            if m == 0:
                continue
            target = sent[pos]
            outs[0] = target
            k = 1
            for _ in range(out.negative):
                t = draw_alias(rng, out.noise_prob, out.noise_alias)
                if t != target:
                    outs[k] = t
                    k += 1
            e_in[:m] = 0.0
            e_out[:k] = 0.0
            for i in range(m):
                v = syn0[ctx[i]]
                for j in range(k):
                    u = syn1neg[outs[j]]
                    f = np.float32(0.0)
                    for d in range(dim):
                        f += v[d] * u[d]
                    if j == 0:
                        loss -= log_sigmoid(f)
                    else:
                        loss -= log_sigmoid(-f)
                    if f <= -MAX_EXP or f >= MAX_EXP:
                        continue
                    label = np.float32(1.0) if j == 0 else np.float32(0.0)
                    g = np.float32((label - sigmoid(f)) * alpha)
                    for d in range(dim):
                        e_in[i, d] += g * u[d]
                        e_out[j, d] += g * v[d]
            for i in range(m):
                v = syn0[ctx[i]]
                for d in range(dim):
                    v[d] += e_in[i, d]
            for j in range(k):
                u = syn1neg[outs[j]]
                for d in range(dim):
                    u[d] += e_out[j, d]
            examples += m
    return words, examples, loss


def batch_work(longest, dim, window, negative):
    """Scratch arrays for one thread of :func:`sg_batch_job`."""
    return (np.zeros(max(longest, 1), np.int32), np.zeros(2 * window, np.int32),
            np.zeros(negative + 1, np.int32), np.zeros((2 * window, dim), np.float32),
            np.zeros((negative + 1, dim), np.float32))
