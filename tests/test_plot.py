"""Pictures: PCA/t-SNE projection, word maps (incl. Chinese labels) and training curves, checked as images."""
import logging
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from w2v.vectors import native
from w2v.evaluation import fonts
from w2v.evaluation import plot as wplot
from w2v.models.keyedvectors import KeyedVectors

pytest.importorskip("matplotlib", reason="plots need the optional extra 'plot' (matplotlib)")


def _read_png(path):
    import matplotlib.image as mpimg

    img = mpimg.imread(str(path))
    assert img.ndim == 3 and img.shape[2] in (3, 4)
    return img


def _assert_drawn(path, size_px):
    img = _read_png(path)
    assert img.shape[:2] == size_px
    grey = img[..., :3].mean(axis=2)
    assert grey.var() > 1e-3, "the image is blank"
    assert (grey < 0.5).mean() > 0.002, "almost nothing dark (labels, axes) was drawn"
    return img


def _kv(n=40, dim=10, seed=0, words=None):
    rng = np.random.default_rng(seed)
    words = words or [f"word{i}" for i in range(n)]
    return KeyedVectors(words, rng.normal(size=(len(words), dim)).astype(np.float32))


def test_pca_keeps_distances_of_planar_points_and_orders_components():
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(25, 2)) * [5.0, 1.0]          # spread mostly along one direction
    basis, _ = np.linalg.qr(rng.normal(size=(6, 2)))        # an orthonormal 2-D plane in 6-D
    points = plane @ basis.T + rng.normal(size=6)
    xy = wplot.project_2d(points, "pca")
    def dists(p):
        return np.linalg.norm(p[:, None] - p[None], axis=-1)
    assert np.allclose(dists(xy), dists(points), atol=1e-9)
    assert xy[:, 0].var() > xy[:, 1].var()
    assert np.allclose(xy.mean(axis=0), 0, atol=1e-9)
    assert np.allclose(wplot.project_2d(points, "pca"), xy)   # deterministic signs


def test_projection_errors():
    with pytest.raises(ValueError, match="at least 2"):
        wplot.project_2d(np.ones((1, 3)))
    with pytest.raises(ValueError, match="method"):
        wplot.project_2d(np.eye(3), "umap")
    with pytest.raises(ValueError, match="at least 3"):
        wplot.project_2d(np.eye(2), "tsne")


@pytest.mark.slow
def test_tsne_projection():
    pytest.importorskip("sklearn", reason="t-SNE needs the optional extra 'tsne' (scikit-learn)")
    rng = np.random.default_rng(0)
    clusters = np.concatenate([rng.normal(size=(10, 8)) * 0.1 + 5 * i for i in range(2)])
    xy = wplot.project_2d(clusters, "tsne", seed=0)
    assert xy.shape == (20, 2) and np.isfinite(xy).all()
    within = np.linalg.norm(xy[:10] - xy[:10].mean(0), axis=1).mean()
    between = np.linalg.norm(xy[:10].mean(0) - xy[10:].mean(0))
    assert between > 3 * within


def test_missing_optional_dependencies_give_clear_errors(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"python3 -m pip install matplotlib$"):
        wplot._matplotlib()
    monkeypatch.setitem(sys.modules, "sklearn.manifold", None)
    with pytest.raises(ImportError, match=r"python3 -m pip install scikit-learn"):
        wplot.project_2d(np.eye(5), "tsne")


def test_plot_words_writes_a_labelled_png(tmp_path, caplog):
    kv = _kv()
    out = tmp_path / "map.png"
    with caplog.at_level(logging.WARNING, logger="w2v.evaluation.plot"):
        result = wplot.plot_words(kv, words=["word1", "WORD2", "word3", "nope"], highlight=["word30"],
                                  output=out, dpi=40, figsize=(6, 5))
    assert result["words"] == ["word1", "word2", "word3", "word30"]
    assert result["missing"] == ["nope"] and "nope" in caplog.text
    img = _assert_drawn(out, (200, 240))
    red = (img[..., 0] > 0.7) & (img[..., 1] < 0.3) & (img[..., 2] < 0.3)
    assert red.sum() > 5, "the highlighted word is drawn in red"


def test_plot_top_words_and_svg(tmp_path):
    kv = _kv(n=60)
    result = wplot.plot_words(kv, top=25, output=tmp_path / "top.png", dpi=40, figsize=(5, 5))
    assert result["words"] == kv.index_to_key[:25]
    _assert_drawn(tmp_path / "top.png", (200, 200))
    wplot.plot_words(kv, top=5, output=tmp_path / "top.svg")
    assert (tmp_path / "top.svg").read_text().lstrip().startswith("<?xml")


def test_plot_words_input_errors(tmp_path):
    kv = _kv()
    with pytest.raises(ValueError, match="either words or top"):
        wplot.plot_words(kv, output=tmp_path / "x.png")
    with pytest.raises(ValueError, match="either words or top"):
        wplot.plot_words(kv, words=["word1"], top=3, output=tmp_path / "x.png")
    with pytest.raises(ValueError, match="at least 2 words"):
        wplot.plot_words(kv, words=["word1", "nope"], output=tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


ZH = ["北京", "上海", "中国", "日本", "东京", "刘备", "曹操", "孙权"]


def test_chinese_labels_render_with_a_cjk_font(tmp_path):
    if wplot.find_cjk_font() is None:
        pytest.skip("no CJK font installed here (e.g. fonts-noto-cjk or fonts-wqy-microhei)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wplot.plot_words(_kv(words=ZH), words=ZH, title="三国", output=tmp_path / "zh.png", dpi=80,
                         figsize=(5, 4))
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == [], missing
    _assert_drawn(tmp_path / "zh.png", (320, 400))


def test_chinese_labels_without_cjk_font_log_one_line(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(wplot, "find_cjk_font", lambda: None)
    with caplog.at_level(logging.WARNING, logger="w2v.evaluation.plot"), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wplot.plot_words(_kv(words=ZH), words=ZH, output=tmp_path / "zh.png", dpi=30, figsize=(4, 3))
    assert [r.getMessage() for r in caplog.records] == [fonts.NO_CJK_FONT]
    assert [str(w.message) for w in caught] == []       # not one matplotlib warning per glyph
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="w2v.evaluation.plot"):
        wplot.plot_words(_kv(), top=5, output=tmp_path / "en.png", dpi=30, figsize=(4, 3))
    assert "Chinese" not in caplog.text     # no warning when no label needs one


def test_the_zh_extra_brings_the_font_plot_uses(monkeypatch):
    """No CJK system font is needed: the font file of the zh extra's package is found and used."""
    if fonts.packaged_cjk_font() is None:
        pytest.skip("the zh extra is not installed (python3 -m pip install '.[zh]')")
    from matplotlib import font_manager

    monkeypatch.setattr(fonts, "CJK_FAMILIES", ())                   # as if no system font were known
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    assert fonts.find_cjk_font() == "Noto Sans CJK SC"


def test_cli_plot_of_chinese_words_prints_one_line_without_a_font(tmp_path):
    """The issue's report: ~150 'Glyph ... missing from font' lines on stderr. Run the real command
    with the extra's package hidden and no system CJK font known to matplotlib."""
    path = tmp_path / "zh.w2v"
    _kv(words=ZH).save(path)
    script = ("import sys; sys.modules['mplfonts'] = None\n"
              "from w2v.evaluation import fonts; fonts.CJK_FAMILIES = ()\n"
              "from matplotlib import font_manager; font_manager.findSystemFonts = lambda *a, **k: []\n"
              "from w2v.cli import main; sys.exit(main(sys.argv[1:]))\n")
    out = subprocess.run([sys.executable, "-c", script, "plot", str(path), "--words", ",".join(ZH), "-o",
                          str(tmp_path / "zh.png")], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("\n") == 1 and out.stderr.rstrip().endswith(fonts.NO_CJK_FONT), out.stderr
    assert "Glyph" not in out.stderr


def test_has_cjk():
    assert wplot.has_cjk("红楼梦") and wplot.has_cjk("word2vec と") and not wplot.has_cjk("café")


def _model_file(path, log):
    native.save_native(path, "model", {"training_log": log, "vector_size": 10}, {"dummy": np.zeros(1)})
    return path


def test_plot_training_from_a_native_model_file(tmp_path):
    log = [{"epoch": e, "loss": 4.0 / e + 1, "known": 1000, "seconds": 0.5, "tokens_per_sec": 4e5 + 1e4 * e,
            "alpha": 0.025 * (1 - e / 6)} for e in range(1, 6)]
    model = _model_file(tmp_path / "model.npz", log)
    assert wplot.load_training_log(model) == log
    out = wplot.plot_training(model, tmp_path / "loss.png", dpi=50)
    assert out == str(tmp_path / "loss.png")
    _assert_drawn(out, (200, 450))


def test_plot_training_errors(tmp_path):
    with pytest.raises(ValueError, match="no training log"):
        wplot.plot_training(_model_file(tmp_path / "empty.npz", []), tmp_path / "x.png")
    native.save_native(tmp_path / "kv.npz", "keyedvectors", {}, {"dummy": np.zeros(1)})
    with pytest.raises(ValueError, match="not a 'model'"):
        wplot.plot_training(tmp_path / "kv.npz", tmp_path / "x.png")
    with pytest.raises(FileNotFoundError):
        wplot.plot_training(tmp_path / "missing.npz", tmp_path / "x.png")
