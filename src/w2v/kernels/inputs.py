"""Input layers: which rows of which matrices make a word's input vector, and where its gradient goes.

Each input kind's arrays travel as a namedtuple; the functions below pick their code by the
tuple's type when Numba compiles the calling job, exactly as :func:`.objectives.update_output`
does for the output layer, so the window loops of :mod:`.skipgram` and :mod:`.cbow` know nothing
of words, subwords or documents.

Kinds
-----
``WordRows(syn0, lockf=None)``
    word2vec: word w's input vector is ``syn0[w]``; the step ``neu1e`` is added to it, scaled by
    ``lockf[w]`` (gensim's ``vectors_lockf``). With ``lockf`` None the update compiles without
    the factor, so ordinary training costs what it did before locking existed.
``SubwordRows(syn0, offsets, rows, lockf=None, drift=None)``
    fastText: word w's input rows are ``rows[offsets[w]:offsets[w + 1]]`` (its own row, then
    its hashed n-gram rows: a CSR over the vocabulary, ``offsets`` int64[V+1], ``rows`` int32 or
    int64 row ids into ``syn0``, which holds the word rows and the n-gram buckets stacked, as
    fastText's input matrix does). The input vector is the MEAN of those rows; every row then
    receives the whole step ``neu1e`` (times ``lockf[row]`` if given), as Facebook fastText's
    unsupervised models do (``Model::update``: only the supervised model divides the gradient by
    the number of rows). In CBOW the context is the union of the context words' rows, so the
    hidden vector is the mean over all of them (fastText and gensim's ``fasttext_inner.pyx``).
    gensim 4.4 differs in skip-gram: ``fasttext_fast_sentence_sg_*`` divides the word row plus
    its n n-gram rows by n, not n + 1 (``norm_factor = 1 / subwords_len``); here the mean is exact.
    In skip-gram the CENTRE word's mean predicts each context word (``centre_input``), as in
    fastText and gensim: the context direction of word2vec trained subword rows markedly worse
    (docs/fasttext.md, "Quality"). ``drift`` float32[V], if given, is each word's
    :func:`input_drift` computed beforehand (:func:`word_drifts`: the same values), which the
    kernels would otherwise count from the rows at every centre word.
``DocTags(words, tags, tag_offsets, tag_ids, train_words=True, learn_words=True, learn_tags=True)``
    Doc2Vec: sentence s also has the document tag rows ``tag_ids[tag_offsets[s]:tag_offsets[s+1]]``
    of the input kind ``tags`` (usually ``WordRows(dv, dv_lockf)``); the words keep the input
    kind ``words``. Skip-gram (PV-DBOW): each tag row predicts every kept word of the sentence,
    after that word's skip-gram window when ``train_words`` (gensim's ``dbow_words``); without it
    no window is drawn and no word row is read. CBOW (PV-DM, ``cbow_mean`` = gensim's
    ``dm_mean``): the tag rows join the window's word rows in the sum (and the count of the mean);
    with ``train_words`` False no window is drawn there either and the tags alone are the context.
    ``learn_words`` / ``learn_tags`` False leave those rows as they are (gensim's
    ``learn_words`` / ``learn_doctags``); the output layer is frozen by the objective
    (``objectives.Frozen``, gensim's ``learn_hidden``): ``infer_vector`` trains the tag rows alone
    with ``learn_words=False`` and ``Frozen(out)``.

Functions (all dispatched by the type of ``inp``)
--------------------------------------------------
``input_vector(inp, word, buf)``   ``(rows, r)``: word's input vector is ``rows[r]``, its own row of the
                                   matrix, or its mean built in ``buf`` (then ``rows`` is ``buf`` as one row)
``accumulate(inp, word, neu1)``    ``neu1 += `` the sum of word's rows; returns how many rows
``input_update(inp, word, neu1e)`` ``row += neu1e`` for each of word's rows
``train_words(inp)``               whether a window of context words is drawn and trained
``centre_input(inp)``              whether skip-gram's input is the centre word (SubwordRows) or the context word
``input_drift(inp, word)``         how far word's input vector moves per unit of the step its rows take
``prefetch_input(inp, word)``      start loading word's input rows (a hint)
``finite(inp)``                    whether every row the kind trains is finite (Python)
``doc_tags(inp, s)``               the range ``(t0, t1)`` of sentence s's tags in ``tag_ids``; (0, 0) without tags
``tag_vector`` / ``tag_accumulate`` / ``tag_update(inp, k, ...)``   the same for the tag ``tag_ids[k]``

Adding an input kind: define its namedtuple here, write its jitted ``input_vector``,
``accumulate`` and ``input_update`` (and, for per-sentence rows, the ``doc_tags`` / ``tag_*``
ones), register them in the ``_WORD`` (and ``_TAGS``) tables, give :mod:`w2v.reference` the same
rows in plain NumPy (``reference.word_rows`` / ``tag_rows``) and add it to tests/test_kernels.py.
The jobs (:mod:`.window`, :mod:`.skipgram`, :mod:`.cbow`) need no change: a kind with nothing
per sentence gets an empty tag range, which compiles to nothing. Keep the functions
``inline="always"``: called as separate functions, they cost word2vec training 5-27 % more CPU
(measured, 2 threads; we think the reference counts of the shared arrays at every call). And
return no array of their own making (``input_vector`` gives ``(rows, r)``, not the view
``rows[r]``): the job loop that inlines them is compiled without reference counting
(``common.JOB``), where a function may return only the arrays it was given.
"""
from collections import namedtuple

import numpy as np
from numba.extending import overload

from ..compiler import njit
from .common import JIT, add_input_update
from .prefetch import prefetch_row

WordRows = namedtuple("WordRows", "syn0 lockf", defaults=(None,))
SubwordRows = namedtuple("SubwordRows", "syn0 offsets rows lockf drift", defaults=(None, None))
DocTags = namedtuple("DocTags", "words tags tag_offsets tag_ids train_words learn_words learn_tags",
                     defaults=(True, True, True))
# DocTags whose rows are concatenated, not summed (gensim's dm_concat, :mod:`.concat`): ``null``
# float32[D] fills positions past a sentence's ends, ``tag_count`` tags per sentence, ``width``
# the hidden layer's width (tag_count + 2 * window) * D.
DocConcat = namedtuple("DocConcat", DocTags._fields + ("null", "tag_count", "width"))
_DOCS = (DocTags, DocConcat)


# --- word rows ------------------------------------------------------------------------------
@njit(inline="always", **JIT)
def word_vector(inp, word, buf):
    return inp.syn0, word


@njit(inline="always", **JIT)
def word_accumulate(inp, word, neu1):
    row = inp.syn0[word]
    for i in range(neu1.shape[0]):
        neu1[i] += row[i]
    return 1


@njit(inline="always", **JIT)
def word_update(inp, word, neu1e):
    add_input_update(inp.syn0[word], neu1e, inp.lockf, word)


# --- subword rows ---------------------------------------------------------------------------
@njit(inline="always", **JIT)
def subword_accumulate(inp, word, neu1):
    """``neu1 += sum of syn0[r]`` over word's rows; returns their number."""
    a, b = inp.offsets[word], inp.offsets[word + 1]
    for k in range(a, b):
        row = inp.syn0[inp.rows[k]]
        for i in range(neu1.shape[0]):
            neu1[i] += row[i]
    return b - a


@njit(inline="always", **JIT)
def subword_vector(inp, word, buf):
    """The mean of word's rows, written into ``buf`` (zero for a word without rows): ``(buf as
    one row, 0)``."""
    buf[:] = 0.0
    n = subword_accumulate(inp, word, buf)
    if n > 1:
        inv = np.float32(1.0 / n)
        for i in range(buf.shape[0]):
            buf[i] *= inv
    return buf.reshape((1, buf.shape[0])), 0


@njit(inline="always", **JIT)
def subword_update(inp, word, neu1e):
    """Every row of the word receives the whole step (fastText's unsupervised update)."""
    for k in range(inp.offsets[word], inp.offsets[word + 1]):
        r = inp.rows[k]
        add_input_update(inp.syn0[r], neu1e, inp.lockf, r)


# --- documents: words as their own kind, plus per-sentence tag rows --------------------------
@njit(inline="always", **JIT)
def doc_vector(inp, word, buf):
    return input_vector(inp.words, word, buf)


@njit(inline="always", **JIT)
def doc_accumulate(inp, word, neu1):
    return accumulate(inp.words, word, neu1)


@njit(inline="always", **JIT)
def doc_update(inp, word, neu1e):
    if inp.learn_words:
        input_update(inp.words, word, neu1e)


@njit(inline="always", **JIT)
def doc_tag_vector(inp, k, buf):
    return input_vector(inp.tags, inp.tag_ids[k], buf)


@njit(inline="always", **JIT)
def doc_tag_accumulate(inp, k, neu1):
    return accumulate(inp.tags, inp.tag_ids[k], neu1)


@njit(inline="always", **JIT)
def doc_tag_update(inp, k, neu1e):
    if inp.learn_tags:
        input_update(inp.tags, inp.tag_ids[k], neu1e)


# Kinds without tags: the jobs' tag loops run over the empty range (0, 0); these only type them.
@njit(inline="always", **JIT)
def no_tag_vector(inp, k, buf):
    return buf.reshape((1, buf.shape[0])), 0


@njit(inline="always", **JIT)
def no_tag_accumulate(inp, k, neu1):
    return 0


@njit(inline="always", **JIT)
def no_tag_update(inp, k, neu1e):
    pass


_WORD = {WordRows: (word_vector, word_accumulate, word_update),
         SubwordRows: (subword_vector, subword_accumulate, subword_update),
         DocTags: (doc_vector, doc_accumulate, doc_update),
         DocConcat: (doc_vector, doc_accumulate, doc_update)}
_NO_TAGS = (no_tag_vector, no_tag_accumulate, no_tag_update)
_TAGS = {DocTags: (doc_tag_vector, doc_tag_accumulate, doc_tag_update),
         DocConcat: (doc_tag_vector, doc_tag_accumulate, doc_tag_update)}


def _by_kind(table, slot, doc):
    """A function ``f(inp, a, b)`` that runs ``table[type(inp)][slot]``, in Python and in jitted code."""
    def function(inp, a, b):
        return table.get(type(inp), _NO_TAGS)[slot](inp, a, b)

    @overload(function, jit_options=JIT, inline="always")
    def _function_jit(inp, a, b):
        cls = getattr(inp, "instance_class", None)
        if cls in _WORD:
            impl = table.get(cls, _NO_TAGS)[slot]
            return lambda inp, a, b: impl(inp, a, b)

    function.__doc__ = doc
    return function


input_vector = _by_kind(_WORD, 0, "``(rows, r)``: word ``word``'s input vector is ``rows[r]``, a row of the "
                        "matrix, or a mean built in ``buf``.")
accumulate = _by_kind(_WORD, 1, "``neu1 +=`` the sum of word ``word``'s input rows; returns how many rows.")
input_update = _by_kind(_WORD, 2, "Add the step ``neu1e`` to every input row of word ``word`` (times its lock factor).")
tag_vector = _by_kind(_TAGS, 0, "``(rows, r)``: the input vector of tag ``tag_ids[k]`` is ``rows[r]``.")
tag_accumulate = _by_kind(_TAGS, 1, "``neu1 +=`` the rows of tag ``tag_ids[k]``; returns how many rows.")
tag_update = _by_kind(_TAGS, 2, "Add the step ``neu1e`` to the rows of tag ``tag_ids[k]`` (if tags learn).")


def train_words(inp):
    """Whether a centre word's window of context words is drawn and trained (False only for
    DocTags without ``train_words``, e.g. PV-DBOW without gensim's ``dbow_words``)."""
    return bool(inp.train_words) if isinstance(inp, _DOCS) else True


@overload(train_words, jit_options=JIT, inline="always")
def _train_words_jit(inp):
    if getattr(inp, "instance_class", None) in _DOCS:
        return lambda inp: inp.train_words
    return lambda inp: True


def centre_input(inp):
    """Whether skip-gram's input is the CENTRE word, whose rows predict each context word in turn
    (fastText's and gensim's FastText: SubwordRows), rather than each context word's, predicting
    the centre (the C tool's word2vec: every other kind). With word rows the two give the same
    pairs; with subword rows the centre's direction trains markedly better (docs/fasttext.md)."""
    return isinstance(inp, CENTRE_INPUTS)


CENTRE_INPUTS = (SubwordRows,)      # the kinds whose skip-gram input is the centre word


@overload(centre_input, jit_options=JIT, inline="always")
def _centre_input_jit(inp):
    if getattr(inp, "instance_class", None) in CENTRE_INPUTS:
        return lambda inp: True
    return lambda inp: False


def input_drift(inp, word):
    """How far word ``word``'s input vector moves along a step ``neu1e`` that :func:`input_update`
    adds to its rows: ``input_vector`` becomes ``input_vector + drift * neu1e``.

    1 for a word row (times its lock factor). For subword rows, the mean of n rows of which row
    r_k occurs m_k times in the list (and so receives the step m_k times, times its lock factor
    l_k): ``drift = sum_k m_k l_k / n`` -- 1 when the rows are distinct and unlocked, as they
    nearly always are; 0 for a word without rows. Document kinds: their words kind's, 0 when
    ``learn_words`` is off.
    """
    if isinstance(inp, SubwordRows):
        return float(subword_drift(inp.drift, inp.rows, inp.offsets[word], inp.offsets[word + 1], inp.lockf, word))
    if isinstance(inp, WordRows):
        return float(lock_factor(inp.lockf, word))
    if isinstance(inp, _DOCS):
        return input_drift(inp.words, word) if inp.learn_words else 0.0
    return 1.0


@njit(**JIT)
def lock_factor(lockf, r):
    """``lockf[r]``, or 1 when nothing is locked (``lockf`` None: compiled without the read)."""
    if lockf is None:
        return np.float32(1.0)
    return np.float32(lockf[r])


@njit(**JIT)
def rows_drift(rows, a, b, lockf):
    """``sum_k m_k l_k / n`` over ``rows[a:b]`` (see :func:`input_drift`); 0 when a == b.

    Unlocked (``lockf`` None), ``sum_k m_k`` is n plus twice the number of equal pairs: half the
    comparisons, and no lock factors to read."""
    if lockf is None:
        pairs = 0
        for k in range(a, b):
            for j in range(k + 1, b):
                if rows[j] == rows[k]:
                    pairs += 1
        return np.float32((b - a + 2 * pairs) / max(b - a, 1))
    total = np.float32(0.0)
    for k in range(a, b):
        r = rows[k]
        m = 0
        for j in range(a, b):
            if rows[j] == r:
                m += 1
        total += m * lock_factor(lockf, r)
    return np.float32(total / max(b - a, 1))


@njit(**JIT)
def subword_drift(drift, rows, a, b, lockf, word):
    """``drift[word]`` when the drifts were computed beforehand, else :func:`rows_drift`."""
    if drift is None:
        return rows_drift(rows, a, b, lockf)
    return drift[word]


@njit(**JIT)
def word_drifts(offsets, rows, lockf):
    """Every word's :func:`rows_drift` (float32[V]), for ``SubwordRows(..., drift=)``."""
    out = np.empty(offsets.shape[0] - 1, np.float32)
    for w in range(out.shape[0]):
        out[w] = rows_drift(rows, offsets[w], offsets[w + 1], lockf)
    return out


@overload(input_drift, jit_options=JIT, inline="always")
def _input_drift_jit(inp, word):
    cls = getattr(inp, "instance_class", None)
    if cls is SubwordRows:
        return lambda inp, word: subword_drift(inp.drift, inp.rows, inp.offsets[word], inp.offsets[word + 1],
                                               inp.lockf, word)
    if cls is WordRows:
        return lambda inp, word: lock_factor(inp.lockf, word)
    if cls in _DOCS:
        return lambda inp, word: input_drift(inp.words, word) if inp.learn_words else np.float32(0.0)
    return lambda inp, word: np.float32(1.0)


def prefetch_input(inp, word):
    """Start loading word ``word``'s input rows (a hint: changes no result)."""


@overload(prefetch_input, jit_options=JIT, inline="always")
def _prefetch_input_jit(inp, word):
    cls = getattr(inp, "instance_class", None)
    if cls is SubwordRows:
        def rows(inp, word):
            for k in range(inp.offsets[word], inp.offsets[word + 1]):
                prefetch_row(inp.syn0, inp.rows[k])
        return rows
    if cls is WordRows:
        return lambda inp, word: prefetch_row(inp.syn0, word)
    if cls in _DOCS:
        return lambda inp, word: prefetch_input(inp.words, word)
    return lambda inp, word: None


def doc_tags(inp, s):
    """The range (t0, t1) of sentence ``s``'s tags in ``inp.tag_ids``; (0, 0) for kinds without tags."""
    if isinstance(inp, _DOCS):
        return int(inp.tag_offsets[s]), int(inp.tag_offsets[s + 1])
    return 0, 0


@overload(doc_tags, jit_options=JIT, inline="always")
def _doc_tags_jit(inp, s):
    if getattr(inp, "instance_class", None) in _DOCS:
        return lambda inp, s: (np.int64(inp.tag_offsets[s]), np.int64(inp.tag_offsets[s + 1]))
    return lambda inp, s: (np.int64(0), np.int64(0))


def weights(inp):
    """The float matrices an input kind trains, in order (:func:`finite` checks the rows of them
    that training moves)."""
    if isinstance(inp, DocConcat):
        return weights(inp.words) + weights(inp.tags) + (inp.null[None, :],)
    if isinstance(inp, DocTags):
        return weights(inp.words) + weights(inp.tags)
    return (inp.syn0,)


def finite(inp):
    """Whether every row the input kind trains is finite (training has not blown up): each matrix
    of :func:`weights` whole, except fastText's table, where only the rows its words use are
    read, since training never moves the others (2,000,000 buckets against ~100,000 used)."""
    if isinstance(inp, _DOCS):
        null = not isinstance(inp, DocConcat) or bool(np.isfinite(inp.null).all())
        return null and finite(inp.words) and finite(inp.tags)
    if isinstance(inp, SubwordRows):
        return bool(rows_finite(inp.syn0, inp.rows))
    return bool(rows_finite(inp.syn0, None))


@njit(**JIT)
def row_finite(matrix, r):
    """Whether row r is finite: its sum is (NaN and infinities carry through a sum; a sum of
    finite values overflows only past 3e38, far beyond any trained weight), one vectorised pass."""
    total = np.float32(0.0)
    for j in range(matrix.shape[1]):
        total += matrix[r, j]
    return np.isfinite(total)


@njit(**JIT)
def rows_finite(matrix, rows):
    """Whether ``matrix[r]`` is finite for every r in ``rows`` (each read once), or for every row
    when ``rows`` is None."""
    if rows is None:
        for r in range(matrix.shape[0]):
            if not row_finite(matrix, r):
                return False
        return True
    seen = np.zeros(matrix.shape[0], np.bool_)
    for k in range(rows.shape[0]):
        r = rows[k]
        if not seen[r]:
            seen[r] = True
            if not row_finite(matrix, r):
                return False
    return True


def vector_size(inp):
    """The width of the hidden layer: D, the input vectors' (a DocConcat's: all its slots)."""
    if isinstance(inp, DocConcat):
        return inp.width
    return weights(inp)[0].shape[1]
