"""``w2v similar / analogy / convert / info``, run in-process through ``w2v.cli.main``."""
import json

import numpy as np
import pytest

import w2v.cli
from w2v.cli import main
from w2v.vectors import native
from w2v.models.keyedvectors import KeyedVectors

WORDS = ["man", "king", "woman", "queen", "apple", "pear", "中文"]


@pytest.fixture(autouse=True)
def only_query_commands(monkeypatch):
    """Build the real parser with just this module's commands, so other commands' imports don't matter."""
    monkeypatch.setattr(w2v.cli, "COMMAND_MODULES", ("query",))


@pytest.fixture
def kv():
    vectors = np.array([[1, 0, 0, 0.1], [1, 1, 0, 0], [0, 0, 1, 0.1], [0, 1, 1, 0],
                        [0.2, -1, 0.3, 1], [0.1, -1, 0.2, 1.1], [0.5, 0.5, 0.5, 0.5]], dtype=np.float32)
    return KeyedVectors(WORDS, vectors, counts=np.arange(7, 0, -1))


@pytest.fixture
def model(kv, tmp_path):
    path = tmp_path / "vectors.bin"
    kv.save_word2vec_format(path, binary=True)
    return str(path)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def table_words(out):
    return [line.split()[1] for line in out.splitlines()[2:]]


def test_similar(capsys, kv, model):
    code, out, err = run(capsys, "similar", model, "apple", "--topn", "3")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "closest to: apple"
    assert table_words(out) == [w for w, _ in kv.most_similar("apple", topn=3)]
    assert f"{kv.similarity('apple', 'pear'):.4f}" in out.splitlines()[2]


def test_similar_with_negative_json(capsys, kv, model):
    code, out, _ = run(capsys, "similar", model, "king", "woman", "--negative", "man", "--topn", "2", "--json")
    assert code == 0
    data = json.loads(out)
    expected = kv.most_similar(["king", "woman"], ["man"], topn=2)
    assert data["positive"] == ["king", "woman"] and data["negative"] == ["man"]
    assert [r["word"] for r in data["results"]] == [w for w, _ in expected] and expected[0][0] == "queen"
    assert data["results"][0]["similarity"] == pytest.approx(expected[0][1], abs=1e-6)


@pytest.mark.parametrize("method", ["add", "mul"])
def test_analogy(capsys, kv, model, method):
    code, out, _ = run(capsys, "analogy", model, "man", "king", "woman", "--method", method, "--topn", "2")
    assert code == 0
    assert out.splitlines()[0] == "man : king :: woman : ?"
    assert table_words(out) == [w for w, _ in kv.analogy("man", "king", "woman", topn=2, method=method)]
    assert table_words(out)[0] == "queen"


def test_analogy_json_centered(capsys, kv, model):
    code, out, _ = run(capsys, "analogy", model, "man", "king", "woman", "--center", "--json")
    data = json.loads(out)
    assert code == 0 and data["center"] is True and data["method"] == "add"
    assert [r["word"] for r in data["results"]] == [w for w, _ in kv.analogy("man", "king", "woman", center=True)]


def test_unicode_word(capsys, model):
    code, out, _ = run(capsys, "similar", model, "中文", "--json")
    assert code == 0 and json.loads(out)["positive"] == ["中文"] and "中文" in out


def test_convert_round_trip(capsys, kv, model, tmp_path):
    text, binary, packed = tmp_path / "v.txt", tmp_path / "again.bin", tmp_path / "v.w2v"
    assert run(capsys, "convert", model, text)[0] == 0
    assert text.read_bytes().startswith(b"7 4\nman 1.0 0.0 0.0 0.1\n")
    code, out, _ = run(capsys, "convert", text, binary)
    assert code == 0 and out.strip().endswith("(word2vec binary)")
    assert binary.read_bytes() == open(model, "rb").read()
    code, out, _ = run(capsys, "convert", binary, packed)      # .w2v: the native format
    assert code == 0 and out.strip().endswith("(w2v native)")
    assert native.is_native(packed) and KeyedVectors.load(packed).index_to_key == WORDS
    forced = tmp_path / "forced.out"                            # a name that says nothing: the flag decides
    assert run(capsys, "convert", packed, forced, "--text")[0] == 0
    assert forced.read_bytes() == text.read_bytes()
    assert run(capsys, "convert", packed, tmp_path / "plain.out")[0] == 0   # and without one: text
    assert (tmp_path / "plain.out").read_bytes() == text.read_bytes()


@pytest.mark.parametrize("out, flags, message", [
    ("v.bin", ["--text"], "w2v: error: OUT {out}: a .bin name means word2vec binary, not word2vec text; "
                          "name it .txt or .vec, or use --binary"),
    ("v.txt", ["--binary"], "w2v: error: OUT {out}: a .txt name means word2vec text, not word2vec binary; "
                            "name it .bin, or use --text"),
    ("v.w2v", ["--text"], "w2v: error: OUT {out}: a .w2v name means w2v native, not word2vec text; "
                          "name it .txt or .vec, or use --native"),
    ("v.w2v.gz", [], "w2v: error: OUT {out}: a w2v native file cannot be compressed (.gz); name it .w2v"),
])
def test_convert_name_and_flag_must_agree(capsys, model, tmp_path, out, flags, message):
    out = tmp_path / out
    code, _, err = run(capsys, "convert", model, out, *flags)
    assert (code, err) == (2, message.format(out=out) + "\n") and not out.exists()


def test_info(capsys, kv, model, tmp_path):
    code, out, _ = run(capsys, "info", model)
    assert code == 0
    lines = dict(line.split(None, 1) for line in out.replace("word counts", "counts").replace(
        "first words", "first").splitlines())
    assert lines["format"] == "word2vec binary" and lines["words"] == "7" and lines["dimensions"] == "4"
    assert lines["first"].split() == WORDS
    kv.save(tmp_path / "kv.npz")
    code, out, _ = run(capsys, "info", tmp_path / "kv.npz", "--json")
    data = json.loads(out)
    assert code == 0 and data["format"] == "native" and data["counts"] is True
    assert (data["words"], data["dimensions"], data["first_words"]) == (7, 4, WORDS)


@pytest.mark.parametrize("argv,message", [
    (["similar", "{model}", "kng"], "'kng' is not in the vocabulary; did you mean 'king'?"),
    (["analogy", "{model}", "man", "king", "wman"], "'wman' is not in the vocabulary; did you mean 'woman'?"),
    (["similar", "{missing}", "king"], "nope.bin: no such file"),
    (["info", "{broken}"], "broken.txt: line 3: non-numeric value"),
    (["similar", "{model}", "king", "--topn", "0"], "--topn: must be at least 1"),
    (["similar", "{model}", "king", "--topn", "x"], "not a whole number"),
    (["analogy", "{model}", "man", "king"], "the following arguments are required: C"),
    (["convert", "{model}", "{out}", "--text", "--binary"], "not allowed with argument"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, model, tmp_path, argv, message):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"2 2\na 1 2\nb 3 x\n")
    names = {"model": model, "missing": tmp_path / "nope.bin", "broken": broken, "out": tmp_path / "o"}
    code, out, err = run(capsys, *[a.format(**names) for a in argv])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


def test_commands_live_in_the_full_cli(capsys, model, monkeypatch):
    monkeypatch.undo()                          # every command module, as the installed `w2v` has
    code, out, _ = run(capsys, "similar", model, "king", "--topn", "1", "--json")
    assert code == 0 and len(json.loads(out)["results"]) == 1


def test_tables_line_up_chinese_words_by_display_width(tmp_path, capsys):
    """Issue 26: columns were padded by character count, so Chinese words pushed them out of line."""
    words = ["曹操", "司马懿", "孔明", "king", "孙权"]
    vectors = np.array([[1, 0], [0.9, 0.1], [0.8, 0.3], [0.7, 0.5], [0.6, 0.6]], dtype=np.float32)
    path = tmp_path / "zh.w2v"
    KeyedVectors(words, vectors).save(path)
    assert main(["similar", str(path), "曹操", "--topn", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    from w2v.cli.tables import display_width

    columns = {display_width(line[:line.index(" 0.") + 1 if " 0." in line else line.index("similarity")])
               for line in lines}
    assert len(columns) == 1, lines                       # every similarity starts in the same column
    assert lines[1] == "   1  司马懿  " + lines[1].split()[-1]


def test_info_shows_how_a_model_was_trained(tmp_path, capsys):
    """Issue 26: `w2v info` showed no training settings."""
    from w2v import Word2Vec

    corpus = [["a", "b", "c", "d"], ["b", "c", "d", "a"]] * 20
    path = tmp_path / "m.w2v"
    model = Word2Vec(corpus, sg=1, vector_size=6, window=3, negative=4, min_count=1, epochs=2, workers=1,
                     seed=7, progress=False)
    model.save(path)
    code, out, _ = run(capsys, "info", path)
    rows = dict(line.split(None, 1) if not line.startswith(("trained as", "word counts", "first words", "read with"))
                else (line[:12].strip(), line[13:]) for line in out.splitlines())
    assert code == 0 and rows["trained as"] == "skip-gram, negative sampling (4), window 3"
    assert "vector_size 6" in rows["settings"] and "seed 7" in rows["settings"] and "epochs 2" in rows["settings"]
    assert rows["corpus"] == "160 tokens in 40 sentences"
    assert rows["epochs"] == "2 trained; loss " + ", ".join(f"{e['loss']:.4f}" for e in model.training_log)
    data = json.loads(run(capsys, "info", path, "--json")[1])
    assert data["training"]["settings"]["window"] == 3 and data["training"]["epochs_trained"] == 2
    model.wv.save(tmp_path / "kv.w2v")                  # vectors alone: nothing to say
    assert "training" not in json.loads(run(capsys, "info", tmp_path / "kv.w2v", "--json")[1])
