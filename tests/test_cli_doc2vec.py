"""``w2v doc2vec train / similar / infer / search``, run in-process through ``w2v.cli.main``."""
import numpy as np
import pytest

import w2v.cli
from w2v import Doc2Vec
from w2v.cli import main

TEXTS = ["the cat sat on the mat with another cat",
         "a dog sat on the log and the dog barked",
         "cats and dogs are pets that people keep at home",
         "the stock market fell as investors sold their shares",
         "shares of the bank rose after the market opened",
         "investors bought bank shares when the market fell"] * 3
TRAIN = ["--size", "10", "--min-count", "1", "--epochs", "3", "--threads", "1", "--quiet"]


@pytest.fixture(autouse=True)
def only_doc2vec_commands(monkeypatch):
    monkeypatch.setattr(w2v.cli, "COMMAND_MODULES", ("doc2vec",))


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def docs(tmp_path):
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(TEXTS) + "\n")
    return path


@pytest.fixture
def model(docs, tmp_path, capsys):
    out = tmp_path / "docs.w2v"
    assert run(capsys, "doc2vec", "train", docs, "-o", out, "--dbow", "--dbow-words", *TRAIN)[0] == 0
    return out


def test_train_by_line_number_equals_the_library(model, docs):
    trained = Doc2Vec.load(str(model))
    same = Doc2Vec(corpus_file=str(docs), vector_size=10, min_count=1, epochs=3, workers=1, dm=0,
                   dbow_words=1, progress=False)
    assert trained.dv.index_to_key == list(range(len(TEXTS)))
    assert np.array_equal(trained.dv.vectors, same.dv.vectors)
    assert trained.doc_previews[3] == "the stock market fell as investors sold their shares"


def test_similar_infer_and_search(model, capsys):
    code, out, _ = run(capsys, "doc2vec", "similar", model, "3", "--topn", "4")
    rows = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and len(rows) == 4 and "3" not in [r[0] for r in rows]
    assert all(len(r) == 3 and -1 <= float(r[1]) <= 1 for r in rows)
    code, out, _ = run(capsys, "doc2vec", "infer", model, "the market fell")
    assert code == 0 and len(out.split()) == 10
    loaded = Doc2Vec.load(str(model))
    np.testing.assert_allclose([float(x) for x in out.split()], loaded.infer_vector("the market fell".split()),
                               atol=1e-6)
    code, out, _ = run(capsys, "doc2vec", "search", model, "bank shares", "--topn", "3")
    rows = [line.split("\t") for line in out.splitlines()]
    assert code == 0 and len(rows) == 3 and all(r[2] in TEXTS for r in rows)


def test_infer_a_file_gives_a_vector_a_line(model, tmp_path, capsys):
    queries = tmp_path / "q.txt"
    queries.write_text("the cat\nthe bank\nzzz\n")
    code, out, _ = run(capsys, "doc2vec", "infer", model, "--file", queries)
    assert code == 0 and [len(line.split()) for line in out.splitlines()] == [10, 10, 10]


def test_tags_from_the_first_field(tmp_path, capsys):
    path = tmp_path / "ids.txt"
    path.write_text("".join(f"doc-{i}\t{t}\n" for i, t in enumerate(TEXTS)))
    out = tmp_path / "ids.w2v"
    assert run(capsys, "doc2vec", "train", path, "-o", out, "--tags", "first-field", "--dm", *TRAIN)[0] == 0
    assert Doc2Vec.load(str(out)).dv.index_to_key[:2] == ["doc-0", "doc-1"]
    code, out_text, _ = run(capsys, "doc2vec", "similar", out, "doc-4", "--topn", "2")
    assert code == 0 and all(line.startswith("doc-") for line in out_text.splitlines())


@pytest.mark.parametrize("lines, flags, message", [
    ("a b\n\nc d\n", [], "line 2 is empty"),
    ("a b\nno tab here\n", ["--tags", "first-field"], "line 1: no id before a tab"),
    ("x\ta b\ny\t\n", ["--tags", "first-field"], "document 1 .* is empty"),
    ("a b\n", ["--dm", "--dbow-words"], "--dbow-words trains word vectors alongside PV-DBOW"),
])
def test_bad_documents_exit_2_with_one_line(tmp_path, capsys, lines, flags, message):
    import re
    path = tmp_path / "bad.txt"
    path.write_text(lines)
    code, out, err = run(capsys, "doc2vec", "train", path, "-o", tmp_path / "m.w2v", *flags, *TRAIN)
    assert code == 2 and len(err.strip().splitlines()) == 1 and re.search(message, err), err


def test_query_errors_exit_2(model, tmp_path, capsys):
    for argv, message in ((["similar", model, "999"], "no document tagged '999'"),
                          (["search", model, "qqq zzz"], "none of the query's words"),
                          (["infer", model], "no text"),
                          (["similar", tmp_path / "missing.w2v", "1"], "no such file")):
        code, _, err = run(capsys, "doc2vec", *argv)
        assert code == 2 and message in err and "Traceback" not in err, err
    wv = tmp_path / "words.w2v"
    Doc2Vec.load(str(model)).wv.save(str(wv))
    code, _, err = run(capsys, "doc2vec", "infer", wv, "the cat")
    assert code == 2 and "Traceback" not in err
