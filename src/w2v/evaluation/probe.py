"""Quick sanity probe of trained vectors: canonical analogies, neighbours, symmetry, degenerate vectors, bias axes.

:func:`probe` returns a JSON-able dict; :func:`format_report` turns it into the text ``w2v probe`` prints.
"""
import importlib.resources
import logging
import math
import os
import re

import numpy as np

from .evaluate import unit_rows, answer_analogies

logger = logging.getLogger(__name__)

#: ``a:b :: c:d`` questions, answered as the word nearest to ``b - a + c``.
CANONICAL_ANALOGIES = (
    ("king", "man", "queen", "woman"),
    ("paris", "france", "tokyo", "japan"),
    ("walking", "walked", "swimming", "swam"),
)

#: Neighbour probes when the user names none (those the model knows are used).
DEFAULT_WORDS = ("king", "woman", "city", "water", "good", "run")

#: Frequency ranks probed instead when the model knows none of :data:`DEFAULT_WORDS`.
FALLBACK_RANKS = (10, 50, 100, 500, 1000)

#: A vector norm outside [MIN_NORM, MAX_NORM], or any NaN/inf component, is a training bug.
MIN_NORM = 0.01
MAX_NORM = 100.0

#: similarity(a, b) and similarity(b, a) may differ by this much (float32 rounding).
SYMMETRY_TOL = 1e-6

VERDICT_NOTE = ("analogy accuracy alone does not make a model good; judge it by both intrinsic "
                "evaluation (w2v evaluate: analogies and word-pair similarity) and downstream "
                "evaluation on your own task.")


def read_word_list(path):
    """Words from a file: whitespace-separated, any number per line; ``#`` starts a comment line.

    Examples
    --------
    >>> from w2v.evaluation.probe import read_word_list, OCCUPATIONS
    >>> words = read_word_list(OCCUPATIONS)
    >>> "nurse" in words and len(words) > 90
    True
    """
    words = []
    if isinstance(path, (str, os.PathLike)):
        f = open(path, encoding="utf-8-sig")
    else:  # an importlib.resources Traversable inside a zipped install
        f = path.open("r", encoding="utf-8-sig")
    with f:
        for line in f:
            if not line.lstrip().startswith("#"):
                words.extend(line.split())
    return words


#: The bundled occupation list, the default words for bias axes.
OCCUPATIONS = importlib.resources.files("w2v") / "data" / "occupations.txt"


class WordLookup:
    """Word -> index: the exact key first, then a case-insensitive match (first, most frequent).

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> lookup = WordLookup(KeyedVectors(["Paris", "paris"], np.eye(2, dtype=np.float32)))
    >>> lookup("paris"), lookup("PARIS"), lookup("Rome")
    (1, 0, None)
    """

    def __init__(self, kv):
        self.kv = kv
        self._folded = None

    def __call__(self, word):
        idx = self.kv.key_to_index.get(word)
        if idx is not None:
            return idx
        if self._folded is None:
            self._folded = {}
            for i, k in enumerate(self.kv.index_to_key):
                self._folded.setdefault(k.casefold(), i)
        return self._folded.get(word.casefold())


def json_float(x):
    """``x`` as a float, or None for NaN/inf, so the result is strict JSON (a value, not a check:
    compare :func:`w2v.vectors.native.all_finite`)."""
    x = float(x)
    return x if math.isfinite(x) else None


def _analogies(kv, unit, lookup):
    out = []
    for a, b, c, expected in CANONICAL_ANALOGIES:
        entry = {"question": f"{a}:{b} :: {c}:?", "expected": expected, "missing": [],
                 "answer": None, "cosine": None, "correct": None}
        idx = [lookup(w) for w in (a, b, c)]
        entry["missing"] = [w for w, i in zip((a, b, c, expected), idx + [lookup(expected)]) if i is None]
        if None not in idx:
            n = unit.shape[0]
            pred, score = answer_analogies(unit, np.arange(n), *([i] for i in idx))
            if pred[0] >= 0:
                entry["answer"] = kv.index_to_key[pred[0]]
                entry["cosine"] = json_float(score[0])
                entry["correct"] = entry["answer"].casefold() == expected.casefold()
        out.append(entry)
    return out


def _default_words(kv, lookup):
    words = [w for w in DEFAULT_WORDS if lookup(w) is not None][:5]
    if not words:
        words = [kv.index_to_key[r] for r in FALLBACK_RANKS if r < len(kv.index_to_key)]
        words = words or list(kv.index_to_key[:5])
    return words


def _neighbours(kv, unit, lookup, words, topn):
    result, missing = {}, []
    for w in words:
        i = lookup(w)
        if i is None:
            missing.append(w)
            continue
        sims = unit @ unit[i]
        sims[i] = -np.inf
        k = min(topn, len(sims) - 1)
        if k <= 0:
            result[w] = []
            continue
        best = np.argpartition(sims, len(sims) - k)[len(sims) - k:]
        best = best[np.argsort(-sims[best], kind="stable")]
        result[w] = [[kv.index_to_key[j], json_float(sims[j])] for j in best]
    return result, missing


def _symmetry(kv, unit, n_pairs, seed):
    n = min(len(kv.index_to_key), 10000)
    if n < 2:
        return {"pairs": 0, "max_abs_diff": 0.0, "ok": True}
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, n_pairs)
    j = (i + rng.integers(1, n, n_pairs)) % n
    keys = kv.index_to_key
    if callable(getattr(kv, "similarity", None)):
        ab = np.array([kv.similarity(keys[x], keys[y]) for x, y in zip(i, j)], dtype=np.float64)
        ba = np.array([kv.similarity(keys[y], keys[x]) for x, y in zip(i, j)], dtype=np.float64)
    else:
        ab = np.einsum("ij,ij->i", unit[i], unit[j]).astype(np.float64)
        ba = np.einsum("ij,ij->i", unit[j], unit[i]).astype(np.float64)
    diff = np.abs(ab - ba)
    ok = bool(np.all(diff <= SYMMETRY_TOL))   # NaN compares False: not ok
    worst = int(np.argmax(np.where(np.isnan(diff), np.inf, diff)))
    # max_abs_diff is None (JSON null) when a similarity is NaN.
    return {"pairs": int(n_pairs), "max_abs_diff": json_float(diff.max()), "ok": ok,
            "worst_pair": [keys[i[worst]], keys[j[worst]]]}


def _degenerate(kv, examples=10):
    v = np.asarray(kv.vectors)
    nonfinite = ~np.isfinite(v).all(axis=1)
    norms = np.linalg.norm(np.where(np.isfinite(v), v, 0), axis=1)
    small = ~nonfinite & (norms < MIN_NORM)
    large = ~nonfinite & (norms > MAX_NORM)
    keys = kv.index_to_key

    def names(mask):
        return [keys[k] for k in np.flatnonzero(mask)[:examples]]

    finite_norms = norms[~nonfinite]
    return {
        "vectors": int(len(v)),
        "nan_or_inf": int(nonfinite.sum()), "nan_or_inf_words": names(nonfinite),
        "norm_below_min": int(small.sum()), "norm_below_min_words": names(small),
        "norm_above_max": int(large.sum()), "norm_above_max_words": names(large),
        "min_norm": json_float(finite_norms.min()) if len(finite_norms) else None,
        "max_norm": json_float(finite_norms.max()) if len(finite_norms) else None,
        "limits": [MIN_NORM, MAX_NORM],
        "ok": not (nonfinite.any() or small.any() or large.any()),
    }


def _parse_axis(axis):
    if isinstance(axis, str):
        parts = axis.split(":")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise ValueError(f"bias axis {axis!r}: expected two words as 'a:b', e.g. 'he:she'")
        return parts[0].strip(), parts[1].strip()
    a, b = axis
    return a, b


def _unit_of(kv, idx):
    """Rows ``idx`` of the vectors scaled to unit length (float32; zero, NaN or inf rows become zeros)."""
    v = np.asarray(kv.vectors[np.asarray(idx, dtype=np.int64)], dtype=np.float32).reshape(len(idx), -1)
    norms = np.linalg.norm(v, axis=1)
    ok = np.isfinite(norms) & (norms > 0)
    unit = np.zeros_like(v)
    unit[ok] = v[ok] / norms[ok, None]
    return unit


def _direction(kv, idx):
    """Unit direction of an axis given by word rows: ``unit(a) - unit(b)`` for two, ``unit(a)`` for one."""
    u = _unit_of(kv, idx)
    direction = u[0] - u[1] if len(idx) == 2 else u[0]
    norm = float(np.linalg.norm(direction))
    return direction / norm if norm > 0 else direction


def parse_axis_words(axis):
    """The one or two words of a semantic axis: ``"good"``, ``"he:she"``, ``"he,she"`` or a tuple.

    Examples
    --------
    >>> from w2v.evaluation.probe import parse_axis_words
    >>> parse_axis_words("he,she"), parse_axis_words("good"), parse_axis_words(("rich", "poor"))
    (('he', 'she'), ('good',), ('rich', 'poor'))
    """
    parts = re.split("[:,]", axis) if isinstance(axis, str) else list(axis)
    parts = tuple(p.strip() for p in parts)
    if not 1 <= len(parts) <= 2 or not all(parts):
        raise ValueError(f"axis {axis!r}: expected one word or two as 'a,b' (e.g. 'he,she' or 'good')")
    return parts


def axis_projections(kv, x, y=None, words=None):
    """Place words on semantic axes: the cosine of each word with each axis' direction.

    An axis of two words points from the second to the first (``unit(a) - unit(b)``, normalised,
    as :func:`bias_projections`); an axis of one word points to it.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors.
    x, y : str or tuple of str
        The axes (see :func:`parse_axis_words`); without ``y`` every point has ``y = 0``.
    words : list of str, optional
        Words to place (default: the bundled :data:`OCCUPATIONS`); the axes' own words are left out.

    Returns
    -------
    dict
        ``x``, ``y`` (each axis' words), ``points`` (``{"word", "x", "y", "count"}`` in the order
        given) and ``missing`` (words the model lacks). A word of an axis that the model lacks
        raises ``KeyError``.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.probe import axis_projections
    >>> kv = KeyedVectors(["he", "she", "good", "nurse", "pilot"], np.array(
    ...     [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [-0.6, 0.8, 0], [0.6, 0, 0.8]], dtype=np.float32))
    >>> r = axis_projections(kv, "he,she", "good", ["nurse", "pilot", "ghost"])
    >>> [(p["word"], round(p["x"], 2), round(p["y"], 2)) for p in r["points"]], r["missing"]
    ([('nurse', -0.6, 0.8), ('pilot', 0.6, 0.0)], ['ghost'])
    >>> axis_projections(kv, "he,she", words=["he", "she"])["points"]    # only the axes' own words
    []
    """
    lookup = WordLookup(kv)
    if x is None:
        raise ValueError("axis_projections needs an x axis")
    axes, directions, own = [], [], set()
    for axis in (x, y):
        if axis is None:
            axes.append(None)
            directions.append(None)
            continue
        names = parse_axis_words(axis)
        idx = []
        for w in names:
            i = lookup(w)
            if i is None:
                kv.get_index(w)                 # raises KeyError with close spellings
                raise KeyError(f"{w!r} is not in the vocabulary")
            idx.append(i)
        own.update(idx)
        axes.append([kv.index_to_key[i] for i in idx])
        directions.append(_direction(kv, idx))
    words = read_word_list(OCCUPATIONS) if words is None else list(words)
    idx, missing = [], []
    for w in dict.fromkeys(words):
        i = lookup(w)
        if i is None:
            missing.append(w)
        elif i not in own and i not in idx:
            idx.append(i)
    xs = ys = np.zeros(0)                    # no word left to place: no points
    if idx:
        unit = _unit_of(kv, idx)
        xs = unit @ directions[0]
        ys = unit @ directions[1] if directions[1] is not None else np.zeros(len(idx))
    counts = getattr(kv, "counts", None)     # gensim's KeyedVectors has none
    points = [{"word": kv.index_to_key[i], "x": json_float(a), "y": json_float(b),
               "count": int(counts[i]) if counts is not None else 0} for i, a, b in zip(idx, xs, ys)]
    return {"x": axes[0], "y": axes[1], "points": points, "missing": missing}


def bias_projections(kv, axes, words=None):
    """Project words onto difference axes (``unit(a) - unit(b)``, normalised) and rank the gaps.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors.
    axes : iterable of str or (str, str)
        Axes as ``"he:she"`` or ``("he", "she")``.
    words : list of str, optional
        Words to project (default: the bundled :data:`OCCUPATIONS`). The axis' own two words are
        left out of its ranking.

    Returns
    -------
    list of dict
        Per axis: ``axis``, ``positive``/``negative`` (the poles), ``missing`` (unknown words),
        ``ranking`` (``[word, projection]`` pairs by decreasing ``|projection|``: the cosine of the
        word with the axis, > 0 leaning to ``positive``) and ``mean_abs_projection``.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.probe import bias_projections
    >>> kv = KeyedVectors(["he", "she", "doctor", "nurse", "tree"],
    ...                   np.array([[1, 0, 1], [-1, 0, 1], [0.5, 1, 0], [-0.8, 1, 0], [0, 0, 1]], dtype=np.float32))
    >>> r = bias_projections(kv, ["he:she"], ["doctor", "nurse", "tree", "ghost"])[0]
    >>> [w for w, _ in r["ranking"]], r["missing"]
    (['nurse', 'doctor', 'tree'], ['ghost'])
    """
    lookup = WordLookup(kv)
    words = read_word_list(OCCUPATIONS) if words is None else list(words)
    out = []
    for axis in axes:
        a, b = _parse_axis(axis)
        entry = {"axis": f"{a}:{b}", "positive": a, "negative": b, "missing": [], "ranking": [],
                 "mean_abs_projection": None}
        ia, ib = lookup(a), lookup(b)
        entry["missing"] = [w for w, i in ((a, ia), (b, ib)) if i is None]
        if ia is not None and ib is not None:
            direction = _direction(kv, [ia, ib])
            idx, kept = [], []
            for w in dict.fromkeys(words):
                i = lookup(w)
                if i is None:
                    entry["missing"].append(w)
                elif i not in (ia, ib):
                    idx.append(i)
                    kept.append(w)
            proj = _unit_of(kv, idx) @ direction if idx else np.zeros(0)
            order = np.argsort(-np.abs(proj), kind="stable")
            entry["ranking"] = [[kept[k], json_float(proj[k])] for k in order]
            entry["mean_abs_projection"] = json_float(np.abs(proj).mean()) if len(proj) else None
        out.append(entry)
    return out


def probe(kv, words=None, bias_axes=(), bias_words=None, topn=5, n_pairs=100, seed=0):
    """Run the sanity checks on a set of word vectors.

    Parameters
    ----------
    kv : KeyedVectors
        The vectors (``index_to_key``, ``key_to_index``, ``vectors``, ``similarity``); gensim's work too.
    words : list of str, optional
        Words whose ``topn`` neighbours to show (default: a few frequent words the model knows).
    bias_axes : iterable of str or (str, str), optional
        Axes such as ``"he:she"`` for :func:`bias_projections`.
    bias_words : list of str, optional
        Words projected onto the bias axes (default: the bundled occupation list).
    topn : int, optional
        Neighbours per word.
    n_pairs : int, optional
        Random word pairs checked for symmetric similarity.
    seed : int, optional
        Seed of that sample.

    Returns
    -------
    dict
        JSON-able: ``analogies``, ``neighbours``, ``missing_words``, ``symmetry``, ``degenerate``,
        ``bias`` and ``verdict`` (documented in docs/evaluation.md).

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.probe import probe
    >>> kv = KeyedVectors(["king", "man", "queen", "woman"],
    ...                   np.array([[1, 1], [1, 0], [0.2, 1], [0.2, 0]], dtype=np.float32))
    >>> r = probe(kv, words=["king"], topn=2)
    >>> r["analogies"][0]["answer"], r["analogies"][1]["missing"], r["verdict"]["training_bug"]
    ('woman', ['paris', 'france', 'tokyo', 'japan'], False)
    """
    lookup = WordLookup(kv)
    unit = unit_rows(kv, len(kv.index_to_key))
    words = _default_words(kv, lookup) if words is None else list(words)
    neighbours, missing = _neighbours(kv, unit, lookup, words, topn)
    result = {
        "vocabulary": len(kv.index_to_key),
        "dimensions": int(np.shape(kv.vectors)[1]) if np.ndim(kv.vectors) == 2 else 0,
        "analogies": _analogies(kv, unit, lookup),
        "neighbours": neighbours,
        "missing_words": missing,
        "symmetry": _symmetry(kv, unit, n_pairs, seed),
        "degenerate": _degenerate(kv),
        "bias": bias_projections(kv, bias_axes, bias_words) if bias_axes else [],
    }
    result["verdict"] = _verdict(result)
    return result


def _verdict(r):
    problems = []
    d = r["degenerate"]
    if d["nan_or_inf"]:
        problems.append(f"{d['nan_or_inf']} vectors contain NaN or inf")
    if d["norm_below_min"]:
        problems.append(f"{d['norm_below_min']} vectors have norm below {MIN_NORM}")
    if d["norm_above_max"]:
        problems.append(f"{d['norm_above_max']} vectors have norm above {MAX_NORM}")
    if not r["symmetry"]["ok"]:
        problems.append(f"similarity is not symmetric (max |sim(a,b) - sim(b,a)| = "
                        f"{r['symmetry']['max_abs_diff']})")
    asked = [a for a in r["analogies"] if a["correct"] is not None]
    solved = sum(1 for a in asked if a["correct"])
    skipped = len(r["analogies"]) - len(asked)
    analogy_note = (f"{solved} of {len(asked)} canonical analogies answered correctly"
                    + (f", {skipped} skipped for unknown words" if skipped else ""))
    if problems:
        summary = ("Training bug suspected: " + "; ".join(problems)
                   + ". Fix training before evaluating this model further.")
    else:
        summary = ("No training bug found by these checks (finite vectors of sane norm, symmetric "
                   "similarity). That is no sign of quality: " + VERDICT_NOTE)
    return {"training_bug": bool(problems), "problems": problems, "analogy_note": analogy_note,
            "summary": summary}


def _fmt(x, spec=".3f"):
    return "n/a" if x is None else format(x, spec)


def format_report(result, top_bias=10):
    """The text of ``w2v probe`` for a :func:`probe` result.

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> from w2v.evaluation.probe import probe, format_report
    >>> kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    >>> "Verdict" in format_report(probe(kv, words=["a"]))
    True
    """
    lines = [f"Model: {result['vocabulary']} words x {result['dimensions']} dimensions", "",
             "1. Canonical analogies (a:b :: c:? answered by b - a + c, top 1)"]
    for a in result["analogies"]:
        if a["answer"] is None:
            lines.append(f"   {a['question']:32s} skipped: model lacks {', '.join(a['missing'])}")
        else:
            mark = "correct" if a["correct"] else f"expected {a['expected']}"
            lines.append(f"   {a['question']:32s} {a['answer']} (cos {_fmt(a['cosine'])}) {mark}")
    lines += ["", "2. Nearest neighbours (cosine)"]
    for w, nbrs in result["neighbours"].items():
        lines.append(f"   {w}: " + ", ".join(f"{n} {_fmt(c)}" for n, c in nbrs))
    if result["missing_words"]:
        lines.append(f"   not in the model: {', '.join(result['missing_words'])}")
    s = result["symmetry"]
    lines += ["", "3. Symmetry: similarity(a, b) == similarity(b, a)",
              f"   {s['pairs']} random pairs, max difference {_fmt(s['max_abs_diff'], '.2e')}: "
              + ("OK" if s["ok"] else "FAILED (training or loading bug)")]
    d = result["degenerate"]
    lines += ["", f"4. Degenerate vectors (norm outside [{MIN_NORM}, {MAX_NORM:g}], NaN or inf)",
              f"   norms range {_fmt(d['min_norm'], '.4g')} .. {_fmt(d['max_norm'], '.4g')}"]
    for key, label in (("nan_or_inf", "NaN/inf"), ("norm_below_min", "norm too small"),
                       ("norm_above_max", "norm too large")):
        if d[key]:
            lines.append(f"   {d[key]} {label}: {', '.join(d[key + '_words'])}"
                         + (" ..." if d[key] > len(d[key + "_words"]) else ""))
    lines.append("   OK" if d["ok"] else "   FAILED: a training bug")
    for b in result["bias"]:
        lines += ["", f"Bias axis {b['axis']} (projection > 0 leans to '{b['positive']}', "
                      f"< 0 to '{b['negative']}'), largest gaps:"]
        if b["positive"] in b["missing"] or b["negative"] in b["missing"]:
            lines.append(f"   skipped: model lacks {', '.join(b['missing'])}")
            continue
        for w, p in b["ranking"][:top_bias]:
            lines.append(f"   {w:20s} {p:+.3f}")
        lines.append(f"   mean |projection| {_fmt(b['mean_abs_projection'])} over {len(b['ranking'])} words"
                     + (f"; {len(b['missing'])} not in the model" if b["missing"] else ""))
    v = result["verdict"]
    lines += ["", "Verdict: " + v["summary"], f"   ({v['analogy_note']}.)"]
    return "\n".join(lines)
