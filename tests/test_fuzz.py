"""Fuzzing the readers: any bytes either load into consistent vectors or raise ValueError.

ValueError is the one documented error for a bad file (a UnicodeDecodeError is a ValueError too);
anything else (IndexError, MemoryError, a numba error, a hang) is a bug. Mutations of valid files
(flipped, cut, inserted and deleted bytes) reach deeper than random bytes. Bounded: the whole
file runs in well under 30 s.
"""
import io
import json
import os
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from w2v import KeyedVectors, Word2Vec
from w2v.vectors import native
from w2v.vectors.formats import load_word2vec_format, save_word2vec_format

# W2V_FUZZ_EXAMPLES=5000 for a longer campaign, W2V_FUZZ_RANDOM=1 for fresh draws. By default the
# draws are fixed (derandomize), so CI tests the same 120 cases every time.
#
# No deadline: the native-archive fuzz failed three times under load (never in 1,500 unloaded fresh
# examples) because hypothesis's 3-s per-example deadline was the one thing in it that depends on
# the machine. Its examples take 6 ms (median) to 27 ms of work (measured), so only a stall outside
# the test's code crosses 3 s: a full garbage collection of the test session's heap (0.9 s for 5 M
# objects on this shared machine, unloaded; several times that with the cores busy), fsyncs of the
# atomic saves in _check_vectors behind other processes' writes, or a descheduled process. Then
# hypothesis re-runs the example, it is fast, and it reports "unreliable test timings" (Flaky): a
# timed unit test, which the house rules forbid. A hang is still caught, by CI's time limit.
FUZZ = settings(max_examples=int(os.environ.get("W2V_FUZZ_EXAMPLES", 120)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow], database=None,
                derandomize=not os.environ.get("W2V_FUZZ_RANDOM"))

WORDS = ["king", "queen", "naïve", "北京", "a", "x_y"]
VECTORS = np.random.default_rng(3).standard_normal((len(WORDS), 4)).astype(np.float32)


def _valid_files():
    folder = tempfile.mkdtemp()
    out = {}
    for name, save in (("text", lambda p: save_word2vec_format(p, WORDS, VECTORS)),
                       ("binary", lambda p: save_word2vec_format(p, WORDS, VECTORS, binary=True)),
                       ("native", lambda p: KeyedVectors(WORDS, VECTORS, counts=range(6, 0, -1)).save(p)),
                       ("model", lambda p: Word2Vec([WORDS] * 3, vector_size=4, min_count=1, epochs=1,
                                                    workers=1, progress=False).save(p))):
        p = os.path.join(folder, name)
        save(p)
        with open(p, "rb") as f:
            out[name] = f.read()
    return out


VALID = _valid_files()


def _w2v_loaders():
    return {"auto": lambda p: load_word2vec_format(p),
            "binary": lambda p: load_word2vec_format(p, binary=True),
            "text": lambda p: load_word2vec_format(p, binary=False),
            "no_header": lambda p: load_word2vec_format(p, no_header=True),
            "replace": lambda p: load_word2vec_format(p, unicode_errors="replace"),
            "limit": lambda p: load_word2vec_format(p, limit=2)}


def _check_vectors(words, vectors, folder):
    """What a successful load promises, and that it can be written and read back unchanged."""
    assert isinstance(words, list) and all(isinstance(w, str) and w for w in words)
    assert len(set(words)) == len(words)
    assert vectors.dtype == np.float32 and vectors.ndim == 2 and vectors.shape[0] == len(words)
    assert np.isfinite(vectors).all()
    for binary in (False, True):
        p = os.path.join(folder, f"again{binary}")
        save_word2vec_format(p, words, vectors, binary=binary)
        again_words, again = load_word2vec_format(p, binary=binary)   # random bytes can spell text
        assert again_words == words
        np.testing.assert_array_equal(again.view(np.uint32), vectors.view(np.uint32))


def _try_all(data, tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("fuzz"))
    path = os.path.join(folder, "input")
    with open(path, "wb") as f:
        f.write(data)
    for name, load in _w2v_loaders().items():
        try:
            words, vectors = load(path)
        except ValueError:
            continue
        if vectors.shape[0] and name != "no_header":
            assert vectors.shape[1] >= 1
        _check_vectors(words, vectors, folder)
    for load in (KeyedVectors.load, Word2Vec.load):
        try:
            loaded = load(path)
        except ValueError:
            continue
        kv = loaded.wv if isinstance(loaded, Word2Vec) else loaded
        _check_vectors(kv.index_to_key, kv.vectors, folder)
    try:
        meta, arrays = native.load_native(path)
    except ValueError:
        return
    assert isinstance(meta, dict) and all(isinstance(a, np.ndarray) for a in arrays.values())


# ---- random bytes, and bytes shaped like the formats -------------------------------------------------

@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(tmp_path_factory, data):
    _try_all(data, tmp_path_factory)


token = st.one_of(st.sampled_from([b"1", b"-0.5", b"nan", b"inf", b"1e39", b"0x10", b"", b"a", b"\xff",
                                   b"\x00", b"\r", b"\t", b"3.4e38", b"-1e-45"]),
                  st.binary(max_size=4))


@st.composite
def text_like(draw):
    """A word2vec text file, mostly well formed: header, then rows of word + values."""
    header = draw(st.one_of(
        st.tuples(st.integers(-1, 6), st.integers(-1, 6)).map(lambda t: b"%d %d\n" % t),
        st.sampled_from([b"", b"512573022 3210\n", b"3 99999999999\n", b"2 3 4\n", b"\xef\xbb\xbf2 2\n"])))
    rows = draw(st.lists(st.tuples(st.sampled_from([b"a", b"b", b"c", b"a", b"\xc3\xa9", b""]),
                                   st.lists(token, max_size=5)), max_size=6))
    newline = draw(st.sampled_from([b"\n", b"\r\n"]))
    return header + b"".join(w + b" " + b" ".join(v) + newline for w, v in rows)


@st.composite
def binary_like(draw):
    """A word2vec binary file, mostly well formed, with values that may be nan or inf."""
    count, dim = draw(st.integers(0, 4)), draw(st.integers(1, 4))
    declared = draw(st.sampled_from([count, count + 1, max(count - 1, 0), 10 ** 9]))
    header = b"%d %d\n" % (declared, draw(st.sampled_from([dim, dim + 1, max(dim - 1, 1)])))
    values = draw(st.lists(st.floats(width=32), min_size=count * dim, max_size=count * dim))
    rows = np.array(values, "<f4").reshape(count, dim)
    words = draw(st.lists(st.sampled_from([b"a", b"b", b"\n", b"x\x01y", b"\xe2\x82", b"c"]),
                          min_size=count, max_size=count))
    newline = draw(st.sampled_from([b"", b"\n"]))
    return header + b"".join(w + b" " + r.tobytes() + newline for w, r in zip(words, rows))


@FUZZ
@given(data=text_like())
def test_text_shaped_bytes(tmp_path_factory, data):
    _try_all(data, tmp_path_factory)


@FUZZ
@given(data=binary_like())
def test_binary_shaped_bytes(tmp_path_factory, data):
    _try_all(data, tmp_path_factory)


# ---- mutations of valid files ----------------------------------------------------------------------

mutation = st.tuples(st.sampled_from(["flip", "cut", "insert", "delete", "overwrite"]),
                     st.floats(0, 1), st.integers(0, 255), st.binary(min_size=1, max_size=8))


def mutate(data, ops):
    b = bytearray(data)
    for op, where, bit, chunk in ops:
        i = min(int(where * len(b)), max(len(b) - 1, 0))
        if op == "flip" and b:
            b[i] ^= 1 << (bit % 8)
        elif op == "cut":
            del b[i:]
        elif op == "insert":
            b[i:i] = chunk
        elif op == "delete":
            del b[i:i + len(chunk)]
        elif op == "overwrite":
            b[i:i + len(chunk)] = chunk
    return bytes(b)


@pytest.mark.parametrize("kind", list(VALID))
@FUZZ
@given(ops=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_valid_files(tmp_path_factory, kind, ops):
    _try_all(mutate(VALID[kind], ops), tmp_path_factory)


# ---- native archives whose zip is sound but whose content lies --------------------------------------

json_value = st.recursive(st.none() | st.booleans() | st.integers(-3, 10 ** 12) | st.floats() | st.text(max_size=5),
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                     max_size=3),
                          max_leaves=8)
array = st.one_of(
    st.sampled_from([np.zeros((2, 3), np.float32), np.full((2, 3), np.nan), np.zeros((3, 3), np.float64),
                     np.zeros(3, np.int64), np.array([0, 1, 2]), np.array([0, 5, 1]), np.frombuffer(b"ab\xff", np.uint8),
                     np.array(["x"]), np.zeros((2, 2), np.complex64), np.zeros(2, np.uint64), np.ones(2, np.uint64),
                     np.zeros(0, np.float32), np.zeros((0, 3), np.float32), np.array(1.5)]))
names = st.sampled_from(["words_blob", "words_offsets", "counts", "vectors", "syn1", "syn1neg", "rng_states",
                         "other"])


@st.composite
def native_like(draw):
    header = {"format": draw(st.sampled_from([native.FORMAT_NAME, native.FORMAT_NAME, "w2v", 3])),
              "version": draw(st.sampled_from([1, 1, 0, 2, "1", None])),
              "kind": draw(st.sampled_from(["keyedvectors", "model", "checkpoint", None])),
              "meta": draw(st.one_of(json_value, st.just({"config": {"vector_size": 3, "min_count": 1}})))}
    arrays = dict(zip(("words_blob", "words_offsets"), native.encode_words(["a", "b"])))
    arrays["vectors"] = np.ones((2, 3), np.float32)
    arrays.update(draw(st.dictionaries(names, array, max_size=4)))
    if draw(st.booleans()):
        arrays.pop(draw(names), None)
    raw = json.dumps(header).encode() if draw(st.integers(0, 9)) else draw(st.binary(max_size=20))
    buf = io.BytesIO()
    np.savez(buf, __header__=np.frombuffer(raw, np.uint8), **arrays)
    return buf.getvalue()


@FUZZ
@given(data=native_like())
def test_native_archives_with_lying_content(tmp_path_factory, data):
    folder = str(tmp_path_factory.mktemp("fuzz"))
    path = os.path.join(folder, "input")
    with open(path, "wb") as f:
        f.write(data)
    for load in (native.load_native, KeyedVectors.load):
        try:
            result = load(path)
        except ValueError:
            continue
        if isinstance(result, KeyedVectors):
            _check_vectors(result.index_to_key, result.vectors, folder)


# ---- the corpus reader ---------------------------------------------------------------------------------

piece = st.sampled_from([b"a", b"b", "é".encode(), b" ", b"\n", b"\r\n", b"\r", b"\t", b"\x0b", b"\x1c", b"\x1f",
                         b"\xc2\x85", b"\xc2\xa0", b"\xe2\x80\xa8", b"\xe3\x80\x80", b"\xe2\x80\x8b",
                         b"\xef\xbb\xbf", b"\x7f", b"\x00", b"\xff", b"\xe2\x82"])


@FUZZ
@given(data=st.lists(piece, max_size=40).map(b"".join))
def test_corpus_reader_splits_like_str_split_or_raises(tmp_path_factory, data):
    """The compiled tokenizer counts exactly what ``str.split`` finds, line by line; bytes that are
    not UTF-8 text (invalid sequences, NUL) raise ValueError."""
    from collections import Counter

    from w2v.corpus import LineSentence
    from w2v.corpus.encoded import scan

    path = os.path.join(str(tmp_path_factory.mktemp("corpus")), "c.txt")
    with open(path, "wb") as f:
        f.write(data)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        with pytest.raises(ValueError, match=r"c\.txt: (line \d+: (invalid utf-8 byte|NUL byte)|not a text file)"):
            scan(LineSentence(path)).close()
        return
    lines = [line.split() for line in text.replace("\r\n", "\n").split("\n")]
    with scan(LineSentence(path)) as result:
        assert Counter(dict(zip(result.words, result.counts.tolist()))) == Counter(w for l in lines for w in l)
        assert result.n_sentences == sum(1 for line in lines if line)


# ---- fastText .bin files ---------------------------------------------------------------------------

def _valid_fasttext_bin():
    from w2v.vectors import facebook
    rng = np.random.default_rng(5)
    words = ["the", "naïve", "</s>", "北京"]
    args = dict(dim=3, ws=5, epoch=5, minCount=1, neg=5, wordNgrams=1, loss=2, model=2, bucket=7,
                minn=2, maxn=4, lrUpdateRate=100, t=1e-4)
    model = facebook.FacebookModel(args, words, np.array([9, 5, 3, 1]), 18,
                                   rng.standard_normal((11, 3)).astype(np.float32),
                                   rng.standard_normal((4, 3)).astype(np.float32))
    p = os.path.join(tempfile.mkdtemp(), "ft.bin")
    facebook.write_facebook(p, model)
    with open(p, "rb") as f:
        return f.read()


FASTTEXT_BIN = _valid_fasttext_bin()


@FUZZ
@given(ops=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_fasttext_bin(tmp_path_factory, ops):
    """A damaged fastText .bin loads into consistent subword vectors or raises one ValueError."""
    from w2v.models.fasttext import load_facebook_model, load_facebook_vectors
    path = os.path.join(str(tmp_path_factory.mktemp("fuzz")), "m.bin")
    with open(path, "wb") as f:
        f.write(mutate(FASTTEXT_BIN, ops))
    for load in (load_facebook_vectors, lambda p: load_facebook_model(p).wv):
        try:
            kv = load(path)
        except ValueError as e:
            assert "\n" not in str(e)
            continue
        assert all(isinstance(w, str) for w in kv.index_to_key)
        assert len(set(kv.index_to_key)) == len(kv)
        assert kv.vectors.shape == (len(kv), kv.vector_size)
        assert kv.vectors_all.shape == (len(kv) + kv.bucket, kv.vector_size)
        assert kv["unseen"].shape == (kv.vector_size,)


# ---- the settings themselves ----------------------------------------------------------------------------

def test_a_stall_outside_the_code_does_not_fail_a_fuzz_test():
    """A 4-s pause in one example (a full garbage collection of a big heap on a busy machine)
    failed the native-archive fuzz through the deadline (hypothesis: Flaky, unreliable timings)."""
    import time

    calls = []

    @settings(FUZZ, max_examples=3)
    @given(st.integers(0, 10))
    def stalls_once(_):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(4.0)

    stalls_once()
    assert len(calls) >= 3
