"""PV-DM with a concatenated context (the DocConcat input kind, gensim's dm_concat) against the
reference for the same random draws. (The Frozen objective infer_vector trains against is tested
in test_kernels.py.)"""
import numpy as np
import pytest

from test_kernels import D, WINDOW, copy_objective, make_problem, output_arrays
from w2v import reference as ref
from w2v.kernels import KERNELS, DocConcat, DocTags, WordRows


def work(width=D):
    return (np.zeros(32, np.int32), np.zeros(width, np.float32), np.zeros(width, np.float32))


TAGS = 9


def concat_problem(objective, tag_count, learn_words=True, seed=0):
    """A DocConcat over make_problem's corpus (sentences with 0..3 tags) and an output layer as wide
    as its hidden layer."""
    ids, offsets, keep, syn0, _ = make_problem("ns", seed)
    rs = np.random.default_rng(50 + seed)
    width = (tag_count + 2 * WINDOW) * D
    n = len(offsets) - 1
    counts = rs.integers(0, 4, n)
    counts[::2] = tag_count              # most sentences have the expected number of tags
    tag_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    tag_ids = rs.integers(0, TAGS, tag_offsets[-1]).astype(np.int32)
    dv = ((rs.random((TAGS, D)) - 0.5) / D).astype(np.float32)
    null = ((rs.random(D) - 0.5) / D).astype(np.float32)
    inp = DocConcat(WordRows(syn0), WordRows(dv), tag_offsets, tag_ids, True, learn_words, True, null,
                    tag_count, width)
    wide = make_problem(objective, seed)[4]
    wide = type(wide)(*[((rs.random((a.shape[0], width)) - 0.5) / width).astype(np.float32)
                        if isinstance(a, np.ndarray) and a.ndim == 2 and a.dtype == np.float32 else a
                        for a in wide]) if objective != "both" else None
    return ids, offsets, keep, inp, wide, width


def copy_concat(inp):
    return inp._replace(words=WordRows(inp.words.syn0.copy()), tags=WordRows(inp.tags.syn0.copy()),
                        null=inp.null.copy())


@pytest.mark.parametrize("objective", ["ns", "hs"])
@pytest.mark.parametrize("tag_count", [1, 2])
@pytest.mark.parametrize("frozen_words", [False, True])
def test_concat_kernel_equals_reference(objective, tag_count, frozen_words):
    ids, offsets, keep, inp, out, width = concat_problem(objective, tag_count, learn_words=not frozen_words)
    start = [inp.words.syn0.copy(), inp.tags.syn0.copy(), inp.null.copy()]
    inp_ref, out_ref = copy_concat(inp), copy_objective(out)
    rng, rng_ref = np.array([99], np.uint64), np.array([99], np.uint64)
    got = KERNELS["dm_concat"](ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, inp, out, 0.05, 0.01,
                               rng, work(width), 1)
    want = ref.train_job("dm_concat", ids, offsets, 0, len(offsets) - 1, keep, WINDOW, inp_ref, out_ref,
                         0.05, 0.01, rng_ref)
    assert got[:2] == want[:2] and got[1] > 0
    assert got[2] == pytest.approx(want[2], rel=1e-5)
    assert rng[0] == rng_ref[0]
    for a, b in zip([inp.words.syn0, inp.tags.syn0, inp.null] + output_arrays(out),
                    [inp_ref.words.syn0, inp_ref.tags.syn0, inp_ref.null] + output_arrays(out_ref)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    moved = [not np.array_equal(a, b) for a, b in zip([inp.words.syn0, inp.tags.syn0, inp.null], start)]
    assert moved == [not frozen_words, True, not frozen_words]


def test_concat_trains_only_sentences_with_the_expected_number_of_tags():
    ids, offsets, keep, inp, out, width = concat_problem("ns", 2)
    counts = np.diff(inp.tag_offsets)
    trained = 0
    for s in range(len(offsets) - 1):
        examples = KERNELS["dm_concat"](ids, offsets, s, s + 1, np.ones_like(keep), WINDOW, True, inp, out,
                                        0.05, 0.05, np.array([3], np.uint64), work(width), 1)[1]
        known = int((ids[offsets[s]:offsets[s + 1]] >= 0).sum())
        assert examples == (known if counts[s] == 2 else 0)
        trained += examples
    assert trained > 0


@pytest.mark.parametrize("arch", ["sg", "cbow", "dm_concat"])
@pytest.mark.parametrize("objective", ["ns", "hs"])
@pytest.mark.parametrize("epochs", [1, 3])
def test_infer_documents_equals_reference(arch, objective, epochs):
    """Batched inference (infer_vector's kernel): each document's row drawn from its own state,
    then trained alone for ``epochs`` passes against frozen words and output rows, as the
    reference does for the same draws; nothing but the documents' rows moves."""
    from w2v.kernels import Frozen
    from w2v.kernels.cbow import Cbow
    from w2v.kernels.concat import CbowConcat
    from w2v.kernels.infer import infer_documents
    from w2v.kernels.skipgram import SkipGram
    ids, offsets, keep, syn0, out = make_problem(objective)
    n_docs = len(offsets) - 1
    vectors = np.zeros((n_docs, D), np.float32)
    rows = (WordRows(syn0), WordRows(vectors), np.arange(n_docs + 1, dtype=np.int64),
            np.arange(n_docs, dtype=np.int32)[::-1].copy(), arch != "sg", False, True)
    width, shrink = D, arch != "dm_concat"
    if arch == "dm_concat":
        _, _, _, _, out, width = concat_problem(objective, 1)
        inp = DocConcat(*rows, ((np.arange(D) - 5.0) / D).astype(np.float32), 1, width)
    else:
        inp = DocTags(*rows)
    out = Frozen(out)
    kind = {"sg": SkipGram(np.zeros(D, np.float32)), "cbow": Cbow(1), "dm_concat": CbowConcat(WINDOW)}[arch]
    before = [syn0.copy()] + [a.copy() for a in output_arrays(out)]
    inp_ref = inp._replace(tags=WordRows(vectors.copy()))
    states = np.arange(1, n_docs + 1, dtype=np.uint64) * np.uint64(7919)
    states_ref = states.copy()
    got = infer_documents(kind, inp, out, keep, WINDOW, shrink, ids, offsets, 0.05, 0.01, epochs, states,
                          work(width))
    want = ref.infer_documents(arch, ids, offsets, keep, WINDOW, inp_ref, out, 0.05, 0.01, epochs, states_ref,
                               shrink=shrink)
    assert got == want and got > 0
    np.testing.assert_array_equal(states, states_ref)
    np.testing.assert_allclose(vectors, inp_ref.tags.syn0, rtol=1e-4, atol=1e-5)
    assert np.abs(vectors).max() > 0
    for a, b in zip([syn0] + output_arrays(out), before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("arch", ["sg", "cbow"])
def test_job_loop_takes_no_reference_counts(arch):
    """The job loop is compiled without Numba's reference counting (common.JOB): with it, the
    DocTags input kind took an atomic increment and decrement of each of its arrays per context
    word (PV-DM cost 1.6x CBOW an example). Compiled afresh (a cached function cannot be
    inspected), its LLVM code calls neither NRT_incref nor NRT_decref; nor the architecture's
    centre step, the skip-gram pair loop and the objective, which LLVM inlines (``common.INLINED``),
    so the check covers their code too."""
    import re

    from numba import njit

    from w2v.kernels.cbow import Cbow
    from w2v.kernels.common import JOB
    from w2v.kernels.skipgram import SkipGram
    from w2v.kernels.window import run_job

    ids, offsets, keep, syn0, out = make_problem("ns")
    n = len(offsets) - 1
    inp = DocTags(WordRows(syn0), WordRows(np.zeros((n, D), np.float32)), np.arange(n + 1, dtype=np.int64),
                  np.arange(n, dtype=np.int32))
    fresh = njit(**dict(JOB, cache=False))(run_job.py_func)
    fresh(ids, offsets, 0, n, keep, WINDOW, True, inp, out, 0.025, 0.0001, np.array([7], np.uint64),
          work(), SkipGram(np.zeros(D, np.float32)) if arch == "sg" else Cbow(1))
    llvm = fresh.inspect_llvm(fresh.signatures[0])
    body = re.search(r"define [^\n]*run_job.*?\n}", llvm, re.S).group(0)
    assert "NRT_incref" not in body and "NRT_decref" not in body
    for step in ("_train_centre_jit", "_window_pairs_jit", "_update_output_jit"):    # common.INLINED
        assert step not in body
