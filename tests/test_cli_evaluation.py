"""``w2v evaluate / probe / plot / plot-training``, run in-process through ``w2v.cli.main``."""
import json

import numpy as np
import pytest

import w2v.cli
from w2v.evaluation import evaluate
from w2v.vectors import native
from w2v.cli import main
from w2v.models.keyedvectors import KeyedVectors


@pytest.fixture(autouse=True)
def only_evaluation_commands(monkeypatch):
    """Build the real parser with just this module's commands, so other commands' imports don't matter."""
    monkeypatch.setattr(w2v.cli, "COMMAND_MODULES", ("evaluation",))


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def google_kv():
    """Every word of the Google set and WordSim-353 (lower-cased), vectors with a gender/plural structure."""
    words = set()
    for _, qs in evaluate._read_analogy_sections(evaluate.resolve_dataset("google"), False):
        words.update(w.lower() for q in qs for w in q)
    for line in evaluate.resolve_dataset("wordsim353").read_text().splitlines():
        if line and not line.startswith("#"):
            words.update(w.lower() for w in line.split("\t")[:2])
    words = sorted(words)
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(len(words), 20)).astype(np.float32)
    index = {w: i for i, w in enumerate(words)}
    for w, i in index.items():            # plural = singular + a shared offset: gram8 becomes solvable
        if w + "s" in index:
            vecs[index[w + "s"]] = vecs[i] + 2.0
    return KeyedVectors(words, vecs)


@pytest.fixture(scope="module")
def google_model(google_kv, tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "vectors.txt"
    google_kv.save_word2vec_format(path)
    return path


def test_evaluate_default_sets_table(capsys, google_model, google_kv):
    code, out, err = run(capsys, "evaluate", google_model)
    assert code == 0 and err == ""
    score, sections = evaluate.evaluate_word_analogies(google_kv, "google")
    (_, _), (rho, _), oov = evaluate.evaluate_word_pairs(google_kv, "wordsim353")
    assert "Analogies: google (3CosAdd, first 300000 words)" in out
    for s in evaluate.summarize_analogies(sections):
        assert s["section"] in out
    total = [line for line in out.splitlines() if line.strip().startswith("Total accuracy")][0]
    assert total.split()[2:5] == [str(len(sections[-1]["correct"])), "19544", f"{100 * score:.1f}"]
    assert 0.02 < score < 0.9
    assert f"Spearman {rho:.4f}" in out and f"{oov:.1f} %" in out


@pytest.mark.slow
def test_evaluate_json_matches_library_and_gensim(capsys, google_model, google_kv):
    gensim_models = pytest.importorskip("gensim.models", reason="gensim is the reference")
    code, out, _ = run(capsys, "evaluate", google_model, "--analogies", "google", "--pairs", "wordsim353",
                       "--restrict-vocab", "30000", "--json")
    assert code == 0
    report = json.loads(out)
    g = gensim_models.KeyedVectors.load_word2vec_format(str(google_model))
    g_score, g_sections = g.evaluate_word_analogies(str(evaluate.resolve_dataset("google")), restrict_vocab=30000)
    g_rho = g.evaluate_word_pairs(str(evaluate.resolve_dataset("wordsim353")), restrict_vocab=30000)[1][0]
    [a] = report["analogies"]
    assert a["accuracy"] == pytest.approx(g_score, abs=1e-3) and a["restrict_vocab"] == 30000
    assert [(s["section"], s["correct"]) for s in a["sections"]] == \
        [(s["section"], len(s["correct"])) for s in g_sections[:-1]]
    assert a["total"]["section"] == "Total accuracy" and a["total"]["oov"] == 0
    [p] = report["pairs"]
    assert p["spearman"] == pytest.approx(g_rho, abs=1e-3)
    assert set(p) == {"dataset", "pearson", "pearson_p", "spearman", "spearman_p", "oov_percent",
                      "oov_words_from_ngrams"}
    assert p["oov_words_from_ngrams"] == a["oov_words_from_ngrams"] == 0     # word2vec: no subwords


def test_evaluate_own_files_mul_and_restrict(capsys, tmp_path, google_model, google_kv):
    q = tmp_path / "q.txt"
    q.write_bytes(b": plurals\r\ncat cats dog dogs\r\nbird birds horse horses\r\nxx xxs yy yys\r\n")
    pairs = tmp_path / "p.txt"
    pairs.write_text("# comment\ncat dog 7\nbird horse 5\ncat bird 2\nxx yy 1\n")
    by_method = {}
    for method in ("add", "mul"):
        code, out, _ = run(capsys, "evaluate", google_model, "--analogies", q, "--pairs", pairs,
                           "--method", method, "--restrict-vocab", "0", "--json")
        report = json.loads(out)
        [a], [p] = report["analogies"], report["pairs"]
        assert code == 0 and a["method"] == method and a["restrict_vocab"] is None
        _, sections = evaluate.evaluate_word_analogies(google_kv, q, method=method, restrict_vocab=None)
        assert a["sections"] == evaluate.summarize_analogies(sections)[:1]
        assert a["sections"][0]["oov"] == 1 and p["oov_percent"] == pytest.approx(25.0)
        by_method[method] = a["sections"][0]["correct"]
    assert by_method == {"add": 1, "mul": 0}     # the flag reaches the scorer: the rules disagree here
    code, out, _ = run(capsys, "evaluate", google_model, "--analogies", q, "--restrict-vocab", "10")
    assert code == 0 and "Word pairs" not in out and "n/a" in out     # nothing asked within 10 words


@pytest.mark.parametrize("argv, message", [
    (["--analogies", "simlex"], "not a bundled dataset"),
    (["--restrict-vocab", "-1"], "must not be negative"),
    (["--method", "cos"], "invalid choice"),
])
def test_evaluate_bad_input_is_one_line_exit_2(capsys, google_model, argv, message):
    code, out, err = run(capsys, "evaluate", google_model, *argv)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_evaluate_missing_model(capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", tmp_path / "nope.bin")
    assert code == 2 and err.startswith("w2v: error:")


def _probe_kv():
    words = ["king", "man", "queen", "woman", "paris", "france", "tokyo", "japan", "he", "she", "doctor",
             "nurse", "pilot", "city"]
    rng = np.random.default_rng(1)
    return KeyedVectors(words, rng.normal(size=(len(words), 12)).astype(np.float32))


def test_probe_prints_all_four_checks_and_verdict(capsys, tmp_path):
    path = tmp_path / "kv.npz"
    _probe_kv().save(path)
    code, out, err = run(capsys, "probe", path, "--words", "king,city,ghost")
    assert code == 0
    for heading in ("1. Canonical analogies", "2. Nearest neighbours", "3. Symmetry", "4. Degenerate vectors",
                    "Verdict: No training bug found", "intrinsic", "downstream"):
        assert heading in out
    assert "walking:walked :: swimming:?" in out and "skipped: model lacks walking" in out
    assert "   king: " in out and "not in the model: ghost" in out


def test_probe_json_keys_as_documented(capsys, tmp_path):
    path = tmp_path / "kv.txt"
    _probe_kv().save_word2vec_format(path)
    code, out, _ = run(capsys, "probe", path, "--json", "--topn", "3")
    r = json.loads(out)
    assert code == 0
    assert set(r) == {"vocabulary", "dimensions", "analogies", "neighbours", "missing_words", "symmetry",
                      "degenerate", "bias", "verdict"}
    assert set(r["analogies"][0]) == {"question", "expected", "missing", "answer", "cosine", "correct"}
    assert all(len(v) == 3 for v in r["neighbours"].values())
    assert set(r["verdict"]) == {"training_bug", "problems", "analogy_note", "summary"}
    assert r["bias"] == []


def test_probe_bias_axes_with_word_file(capsys, tmp_path):
    path = tmp_path / "kv.npz"
    _probe_kv().save(path)
    words = tmp_path / "jobs.txt"
    words.write_text("# jobs\ndoctor nurse\npilot\nastronaut\n")
    code, out, _ = run(capsys, "probe", path, "--bias-axis", "he:she", "--bias-axis", "man:woman",
                       "--words", words, "--json")
    r = json.loads(out)
    assert code == 0 and [b["axis"] for b in r["bias"]] == ["he:she", "man:woman"]
    assert {w for w, _ in r["bias"][0]["ranking"]} == {"doctor", "nurse", "pilot"}
    assert r["bias"][0]["missing"] == ["astronaut"]
    assert list(r["neighbours"]) == ["king", "woman", "city"]     # default neighbour words
    code, out, _ = run(capsys, "probe", path, "--bias-axis", "he:she")
    assert code == 0 and "Bias axis he:she" in out and "occupation" not in out


def test_probe_exit_1_on_training_bug(capsys, tmp_path):
    kv = _probe_kv()
    vecs = kv.vectors.copy()
    vecs[2] = 0.0
    path = tmp_path / "bad.npz"
    KeyedVectors(kv.index_to_key, vecs).save(path)
    code, out, _ = run(capsys, "probe", path)
    assert code == 1 and "Training bug suspected" in out and "queen" in out


def test_probe_bad_axis_exit_2(capsys, tmp_path):
    path = tmp_path / "kv.npz"
    _probe_kv().save(path)
    code, _, err = run(capsys, "probe", path, "--bias-axis", "he")
    assert code == 2 and "expected two words" in err


def test_plot_and_plot_training_write_images(capsys, tmp_path, google_model):
    mpimg = pytest.importorskip("matplotlib.image", reason="plots need the optional extra 'plot'")
    out_png = tmp_path / "map.png"
    code, out, _ = run(capsys, "plot", google_model, "--words", "king,queen,man,woman,zzzz", "--highlight",
                       "paris", "-o", out_png)
    assert code == 0 and "wrote" in out and "5 words" in out and "not in the model: zzzz" in out
    img = mpimg.imread(str(out_png))
    assert img.shape[:2] == (1200, 1500) and img[..., :3].var() > 1e-3

    model = tmp_path / "model.npz"
    log = [{"epoch": e, "loss": 3.0 - 0.3 * e, "known": 10, "seconds": 1.0, "tokens_per_sec": 1e5, "alpha": 0.02}
           for e in (0, 1, 2)]
    native.save_native(model, "model", {"training_log": log}, {"dummy": np.zeros(1)})
    code, out, _ = run(capsys, "plot-training", model, "-o", tmp_path / "loss.png")
    assert code == 0 and "3 epochs" in out
    img = mpimg.imread(str(tmp_path / "loss.png"))
    assert img.shape[:2] == (600, 1350) and img[..., :3].var() > 1e-3


@pytest.mark.slow
def test_plot_tsne_top(capsys, tmp_path, google_model):
    pytest.importorskip("sklearn", reason="t-SNE needs the optional extra 'tsne'")
    code, out, _ = run(capsys, "plot", google_model, "--top", "30", "--method", "tsne", "-o", tmp_path / "t.png")
    assert code == 0 and "30 words" in out and (tmp_path / "t.png").stat().st_size > 10000


@pytest.mark.parametrize("argv, message", [
    (["plot", "{model}", "-o", "x.png"], "give --words, or --top N, or --around WORD"),
    (["plot", "{model}", "--words", "king,queen", "--around", "king", "-o", "x.png"], "give --words, or --top N"),
    (["plot", "{model}", "--around", "king", "--top", "1", "-o", "{tmp}/x.png"], "at least 2, not 1"),
    (["plot", "{model}", "--top", "5"], "-o/--output"),
    (["plot", "{model}", "--words", "zzzz,yyyy", "-o", "{tmp}/x.png"], "at least 2 words"),
    (["plot-training", "{model}", "-o", "{tmp}/x.png"], "not a w2v native file"),
])
def test_plot_bad_input_exit_2(capsys, tmp_path, google_model, argv, message):
    argv = [a.format(model=google_model, tmp=tmp_path) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1


def test_plot_without_matplotlib_is_a_clean_error(capsys, tmp_path, google_model, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    code, _, err = run(capsys, "plot", google_model, "--top", "5", "-o", tmp_path / "x.png")
    assert code == 2 and "python3 -m pip install matplotlib" in err


def test_plot_around_a_word_draws_it_and_its_neighbours(capsys, tmp_path, google_model, google_kv, monkeypatch):
    """Issue 26: `w2v plot --around WORD`, as the explorer's map."""
    pytest.importorskip("matplotlib")
    from w2v.evaluation import plot

    drawn = {}
    real = plot.plot_words
    monkeypatch.setattr(plot, "plot_words", lambda kv, **kw: drawn.update(kw) or real(kv, **kw))
    code, out, _ = run(capsys, "plot", google_model, "--around", "king", "--top", "6", "-o", tmp_path / "k.png")
    kv = google_kv
    assert code == 0 and "6 words" in out and (tmp_path / "k.png").stat().st_size > 10000
    assert drawn["words"] == ["king"] + [w for w, _ in kv.most_similar("king", topn=5)]
    assert drawn["highlight"] == ["king"] and drawn["top"] is None


def test_plot_training_numbers_epochs_from_1(tmp_path, monkeypatch):
    """Issue 26: the picture said epoch 0 for what training printed as 'epoch 1/3'."""
    pytest.importorskip("matplotlib")
    from w2v.evaluation import plot

    figures = []
    monkeypatch.setattr(plot, "_save", lambda fig, output, dpi: figures.append(fig))
    log = [{"epoch": e, "loss": 1.0, "tokens_per_sec": 1e5} for e in (0, 1, 2)]
    plot.plot_training(log, output=tmp_path / "loss.png")
    assert [list(ax.lines[0].get_xdata()) for ax in figures[0].axes] == [[1, 2, 3], [1, 2, 3]]
