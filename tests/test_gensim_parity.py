"""w2v's update rule is gensim's, update for update.

From the same weights, on the same sentences, the NumPy reference (given gensim's sigmoid lookup
and, for negative sampling, gensim's noise draws) ends with the same weights as gensim's own
Cython trainers. With test_kernels (kernel == reference for the same random draws) this pins the
kernels to gensim's arithmetic: what is left between them is the sigmoid table and the random
draws. Fixed windows and no subsampling, so that gensim draws no other random numbers.
"""
import numpy as np
import pytest

from w2v import reference as ref
from w2v.kernels import MAX_EXP, HierarchicalSoftmax, NegativeSampling

gensim_inner = pytest.importorskip("gensim.models.word2vec_inner")

DIM, WINDOW, ALPHA, NEGATIVE = 16, 3, 0.05, 5


def gensim_sigmoid():
    """gensim's (and the C tool's) table: 1000 values of s(x) on [-6, 6), read at index
    int((f + 6) * 83), where 83 is EXP_TABLE_SIZE / MAX_EXP / 2 in integer arithmetic."""
    x = (np.arange(1000) / 1000 * 2 - 1) * MAX_EXP
    table = (np.exp(x) / (np.exp(x) + 1)).astype(np.float32)

    def sigmoid(f):          # only called with |f| < MAX_EXP, where the index stays below 996
        return table[int((f + MAX_EXP) * 83)]
    return sigmoid, ref.exact_log_sigmoid    # the loss does not touch the weights


def gensim_noise(cum_table):
    """gensim's noise draw, in place of the reference's: bisect its cumulative table at the top
    bits of a 48-bit linear congruential generator, whose state is kept in ``rng[0]``."""
    def draw(rng, noise_prob, noise_alias):
        r = int(rng[0])
        k = int(np.searchsorted(cum_table, (r >> 16) % int(cum_table[-1]), side="left"))
        rng[0] = (r * 25214903917 + 11) & (2**48 - 1)
        return k
    return draw


def gensim_model(sg, objective, seed):
    from gensim.models import Word2Vec
    rs = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(40)]
    p = 1.0 / np.arange(1, 41)
    # At least two words, so that every CBOW centre has a context: gensim's CBOW draws noise
    # words for a word without one too (its update is then zero), where w2v skips the word.
    sentences = [list(rs.choice(words, size=rs.integers(2, 16), p=p / p.sum()))
                 for _ in range(60)]
    hs = objective == "hs"
    model = Word2Vec(vector_size=DIM, window=WINDOW, min_count=1, sg=sg, hs=int(hs),
                     negative=0 if hs else NEGATIVE, sample=0, shrink_windows=False, cbow_mean=1,
                     workers=1, seed=seed)
    model.build_vocab(sentences)
    out = model.syn1 if hs else model.syn1neg
    out[:] = (rs.random(out.shape, dtype=np.float32) - 0.5) * 0.5
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
@pytest.mark.parametrize("objective", ["hs", "ns"])
@pytest.mark.parametrize("sg", [1, 0])
def test_reference_with_gensims_sigmoid_trains_gensims_weights(sg, objective, seed, monkeypatch):
    model, sentences = gensim_model(sg, objective, seed)
    start = model.wv.vectors.copy()
    syn0 = start.copy()
    rng = np.ones(1, np.uint64)
    if objective == "hs":
        syn1 = model.syn1.copy()
        out = HierarchicalSoftmax(syn1, *gensim_tree(model.wv))
        trained = model.syn1
    else:
        syn1 = model.syn1neg.copy()
        out = NegativeSampling(syn1, np.ones(len(syn1), np.float32), np.zeros(len(syn1), np.int32),
                               NEGATIVE)
        trained = model.syn1neg
        monkeypatch.setattr(ref, "draw_noise", gensim_noise(model.cum_table))
        model.random = np.random.RandomState(seed)      # gensim seeds its generator from this
        state = np.random.RandomState(seed)
        rng[0] = 2**24 * state.randint(0, 2**24) + state.randint(0, 2**24)
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
    np.testing.assert_allclose(syn1, trained, rtol=0, atol=5e-4)
