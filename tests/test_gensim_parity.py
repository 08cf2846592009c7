"""w2v's update rule is gensim's, update for update.

From the same weights, on the same sentences, the NumPy reference (given gensim's sigmoid lookup)
ends with the same weights as gensim's own Cython trainers. With test_kernels (kernel == reference
for the same random draws) this pins the kernels to gensim's arithmetic: what is left between
them is the sigmoid table and the random draws. Hierarchical softmax with fixed windows and no
subsampling, so that gensim draws no random numbers.
"""
import numpy as np
import pytest

from w2v import reference as ref
from w2v.kernels import MAX_EXP, HierarchicalSoftmax

gensim_inner = pytest.importorskip("gensim.models.word2vec_inner")

DIM, WINDOW, ALPHA = 16, 3, 0.05


def gensim_sigmoid():
    """gensim's (and the C tool's) table: 1000 values of s(x) on [-6, 6), read at index
    int((f + 6) * 83), where 83 is EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic."""
    x = (np.arange(1000) / 1000 * 2 - 1) * MAX_EXP
    table = (np.exp(x) / (np.exp(x) + 1)).astype(np.float32)

    def sigmoid(f):          # only called with |f| < MAX_EXP, where the index stays below 996
        return table[int((f + MAX_EXP) * 83)]
    return sigmoid, ref.exact_log_sigmoid    # the loss does not touch the weights


def gensim_model(sg, seed):
    from gensim.models import Word2Vec
    rs = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(40)]
    p = 1.0 / np.arange(1, 41)
    sentences = [list(rs.choice(words, size=rs.integers(1, 16), p=p / p.sum()))
                 for _ in range(60)]
    model = Word2Vec(vector_size=DIM, window=WINDOW, min_count=1, sg=sg, hs=1, negative=0,
                     sample=0, shrink_windows=False, cbow_mean=1, workers=1, seed=seed)
    model.build_vocab(sentences)
    model.syn1[:] = (rs.random(model.syn1.shape, dtype=np.float32) - 0.5) * 0.5
    return model, sentences


def gensim_tree(wv):
    n = len(wv)
    length = max(len(wv.get_vecattr(w, "code")) for w in wv.index_to_key)
    codes = np.zeros((n, length), np.uint8)
    points = np.zeros((n, length), np.int32)
    lengths = np.zeros(n, np.int32)
    for i, w in enumerate(wv.index_to_key):
        code, point = wv.get_vecattr(w, "code"), wv.get_vecattr(w, "point")
        codes[i, :len(code)], points[i, :len(point)], lengths[i] = code, point, len(code)
    return codes, points, lengths


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("sg", [1, 0])
def test_reference_with_gensims_sigmoid_trains_gensims_weights(sg, seed):
    model, sentences = gensim_model(sg, seed)
    start = model.wv.vectors.copy()
    syn0, syn1 = start.copy(), model.syn1.copy()
    out = HierarchicalSoftmax(syn1, *gensim_tree(model.wv))
    rng = np.ones(1, np.uint64)                  # drawn from only for windows or subsampling
    sig = gensim_sigmoid()
    for sentence in sentences:
        ids = [model.wv.key_to_index[w] for w in sentence]
        if sg:
            ref.skipgram_sentence(ids, syn0, out, WINDOW, ALPHA, rng, shrink=False, sig=sig)
        else:
            ref.cbow_sentence(ids, syn0, out, WINDOW, ALPHA, rng, shrink=False, sig=sig)

    work, neu1 = np.zeros(DIM, np.float32), np.zeros(DIM, np.float32)
    if sg:
        gensim_inner.train_batch_sg(model, sentences, ALPHA, work, False)
    else:
        gensim_inner.train_batch_cbow(model, sentences, ALPHA, work, neu1, False)

    assert np.abs(syn0 - start).max() > 0.05                  # training moved the weights
    # Mostly 1e-7 apart; a dot product on a bin's edge can fall into the next bin in one of the
    # two summation orders (5e-5 then). Any other sigmoid table ends 2e-2 to 5e-2 apart.
    np.testing.assert_allclose(syn0, model.wv.vectors, rtol=0, atol=5e-4)
    np.testing.assert_allclose(syn1, model.syn1, rtol=0, atol=5e-4)
