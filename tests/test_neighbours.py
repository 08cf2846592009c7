"""Exact neighbours by blocked matrix products: the same answer as a full sort, whatever the block size."""
import numpy as np
import pytest

from w2v.vectors.neighbours import exact_neighbours, iter_exact_neighbours


def brute(vectors, rows, topn):
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = unit[rows] @ unit.T
    sims[np.arange(len(rows)), rows] = -np.inf
    return np.argsort(-sims, axis=1, kind="stable")[:, :topn], -np.sort(-sims, axis=1)[:, :topn]


@pytest.mark.parametrize("block_cells", [1, 7, 150, 1 << 20])
def test_matches_a_full_sort(block_cells):
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((60, 5)).astype(np.float32)
    rows = np.array([0, 5, 59, 17])
    ids, sims = exact_neighbours(vectors, rows, 4, block_cells=block_cells)
    want_ids, want_sims = brute(vectors, rows, 4)
    np.testing.assert_array_equal(ids, want_ids)
    np.testing.assert_allclose(sims, want_sims, rtol=1e-5)


def test_blocks_cover_every_row_in_order():
    vectors = np.random.default_rng(1).standard_normal((10, 3)).astype(np.float32)
    starts = [(start, len(ids)) for start, ids, _ in iter_exact_neighbours(vectors, 2, block_cells=30)]
    assert starts == [(0, 3), (3, 3), (6, 3), (9, 1)]


def test_zero_vector_and_memmap(tmp_path):
    vectors = np.array([[0, 0], [1, 0], [1, 0.1], [0, 1]], dtype=np.float32)
    path = tmp_path / "v.npy"
    np.save(path, vectors)
    ids, sims = exact_neighbours(np.load(path, mmap_mode="r"), [1, 0], 1, block_cells=2)
    assert ids.tolist() == [[2], [1]] and sims[1, 0] == 0.0


@pytest.mark.parametrize("topn", [0, 4])
def test_topn_out_of_range(topn):
    with pytest.raises(ValueError, match="topn must be between 1 and 3"):
        exact_neighbours(np.eye(4, dtype=np.float32), [0], topn)
