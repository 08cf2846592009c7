"""fastText's n-grams and hash, its .bin files (read, written byte for byte, refused with one
line), FastTextKeyedVectors' vectors for any word, and the fastText-style commands.

Interop with Facebook's fastText uses the ``fasttext`` package (``fasttext-wheel``, the bench
extra) when it is installed; those tests are skipped otherwise.
"""
import io
import os
import struct

import numpy as np
import pytest

from w2v.cli import main
from w2v.models.fasttext import load_any_vectors as load_any
from w2v.models.keyedvectors import KeyedVectors
from w2v.models.subwordvectors import FastTextKeyedVectors
from w2v.vectors import facebook
from w2v.vectors.ngrams import (compute_ngrams, compute_ngrams_bytes, ft_hash_bytes, ft_ngram_hashes,
                                subword_rows)

WORDS = ["cat", "été", "日本語の", "a", "x" * 30, "ñandú", "", "<>", "</s>"]
TEXT = ("the cat sat on the mat with the dog and the bird running walking talking cats\n"
        "a dog barked at the cats while the birds were singing and running\n") * 200


# ---- n-grams and the hash ------------------------------------------------------------------
def test_hash_is_fasttexts_fnv1a_with_signed_bytes():
    # values from Facebook's fastText (get_subwords of "cat" with 13 words: ids 13 + hash % 2e6)
    assert [ft_hash_bytes(g) % 2000000 for g in compute_ngrams_bytes("cat", 3, 6)] == [
        916747, 1988973, 1428137, 289031, 1127995, 351106]
    # a byte >= 128 is sign-extended before the xor (C's signed char)
    h = 2166136261
    for b in "é".encode():
        h = ((h ^ (b - 256 & 0xFFFFFFFF)) * 16777619) & 0xFFFFFFFF
    assert ft_hash_bytes("é".encode()) == h


@pytest.mark.parametrize("word", WORDS)
def test_ngrams_equal_gensims(word):
    gensim = pytest.importorskip("gensim.models.fasttext_inner")
    for lo, hi in ((1, 1), (1, 6), (3, 6), (2, 4), (5, 5)):
        assert compute_ngrams(word, lo, hi) == gensim.compute_ngrams(word, lo, hi)
        assert compute_ngrams_bytes(word, lo, hi) == gensim.compute_ngrams_bytes(word, lo, hi)
    assert ft_hash_bytes(word.encode()) == gensim.ft_hash_bytes(word.encode())


def test_subword_rows_are_own_row_then_ngram_buckets():
    offsets, rows = subword_rows(WORDS, 2, 5, 1000, nwords=20)
    for i, word in enumerate(WORDS):
        expected = [] if word == "</s>" else [20 + h for h in ft_ngram_hashes(word, 2, 5, 1000)]
        assert rows[offsets[i]:offsets[i + 1]].tolist() == [i] + expected
    offsets, rows = subword_rows(["cat"], 3, 6, 1000, nwords=5, own=False)
    assert rows.tolist() == [5 + h for h in ft_ngram_hashes("cat", 3, 6, 1000)]


@pytest.mark.parametrize("min_n,max_n,bucket", [(3, 0, 100), (3, 6, 0)])
def test_no_ngrams_is_plain_word_rows(min_n, max_n, bucket):
    offsets, rows = subword_rows(["cat", "dog"], min_n, max_n, bucket)
    assert offsets.tolist() == [0, 1, 2] and rows.tolist() == [0, 1]


# ---- vectors -------------------------------------------------------------------------------
def small_kv(bucket=50, dim=4, seed=0):
    words = ["cat", "cats", "dog", "été"]
    matrix = np.random.default_rng(seed).standard_normal((len(words) + bucket, dim)).astype(np.float32)
    return FastTextKeyedVectors.from_rows(words, matrix, 3, 5, bucket, counts=[4, 3, 2, 1])


def test_vectors_are_means_of_word_and_ngram_rows():
    kv = small_kv()
    n = len(kv)
    for i, word in enumerate(kv.index_to_key):
        rows = [i] + [n + h for h in ft_ngram_hashes(word, 3, 5, 50)]
        np.testing.assert_allclose(kv[word], kv.vectors_all[rows].mean(axis=0), rtol=1e-6, atol=1e-7)
    rows = [n + h for h in ft_ngram_hashes("catty", 3, 5, 50)]
    np.testing.assert_allclose(kv["catty"], kv.vectors_all[rows].mean(axis=0), rtol=1e-6, atol=1e-7)
    assert "catty" in kv and not kv.has_index_for("catty") and kv.has_index_for("cat")
    assert "" not in kv and not kv[""].any()          # no n-gram: the origin, as fastText gives
    np.testing.assert_array_equal(kv.vectors_vocab, kv.vectors_all[:n])
    assert kv.vectors_ngrams.shape == (50, 4)
    assert [b.tolist() for b in kv.buckets_word] == [ft_ngram_hashes(w, 3, 5, 50) for w in kv.index_to_key]


def test_queries_take_oov_words():
    kv = small_kv()
    assert kv.similarity("catty", "catty") == pytest.approx(1.0, abs=1e-6)
    answer = kv.most_similar("catty", topn=4)
    expected = sorted(((w, float(np.dot(kv["catty"], kv[w]) / np.linalg.norm(kv["catty"]) /
                                  np.linalg.norm(kv[w]))) for w in kv.index_to_key), key=lambda p: -p[1])
    assert [w for w, _ in answer] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in answer], [s for _, s in expected], rtol=1e-5)
    assert kv.analogy("cat", "cats", "dogs", topn=1)
    assert kv["catty", "cat"].shape == (2, 4)
    sub = kv.vectors_for_all(["cat", "catty"])
    assert sub.index_to_key == ["cat", "catty"] and isinstance(sub, KeyedVectors)
    assert kv.vectors_for_all(["cat", "catty"], allow_inference=False).index_to_key == ["cat"]


def test_zero_buckets_refuse_oov_words():
    words = ["cat", "dog"]
    kv = FastTextKeyedVectors.from_rows(words, np.eye(2, dtype=np.float32), 3, 6, 0)
    np.testing.assert_array_equal(kv["cat"], [1, 0])
    assert "cats" not in kv
    with pytest.raises(KeyError):
        kv.get_vector("cats")


@pytest.mark.parametrize("kwargs,match", [
    (dict(min_n=4, max_n=3, bucket=10), "min_n"), (dict(min_n=3, max_n=6, bucket=-1), "bucket"),
    (dict(min_n=-1, max_n=6, bucket=10), "min_n")])
def test_bad_ngram_settings_are_one_clear_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FastTextKeyedVectors(4, **kwargs)


def test_native_round_trip_and_mmap(tmp_path):
    kv = small_kv()
    path = str(tmp_path / "ft.w2v")
    kv.save(path)
    for mmap in (None, "r"):
        back = FastTextKeyedVectors.load(path, mmap=mmap)
        assert back.index_to_key == kv.index_to_key
        for word in ("cat", "catty", "été"):
            np.testing.assert_array_equal(back[word], kv[word])
    assert isinstance(FastTextKeyedVectors.load(path, mmap="r").vectors_all, np.memmap)
    assert isinstance(load_any(path), FastTextKeyedVectors)


# ---- .bin files ----------------------------------------------------------------------------
def fb_model(words=("the", "cat", "</s>", "日本"), bucket=20, dim=3, seed=1, **args):
    rng = np.random.default_rng(seed)
    base = dict(dim=dim, ws=5, epoch=5, minCount=1, neg=5, wordNgrams=1, loss=2, model=2,
                bucket=bucket, minn=3, maxn=6, lrUpdateRate=100, t=1e-4)
    base.update(args)
    n = len(words)
    return facebook.FacebookModel(base, list(words), np.arange(n, 0, -1, dtype=np.int64) * 3, 99,
                                  rng.standard_normal((n + bucket, dim)).astype(np.float32),
                                  rng.standard_normal((n, dim)).astype(np.float32))


def test_bin_write_read_write_is_byte_identical(tmp_path):
    a, b = str(tmp_path / "a.bin"), str(tmp_path / "b.bin")
    facebook.write_facebook(a, fb_model())
    m = facebook.read_facebook(a)
    assert m.words == ["the", "cat", "</s>", "日本"] and m.ntokens == 99 and m.args["minn"] == 3
    facebook.write_facebook(b, m)
    assert open(a, "rb").read() == open(b, "rb").read()
    mapped = facebook.read_facebook(a, mmap="r")
    np.testing.assert_array_equal(mapped.input, m.input)
    assert facebook.read_facebook(a, full_model=False).output is None


def _bin_bytes(**args):
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        p = os.path.join(folder, "m.bin")
        facebook.write_facebook(p, fb_model(**args))
        return open(p, "rb").read()


def _refused(tmp_path, data, match):
    p = tmp_path / "bad.bin"
    p.write_bytes(data)
    with pytest.raises(ValueError, match=match) as e:
        facebook.read_facebook(str(p))
    assert "\n" not in str(e.value) and str(p) in str(e.value)
    assert main(["print-word-vectors", str(p)]) == 2


def test_supervised_models_are_refused(tmp_path):
    _refused(tmp_path, _bin_bytes(model=3), "supervised")
    data = bytearray(_bin_bytes())
    struct.pack_into("=i", data, 8 + 56 + 8, 2)          # nlabels = 2
    _refused(tmp_path, bytes(data), "supervised")


def test_unknown_versions_and_foreign_files_are_refused(tmp_path):
    data = bytearray(_bin_bytes())
    struct.pack_into("=i", data, 4, 13)
    _refused(tmp_path, bytes(data), "version 13")
    _refused(tmp_path, b"2 3\nfoo 1 2 3\n", "not a fastText")


def test_truncated_and_quantized_files_are_refused(tmp_path):
    data = _bin_bytes()
    for cut in (3, 30, 80, 120, len(data) - 1):
        _refused(tmp_path, data[:cut], "truncated|not a fastText|damaged")
    _refused(tmp_path, data + b"\0", "after the output matrix")
    quantized = bytearray(data)
    start = data.index("日本".encode()) + len("日本".encode()) + 1 + 9
    quantized[start] = 1                                     # quant_input
    _refused(tmp_path, bytes(quantized), "quantized")


# ---- against Facebook's fastText -------------------------------------------------------------
@pytest.fixture(scope="module")
def fasttext_model(tmp_path_factory):
    fasttext = pytest.importorskip("fasttext")
    folder = tmp_path_factory.mktemp("ft")
    corpus = folder / "corpus.txt"
    corpus.write_text(TEXT + "日本語 の テキスト 東京 日本\n" * 20, encoding="utf-8")
    model = fasttext.train_unsupervised(str(corpus), model="skipgram", dim=8, epoch=1, minCount=1,
                                        thread=1, bucket=5000, minn=2, maxn=5, verbose=0)
    path = str(folder / "ft.bin")
    model.save_model(path)
    return fasttext, model, path


QUERIES = ["cat", "cats", "running", "birdsong", "東京都", "日本", "x", "", "</s>", "Walking"]


def test_vectors_equal_fasttexts_for_any_word(fasttext_model):
    _, ft, path = fasttext_model
    from w2v.models.fasttext import load_facebook_vectors
    kv = load_facebook_vectors(path)
    assert kv.index_to_key == ft.words
    for word in QUERIES + ft.words:
        np.testing.assert_allclose(kv[word], ft.get_word_vector(word), atol=1e-6, rtol=0)


def test_commands_print_as_fasttext(fasttext_model, capsys, monkeypatch):
    _, ft, path = fasttext_model
    monkeypatch.setattr("sys.stdin", io.StringIO("cats 東京都\n"))
    assert main(["print-word-vectors", path]) == 0
    lines = capsys.readouterr().out.splitlines(keepends=True)
    for line, word in zip(lines, ["cats", "東京都"]):
        assert line == word + " " + "".join(f"{v:.5g} " for v in ft.get_word_vector(word).tolist()) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO("cats\n"))
    assert main(["nn", path, "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Query word? ") and out.endswith("Query word? ")
    got = [line.split() for line in out[len("Query word? "):-len("Query word? ")].splitlines()]
    expected = ft.get_nearest_neighbors("cats", k=3)
    assert [w for w, _ in got] == [w for _, w in expected]
    np.testing.assert_allclose([float(s) for _, s in got], [s for s, _ in expected], atol=2e-6)
    monkeypatch.setattr("sys.stdin", io.StringIO("cat dog bird\n"))
    assert main(["analogies", path, "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("Query triplet (A - B + C)? ") == 2
    assert [line.split()[0] for line in out.split("? ")[1].splitlines()[:2]] == [w for _, w in ft.get_analogies("cat", "dog", "bird", k=2)]


# ---- the query and evaluation commands on words outside the vocabulary ------------------------
def test_similar_analogy_and_evaluate_answer_for_oov_words(tmp_path, capsys):
    path = str(tmp_path / "m.bin")
    facebook.write_facebook(path, fb_model(words=("the", "cat", "dog", "bird"), bucket=50, dim=6))
    assert main(["similar", path, "catty", "--topn", "2"]) == 0
    out = capsys.readouterr().out
    assert "OOV (not in the vocabulary; vectors from character n-grams): catty" in out
    assert main(["analogy", path, "cat", "catty", "dog", "--json"]) == 0
    assert '"oov": ["catty"]' in capsys.readouterr().out
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("cat\tdoggy\t5.0\nthe\tbird\t1.0\ncatty\tdog\t3.0\ncat\tbird\t2.0\n", encoding="utf-8")
    assert main(["evaluate", path, "--pairs", str(pairs), "--json"]) == 0
    report = __import__("json").loads(capsys.readouterr().out)
    assert report["pairs"][0]["oov_percent"] == 0.0 and report["pairs"][0]["oov_words_from_ngrams"] == 2
    kv = load_any(path)
    (_, _), (rho, _), oov = kv.evaluate_word_pairs(str(pairs), unseen=True)
    assert oov == 0.0
    (_, _), (_, _), oov = kv.evaluate_word_pairs(str(pairs))          # gensim's: OOV pairs skipped
    assert oov == 50.0


def test_gensim_import_paths_port_by_one_word():
    import w2v
    from w2v.models import FastText as F1
    from w2v.models.fasttext import (FastText, FastTextKeyedVectors as K, compute_ngrams as c1,
                                     ft_hash_bytes as h1, load_facebook_model, load_facebook_vectors,
                                     save_facebook_model)
    from w2v.models.fasttext_inner import compute_ngrams as c2, ft_hash_bytes as h2
    assert FastText is F1 is w2v.FastText and K is w2v.FastTextKeyedVectors
    assert (load_facebook_model, load_facebook_vectors, save_facebook_model) == (
        w2v.load_facebook_model, w2v.load_facebook_vectors, w2v.save_facebook_model)
    assert c1 is c2 is compute_ngrams and h1 is h2 is ft_hash_bytes


def test_info_describes_a_fasttext_bin(tmp_path, capsys):
    path = str(tmp_path / "m.bin")
    facebook.write_facebook(path, fb_model())
    assert main(["info", path]) == 0
    out = capsys.readouterr().out
    assert "fastText .bin" in out and "日本" in out
