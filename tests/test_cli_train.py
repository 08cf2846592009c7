"""The training commands, driven in-process through main(argv)."""
import struct

import numpy as np
import pytest

from w2v import KeyedVectors, Word2Vec
from w2v.cli import main

from test_model import planted_corpus


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(s) for s in planted_corpus(400)) + "\n")
    return path


def test_train_native_and_vectors(tmp_path, corpus, capsys):
    model_path, vec_path = tmp_path / "m.w2v", tmp_path / "v.txt"
    rc = main(["train", str(corpus), "-o", str(model_path), "--sg", "--size", "12",
               "--min-count", "1", "--epochs", "2", "--threads", "1", "--seed", "3", "--quiet",
               "--save-vectors", str(vec_path)])
    assert rc == 0
    model = Word2Vec.load(model_path)
    assert model.config.sg == 1 and model.config.vector_size == 12 and len(model.wv) == 24
    text = vec_path.read_text().splitlines()
    assert text[0] == "24 12" and len(text) == 25
    assert "saved" in capsys.readouterr().err


def test_c_tool_command_line(tmp_path, corpus):
    out, vocab = tmp_path / "vec.bin", tmp_path / "vocab.txt"
    rc = main(["train", "-train", str(corpus), "-output", str(out), "-cbow", "0", "-size", "10",
               "-window", "3", "-negative", "4", "-hs", "0", "-sample", "1e-3", "-threads", "1",
               "-iter", "2", "-min-count", "1", "-alpha", "0.025", "-binary", "1",
               "-save-vocab", str(vocab)])
    assert rc == 0
    # The binary layout, read here byte by byte: "24 10\n", then 24 records of "word " and 10
    # little-endian float32 (no newline after them, as gensim writes); nothing after the last.
    raw = out.read_bytes()
    header, rest = raw.split(b"\n", 1)
    assert header == b"24 10"
    records = {}
    while rest:
        word, rest = rest.split(b" ", 1)
        records[word.decode()] = struct.unpack("<10f", rest[:40])
        rest = rest[40:]
    kv = KeyedVectors.load_word2vec_format(out, binary=True)
    assert list(records) == kv.index_to_key and len(kv) == 24 and kv.vector_size == 10
    assert np.array_equal(np.array(list(records.values()), np.float32), kv.vectors)
    assert np.isfinite(kv.vectors).all() and np.abs(kv.vectors).max() > 0
    lines = vocab.read_text().splitlines()
    assert len(lines) == 24 and all(len(l.split()) == 2 for l in lines)
    # -read-vocab uses that vocabulary instead of counting
    out2 = tmp_path / "vec2.txt"
    assert main(["train", "-train", str(corpus), "-output", str(out2), "-read-vocab", str(vocab),
                 "-size", "8", "-iter", "1", "-threads", "1", "-min-count", "1"]) == 0
    assert out2.read_text().splitlines()[0] == "24 8"


def test_c_tool_defaults_are_cbow_with_its_rate(tmp_path, corpus):
    from w2v.cli import build_parser
    from w2v.cli.train import model_kwargs
    args = build_parser().parse_args(["train", "-train", str(corpus), "-output", "x"])
    kw = model_kwargs(args)
    assert kw["sg"] == 0 and kw["alpha"] == 0.05
    args = build_parser().parse_args(["train", "-train", str(corpus), "-output", "x", "-cbow", "0"])
    assert model_kwargs(args)["alpha"] == 0.025


@pytest.mark.parametrize("argv, message", [
    (["train", "missing.txt", "-o", "m"], "missing.txt"),
    (["train", "{corpus}", "-o", "m", "--size", "0"], "w2v: error: --size must be >= 1, got 0"),
    (["train", "{corpus}", "-o", "m", "--window", "0"], "w2v: error: --window must be >= 1, got 0"),
    (["train", "{corpus}", "-o", "m", "--negative", "0"], "objective"),
    (["train", "{corpus}", "-o", "m", "--sample", "-1"], "w2v: error: --sample must be >= 0.0, got -1.0"),
    (["train", "{corpus}", "-o", "m", "--alpha", "0"], "w2v: error: --alpha must be > 0.0, got 0.0"),
    (["train", "{corpus}", "-o", "m", "--min-count", "100000"], "min_count"),
    (["train", "{corpus}"], "nothing would be saved"),
    (["train", "{corpus}", "-o", "m", "--size", "ten"], "invalid int"),
    (["train", "{empty}", "-o", "m"], "empty"),
    (["train", "{corpus}", "-o", "/no/such/folder/m"], "does not exist"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, corpus, capsys, argv, message):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    argv = [a.format(corpus=corpus, empty=empty) for a in argv]
    argv = [str(tmp_path / a) if a == "m" else a for a in argv]
    assert main(argv + ["--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_vocab_command(tmp_path, corpus, capsys):
    assert main(["vocab", str(corpus), "--min-count", "1", "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    counts = [int(l.split()[1]) for l in lines]
    assert counts == sorted(counts, reverse=True)
    saved = tmp_path / "v.txt"
    assert main(["vocab", str(corpus), "--min-count", "1", "-o", str(saved)]) == 0
    assert len(saved.read_text().splitlines()) == 24


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "train" in capsys.readouterr().out


def test_a_diverged_training_exits_2_naming_alpha_and_keeps_the_model(tmp_path, corpus, capsys):
    """Issue 26: --alpha 5 used to print a final loss of a million and save the model, exit 0."""
    out = tmp_path / "m.w2v"
    args = ["train", str(corpus), "-o", str(out), "--size", "8", "--min-count", "1", "--epochs", "1",
            "--threads", "1"]
    assert main(args + ["-q"]) == 0
    before = out.read_bytes()
    capsys.readouterr()
    assert main(args + ["--alpha", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("w2v: error: training diverged in epoch 1: the mean loss per example reached ")
    assert err.rstrip().endswith("lower --alpha (now 5)") and "saved" not in err
    assert out.read_bytes() == before
    c_args = ["train", "-train", str(corpus), "-output", str(out), "-size", "8", "-min-count", "1",
              "-iter", "1", "-threads", "1", "-alpha", "5", "-q"]
    assert main(c_args) == 2
    assert capsys.readouterr().err.rstrip().endswith("lower -alpha (now 5)")
    assert out.read_bytes() == before
