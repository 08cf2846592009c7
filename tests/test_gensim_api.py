"""gensim's Word2Vec and KeyedVectors API on w2v: each item of the drop-in list, checked for its
behaviour and, where gensim is installed, against gensim's own answer on the same input."""
import mmap
import os
import subprocess
import sys

import numpy as np
import pytest

import w2v
from w2v import CallbackAny2Vec, KeyedVectors, Word2Vec
from w2v.vectors import native
from w2v.vectors.formats import TruncatedFileError

SENTENCES = [["human", "interface", "computer"], ["survey", "user", "computer", "system", "response", "time"],
             ["eps", "user", "interface", "system"], ["system", "human", "system", "eps"],
             ["user", "response", "time"], ["trees"], ["graph", "trees"], ["graph", "minors", "trees"],
             ["graph", "minors", "survey"]]      # gensim's common_texts
QUIET = dict(progress=False, workers=1, seed=1)


def corpus(n=300, seed=0):
    rng = np.random.default_rng(seed)
    topics = [[f"t{t}w{i}" for i in range(8)] for t in range(4)]
    return [list(rng.choice(topics[rng.integers(4)], 6)) for _ in range(n)]


@pytest.fixture
def gensim():
    return pytest.importorskip("gensim")


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(40)]
    return KeyedVectors(words, rng.standard_normal((40, 6)).astype(np.float32), counts=np.arange(40, 0, -1))


def gensim_kv(gensim, kv):
    g = gensim.models.KeyedVectors(kv.vector_size, len(kv))
    for w in kv.index_to_key:
        g.add_vector(w, kv[w])
    return g


# ---- Word2Vec: the tutorial idiom, corpus counts, vocabulary steps ----------------------------

def test_tutorial_idiom_runs_unchanged():
    model = Word2Vec(vector_size=16, window=5, min_count=1, **QUIET)
    model.build_vocab(SENTENCES)
    assert (model.corpus_count, model.corpus_total_words) == (9, 29)
    words, tokens = model.train(SENTENCES, total_examples=model.corpus_count, epochs=model.epochs)
    assert tokens == 29 * 5 and len(model.training_log) == 5


def test_train_checks_arguments_as_gensim():
    model = Word2Vec(vector_size=8, min_count=1, **QUIET)
    with pytest.raises(RuntimeError, match="build the vocabulary"):
        model.train(SENTENCES, total_examples=9, epochs=1)
    model.build_vocab(SENTENCES)
    with pytest.raises(ValueError, match="total_examples or total_words"):
        model.train(SENTENCES, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        model.train(SENTENCES, total_examples=9)
    model.train(SENTENCES, None, None, 29, 1)          # gensim's positional order: total_words 4th
    with pytest.raises(RuntimeError):
        Word2Vec([], **QUIET)


def test_scan_and_prepare_vocab_report_as_gensim(gensim):
    ours = Word2Vec(vector_size=10, max_final_vocab=4, min_count=2, sample=0, **QUIET)
    theirs = gensim.models.Word2Vec(vector_size=10, max_final_vocab=4, min_count=2, sample=0)
    assert ours.scan_vocab(SENTENCES) == theirs.scan_vocab(SENTENCES)
    mine, report = ours.prepare_vocab(), theirs.prepare_vocab()
    assert mine == report and ours.effective_min_count == theirs.effective_min_count == 3
    assert sorted(ours.vocab.words) == sorted(theirs.wv.index_to_key)


def test_build_vocab_positional_order_and_dry_run():
    model = Word2Vec(vector_size=8, min_count=1, **QUIET)
    report = model.build_vocab(SENTENCES, None, False, 10000, False, None, dry_run=True)
    assert report["num_retained_words"] == 12 and model.vocab is None
    model.build_vocab(SENTENCES, None, False, 10000, False, lambda w, c, m: w2v.RULE_DISCARD if w == "eps"
                      else w2v.RULE_DEFAULT)
    assert "eps" not in model.wv and len(model.wv) == 11


def test_trim_rule_values():
    def rule(word, count, min_count):
        return {"trees": w2v.RULE_KEEP, "human": w2v.RULE_DISCARD}.get(word, w2v.RULE_DEFAULT)
    model = Word2Vec(SENTENCES, min_count=3, trim_rule=rule, vector_size=8, **QUIET)
    assert "trees" in model.wv and "human" not in model.wv and "graph" in model.wv and "eps" not in model.wv
    assert (w2v.RULE_DEFAULT, w2v.RULE_DISCARD, w2v.RULE_KEEP) == (0, 1, 2)


def test_build_vocab_from_freq_sets_corpus_counts():
    model = Word2Vec(vector_size=8, min_count=1, **QUIET)
    model.build_vocab_from_freq({"a": 3, "b": 5}, corpus_count=7)
    assert model.wv.index_to_key == ["b", "a"] and (model.corpus_count, model.corpus_total_words) == (7, 8)


def test_sorted_vocab_null_word_hashfxn():
    model = Word2Vec(SENTENCES, min_count=1, sorted_vocab=0, vector_size=8, **QUIET)
    assert model.wv.index_to_key[:4] == ["human", "interface", "computer", "survey"]
    with pytest.raises(ValueError, match="null_word"):
        Word2Vec(null_word=1)
    with pytest.raises(ValueError, match="hashfxn"):
        Word2Vec(hashfxn=lambda s: 0)
    assert Word2Vec(hashfxn=hash).config.hashfxn is None


def test_hyperparameters_set_on_the_model_reach_training():
    model = Word2Vec(SENTENCES, min_count=1, vector_size=8, **QUIET)
    model.alpha, model.min_alpha = 0.01, 0.01
    model.train(SENTENCES, total_examples=9, epochs=1)
    assert model.config.alpha == 0.01 and model.training_log[-1]["alpha"] == pytest.approx(0.01)


def test_reset_from():
    model = Word2Vec(SENTENCES, min_count=1, vector_size=8, **QUIET)
    other = Word2Vec([["x", "y"], ["y", "z"]], min_count=1, vector_size=8, **QUIET)
    model.reset_from(other)
    assert model.wv.key_to_index == other.wv.key_to_index and model.corpus_count == 2
    assert model.syn1neg.shape == (3, 8) and not model.syn1neg.any()


# ---- loss, callbacks --------------------------------------------------------------------------

def test_compute_loss_is_gensims_running_sum():
    model = Word2Vec(corpus(), vector_size=16, min_count=1, **QUIET)
    assert model.get_latest_training_loss() == 0.0              # compute_loss=False, as gensim
    model.train(corpus(), total_examples=300, epochs=2, compute_loss=True)
    expected = sum(e["loss"] * e["examples"] for e in model.training_log[-2:])
    assert model.get_latest_training_loss() == pytest.approx(expected) and expected > 0


def test_compute_loss_magnitude_matches_gensim(gensim):
    kwargs = dict(vector_size=20, min_count=1, sg=1, negative=5, window=3, epochs=3, seed=1, workers=1,
                  compute_loss=True)
    ours = Word2Vec(corpus(), progress=False, **kwargs).get_latest_training_loss()
    theirs = gensim.models.Word2Vec(corpus(), **kwargs).get_latest_training_loss()
    # Different random draws, and gensim leaves saturated units (|f| >= 6) out of its sum: close, not equal.
    assert 0.8 < ours / theirs < 1.25


def test_callbacks_protocol():
    calls = []

    class Recorder(CallbackAny2Vec):
        def on_train_begin(self, model):
            calls.append("train_begin")

        def on_epoch_begin(self, model):
            calls.append("epoch_begin")

        def on_epoch_end(self, model):
            calls.append(("epoch_end", model.get_latest_training_loss()))

        def on_train_end(self, model):
            calls.append("train_end")

    model = Word2Vec(corpus(), vector_size=8, min_count=1, epochs=2, **QUIET)
    model.train(corpus(), total_examples=300, epochs=2, compute_loss=True, callbacks=[Recorder()])
    assert calls[0] == "train_begin" and calls[-1] == "train_end" and calls[1] == calls[3] == "epoch_begin"
    first, second = calls[2][1], calls[4][1]
    assert 0 < first < second == pytest.approx(model.get_latest_training_loss())


# ---- prediction and scoring, against gensim on the same weights --------------------------------

def test_predict_output_word_matches_gensim(gensim):
    theirs = gensim.models.Word2Vec(corpus(), vector_size=12, min_count=1, seed=1, workers=1)
    ours = Word2Vec.from_gensim(theirs)
    for context in (["t0w1", "t0w2"], ["t1w3"], [ours.wv.get_index("t2w2"), "t2w5", "unknown"]):
        got, want = ours.predict_output_word(context, topn=5), theirs.predict_output_word(context, topn=5)
        assert [w for w, _ in got] == [w for w, _ in want]
        np.testing.assert_allclose([p for _, p in got], [p for _, p in want], rtol=1e-4)
    assert ours.predict_output_word(["nope"]) is None
    with pytest.raises(RuntimeError, match="negative"):
        Word2Vec(SENTENCES, min_count=1, hs=1, negative=0, **QUIET).predict_output_word(["human"])
    bare = Word2Vec()
    bare.wv = ours.wv
    with pytest.raises(RuntimeError, match="syn1neg"):
        bare.predict_output_word(["t0w1"])


@pytest.mark.parametrize("sg", [1, 0])
def test_score_matches_gensim(gensim, sg):
    rng = np.random.default_rng(1)        # counts without ties: both libraries build the same tree
    words = [f"w{i}" for i in range(12)]
    text = [w for i, w in enumerate(words) for _ in range(2 ** i % 97 + i)]
    sentences = [list(rng.permutation(text)[:10]) for _ in range(60)]
    theirs = gensim.models.Word2Vec(sentences, vector_size=10, min_count=1, hs=1, negative=0, sg=sg,
                                    seed=1, workers=1)
    ours = Word2Vec.from_gensim(theirs)
    assert np.array_equal(ours.syn1, theirs.syn1)              # the trees agreed, so syn1 was copied
    got, want = ours.score(sentences[:5], 5), theirs.score(sentences[:5], 5)
    # gensim reads log sigmoid from a 1000-bin table at each bin's lower edge: about 2 % lower
    np.testing.assert_allclose(got, want, rtol=0.03)
    assert (got > want).all()
    assert got.dtype == np.float32 and len(ours.score(sentences, 3)) == 3
    with pytest.raises(RuntimeError, match="hs=1"):
        Word2Vec(SENTENCES, min_count=1, **QUIET).score(SENTENCES)


# ---- locking ----------------------------------------------------------------------------------

@pytest.mark.parametrize("settings", [dict(sg=1), dict(sg=1, hs=1, negative=0), dict(sg=0), dict(sg=0, hs=1)])
def test_vectors_lockf_freezes_rows(settings):
    model = Word2Vec(vector_size=8, min_count=1, **settings, **QUIET)
    model.build_vocab(corpus())
    before = model.wv.vectors.copy()
    model.wv.vectors_lockf = np.ones(len(model.wv), dtype=np.float32)
    model.wv.vectors_lockf[:3] = 0.0
    model.train(corpus(), total_examples=300, epochs=1)
    assert np.array_equal(model.wv.vectors[:3], before[:3])
    assert not np.array_equal(model.wv.vectors[3:], before[3:])


def test_intersect_word2vec_format_starts_from_pretrained_and_locks(tmp_path):
    model = Word2Vec(vector_size=4, min_count=1, **QUIET)
    model.build_vocab(corpus())
    pretrained = KeyedVectors(["t0w0", "t1w1", "absent"], np.full((3, 4), 0.5, np.float32))
    pretrained.save_word2vec_format(tmp_path / "pre.txt")
    assert model.wv.intersect_word2vec_format(tmp_path / "pre.txt", lockf=0.0) == 2
    model.train(corpus(), total_examples=300, epochs=1)
    assert (model.wv["t0w0"] == 0.5).all() and (model.wv["t1w1"] == 0.5).all()
    assert not (model.wv["t2w2"] == 0.5).all()
    with pytest.raises(ValueError, match="dimensions"):
        KeyedVectors(["a"], np.ones((1, 3), np.float32)).intersect_word2vec_format(tmp_path / "pre.txt")


# ---- saving and loading -----------------------------------------------------------------------

def mapped(array):
    """True when ``array`` is a view of a memory-mapped file."""
    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


def test_model_save_load_mmap(tmp_path):
    model = Word2Vec(corpus(), vector_size=8, min_count=1, hs=1, **QUIET)
    path = tmp_path / "m.w2v"
    model.save(path, separately=None, sep_limit=0, ignore=frozenset(["x"]), pickle_protocol=4)
    for mode in (None, "r", "c"):
        loaded = Word2Vec.load(path, mmap=mode)
        assert mapped(loaded.wv.vectors) == (mode is not None)
        np.testing.assert_array_equal(loaded.wv.vectors, model.wv.vectors)
        np.testing.assert_array_equal(loaded.syn1, model.syn1)
        assert loaded.corpus_count == 300 and loaded.wv.most_similar("t0w0") == model.wv.most_similar("t0w0")
    with pytest.raises(ValueError, match="mmap='r'"):
        Word2Vec.load(path, mmap="r").train(corpus(), total_examples=300, epochs=1)
    Word2Vec.load(path, mmap="c").train(corpus(), total_examples=300, epochs=1)
    np.testing.assert_array_equal(Word2Vec.load(path).wv.vectors, model.wv.vectors)   # copy on write
    with pytest.raises(AttributeError, match="called on the class"):
        model.load(path)


def test_keyedvectors_mmap_is_aligned_and_keeps_norms(tmp_path, kv):
    path = tmp_path / "kv.w2v"
    kv.save(path)
    loaded = KeyedVectors.load(path, mmap="r")
    assert mapped(loaded.vectors) and not loaded.vectors.flags.writeable
    assert mapped(loaded.norms)                                 # stored: not recomputed per query
    np.testing.assert_allclose(loaded.norms, np.linalg.norm(kv.vectors, axis=1), rtol=1e-6)
    _, arrays = native.load_native(path, mmap="r")
    assert all(a.offset % native.ALIGN == 0 for a in arrays.values() if isinstance(a, np.memmap))
    assert loaded.most_similar("w1") == kv.most_similar("w1")
    with pytest.raises(ValueError, match="holds a 'keyedvectors'") as e:
        Word2Vec.load(path)
    assert isinstance(e.value, AttributeError)                  # what gensim raises there


def test_version_1_files_still_load(tmp_path, kv):
    import json
    blob, offsets = native.encode_words(kv.index_to_key)
    header = {"format": native.FORMAT_NAME, "version": 1, "kind": "keyedvectors", "meta": {}}
    np.savez(tmp_path / "old.npz", __header__=np.frombuffer(json.dumps(header).encode(), np.uint8),
             words_blob=blob, words_offsets=offsets, counts=kv.counts, vectors=kv.vectors)
    for mode in (None, "r"):
        old = KeyedVectors.load(tmp_path / "old.npz", mmap=mode)
        np.testing.assert_array_equal(old.vectors, kv.vectors)


def test_gensim_reads_our_files_and_we_refuse_its_pickles(tmp_path, gensim, kv):
    g = gensim_kv(gensim, kv)
    g.save(str(tmp_path / "g.kv"))
    with pytest.raises(ValueError, match="w2v convert --from-gensim"):
        KeyedVectors.load(tmp_path / "g.kv")


# ---- word2vec formats in gensim's positional order ----------------------------------------------

def test_word2vec_format_positional_fvocab(tmp_path, gensim, kv):
    kv.save_word2vec_format(tmp_path / "v.bin", tmp_path / "vocab.txt", True)
    ours = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", tmp_path / "vocab.txt", True)
    theirs = gensim.models.KeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), str(tmp_path / "vocab.txt"),
                                                             True)
    assert ours.index_to_key == theirs.index_to_key
    assert [ours.get_vecattr(w, "count") for w in ours.index_to_key] == \
           [theirs.get_vecattr(w, "count") for w in theirs.index_to_key] == list(range(40, 0, -1))
    plain = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", binary=True)
    assert plain.get_vecattr("w0", "count") == 40 and plain.get_vecattr("w39", "count") == 1   # gensim's V - i
    half = KeyedVectors.load_word2vec_format(tmp_path / "v.bin", binary=True, datatype=np.float16)
    assert half.vectors.dtype == np.float16 and half.vectors.nbytes * 2 == plain.vectors.nbytes


def test_save_word2vec_format_sorts_prefixes_appends(tmp_path):
    kv = KeyedVectors(["rare", "common"], np.eye(2, dtype=np.float32), counts=[1, 9])
    kv.save_word2vec_format(tmp_path / "v.txt", prefix="p_")
    assert open(tmp_path / "v.txt").read().split("\n")[1:3] == ["p_common 0.0 1.0", "p_rare 1.0 0.0"]
    kv.save_word2vec_format(tmp_path / "w.txt", total_vec=4)
    kv.save_word2vec_format(tmp_path / "w.txt", write_header=False, prefix="x_", append=True)
    both = KeyedVectors.load_word2vec_format(tmp_path / "w.txt")
    assert both.index_to_key == ["common", "rare", "x_common", "x_rare"]


def test_word2vec_format_errors_are_gensims_types_too(tmp_path, kv):
    kv.save_word2vec_format(tmp_path / "v.txt")
    data = open(tmp_path / "v.txt", "rb").read()
    open(tmp_path / "v.txt", "wb").write(b"99" + data[2:])
    with pytest.raises(TruncatedFileError) as e:
        KeyedVectors.load_word2vec_format(tmp_path / "v.txt")
    assert isinstance(e.value, EOFError) and isinstance(e.value, ValueError) and "v.txt" in str(e.value)
    open(tmp_path / "u.txt", "wb").write(b"1 2\n\xff\xfe 1 2\n")
    with pytest.raises(UnicodeDecodeError, match="u.txt: line 2"):
        KeyedVectors.load_word2vec_format(tmp_path / "u.txt")


# ---- KeyedVectors -----------------------------------------------------------------------------

def test_gensim_constructor_and_adding():
    kv = KeyedVectors(3, 2)                                     # gensim: vector_size, count
    assert kv.vectors.shape == (2, 3) and len(kv) == 2
    assert kv.add_vector("a", [1, 2, 3]) == 0 and kv.add_vector("b", [0, 0, 1]) == 1
    assert kv.add_vector("c", [1, 1, 1]) == 2 and kv.index_to_key == ["a", "b", "c"]
    kv.add_vectors(["a", "d"], [[9, 9, 9], [4, 4, 4]])
    assert kv["a"].tolist() == [1, 2, 3] and kv["d"].tolist() == [4, 4, 4]
    kv.add_vectors(["a"], [[9, 9, 9]], replace=True)
    kv["e"] = [5, 5, 5]
    kv[["a", "f"]] = [[7, 7, 7], [6, 6, 6]]
    assert kv["a"].tolist() == [7, 7, 7] and kv.index_to_key == ["a", "b", "c", "d", "e", "f"]
    assert KeyedVectors(vector_size=2, dtype=np.float16).vectors.dtype == np.float16
    kv.add_vectors(["g"], [[1, 1, 1]], extras={"count": [5]})
    assert kv.get_vecattr("g", "count") == 5
    kv.set_vecattr("g", "flag", 3)
    assert kv.get_vecattr("g", "flag") == 3 and kv.expandos["flag"][0] == 0


def test_vectors_for_all(kv):
    sub = kv.vectors_for_all(["w3", "nope", "w1", "w3"], copy_vecattrs=True)
    assert sub.index_to_key == ["w3", "w1"] and sub.get_vecattr("w3", "count") == 37
    assert kv.vectors_for_all(["w3"]).get_vecattr("w3", "count") == 0


def test_queries_match_gensim(gensim, kv):
    g = gensim_kv(gensim, kv)
    keys = ["w1", "w2", "nope", "w5"]
    for args in (dict(), dict(weights=[1, 2, 3, 4]), dict(pre_normalize=False), dict(post_normalize=True)):
        np.testing.assert_allclose(kv.get_mean_vector(keys, **args), g.get_mean_vector(keys, **args), rtol=1e-5)
    assert sorted(kv.closer_than("w1", "w7")) == sorted(g.closer_than("w1", "w7"))
    assert kv.most_similar_to_given("w1", ["w2", "w3", "w9"]) == g.most_similar_to_given("w1", ["w2", "w3", "w9"])
    assert kv.relative_cosine_similarity("w1", "w2", 5) == pytest.approx(g.relative_cosine_similarity("w1", "w2", 5),
                                                                          rel=1e-5)
    ours, theirs = kv.rank_by_centrality(["w1", "w2", "w3", "nope"]), g.rank_by_centrality(["w1", "w2", "w3"])
    assert [w for _, w in ours] == [w for _, w in theirs]
    np.testing.assert_allclose(kv.distances("w4", ["w1", "w2"]), g.distances("w4", ["w1", "w2"]), rtol=1e-5)
    block = kv.vectors[:3]
    assert [w for w, _ in kv.most_similar(positive=block, topn=4)] == \
           [w for w, _ in g.most_similar(positive=block, topn=4)]
    assert kv.distance("w3", "w3") == 0 and kv.similarity("w3", "w3") == 1


def test_wmdistance_matches_gensim(gensim, kv):
    pytest.importorskip("ot")
    g = gensim_kv(gensim, kv)
    for d1, d2 in ((["w1", "w2"], ["w3", "w4", "w4"]), (["w1", "nope"], ["w1"]), (["nope"], ["w1"])):
        assert kv.wmdistance(d1, d2) == pytest.approx(g.wmdistance(d1, d2), rel=1e-6)


def test_wmdistance_without_pot_names_the_extra(kv, monkeypatch):
    monkeypatch.setitem(sys.modules, "ot", None)
    with pytest.raises(ImportError, match=r"pip install '\.\[wmd\]'"):
        kv.wmdistance(["w1"], ["w2"])


def test_norms_and_normalising(kv):
    copy = KeyedVectors(list(kv.index_to_key), kv.vectors.copy())
    copy.fill_norms()
    np.testing.assert_allclose(copy.get_normed_vectors(), kv.vectors / np.linalg.norm(kv.vectors, axis=1)[:, None],
                               rtol=1e-6)
    copy.unit_normalize_all()
    np.testing.assert_allclose(np.linalg.norm(copy.vectors, axis=1), 1, rtol=1e-6)


def test_hs_model_has_code_and_point(gensim):
    model = Word2Vec(SENTENCES, min_count=1, hs=1, negative=0, vector_size=8, **QUIET)
    codes, points, lengths = model.vocab.huffman()
    i = model.wv.get_index("system")
    assert model.wv.get_vecattr("system", "code").tolist() == codes[i, :lengths[i]].tolist()
    assert model.wv.get_vecattr("system", "point").tolist() == points[i, :lengths[i]].tolist()


def test_evaluations_take_gensims_arguments(gensim, kv, tmp_path):
    g = gensim_kv(gensim, kv)
    (tmp_path / "pairs.tsv").write_text("w1\tw2\t3.0\nw1\tw3\t1.0\nw4\tnope\t2.0\nw2\tw5\t5.0\n")
    for dummy in (False, True):
        ours = kv.evaluate_word_pairs(tmp_path / "pairs.tsv", dummy4unknown=dummy)
        theirs = g.evaluate_word_pairs(str(tmp_path / "pairs.tsv"), dummy4unknown=dummy)
        assert ours[0][0] == pytest.approx(theirs[0][0]) and ours[1][0] == pytest.approx(theirs[1][0])
        assert ours[2] == pytest.approx(theirs[2])
    (tmp_path / "q.txt").write_text(": s\nw1 w2 w3 w4\nw5 w6 w7 w8\n")
    add = kv.evaluate_word_analogies(tmp_path / "q.txt", similarity_function="most_similar")
    mul = kv.evaluate_word_analogies(tmp_path / "q.txt", similarity_function="most_similar_cosmul")
    assert add[0] == kv.evaluate_word_analogies(tmp_path / "q.txt", method="add")[0]
    assert mul[0] == kv.evaluate_word_analogies(tmp_path / "q.txt", method="mul")[0]
    with pytest.raises(ValueError, match="similarity_function"):
        kv.evaluate_word_analogies(tmp_path / "q.txt", similarity_function="nope")


# ---- coming from gensim -----------------------------------------------------------------------

def test_from_gensim_objects(gensim):
    theirs = gensim.models.Word2Vec(corpus(), vector_size=12, min_count=1, seed=1, workers=1, sg=1)
    ours = Word2Vec.from_gensim(theirs)
    assert ours.wv.index_to_key == theirs.wv.index_to_key and ours.config.sg == 1
    np.testing.assert_array_equal(ours.wv.vectors, theirs.wv.vectors)
    np.testing.assert_array_equal(ours.syn1neg, theirs.syn1neg)
    assert ours.wv.get_vecattr("t0w0", "count") == theirs.wv.get_vecattr("t0w0", "count")
    ours.train(corpus(), total_examples=300, epochs=1)
    kv = KeyedVectors.from_gensim(theirs.wv)
    mine, gensims = kv.most_similar("t0w0", topn=3), theirs.wv.most_similar("t0w0", topn=3)
    assert [str(w) for w, _ in mine] == [str(w) for w, _ in gensims]
    assert [s for _, s in mine] == pytest.approx([s for _, s in gensims])
    with pytest.raises(TypeError, match="gensim"):
        KeyedVectors.from_gensim(object())


def test_from_gensim_imports_no_gensim():
    code = ("import sys, numpy as np\nfrom w2v import KeyedVectors\n"
            "class G:\n    index_to_key = ['a']\n    vectors = np.ones((1, 2), np.float32)\n"
            "KeyedVectors.from_gensim(G())\nassert 'gensim' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))


def test_cli_convert_from_gensim(gensim, tmp_path, capsys):
    from w2v.cli import main
    theirs = gensim.models.Word2Vec(corpus(), vector_size=8, min_count=1, seed=1, workers=1)
    theirs.save(str(tmp_path / "g.model"))
    assert main(["convert", "--from-gensim", str(tmp_path / "g.model"), str(tmp_path / "m.w2v")]) == 0
    model = Word2Vec.load(tmp_path / "m.w2v")
    np.testing.assert_array_equal(model.syn1neg, theirs.syn1neg)
    assert main(["convert", "--from-gensim", str(tmp_path / "g.model"), str(tmp_path / "v.txt")]) == 0
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.txt").index_to_key == theirs.wv.index_to_key
    (tmp_path / "not.txt").write_text("2 2\na 1 2\n")
    assert main(["convert", "--from-gensim", str(tmp_path / "not.txt"), str(tmp_path / "x.txt")]) == 2
    assert "gensim could not load it" in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["cut", "local-header", "npy-header", "grown-shape"])
def test_damaged_files_fail_clearly_when_mapped(tmp_path, kv, damage):
    path = tmp_path / "kv.w2v"
    kv.save(path)
    data = bytearray(path.read_bytes())
    vectors_at = data.index(b"vectors.npy")           # the member's name in its local header
    if damage == "cut":
        data = data[:len(data) // 2]
    elif damage == "local-header":
        data[vectors_at - 30:vectors_at - 26] = b"XXXX"
    elif damage == "npy-header":
        magic = data.index(b"\x93NUMPY", vectors_at)
        data[magic:magic + 6] = b"NOTNPY"
    else:
        at = data.index(b"'shape': (40, 6)", vectors_at)
        data[at:at + 16] = b"'shape': (90, 6)"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="kv.w2v: damaged w2v native file"):
        KeyedVectors.load(path, mmap="r")


def test_mapped_word_list_decodes_on_first_use(tmp_path):
    words = ["naïve", "中文", "a b", "", "x"]    # multi-byte characters, a space, an empty key
    kv = KeyedVectors(words, np.arange(10, dtype=np.float32).reshape(5, 2))
    kv.save(tmp_path / "kv.w2v")
    mapped_kv = KeyedVectors.load(tmp_path / "kv.w2v", mmap="r")
    assert len(mapped_kv) == 5 and mapped_kv._index_to_key is None     # nothing decoded yet
    assert mapped_kv.index_to_key == words and mapped_kv["中文"].tolist() == [2.0, 3.0]
    assert KeyedVectors.load(tmp_path / "kv.w2v").index_to_key == words


@pytest.mark.parametrize("length", [7, 1000, 10000])
def test_text8corpus_reads_as_gensim(gensim, length, tmp_path):
    """gensim's Phrases tutorial: Text8Corpus(datapath('testcorpus.txt')) from gensim.models.word2vec."""
    from gensim.models.word2vec import Text8Corpus as GensimText8
    from gensim.test.utils import datapath

    from w2v.models.word2vec import Text8Corpus

    for name in ("head500.noblanks.cor", "testcorpus.txt"):
        assert list(Text8Corpus(datapath(name), length)) == list(GensimText8(datapath(name), length))
    with pytest.raises(FileNotFoundError, match="no such file"):
        Text8Corpus(tmp_path / "missing")


def test_browncorpus_reads_as_gensim(gensim, tmp_path):
    from gensim.models.word2vec import BrownCorpus as GensimBrown

    from w2v.models.word2vec import BrownCorpus

    (tmp_path / "ca01").write_text("The/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd ./.\n"
                                   "\n``/`` Only/rb a/at relative/jj handful/nn ''/'' ,/, he/pps said/vbd\n"
                                   "odd/token/here x/1\n")
    assert list(BrownCorpus(tmp_path)) == list(GensimBrown(str(tmp_path)))
    assert list(BrownCorpus(tmp_path))[0][:2] == ["the/at", "fulton/np"]
