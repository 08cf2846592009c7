"""Kernels against the NumPy reference (same random draws) and the reference against finite
differences of the loss."""
import numpy as np
import pytest

from w2v import reference as ref
from w2v.kernels import KERNELS, Both, FullSoftmax, HierarchicalSoftmax, NegativeSampling

V, D, WINDOW = 40, 12, 3


def huffman_like_tables(rs):
    """Arbitrary but valid HS tables: paths of 1..5 inner nodes in [0, V-1)."""
    lengths = rs.integers(1, 6, V).astype(np.int32)
    codes = rs.integers(0, 2, (V, 8)).astype(np.uint8)
    points = rs.integers(0, V - 1, (V, 8)).astype(np.int32)
    return codes, points, lengths


def make_problem(objective, seed=0):
    rs = np.random.default_rng(seed)
    lengths = rs.integers(0, 15, 30)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    ids = rs.integers(-1, V, offsets[-1]).astype(np.int32)
    keep = rs.uniform(0.3, 1.0, V).astype(np.float32)
    keep[::3] = 1.0
    syn0 = ((rs.random((V, D)) - 0.5) / D).astype(np.float32)
    ns = NegativeSampling(((rs.random((V, D)) - 0.5) / D).astype(np.float32),
                          rs.random(V).astype(np.float32), rs.integers(0, V, V).astype(np.int32), 4)
    hs = HierarchicalSoftmax(((rs.random((V, D)) - 0.5) / D).astype(np.float32),
                             *huffman_like_tables(rs))
    out = {"ns": ns, "hs": hs, "softmax": FullSoftmax(ns.syn1neg), "both": Both(hs, ns)}[objective]
    return ids, offsets, keep, syn0, out


def copy_objective(out):
    return type(out)(*[copy_objective(x) if isinstance(x, tuple) else
                       (x.copy() if isinstance(x, np.ndarray) else x) for x in out])


def output_arrays(out):
    arrays = []
    for x in out:
        if isinstance(x, tuple):
            arrays += output_arrays(x)
        elif isinstance(x, np.ndarray) and x.dtype == np.float32 and x.ndim == 2:
            arrays.append(x)
    return arrays


@pytest.mark.parametrize("arch", ["sg", "cbow"])
@pytest.mark.parametrize("objective", ["ns", "hs", "softmax", "both"])
@pytest.mark.parametrize("cbow_mean", [0, 1])
def test_kernel_equals_reference(arch, objective, cbow_mean):
    if arch == "sg" and cbow_mean == 0:
        pytest.skip("cbow_mean only applies to CBOW")
    ids, offsets, keep, syn0, out = make_problem(objective)
    syn0_ref, out_ref = syn0.copy(), copy_objective(out)
    rng, rng_ref = np.array([987654321], np.uint64), np.array([987654321], np.uint64)
    work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    args = (ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, syn0, out, 0.05, 0.01, rng, work)
    kernel = KERNELS[arch]
    got = kernel(*args, cbow_mean) if arch == "cbow" else kernel(*args)
    want = ref.train_job(arch, ids, offsets, 0, len(offsets) - 1, keep, WINDOW, syn0_ref, out_ref,
                         0.05, 0.01, rng_ref, cbow_mean=cbow_mean)
    assert got[0] == want[0] and got[1] == want[1] and got[1] > 0
    assert got[2] == pytest.approx(want[2], rel=1e-5)
    assert rng[0] == rng_ref[0], "kernel and reference consumed different random draws"
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    for a, b in zip(output_arrays(out), output_arrays(out_ref)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(syn0, make_problem(objective)[3]), "training changed nothing"


@pytest.mark.parametrize("seed", [0, 1])
def test_shared_negatives_kernel_equals_reference(seed):
    from w2v.kernels import shared_work
    ids, offsets, keep, syn0, out = make_problem("ns", seed)
    syn0_ref, out_ref = syn0.copy(), copy_objective(out)
    rng, rng_ref = np.array([55], np.uint64), np.array([55], np.uint64)
    got = KERNELS["sg_shared"](ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, syn0, out,
                               0.05, 0.01, rng, shared_work(32, D, out.negative))
    want = ref.train_job("sg_shared", ids, offsets, 0, len(offsets) - 1, keep, WINDOW, syn0_ref,
                         out_ref, 0.05, 0.01, rng_ref)
    assert got[:2] == want[:2] and got[1] > 0
    assert got[2] == pytest.approx(want[2], rel=1e-5)
    assert rng[0] == rng_ref[0]
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.syn1neg, out_ref.syn1neg, rtol=1e-5, atol=1e-6)


def test_shared_negatives_single_context_equals_classic():
    """With one context word per centre (window 1, no shrinking, two-word sentences) sharing
    the noise words changes nothing: both kernels give the same weights."""
    from w2v.kernels import shared_work
    rs = np.random.default_rng(3)
    offsets = np.arange(0, 201, 2).astype(np.int64)
    ids = rs.integers(0, V, 200).astype(np.int32)
    keep = np.ones(V, np.float32)
    _, _, _, syn0, out = make_problem("ns")
    syn0_b, out_b = syn0.copy(), copy_objective(out)
    work = (np.zeros(4, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    a = KERNELS["sg"](ids, offsets, 0, 100, keep, 1, False, syn0, out, 0.05, 0.05,
                      np.array([9], np.uint64), work)
    b = KERNELS["sg_shared"](ids, offsets, 0, 100, keep, 1, False, syn0_b, out_b, 0.05, 0.05,
                             np.array([9], np.uint64), shared_work(4, D, out.negative))
    assert a[:2] == b[:2] and a[2] == pytest.approx(b[2], rel=1e-6)
    np.testing.assert_allclose(syn0, syn0_b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out.syn1neg, out_b.syn1neg, rtol=1e-6, atol=1e-7)


def test_job_learning_rate_and_empty_job():
    ids, offsets, keep, syn0, out = make_problem("ns")
    work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    before = syn0.copy()
    got = KERNELS["sg"](ids, offsets, 3, 3, keep, WINDOW, True, syn0, out, 0.05, 0.01,
                        np.array([1], np.uint64), work)
    assert got == (0, 0, 0.0)
    np.testing.assert_array_equal(syn0, before)


def numeric_grad(fn, x, eps=1e-4):
    x = x.astype(np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        grad[i] = (fn(x + d) - fn(x - d)) / (2 * eps)
    return grad


@pytest.mark.parametrize("labels", [[1], [1, 0, 0, 0], [0, 1, 1, 0, 1]])
def test_logistic_gradients_match_finite_differences(labels):
    rs = np.random.default_rng(1)
    h = rs.normal(size=D).astype(np.float32)
    rows = rs.normal(size=(len(labels), D)).astype(np.float32) * 0.3   # |u.h| < MAX_EXP
    alpha = 0.1
    neu1e = np.zeros(D, np.float32)
    new_rows = rows.copy()
    for row, label in zip(new_rows, labels):
        ref.logistic_step(h, row, label, alpha, neu1e, sig=ref.EXACT)
    grad_h = numeric_grad(lambda x: ref.logistic_loss(x, rows, labels), h)
    grad_u = numeric_grad(lambda x: ref.logistic_loss(h, x, labels), rows)
    np.testing.assert_allclose(neu1e, -alpha * grad_h, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(new_rows - rows, -alpha * grad_u, rtol=1e-3, atol=1e-5)


def test_softmax_gradients_match_finite_differences():
    rs = np.random.default_rng(2)
    h = rs.normal(size=D).astype(np.float32)
    syn1 = rs.normal(size=(7, D)).astype(np.float32) * 0.3
    before = syn1.copy()
    loss, neu1e = ref.full_softmax(h, 3, 0.1, syn1)
    assert loss == pytest.approx(ref.softmax_loss(h, before, 3), rel=1e-5)
    np.testing.assert_allclose(neu1e, -0.1 * numeric_grad(lambda x: ref.softmax_loss(x, before, 3), h),
                               rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(syn1 - before,
                               -0.1 * numeric_grad(lambda x: ref.softmax_loss(h, x, 3), before),
                               rtol=1e-3, atol=1e-5)


def test_sigmoid_table_is_close_to_exact():
    from w2v.kernels import MAX_EXP
    assert ref.table_sigmoid(MAX_EXP) == 1.0 and ref.table_sigmoid(-MAX_EXP - 1) == 0.0
    xs = np.linspace(-MAX_EXP + 1e-6, MAX_EXP - 1e-6, 2001)
    table = np.array([ref.table_sigmoid(x) for x in xs])
    exact = np.array([ref.exact_sigmoid(x) for x in xs])
    assert np.abs(table - exact).max() < 1e-3
    logt = np.array([ref.table_log_sigmoid(x) for x in xs])
    loge = np.array([ref.exact_log_sigmoid(x) for x in xs])
    assert np.abs(logt - loge).max() < 2e-3


def test_rng_matches_reference_and_is_uniform():
    from w2v.kernels.common import rand_below, rand_float
    a, b = np.array([42], np.uint64), np.array([42], np.uint64)
    xs = [rand_float(a) for _ in range(2000)]
    ys = [ref.rand_float(b) for _ in range(2000)]
    assert xs == ys
    draws = np.array([rand_below(a, 10) for _ in range(20000)])
    counts = np.bincount(draws, minlength=10)
    assert draws.min() == 0 and draws.max() == 9
    assert np.abs(counts / 20000 - 0.1).max() < 0.01
