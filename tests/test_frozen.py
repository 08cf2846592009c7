"""A Frozen objective (gensim's learn_hidden=False, what infer_vector trains against): the kernels
equal the reference for the same draws, and the output rows are left exactly as they were."""
import numpy as np
import pytest

from test_kernels import D, WINDOW, copy_objective, make_problem, output_arrays
from w2v import reference as ref
from w2v.kernels import KERNELS
from w2v.kernels.objectives import Frozen


@pytest.mark.parametrize("arch", ["sg", "cbow"])
@pytest.mark.parametrize("objective", ["ns", "hs", "both"])
def test_frozen_kernel_equals_reference_and_keeps_the_output_rows(arch, objective):
    ids, offsets, keep, syn0, out = make_problem(objective)
    before = [a.copy() for a in output_arrays(out)]
    syn0_ref, out_ref = syn0.copy(), copy_objective(out)
    rng, rng_ref = np.array([4242], np.uint64), np.array([4242], np.uint64)
    work = (np.zeros(32, np.int32), np.zeros(D, np.float32), np.zeros(D, np.float32))
    args = (ids, offsets, 0, len(offsets) - 1, keep, WINDOW, True, syn0, Frozen(out), 0.05, 0.01, rng, work)
    got = KERNELS[arch](*args, 1) if arch == "cbow" else KERNELS[arch](*args)
    want = ref.train_job(arch, ids, offsets, 0, len(offsets) - 1, keep, WINDOW, syn0_ref, Frozen(out_ref),
                         0.05, 0.01, rng_ref, cbow_mean=1)
    assert got[:2] == want[:2] and got[1] > 0
    assert got[2] == pytest.approx(want[2], rel=1e-5)
    assert rng[0] == rng_ref[0]
    # Fast-math sums a dot product in another order than NumPy: now and then it lands in the next
    # bin of the sigmoid table, a step ~1e-6 different, in a row or two (the input rows keep
    # growing against frozen outputs, so more dot products sit near a bin's edge).
    differ = np.abs(syn0 - syn0_ref).max(axis=1) > 1e-6
    assert differ.sum() <= 2
    np.testing.assert_allclose(syn0, syn0_ref, rtol=1e-5, atol=5e-6)
    for a, b, c in zip(output_arrays(out), output_arrays(out_ref), before):
        assert np.array_equal(a, c) and np.array_equal(b, c)
    assert not np.allclose(syn0, make_problem(objective)[3]), "the input rows did not learn"


def test_a_frozen_step_is_the_learning_steps_input_gradient():
    """One example: the input step of the frozen objective equals the learning one's."""
    _, _, _, syn0, out = make_problem("ns")
    h = syn0[3].copy()
    loss_a, step_a = ref.output_layer(copy_objective(out), h, 5, 0.05, np.array([7], np.uint64))
    loss_b, step_b = ref.output_layer(Frozen(out), h, 5, 0.05, np.array([7], np.uint64))
    assert loss_a == loss_b and np.array_equal(step_a, step_b)
