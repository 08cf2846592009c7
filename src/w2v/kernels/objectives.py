"""Output layers: negative sampling, hierarchical softmax and exact softmax, for one example.

Each objective's parameters travel as a namedtuple; ``update_output`` picks the update by the
tuple's type when Numba compiles the calling kernel, so no mode flag is tested per example.
Every update reads the hidden vector ``h``, adds the gradient step for ``h`` into ``neu1e``,
updates the output rows in place, and returns the example's loss.
"""
from collections import namedtuple

import numpy as np
from numba.extending import overload

from ..compiler import njit
from .common import INLINED, JIT, LOG_SIGMOID_TABLE, MAX_EXP, SIGMOID_TABLE, draw_alias, own_lines, table_index
from .prefetch import prefetch_row

NegativeSampling = namedtuple("NegativeSampling", "syn1neg noise_prob noise_alias negative")
# One thread's own copies of the n busiest inner nodes of the Huffman tree (the last n rows of
# syn1 before the unused row V - 1) and their values when it last published (see publish_rows).
OwnRows = namedtuple("OwnRows", "rows base")
NO_OWN_ROWS = OwnRows(np.zeros((0, 0), np.float32), np.zeros((0, 0), np.float32))
HierarchicalSoftmax = namedtuple("HierarchicalSoftmax", "syn1 codes points lengths own",
                                 defaults=(NO_OWN_ROWS,))
# ``scores`` float64[V]: scratch for one example's scores, the calling thread's own (with_own_rows)
FullSoftmax = namedtuple("FullSoftmax", "syn1 scores")
# Negative sampling whose K noise words are drawn once per centre word and shared by its whole
# window (Ji et al. 2016, "Parallelizing Word2Vec in Shared and Distributed Memory"): the K + 1
# output rows then stay in the L1 cache across the window. ``draws`` int32[K] is the calling
# thread's own (see with_own_rows); :func:`begin_centre` fills it. With ``every`` = G > 1 the
# draws are made once every G centre words and shared by all of them (CBOW, whose window is one
# example); ``count`` int64[1], also the thread's own, counts the centre words since the last draw.
SharedNegatives = namedtuple("SharedNegatives", "syn1neg noise_prob noise_alias negative draws every count",
                             defaults=(1, np.zeros(1, np.int64)))
Both = namedtuple("Both", "hs ns")  # hierarchical softmax and negative sampling together
# An objective whose output rows are read but never updated (gensim's learn_hidden=False, with
# which Doc2Vec's infer_vector trains a new document's rows alone): only neu1e is computed.
Frozen = namedtuple("Frozen", "out")

# A thread publishes the output rows it keeps copies of after this many centre words (and at the
# start and end of every job).
PUBLISH_EVERY = 1000


@njit(inline="always", **JIT)
def logistic_unit(row, h, label, alpha, neu1e, learn=True):
    """One binary logistic unit with output vector ``row``: loss = -log s(+-row.h).

    g = (label - s(row.h)) * alpha;  neu1e += g row (the old row);  row += g h if ``learn``.
    A saturated unit (|row.h| >= MAX_EXP) is not updated (g = 0); its loss still counts.

    ``learn`` is a compile-time constant for every caller (omitted: True; under ``Frozen`` a
    literal False), so Numba drops the test: training compiles as if it were not there.
    """
    f = np.float32(0.0)
    for i in range(h.shape[0]):
        f += h[i] * row[i]
    return logistic_step(row, h, label, f, alpha, neu1e, learn)


@njit(inline="always", **JIT)
def logistic_step(row, h, label, f, alpha, neu1e, learn=True):
    """:func:`logistic_unit` given its dot product ``f`` = row.h (computed before ``row`` changes)."""
    g, loss = logistic_grad(label, f, alpha)
    for i in range(h.shape[0]):
        neu1e[i] += g * row[i]
        if learn:
            row[i] += g * h[i]
    return loss


@njit(**JIT)
def logistic_grad(label, f, alpha):
    """(g, loss) of a logistic unit with label ``label`` whose dot product is ``f``. A plain
    function, not inlined by Numba (LLVM inlines it): the four-node step of :func:`hs_update`
    calls it four times, and inlined at Numba's level it made HS jobs compile 6-9 s longer with
    the same speed (docs/speed.md, "Four nodes at a time")."""
    # Without branches on the code bit or on saturation (both data-dependent, so often mispredicted);
    # a saturated unit gets g = 0, which leaves row and neu1e as they are.
    fs = (np.float32(2.0) * label - np.float32(1.0)) * f   # f for label 1, -f for label 0: exact
    inside = np.float32(abs(fs) < MAX_EXP)
    below = np.float32(fs <= -MAX_EXP)
    loss = -LOG_SIGMOID_TABLE[table_index(fs)] * inside - fs * below   # -log_sigmoid(fs)
    g = np.float32((label - SIGMOID_TABLE[table_index(f)]) * alpha) * inside
    return g, loss


@njit(**JIT)
def ns_update(out, h, target, alpha, rng, neu1e, learn=True):
    """Negative sampling: loss = -log s(u_o.h) - sum_k log s(-u_k.h), k drawn from the noise.

    The target is a logistic unit with label 1, each of the K noise draws one with label 0
    (drawn in turn, each updated before the next is drawn); a draw equal to the target is skipped.
    """
    loss = logistic_unit(out.syn1neg[target], h, np.float32(1.0), alpha, neu1e, learn)
    for _ in range(out.negative):
        t = draw_alias(rng, out.noise_prob, out.noise_alias)
        if t != target:
            loss += logistic_unit(out.syn1neg[t], h, np.float32(0.0), alpha, neu1e, learn)
    return loss


@njit(inline="always", **JIT)
def hs_update(out, h, target, alpha, rng, neu1e, learn=True):
    """Hierarchical softmax: loss = -sum_j log s((1 - 2 c_j) u_j.h) along the target's Huffman path.

    Inner node u_j on the path, where the walk turns by code c_j, is a logistic unit with label
    1 - c_j. The nodes the thread keeps its own copies of (``out.own``) are updated there.

    The nodes go four at a time: the four dot products in one pass over h, then the four steps
    in one pass, neu1e taking them in path order. These are the operations of one node at a time,
    in the same order (no node's step changes another node's row or h), with the loads of h and
    neu1e shared and the dot products not waiting on the steps: kernel CPU for skip-gram HS fell
    by about a fifth (docs/speed.md).
    """
    own = out.own.rows
    first = out.syn1.shape[0] - 1 - own.shape[0]   # the root is inner node V - 2
    loss = 0.0
    length = out.lengths[target]
    j = 0
    # Four nodes at a time: their dot products with h in one pass, then their steps, each value
    # summed in the order one node at a time would sum it. A tree's path never visits a node
    # twice, so no node's step changes another's row (nor h); tables that repeat a node within
    # four steps take them one at a time.
    while j + 4 <= length:
        p0, p1, p2, p3 = out.points[target, j], out.points[target, j + 1], out.points[target, j + 2], \
            out.points[target, j + 3]
        if p0 == p1 or p0 == p2 or p0 == p3 or p1 == p2 or p1 == p3 or p2 == p3:
            break
        u0 = hs_row(out, own, first, target, j)
        u1 = hs_row(out, own, first, target, j + 1)
        u2 = hs_row(out, own, first, target, j + 2)
        u3 = hs_row(out, own, first, target, j + 3)
        f0 = f1 = f2 = f3 = np.float32(0.0)
        for i in range(h.shape[0]):
            x = h[i]
            f0 += x * u0[i]
            f1 += x * u1[i]
            f2 += x * u2[i]
            f3 += x * u3[i]
        g0, l0 = logistic_grad(np.float32(1 - out.codes[target, j]), f0, alpha)
        g1, l1 = logistic_grad(np.float32(1 - out.codes[target, j + 1]), f1, alpha)
        g2, l2 = logistic_grad(np.float32(1 - out.codes[target, j + 2]), f2, alpha)
        g3, l3 = logistic_grad(np.float32(1 - out.codes[target, j + 3]), f3, alpha)
        loss += l0
        loss += l1
        loss += l2
        loss += l3
        for i in range(h.shape[0]):
            x = h[i]
            a0, a1, a2, a3 = u0[i], u1[i], u2[i], u3[i]
            e = neu1e[i]
            e += g0 * a0
            e += g1 * a1
            e += g2 * a2
            e += g3 * a3
            neu1e[i] = e
            if learn:
                u0[i] = a0 + g0 * x
                u1[i] = a1 + g1 * x
                u2[i] = a2 + g2 * x
                u3[i] = a3 + g3 * x
        j += 4
    for t in range(j, length):
        loss += logistic_unit(hs_row(out, own, first, target, t), h, np.float32(1 - out.codes[target, t]),
                              alpha, neu1e, learn)
    return loss


@njit(inline="always", **JIT)
def hs_row(out, own, first, target, j):
    """The output row of the j-th inner node on ``target``'s path (the thread's own copy if kept)."""
    p = out.points[target, j]
    if p >= first:
        return own[p - first]
    return out.syn1[p]


@njit(**JIT)
def publish_rows(syn1, own):
    """Publish a thread's own copies of the busiest inner nodes and take the others' updates.

    Each value becomes own + (shared - base): the thread's updates since it last published plus
    what the other threads published meanwhile. With one thread shared == base, so the shared
    row becomes exactly the thread's copy: training equals updating the shared rows directly.
    A value the thread has not changed is only read, so a publication with nothing new (at the
    start of a job) writes nothing another thread could be adding to.
    """
    rows, base = own.rows, own.base
    n, dim = rows.shape
    first = syn1.shape[0] - 1 - n
    for k in range(n):
        shared = syn1[first + k]
        for i in range(dim):
            if rows[k, i] != base[k, i]:
                if shared[i] == base[k, i]:    # said exactly: fast-math may reorder the sum
                    shared[i] = rows[k, i]
                else:
                    shared[i] = rows[k, i] + (shared[i] - base[k, i])
            rows[k, i] = shared[i]
            base[k, i] = shared[i]


@njit(**JIT)
def softmax_update(out, h, target, alpha, rng, neu1e, learn=True):
    """Exact softmax: p = softmax(U h), loss = -log p_target; for every row v: g = ([v = o] - p_v) alpha.

    Costs V x D per example: for small vocabularies.
    """
    syn1, scores = out.syn1, out.scores
    vocab, dim = syn1.shape
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
            if learn:
                syn1[v, i] += g * h[i]
    return loss


@njit(inline="always", **JIT)
def shared_ns_update(out, h, target, alpha, rng, neu1e, learn=True):
    """Negative sampling with the noise words drawn by :func:`begin_centre` for this centre word:
    the target is a unit with label 1, then each draw not equal to it a unit with label 0.

    The updates are applied pair by pair, as in ``ns_update`` (unlike Ji et al.'s HogBatch;
    docs/speed.md, "Where the time goes", measures what delaying them to the window's end costs).
    """
    loss = logistic_unit(out.syn1neg[target], h, np.float32(1.0), alpha, neu1e, learn)
    for j in range(out.negative):
        t = out.draws[j]
        if t != target:
            loss += logistic_unit(out.syn1neg[t], h, np.float32(0.0), alpha, neu1e, learn)
    return loss


@njit(inline="always", **JIT)
def draw_shared(out, rng):
    """Draw the K noise words a centre word's window shares into ``out.draws``; with ``out.every``
    = G > 1 only at the first of every G centre words (counted in ``out.count`` across the
    thread's jobs), the others keep the draws they find."""
    if out.every > 1:
        c = out.count[0]
        out.count[0] = c + 1 if c + 1 < out.every else 0
        if c != 0:
            return
    for j in range(out.negative):
        t = draw_alias(rng, out.noise_prob, out.noise_alias)
        out.draws[j] = t
        prefetch_row(out.syn1neg, t)    # loaded while the window's input rows are summed or read


@njit(**JIT)
def both_update(out, h, target, alpha, rng, neu1e, learn=True):
    """Hierarchical softmax then negative sampling on the same h; their input gradients add up."""
    loss = hs_update(out.hs, h, target, alpha, rng, neu1e, learn)
    return loss + ns_update(out.ns, h, target, alpha, rng, neu1e, learn)


_UPDATES = {NegativeSampling: ns_update, HierarchicalSoftmax: hs_update,
            FullSoftmax: softmax_update, Both: both_update, SharedNegatives: shared_ns_update}


def update_output(out, h, target, alpha, rng, neu1e):
    """Apply the objective whose parameters ``out`` holds (dispatch by the namedtuple's type);
    under ``Frozen(out)`` the output rows are left as they are."""
    if isinstance(out, Frozen):
        return _UPDATES[type(out.out)](out.out, h, target, alpha, rng, neu1e, False)
    return _UPDATES[type(out)](out, h, target, alpha, rng, neu1e)


@overload(update_output, jit_options=INLINED)
def _update_output_jit(out, h, target, alpha, rng, neu1e):
    cls = getattr(out, "instance_class", None)
    if cls is Frozen:
        frozen = _UPDATES.get(getattr(out.types[0], "instance_class", None))
        if frozen is not None:
            return lambda out, h, target, alpha, rng, neu1e: frozen(out.out, h, target, alpha, rng, neu1e, False)
    update = _UPDATES.get(cls)
    if update is not None:
        return lambda out, h, target, alpha, rng, neu1e: update(out, h, target, alpha, rng, neu1e)


def begin_centre(out, rng):
    """Called by the jobs once per centre word that has at least one example, before them: the
    shared-negatives objective draws its noise words here (frozen or not); the others do nothing."""
    if isinstance(out, Frozen):
        begin_centre(out.out, rng)
    elif isinstance(out, SharedNegatives):
        draw_shared(out, rng)


@overload(begin_centre, jit_options=JIT, inline="always")
def _begin_centre_jit(out, rng):
    cls = getattr(out, "instance_class", None)
    if cls is Frozen:
        return lambda out, rng: begin_centre(out.out, rng)
    if cls is SharedNegatives:
        return lambda out, rng: draw_shared(out, rng)
    return lambda out, rng: None


def prefetch_output(out, target):
    """Start loading the output rows an example with this target will read (negative sampling:
    the target's row; hierarchical softmax: the inner nodes of its path that the thread does not
    keep its own copies of; the exact softmax: nothing). Only a hint: changes no result."""


@overload(prefetch_output, jit_options=JIT, inline="always")
def _prefetch_output_jit(out, target):
    cls = getattr(out, "instance_class", None)
    if cls is Frozen:
        return lambda out, target: prefetch_output(out.out, target)
    if cls in (NegativeSampling, SharedNegatives):
        return lambda out, target: prefetch_row(out.syn1neg, target)
    if cls is Both:
        return lambda out, target: (prefetch_path(out.hs, target), prefetch_output(out.ns, target))
    if cls is HierarchicalSoftmax:
        return lambda out, target: prefetch_path(out, target)
    return lambda out, target: None


@njit(inline="always", **JIT)
def prefetch_path(out, target):
    """Prefetch the shared rows of the inner nodes on the target's Huffman path."""
    first = out.syn1.shape[0] - 1 - out.own.rows.shape[0]
    for j in range(out.lengths[target]):
        p = out.points[target, j]
        if p < first:
            prefetch_row(out.syn1, p)


def publish(out):
    """Publish the thread's own output rows, if the objective keeps any: the kernels call this at
    the start and the end of a job and every ``PUBLISH_EVERY`` centre words."""
    if isinstance(out, Both):
        publish(out.hs)
    elif isinstance(out, HierarchicalSoftmax):
        publish_rows(out.syn1, out.own)


@overload(publish, jit_options=JIT)
def _publish_jit(out):
    cls = getattr(out, "instance_class", None)
    if cls is Both:
        return lambda out: publish(out.hs)
    if cls is HierarchicalSoftmax:
        return lambda out: publish_rows(out.syn1, out.own)
    return lambda out: None


def with_own_rows(out, n):
    """A copy of the objective for one worker thread that keeps its own copies of the ``n``
    busiest inner nodes of the Huffman tree (hierarchical softmax; other objectives are returned
    as they are).

    Every example updates the root and most update the nodes near it, so with shared rows the
    threads' cores pass those cache lines back and forth all the time. Kept per thread and
    published every ``PUBLISH_EVERY`` centre words, they cost no more than any other row.

    A ``SharedNegatives`` objective gets the thread's own ``draws`` and ``count`` arrays instead,
    a ``FullSoftmax`` its own ``scores``.
    """
    if isinstance(out, Frozen):
        return out._replace(out=with_own_rows(out.out, 0))   # frozen rows: nothing to publish
    if isinstance(out, SharedNegatives):
        return out._replace(draws=own_lines(max(out.negative, 1), np.int32), count=own_lines(1, np.int64))
    if isinstance(out, FullSoftmax):
        return out._replace(scores=own_lines(out.syn1.shape[0], np.float64))
    if isinstance(out, Both):
        return out._replace(hs=with_own_rows(out.hs, n))
    if not isinstance(out, HierarchicalSoftmax):
        return out
    n = min(n, max(out.syn1.shape[0] - 1, 0))
    top = out.syn1[out.syn1.shape[0] - 1 - n:out.syn1.shape[0] - 1]
    rows, base = own_lines(top.shape, np.float32), own_lines(top.shape, np.float32)
    rows[...] = top
    base[...] = top
    return out._replace(own=OwnRows(rows, base))
