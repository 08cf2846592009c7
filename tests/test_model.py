"""End to end: Word2Vec learns planted structure, saves, loads and continues training."""
import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec

GROUPS = [[f"{name}{i}" for i in range(6)] for name in ("fruit", "tool", "city", "bird")]


def planted_corpus(n_sentences=1500, length=10, seed=0):
    """Sentences drawn from one group each: words co-occur only within their group."""
    rs = np.random.default_rng(seed)
    return [list(rs.choice(GROUPS[rs.integers(len(GROUPS))], size=length))
            for _ in range(n_sentences)]


def assert_groups_recovered(wv):
    for group in GROUPS:
        for word in group:
            neighbours = [w for w, _ in wv.most_similar(word, topn=3)]
            assert all(n[:-1] == word[:-1] for n in neighbours), (word, neighbours)


@pytest.mark.parametrize("params", [
    dict(sg=1, negative=5), dict(sg=0, negative=5), dict(sg=1, hs=1, negative=0),
    dict(sg=0, hs=1, negative=0), dict(sg=1, hs=1, negative=3),
    dict(sg=1, softmax=1, negative=0), dict(sg=0, softmax=1, negative=0),
    dict(sg=0, negative=5, cbow_mean=0, alpha=0.01),
], ids=lambda p: "-".join(f"{k}{v}" for k, v in p.items()))
def test_planted_groups_are_recovered(params):
    model = Word2Vec(planted_corpus(), vector_size=20, window=3, min_count=1, sample=0,
                     epochs=5, seed=3, workers=2, progress=False, **params)
    assert len(model.wv) == 24
    assert_groups_recovered(model.wv)
    log = model.training_log
    assert len(log) == 5 and log[-1]["loss"] < log[0]["loss"]


@pytest.mark.parametrize("workers, private, rows", [(1, 5, 0), (2, 5, 5), (2, 0, 0), (2, 99, 23)])
def test_worker_threads_keep_their_own_top_tree_nodes(workers, private, rows):
    """With several threads each has its own copies of the busiest inner nodes (none with one
    thread, where they would change nothing); never more than the tree's V - 1 nodes."""
    from w2v.kernels import WordRows
    from w2v.engines.local import Trainer, build_objective, seed_states
    model = Word2Vec(planted_corpus(100), vector_size=8, min_count=1, epochs=1, workers=workers,
                     progress=False, sg=1, hs=1, negative=2, hs_private_nodes=private)
    cfg = model.config
    objective = build_objective(cfg, model.vocab, model.syn1, model.syn1neg)
    trainer = Trainer(cfg, WordRows(model.wv.vectors), objective, np.ones(24, np.float32),
                      seed_states(1, workers))
    states = [trainer.make_work(10) for _ in range(workers)]
    for state in states:
        assert state.out.hs.own.rows.shape == (rows, 8)
        assert state.out.hs.syn1 is model.syn1 and state.out.ns is objective.ns
    if rows:
        assert states[0].out.hs.own.rows is not states[1].out.hs.own.rows


@pytest.mark.parametrize("kw, every", [
    (dict(sg=0), 1), (dict(sg=0, cbow_shared_centres=4), 4), (dict(sg=0, shared_negatives=False), None),
    (dict(sg=1), 1), (dict(sg=1, shared_negatives=False), None), (dict(sg=0, hs=1), None)])
def test_negative_sampling_objective_and_its_draws(kw, every):
    """With negative sampling alone and shared_negatives (the default) the noise words are drawn
    before the examples (SharedNegatives): once per window in skip-gram, once per
    ``cbow_shared_centres`` centre words in CBOW; shared_negatives=False or any other objective
    keeps the classic draws. Every worker thread has its own draws and count."""
    from w2v.kernels import SharedNegatives, WordRows
    from w2v.engines.local import Trainer, build_objective, seed_states
    model = Word2Vec(planted_corpus(50), vector_size=8, min_count=1, epochs=1, workers=2, progress=False,
                     negative=3, **kw)
    assert model.config.noise_every == every
    objective = build_objective(model.config, model.vocab, model.syn1, model.syn1neg)
    assert isinstance(objective, SharedNegatives) == (every is not None)
    if every is None:
        return
    assert objective.every == every and objective.syn1neg is model.syn1neg
    trainer = Trainer(model.config, WordRows(model.wv.vectors), objective, np.ones(24, np.float32), seed_states(1, 2))
    a, b = (trainer.make_work(10).out for _ in range(2))
    assert a.draws is not b.draws and a.count is not b.count and a.every == b.every == every


def test_deterministic_with_one_worker():
    kw = dict(vector_size=16, min_count=1, epochs=2, seed=7, workers=1, progress=False, sg=1)
    a = Word2Vec(planted_corpus(300), **kw).wv.vectors
    b = Word2Vec(planted_corpus(300), **kw).wv.vectors
    c = Word2Vec(planted_corpus(300), **{**kw, "seed": 8}).wv.vectors
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_file_corpus_equals_iterable(tmp_path):
    sentences = planted_corpus(300)
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in sentences) + "\n")
    kw = dict(vector_size=16, min_count=1, epochs=2, seed=7, workers=1, progress=False)
    np.testing.assert_array_equal(Word2Vec(sentences, **kw).wv.vectors,
                                  Word2Vec(corpus_file=str(path), **kw).wv.vectors)


def test_save_load_continue_training(tmp_path):
    model = Word2Vec(planted_corpus(400), vector_size=16, min_count=1, epochs=2, seed=1,
                     workers=1, progress=False, sg=1, hs=1, negative=2)
    path = tmp_path / "m.w2v"
    model.save(path)
    loaded = Word2Vec.load(path)
    np.testing.assert_array_equal(loaded.wv.vectors, model.wv.vectors)
    np.testing.assert_array_equal(loaded.syn1neg, model.syn1neg)
    np.testing.assert_array_equal(loaded.syn1, model.syn1)
    assert loaded.vocab.words == model.vocab.words and loaded.training_log == model.training_log
    # continuing gives the same weights as continuing the original
    model.train(planted_corpus(100, seed=5), total_examples=100, epochs=1)
    loaded.train(planted_corpus(100, seed=5), total_examples=100, epochs=1)
    np.testing.assert_array_equal(loaded.wv.vectors, model.wv.vectors)
    assert len(loaded.training_log) == 3
    kv = KeyedVectors.load(path)
    assert kv.index_to_key == model.vocab.words


def test_vocabulary_update_adds_words():
    model = Word2Vec(planted_corpus(300), vector_size=16, min_count=1, epochs=1, seed=1,
                     workers=1, progress=False, sample=0)
    before = model.wv["fruit0"].copy()
    new = [["zebra", "yak", "fruit0"]] * 20
    model.build_vocab(new, update=True)
    assert "zebra" in model.wv and len(model.wv) == 26
    np.testing.assert_array_equal(model.wv["fruit0"], before)
    model.train(new, total_examples=len(new), epochs=1)
    assert not np.array_equal(model.wv["fruit0"], before)


def test_vocabulary_update_uses_the_model_min_count():
    model = Word2Vec(planted_corpus(100), vector_size=8, min_count=2, epochs=1, workers=1,
                     progress=False)
    model.build_vocab([["newt", "newt", "owl"]], update=True)   # newt reaches 2, owl does not
    assert "newt" in model.wv and "owl" not in model.wv


def test_vocabulary_update_with_no_new_word_goes_on():
    """gensim's Word2Vec tutorial: one more sentence of words below min_count, update=True, train.
    It raised EmptyVocabularyError (issue 26); gensim adds nothing and trains on the known words."""
    model = Word2Vec(planted_corpus(100), vector_size=8, min_count=5, epochs=1, workers=1,
                     progress=False, sample=0)
    words, count = list(model.wv.index_to_key), model.wv.get_vecattr("fruit0", "count")
    more_sentences = [["Advanced", "users", "can", "load", "a", "model", "and", "continue", "fruit0"]]
    model.build_vocab(more_sentences, update=True)
    assert model.wv.index_to_key == words and model.wv.get_vecattr("fruit0", "count") == count + 1
    model.train(more_sentences, total_examples=model.corpus_count, epochs=model.epochs)
    assert model.training_log[-1]["known"] == 1
    with pytest.raises(ValueError, match="no word reaches min_count=5"):
        Word2Vec(more_sentences, min_count=5, progress=False)      # a first vocabulary must have words


def test_export_vectors():
    model = Word2Vec(planted_corpus(200), vector_size=8, min_count=1, epochs=1, workers=1,
                     progress=False)
    out = model.export_vectors("out").vectors
    np.testing.assert_array_equal(out, model.syn1neg)
    np.testing.assert_allclose(model.export_vectors("mean").vectors, (model.wv.vectors + out) / 2)
    assert model.export_vectors("concat").vectors.shape == (24, 16)
    with pytest.raises(ValueError, match="kind"):
        model.export_vectors("sideways")
    hs = Word2Vec(planted_corpus(200), vector_size=8, min_count=1, epochs=1, workers=1,
                  progress=False, hs=1, negative=0)
    with pytest.raises(ValueError, match="hierarchical"):
        hs.export_vectors("out")


@pytest.mark.parametrize("kw, message", [
    (dict(vector_size=0), "vector_size"), (dict(window=0), "window"),
    (dict(negative=0, hs=0), "objective"), (dict(sample=-1.0), "sample"),
    (dict(alpha=0.0), "alpha"), (dict(alpha=-1.0), "alpha"), (dict(epochs=0), "epochs"),
    (dict(workers="2"), "workers"), (dict(hs_private_nodes=-1), "hs_private_nodes"),
    (dict(cbow_shared_centres=0), "cbow_shared_centres"),
])
def test_nonsense_hyperparameters(kw, message):
    with pytest.raises(ValueError, match=message):
        Word2Vec([["a", "b"]], min_count=1, progress=False, **kw)


def test_empty_corpus_and_min_count():
    with pytest.raises(ValueError, match="empty"):
        Word2Vec([], min_count=1, progress=False)
    with pytest.raises(ValueError, match="min_count"):
        Word2Vec([["a", "b"], ["a"]], min_count=5, progress=False)


def test_divergence_is_reported():
    with pytest.raises(ValueError, match="diverged in epoch 1.*alpha"):
        Word2Vec(planted_corpus(300), vector_size=16, min_count=1, epochs=2, workers=1,
                 alpha=1e30, min_alpha=1e29, progress=False, softmax=1, negative=0)


@pytest.mark.parametrize("params", [{}, {"sg": 1}, {"hs": 1, "negative": 0}])
def test_a_finite_blow_up_is_divergence_too(params):
    """alpha=5 leaves the weights finite but the loss a thousand times too high: raised, and
    recorded in training_log (issue 26: it used to be saved as a success)."""
    from w2v.engines.divergence import TrainingDiverged

    model = Word2Vec(vector_size=16, min_count=1, epochs=2, workers=1, alpha=5.0, progress=False,
                     **params)
    model.build_vocab(planted_corpus(300))
    with pytest.raises(TrainingDiverged, match=r"diverged in epoch 1: the mean loss per example "
                                               r"reached .* lower alpha \(now 5\)"):
        model.train(planted_corpus(300), total_examples=model.corpus_count, epochs=model.epochs)
    assert len(model.training_log) == 1 and model.training_log[0]["epoch"] == 0
    assert "mean loss" in model.training_log[0]["diverged"]
    assert np.isfinite(model.wv.vectors).all()


def test_divergence_check_by_norm_and_untrained_loss():
    from w2v.engines.divergence import NORM_LIMIT, DivergenceCheck, untrained_loss

    assert untrained_loss(5, 0, 0, [3, 1]) == pytest.approx(6 * np.log(2))
    assert untrained_loss(0, 1, 0, [1, 1, 1, 1]) == pytest.approx(3 * np.log(2))    # 2 bits + 1
    assert untrained_loss(0, 0, 1, [1] * 100) == pytest.approx(np.log(100))
    model = Word2Vec(planted_corpus(50), vector_size=4, min_count=1, epochs=1, workers=1, progress=False)
    check = DivergenceCheck(model)
    assert check.after_epoch(model.wv.vectors) is None
    vectors = model.wv.vectors.copy()
    vectors[3] = [NORM_LIMIT, 1, 0, 0]
    assert "a vector's length reached 1,000" in check.after_epoch(vectors)


def test_callbacks_called_per_epoch():
    calls = []

    class Recorder:
        def on_epoch_end(self, model):
            calls.append(model.training_log[-1]["epoch"])

    Word2Vec(planted_corpus(100), vector_size=8, min_count=1, epochs=3, workers=1,
             progress=False, callbacks=[Recorder()])
    assert calls == [0, 1, 2]


def test_progress_outside_a_terminal_is_a_line_per_epoch(capsys):
    """Issue 26: Python users got tqdm frames in log files; now what `w2v train` prints there."""
    model = Word2Vec(planted_corpus(200), vector_size=8, min_count=1, epochs=3, workers=1)  # progress=True
    err = capsys.readouterr().err
    assert "\r" not in err and "it/s" not in err and "word/s" not in err
    lines = err.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert lines[0].startswith(f"epoch 1/3: loss {model.training_log[0]['loss']:.4f}, ")
    Word2Vec(planted_corpus(200), vector_size=8, min_count=1, epochs=2, workers=1, progress=False)
    assert capsys.readouterr().err == ""


def test_punctuation_hint_is_a_logged_warning(tmp_path, caplog):
    raw = tmp_path / "raw.txt"
    raw.write_text('The "cat" sat on the mat; the dog (a big one) sat on the log. Then, the end.\n' * 50)
    with caplog.at_level("WARNING", logger="w2v.corpus.hints"):
        Word2Vec(corpus_file=str(raw), vector_size=8, min_count=1, epochs=1, workers=1, progress=False)
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "carry punctuation" in caplog.text and "tokenizer='simple'" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="w2v.corpus.hints"):
        Word2Vec([line.split() for line in raw.read_text().splitlines()], vector_size=8, min_count=1,
                 epochs=1, workers=1, progress=False)
        assert "tokenize them first" in caplog.text
        caplog.clear()
        Word2Vec(corpus_file=str(raw), tokenizer="simple", vector_size=8, min_count=1, epochs=1, workers=1,
                 progress=False)
    assert caplog.text == ""
