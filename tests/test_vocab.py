"""Tests for w2v.corpus.vocab: trimming, subsampling, alias tables, Huffman tree, C vocabulary files."""
import heapq
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from w2v.corpus.vocab import RULE_DISCARD, RULE_KEEP, Vocab

counts_st = st.lists(st.integers(1, 1000), min_size=1, max_size=300)


def make(counts):
    return Vocab([f"w{i}" for i in range(len(counts))], counts)


# ---------------------------------------------------------------- build

def test_build_min_count_and_stable_descending_order():
    v = Vocab.build(["c", "a", "b", "d", "e"], [2, 5, 2, 1, 5], min_count=2)
    assert v.words == ["a", "e", "c", "b"]
    assert v.counts.dtype == np.int64 and v.counts.tolist() == [5, 5, 2, 2]
    assert v.word_to_index == {"a": 0, "e": 1, "c": 2, "b": 3}
    assert len(v) == 4 and "c" in v and "d" not in v and v.total_count == 14


def test_build_merges_repeated_words_at_first_position():
    v = Vocab.build(["x", "y", "x", "z"], [1, 2, 1, 2], min_count=1)
    assert v.words == ["x", "y", "z"] and v.counts.tolist() == [2, 2, 2]


def test_build_errors():
    with pytest.raises(ValueError, match=r"^the corpus is empty$"):
        Vocab.build([], [])
    with pytest.raises(ValueError, match=r"^the corpus is empty$"):
        Vocab.build(["a"], [0])
    with pytest.raises(ValueError, match=r"^no word reaches min_count=5 \(the most frequent word occurs 3 times\); "
                                         r"lower min_count$"):
        Vocab.build(["a", "b"], [3, 1])
    with pytest.raises(ValueError, match="2 words but 1 counts"):
        Vocab.build(["a", "b"], [3])
    with pytest.raises(ValueError, match="occurs twice"):
        Vocab(["a", "a"], [1, 1])
    with pytest.raises(ValueError, match=">= 0"):
        Vocab(["a"], [-1])


def test_trim_rule():
    def rule(word, count, min_count):
        return RULE_KEEP if word == "rare" else RULE_DISCARD if word == "the" else 0
    v = Vocab.build(["the", "cat", "rare", "dog"], [100, 10, 1, 2], min_count=5, trim_rule=rule)
    assert v.words == ["cat", "rare"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=1, max_size=60), st.integers(1, 70), st.integers(1, 5))
def test_max_final_vocab_matches_gensim(counts, max_final_vocab, min_count):
    Word2Vec = pytest.importorskip("gensim.models").Word2Vec       # gensim is only the oracle
    words = [f"w{i}" for i in range(len(counts))]
    if max(counts) < min_count:
        return
    model = Word2Vec(min_count=min_count, max_final_vocab=max_final_vocab)
    model.build_vocab_from_freq(dict(zip(words, counts)))
    try:
        v = Vocab.build(words, counts, min_count=min_count, max_final_vocab=max_final_vocab)
    except ValueError:
        assert len(model.wv) == 0
        return
    assert len(v) <= max_final_vocab
    assert {w: model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key} == dict(zip(v.words, v.counts.tolist()))
    assert np.all(np.diff(v.counts) <= 0)


# ---------------------------------------------------------------- subsampling

def zipf_counts():
    counts = np.random.default_rng(0).zipf(1.5, size=400).clip(1, 10 ** 6)
    return [f"w{i}" for i in range(len(counts))], counts


def test_keep_probabilities_formula():
    words, counts = zipf_counts()
    v = Vocab.build(words, counts, min_count=1)
    for sample in (1e-3, 1e-5):
        p = v.keep_probabilities(sample)
        assert p.dtype == np.float32 and p.shape == (len(v),)
        t = sample * v.counts.sum()
        c = v.counts.astype(float)
        np.testing.assert_allclose(p, np.minimum((np.sqrt(c / t) + 1) * t / c, 1), rtol=1e-6)
    assert np.all(v.keep_probabilities(0.0) == 1)
    with pytest.raises(ValueError):
        make([1]).keep_probabilities(-1)


def test_keep_probabilities_match_gensim():
    Word2Vec = pytest.importorskip("gensim.models").Word2Vec       # gensim is only the oracle
    words, counts = zipf_counts()
    v = Vocab.build(words, counts, min_count=1)
    for sample in (1e-3, 1e-5):
        model = Word2Vec(min_count=1, sample=sample)
        model.build_vocab_from_freq(dict(zip(words, counts.tolist())))
        gensim_p = np.array([model.wv.get_vecattr(w, "sample_int") for w in v.words]) / (2 ** 32 - 1)
        np.testing.assert_allclose(v.keep_probabilities(sample), gensim_p, rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- noise distribution

def implied_distribution(prob, alias):
    """Exact distribution of the alias method: P(i) = (prob[i] + sum over k aliasing to i of 1 - prob[k]) / V."""
    v = len(prob)
    p = prob.astype(np.float64).copy()
    np.add.at(p, alias, 1.0 - prob.astype(np.float64))
    return p / v


@settings(max_examples=40, deadline=None)
@given(counts_st, st.sampled_from([0.75, 1.0, 0.0, -0.5, 2.0]))
def test_alias_tables_encode_the_target_distribution(counts, exponent):
    prob, alias = make(counts).noise_distribution(exponent)
    assert prob.dtype == np.float32 and alias.dtype == np.int32
    assert np.all((prob >= 0) & (prob <= 1)) and np.all((alias >= 0) & (alias < len(counts)))
    target = np.asarray(counts, float) ** exponent
    np.testing.assert_allclose(implied_distribution(prob, alias), target / target.sum(), atol=1e-6)


def test_alias_sampling_empirically_matches_count_power():
    counts = np.array([1000, 500, 200, 80, 40, 20, 10, 5, 2, 1, 1, 1])
    prob, alias = make(counts).noise_distribution(0.75)
    rng = np.random.default_rng(42)
    n = 1_000_000
    k = (rng.random(n) * len(counts)).astype(np.int64)
    draws = np.where(rng.random(n) < prob[k], k, alias[k])
    target = counts ** 0.75 / (counts ** 0.75).sum()
    observed = np.bincount(draws, minlength=len(counts))
    chi2 = ((observed - n * target) ** 2 / (n * target)).sum()
    assert chi2 < 40            # 11 degrees of freedom: p < 1e-4 of failing by chance
    assert np.abs(observed / n - target).max() < 3e-3


def test_noise_skips_zero_counts_and_rejects_empty():
    prob, alias = Vocab(["a", "b", "c"], [4, 0, 1]).noise_distribution(-1.0)
    assert implied_distribution(prob, alias)[1] == 0
    with pytest.raises(ValueError):
        Vocab([], []).noise_distribution()
    with pytest.raises(ValueError):
        Vocab(["a"], [0]).noise_distribution()


# ---------------------------------------------------------------- huffman

def optimal_cost(counts):
    heap = list(counts)
    heapq.heapify(heap)
    cost = 0
    while len(heap) > 1:
        a, b = heapq.heappop(heap), heapq.heappop(heap)
        cost += a + b
        heapq.heappush(heap, a + b)
    return cost


def check_tree(counts, codes, points, lengths):
    v = len(counts)
    assert codes.dtype == np.uint8 and points.dtype == np.int32 and lengths.dtype == np.int32
    assert codes.shape == points.shape == (v, lengths.max())
    strings = ["".join(map(str, codes[w, :lengths[w]])) for w in range(v)]
    assert len(set(strings)) == v
    ordered = sorted(strings)
    assert not any(b.startswith(a) for a, b in zip(ordered, ordered[1:]))        # prefix-free
    assert sum(2.0 ** -n for n in lengths) == pytest.approx(1.0, abs=1e-12)        # Kraft equality: full tree
    assert int((np.asarray(counts) * lengths).sum()) == optimal_cost(counts)       # optimal
    # points: root first (V-2), every inner node 0..V-2 used, one inner node per (code prefix)
    node_of = {}
    for w in range(v):
        assert points[w, 0] == v - 2
        for d in range(lengths[w]):
            prefix = strings[w][:d]
            assert node_of.setdefault(prefix, points[w, d]) == points[w, d]
    assert sorted(node_of.values()) == list(range(v - 1))


@settings(max_examples=60, deadline=None)
@given(counts_st.filter(lambda c: len(c) >= 2))
def test_huffman_is_an_optimal_prefix_code(counts):
    v = Vocab.build([f"w{i}" for i in range(len(counts))], counts, min_count=1)
    check_tree(v.counts, *v.huffman())


@settings(max_examples=30, deadline=None)
@given(counts_st.filter(lambda c: len(c) >= 2))
def test_huffman_on_unsorted_vocab_equals_sorted_one(counts):
    words = [f"w{i}" for i in range(len(counts))]
    unsorted = Vocab(words, counts)
    codes, points, lengths = unsorted.huffman()
    check_tree(unsorted.counts, codes, points, lengths)
    ordered = Vocab.build(words, counts, min_count=1)
    c2, p2, l2 = ordered.huffman()
    idx = [ordered.word_to_index[w] for w in words]
    assert np.array_equal(codes, c2[idx]) and np.array_equal(points, p2[idx]) and np.array_equal(lengths, l2[idx])


def test_huffman_small_cases():
    codes, points, lengths = make([7]).huffman()
    assert codes.shape == (1, 0) and points.shape == (1, 0) and lengths.tolist() == [0]
    codes, points, lengths = make([5, 3]).huffman()
    assert lengths.tolist() == [1, 1] and codes[:, 0].tolist() == [1, 0] and points[:, 0].tolist() == [0, 0]
    codes, points, lengths = make([4, 2, 1]).huffman()            # by hand, following the C tool
    assert lengths.tolist() == [1, 2, 2]
    assert codes.tolist() == [[1, 0], [0, 1], [0, 0]] and points.tolist() == [[1, 0], [1, 0], [1, 0]]
    with pytest.raises(ValueError):
        Vocab([], []).huffman()


# ---------------------------------------------------------------- C vocabulary format

def test_save_and_load_c_round_trip(tmp_path):
    v = Vocab(["the", "naïve", "北京", "</s>"], [10, 3, 3, 0])
    p = tmp_path / "vocab.txt"
    v.save_c(p)
    assert p.read_bytes() == "the 10\nnaïve 3\n北京 3\n</s> 0\n".encode("utf-8")
    w = Vocab.load_c(p)
    assert w.words == v.words and w.counts.tolist() == v.counts.tolist()
    assert os.listdir(tmp_path) == ["vocab.txt"]
    p.write_bytes(b"\xef\xbb\xbfa 2\r\nb 1\r\n")
    assert Vocab.load_c(p).words == ["a", "b"]


@pytest.mark.parametrize("content, message", [
    (b"a 1\nb\n", "line 2: expected 'word count'"),
    (b"a 1\nb x\n", "line 2: the count 'x' is not a whole number"),
    (b"a 1\nb -2\n", "line 2: negative count"),
    (b"a 1\nb 2\na 3\n", "line 3: the word 'a' occurs twice"),
    (b"a 1\n\xff 2\n", "line 2: invalid utf-8 byte 0xff"),
])
def test_load_c_errors_name_file_and_line(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ValueError, match=f"bad.txt: {message}"):
        Vocab.load_c(p)


def test_save_c_rejects_unwritable_words(tmp_path):
    for word in ("two words", "", "tab\there"):
        with pytest.raises(ValueError, match="cannot be written"):
            Vocab([word], [1]).save_c(tmp_path / "v.txt")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- grow

def test_grow_keeps_ids_adds_counts_and_appends_new_words():
    v = Vocab(["a", "b", "c"], [10, 5, 2])
    g, new = v.grow(["d", "b", "e", "f", "d", "a"], [1, 3, 7, 4, 2, 1], min_count=3)
    assert g.words == ["a", "b", "c", "e", "f", "d"]
    assert g.counts.tolist() == [11, 8, 2, 7, 4, 3]
    assert new.tolist() == [3, 4, 5]
    assert v.words == ["a", "b", "c"] and v.counts.tolist() == [10, 5, 2]          # unchanged
    check_tree(g.counts, *g.huffman())
    g2, new2 = v.grow(["z"], [1], min_count=5)
    assert g2.words == v.words and new2.tolist() == []


def test_huffman_ties_merge_a_leaf_before_an_inner_node():
    """gensim's tie rule: with counts 2, 1, 1, 1 the leaf of count 2 pairs with a leaf, giving
    four codes of length 2; the C tool's rule (inner node first) gives lengths 1, 2, 3, 3. Both
    cost 10, but the leaf-first tree trained better CBOW-HS vectors on en-dict."""
    codes, points, lengths = Vocab(["a", "b", "c", "d"], [2, 1, 1, 1]).huffman()
    assert lengths.tolist() == [2, 2, 2, 2]
