"""KeyedVectors: lookup, queries checked against direct NumPy and gensim, caching, native files, load_any."""
import sys
import types

import numpy as np
import pytest

from w2v.vectors import native
from w2v.models.keyedvectors import KeyedVectors, load_any

V, D = 400, 16


@pytest.fixture
def kv():
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(V - 3)] + ["king", "queen", "中文"]
    return KeyedVectors(words, rng.standard_normal((V, D)).astype(np.float32),
                        counts=np.arange(V, 0, -1, dtype=np.int64))


def unit(m):
    m = np.asarray(m, dtype=np.float64)
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


def top(scores, k, exclude=()):
    order = [i for i in np.argsort(-scores, kind="stable") if i not in exclude]
    return order[:k]


def words_of(result):
    return [w for w, _ in result]


# ---- lookup -------------------------------------------------------------------------------------

def test_lookup(kv):
    assert len(kv) == V and kv.vector_size == D
    assert "king" in kv and "nope" not in kv
    assert kv.index_to_key[kv.key_to_index["queen"]] == "queen"
    assert kv.get_index("中文") == V - 1
    np.testing.assert_array_equal(kv["king"], kv.vectors[V - 3])
    np.testing.assert_array_equal(kv[["king", "w0"]], kv.vectors[[V - 3, 0]])
    np.testing.assert_allclose(kv.get_vector("king", norm=True), unit(kv.vectors[V - 3]), rtol=1e-6)
    assert kv.get_index("nope", -1) == -1 and kv.get_index(5) == 5
    assert kv.get_vecattr("w0", "count") == V
    assert list(kv)[:2] == ["w0", "w1"]
    with pytest.raises(ValueError):
        kv["king"][0] = 1.0                     # read-only view: cached norms stay valid


def test_constructor_keeps_the_array(kv):
    vectors = np.ones((2, 3), dtype=np.float32)
    words = ["a", "b"]
    k = KeyedVectors(words, vectors)
    assert k.vectors is vectors and k.index_to_key is words
    assert k.counts.dtype == np.int64 and not k.counts.any()
    assert KeyedVectors(words, np.ones((2, 3))).vectors.dtype == np.float32


@pytest.mark.parametrize("args,message", [
    ((["a", "b", "a"], np.zeros((3, 2), np.float32)), "duplicate word in index_to_key: 'a'"),
    ((["a", "b"], np.zeros((3, 2), np.float32)), r"shape \(2, D\)"),
    ((["a", "b"], np.zeros((2, 2), np.float32), [1, 2, 3]), "counts has shape"),
])
def test_constructor_errors(args, message):
    with pytest.raises(ValueError, match=message):
        KeyedVectors(*args)


def test_unknown_word_suggests_spellings(kv):
    with pytest.raises(KeyError, match=r"'kng' is not in the vocabulary; did you mean 'king'"):
        kv["kng"]
    with pytest.raises(KeyError, match=r"'King' is not in the vocabulary; did you mean 'king'"):
        kv.most_similar("King")
    with pytest.raises(KeyError, match=r"'zzz' is not in the vocabulary$"):
        kv.get_vector("zzz")


def test_suggestions_are_lazy_and_capped(monkeypatch):
    words = [f"{c}{i}" for c in "ab" for i in range(50000)] + ["apple"]
    k = KeyedVectors(words, np.zeros((len(words), 2), dtype=np.float32))
    calls = []
    monkeypatch.setattr(k, "_suggest", lambda word: calls.append(word) or ["apple"])
    for _ in range(1000):                      # catching misses costs nothing
        try:
            k["appel"]
        except KeyError:
            pass
    assert calls == []
    with pytest.raises(KeyError) as e:
        k["appel"]
    assert "did you mean 'apple'" in str(e.value) and e.value.args == (str(e.value),)
    monkeypatch.undo()
    assert k._suggest("appel") == ["apple"]    # found although 50,000 words share its first letter


# ---- the norm cache ---------------------------------------------------------------------------

def test_norms_cache_and_invalidation(kv):
    before = kv.most_similar("king", topn=3)
    assert kv.norms is kv.norms
    kv.vectors[:] *= 2                         # in place: the cache is now stale...
    stale = kv.norms.copy()
    kv.clear_norms()                           # ...until the trainer (or user) says so
    np.testing.assert_allclose(kv.norms, 2 * stale, rtol=1e-6)
    assert words_of(kv.most_similar("king", topn=3)) == words_of(before)
    kv.vectors = np.ascontiguousarray(kv.vectors[:, ::-1])   # assignment clears it
    np.testing.assert_allclose(kv.norms, np.linalg.norm(kv.vectors, axis=1), rtol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        kv.vectors = np.zeros((3, D), np.float32)


def test_zero_vector_does_not_poison_results():
    k = KeyedVectors(["a", "b", "zero"], np.array([[1, 0], [1, 1], [0, 0]], dtype=np.float32))
    assert k.most_similar("a", topn=2) == [("b", pytest.approx(0.70710677)), ("zero", 0.0)]


# ---- queries against direct NumPy computations --------------------------------------------------

def test_most_similar_matches_numpy(kv):
    u = unit(kv.vectors)
    for pos, neg in [(["king"], []), (["king", "中文"], ["queen"]), (["w1", "w2", "w3"], ["w4", "w5"])]:
        idx = [kv.get_index(w) for w in pos + neg]
        query = unit(u[[kv.get_index(w) for w in pos]].sum(0) - u[[kv.get_index(w) for w in neg]].sum(0))
        scores = u @ query
        got = kv.most_similar(positive=pos, negative=neg, topn=7)
        assert words_of(got) == [kv.index_to_key[i] for i in top(scores, 7, idx)]
        np.testing.assert_allclose([s for _, s in got], scores[top(scores, 7, idx)], atol=1e-6)
        np.testing.assert_allclose(kv.most_similar(pos, neg, topn=None), scores, atol=1e-6)


def test_most_similar_options(kv):
    u = unit(kv.vectors)
    scores = u[:50] @ u[kv.get_index("w60")]
    assert words_of(kv.most_similar("w60", topn=5, restrict_vocab=50)) == [kv.index_to_key[i] for i in top(scores, 5)]
    assert kv.most_similar("king", topn=0) == []
    assert len(kv.most_similar("king", topn=V + 10)) == V - 1          # all but the query word
    weighted = kv.most_similar(positive=[("king", 2.0), "queen"], topn=3)
    scores = u @ unit(2 * u[V - 3] + u[V - 2])
    assert words_of(weighted) == [kv.index_to_key[i] for i in top(scores, 3, [V - 3, V - 2])]
    vec = kv.vectors[10] + 0.1
    assert words_of(kv.similar_by_vector(vec, topn=4)) == [kv.index_to_key[i] for i in top(u @ unit(vec), 4)]
    assert kv.similar_by_word("king", topn=4) == kv.most_similar("king", topn=4)
    with pytest.raises(ValueError, match="no input"):
        kv.most_similar(positive=[], negative=[])


def test_partial_sort(kv, monkeypatch):
    calls = []
    real = np.argpartition
    monkeypatch.setattr(np, "argpartition", lambda *a, **k: calls.append(1) or real(*a, **k))
    kv.most_similar("king", topn=5)
    assert calls


def test_most_similar_cosmul_matches_numpy(kv):
    u = unit(kv.vectors)
    pos, neg = ["king", "中文"], ["queen"]
    shifted = {w: (1 + u @ u[kv.get_index(w)]) / 2 for w in pos + neg}
    scores = shifted["king"] * shifted["中文"] / (shifted["queen"] + 1e-6)
    got = kv.most_similar_cosmul(pos, neg, topn=6)
    exclude = [kv.get_index(w) for w in pos + neg]
    assert words_of(got) == [kv.index_to_key[i] for i in top(scores, 6, exclude)]
    np.testing.assert_allclose([s for _, s in got], scores[top(scores, 6, exclude)], rtol=1e-5)
    np.testing.assert_allclose(kv.most_similar_cosmul(pos, neg, topn=None), scores, rtol=1e-5)
    assert words_of(kv.most_similar_cosmul("king", topn=5)) == words_of(kv.most_similar("king", topn=5))


def test_analogy(kv):
    assert kv.analogy("w1", "w2", "w3", topn=4) == kv.most_similar(["w2", "w3"], ["w1"], topn=4)
    assert kv.analogy("w1", "w2", "w3", topn=4, method="mul") == kv.most_similar_cosmul(["w2", "w3"], ["w1"], topn=4)
    with pytest.raises(ValueError, match="method"):
        kv.analogy("w1", "w2", "w3", method="max")


def test_analogy_centered_matches_numpy(kv):
    kv.vectors += 0.8                          # a common offset, which centring removes
    kv.clear_norms()
    c = unit(kv.vectors - kv.vectors.astype(np.float64).mean(0))
    a, b, q = (kv.get_index(w) for w in ("w1", "w2", "w3"))
    add = c @ unit(c[b] - c[a] + c[q])
    assert words_of(kv.analogy("w1", "w2", "w3", topn=5, center=True)) == \
        [kv.index_to_key[i] for i in top(add, 5, [a, b, q])]
    shifted = [(1 + c @ c[i]) / 2 for i in (b, q, a)]
    mul = shifted[0] * shifted[1] / (shifted[2] + 1e-6)
    got = kv.analogy("w1", "w2", "w3", topn=5, center=True, method="mul")
    assert words_of(got) == [kv.index_to_key[i] for i in top(mul, 5, [a, b, q])]
    np.testing.assert_allclose([s for _, s in got], mul[top(mul, 5, [a, b, q])], rtol=1e-4)


def test_batch_equals_single_queries(kv, monkeypatch):
    import w2v.vectors.similarity
    monkeypatch.setattr(w2v.vectors.similarity, "_BATCH_CELLS", 3 * V)     # several matrix products
    words = ["king", "w7", "中文", "w7", "w300", "queen", "w1"]
    batch = kv.most_similar_batch(words, topn=6, restrict_vocab=350)
    assert len(batch) == len(words)
    for word, answer in zip(words, batch):
        single = kv.most_similar(word, topn=6, restrict_vocab=350)
        assert words_of(answer) == words_of(single)
        np.testing.assert_allclose([s for _, s in answer], [s for _, s in single], atol=1e-6)
    with pytest.raises(KeyError, match="nope"):
        kv.most_similar_batch(["king", "nope"])


def test_pairwise_measures_match_numpy(kv):
    u = unit(kv.vectors)
    assert kv.similarity("king", "queen") == pytest.approx(u[V - 3] @ u[V - 2], abs=1e-6)
    assert kv.distance("king", "queen") == pytest.approx(1 - u[V - 3] @ u[V - 2], abs=1e-6)
    m1, m2 = kv[["w1", "w2", "w3"]].mean(0), kv[["king", "queen"]].mean(0)
    assert kv.n_similarity(["w1", "w2", "w3"], ["king", "queen"]) == pytest.approx(unit(m1) @ unit(m2), abs=1e-6)
    with pytest.raises(ZeroDivisionError):
        kv.n_similarity([], ["king"])
    group = ["w1", "w2", "w3", "king", "中文"]
    units = u[[kv.get_index(w) for w in group]]
    assert kv.doesnt_match(group) == group[int(np.argmin(units @ unit(units.mean(0))))]
    sims = u @ u[kv.get_index("w5")]
    assert kv.rank("w5", "w9") == 1 + sum(1 for i in range(V) if i != 4 + 1 and sims[i] > sims[9])
    assert kv.rank("w5", kv.most_similar("w5", topn=1)[0][0]) == 1
    np.testing.assert_allclose(KeyedVectors.cosine_similarities(kv["king"], kv.vectors), u @ u[V - 3], atol=1e-6)


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
def test_agrees_with_gensim(kv):
    gensim = pytest.importorskip("gensim", reason="gensim is the reference for query results")
    g = gensim.models.KeyedVectors(D)
    g.add_vectors(kv.index_to_key, kv.vectors)
    for pos, neg in [(["king"], []), (["king", "中文"], ["queen"]), (["w3", "w9"], ["w1", "w2"])]:
        for ours, theirs in [(kv.most_similar(pos, neg, topn=8), g.most_similar(pos, neg, topn=8)),
                             (kv.most_similar_cosmul(pos, neg, topn=8), g.most_similar_cosmul(pos, neg, topn=8))]:
            assert words_of(ours) == words_of(theirs)
            np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-6)
        np.testing.assert_allclose(kv.most_similar(pos, neg, topn=None), g.most_similar(pos, neg, topn=None),
                                   atol=1e-6)
    assert kv.most_similar("w8", restrict_vocab=100) == g.most_similar("w8", restrict_vocab=100)
    group = ["w1", "w2", "w3", "king", "中文", "w100"]
    assert kv.doesnt_match(group) == g.doesnt_match(group)
    assert kv.n_similarity(group[:3], group[3:]) == pytest.approx(float(g.n_similarity(group[:3], group[3:])),
                                                                  abs=1e-6)
    assert kv.similarity("king", "w4") == pytest.approx(float(g.similarity("king", "w4")), abs=1e-6)
    assert kv.rank("w5", "w9") == g.rank("w5", "w9")


# ---- evaluation hooks ---------------------------------------------------------------------------

def test_evaluation_methods_delegate(kv, monkeypatch):
    calls = {}
    fake = types.ModuleType("w2v.evaluation.evaluate")
    fake.evaluate_word_analogies = lambda k, a, **kw: calls.setdefault("analogies", (k, a, kw))
    fake.evaluate_word_pairs = lambda k, p, **kw: calls.setdefault("pairs", (k, p, kw))
    monkeypatch.setitem(sys.modules, "w2v.evaluation.evaluate", fake)
    import w2v
    monkeypatch.setattr(w2v, "evaluate", fake, raising=False)
    kv.evaluate_word_analogies("q.txt", restrict_vocab=10, method="mul")
    kv.evaluate_word_pairs("p.tsv", delimiter=",", dummy4unknown=True)
    assert calls["analogies"] == (kv, "q.txt", {"restrict_vocab": 10, "case_insensitive": True,
                                                "dummy4unknown": False, "method": "mul"})
    assert calls["pairs"] == (kv, "p.tsv", {"delimiter": ",", "restrict_vocab": 300000,
                                            "case_insensitive": True, "dummy4unknown": True})


# ---- files --------------------------------------------------------------------------------------

def test_native_round_trip(kv, tmp_path):
    p = tmp_path / "kv.npz"
    kv.save(p)
    back = KeyedVectors.load(p)
    assert back.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    np.testing.assert_array_equal(back.counts, kv.counts)
    assert back.get_vecattr("king", "count") == 3


def test_loads_a_model_file(kv, tmp_path):
    """Word2Vec.save writes kind "model" with the same array names plus its own."""
    p = tmp_path / "model.npz"
    blob, offsets = native.encode_words(kv.index_to_key)
    native.save_native(p, "model", {"anything": 1}, {
        "words_blob": blob, "words_offsets": offsets, "counts": kv.counts, "vectors": kv.vectors,
        "syn1neg": np.zeros_like(kv.vectors)})
    for back in (KeyedVectors.load(p), load_any(p)):
        assert back.index_to_key == kv.index_to_key
        np.testing.assert_array_equal(back.vectors, kv.vectors)


def test_native_errors(kv, tmp_path):
    blob, offsets = native.encode_words(["a", "b"])
    p = tmp_path / "bad.npz"
    native.save_native(p, "model", {}, {"words_blob": blob, "words_offsets": offsets})
    with pytest.raises(ValueError, match=r"bad\.npz: native file without vectors"):
        KeyedVectors.load(p)
    native.save_native(p, "model", {}, {"words_blob": blob, "words_offsets": offsets,
                                        "vectors": np.zeros((3, 2), np.float32)})
    with pytest.raises(ValueError, match=r"bad\.npz: 2 words but vectors of shape \(3, 2\)"):
        KeyedVectors.load(p)
    with pytest.raises(FileNotFoundError):
        KeyedVectors.load(tmp_path / "nope.npz")


@pytest.mark.parametrize("kind", ["native", "text", "binary", "text.gz"])
def test_load_any(kv, tmp_path, kind):
    p = tmp_path / f"vectors.{kind}"
    if kind == "native":
        kv.save(p)
    else:
        kv.save_word2vec_format(p, binary=kind == "binary")
    back = load_any(p)
    assert back.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(back.vectors, kv.vectors)


def test_load_any_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_any(tmp_path / "nope")
    (tmp_path / "junk").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="junk"):
        load_any(tmp_path / "junk")


def test_word2vec_methods(kv, tmp_path):
    p = tmp_path / "v.bin"
    kv.save_word2vec_format(p, binary=True)
    back = KeyedVectors.load_word2vec_format(p, limit=10)
    assert back.index_to_key == kv.index_to_key[:10]
    np.testing.assert_array_equal(back.vectors, kv.vectors[:10])


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64, np.uint64])
def test_topn_of_any_integer_type(dtype):
    """gensim's SparseTermSimilarityMatrix passes topn=np.uint8(...): with more than 255 words
    `topn + len(exclude)` overflowed (issue 26: the soft-cosine tutorial failed)."""
    rs = np.random.default_rng(0)
    kv = KeyedVectors([f"w{i}" for i in range(300)], rs.standard_normal((300, 8)).astype(np.float32))
    topn = dtype(5)
    expected = kv.most_similar("w1", topn=5)
    assert kv.most_similar("w1", topn=topn) == expected
    assert kv.similar_by_word("w1", topn=topn) == expected
    assert kv.most_similar_cosmul("w1", topn=topn) == kv.most_similar_cosmul("w1", topn=5)
    assert kv.most_similar_batch(["w1"], topn=topn) == [expected]
    assert len(kv.similar_by_vector(kv["w2"], topn=topn)) == 5


def test_spelling_suggestions_rank_by_edits_then_frequency():
    """Issue 26: 'musik' offered musk, musky, music (difflib's ratio favours the shorter word)."""
    words = ["the", "musky", "music", "of", "musk", "museum"]         # most frequent first
    kv = KeyedVectors(words, np.eye(len(words), dtype=np.float32))
    with pytest.raises(KeyError, match=r"did you mean 'music', 'musk', 'musky'\?"):
        kv["musik"]
    from w2v.models.keyedvectors import edit_distance
    assert [edit_distance("musik", w) for w in ("music", "musk", "musky", "musik")] == [1, 1, 2, 0]
    assert edit_distance("teh", "the") == 1 and edit_distance("", "abc") == 3
