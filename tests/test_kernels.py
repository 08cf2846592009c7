"""Kernels against the NumPy reference (same random draws) and the reference against finite
differences of the loss."""
import numpy as np
import pytest

from w2v import reference as ref
from w2v.kernels import (KERNELS, Both, DocTags, FullSoftmax, HierarchicalSoftmax, NegativeSampling, SharedNegatives,
                         SubwordRows, WordRows)
from w2v.kernels.inputs import word_drifts

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
    out = {"ns": ns, "hs": hs, "softmax": FullSoftmax(ns.syn1neg, np.zeros(V)), "both": Both(hs, ns)}[objective]
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


@pytest.mark.parametrize("arch", ["sg", "cbow", "cbow_held"])
@pytest.mark.parametrize("objective", ["ns", "hs", "softmax", "both"])
@pytest.mark.parametrize("cbow_mean", [0, 1])
def test_kernel_equals_reference(arch, objective, cbow_mean):
    if arch == "sg" and cbow_mean == 0:
        pytest.skip("cbow_mean only applies to CBOW")
    ids, offsets, keep, syn0, out = make_problem(objective)
    syn0_ref, out_ref = syn0.copy(), copy_objective(out)
    rng, rng_ref = np.array([987654321], np.uint64), np.array([987654321], np.uint64)
    work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    args = (ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, WordRows(syn0), out, 0.05, 0.01, rng, work)
    kernel = KERNELS[arch]
    got = kernel(*args) if arch == "sg" else kernel(*args, cbow_mean)
    want = ref.train_job(arch, ids, offsets, 0, len(offsets) - 1, keep, WINDOW, syn0_ref, out_ref,
                         0.05, 0.01, rng_ref, cbow_mean=cbow_mean)
    assert got[0] == want[0] and got[1] == want[1] and got[1] > 0
    assert got[2] == pytest.approx(want[2], rel=1e-5)
    assert rng[0] == rng_ref[0], "kernel and reference consumed different random draws"
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    for a, b in zip(output_arrays(out), output_arrays(out_ref)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(syn0, make_problem(objective)[3]), "training changed nothing"


def shared(ns, every=1):
    """The shared-negatives objective over the same arrays as ``ns``, with its own draws, drawn
    once every ``every`` centre words."""
    return SharedNegatives(*ns, np.zeros(ns.negative, np.int32), every, np.zeros(1, np.int64))


def objective_for(name):
    """make_problem's objective by name: "shared" and "shared_every3" share noise words (over NS)."""
    every = {"shared": 1, "shared_every3": 3}.get(name)
    ids, offsets, keep, syn0, out = make_problem("ns" if every else name)
    return ids, offsets, keep, syn0, shared(out, every) if every else out


def work_arrays(longest=32):
    return (np.zeros(longest, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))


@pytest.mark.parametrize("seed", [0, 1])
def test_shared_negatives_kernel_equals_reference(seed):
    ids, offsets, keep, syn0, out = make_problem("ns", seed)
    out = shared(out)
    syn0_ref, out_ref = syn0.copy(), copy_objective(out)
    rng, rng_ref = np.array([55], np.uint64), np.array([55], np.uint64)
    got = KERNELS["sg_shared"](ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, WordRows(syn0), out,
                               0.05, 0.01, rng, work_arrays())
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
    rs = np.random.default_rng(3)
    offsets = np.arange(0, 201, 2).astype(np.int64)
    ids = rs.integers(0, V, 200).astype(np.int32)
    keep = np.ones(V, np.float32)
    _, _, _, syn0, out = make_problem("ns")
    syn0_b, out_b = syn0.copy(), copy_objective(out)
    work = (np.zeros(4, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    a = KERNELS["sg"](ids, offsets, 0, 100, keep, 1, False, WordRows(syn0), out, 0.05, 0.05,
                      np.array([9], np.uint64), work)
    b = KERNELS["sg_shared"](ids, offsets, 0, 100, keep, 1, False, WordRows(syn0_b), shared(out_b), 0.05, 0.05,
                             np.array([9], np.uint64), work_arrays(4))
    assert a[:2] == b[:2] and a[2] == pytest.approx(b[2], rel=1e-6)
    np.testing.assert_allclose(syn0, syn0_b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out.syn1neg, out_b.syn1neg, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("cbow_mean", [0, 1])
def test_cbow_noise_drawn_before_the_example_equals_classic(cbow_mean):
    """CBOW trains one example per centre word, so SharedNegatives drawing K noise words once per
    centre word before it (every=1) draws what NegativeSampling draws during it, in the same
    order: the same weights, loss and generator state."""
    ids, offsets, keep, syn0, out = make_problem("ns", 5)
    syn0_b, out_b = syn0.copy(), copy_objective(out)
    runs = []
    for w, o in ((syn0, out), (syn0_b, shared(out_b))):
        rng = np.array([77], np.uint64)
        got = KERNELS["cbow"](ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, WordRows(w), o, 0.05, 0.01,
                              rng, work_arrays(), cbow_mean)
        runs.append((got, rng[0]))
    (a, rng_a), (b, rng_b) = runs
    assert a[:2] == b[:2] and a[1] > 0 and a[2] == pytest.approx(b[2], rel=1e-6) and rng_a == rng_b
    np.testing.assert_allclose(syn0, syn0_b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out.syn1neg, out_b.syn1neg, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("every", [2, 3])
def test_cbow_shared_centres_equal_reference_across_jobs(every):
    """Noise words drawn once every ``every`` centre words: kernel and reference agree over two
    jobs, the count of centre words since the last draw carrying from one job to the next; the
    generator advances less than with a draw per centre word."""
    ids, offsets, keep, syn0, out = make_problem("ns", 6)
    out = shared(out, every)
    syn0_ref, out_ref = syn0.copy(), copy_objective(out)
    rng, rng_ref = np.array([31], np.uint64), np.array([31], np.uint64)
    half = (len(offsets) - 1) // 2
    for s0, s1 in ((0, half), (half, len(offsets) - 1)):
        got = KERNELS["cbow"](ids, offsets, s0, s1, keep, WINDOW, True, WordRows(syn0), out, 0.05, 0.01, rng,
                              work_arrays(), 1)
        want = ref.train_job("cbow", ids, offsets, s0, s1, keep, WINDOW, syn0_ref, out_ref, 0.05, 0.01, rng_ref,
                             cbow_mean=1)
        assert got[:2] == want[:2] and got[1] > 0 and got[2] == pytest.approx(want[2], rel=1e-5)
        assert rng[0] == rng_ref[0] and out.count[0] == out_ref.count[0] and (out.draws == out_ref.draws).all()
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.syn1neg, out_ref.syn1neg, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("arch", ["sg", "cbow"])
def test_job_learning_rate_falls_linearly_sentence_by_sentence(arch):
    """A job trained from rate a0 to a1 equals its sentences trained one call each at the rate
    of the sentence's first token, a0 + (a1 - a0) * (tokens before it) / (tokens in the job)."""
    ids, offsets, keep, syn0, out = make_problem("ns")
    s0, s1, a0, a1 = 2, 20, 0.05, 0.01
    kernel = KERNELS[arch]
    extra = (1,) if arch == "cbow" else ()

    def run(jobs):
        w, o = syn0.copy(), copy_objective(out)
        rng = np.array([12345], np.uint64)
        work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
        totals = [kernel(ids, offsets, a, b, keep, WINDOW, True, WordRows(w), o, r0, r1, rng, work, *extra)
                  for a, b, r0, r1 in jobs]
        return w, o.syn1neg, [sum(t[i] for t in totals) for i in range(2)]

    span = offsets[s1] - offsets[s0]
    rates = [a0 + (a1 - a0) * ((offsets[s] - offsets[s0]) / span) for s in range(s0, s1)]
    whole = run([(s0, s1, a0, a1)])
    one_by_one = run([(s, s + 1, r, r) for s, r in zip(range(s0, s1), rates)])
    constant = run([(s0, s1, a0, a0)])
    np.testing.assert_array_equal(whole[0], one_by_one[0])
    np.testing.assert_array_equal(whole[1], one_by_one[1])
    assert whole[2] == one_by_one[2] and whole[2][1] > 0
    assert not np.array_equal(whole[0], constant[0]), "the rate did not matter: nothing tested"


def test_empty_job_changes_nothing():
    ids, offsets, keep, syn0, out = make_problem("ns")
    work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    before = syn0.copy()
    got = KERNELS["sg"](ids, offsets, 3, 3, keep, WINDOW, True, WordRows(syn0), out, 0.05, 0.01,
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


def huffman_problem(objective, seed=0):
    """make_problem with a real Huffman tree, whose node ids fall along every path."""
    from w2v import Vocab
    ids, offsets, keep, syn0, out = make_problem(objective, seed)
    counts = np.sort(np.random.default_rng(seed).integers(1, 500, V))[::-1]
    hs = HierarchicalSoftmax(out.syn1 if objective == "hs" else out.hs.syn1,
                             *Vocab([f"w{i}" for i in range(V)], counts).huffman())
    return ids, offsets, keep, syn0, (hs if objective == "hs" else out._replace(hs=hs))


def run_kernel(arch, problem, out, s0, s1, rng):
    ids, offsets, keep, syn0, _ = problem
    work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    args = (ids, offsets, s0, s1, keep, WINDOW, True, WordRows(syn0), out, 0.05, 0.01, rng, work)
    return KERNELS[arch](*args, 1) if arch == "cbow" else KERNELS[arch](*args)


@pytest.mark.parametrize("arch", ["sg", "cbow"])
@pytest.mark.parametrize("objective", ["hs", "both"])
@pytest.mark.parametrize("private", [1, 7, V])
def test_private_nodes_change_nothing_on_one_thread(arch, objective, private):
    """A thread's own copies of the busiest tree nodes, published at the end of the job, give
    the same weights bit for bit as updating the shared rows directly."""
    from w2v.kernels import with_own_rows
    a = huffman_problem(objective)
    b = huffman_problem(objective)
    own = with_own_rows(b[4], private)
    assert (own.own if objective == "hs" else own.hs.own).rows.shape == (min(private, V - 1), D)
    got_a = run_kernel(arch, a, a[4], 0, len(a[1]) - 1, np.array([5], np.uint64))
    got_b = run_kernel(arch, b, own, 0, len(b[1]) - 1, np.array([5], np.uint64))
    assert got_a == got_b
    np.testing.assert_array_equal(a[3], b[3])
    for x, y in zip(output_arrays(a[4]), output_arrays(b[4])):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(output_arrays(a[4])[0], output_arrays(huffman_problem(objective)[4])[0])


@pytest.mark.parametrize("arch", ["sg", "cbow"])
def test_private_nodes_are_taken_fresh_at_each_job(arch):
    """Two threads' copies are made before either trains; thread A trains job 1, then thread B
    job 2: B must start from what A published, so the result equals shared updates exactly."""
    from w2v.kernels import with_own_rows
    a, b = huffman_problem("hs", 4), huffman_problem("hs", 4)
    thread_a, thread_b = with_own_rows(b[4], 10), with_own_rows(b[4], 10)
    mid = len(a[1]) // 2
    for problem, outs in ((a, (a[4], a[4])), (b, (thread_a, thread_b))):
        run_kernel(arch, problem, outs[0], 0, mid, np.array([11], np.uint64))
        run_kernel(arch, problem, outs[1], mid, len(problem[1]) - 1, np.array([12], np.uint64))
    np.testing.assert_array_equal(a[3], b[3])
    np.testing.assert_array_equal(a[4].syn1, b[4].syn1)


def test_publish_adds_every_threads_updates():
    """Thread A and thread B change their copies of the same rows; after both publish, the
    shared rows hold the start plus both changes."""
    from w2v.kernels import publish, with_own_rows
    rs = np.random.default_rng(0)
    _, _, _, _, out = huffman_problem("hs")
    start = out.syn1.copy()
    a, b = with_own_rows(out, 5), with_own_rows(out, 5)
    da, db = rs.normal(size=(2, 5, D)).astype(np.float32)
    a.own.rows[...] += da
    publish(a)
    np.testing.assert_array_equal(a.own.rows, out.syn1[V - 6:V - 1])
    b.own.rows[...] += db
    publish(b)
    np.testing.assert_allclose(out.syn1[V - 6:V - 1], start[V - 6:V - 1] + da + db, rtol=1e-5)
    np.testing.assert_array_equal(out.syn1[:V - 6], start[:V - 6])
    np.testing.assert_array_equal(out.syn1[V - 1], start[V - 1])
    np.testing.assert_array_equal(b.own.rows, b.own.base)


def test_own_lines_are_aligned_and_private():
    from w2v.kernels import own_lines
    for shape, dtype in [((3, 5), np.float32), (7, np.int32), ((1,), np.int64)]:
        a = own_lines(shape, dtype)
        assert a.ctypes.data % 64 == 0 and a.flags.c_contiguous and a.dtype == dtype
        assert a.shape == (shape if isinstance(shape, tuple) else (shape,)) and not a.any()
        assert a.base.nbytes >= a.nbytes + 64     # the last line is padded, not shared


@pytest.mark.parametrize("arch", ["sg", "cbow"])
def test_private_nodes_published_within_a_long_job(arch):
    """A job of several thousand centre words publishes every PUBLISH_EVERY of them; on one
    thread that still changes nothing."""
    from w2v.kernels import with_own_rows
    from w2v.kernels.objectives import PUBLISH_EVERY
    rs = np.random.default_rng(8)
    offsets = np.arange(0, 3 * PUBLISH_EVERY + 1, 10).astype(np.int64)
    ids = rs.integers(0, V, offsets[-1]).astype(np.int32)
    a, b = huffman_problem("hs", 2), huffman_problem("hs", 2)
    a, b = (ids, offsets, np.ones(V, np.float32), *a[3:]), (ids, offsets, np.ones(V, np.float32), *b[3:])
    run_kernel(arch, a, a[4], 0, len(offsets) - 1, np.array([3], np.uint64))
    run_kernel(arch, b, with_own_rows(b[4], 9), 0, len(offsets) - 1, np.array([3], np.uint64))
    np.testing.assert_array_equal(a[3], b[3])
    np.testing.assert_array_equal(a[4].syn1, b[4].syn1)


# ---------------------------------------------------------------------------------------------
# Input kinds (w2v.kernels.inputs): word rows with lock factors, fastText's subword rows,
# Doc2Vec's document tags; every kernel equals the reference for the same draws.
# ---------------------------------------------------------------------------------------------
BUCKETS, TAGS = 17, 9
INPUT_KINDS = ["lockf", "subwords", "subwords_lockf", "tags", "tags_no_words", "frozen_words"]


def make_input(kind, syn0, n_sentences, seed=0):
    """The input kind ``kind`` over ``syn0`` (and new subword / tag rows), and its float matrices."""
    rs = np.random.default_rng(100 + seed)
    if kind == "lockf":
        return WordRows(syn0, rs.choice(np.float32([0.0, 0.5, 1.0]), V))
    if kind.startswith("subwords"):
        table = np.vstack([syn0, ((rs.random((BUCKETS, D)) - 0.5) / D).astype(np.float32)])
        per_word = [[w] + list(V + rs.integers(0, BUCKETS, rs.integers(0, 4))) for w in range(V)]
        offsets = np.cumsum([0] + [len(r) for r in per_word]).astype(np.int64)
        rows = np.concatenate(per_word).astype(np.int64 if kind == "subwords" else np.int32)
        if kind == "subwords":          # the drifts counted in the kernels
            return SubwordRows(table, offsets, rows)
        lockf = rs.choice(np.float32([0.0, 0.5, 1.0]), len(table))      # and computed beforehand
        return SubwordRows(table, offsets, rows, lockf, word_drifts(offsets, rows, lockf))
    dv = ((rs.random((TAGS, D)) - 0.5) / D).astype(np.float32)
    counts = rs.integers(0, 4, n_sentences)
    tag_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    tag_ids = rs.integers(0, TAGS, tag_offsets[-1]).astype(np.int32)
    return DocTags(WordRows(syn0), WordRows(dv), tag_offsets, tag_ids, train_words=kind != "tags_no_words",
                   learn_words=kind != "frozen_words")


def input_arrays(inp):
    if isinstance(inp, DocTags):
        return input_arrays(inp.words) + input_arrays(inp.tags)
    return [inp.syn0]


def copy_input(inp):
    if isinstance(inp, DocTags):
        return inp._replace(words=copy_input(inp.words), tags=copy_input(inp.tags))
    return inp._replace(syn0=inp.syn0.copy())


@pytest.mark.parametrize("arch", ["sg", "cbow_mean", "cbow_sum", "cbow_held"])
@pytest.mark.parametrize("objective", ["ns", "hs", "softmax", "both", "shared", "shared_every3"])
@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_input_kind_kernel_equals_reference(arch, objective, kind):
    """Skip-gram (with tags: PV-DBOW, with or without word windows: dbow_words) and CBOW (with
    tags: PV-DM, mean and sum) over every input kind and objective equal the reference for the
    same draws."""
    ids, offsets, keep, syn0, out = objective_for(objective)
    inp = make_input(kind, syn0, len(offsets) - 1)
    start = [a.copy() for a in input_arrays(inp)]
    inp_ref, out_ref = copy_input(inp), copy_objective(out)
    rng, rng_ref = np.array([4242], np.uint64), np.array([4242], np.uint64)
    args = (ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, inp, out, 0.05, 0.01, rng, work_arrays())
    name, cbow_mean = {"cbow_mean": ("cbow", 1), "cbow_sum": ("cbow", 0)}.get(arch, (arch, 1))
    got = KERNELS["sg"](*args) if arch == "sg" else KERNELS[name](*args, cbow_mean)
    want = ref.train_job(name, ids, offsets, 0, len(offsets) - 1, keep, WINDOW,
                         inp_ref, out_ref, 0.05, 0.01, rng_ref, cbow_mean=cbow_mean)
    assert got[0] == want[0] and got[1] == want[1] and got[1] > 0
    assert got[2] == pytest.approx(want[2], rel=1e-5)
    assert rng[0] == rng_ref[0], "kernel and reference consumed different random draws"
    # Sums of up to ~30 rows (CBOW over subwords and tags) reassociated by fast-math: looser than
    # the word-row tests, still far below one step (NUMBA_DISABLE_JIT=1 meets 1e-6).
    for a, b in zip(input_arrays(inp) + output_arrays(out), input_arrays(inp_ref) + output_arrays(out_ref)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    moved = [not np.array_equal(a, b) for a, b in zip(input_arrays(inp), start)]
    if kind == "tags_no_words":
        assert moved == [False, True], "without word windows the tags alone are trained"
    elif kind == "frozen_words":
        assert moved == [False, True], "learn_words=False must leave the word rows as they are"
    else:
        assert all(moved), "training changed nothing"


@pytest.mark.parametrize("arch", ["sg", "cbow"])
def test_one_row_subwords_and_no_tags_equal_word_rows_exactly(arch):
    """SubwordRows whose words have only their own row (in CBOW), and DocTags whose sentences have
    no tags, train exactly (bit for bit) as WordRows: the kinds differ only where their rows
    differ. (In skip-gram subword rows also differ in direction -- the centre predicts its context,
    as in fastText -- and are checked against the reference above.)"""
    ids, offsets, keep, syn0, out = make_problem("ns")
    runs = []
    for kind in ["words", "subwords", "no_tags"] if arch == "cbow" else ["words", "no_tags"]:
        w, o = syn0.copy(), copy_objective(out)
        inp = {"words": WordRows(w),
               "subwords": SubwordRows(w, np.arange(V + 1, dtype=np.int64), np.arange(V, dtype=np.int32)),
               "no_tags": DocTags(WordRows(w), WordRows(np.ones((2, D), np.float32)),
                                  np.zeros(len(offsets), np.int64), np.zeros(0, np.int32))}[kind]
        args = (ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, inp, o, 0.05, 0.01,
                np.array([77], np.uint64), work_arrays())
        runs.append((KERNELS[arch](*args, 1) if arch == "cbow" else KERNELS[arch](*args), w, o.syn1neg))
    for got, w, s in runs[1:]:
        assert got == runs[0][0]
        np.testing.assert_array_equal(w, runs[0][1])
        np.testing.assert_array_equal(s, runs[0][2])


@pytest.mark.parametrize("kind", ["words", "subwords"])
def test_held_windows_equal_classic_cbow_when_no_rows_are_shared(kind):
    """CBOW with held windows reads each context word's rows once per position and writes them
    once; it differs from the classic kernel (which reads and writes them for every window) only
    where two words held at once share a row. With every word's rows its own and no word twice
    in a sentence, the two give the same weights (to rounding: the held sums are moved step by
    step rather than re-read), the same loss and the same draws."""
    words = np.random.default_rng(8).permutation(V)
    ids = np.concatenate([words[:11], words[11:22], words[3:14]]).astype(np.int32)
    offsets = np.array([0, 11, 22, 33], np.int64)
    _, _, _, syn0, out = make_problem("ns")
    if kind == "subwords":      # word w's rows: its own, V + 2w and V + 2w + 1, shared with no other word
        syn0 = np.vstack([syn0, ((np.random.default_rng(9).random((2 * V, D)) - 0.5) / D).astype(np.float32)])
    runs = []
    for arch in ("cbow", "cbow_held"):
        table, o = syn0.copy(), copy_objective(out)
        rows = np.array([[w, V + 2 * w, V + 2 * w + 1] for w in range(V)], np.int32).ravel()
        inp = SubwordRows(table, np.arange(0, 3 * V + 1, 3, dtype=np.int64), rows) if kind == "subwords" \
            else WordRows(table)
        rng = np.array([31], np.uint64)
        got = KERNELS[arch](ids, offsets, 0, 3, np.ones(V, np.float32), WINDOW, True, inp, o, 0.05, 0.01, rng,
                            work_arrays(), 1)
        runs.append((got, table, o.syn1neg, rng[0]))
    (a, ta, sa, ra), (b, tb, sb, rb) = runs
    assert a[:2] == b[:2] and a[1] > 0 and ra == rb
    assert a[2] == pytest.approx(b[2], rel=1e-5)
    assert not np.array_equal(ta, syn0), "training changed nothing"
    np.testing.assert_allclose(tb, ta, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sb, sa, rtol=1e-5, atol=1e-6)


def test_held_windows_see_a_shared_row_late():
    """The one difference: a word twice within one window. The classic kernel re-reads its row
    for each window, so the second copy sees the first copy's step at once; held windows hold
    each position's sum apart, so it sees it only when the first copy leaves. Both give the row
    every step, so the results differ, but only slightly."""
    ids = np.array([1, 2, 1, 3, 4, 5], np.int32)
    offsets = np.array([0, 6], np.int64)
    results = []
    for arch in ("cbow", "cbow_held"):
        _, _, _, syn0, out = make_problem("ns")
        KERNELS[arch](ids, offsets, 0, 1, np.ones(V, np.float32), WINDOW, False, WordRows(syn0), out, 0.5,
                      0.5, np.array([5], np.uint64), work_arrays(), 1)
        results.append(syn0)
    start = make_problem("ns")[3]
    moved = np.abs(results[0] - start).max()
    gap = np.abs(results[0] - results[1]).max()
    assert 0 < gap < 0.5 * moved


def test_subword_vector_is_the_mean_and_every_row_takes_the_whole_step():
    """One skip-gram pair: h is the mean of the centre word's rows (fastText's direction: the
    centre predicts its context word) and each of its rows moves by the same neu1e (fastText's
    unsupervised update), checked against the objective alone."""
    ids, offsets, keep, syn0, out = make_problem("ns")
    table = np.vstack([syn0, np.random.default_rng(5).random((3, D)).astype(np.float32) - 0.5])
    # word 0's rows are 0, V and V + 2; the other words have none (their input vector is zero)
    inp = SubwordRows(table, np.concatenate([[0], np.full(V, 3)]).astype(np.int64), np.array([0, V, V + 2], np.int32))
    before, syn1neg = table.copy(), out.syn1neg.copy()
    got = KERNELS["sg"](np.array([0, 1], np.int32), np.array([0, 2], np.int64), 0, 1, np.ones(V, np.float32),
                        1, False, inp, out, 0.05, 0.05, np.array([3], np.uint64), work_arrays(4))
    assert got[:2] == (2, 2)     # first the pair (centre 0, context 1); then word 1 has no rows to move
    h = (before[0] + before[V] + before[V + 2]) * np.float32(1 / 3)
    _, neu1e = ref.negative_sampling(h, 1, 0.05, syn1neg, out.noise_prob, out.noise_alias, out.negative,
                                     np.array([3], np.uint64))
    for r in (0, V, V + 2):
        np.testing.assert_allclose(table[r] - before[r], neu1e, rtol=1e-4, atol=1e-7)
    np.testing.assert_array_equal(table[V + 1], before[V + 1])


@pytest.mark.parametrize("arch", ["sg", "cbow"])
@pytest.mark.parametrize("objective", ["ns", "hs", "softmax", "both", "shared"])
def test_frozen_words_and_output_train_the_tag_rows_alone(arch, objective):
    """Doc2Vec's infer_vector: word rows frozen (learn_words=False) and the output layer frozen
    (Frozen, gensim's learn_hidden=False): only the tag rows move, as the reference moves them."""
    from w2v.kernels import Frozen
    ids, offsets, keep, syn0, out = objective_for(objective)
    out = Frozen(out)
    inp = make_input("frozen_words", syn0, len(offsets) - 1)
    words, tags = inp.words.syn0.copy(), inp.tags.syn0.copy()
    outputs = [a.copy() for a in output_arrays(out)]
    inp_ref, out_ref = copy_input(inp), copy_objective(out)
    rng, rng_ref = np.array([99], np.uint64), np.array([99], np.uint64)
    args = (ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, inp, out, 0.05, 0.01, rng, work_arrays())
    got = KERNELS[arch](*args, 1) if arch == "cbow" else KERNELS[arch](*args)
    want = ref.train_job(arch, ids, offsets, 0, len(offsets) - 1, keep, WINDOW, inp_ref, out_ref, 0.05, 0.01,
                         rng_ref)
    assert got[:2] == want[:2] and got[2] == pytest.approx(want[2], rel=1e-5) and rng[0] == rng_ref[0]
    np.testing.assert_array_equal(inp.words.syn0, words)
    for a, b in zip(output_arrays(out), outputs):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(inp.tags.syn0, tags)
    np.testing.assert_allclose(inp.tags.syn0, inp_ref.tags.syn0, rtol=1e-4, atol=1e-5)


def test_drift_without_locks_counts_repeated_rows():
    """Unlocked, a word's drift is sum_k m_k / n counted by pairs: the same value as with every
    lock factor 1, repeats included (a row listed twice takes the step twice)."""
    from w2v.kernels.inputs import rows_drift
    rows = np.array([0, 5, 7, 5, 9, 5, 7], np.int64)
    ones = np.ones(10, np.float32)
    for a, b in [(0, 0), (0, 1), (0, 3), (1, 4), (0, 7)]:
        assert rows_drift(rows, a, b, None) == rows_drift(rows, a, b, ones)
    assert rows_drift(rows, 0, 7, None) == np.float32((1 + 9 + 4 + 1) / 7)
    offsets = np.array([0, 0, 1, 3, 7], np.int64)
    locks = np.float32([0.5, 1, 0, 1, 1, 1, 1, 0.5, 1, 1])
    for lockf in (None, locks):
        assert word_drifts(offsets, rows, lockf).tolist() == [rows_drift(rows, a, b, lockf)
                                                             for a, b in zip(offsets, offsets[1:])]
