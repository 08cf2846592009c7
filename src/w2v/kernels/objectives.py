"""Output layers: negative sampling, hierarchical softmax and exact softmax, for one example.

Each objective's parameters travel as a namedtuple; ``update_output`` picks the update by the
tuple's type when Numba compiles the calling kernel, so no mode flag is tested per example.
Every update reads the hidden vector ``h``, adds the gradient step for ``h`` into ``neu1e``,
updates the output rows in place, and returns the example's loss.
"""
from collections import namedtuple

import numpy as np
from numba import njit
from numba.extending import overload

from .common import JIT, MAX_EXP, draw_alias, log_sigmoid, sigmoid

NegativeSampling = namedtuple("NegativeSampling", "syn1neg noise_prob noise_alias negative")
HierarchicalSoftmax = namedtuple("HierarchicalSoftmax", "syn1 codes points lengths")
FullSoftmax = namedtuple("FullSoftmax", "syn1")
Both = namedtuple("Both", "hs ns")  # hierarchical softmax and negative sampling together


@njit(**JIT)
def ns_update(out, h, target, alpha, rng, neu1e):
    """Negative sampling: loss = -log s(u_o.h) - sum_k log s(-u_k.h), k drawn from the noise.

    For each sampled row u with label l (1 for the target, 0 for noise):
    g = (l - s(u.h)) * alpha;  neu1e += g u;  u += g h.  A noise draw equal to the target is skipped,
    and so is the update of a saturated unit (|u.h| >= MAX_EXP).
    """
    dim = h.shape[0]
    loss = 0.0
    for d in range(out.negative + 1):
        if d == 0:
            t = target
            label = np.float32(1.0)
        else:
            t = draw_alias(rng, out.noise_prob, out.noise_alias)
            if t == target:
                continue
            label = np.float32(0.0)
        row = out.syn1neg[t]
        f = np.float32(0.0)
        for i in range(dim):
            f += h[i] * row[i]
        loss -= log_sigmoid(f) if d == 0 else log_sigmoid(-f)
        if f <= -MAX_EXP or f >= MAX_EXP:
            continue
        g = np.float32((label - sigmoid(f)) * alpha)
        for i in range(dim):
            neu1e[i] += g * row[i]
            row[i] += g * h[i]
    return loss


@njit(**JIT)
def hs_update(out, h, target, alpha, rng, neu1e):
    """Hierarchical softmax: loss = -sum_j log s((1 - 2 c_j) u_j.h) along the target's Huffman path.

    For inner node u_j with code c_j: g = (1 - c_j - s(u_j.h)) * alpha; neu1e += g u_j; u_j += g h,
    skipped where the unit is saturated (|u_j.h| >= MAX_EXP).
    """
    dim = h.shape[0]
    loss = 0.0
    for j in range(out.lengths[target]):
        row = out.syn1[out.points[target, j]]
        f = np.float32(0.0)
        for i in range(dim):
            f += h[i] * row[i]
        code = out.codes[target, j]
        loss -= log_sigmoid(f) if code == 0 else log_sigmoid(-f)
        if f <= -MAX_EXP or f >= MAX_EXP:
            continue
        g = np.float32((np.float32(1 - code) - sigmoid(f)) * alpha)
        for i in range(dim):
            neu1e[i] += g * row[i]
            row[i] += g * h[i]
    return loss


@njit(**JIT)
def softmax_update(out, h, target, alpha, rng, neu1e):
    """Exact softmax: p = softmax(U h), loss = -log p_target; for every row v: g = ([v = o] - p_v) alpha.

    Costs V x D per example: for small vocabularies.
    """
    syn1 = out.syn1
    vocab, dim = syn1.shape
    scores = np.empty(vocab)
    top = -np.inf
    for v in range(vocab):
        f = np.float32(0.0)
        for i in range(dim):
            f += h[i] * syn1[v, i]
        scores[v] = f
        top = max(top, scores[v])
    z = 0.0
    for v in range(vocab):
        scores[v] = np.exp(scores[v] - top)
        z += scores[v]
    loss = -np.log(scores[target] / z)
    for v in range(vocab):
        g = np.float32(((1.0 if v == target else 0.0) - scores[v] / z) * alpha)
        for i in range(dim):
            neu1e[i] += g * syn1[v, i]
            syn1[v, i] += g * h[i]
    return loss


@njit(**JIT)
def both_update(out, h, target, alpha, rng, neu1e):
    """Hierarchical softmax then negative sampling on the same h; their input gradients add up."""
    loss = hs_update(out.hs, h, target, alpha, rng, neu1e)
    return loss + ns_update(out.ns, h, target, alpha, rng, neu1e)


_UPDATES = {NegativeSampling: ns_update, HierarchicalSoftmax: hs_update,
            FullSoftmax: softmax_update, Both: both_update}


def update_output(out, h, target, alpha, rng, neu1e):
    """Apply the objective whose parameters ``out`` holds (dispatch by the namedtuple's type)."""
    return _UPDATES[type(out)](out, h, target, alpha, rng, neu1e)


@overload(update_output, jit_options=JIT)
def _update_output_jit(out, h, target, alpha, rng, neu1e):
    update = _UPDATES.get(getattr(out, "instance_class", None))
    if update is not None:
        return lambda out, h, target, alpha, rng, neu1e: update(out, h, target, alpha, rng, neu1e)
