"""The command line's edges, driven in-process through ``main(argv)``: which errors are the user's
(one line, exit 2) and which are bugs (traceback, exit 1), output paths checked before any work,
the one extension rule, progress outside a terminal, help texts and --version."""
import argparse
import contextlib
import gzip
import importlib.metadata
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import w2v.cli.query
from w2v import KeyedVectors, Word2Vec
from w2v.vectors import native
from w2v.cli import REPORT, main

from test_model import planted_corpus

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
TRAIN = ["--size", "8", "--min-count", "1", "--epochs", "1", "--threads", "1", "-q"]


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in planted_corpus(200)) + "\n")
    return path


@pytest.fixture
def vectors(tmp_path):
    path = tmp_path / "vectors.bin"
    KeyedVectors(["king", "queen", "apple"], np.eye(3, dtype=np.float32)).save_word2vec_format(path)
    return path


def run(capsys, *argv):
    capsys.readouterr()
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(capsys, *argv):
    """Run; it must exit 2 with exactly one line on stderr; return that line."""
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    return err.rstrip("\n")


@pytest.fixture
def no_training(monkeypatch):
    """Fail the test if the vocabulary or the training starts."""
    def refuse(*args, **kwargs):
        raise AssertionError("the work started before the outputs were checked")
    monkeypatch.setattr(Word2Vec, "build_vocab", refuse)
    monkeypatch.setattr(Word2Vec, "train", refuse)


# ---- the error policy ------------------------------------------------------------------------------

@pytest.mark.parametrize("bug", [IndexError("index 7 is out of bounds"), KeyError("epoch"),
                                 AttributeError("'NoneType' object has no attribute 'words'"),
                                 AssertionError("offsets must rise"), TypeError("bad operand")])
def test_an_internal_error_shows_its_traceback_and_exits_1(capsys, monkeypatch, vectors, bug):
    def broken(path, no_header=False):
        raise bug
    monkeypatch.setattr(w2v.cli.query, "load_vectors", broken)
    code, _, err = run(capsys, "similar", vectors, "king")
    lines = err.rstrip("\n").splitlines()
    assert code == 1
    assert lines[0] == "Traceback (most recent call last):" and "in broken" in err
    assert lines[-2] == f"w2v: internal error: {type(bug).__name__}: {bug}"
    assert lines[-1].startswith(REPORT + " (w2v ")


def test_bad_input_still_exits_2_with_one_line(capsys, tmp_path, vectors):
    assert one_line_error(capsys, "similar", tmp_path / "missing.bin", "king") == \
        f"w2v: error: {tmp_path / 'missing.bin'}: no such file"
    assert one_line_error(capsys, "similar", vectors, "kng") == \
        "w2v: error: 'kng' is not in the vocabulary; did you mean 'king'?"
    assert one_line_error(capsys, "similar", vectors).startswith("w2v similar: the following arguments")


def test_an_unknown_codec_is_bad_input(capsys, corpus, tmp_path):
    line = one_line_error(capsys, "vocab", corpus, "--encoding", "klingon")
    assert line.startswith("w2v: error: unknown encoding 'klingon'")


# ---- output paths, checked before the work starts ------------------------------------------------

def test_train_into_an_existing_folder_fails_before_training(capsys, corpus, tmp_path, no_training):
    folder = tmp_path / "outdir"
    folder.mkdir()
    assert one_line_error(capsys, "train", corpus, "-o", folder, *TRAIN) == \
        f"w2v: error: -o {folder}: is a folder; give a file name (e.g. {folder / 'model.w2v'})"
    assert os.listdir(folder) == []


@pytest.mark.parametrize("argv, message", [
    (["train", "{corpus}", "-o", "{tmp}/no/such/m.w2v"], "-o {tmp}/no/such/m.w2v: the folder {tmp}/no/such does not exist"),
    (["train", "{corpus}", "--output", "{tmp}"], "--output {tmp}: is a folder; give a file name (e.g. {tmp}/model.w2v)"),
    (["train", "{corpus}", "-o", "{tmp}/m.w2v", "--save-vectors", "{tmp}"],
     "--save-vectors {tmp}: is a folder; give a file name (e.g. {tmp}/vectors.txt)"),
    (["train", "{corpus}", "-o", "{tmp}/v.txt", "--save-vectors", "{tmp}/v.txt"],
     "-o and --save-vectors both name {tmp}/v.txt; give each its own file"),
    (["train", "{corpus}", "-o", "{tmp}/m.w2v", "--checkpoint-dir", "{corpus}"], "--checkpoint-dir {corpus}: is a file, not a folder"),
    (["train", "-train", "{corpus}", "-output", "{tmp}/no/v.bin"], "-output {tmp}/no/v.bin: the folder {tmp}/no does not exist"),
    (["train", "-train", "{corpus}", "-output", "{tmp}/v.bin", "-save-vocab", "{tmp}"], "-save-vocab {tmp}: is a folder; give a file name"),
    (["vocab", "{corpus}", "-o", "{tmp}"], "-o {tmp}: is a folder; give a file name (e.g. {tmp}/vocab.txt)"),
    (["demo", "-o", "{tmp}"], "-o {tmp}: is a folder; give a file name (e.g. {tmp}/demo.w2v)"),
    (["demo", "-o", "{tmp}/no/demo.w2v"], "-o {tmp}/no/demo.w2v: the folder {tmp}/no does not exist"),
    (["convert", "{vectors}", "{tmp}"], "OUT {tmp}: is a folder; give a file name (e.g. {tmp}/vectors.w2v)"),
    (["plot", "{vectors}", "--top", "2", "-o", "{tmp}/no/map.png"], "-o {tmp}/no/map.png: the folder {tmp}/no does not exist"),
    (["plot-training", "{vectors}", "-o", "{tmp}"], "-o {tmp}: is a folder; give a file name (e.g. {tmp}/loss.png)"),
])
def test_every_command_checks_its_outputs_first(capsys, corpus, vectors, tmp_path, no_training, argv, message):
    fill = dict(corpus=corpus, vectors=vectors, tmp=tmp_path)
    argv = [a.format(**fill) for a in argv]
    if argv[0] == "train":
        argv += TRAIN
    assert one_line_error(capsys, *argv) == "w2v: error: " + message.format(**fill)


def test_a_folder_without_write_permission(capsys, corpus, tmp_path, no_training, monkeypatch):
    import w2v.cli.outputs

    locked = tmp_path / "locked"
    locked.mkdir()
    # root may write anywhere, so the test stands in for the permission bits
    monkeypatch.setattr(w2v.cli.outputs.os, "access", lambda path, mode: os.fspath(path) != str(locked))
    assert one_line_error(capsys, "train", corpus, "-o", locked / "m.w2v", *TRAIN) == \
        f"w2v: error: -o {locked / 'm.w2v'}: no permission to write in the folder {locked}"


def test_not_enough_space_is_found_before_training(capsys, corpus, tmp_path, monkeypatch):
    import shutil

    import w2v.cli.outputs

    def refuse(*args, **kwargs):
        raise AssertionError("trained although the model could not be saved")
    monkeypatch.setattr(Word2Vec, "train", refuse)
    monkeypatch.setattr(w2v.cli.outputs.shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10**9, 10**9 - 100, 100))
    line = one_line_error(capsys, "train", corpus, "-o", tmp_path / "m.w2v", *TRAIN)
    # 24 words x 8 dimensions x 2 float32 matrices (input and negative-sampling output vectors)
    assert line == f"w2v: error: -o {tmp_path / 'm.w2v'}: not enough free space: about 1.5 KB needed, 100 bytes free in {tmp_path}"


def test_atomic_write_into_a_folder_names_the_folder(tmp_path):
    with pytest.raises(IsADirectoryError, match=rf"^{tmp_path}: is a folder, not a file$"):
        KeyedVectors(["a"], np.ones((1, 2), np.float32)).save_word2vec_format(tmp_path)


# ---- one extension rule ----------------------------------------------------------------------------

def test_train_output_format_follows_the_name(capsys, corpus, tmp_path):
    m, b, t, v = (tmp_path / n for n in ("m.w2v", "m.bin", "m.txt", "v.vec.gz"))
    assert run(capsys, "train", corpus, "-o", m, *TRAIN)[0] == 0
    assert native.is_native(m)
    code, _, err = run(capsys, "train", corpus, "-o", b, "--save-vectors", v, *TRAIN)
    assert code == 0 and not native.is_native(b)
    assert b.read_bytes().startswith(b"24 8\n") and b"\n" not in b.read_bytes()[5:5 + 40]   # binary rows
    assert gzip.open(v).read().decode().splitlines()[0] == "24 8"
    assert f"saved {b} (word2vec binary vectors)" in err and f"saved {v} (word2vec text vectors)" in err
    assert run(capsys, "train", corpus, "-o", t, *TRAIN)[0] == 0
    assert t.read_text().splitlines()[0] == "24 8" and len(t.read_text().splitlines()) == 25
    out = tmp_path / "vectors.out"
    assert run(capsys, "train", corpus, "--save-vectors", out, "--binary", *TRAIN)[0] == 0
    assert len(KeyedVectors.load_word2vec_format(out, binary=True)) == 24


@pytest.mark.parametrize("flags, message", [
    (["--save-vectors", "{tmp}/v.txt", "--binary"],
     "--save-vectors {tmp}/v.txt: a .txt name means word2vec text, not word2vec binary; name it .bin, or use --text"),
    (["-o", "{tmp}/m.bin", "--text"],
     "-o {tmp}/m.bin: a .bin name means word2vec binary, not word2vec text; name it .txt or .vec, or use --binary"),
    (["-o", "{tmp}/m.w2v", "--binary"],
     "--binary applies to word2vec vectors: add --save-vectors FILE (or name -o FILE .bin, .txt or .vec)"),
    (["-o", "{tmp}/m.w2v.gz"], "-o {tmp}/m.w2v.gz: a w2v native file cannot be compressed (.gz); name it .w2v"),
])
def test_train_name_and_flag_must_agree(capsys, corpus, tmp_path, no_training, flags, message):
    flags = [f.format(tmp=tmp_path) for f in flags]
    assert one_line_error(capsys, "train", corpus, *flags, *TRAIN) == "w2v: error: " + message.format(tmp=tmp_path)


def test_c_tool_output_follows_binary_then_the_name(capsys, corpus, tmp_path):
    c = ["-size", "8", "-min-count", "1", "-iter", "1", "-threads", "1", "-q"]
    named = tmp_path / "v.bin"
    assert run(capsys, "train", "-train", corpus, "-output", named, *c)[0] == 0
    assert len(KeyedVectors.load_word2vec_format(named, binary=True)) == 24
    model = tmp_path / "m.w2v"
    assert run(capsys, "train", "-train", corpus, "-output", model, *c)[0] == 0
    assert Word2Vec.load(model).config.vector_size == 8
    assert one_line_error(capsys, "train", "-train", corpus, "-output", tmp_path / "x.bin", "-binary", "0", *c) == \
        (f"w2v: error: -output {tmp_path / 'x.bin'}: a .bin name means word2vec binary, not word2vec text; "
         f"name it .txt or .vec, or use -binary 1")


def test_library_saves_follow_the_rule(tmp_path):
    kv = KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))
    kv.save_word2vec_format(tmp_path / "v.bin")                     # the name decides: binary
    assert KeyedVectors.load_word2vec_format(tmp_path / "v.bin", binary=True).index_to_key == ["a", "b"]
    kv.save_word2vec_format(tmp_path / "v.txt")
    assert (tmp_path / "v.txt").read_text() == "2 2\na 1.0 0.0\nb 0.0 1.0\n"
    with pytest.raises(ValueError, match=r"v\.txt: a \.txt name means word2vec text, not word2vec binary"):
        kv.save_word2vec_format(tmp_path / "v.txt", binary=True)
    with pytest.raises(ValueError, match=r"v\.w2v: a \.w2v name means the w2v native format; save\(\) writes it"):
        kv.save_word2vec_format(tmp_path / "v.w2v")
    with pytest.raises(ValueError, match=r"m\.bin: a \.bin name means word2vec binary, not w2v native; name it "
                                         r"\.w2v, or use save_word2vec_format\(path, binary=True\)"):
        kv.save(tmp_path / "m.bin")
    model = Word2Vec([["a", "b", "c"]] * 20, vector_size=4, min_count=1, epochs=1, workers=1, progress=False)
    with pytest.raises(ValueError, match=r"m\.txt: a \.txt name means word2vec text, not w2v native"):
        model.save(tmp_path / "m.txt")
    assert not any(p.name.startswith("m.") for p in tmp_path.iterdir())
    model.save(tmp_path / "model")                                   # a name that says nothing: native
    assert native.is_native(tmp_path / "model")


def test_convert_writes_native_for_w2v(capsys, vectors, tmp_path):
    out = tmp_path / "y.w2v"
    code, text, _ = run(capsys, "convert", vectors, out)
    assert code == 0 and native.is_native(out) and text.endswith("(w2v native)\n")
    assert KeyedVectors.load(out).index_to_key == ["king", "queen", "apple"]
    _, help_text, _ = run(capsys, "convert", "--help")
    assert ".npz" not in help_text and ".w2v native" in help_text


# ---- what the messages offer -------------------------------------------------------------------

def test_a_corpus_given_as_vectors_is_called_text(capsys, corpus):
    line = one_line_error(capsys, "similar", corpus, "king")
    assert "no_header" not in line and "--no-header" not in line
    assert line.endswith("it looks like plain text, not word vectors (a corpus? w2v train reads those)")


def test_header_less_vectors_need_no_header(capsys, tmp_path):
    glove = tmp_path / "glove.txt"
    glove.write_text("king 1 0\nqueen 0.9 0.1\napple 0 1\n")
    assert one_line_error(capsys, "similar", glove, "king").endswith("pass no_header=True (command line: --no-header)")
    code, out, _ = run(capsys, "similar", glove, "king", "--no-header", "--topn", "1")
    assert code == 0 and out.splitlines()[2].split()[:2] == ["1", "queen"]
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("king queen 9\nking apple 1\nqueen apple 2\n")
    for command in (["analogy", glove, "king", "queen", "apple"], ["info", glove],
                    ["evaluate", glove, "--pairs", pairs], ["probe", glove], ["convert", glove, tmp_path / "g.bin"]):
        assert run(capsys, *command, "--no-header")[0] in (0, 1), command   # probe: 1 = verdict


def test_a_garbage_file_is_not_dumped(capsys, tmp_path):
    garbage = tmp_path / "garbage"
    garbage.write_bytes(bytes(range(256)) * 4)
    assert one_line_error(capsys, "similar", garbage, "king") == \
        (f"w2v: error: {garbage}: line 1: expected a 'V D' header (vector count and dimensions), got binary "
         f"data; it is not a word2vec file")


# ---- the tokenizer hint ------------------------------------------------------------------------

RAW = ('The "cat" sat on the mat; the dog (a big one) sat on the log. '
       'Then the cat, and the dog, left: the end.\n')


def test_raw_text_gets_the_tokenizer_hint(capsys, tmp_path):
    raw = tmp_path / "raw.txt"
    raw.write_text(RAW * 50)
    code, _, err = run(capsys, "train", raw, "-o", tmp_path / "m.w2v", "--size", "8", "--min-count", "1",
                       "--epochs", "1", "--threads", "1")
    hints = [line for line in err.splitlines() if line.startswith("w2v: hint:")]
    assert code == 0 and len(hints) == 1
    assert hints[0].endswith("the default tokenizer splits on whitespace only, for prepared text; for raw text "
                             "pass tokenizer='simple' (CLI: --tokenizer simple)")
    code, _, err = run(capsys, "train", raw, "-o", tmp_path / "m.w2v", "--size", "8", "--min-count", "1",
                       "--epochs", "1", "--threads", "1", "--tokenizer", "simple")
    assert code == 0 and "hint" not in err


def test_prepared_text_gets_no_hint(capsys, corpus, tmp_path):
    code, _, err = run(capsys, "train", corpus, "-o", tmp_path / "m.w2v", "--size", "8", "--min-count", "1",
                       "--epochs", "1", "--threads", "1")
    assert code == 0 and "hint" not in err


def test_the_hint_rule():
    from w2v.corpus.hints import HINT_TOP, punctuation_hint

    clean = [f"w{i}" for i in range(HINT_TOP)] + ["(a"] * 100       # beyond the top: not counted
    assert punctuation_hint(clean, "whitespace") is None
    prepared = [f"w{i}" for i in range(HINT_TOP - 24)] + [",", ".", "--", "e.g"]   # none of these counts
    nineteen = prepared + ["x;"] * 19 + ["y"]
    assert len(nineteen) == HINT_TOP and punctuation_hint(nineteen, "whitespace") is None      # 1.9 % < 2 %
    assert punctuation_hint(nineteen + ["z)"], "whitespace") is None     # the 1,001st word is not in the top
    twenty = prepared + ["x;"] * 20
    assert punctuation_hint(twenty, "whitespace").startswith(
        "20 of the 1,000 most frequent words carry punctuation ('x;', 'x;', 'x;')")
    assert "tokenize them first" in punctuation_hint(twenty, None)      # token lists from Python
    assert punctuation_hint(twenty, "simple") is None


# ---- progress ----------------------------------------------------------------------------------

def test_outside_a_terminal_progress_is_a_line_per_epoch(capsys, corpus, tmp_path):
    code, _, err = run(capsys, "train", corpus, "-o", tmp_path / "m.w2v", "--size", "8", "--min-count", "1",
                       "--epochs", "3", "--threads", "1")
    epochs = [line for line in err.splitlines() if line.startswith("epoch ")]
    assert code == 0 and "\r" not in err
    assert [line.split(":")[0] for line in epochs] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert all(" tokens/s), alpha " in line for line in epochs)


def test_in_a_terminal_progress_is_tqdms_bar(capsys, corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = run(capsys, "train", corpus, "-o", tmp_path / "m.w2v", "--size", "8", "--min-count", "1",
                       "--epochs", "2", "--threads", "1")
    assert code == 0 and "\r" in err and "training" in err
    assert not [line for line in err.splitlines() if line.startswith("epoch ")]


def test_the_compiling_notice(tmp_path):
    """In fresh processes with an empty cache folder: one line when the kernels compile, none when
    the next run loads them from the cache; never with --quiet."""
    from w2v.cli.progress import COMPILING, compile_notice

    (tmp_path / "c.txt").write_text("a b c d a b\n" * 30)
    env = dict(os.environ, PYTHONPATH=SRC, NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    argv = [sys.executable, "-m", "w2v", "train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "m.w2v"),
            "--size", "8", "--min-count", "1", "--epochs", "1", "--threads", "1", "--hs", "--negative", "0"]
    cold, warm = [subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stderr
                  for _ in range(2)]
    assert cold.splitlines().count(COMPILING) == 1 and COMPILING not in warm
    quiet = argparse.Namespace(compile_notice=True, quiet=True)
    assert isinstance(compile_notice(quiet), contextlib.nullcontext)


def test_compiling_calls_back_once_for_the_packages_functions(tmp_path):
    """Only a real compile counts (not a load from the cache), only the package's functions, once."""
    module = tmp_path / "tiny_kernel.py"
    module.write_text("from numba import njit\n\n@njit(cache=True)\ndef job(x):\n    return x + 1\n")
    script = textwrap.dedent("""
        import tiny_kernel
        from w2v import numba_cache
        names = []
        with numba_cache.compiling(names.append, package="w2v"):
            tiny_kernel.job(1)
        with numba_cache.compiling(names.append, package="tiny_kernel"):
            tiny_kernel.job(1.5)
            tiny_kernel.job(2j)
        print(names)
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([SRC, str(tmp_path)]),
               NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs == ["['job']\n", "[]\n"]


def test_the_program_gives_openblas_one_thread_only_for_commands_without_blas(tmp_path):
    """run() (the console script) sets OPENBLAS_NUM_THREADS before numpy loads, for the commands
    that never multiply matrices, and never over the user's own choice."""
    script = textwrap.dedent("""
        import os, sys
        from w2v.cli import run
        sys.argv = ["w2v"] + sys.argv[1:]
        try:
            run()
        except SystemExit:
            pass
        import numpy
        print(os.environ.get("OPENBLAS_NUM_THREADS"))
    """)
    base = {k: v for k, v in os.environ.items()
            if k not in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")}
    base["PYTHONPATH"] = SRC
    def child(*args, **env):
        return subprocess.run([sys.executable, "-c", script, *args], env=dict(base, **env), capture_output=True,
                              text=True, check=True).stdout.splitlines()[-1]
    assert child("-v", "phrases", "--help") == "1" and child("vocab", "--help") == "1"
    assert child("similar", "--help") == "None" and child("--version") == "None"
    assert child("phrases", "--help", OMP_NUM_THREADS="3") == "None"
    assert child("corpus", "--help", OPENBLAS_NUM_THREADS="4") == "4"


# ---- help and version --------------------------------------------------------------------------

def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"w2v {importlib.metadata.version('w2v')}\n"


def commands():
    from w2v.cli import build_parser

    return sorted(build_parser().commands)


@pytest.mark.parametrize("command", commands())
def test_every_option_has_a_description_and_is_in_the_help(capsys, command):
    """Every flag of every command is described, and its --help lists it (issue 26: this test
    checked two commands, and its second check passed for `vocab` whatever the help said)."""
    import argparse

    from w2v.cli import build_parser

    sub = build_parser().commands[command]
    shown = [a for a in sub._actions if a.help is not argparse.SUPPRESS]
    assert [a.option_strings or a.dest for a in shown if not a.help] == []
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    missing = [a.option_strings[0] for a in shown if a.option_strings and a.option_strings[0] not in out]
    assert missing == []
    assert ("-classes K" in out) == (command == "train")


def test_word_classes_are_not_supported(capsys, corpus, tmp_path):
    assert one_line_error(capsys, "train", "-train", corpus, "-output", tmp_path / "v.txt", "-classes", "50") == \
        "w2v: error: -classes: word classes (k-means clustering of the vectors) are not supported"


# ---- counts of word2vec files ------------------------------------------------------------------

def test_word2vec_files_get_gensims_made_up_counts(capsys, vectors):
    kv = KeyedVectors.load_word2vec_format(vectors)
    assert [kv.get_vecattr(w, "count") for w in kv.index_to_key] == [3, 2, 1]
    gensim = pytest.importorskip("gensim", reason="gensim is an optional test dependency")
    theirs = gensim.models.KeyedVectors.load_word2vec_format(str(vectors), binary=True)
    assert [int(theirs.get_vecattr(w, "count")) for w in theirs.index_to_key] == [3, 2, 1]
    code, out, _ = run(capsys, "info", vectors)
    assert code == 0 and "word counts  not stored" in out
    converted = vectors.with_suffix(".w2v")                 # made-up counts are not stored as real ones
    assert run(capsys, "convert", vectors, converted)[0] == 0
    assert "word counts  not stored" in run(capsys, "info", converted)[1]


def test_training_on_a_model_file_says_it_is_not_text(capsys, corpus, tmp_path):
    """Issue 26: `w2v train model.w2v` advised --encoding gb18030, which only gave another error."""
    model = tmp_path / "m.w2v"
    assert run(capsys, "train", corpus, "-o", model, *TRAIN)[0] == 0
    code, _, err = run(capsys, "train", model, "-o", tmp_path / "again.w2v", *TRAIN)
    assert code == 2 and "gb18030" not in err
    assert err.startswith(f"w2v: error: {model}: not a text file: it looks like a zip archive (w2v native "
                          f"files are zip archives: load them with KeyedVectors.load or Word2Vec.load); a "
                          f"corpus is text"), err
    code, _, err = run(capsys, "vocab", sys.executable)
    assert code == 2 and "not a text file: it looks like an executable program" in err, err


@pytest.mark.parametrize("argv, line", [
    (["train", "{corpus}", "--sise", "100", "-o", "{tmp}/m.w2v"],
     "w2v train: unrecognized arguments: --sise 100; did you mean --size? (see 'w2v train --help')"),
    (["train", "{corpus}", "-sise", "100", "-o", "{tmp}/m.w2v"],
     "w2v train: unrecognized arguments: -sise 100; did you mean -size? (see 'w2v train --help')"),
    (["similar", "{tmp}/m.w2v", "king", "--topm=3"],
     "w2v similar: unrecognized arguments: --topm=3; did you mean --topn? (see 'w2v similar --help')"),
    (["--bogus"], "w2v: unrecognized arguments: --bogus (see 'w2v --help')"),
])
def test_unknown_flags_suggest_the_closest_and_the_commands_help(capsys, corpus, tmp_path, argv, line):
    """Issue 26: --sise pointed at 'w2v --help' without naming --size."""
    argv = [a.format(corpus=corpus, tmp=tmp_path) for a in argv]
    assert one_line_error(capsys, *argv) == line


@pytest.mark.slow
def test_the_warm_up_caches_what_the_commands_compile(tmp_path):
    """What setup.py runs in the build folder: the first run compiles the kernels of the four modes,
    FastText's (the held-rows CBOW job among them) and Doc2Vec's, a second run (a fresh process)
    finds all of them in the cache."""
    env = dict(os.environ, PYTHONPATH=SRC, NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    script = "from w2v.cli.warm import warm_up; print(sorted(set(warm_up())))"
    first, second = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                                    check=True).stdout for _ in range(2)]
    assert {"sg_job", "cbow_job", "cbow_held_job", "run_job", "_vose", "_huffman", "_rehash"} <= set(eval(first))
    assert second == "[]\n"
