"""FastText training: word2vec's model with the subword input kind. Without n-grams it is word2vec
bit for bit; its files round-trip (native, mapped, Facebook's .bin read by fastText itself); its
vocabulary grows keeping the n-gram rows; checkpoints resume as FastText; fastText's own command
lines write model.bin and model.vec.
"""

import numpy as np
import pytest

from w2v import FastText, Word2Vec, load_facebook_model, save_facebook_model
from w2v.cli import main
from w2v.models.fasttext import FastTextKeyedVectors
from w2v.vectors.facebook import read_facebook
from w2v.vectors.ngrams import ft_ngram_hashes

pytest.importorskip("w2v.kernels.inputs")      # the subword input kind of the kernels

TEXT = ("the cat sat on the mat with the dog and the bird running walking talking cats\n"
        "a dog barked at the cats while the birds were singing and running\n"
        "the quick brown fox jumps over the lazy dog near the singing birds\n") * 60
SENTENCES = [line.split() for line in TEXT.splitlines()]
SMALL = dict(vector_size=12, min_count=1, bucket=500, epochs=2, workers=1, seed=3, progress=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("ft") / "corpus.txt"
    path.write_text(TEXT, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("sg", [0, 1])
@pytest.mark.parametrize("off", [dict(max_n=0), dict(bucket=0)])
def test_without_ngrams_it_is_word2vec_bit_for_bit(sg, off):
    settings = dict(SMALL, sg=sg, **off)
    settings.pop("bucket", None) if "bucket" not in off else None
    ft = FastText(SENTENCES, **settings)
    w2v_settings = {k: v for k, v in settings.items() if k not in ("bucket", "max_n")}
    wv = Word2Vec(SENTENCES, **w2v_settings)
    assert ft.wv.bucket == 0 and ft.wv.vectors_all.shape == wv.wv.vectors.shape
    np.testing.assert_array_equal(ft.wv.vectors, wv.wv.vectors)
    np.testing.assert_array_equal(ft.syn1neg, wv.syn1neg)
    with pytest.raises(KeyError):
        ft.wv["catz"]


@pytest.mark.parametrize("sg,hs", [(1, 0), (0, 0), (1, 1), (0, 1)])
def test_vectors_are_the_means_of_the_trained_rows(sg, hs):
    model = FastText(SENTENCES, sg=sg, hs=hs, negative=0 if hs else 5, **SMALL)
    kv = model.wv
    n = len(kv)
    before = FastText(sg=sg, hs=hs, negative=0 if hs else 5, **SMALL)
    before.build_vocab(SENTENCES)
    assert not np.array_equal(before.wv.vectors_ngrams, kv.vectors_ngrams)     # n-gram rows trained
    for i, word in enumerate(kv.index_to_key):
        rows = [i] + [n + h for h in ft_ngram_hashes(word, 3, 6, 500)]
        np.testing.assert_allclose(kv[word], kv.vectors_all[rows].mean(axis=0), rtol=1e-5, atol=1e-6)
    assert kv.most_similar("singin", topn=3)
    assert np.isfinite(kv.vectors_all).all()


def test_divergence_check_and_callbacks_see_each_epochs_means(monkeypatch):
    """After every epoch the divergence check measures that epoch's word means (recomputed from
    the rows, not those of an earlier epoch), and callbacks then read the same vectors."""
    from w2v.engines import divergence

    checked = []
    after_epoch = divergence.DivergenceCheck.after_epoch

    def record(self, vectors):
        checked.append(vectors.copy())
        return after_epoch(self, vectors)

    monkeypatch.setattr(divergence.DivergenceCheck, "after_epoch", record)
    seen = []

    class Look:
        def on_epoch_end(self, model):
            kv = model.wv
            expect = np.stack([kv.vectors_all[kv.subword_rows[a:b]].mean(axis=0)
                               for a, b in zip(kv.subword_offsets[:-1], kv.subword_offsets[1:])])
            np.testing.assert_allclose(kv.vectors, expect, rtol=1e-5, atol=1e-6)
            seen.append(kv.vectors.copy())

    model = FastText(SENTENCES, callbacks=[Look()], **dict(SMALL, epochs=3))
    assert len(seen) == 3 and not np.array_equal(seen[0], seen[1])
    np.testing.assert_array_equal(seen[-1], model.wv.vectors)
    assert len(checked) == 3
    for a, b in zip(checked, seen):
        np.testing.assert_array_equal(a, b)
    quiet = FastText(SENTENCES, **dict(SMALL, epochs=3))
    np.testing.assert_array_equal(quiet.wv.vectors, model.wv.vectors)   # the same training either way


def test_a_training_stopped_mid_epoch_leaves_the_means_of_its_rows():
    """A callback that raises part way through (after the first epoch's rows have moved on in
    the second) leaves ``wv.vectors`` the means of the rows as they are, not of an earlier
    epoch's rows."""
    class Stop:
        def on_epoch_begin(self, model):
            self.seen = getattr(self, "seen", 0) + 1
            if self.seen == 2:
                model.wv.vectors_all[:] += 1.0     # rows changed after the last means: as a step would
                raise RuntimeError("stop")

    model = FastText(**dict(SMALL, epochs=3))
    model.build_vocab(SENTENCES)
    with pytest.raises(RuntimeError, match="stop"):
        model.train(SENTENCES, total_examples=len(SENTENCES), epochs=3, callbacks=[Stop()])
    kv = model.wv
    expect = np.stack([kv.vectors_all[kv.subword_rows[a:b]].mean(axis=0)
                       for a, b in zip(kv.subword_offsets[:-1], kv.subword_offsets[1:])])
    np.testing.assert_allclose(kv.vectors, expect, rtol=1e-5, atol=1e-6)


def test_cbow_holds_the_window_rows_by_default():
    """FastText's CBOW reads each context word's n-gram rows once per position
    (``cbow_held_rows``, w2v.kernels.cbow.held_centre); ``cbow_held_rows=False`` gives the classic
    kernel, which re-reads them for every window; without n-grams CBOW is word2vec's. Both train
    the same model to within what one window's shared rows change."""
    assert FastText(**SMALL).config.kernel == "cbow_held"
    assert FastText(cbow_held_rows=False, **SMALL).config.kernel == "cbow"
    assert FastText(max_n=0, **SMALL).config.kernel == "cbow"
    assert FastText(sg=1, **SMALL).config.kernel == "sg_shared"
    assert Word2Vec(**{k: v for k, v in SMALL.items() if k != "bucket"}).config.kernel == "cbow"
    with pytest.raises(ValueError, match="cbow_held_rows must be True or False"):
        FastText(cbow_held_rows=2, **SMALL)
    held, classic = FastText(SENTENCES, **SMALL), FastText(SENTENCES, cbow_held_rows=False, **SMALL)
    assert not np.array_equal(held.wv.vectors, classic.wv.vectors)
    cosines = (held.wv.vectors * classic.wv.vectors).sum(1) / (
        np.linalg.norm(held.wv.vectors, axis=1) * np.linalg.norm(classic.wv.vectors, axis=1))
    assert cosines.min() > 0.9


def test_training_checks_only_the_rows_it_trains_for_finiteness():
    """After each epoch the divergence check reads the rows the vocabulary's words use, not all
    2,000,000 buckets: an unused bucket holding NaN is not the training's doing, a used one is."""
    from w2v.kernels.inputs import SubwordRows, finite
    model = FastText(SENTENCES, **SMALL)
    kv = model.wv
    inp = SubwordRows(kv.vectors_all, kv.subword_offsets, kv.subword_rows)
    assert finite(inp)
    unused = sorted(set(range(len(kv.vectors_all))) - set(kv.subword_rows.tolist()))[0]
    kv.vectors_all[unused, 0] = np.nan
    assert finite(inp)
    kv.vectors_all[kv.subword_rows[-1], 3] = np.inf
    assert not finite(inp)


def test_gensim_signature_and_errors():
    import inspect
    params = list(inspect.signature(FastText).parameters)
    assert params[:8] == ["sentences", "corpus_file", "sg", "hs", "vector_size", "alpha", "window", "min_count"]
    defaults = inspect.signature(FastText).parameters
    assert (defaults["min_n"].default, defaults["max_n"].default, defaults["bucket"].default) == (3, 6, 2000000)
    with pytest.raises(ValueError, match="min_n"):
        FastText(min_n=5, max_n=3)
    with pytest.raises(ValueError, match="bucket"):
        FastText(bucket=-1)
    with pytest.raises(ValueError, match="word_ngrams"):
        FastText(word_ngrams=2)
    with pytest.raises(TypeError, match="min_m"):
        FastText(min_m=2)
    with pytest.raises(ValueError, match="local"):
        FastText(engine="ray")


def test_vocabulary_growth_keeps_the_ngram_rows():
    model = FastText(SENTENCES, **SMALL)
    ngrams = model.wv.vectors_ngrams.copy()
    cat = model.wv.vectors_vocab[model.wv.key_to_index["cat"]].copy()
    model.build_vocab([["zebra", "cat", "zebras"]] * 3, update=True)
    assert model.wv.has_index_for("zebra") and len(model.wv.vectors_vocab) == len(model.wv)
    np.testing.assert_array_equal(model.wv.vectors_ngrams, ngrams)
    np.testing.assert_array_equal(model.wv.vectors_vocab[model.wv.key_to_index["cat"]], cat)
    model.train([["zebra", "cat", "zebras"]] * 3, total_examples=3, epochs=1)
    assert not np.array_equal(model.wv.vectors_ngrams, ngrams)


def test_native_save_load_and_mmap(tmp_path):
    model = FastText(SENTENCES, **SMALL)
    path = str(tmp_path / "ft.w2v")
    model.save(path)
    for mmap in (None, "r"):
        back = FastText.load(path, mmap=mmap)
        assert isinstance(back.wv, FastTextKeyedVectors)
        for word in ("cat", "catz", "singingly"):
            np.testing.assert_array_equal(back.wv[word], model.wv[word])
    mapped = FastText.load(path, mmap="r")
    assert isinstance(mapped.wv.vectors_all, np.memmap)
    with pytest.raises(ValueError, match="read-only"):
        mapped.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    again = FastText.load(path)
    again.train(SENTENCES, total_examples=len(SENTENCES), epochs=1)
    with pytest.raises(ValueError):
        Word2Vec.load(path)


def test_checkpoints_resume_as_fasttext(tmp_path, corpus):
    folder = str(tmp_path / "ck")
    whole = FastText(corpus_file=corpus, checkpoint_dir=folder, **SMALL)
    resumed = FastText.resume(folder, progress=False)
    assert isinstance(resumed, FastText)
    np.testing.assert_array_equal(resumed.wv.vectors_all, whole.wv.vectors_all)


def test_bin_written_by_w2v_loads_back_byte_for_byte(tmp_path):
    model = FastText(SENTENCES, sg=1, **SMALL)
    a, b = str(tmp_path / "a.bin"), str(tmp_path / "b.bin")
    save_facebook_model(model, a)
    m = read_facebook(a)
    assert m.args["minn"] == 3 and m.args["bucket"] == 500 and m.words == model.wv.index_to_key
    loaded = load_facebook_model(a)
    for word in ("cat", "catz", "walked"):
        np.testing.assert_array_equal(loaded.wv[word], model.wv[word])
    save_facebook_model(loaded, b)
    assert open(a, "rb").read() == open(b, "rb").read()


@pytest.mark.parametrize("sg", [0, 1])
def test_fasttext_reads_a_bin_w2v_wrote(tmp_path, sg):
    fasttext = pytest.importorskip("fasttext")
    model = FastText(SENTENCES, sg=sg, **SMALL)
    path = str(tmp_path / "w2v.bin")
    save_facebook_model(model, path)
    ft = fasttext.load_model(path)
    assert ft.words == model.wv.index_to_key
    for word in model.wv.index_to_key + ["catz", "walked", "日本語", "x"]:
        np.testing.assert_allclose(ft.get_word_vector(word), model.wv[word], atol=1e-6, rtol=0)


def test_fasttext_command_lines(tmp_path, corpus, capsys, monkeypatch):
    out = str(tmp_path / "model")
    assert main(["skipgram", "-input", corpus, "-output", out, "-minn", "2", "-maxn", "4", "-dim", "10",
                 "-epoch", "2", "-bucket", "300", "-minCount", "1", "-thread", "1", "-verbose", "0"]) == 0
    model = load_facebook_model(out + ".bin")
    assert (model.wv.min_n, model.wv.max_n, model.wv.bucket, model.vector_size, model.sg) == (2, 4, 300, 10, 1)
    with open(out + ".vec", encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert lines[0] == f"{len(model.wv)} 10"
    word, *values = lines[1].split(" ")
    assert values[-1] == "" and len(values) == 11           # fastText ends each row with a space
    np.testing.assert_allclose([float(v) for v in values[:-1]], model.wv[word], rtol=1e-4, atol=1e-5)
    assert main(["cbow", "-input", corpus, "-output", out, "-dim", "8", "-epoch", "1", "-bucket", "100",
                 "-minCount", "1", "-thread", "1", "-verbose", "0", "-loss", "hs"]) == 0
    model = load_facebook_model(out + ".bin")
    assert (model.sg, model.hs) == (0, 1)
    assert main(["skipgram", "-input", corpus, "-output", out, "-minn", "5", "-maxn", "3", "-verbose", "0"]) == 2
    assert "-minn (5) must be <= -maxn (3)" in capsys.readouterr().err


def test_train_model_fasttext(tmp_path, corpus, capsys):
    out = str(tmp_path / "m.w2v")
    assert main(["train", corpus, "-o", out, "--model", "fasttext", "--minn", "2", "--maxn", "5",
                 "--bucket", "400", "--min-count", "1", "--epochs", "1", "--size", "8", "--threads", "1",
                 "--quiet"]) == 0
    model = FastText.load(out)
    assert (model.wv.min_n, model.wv.max_n, model.wv.bucket) == (2, 5, 400)
    assert main(["similar", out, "catz", "--topn", "2"]) == 0
    assert "OOV" in capsys.readouterr().out
    assert main(["train", corpus, "-o", out, "--model", "fasttext", "--bucket", "-3", "--quiet"]) == 2
    assert "--bucket" in capsys.readouterr().err


def test_ngram_rows_start_uniform():
    """The n-gram rows start uniform in [-1/D, 1/D) (fastText's range), different for another
    seed, and the word rows before ``start`` are left as they were."""
    from w2v.models.subwordvectors import uniform_rows

    dim = 50
    a = np.full((3000, dim), 7.0, np.float32)
    c = a.copy()
    uniform_rows(a, 10, 5)
    uniform_rows(c, 10, 6)
    assert (a[:10] == 7.0).all()
    rows = a[10:]
    assert rows.min() >= -1.0 / dim and rows.max() < 1.0 / dim
    assert abs(rows.mean()) < 2e-4 and abs(rows.std() - (1.0 / dim) / np.sqrt(3)) < 2e-4
    assert len(np.unique(rows)) > 0.99 * rows.size
    assert not np.array_equal(rows, c[10:])
    # neighbouring rows and columns are not correlated
    assert abs(np.corrcoef(rows[:-1].ravel(), rows[1:].ravel())[0, 1]) < 0.02
    assert abs(np.corrcoef(rows[:, :-1].ravel(), rows[:, 1:].ravel())[0, 1]) < 0.02


def test_ngram_rows_start_the_same_on_one_thread_as_on_all():
    import numba

    from w2v.models.subwordvectors import uniform_rows

    before = numba.get_num_threads()
    if before == 1:
        pytest.skip("Numba runs one thread here: nothing to compare one thread with")
    a = np.full((3000, 50), 7.0, np.float32)
    b = a.copy()
    try:
        numba.set_num_threads(1)
        uniform_rows(a, 10, 5)
    finally:
        numba.set_num_threads(before)
    uniform_rows(b, 10, 5)
    np.testing.assert_array_equal(a, b)
