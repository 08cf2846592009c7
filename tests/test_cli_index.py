"""``w2v index``, ``w2v neighbours`` and ``w2v similar --index``, run in-process through ``w2v.cli.main``."""
import sys

import numpy as np
import pytest

import w2v.cli
from w2v.cli import main
from w2v.models.keyedvectors import KeyedVectors
from w2v.vectors.neighbours import exact_neighbours


@pytest.fixture(autouse=True)
def only_these_commands(monkeypatch):
    monkeypatch.setattr(w2v.cli, "COMMAND_MODULES", ("query", "index"))


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(2)
    centres = rng.standard_normal((20, 12))
    vectors = centres[rng.integers(0, 20, 800)] + 0.4 * rng.standard_normal((800, 12))
    return KeyedVectors([f"w{i}" for i in range(800)], vectors.astype(np.float32))


@pytest.fixture
def model(kv, tmp_path):
    path = tmp_path / "vectors.bin"
    kv.save_word2vec_format(path, binary=True)
    return str(path)


@pytest.fixture
def faiss():
    return pytest.importorskip("faiss", reason="the ann extra (faiss-cpu) is not installed")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def read_tsv(path):
    lines = path.read_text().splitlines()
    assert lines[0] == "word\trank\tneighbour\tsimilarity"
    return [line.split("\t") for line in lines[1:]]


def test_exact_neighbours_tsv(capsys, kv, model, tmp_path):
    out_path = tmp_path / "nb.tsv"
    code, out, err = run(capsys, "neighbours", model, "-o", out_path, "--topn", 3, "--block-mb", 1, "--quiet")
    assert code == 0 and "wrote 3 exact neighbours of 800 words" in out
    rows = read_tsv(out_path)
    assert len(rows) == 800 * 3
    ids, sims = exact_neighbours(kv.vectors, np.arange(800), 3)
    assert [r[2] for r in rows] == [f"w{i}" for i in ids.ravel()]
    assert [r[:2] for r in rows[:3]] == [["w0", "1"], ["w0", "2"], ["w0", "3"]]
    np.testing.assert_allclose([float(r[3]) for r in rows], sims.ravel(), atol=1e-6)


def test_index_then_similar_and_neighbours_through_it(capsys, kv, model, tmp_path, faiss):
    index_path = tmp_path / "vectors.index"
    code, out, err = run(capsys, "index", model, "-o", index_path, "--recall", 0.9, "--threads", 1)
    assert code == 0 and "recall@10" in out and "over 800 words x 12" in out, err
    reached = float(out.split("recall@10 ")[1].split()[0])
    assert reached >= 0.9

    code, out, _ = run(capsys, "similar", model, "w3", "--index", index_path, "--topn", 5, "--json")
    assert code == 0
    import json
    answer = [r["word"] for r in json.loads(out)["results"]]
    assert len(answer) == 5 and "w3" not in answer                 # the query word is left out, as without
    exact = [w for w, _ in kv.most_similar("w3", topn=5)]
    assert len(set(answer) & set(exact)) >= 4

    out_path = tmp_path / "nb.tsv"
    code, out, _ = run(capsys, "neighbours", model, "-o", out_path, "--index", index_path, "--quiet")
    assert code == 0 and "approximate" in out
    rows = read_tsv(out_path)
    assert len(rows) == 8000 and all(r[0] != r[2] for r in rows)


def test_index_for_other_vectors_exits_2(capsys, kv, model, tmp_path, faiss):
    index_path = tmp_path / "vectors.index"
    assert run(capsys, "index", model, "-o", index_path, "--recall", 0.5, "--threads", 1)[0] == 0
    other = tmp_path / "other.bin"
    KeyedVectors(kv.index_to_key, kv.vectors + 1).save_word2vec_format(other, binary=True)
    for argv in (("similar", other, "w1", "--index", index_path),
                 ("neighbours", other, "-o", tmp_path / "nb.tsv", "--index", index_path)):
        code, out, err = run(capsys, *argv)
        assert code == 2 and "built for other vectors" in err and err.count("\n") == 1
    assert not (tmp_path / "nb.tsv").exists()


@pytest.mark.parametrize("argv, message", [
    (("neighbours", "{model}", "-o", "{tmp}/missing/nb.tsv"), "does not exist"),
    (("neighbours", "{model}", "-o", "{tmp}"), "is a folder"),
    (("index", "{model}", "-o", "{tmp}/missing/x.index"), "does not exist"),
    (("neighbours", "{model}", "-o", "{tmp}/nb.tsv", "--topn", "800"), "--topn must be below"),
    (("index", "{model}", "-o", "{tmp}/x.index", "--recall", "1.5"), "must be in \\(0, 1\\]"),
    (("similar", "{model}", "w1", "--index", "{model}"), "not a w2v index file"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, model, tmp_path, argv, message, faiss):
    code, out, err = run(capsys, *[a.format(model=model, tmp=tmp_path) for a in argv])
    assert code == 2 and err.count("\n") == 1
    import re
    assert re.search(message, err), err


def test_read_only_folder_exits_2(capsys, model, tmp_path):
    import os
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        code, _, err = run(capsys, "neighbours", model, "-o", folder / "nb.tsv")
        assert code == 2 and "ermission" in err
    finally:
        folder.chmod(0o700)


def test_without_faiss_exit_2_names_the_extra(capsys, model, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "faiss", None)
    code, _, err = run(capsys, "index", model, "-o", tmp_path / "x.index")
    assert code == 2 and "pip install '.[ann]'" in err and err.count("\n") == 1
