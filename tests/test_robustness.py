"""Bad input, crashes and restarts: each case gets a clear answer (an error naming the file and
line, or a documented result), never a hang, a traceback or a silently wrong model.

docs/robustness.md tables these cases with the messages they give.
"""
import importlib.util
import os
import pickle
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec
from w2v.vectors import native
from w2v.cli import main
from w2v.corpus import LineSentence
from w2v.corpus.encoded import scan
from w2v.vectors.formats import save_word2vec_format
from w2v.corpus.vocab import Vocab

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
SMALL = dict(vector_size=8, min_count=1, epochs=1, workers=1, seed=1, progress=False)


def cli_error(capsys, argv, match):
    """Run the CLI; it must exit 2 with one line on stderr matching ``match`` and no traceback."""
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert re.search(match, err), err
    return err


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ---- corpus files --------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256))

# id -> (file content, reader options, message)
CORPUS_ERRORS = {
    "empty": (b"", {}, r"the corpus is empty"),
    "whitespace-only": (b"  \n\t\r\n \x0b\x0c\n\n", {}, r"the corpus is empty"),
    # issue 26: a binary file is said to be one, not blamed on an encoding (which sent users to gb18030)
    "binary-garbage": (PNG, {}, r"corpus\.txt: not a text file: it looks like a PNG image; a corpus is text"),
    "binary-garbage-replace": (PNG, {"errors": "replace"}, r"corpus\.txt: not a text file: it looks like a "
                                                           r"binary file"),
    "executable": (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), {"encoding": "latin-1"},
                   r"corpus\.txt: not a text file: it looks like an executable program \(ELF\)"),
    "binary-later": (b"good words\n" * 2000 + bytes(range(128, 256)), {},
                     r"corpus\.txt: line 2001: invalid utf-8 byte 0x80"),     # only a file's start says
    "invalid-utf8-strict": (b"good words\nbad \xff byte\n", {},
                            r"corpus\.txt: line 2: invalid utf-8 byte 0xff at column 5; pass errors='replace'"),
    "nul-bytes": (b"a b\nc\x00d\n", {}, r"corpus\.txt: line 2: NUL byte at column 2; .*UTF-16"),
    "utf16-with-bom": ("a b\n".encode("utf-16"), {}, r"line 1: .*UTF-16 byte-order mark.*encoding='utf-16'"),
    "utf16-without-bom": ("a b\n".encode("utf-16-le"), {}, r"line 1: NUL byte at column 2"),
    "unknown-encoding": (b"a b\n", {"encoding": "klingon"}, r"unknown encoding 'klingon'"),
}
CLI_READER_FLAGS = {"errors": "--encoding-errors", "encoding": "--encoding"}


@pytest.mark.parametrize("case", list(CORPUS_ERRORS))
def test_corpus_bad_input_api(tmp_path, case):
    data, options, message = CORPUS_ERRORS[case]
    p = write(tmp_path, "corpus.txt", data)
    with pytest.raises(ValueError, match=message):
        Word2Vec(str(p), **SMALL, **options)


@pytest.mark.parametrize("case", list(CORPUS_ERRORS))
def test_corpus_bad_input_cli(tmp_path, capsys, case):
    data, options, message = CORPUS_ERRORS[case]
    p = write(tmp_path, "corpus.txt", data)
    flags = [x for k, v in options.items() for x in (CLI_READER_FLAGS[k], v)]
    cli_error(capsys, ["train", p, "-o", tmp_path / "m.npz", "-q", "--min-count", "1", "--threads", "1",
                       *flags], message)
    assert not (tmp_path / "m.npz").exists()


def test_invalid_utf8_replaced(tmp_path):
    p = write(tmp_path, "corpus.txt", b"good words\nbad \xff byte\n" * 3)
    model = Word2Vec(str(p), **SMALL, errors="replace")
    assert sorted(model.wv.index_to_key) == sorted(["good", "words", "bad", "\ufffd", "byte"])


def test_utf16_read_with_its_encoding(tmp_path):
    p = write(tmp_path, "corpus.txt", "北京 上海\nparis london\n".encode("utf-16"))
    model = Word2Vec(str(p), **SMALL, encoding="utf-16")
    assert sorted(model.wv.index_to_key) == sorted(["北京", "上海", "paris", "london"])


def test_bom_and_crlf_change_nothing(tmp_path):
    text = b"the cat sat on the mat\nthe dog sat on the log\n" * 20
    plain = Word2Vec(str(write(tmp_path, "lf.txt", text)), **SMALL)
    bom_crlf = Word2Vec(str(write(tmp_path, "crlf.txt", b"\xef\xbb\xbf" + text.replace(b"\n", b"\r\n"))), **SMALL)
    assert bom_crlf.wv.index_to_key == plain.wv.index_to_key
    assert not any("\ufeff" in w or "\r" in w for w in bom_crlf.wv.index_to_key)
    np.testing.assert_array_equal(bom_crlf.wv.vectors, plain.wv.vectors)


def test_words_longer_than_10000_bytes_are_kept_and_round_trip(tmp_path):
    long_word = "é" * 15_000                       # 30,000 bytes
    p = write(tmp_path, "corpus.txt", f"a {long_word} b\nb a {long_word}\n".encode() * 5)
    model = Word2Vec(str(p), **SMALL)
    assert long_word in model.wv
    model.save(tmp_path / "m.npz")
    assert Word2Vec.load(tmp_path / "m.npz").wv.index_to_key == model.wv.index_to_key
    for binary in (False, True):
        out = tmp_path / f"v{binary}"
        model.wv.save_word2vec_format(out, binary=binary)
        back = KeyedVectors.load_word2vec_format(out)
        assert back.index_to_key == model.wv.index_to_key
        np.testing.assert_array_equal(back.vectors, model.wv.vectors)


def test_binary_format_refuses_words_over_1_mib(tmp_path):
    p = tmp_path / "v.bin"
    with pytest.raises(ValueError, match=r"v\.bin: row 2: word .* longer than 1048576 bytes.*save as text"):
        save_word2vec_format(p, ["a", "x" * (1 << 20 | 1)], np.zeros((2, 2), np.float32), binary=True)
    assert not p.exists()


@pytest.mark.slow
def test_single_100_mb_line_is_chunked_in_bounded_memory(tmp_path):
    p = tmp_path / "one-line.txt"
    with open(p, "wb") as f:
        f.write(b"a b " * 25_000_000)                # 100 MB, 50 M tokens, no newline
    tracemalloc.start()
    try:
        with scan(LineSentence(str(p))) as result:
            peak = tracemalloc.get_traced_memory()[1]
            lengths = np.diff(np.fromfile(result.offsets_path, dtype=np.int64))
            assert result.n_tokens == 50_000_000 and result.words == ["a", "b"]
    finally:
        tracemalloc.stop()
    assert (lengths == 10_000).all() and len(lengths) == 5_000
    assert peak < 400 * 2**20, f"peak {peak / 2**20:.0f} MiB for a 100 MB line"


# ---- vector and model files -----------------------------------------------------------------------

def _native_with(tmp_path, name, kind="keyedvectors", meta=None, version=native.FORMAT_VERSION, **arrays):
    """A native archive written by hand, to break one rule at a time."""
    header = {"format": native.FORMAT_NAME, "version": version, "kind": kind, "meta": meta or {}}
    p = tmp_path / name
    with open(p, "wb") as f:
        np.savez(f, __header__=np.frombuffer(__import__("json").dumps(header).encode(), np.uint8), **arrays)
    return p


def _words(*words):
    blob, offsets = native.encode_words(list(words))
    return {"words_blob": blob, "words_offsets": offsets}


def _truncated_native(tmp_path):
    KeyedVectors(["a", "b"], np.ones((2, 3), np.float32)).save(tmp_path / "full.npz")
    data = (tmp_path / "full.npz").read_bytes()
    return write(tmp_path, "bad", data[:len(data) // 2])


def _unknown_compression(tmp_path):
    """A native file whose zip directory names compression method 99 (zipfile: NotImplementedError)."""
    KeyedVectors(["a", "b"], np.ones((2, 3), np.float32)).save(tmp_path / "full.npz")
    data = bytearray((tmp_path / "full.npz").read_bytes())
    for at in [m.start() for m in re.finditer(b"PK\x01\x02", bytes(data))]:
        data[at + 10:at + 12] = (99).to_bytes(2, "little")
    return write(tmp_path, "bad", bytes(data))


def _foreign_zip(tmp_path):
    with zipfile.ZipFile(tmp_path / "bad", "w") as z:
        z.writestr("readme.txt", "not vectors")
    return tmp_path / "bad"


def _model_with_wrong_dims(tmp_path):
    model = Word2Vec([["a", "b", "c"]] * 5, **SMALL)
    model.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as z:
        arrays = {k: z[k] for k in z.files}
    arrays["vectors"] = np.zeros((3, 5), np.float32)
    p = tmp_path / "bad"
    with open(p, "wb") as f:
        np.savez(f, **arrays)
    return p


BIN_ROW = b"a " + np.array([1, 2, 3], "<f4").tobytes()
W2V = KeyedVectors.load_word2vec_format         # text or binary, detected

# id -> (make the file, loader, message)
FILE_ERRORS = {
    "text-truncated": (lambda t: write(t, "bad", b"3 2\na 1 2\nb 3 4\n"), W2V,
                       r"bad: line 4: file ends after 2 rows; the header declares 3 \(truncated file, or wrong header\)"),
    "binary-truncated": (lambda t: write(t, "bad", b"2 3\n" + BIN_ROW + b"b " + b"\0" * 5), W2V,
                         r"bad: row 2: file ends early; the header declares 2 vectors of 3 dimensions"),
    "native-truncated": (_truncated_native, KeyedVectors.load,
                         r"bad: damaged w2v native file, or a zip archive of something else \(BadZipFile: "),
    "native-unknown-compression": (_unknown_compression, KeyedVectors.load,
                                   r"bad: damaged w2v native file, .*\(NotImplementedError: That compression "
                                   r"method is not supported\)"),
    "text-header-count-huge": (lambda t: write(t, "bad", b"512573022 3\na 1 2 3\n"), W2V,
                               r"bad: line 3: file ends after 1 rows; the header declares 512573022"),
    "binary-header-count-huge": (lambda t: write(t, "bad", b"512573022 3210\n" + BIN_ROW), W2V,
                                 r"bad: row 1: file ends early; the header declares 512573022 vectors of 3210"),
    "header-absurd": (lambda t: write(t, "bad", b"3 99999999999\na 1\n"), W2V,
                      r"bad: line 1: header declares 3 vectors of 99999999999 dimensions"),
    "text-header-count-small": (lambda t: write(t, "bad", b"1 2\na 1 2\nb 3 4\n"), W2V,
                                r"bad: line 3: more rows than the 1 the header declares"),
    "binary-header-count-small": (lambda t: write(t, "bad", b"1 3\n" + BIN_ROW + b"\n" + BIN_ROW), W2V,
                                  r"bad: row 2: data continues after the 1 vectors the header declares"),
    "text-wrong-dimension": (lambda t: write(t, "bad", b"2 3\na 1 2 3\nb 1 2\n"), W2V,
                             r"bad: line 3: 2 values after the word b'b', expected 3 \(the header's dimensions\)"),
    "binary-wrong-dimension": (lambda t: write(t, "bad", b"2 2\n" + BIN_ROW + b"\n" + BIN_ROW + b"\n"), W2V,
                               r"bad: row 2: empty word or NUL/line-break bytes in word .*dimensions \(2\) probably"),
    "native-wrong-dimension": (_model_with_wrong_dims, Word2Vec.load,
                               r"bad: arrays disagree with the vocabulary \(3 words, 8 dims\)"),
    "text-nan": (lambda t: write(t, "bad", b"2 2\na 1 2\nb nan 4\n"), W2V, r"bad: line 3: non-finite value"),
    "text-overflow": (lambda t: write(t, "bad", b"1 2\na 1e39 4\n"), W2V,
                      r"bad: line 2: non-finite value \(nan, inf, or too large for float32\)"),
    "binary-inf": (lambda t: write(t, "bad", b"1 2\na " + np.array([1, np.inf], "<f4").tobytes()), W2V,
                   r"bad: row 1 \(word b'a'\): non-finite value"),
    "native-nan": (lambda t: _native_with(t, "bad", vectors=np.full((1, 2), np.nan, np.float32), **_words("a")),
                   KeyedVectors.load, r"bad: 'vectors' holds non-finite values"),
    "native-lying-offsets": (lambda t: _native_with(t, "bad", vectors=np.zeros((2, 2), np.float32),
                                                    words_blob=np.frombuffer(b"ab", np.uint8),
                                                    words_offsets=np.array([0, 5, 2])),
                             KeyedVectors.load, r"bad: the word offsets do not cut the 2-byte word list"),
    "native-duplicate-words": (lambda t: _native_with(t, "bad", vectors=np.zeros((2, 2), np.float32),
                                                      **_words("a", "a")),
                               KeyedVectors.load, r"bad: duplicate word in index_to_key: 'a'"),
    "native-wrong-dtype": (lambda t: _native_with(t, "bad", vectors=np.array([["1", "2"]]), **_words("a")),
                           KeyedVectors.load, r"bad: 'vectors' is a <U1 array of shape \(1, 2\)"),
    "native-zero-rng-state": (lambda t: _native_with(t, "bad", rng_states=np.zeros(2, np.uint64)),
                              native.load_native, r"bad: 'rng_states' must be non-zero"),
    "native-newer-version": (lambda t: _native_with(t, "bad", version=99), KeyedVectors.load,
                             r"bad: format version 99 is newer than this w2v reads \(2\); upgrade w2v"),
    "native-other-kind": (lambda t: _native_with(t, "bad", **_words("a"), vectors=np.zeros((1, 2), np.float32)),
                          Word2Vec.load, r"bad: holds a 'keyedvectors', not a 'model'"),
    "png-as-vectors": (lambda t: write(t, "bad", PNG), W2V,
                       r"bad: line 1: expected a 'V D' header .*; it looks like a PNG image"),
    "png-as-native": (lambda t: write(t, "bad", PNG), KeyedVectors.load,
                      r"bad: not a w2v native file \(those are zip archives\); it looks like a PNG image"),
    "foreign-zip-as-native": (_foreign_zip, KeyedVectors.load, r"bad: not a w2v native file \(no header\)"),
    "foreign-zip-as-vectors": (_foreign_zip, W2V, r"bad: line 1: .*it looks like a zip archive"),
    "pickle-as-native": (lambda t: write(t, "bad", pickle.dumps({"wv": [1.0]}, protocol=4)), Word2Vec.load,
                         r"bad: not a w2v native file \(those are zip archives\); it looks like a Python pickle \(w2v never loads"),
    "pickle-as-vectors": (lambda t: write(t, "bad", pickle.dumps({"wv": [1.0]}, protocol=4)), W2V,
                          r"bad: line 1: .*it looks like a Python pickle"),
    "text-vectors-as-native": (lambda t: write(t, "bad", b"1 2\na 1 2\n"), KeyedVectors.load,
                               r"bad: not a w2v native file \(those are zip archives\); it looks like word2vec vectors \(load them with KeyedVectors\.load_word2vec"),
    "empty-vectors": (lambda t: write(t, "bad", b""), W2V, r"bad: empty file"),
    "empty-native": (lambda t: write(t, "bad", b""), KeyedVectors.load, r"bad: not a w2v native file \(those are zip archives\); the file is empty"),
}


@pytest.mark.parametrize("case", list(FILE_ERRORS))
def test_bad_vector_and_model_files(tmp_path, case):
    make, load, message = FILE_ERRORS[case]
    path = make(tmp_path)
    with pytest.raises(ValueError, match=message):
        load(str(path))


@pytest.mark.parametrize("case,message", [
    ("text-truncated", r"bad: line 4: file ends after 2 rows"),
    ("binary-header-count-huge", r"bad: row 1: file ends early; the header declares 512573022"),
    ("native-truncated", r"bad: damaged w2v native file, or a zip archive of something else \(BadZipFile"),
    ("native-nan", r"bad: 'vectors' holds non-finite values"),
    ("png-as-native", r"bad: line 1: expected a 'V D' header .*; it looks like a PNG image"),
    ("pickle-as-native", r"bad: line 1: expected a 'V D' header .*; it looks like a Python pickle"),
    ("empty-native", r"bad: empty file"),
])
def test_bad_vector_files_cli(tmp_path, capsys, case, message):
    path = FILE_ERRORS[case][0](tmp_path)
    for command in (["info", path], ["similar", path, "a"], ["convert", path, tmp_path / "out.txt"]):
        cli_error(capsys, command, "^w2v: error: .*" + message)
    assert not (tmp_path / "out.txt").exists()


def test_binary_words_with_control_characters_load(tmp_path):
    """gensim writes any word as is; only NUL, CR and LF (a sign of wrong dimensions) are refused."""
    p = write(tmp_path, "v.bin", b"2 2\n" + b"x\x01y " + np.array([1, 2], "<f4").tobytes()
              + b"\x7f " + np.array([3, 4], "<f4").tobytes())
    kv = KeyedVectors.load_word2vec_format(str(p))
    assert kv.index_to_key == ["x\x01y", "\x7f"]
    kv.save_word2vec_format(tmp_path / "again.bin", binary=True)
    assert (tmp_path / "again.bin").read_bytes() == p.read_bytes()


def test_damaged_text_file_is_not_read_as_binary(tmp_path):
    """Found by fuzzing: a vertical tab in the first row made it unparsable, and the file was read
    as binary garbage (silently with limit=2). It stays text, and the error names the line."""
    rows = b"king 2.040919 -2.555665 0.41809884 -0.5677696\x0bqueen -0.45 -0.21 -2.01 -0.23\nb 1 2 3 4\n"
    p = write(tmp_path, "v.txt", b"2 4\n" + rows)
    for limit in (None, 2):
        with pytest.raises(ValueError, match=r"v\.txt: line 2: 9 values after the word b'king', expected 4"):
            KeyedVectors.load_word2vec_format(str(p), limit=limit)


def test_failed_loads_leave_no_open_file(tmp_path):
    """np.load leaks its handle when a zip directory is damaged; the loaders open the file themselves."""
    import gc
    import warnings
    paths = [_truncated_native(tmp_path), write(tmp_path, "zip-ish", b"PK\x03\x04 then garbage"),
             write(tmp_path, "text", b"2 2\na 1\n")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for path in paths:
            for load in (KeyedVectors.load, Word2Vec.load, native.load_native, W2V):
                with pytest.raises(ValueError):
                    load(str(path))
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_missing_files(tmp_path):
    for load in (KeyedVectors.load, Word2Vec.load, KeyedVectors.load_word2vec_format):
        with pytest.raises(FileNotFoundError, match=r"nope\.bin: no such file"):
            load(str(tmp_path / "nope.bin"))
    with pytest.raises(FileNotFoundError, match=r"nope\.txt: no such file"):
        Word2Vec(str(tmp_path / "nope.txt"), **SMALL)


# ---- Word2Vec.load checks the content of a sound zip, and names the file ------------------------

def _model_file(tmp_path, meta=None, drop=(), **arrays):
    """A saved model, then its metadata updated with ``meta``, arrays dropped or replaced."""
    Word2Vec([["a", "b", "c"]] * 5, **SMALL).save(tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as z:
        stored = {k: z[k] for k in z.files if k not in drop}
    header = __import__("json").loads(stored.pop("__header__").tobytes())
    header["meta"].update(meta or {})
    stored.update(arrays)
    return _native_with(tmp_path, "bad.npz", kind="model", meta=header["meta"], **stored)


MODEL_GAPS = {
    "reader-options-not-a-dict": dict(meta={"reader_options": [1]}),
    "reader-options-unknown-key": dict(meta={"reader_options": {"bogus": 1}}),
    "training-log-not-a-list": dict(meta={"training_log": 5}),
    "config-value-of-wrong-type": dict(meta={"config": {**Word2Vec(**SMALL).config.to_dict(), "window": "5"}}),
    "duplicate-words": dict(**dict(zip(("words_blob", "words_offsets"), native.encode_words(["a", "a", "b"])))),
    "syn1neg-missing-with-negative": dict(drop=("syn1neg",)),
}


@pytest.mark.parametrize("case", list(MODEL_GAPS))
def test_model_file_gaps(tmp_path, case):
    path = _model_file(tmp_path, **MODEL_GAPS[case])
    with pytest.raises(ValueError, match=r"bad\.npz: "):
        Word2Vec.load(path)


# ---- hyperparameters ------------------------------------------------------------------------------

HYPERPARAMETER_ERRORS = {
    "vector_size=0": ({"vector_size": 0}, r"vector_size must be >= 1, got 0"),
    "vector_size='100'": ({"vector_size": "100"}, r"vector_size must be an integer, got '100'"),
    "vector_size=1.5": ({"vector_size": 1.5}, r"vector_size must be an integer, got 1\.5"),
    "window=0": ({"window": 0}, r"window must be >= 1, got 0"),
    "min_count=-1": ({"min_count": -1}, r"min_count must be >= 0, got -1"),
    "alpha=0": ({"alpha": 0}, r"alpha must be > 0\.0, got 0"),
    "alpha=nan": ({"alpha": float("nan")}, r"alpha must be a number, got nan"),
    "alpha=inf": ({"alpha": float("inf")}, r"alpha must be > 0\.0, got inf"),
    "min_alpha>alpha": ({"min_alpha": 0.5}, r"min_alpha \(0\.5\) must not exceed alpha \(0\.025\)"),
    "sample=-1": ({"sample": -1}, r"sample must be >= 0\.0, got -1"),
    "negative=-1": ({"negative": -1}, r"negative must be >= 0, got -1"),
    "hs=2": ({"hs": 2}, r"hs must be between 0 and 1, got 2"),
    "sg=True": ({"sg": True}, r"sg must be an integer, got True"),
    "no-objective": ({"negative": 0}, r"no objective: set negative > 0, hs=1 or softmax=1"),
    "softmax+negative": ({"softmax": 1}, r"softmax=1 is an objective of its own"),
    "ns_exponent=inf": ({"ns_exponent": float("inf")}, r"ns_exponent must be a finite number, got inf"),
    "epochs=0": ({"epochs": 0}, r"epochs must be >= 1, got 0"),
    "workers=0": ({"workers": 0}, r"workers must be >= 1, got 0"),
    "seed=-1": ({"seed": -1}, r"seed must be >= 0, got -1"),
    "max_vocab_size=1": ({"max_vocab_size": 1}, r"max_vocab_size must be >= 2, got 1"),
    "batch_words=0": ({"batch_words": 0}, r"batch_words must be >= 1, got 0"),
    "max_sentence_length=0": ({"max_sentence_length": 0}, r"max_sentence_length must be >= 1, got 0"),
}


@pytest.mark.parametrize("case", list(HYPERPARAMETER_ERRORS))
def test_bad_hyperparameters_api(case):
    kwargs, message = HYPERPARAMETER_ERRORS[case]
    with pytest.raises(ValueError, match=message):
        Word2Vec(**{**SMALL, **kwargs})


@pytest.mark.parametrize("options,message", [
    ({"tokenizer": "nope"}, r"unknown tokenizer 'nope'"),
    ({"errors": "bogus"}, r"unknown errors handler 'bogus'"),
    ({"min_count": 1000}, r"no word reaches min_count=1000"),
    ({"ns_exponent": 1e308}, r"cannot build a noise distribution .* ns_exponent=1e\+308"),
])
def test_bad_options_found_when_reading(tmp_path, options, message):
    p = write(tmp_path, "corpus.txt", b"a b c\n" * 10)
    with pytest.raises(ValueError, match=message):
        Word2Vec(str(p), **{**SMALL, **options})


@pytest.mark.parametrize("flags,message", [
    (["--size", "0"], r"^w2v: error: --size must be >= 1, got 0$"),
    (["--vector-size", "-5"], r"^w2v: error: --vector-size must be >= 1, got -5$"),
    (["--size", "abc"], r"^w2v train: argument --size/--vector-size: invalid int value: 'abc'"),
    (["--alpha", "nan"], r"^w2v: error: --alpha must be a number, got nan$"),
    (["--window", "-1"], r"^w2v: error: --window must be >= 1, got -1$"),
    (["--threads", "0"], r"^w2v: error: --threads must be >= 1, got 0$"),
    (["--workers", "0"], r"^w2v: error: --workers must be >= 1, got 0$"),
    (["--epochs", "0"], r"^w2v: error: --epochs must be >= 1, got 0$"),
    (["--iter", "0"], r"^w2v: error: --iter must be >= 1, got 0$"),
    (["--sample", "-1"], r"^w2v: error: --sample must be >= 0\.0, got -1\.0$"),
    (["--negative", "0"], r"^w2v: error: no objective: set --negative > 0, --hs or --softmax$"),
    (["--softmax", "--hs"], r"^w2v: error: --softmax is an objective of its own: set no --hs and --negative 0 "
                            r"with it$"),
    (["--min-count", "1000"], r"^w2v: error: no word reaches --min-count 1000"),
    (["--ns-exponent", "1e308"], r"^w2v: error: cannot build a noise distribution"),
    (["--encoding", "klingon"], r"^w2v: error: unknown encoding 'klingon'"),
    (["--encoding-errors", "bogus"], r"^w2v train: argument --encoding-errors: invalid choice: 'bogus'"),
    (["--tokenizer", "nope"], r"^w2v: error: unknown tokenizer 'nope'"),
    (["-cbow", "2"], r"^w2v train: argument -cbow: invalid choice: 2"),
])
def test_bad_flags_cli(tmp_path, capsys, flags, message):
    p = write(tmp_path, "corpus.txt", b"a b c\n" * 10)
    args = ["train", p, "-o", tmp_path / "m.npz", "-q", "--threads", "1", *flags]
    if "--min-count" not in flags:
        args += ["--min-count", "1"]
    cli_error(capsys, args, message)
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("flags,message", [
    (["-size", "-5"], r"^w2v: error: -size must be >= 1, got -5$"),
    (["-threads", "0"], r"^w2v: error: -threads must be >= 1, got 0$"),
    (["-iter", "0", "-min-count", "1"], r"^w2v: error: -iter must be >= 1, got 0$"),
    (["-min-count", "1000"], r"^w2v: error: no word reaches -min-count 1000"),
    (["-classes", "50"], r"^w2v: error: -classes: word classes \(k-means clustering of the vectors\) are not "
                         r"supported$"),
])
def test_bad_c_tool_flags_name_the_c_flag(tmp_path, capsys, flags, message):
    p = write(tmp_path, "corpus.txt", b"a b c\n" * 10)
    cli_error(capsys, ["train", "-train", p, "-output", tmp_path / "v.txt", *flags], message)
    assert not (tmp_path / "v.txt").exists()


def test_out_of_memory_is_one_line_cli(tmp_path, capsys, monkeypatch):
    def too_big(self, *args, **kwargs):
        raise MemoryError("Unable to allocate 1.82 TiB for an array with shape (5, 99999999999)")
    monkeypatch.setattr(Word2Vec, "build_vocab", too_big)
    p = write(tmp_path, "corpus.txt", b"a b c\n")
    cli_error(capsys, ["train", p, "-o", tmp_path / "m.npz", "-q", "--size", "99999999999"],
              r"^w2v: error: not enough memory \(Unable to allocate 1\.82 TiB.*\); lower --size")


# ---- atomic writes -------------------------------------------------------------------------------

N_WORDS, DIM = 3000, 300          # ~3.6 MB native/binary, ~5 MB text: writes take tens of ms

WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    from w2v import KeyedVectors
    from w2v.corpus.vocab import Vocab
    folder, n, dim = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    words = [f"w{i}" for i in range(n)]
    i = 1
    while True:                    # rewrite every file, over and over, until killed
        kv = KeyedVectors(words, np.full((n, dim), i % 2, np.float32))
        kv.save(folder + "/kv.npz")
        kv.save_word2vec_format(folder + "/kv.txt")
        kv.save_word2vec_format(folder + "/kv.bin", binary=True)
        Vocab(words, np.full(n, i % 2 + 1)).save_c(folder + "/vocab.txt")
        if i == 1:
            print("ready", flush=True)
        i += 1
""")


def _check_intact(folder):
    """Every file loads whole and holds one complete generation (all 0s or all 1s), never a mix."""
    for name, load in (("kv.npz", KeyedVectors.load), ("kv.txt", KeyedVectors.load_word2vec_format),
                       ("kv.bin", KeyedVectors.load_word2vec_format)):
        kv = load(str(folder / name))
        assert kv.vectors.shape == (N_WORDS, DIM)
        assert kv.vectors.min() == kv.vectors.max() and kv.vectors[0, 0] in (0, 1), name
    vocab = Vocab.load_c(folder / "vocab.txt")
    assert len(vocab) == N_WORDS and vocab.counts.min() == vocab.counts.max()


@pytest.mark.slow
def test_killed_saves_leave_the_previous_files_intact(tmp_path):
    words = [f"w{i}" for i in range(N_WORDS)]
    kv = KeyedVectors(words, np.zeros((N_WORDS, DIM), np.float32))
    kv.save(tmp_path / "kv.npz")
    kv.save_word2vec_format(tmp_path / "kv.txt")
    kv.save_word2vec_format(tmp_path / "kv.bin", binary=True)
    Vocab(words, np.ones(N_WORDS)).save_c(tmp_path / "vocab.txt")
    rng = random.Random(6)
    env = {**os.environ, "PYTHONPATH": SRC}
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(N_WORDS), str(DIM)],
                                stdout=subprocess.PIPE, env=env)
        try:
            assert proc.stdout.readline() == b"ready\n"
            time.sleep(rng.uniform(0.0, 0.4))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        _check_intact(tmp_path)
    # A kill mid-write leaves its temporary file behind, never a partial file under the final name.
    leftovers = [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
    assert all(f.startswith(".") for f in leftovers)
    assert leftovers, "no kill landed inside a write: the test did not test anything"


class Boom(Exception):
    pass


@pytest.mark.parametrize("what", ["native", "text", "binary", "vocab", "plot"])
def test_failed_save_leaves_previous_file_intact(tmp_path, monkeypatch, what):
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    path = tmp_path / "out"
    save = {"native": lambda: kv.save(path),
            "text": lambda: kv.save_word2vec_format(path),
            "binary": lambda: kv.save_word2vec_format(path, binary=True),
            "vocab": lambda: Vocab(["a", "b"], [2, 1]).save_c(path)}
    if what == "plot":
        pytest.importorskip("matplotlib")
        from w2v.evaluation import plot
        save["plot"] = lambda: plot.plot_training([{"epoch": 0, "loss": 1.0, "words_per_sec": 5.0}],
                                                  output=path.with_suffix(".png"))
        path = path.with_suffix(".png")
    save[what]()
    before = path.read_bytes()
    import w2v._atomic
    real_replace = os.replace

    def write_then_crash(src, dst):
        with open(src, "ab") as f:
            f.write(b"garbage")            # the temporary file is damaged...
        raise Boom                         # ...and the process dies before the rename
    monkeypatch.setattr(w2v._atomic.os, "replace", write_then_crash)
    with pytest.raises(Boom):
        save[what]()
    monkeypatch.setattr(w2v._atomic.os, "replace", real_replace)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == [path.name]        # no temporary file left either


def test_failed_corpus_encoding_leaves_previous_files_intact(tmp_path, monkeypatch):
    """``Scan.encode(vocab, path=...)`` keeps its files: a failed rewrite leaves the previous pair."""
    from w2v.corpus.encoded import EncodedCorpus
    corpus = write(tmp_path, "corpus.txt", b"a b c\nb c\n")
    vocab = Vocab(["b", "c", "a"], [2, 2, 1])
    with scan(LineSentence(str(corpus))) as result:
        result.encode(vocab, path=tmp_path / "enc").close()
    before = [(tmp_path / n).read_bytes() for n in ("enc", "enc.offsets")]
    import w2v._atomic

    def crash(src, dst):
        raise Boom
    monkeypatch.setattr(w2v._atomic.os, "replace", crash)
    with scan(LineSentence(str(corpus))) as result, pytest.raises(Boom):
        result.encode(Vocab(["a"], [1]), path=tmp_path / "enc")
    monkeypatch.undo()
    assert [(tmp_path / n).read_bytes() for n in ("enc", "enc.offsets")] == before
    assert sorted(os.listdir(tmp_path)) == ["corpus.txt", "enc", "enc.offsets"]
    with EncodedCorpus.load(tmp_path / "enc") as enc:
        assert enc.ids.tolist() == [2, 0, 1, 0, 1]


def test_encoded_corpus_with_lying_offsets_is_refused(tmp_path):
    from w2v.corpus.encoded import EncodedCorpus
    np.array([0, 1, 2], np.int32).tofile(tmp_path / "enc")
    np.array([0, 2, 9], np.int64).tofile(tmp_path / "enc.offsets")
    with pytest.raises(ValueError, match=r"enc\.offsets: the sentence offsets do not cut the 3 ids"):
        EncodedCorpus.load(tmp_path / "enc")


def test_every_file_write_goes_through_atomic_write(tmp_path, monkeypatch):
    """Every writer of the library and the command line, run for real while every file opened
    for writing is recorded: under the output folder only temporary names are ever written, and
    each final file appears by a rename of one (so a crash never leaves a partial file). The
    corpus's scratch files go to the cache folder, which is exempt: they are deleted after use.
    """
    import builtins

    out, scratch = tmp_path / "out", tmp_path / "scratch"
    out.mkdir()
    corpus = write(tmp_path, "corpus.txt", b"a b c a b\nb c d a\n" * 50)
    opened, renamed = [], {}
    real_open, real_os_open, real_replace = builtins.open, os.open, os.replace

    def is_write(mode):
        return any(c in mode for c in "wax+")

    def spy_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and is_write(mode):
            opened.append(os.path.abspath(os.fsdecode(file)))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            opened.append(os.path.abspath(os.fsdecode(path)))
        return real_os_open(path, flags, *args, **kwargs)

    def spy_replace(src, dst):
        renamed[os.path.abspath(os.fsdecode(dst))] = os.path.abspath(os.fsdecode(src))
        return real_replace(src, dst)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(os, "replace", spy_replace)

    model = Word2Vec(str(corpus), vector_size=4, min_count=1, epochs=2, workers=1, progress=False,
                     cache_dir=scratch, checkpoint_dir=out / "ckpt", checkpoint_every=100)
    model.save(out / "model.w2v")
    model.wv.save(out / "kv.npz")
    model.wv.save_word2vec_format(out / "kv.txt")
    model.wv.save_word2vec_format(out / "kv.bin", binary=True)
    model.wv.save_word2vec_format(out / "kv.txt.gz")
    model.vocab.save_c(out / "vocab.txt")
    with scan(LineSentence(str(corpus)), cache_dir=scratch) as result:
        result.encode(model.vocab, path=out / "enc").close()
    assert main(["train", str(corpus), "-o", str(out / "cli.w2v"), "--size", "4",
                 "--min-count", "1", "--epochs", "1", "--threads", "1", "--quiet"]) == 0
    assert main(["corpus", str(corpus), "-o", str(out / "corpus.txt.gz"), "--quiet"]) == 0
    assert main(["phrases", str(corpus), "-o", str(out / "phrased.txt"), "--min-count", "1",
                 "--quiet"]) == 0
    assert main(["neighbours", str(out / "kv.txt"), "-o", str(out / "neighbours.tsv"), "--topn",
                 "2", "--quiet"]) == 0
    expected = ["checkpoint.w2v", "cli.w2v", "corpus.txt.gz", "enc", "enc.offsets", "kv.bin",
                "kv.npz", "kv.txt", "kv.txt.gz", "model.w2v", "neighbours.tsv", "phrased.txt",
                "vocab.txt"]
    if importlib.util.find_spec("matplotlib"):
        from w2v.evaluation import plot
        plot.plot_training(model.training_log, output=out / "training.png")
        plot.plot_words(model.wv, words=["a", "b", "c"], output=out / "words.svg")
        expected += ["training.png", "words.svg"]
    monkeypatch.undo()

    finals = sorted(str(p) for p in out.rglob("*") if p.is_file())
    assert sorted(os.path.basename(p) for p in finals) == sorted(expected)
    written_in_out = [p for p in opened if p.startswith(str(out))]
    assert written_in_out, "nothing was recorded: the spies saw no writes"
    for path in written_in_out:
        assert re.fullmatch(r"\..+\.[0-9a-f]{8}\.tmp", os.path.basename(path)), \
            f"{path} was opened for writing under its final name"
    for path in finals:
        assert path in renamed and renamed[path] in written_in_out, f"{path} was not renamed into place"


# ---- determinism -----------------------------------------------------------------------------------

TRAIN = textwrap.dedent("""
    import random, sys
    import numpy as np
    from w2v import Word2Vec
    corpus, out = sys.argv[1], sys.argv[2]
    for name, kw in (("sg", dict(sg=1, hs=1)), ("cbow", dict(sg=0, negative=5, sample=1e-2))):
        m = Word2Vec(corpus, vector_size=16, window=3, min_count=1, epochs=2, workers=1, seed=11,
                     progress=False, **kw)
        np.save(f"{out}-{name}.npy", m.wv.vectors)
        with open(f"{out}-{name}.txt", "w") as f:
            f.write("\\n".join(m.wv.index_to_key))
""")


@pytest.mark.slow
def test_one_worker_and_a_seed_give_bit_identical_vectors_whatever_the_hash_seed(tmp_path):
    rng = random.Random(0)
    words = [f"w{i}" for i in range(80)] + ["tie1", "tie2", "tie3"]   # equal counts: order by first sight
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 20))) for _ in range(600)]
    corpus = write(tmp_path, "corpus.txt", ("\n".join(lines) + "\ntie1 tie2 tie3\n").encode())
    for hash_seed in ("0", "4242"):
        env = {**os.environ, "PYTHONPATH": SRC, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", TRAIN, str(corpus), str(tmp_path / hash_seed)],
                       env=env, check=True, timeout=300)
    for name in ("sg", "cbow"):
        a, b = (np.load(tmp_path / f"{h}-{name}.npy") for h in ("0", "4242"))
        assert (tmp_path / f"0-{name}.txt").read_text() == (tmp_path / f"4242-{name}.txt").read_text()
        assert a.tobytes() == b.tobytes(), name
