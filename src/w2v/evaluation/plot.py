"""Pictures of embeddings: a labelled 2-D map of words (PCA or t-SNE) and a model's training curve.

matplotlib (extra ``plot``) and scikit-learn (extra ``tsne``) are imported only when a picture is drawn;
figures are drawn on an Agg canvas of their own, so no global matplotlib backend is changed.
"""
import logging
import os

import numpy as np

from .._atomic import atomic_write
from .fonts import NO_CJK_FONT, find_cjk_font, has_cjk, quiet_missing_glyphs

logger = logging.getLogger(__name__)

METHODS = ("pca", "tsne")


def _matplotlib():
    """Import matplotlib's Figure and Agg canvas, or explain which extra to install."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError("plotting needs matplotlib, a dependency of w2v: python3 -m pip install matplotlib") from None
    return Figure, FigureCanvasAgg


def _label_font(labels):
    """FontProperties for the labels: a CJK font when they need one (warning when none is installed)."""
    from matplotlib.font_manager import FontProperties

    if not any(has_cjk(w) for w in labels):
        return None
    family = find_cjk_font()
    if family is None:
        logger.warning(NO_CJK_FONT)
        return None
    return FontProperties(family=[family, "DejaVu Sans"])


def project_2d(vectors, method="pca", seed=0, perplexity=None):
    """Project row vectors to 2-D.

    Parameters
    ----------
    vectors : array_like, shape (n, dim)
        At least 2 rows (3 for t-SNE).
    method : {"pca", "tsne"}
        PCA through numpy's SVD (first two principal components, signs fixed so that each
        component's largest loading is positive), or t-SNE from scikit-learn.
    seed : int
        t-SNE's random state.
    perplexity : float, optional
        t-SNE perplexity (default ``min(30, (n - 1) / 3)``, at least 1).

    Returns
    -------
    ndarray of float64, shape (n, 2)

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.evaluation.plot import project_2d
    >>> xy = project_2d(np.array([[0, 0, 0], [2, 0, 0], [4, 0, 1]], dtype=float))
    >>> xy.shape, bool(np.ptp(xy[:, 0]) > np.ptp(xy[:, 1]))
    ((3, 2), True)
    """
    x = np.asarray(vectors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need at least 2 vectors to plot, got {x.shape[0] if x.ndim else 0}")
    if method == "pca":
        centred = x - x.mean(axis=0)
        u, s, vt = np.linalg.svd(centred, full_matrices=False)
        k = min(2, len(s))
        signs = np.sign(vt[np.arange(k), np.argmax(np.abs(vt[:k]), axis=1)])
        signs[signs == 0] = 1
        coords = np.zeros((x.shape[0], 2))
        coords[:, :k] = u[:, :k] * s[:k] * signs
        return coords
    if method == "tsne":
        if x.shape[0] < 3:
            raise ValueError("t-SNE needs at least 3 words")
        try:
            from sklearn.manifold import TSNE
        except ImportError:
            raise ImportError("t-SNE needs scikit-learn: python3 -m pip install scikit-learn (or '.[tsne]' in the w2v clone)") from None
        if perplexity is None:
            perplexity = max(1.0, min(30.0, (x.shape[0] - 1) / 3))
        tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed)
        return tsne.fit_transform(x).astype(np.float64)
    raise ValueError(f"method must be one of {METHODS}, not {method!r}")


def project_unit(vectors, method="pca", seed=0):
    """:func:`project_2d` of the rows scaled to unit length (zero rows stay zero): how maps place words.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.evaluation.plot import project_unit
    >>> project_unit(np.array([[2, 0], [0, 3], [0, 0]], dtype=np.float32)).shape
    (3, 2)
    """
    vec = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(vec, axis=1, keepdims=True)
    return project_2d(vec / np.where(norms > 0, norms, 1), method=method, seed=seed)


def _save(fig, output, dpi):
    """Write the figure atomically: a failed or interrupted save leaves any previous file intact."""
    fmt = os.path.splitext(os.fspath(output))[1][1:].lower() or None   # None: matplotlib's default (png)
    with atomic_write(output, "wb") as f:
        fig.savefig(f, format=fmt, dpi=dpi)


def plot_words(kv, words=None, top=None, method="pca", highlight=(), output="map.png", title=None,
               seed=0, dpi=150, figsize=(10, 8)):
    """Draw a labelled 2-D scatter map of words and save it.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors (``index_to_key``, ``key_to_index``, ``vectors``).
    words : list of str, optional
        Words to draw; exact keys first, else a case-insensitive match. Unknown ones are skipped.
    top : int, optional
        Draw the ``top`` most frequent words instead (the first in the vocabulary).
    method : {"pca", "tsne"}
        See :func:`project_2d`; vectors are unit-normalised first.
    highlight : iterable of str, optional
        Words drawn in red with bold labels (added to the map when missing from it).
    output : str or os.PathLike
        Image file; the format follows the extension (``.png``, ``.svg``, ``.pdf``).
    title : str, optional
        Figure title (default: method and word count).
    seed, dpi, figsize
        t-SNE random state, resolution and size in inches.

    Returns
    -------
    dict
        ``{"path", "words", "missing"}``: the file written, the words drawn, the unknown words.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.plot import plot_words
    >>> kv = KeyedVectors(["cat", "dog", "car", "bus"], np.eye(4, dtype=np.float32))
    >>> out = os.path.join(tempfile.mkdtemp(), "map.png")
    >>> plot_words(kv, words=["cat", "dog", "car", "zebra"], highlight=["bus"], output=out)["missing"]
    ['zebra']
    """
    from .probe import WordLookup

    if (words is None) == (top is None):
        raise ValueError("give either words or top")
    lookup = WordLookup(kv)
    if top is not None:
        if top < 2:
            raise ValueError(f"top must be at least 2, not {top}")
        words = list(kv.index_to_key[:top])
    highlight = list(highlight or ())
    chosen, index, missing = [], [], []
    for w in dict.fromkeys(list(words) + highlight):
        i = lookup(w)
        if i is None:
            missing.append(w)
        elif i not in index:
            chosen.append(kv.index_to_key[i])
            index.append(i)
    if missing:
        logger.warning("not in the model, left out of the map: %s", ", ".join(missing))
    if len(index) < 2:
        raise ValueError(f"need at least 2 words the model knows to draw a map, got {len(index)}")
    xy = project_unit(kv.vectors[index], method=method, seed=seed)

    Figure, FigureCanvasAgg = _matplotlib()
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    hl = {kv.index_to_key[i] for i in (lookup(w) for w in highlight) if i is not None}
    is_hl = np.array([w in hl for w in chosen])
    ax.scatter(xy[~is_hl, 0], xy[~is_hl, 1], s=14, color="tab:blue", alpha=0.7)
    if is_hl.any():
        ax.scatter(xy[is_hl, 0], xy[is_hl, 1], s=36, color="tab:red")
    font = _label_font(chosen)
    for (x, y), w, h in zip(xy, chosen, is_hl):
        # CJK fonts rarely come in bold: highlighted CJK labels are larger instead.
        ax.annotate(w, (x, y), xytext=(3, 3), textcoords="offset points", fontproperties=font,
                    fontsize=(10 if font else 9) if h else 8, color="tab:red" if h else "black",
                    fontweight="bold" if h and font is None else "normal")
    ax.set_title(title or f"{len(chosen)} words, {method.upper() if method == 'pca' else 't-SNE'}",
                 fontproperties=_label_font([title]) if title else None)
    ax.set_xticks([])
    ax.set_yticks([])
    with quiet_missing_glyphs():        # without a CJK font NO_CJK_FONT has said it, once
        fig.tight_layout()
        _save(fig, output, dpi)
    logger.info("wrote %s (%d words)", output, len(chosen))
    return {"path": os.fspath(output), "words": chosen, "missing": missing}


def load_training_log(path):
    """The per-epoch training log of a native model file (a list of dicts).

    Raises ``ValueError`` when the model has none.
    """
    from ..vectors.native import load_native

    meta, _ = load_native(path, kind="model")
    log = meta.get("training_log") or []
    if not log:
        raise ValueError(f"{os.fspath(path)}: the model has no training log")
    return log


def plot_training(log, output="loss.png", title=None, dpi=150):
    """Draw loss and tokens/s per epoch from a training log and save it.

    Parameters
    ----------
    log : str or os.PathLike or list of dict
        A native model file (its ``meta["training_log"]``) or the log itself: dicts with
        ``epoch`` (0-based, as ``Word2Vec.training_log`` counts; drawn from 1, as training prints
        them), ``loss`` (mean loss per training example) and ``tokens_per_sec``
        (``words_per_sec`` in logs written before w2v named it so).
    output : str or os.PathLike
        Image file; the format follows the extension.
    title : str, optional
        Figure title.
    dpi : int
        Resolution.

    Returns
    -------
    str
        The file written.

    Examples
    --------
    >>> import os, tempfile
    >>> from w2v.evaluation.plot import plot_training
    >>> log = [{"epoch": e, "loss": 3.0 / (e + 1), "tokens_per_sec": 5e5} for e in (0, 1, 2)]
    >>> os.path.basename(plot_training(log, os.path.join(tempfile.mkdtemp(), "loss.png")))
    'loss.png'
    """
    if isinstance(log, (str, os.PathLike)):
        log = load_training_log(log)
    if not log:
        raise ValueError("empty training log")
    epochs = [int(e.get("epoch", k)) + 1 for k, e in enumerate(log)]     # "epoch 1/5", as training prints
    loss = [np.nan if e.get("loss") is None else float(e["loss"]) for e in log]
    speeds = [e.get("tokens_per_sec", e.get("words_per_sec")) for e in log]
    speed = [np.nan if s is None else float(s) for s in speeds]

    Figure, FigureCanvasAgg = _matplotlib()
    fig = Figure(figsize=(9, 4))
    FigureCanvasAgg(fig)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(epochs, loss, marker="o", color="tab:blue")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("mean loss per training example")
    ax1.set_title("Training loss")
    ax2.plot(epochs, np.asarray(speed) / 1000, marker="o", color="tab:green")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("thousand tokens / s")
    ax2.set_title("Speed")
    ax2.set_ylim(bottom=0)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
        if len(epochs) <= 20:
            ax.set_xticks(epochs)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    _save(fig, output, dpi)
    logger.info("wrote %s (%d epochs)", output, len(epochs))
    return os.fspath(output)
