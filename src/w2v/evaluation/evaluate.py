"""Intrinsic evaluation of word vectors: analogy accuracy and word-pair similarity correlation.

Scores match gensim's ``KeyedVectors.evaluate_word_analogies`` and ``evaluate_word_pairs``; the
analogy questions are answered in batches, one matrix product per batch instead of one query each.
"""
import importlib.resources
import itertools
import logging
import os

import numpy as np

logger = logging.getLogger(__name__)

#: Bundled evaluation sets, by name -> file under ``w2v/data`` (a tuple of files is read in order,
#: as one set). Add an entry here (and the file to ``src/w2v/data``) to ship another set.
DATASETS = {
    "google": "questions-words.txt",
    "phrases": "questions-phrases.txt",
    "wordsim353": "wordsim353.tsv",
    "ca8": ("ca8-morphological.txt", "ca8-semantic.txt"),
    "ca8-morphological": "ca8-morphological.txt",
    "ca8-semantic": "ca8-semantic.txt",
    "wordsim240": "wordsim-240.txt",
}

#: ``restrict_vocab`` of the original C tool (``compute-accuracy vectors.bin 30000``).
C_TOOL_RESTRICT_VOCAB = 30000

#: Score matrices are computed this many float32 elements (questions x vocabulary) at a time.
_BLOCK_ELEMENTS = 1 << 23

#: gensim's loop looks at this many candidates (after dropping the three question words).
_GENSIM_TOPN = 5

METHODS = ("add", "mul")


def resolve_dataset(name_or_path):
    """Turn a bundled dataset name or a file path into something that can be opened.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A key of :data:`DATASETS` (``"google"``, ``"wordsim353"``, case-insensitive) or a path.
        A name wins over a file of the same name in the working directory; write ``./google``
        to mean the file.

    Returns
    -------
    pathlib.Path or importlib.resources.abc.Traversable or tuple of them
        The bundled file (a tuple when the registry lists several files for one name), or the
        path itself.

    Raises
    ------
    FileNotFoundError
        When it is neither a known name nor an existing file.

    Examples
    --------
    >>> from w2v.evaluation.evaluate import resolve_dataset
    >>> resolve_dataset("google").name
    'questions-words.txt'
    """
    if isinstance(name_or_path, str) and name_or_path.lower() in DATASETS:
        entry = DATASETS[name_or_path.lower()]
        data = importlib.resources.files("w2v") / "data"
        if isinstance(entry, str):
            return data / entry
        return tuple(data / e for e in entry)
    path = os.fspath(name_or_path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file, and not a bundled dataset "
                                f"(known: {', '.join(sorted(DATASETS))})")
    return path


def _iter_lines(source):
    """Yield ``(origin, line_no, text)`` for every line of one or several files (UTF-8, any newline)."""
    if isinstance(source, (tuple, list)):
        for one in source:
            yield from _iter_lines(one)
        return
    if isinstance(source, (str, os.PathLike)):
        f = open(source, "rb")
    else:  # an importlib.resources Traversable
        f = source.open("rb")
    origin = str(source)
    with f:
        for line_no, raw in enumerate(f):
            if line_no == 0 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise UnicodeError(f"{origin}, line {line_no + 1}: not UTF-8 ({e.reason})") from None
            yield origin, line_no, text


def _vocab_map(kv, restrict_vocab, case_insensitive):
    """Map (upper-cased) key -> index of its first occurrence among the first ``restrict_vocab`` keys.

    Returns ``(ok_vocab, group)``: ``group[i]`` is the index that key ``i`` is known by (itself,
    unless an earlier key differs from it only in case), exactly as gensim's evaluators see it.
    """
    keys = kv.index_to_key if restrict_vocab is None else kv.index_to_key[:restrict_vocab]
    ok_vocab = {}
    folded = [k.upper() for k in keys] if case_insensitive else keys
    for i, k in enumerate(folded):
        ok_vocab.setdefault(k, i)
    if len(ok_vocab) == len(keys):
        group = np.arange(len(keys))
    else:
        group = np.fromiter((ok_vocab[k] for k in folded), dtype=np.int64, count=len(keys))
    return ok_vocab, group


def unit_rows(kv, n):
    """First ``n`` vectors scaled to unit length, float32; zero, NaN or inf rows become zeros.

    Examples
    --------
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> kv = KeyedVectors(["a", "b"], np.array([[3, 4], [0, 0]], np.float32))
    >>> unit_rows(kv, 2).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    v = np.asarray(kv.vectors[:n], dtype=np.float32)
    norms = np.linalg.norm(v, axis=1)
    ok = np.isfinite(norms) & (norms > 0)
    unit = np.zeros_like(v)
    unit[ok] = v[ok] / norms[ok, None]
    return unit


def _scores(unit, ia, ib, ic, method):
    """Scores of every word as the answer of ``a:b :: c:?``: [B, n] float32.

    ``add`` (3CosAdd): cos(w, b - a + c); ``mul`` (3CosMul, Levy & Goldberg 2014):
    ``(1+cos(w,b))/2 * (1+cos(w,c))/2 / ((1+cos(w,a))/2 + 1e-6)``, as gensim's ``most_similar_cosmul``.
    """
    if method == "add":
        q = unit[ib] - unit[ia] + unit[ic]
        norms = np.linalg.norm(q, axis=1, keepdims=True)
        q /= np.where(norms > 0, norms, 1)
        return q @ unit.T
    s = unit[ib] @ unit.T
    s += 1
    s *= 0.5
    sc = unit[ic] @ unit.T
    sc += 1
    sc *= 0.5
    s *= sc
    sa = unit[ia] @ unit.T
    sa += 1
    sa *= 0.5
    sa += 1e-6
    s /= sa
    return s


def answer_analogies(unit, group, ia, ib, ic, method="add"):
    """Answer ``a:b :: c:?`` for arrays of word indices; return the predicted index and its score.

    The three question words are excluded; as in gensim, so is any word that is a case variant
    of them (same ``group``), among the best five candidates.

    Parameters
    ----------
    unit : ndarray of float32, shape (n, dim)
        Unit-length vectors of the searchable vocabulary.
    group : ndarray of int, shape (n,)
        Canonical index of each word (``np.arange(n)`` when no two words share a folded form).
    ia, ib, ic : ndarray of int, shape (q,)
        Indices (canonical) of the question words.
    method : {"add", "mul"}
        3CosAdd or 3CosMul.

    Returns
    -------
    predicted : ndarray of int, shape (q,)
        Canonical index of the answer, or -1 when there is no candidate at all.
    score : ndarray of float32, shape (q,)
        The answer's score (its cosine with ``b - a + c`` for ``add``).

    Examples
    --------
    >>> import numpy as np
    >>> from w2v.evaluation.evaluate import answer_analogies
    >>> unit = np.array([[1, 0], [0, 1], [0.6, 0.8], [0.8, 0.6], [-1, 0]], dtype=np.float32)
    >>> pred, score = answer_analogies(unit, np.arange(5), np.array([0]), np.array([1]), np.array([2]))
    >>> int(pred[0])
    3
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    ia, ib, ic = (np.asarray(x, dtype=np.int64) for x in (ia, ib, ic))
    n = unit.shape[0]
    predicted = np.full(len(ia), -1, dtype=np.int64)
    best_score = np.full(len(ia), -np.inf, dtype=np.float32)
    batch = max(1, _BLOCK_ELEMENTS // max(n, 1))
    for start in range(0, len(ia), batch):
        sl = slice(start, start + batch)
        a, b, c = ia[sl], ib[sl], ic[sl]
        sims = _scores(unit, a, b, c, method)
        rows = np.arange(len(a))
        for idx in (a, b, c):
            sims[rows, idx] = -np.inf
        # Fast path: the best word, when it is not a case variant of a question word.
        top = np.argmax(sims, axis=1)
        top_score = sims[rows, top]
        g = group[top]
        fine = np.isfinite(top_score) & (g != a) & (g != b) & (g != c)
        predicted[sl][fine] = g[fine]
        best_score[sl][fine] = top_score[fine]
        # Slow path, gensim's exact rule: walk the best five; if none is usable, keep the last.
        for r in np.flatnonzero(~fine):
            row = sims[r]
            k = min(_GENSIM_TOPN, n)
            cand = np.argpartition(row, n - k)[n - k:]
            cand = cand[np.argsort(-row[cand], kind="stable")]
            cand = cand[np.isfinite(row[cand])]
            if len(cand) == 0:
                continue
            chosen = cand[-1]
            for j in cand:
                if group[j] not in (a[r], b[r], c[r]):
                    chosen = j
                    break
            predicted[start + r] = group[chosen]
            best_score[start + r] = row[chosen]
    return predicted, best_score


def _read_analogy_sections(source, case_insensitive):
    """Parse an analogy file: list of ``[name, [(a, b, c, d), ...]]`` in file order."""
    sections = []
    for origin, line_no, line in _iter_lines(source):
        if line.startswith(": "):
            sections.append([line.lstrip(": ").strip(), []])
            continue
        if not sections:
            raise ValueError(f"Missing section header before line #{line_no} in {origin}")
        words = line.split()
        if len(words) != 4:
            logger.info("Skipping invalid line #%i in %s", line_no, origin)
            continue
        if case_insensitive:
            words = [w.upper() for w in words]
        sections[-1][1].append(tuple(words))
    return sections


def evaluate_word_analogies(kv, analogies, restrict_vocab=300000, case_insensitive=True,
                            dummy4unknown=False, method="add"):
    """Accuracy on an analogy set (``a b c d`` lines under ``: section`` headers), like gensim.

    A question counts when its four words are among the first ``restrict_vocab`` words; the
    answer is the best word among those, other than ``a``, ``b``, ``c``, for ``b - a + c``.

    Parameters
    ----------
    kv : KeyedVectors
        Anything with ``index_to_key`` (most frequent first) and ``vectors``; gensim's works too.
    analogies : str or os.PathLike
        A bundled set name (``"google"``) or a file in the Google format (LF or CRLF).
    restrict_vocab : int or None, optional
        Only the first ``restrict_vocab`` words are known (the C tool uses
        :data:`C_TOOL_RESTRICT_VOCAB`, 30000); None for all.
    case_insensitive : bool, optional
        Compare upper-cased words; a word's first case variant in the vocabulary stands for it.
    dummy4unknown : bool, optional
        Count questions with unknown words as incorrect instead of skipping them.
    method : {"add", "mul"}, optional
        3CosAdd (gensim's evaluator) or 3CosMul.

    Returns
    -------
    score : float
        Overall accuracy in [0, 1] (0.0 when no question could be asked).
    sections : list of dict
        One dict per section, then ``'Total accuracy'``: ``'section'`` (name), ``'correct'`` and
        ``'incorrect'`` (lists of question 4-tuples, as gensim) and ``'oov'`` (int: questions with
        an unknown word; skipped, or counted as incorrect with ``dummy4unknown``).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from w2v.evaluation.evaluate import evaluate_word_analogies
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> kv = KeyedVectors(["man", "king", "woman", "queen", "apple"],
    ...                   np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 1]], dtype=np.float32))
    >>> path = os.path.join(tempfile.mkdtemp(), "q.txt")
    >>> with open(path, "w") as f:
    ...     _ = f.write(": royals\\nman king woman queen\\nman king woman prince\\n")
    >>> score, sections = evaluate_word_analogies(kv, path)
    >>> score, len(sections[0]["correct"]), sections[0]["oov"]
    (1.0, 1, 1)
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    source = resolve_dataset(analogies)
    ok_vocab, group = _vocab_map(kv, restrict_vocab, case_insensitive)
    parsed = _read_analogy_sections(source, case_insensitive)
    n_questions = sum(len(qs) for _, qs in parsed)
    if n_questions == 0:
        raise ValueError(f"{source}: no analogy questions found (expected ': section' lines "
                         f"followed by lines of four words)")
    logger.info("Evaluating word analogies (%s) for top %s words in the model on %s",
                method, restrict_vocab, source)

    known = [q for _, qs in parsed for q in qs if all(w in ok_vocab for w in q)]
    idx = np.array([[ok_vocab[w] for w in q] for q in known], dtype=np.int64).reshape(-1, 4)
    if len(known):
        unit = unit_rows(kv, len(group))
        predicted, _ = answer_analogies(unit, group, idx[:, 0], idx[:, 1], idx[:, 2], method)
        hits = iter((predicted == idx[:, 3]).tolist())
    sections, oov = [], 0
    for name, questions in parsed:
        section = {"section": name, "correct": [], "incorrect": [], "oov": 0}
        for q in questions:
            if all(w in ok_vocab for w in q):
                section["correct" if next(hits) else "incorrect"].append(q)
            else:
                section["oov"] += 1
                if dummy4unknown:
                    section["incorrect"].append(q)
        oov += section["oov"]
        _log_section(section)
        sections.append(section)
    total = {
        "section": "Total accuracy",
        "correct": list(itertools.chain.from_iterable(s["correct"] for s in sections)),
        "incorrect": list(itertools.chain.from_iterable(s["incorrect"] for s in sections)),
        "oov": oov,
    }
    logger.info("Quadruplets with out-of-vocabulary words: %.1f%%", 100.0 * oov / n_questions)
    score = _log_section(total)
    sections.append(total)
    return score, sections


def _log_section(section):
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if correct + incorrect == 0:
        return 0.0
    score = correct / (correct + incorrect)
    logger.info("%s: %.1f%% (%i/%i)", section["section"], 100.0 * score, correct, correct + incorrect)
    return score


def summarize_analogies(sections):
    """Counts per section of :func:`evaluate_word_analogies` output, without the question lists.

    Returns
    -------
    list of dict
        ``{"section", "correct", "incorrect", "oov", "accuracy"}`` with int counts and the
        accuracy in [0, 1], or None for a section where no question was asked.

    Examples
    --------
    >>> from w2v.evaluation.evaluate import summarize_analogies
    >>> summarize_analogies([{"section": "s", "correct": [("a", "b", "c", "d")], "incorrect": [], "oov": 2}])
    [{'section': 's', 'correct': 1, 'incorrect': 0, 'oov': 2, 'accuracy': 1.0}]
    """
    rows = []
    for s in sections:
        c, i = len(s["correct"]), len(s["incorrect"])
        rows.append({"section": s["section"], "correct": c, "incorrect": i, "oov": int(s.get("oov", 0)),
                     "accuracy": c / (c + i) if c + i else None})
    return rows


def _split_pair_line(line, delimiter):
    parts = line.split(delimiter) if delimiter else line.split()
    if len(parts) != 3:
        parts = line.split()
    if len(parts) != 3:
        raise ValueError("not three fields")
    a, b, sim = (p.strip() for p in parts)
    return a, b, float(sim)


def evaluate_word_pairs(kv, pairs, delimiter="\t", restrict_vocab=300000, case_insensitive=True,
                        dummy4unknown=False):
    """Correlation of the model's cosine similarities with human scores, like gensim.

    Parameters
    ----------
    kv : KeyedVectors
        Anything with ``index_to_key`` (most frequent first) and ``vectors``; gensim's works too.
    pairs : str or os.PathLike
        A bundled set name (``"wordsim353"``) or a file of ``word1 word2 score`` lines; lines
        starting with ``#`` are comments.
    delimiter : str or None, optional
        Field separator; a line that does not split into three fields on it is split on any
        whitespace instead, so tab- and space-separated files both work. None: whitespace.
    restrict_vocab : int or None, optional
        Only the first ``restrict_vocab`` words are known; None for all.
    case_insensitive : bool, optional
        Compare upper-cased words; a word's first case variant in the vocabulary stands for it.
    dummy4unknown : bool, optional
        Give pairs with an unknown word similarity 0 instead of skipping them.

    Returns
    -------
    pearson : tuple of (float, float)
        Pearson's r and its two-tailed p-value (``scipy.stats.pearsonr``).
    spearman : tuple of (float, float)
        Spearman's rho and its two-tailed p-value (``scipy.stats.spearmanr``).
    oov_ratio : float
        Percentage of pairs with an unknown word.

    Raises
    ------
    ValueError
        When no pair could be scored.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from w2v.evaluation.evaluate import evaluate_word_pairs
    >>> from w2v.models.keyedvectors import KeyedVectors
    >>> kv = KeyedVectors(["cat", "dog", "car", "bus"],
    ...                   np.array([[1, 0.1], [1, 0.3], [0.1, 1], [0.2, 1]], dtype=np.float32))
    >>> path = os.path.join(tempfile.mkdtemp(), "pairs.tsv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("# w1 w2 score\\ncat dog 8\\ncar bus 9\\ncat car 1\\ndog bus 2\\ncat fish 5\\n")
    >>> (r, p), (rho, p2), oov = evaluate_word_pairs(kv, path)
    >>> round(rho, 3), oov
    (1.0, 20.0)
    """
    from scipy import stats

    source = resolve_dataset(pairs)
    ok_vocab, _ = _vocab_map(kv, restrict_vocab, case_insensitive)
    gold, ia, ib, known, oov = [], [], [], [], 0
    for origin, line_no, line in _iter_lines(source):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            a, b, sim = _split_pair_line(line, delimiter)
        except ValueError:
            logger.info("Skipping invalid line #%d in %s", line_no, origin)
            continue
        if case_insensitive:
            a, b = a.upper(), b.upper()
        if a not in ok_vocab or b not in ok_vocab:
            oov += 1
            logger.debug("Pair with unknown words, line #%d: %s", line_no, line.strip())
            if not dummy4unknown:
                continue
            known.append(False)
            ia.append(0)
            ib.append(0)
        else:
            known.append(True)
            ia.append(ok_vocab[a])
            ib.append(ok_vocab[b])
        gold.append(sim)
    if not gold:
        raise ValueError(f"{source}: no valid similarity judgements found (bad format, or every "
                         f"pair has a word the model does not know)")
    if len(gold) < 2:     # scipy's own message ("`x` and `y` must have length at least 2") says less
        raise ValueError(f"{source}: only one pair can be scored (the model knows the words of no other "
                         f"pair); a correlation needs at least two")
    known = np.array(known)
    model = np.zeros(len(gold), dtype=np.float32)
    if known.any():
        unit = unit_rows(kv, max(max(ia), max(ib)) + 1)
        ia, ib = np.array(ia)[known], np.array(ib)[known]
        model[known] = np.einsum("ij,ij->i", unit[ia], unit[ib])
    spearman = stats.spearmanr(gold, model)
    pearson = stats.pearsonr(gold, model)
    pearson = (float(pearson[0]), float(pearson[1]))
    spearman = (float(spearman[0]), float(spearman[1]))
    if dummy4unknown:
        oov_ratio = 100.0 * oov / len(gold)
    else:
        oov_ratio = 100.0 * oov / (len(gold) + oov)
    logger.info("Pearson %.4f (p=%.3g), Spearman %.4f (p=%.3g), %.1f%% pairs with unknown words, on %s",
                pearson[0], pearson[1], spearman[0], spearman[1], oov_ratio, source)
    return pearson, spearman, oov_ratio


def dataset_words(name_or_path, analogies=True, delimiter="\t"):
    """The words of an analogy or word-pair dataset, as written: ``(asked, answers)``, two sets.

    Analogies: ``asked`` holds the first three words of each question, ``answers`` the fourth;
    word pairs: ``asked`` holds both words, ``answers`` is empty. Subword vectors use it to give
    the words outside their vocabulary a vector before an evaluation.

    Examples
    --------
    >>> asked, answers = dataset_words("google")
    >>> "Athens" in asked, "Greece" in answers
    (True, True)
    """
    source = resolve_dataset(name_or_path)
    asked, answers = set(), set()
    for _, _, line in _iter_lines(source):
        if analogies:
            words = line.split()
            if len(words) == 4 and not line.startswith(": "):
                asked.update(words[:3])
                answers.add(words[3])
        elif line.strip() and not line.startswith("#"):
            try:
                a, b, _ = _split_pair_line(line, delimiter)
            except ValueError:
                continue
            asked.update((a, b))
    return asked, answers
