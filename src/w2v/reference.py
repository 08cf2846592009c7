"""word2vec in plain NumPy, written to be read beside the textbook derivation.

This module is the tutorial and the test oracle: the Numba kernels in :mod:`w2v.kernels` must
produce the same weights as these functions for the same random draws. It is slow on purpose:
one readable function per idea, no tricks.

Notation (Mikolov et al. 2013; Rong, "word2vec Parameter Learning Explained", 2014):
  v_w  = syn0[w]      input ("in") vector of word w
  u_w  = syn1neg[w]   output ("out") vector of word w (negative sampling, softmax)
  u_n  = syn1[n]      vector of inner node n of the Huffman tree (hierarchical softmax)
  h                   hidden vector: v_c for skip-gram, mean of context v's for CBOW
v_w is the mean of word w's input rows: its own row for word2vec, its own and its character
n-grams' for fastText; Doc2Vec adds a sentence's document tag rows to the context (see "Inputs").
  s(x) = 1 / (1 + exp(-x)), the logistic sigmoid; note s(-x) = 1 - s(x)

Every objective below is a loss L(h, output rows). Gradient descent with rate alpha updates the
output rows directly and returns ``neu1e = -alpha * dL/dh``, which the architecture then adds
to the input vectors that made ``h``.
"""
import numpy as np

from .kernels.common import LOG_SIGMOID_TABLE, MAX_EXP, SIGMOID_TABLE, TABLE_SCALE, TABLE_SIZE

# ---------------------------------------------------------------------------------------------
# The random generator: xorshift64*, on the same uint64[1] state array the kernels use.
# ---------------------------------------------------------------------------------------------
_MASK = (1 << 64) - 1


def next_u64(rng):
    x = int(rng[0])
    x ^= x >> 12
    x ^= (x << 25) & _MASK
    x ^= x >> 27
    rng[0] = x
    return (x * 0x2545F4914F6CDD1D) & _MASK


def rand_float(rng):
    return (next_u64(rng) >> 11) / 9007199254740992.0


def rand_below(rng, n):
    return ((next_u64(rng) >> 32) * n) >> 32


def draw_noise(rng, prob, alias):
    """Draw a word from the noise distribution P_n(w) ~ count(w)^0.75 (Walker's alias method)."""
    r = next_u64(rng)
    k = ((r >> 32) * len(prob)) >> 32
    coin = np.float32((r & 0xFFFFFFFF) / 4294967296.0)
    return k if coin < prob[k] else int(alias[k])


# ---------------------------------------------------------------------------------------------
# The sigmoid: exact, or looked up in the kernels' table (same bins, same clamping).
# ---------------------------------------------------------------------------------------------
def exact_sigmoid(x):
    return np.float32(1.0 / (1.0 + np.exp(-np.float64(x))))


def exact_log_sigmoid(x):
    return np.float32(-np.logaddexp(0.0, -np.float64(x)))


def table_sigmoid(x):
    if x >= MAX_EXP:
        return np.float32(1.0)
    if x <= -MAX_EXP:
        return np.float32(0.0)
    return SIGMOID_TABLE[min(max(int((x + MAX_EXP) * TABLE_SCALE), 0), TABLE_SIZE - 1)]


def table_log_sigmoid(x):
    if x >= MAX_EXP:
        return np.float32(0.0)
    if x <= -MAX_EXP:
        return np.float32(x)
    return LOG_SIGMOID_TABLE[min(max(int((x + MAX_EXP) * TABLE_SCALE), 0), TABLE_SIZE - 1)]


TABLE = (table_sigmoid, table_log_sigmoid)   # what the kernels use
EXACT = (exact_sigmoid, exact_log_sigmoid)   # what the derivation uses


# ---------------------------------------------------------------------------------------------
# Objectives. Each returns (loss, neu1e) and updates its output rows in place.
# ---------------------------------------------------------------------------------------------
def logistic_step(h, row, label, alpha, neu1e, sig=TABLE, learn=True):
    """One binary logistic unit: L = -log s(u.h) if label = 1, else -log s(-u.h).

    dL/d(u.h) = s(u.h) - label, hence with g = alpha * (label - s(u.h)):
        h's step  neu1e += g * u        (taken with the old u)
        u        u      += g * h
    A saturated unit (|u.h| >= MAX_EXP) is not updated, as in the C tool's hierarchical
    softmax and in gensim; its loss still counts. With ``learn`` False (a frozen output layer,
    gensim's learn_hidden=False) u is left as it is.
    """
    sigmoid, log_sigmoid = sig
    f = np.dot(h, row)
    loss = -(log_sigmoid(f) if label == 1 else log_sigmoid(-f))
    if abs(f) >= MAX_EXP:
        return loss
    g = np.float32((label - sigmoid(f)) * alpha)
    neu1e += g * row
    if learn:
        row += g * h
    return loss


def negative_sampling(h, target, alpha, syn1neg, noise_prob, noise_alias, negative, rng,
                      sig=TABLE, learn=True):
    """L = -log s(u_o.h) - sum_{k=1..K} log s(-u_k.h), with K noise words drawn from P_n.

    The target o is a positive example (label 1); each noise word a negative one (label 0).
    A noise draw that happens to be the target is skipped, as in the C tool.
    """
    neu1e = np.zeros_like(h)
    loss = logistic_step(h, syn1neg[target], 1, alpha, neu1e, sig, learn)
    for _ in range(negative):
        k = draw_noise(rng, noise_prob, noise_alias)
        if k != target:
            loss += logistic_step(h, syn1neg[k], 0, alpha, neu1e, sig, learn)
    return loss, neu1e


def hierarchical_softmax(h, target, alpha, syn1, codes, points, lengths, sig=TABLE, learn=True):
    """L = -sum_j log s((1 - 2 c_j) u_{n_j}.h) along the path n_1..n_L from the root to the target.

    At inner node n_j the walk turns by code c_j in {0, 1}; each turn is a logistic unit
    with label 1 - c_j.
    """
    neu1e = np.zeros_like(h)
    loss = 0.0
    for j in range(lengths[target]):
        loss += logistic_step(h, syn1[points[target, j]], 1 - int(codes[target, j]), alpha,
                              neu1e, sig, learn)
    return loss, neu1e


def full_softmax(h, target, alpha, syn1, learn=True):
    """L = -log p_o with p = softmax(U h). dL/d(u_v.h) = p_v - [v = o] for every word v.

    The scores are accumulated in float32, as the kernel does; the softmax in float64.
    """
    scores = (syn1 @ h).astype(np.float64)
    p = np.exp(scores - scores.max())
    p /= p.sum()
    loss = -np.log(p[target])
    g = (((np.arange(len(p)) == target) - p) * alpha).astype(np.float32)
    neu1e = g @ syn1
    if learn:
        syn1 += np.outer(g, h)
    return loss, neu1e


def shared_negatives(h, target, alpha, objective, sig=TABLE, learn=True):
    """Negative sampling whose K noise words were drawn once for the centre word by
    :func:`begin_centre` and are shared by all of its context words (Ji et al. 2016): only where
    the noise words come from differs from :func:`negative_sampling`."""
    neu1e = np.zeros_like(h)
    loss = logistic_step(h, objective.syn1neg[target], 1, alpha, neu1e, sig, learn)
    for k in objective.draws:
        if k != target:
            loss += logistic_step(h, objective.syn1neg[k], 0, alpha, neu1e, sig, learn)
    return loss, neu1e


def begin_centre(objective, rng):
    """Before a centre word's examples: the shared-negatives objective draws its K noise words,
    at the first of every ``objective.every`` centre words (``objective.count[0]`` counts them)."""
    if type(objective).__name__ == "Frozen":
        begin_centre(objective.out, rng)
    elif type(objective).__name__ == "SharedNegatives":
        if objective.every > 1:
            since = int(objective.count[0])
            objective.count[0] = (since + 1) % objective.every
            if since != 0:
                return
        for j in range(objective.negative):
            objective.draws[j] = draw_noise(rng, objective.noise_prob, objective.noise_alias)


def output_layer(objective, h, target, alpha, rng, sig=TABLE, learn=True):
    """Dispatch on the objective's parameter tuple (see w2v.kernels.objectives); ``learn`` False
    (inside ``Frozen``) leaves the output rows as they are."""
    name = type(objective).__name__
    if name == "NegativeSampling":
        return negative_sampling(h, target, alpha, *objective, rng, sig=sig, learn=learn)
    if name == "HierarchicalSoftmax":
        # objective.own (a worker thread's copies of the busiest nodes) changes nothing on one
        # thread: the kernels publish them so that the result is the same bit for bit.
        return hierarchical_softmax(h, target, alpha, objective.syn1, objective.codes,
                                    objective.points, objective.lengths, sig=sig, learn=learn)
    if name == "FullSoftmax":
        return full_softmax(h, target, alpha, objective.syn1, learn)
    if name == "SharedNegatives":
        return shared_negatives(h, target, alpha, objective, sig, learn)
    if name == "Frozen":
        return output_layer(objective.out, h, target, alpha, rng, sig, learn=False)
    if name == "Both":
        loss_hs, e_hs = output_layer(objective.hs, h, target, alpha, rng, sig, learn)
        loss_ns, e_ns = output_layer(objective.ns, h, target, alpha, rng, sig, learn)
        return loss_hs + loss_ns, e_hs + e_ns
    raise TypeError(f"unknown objective {name}")


# ---------------------------------------------------------------------------------------------
# Inputs: which rows make a word's input vector v_w, and which rows its step neu1e goes to
# (see w2v.kernels.inputs). A bare array is word2vec's input matrix: v_w = syn0[w].
# ---------------------------------------------------------------------------------------------
_DOCUMENT_KINDS = ("DocTags", "DocConcat")   # DocConcat: DocTags whose rows are concatenated


def word_rows(inp, word):
    """(matrix, [(row, lock factor or None), ...], learns) of word ``word``'s input rows.

    WordRows: the word's own row. SubwordRows: its own row and its n-gram rows (fastText).
    DocTags: the rows of its ``words`` kind, learning only if ``learn_words``.
    """
    if isinstance(inp, np.ndarray):
        return inp, [(int(word), None)], True
    name = type(inp).__name__
    if name == "WordRows":
        return inp.syn0, [(int(word), None if inp.lockf is None else inp.lockf[word])], True
    if name == "SubwordRows":
        rows = [int(r) for r in inp.rows[inp.offsets[word]:inp.offsets[word + 1]]]
        return inp.syn0, [(r, None if inp.lockf is None else inp.lockf[r]) for r in rows], True
    if name in _DOCUMENT_KINDS:
        matrix, rows, _ = word_rows(inp.words, word)
        return matrix, rows, bool(inp.learn_words)
    raise TypeError(f"unknown input kind {name}")


def tag_rows(inp, tag):
    """As :func:`word_rows` for document tag ``tag`` of a DocTags input (rows of ``inp.tags``)."""
    matrix, rows, _ = word_rows(inp.tags, tag)
    return matrix, rows, bool(inp.learn_tags)


def sentence_tags(inp, s):
    """The document tags of sentence ``s`` (none for inputs without documents)."""
    if type(inp).__name__ not in _DOCUMENT_KINDS:
        return []
    return [int(t) for t in inp.tag_ids[inp.tag_offsets[s]:inp.tag_offsets[s + 1]]]


def add_rows(h, rows):
    """h += the sum of the rows, in order; returns how many."""
    matrix, ids, _ = rows
    for r, _ in ids:
        h += matrix[r]
    return len(ids)


def input_vector(rows):
    """v = the mean of the input rows: a word2vec word's own row itself (a view, updated in place
    by :func:`update_rows` as the kernels do), else a new vector."""
    matrix, ids, _ = rows
    if len(ids) == 1:
        return matrix[ids[0][0]]
    h = np.zeros(matrix.shape[1], dtype=np.float32)
    n = add_rows(h, rows)
    if n > 1:
        h *= np.float32(1.0 / n)
    return h


def drift(rows):
    """How far the mean of the rows moves when :func:`update_rows` adds a step to each of them,
    per unit step: sum_k m_k l_k / n, where row r_k occurs m_k times among the n (and so takes
    the step m_k times) with lock factor l_k. 1 for distinct unlocked rows; 0 without rows, or
    for rows that do not learn."""
    _, ids, learns = rows
    if not ids or not learns:
        return np.float32(0.0)
    rs = [r for r, _ in ids]
    return np.float32(sum(rs.count(r) * (1.0 if lock is None else float(lock)) for r, lock in ids) / len(ids))


def update_rows(rows, neu1e):
    """Each input row receives the whole step neu1e (times its lock factor): the C tool's and
    fastText's update. For a mean of n rows the exact gradient would be neu1e / n."""
    matrix, ids, learns = rows
    if not learns:
        return
    for r, lock in ids:
        matrix[r] += neu1e if lock is None else np.float32(lock) * neu1e


# ---------------------------------------------------------------------------------------------
# Architectures: which hidden vector predicts which word, over a corpus of sentences.
# ---------------------------------------------------------------------------------------------
def subsample(sentence, keep_prob, rng):
    """Drop out-of-vocabulary ids (< 0) and each word w with probability 1 - keep_prob[w]."""
    kept = []
    for w in sentence:
        if w < 0:
            continue
        if keep_prob[w] < 1.0 and keep_prob[w] < rand_float(rng):
            continue
        kept.append(int(w))
    return kept


def context_positions(pos, n, window, rng, shrink=True):
    """Positions around ``pos`` within a window reduced by b ~ U{0..window-1} (the C tool's trick:
    nearer words are seen more often)."""
    b = rand_below(rng, window) if shrink else 0
    return [c for c in range(max(0, pos - window + b), min(n, pos + window + 1 - b)) if c != pos]


def train_words(inp):
    """Whether a window of context words is drawn and trained: False only for DocTags with
    train_words off (PV-DBOW without gensim's dbow_words; in CBOW the tags alone are the context)."""
    return type(inp).__name__ not in _DOCUMENT_KINDS or bool(inp.train_words)


def centre_input(inp):
    """Whether skip-gram's input is the centre word (fastText's subword rows) rather than the
    context word (the C tool's word2vec; every other kind)."""
    return type(inp).__name__ == "SubwordRows"


def skipgram_sentence(sent, inp, objective, window, alpha, rng, shrink=True, sig=TABLE, tags=()):
    """Skip-gram: for every (centre w, context c) pair, h = v_c predicts w; then v_c's rows += neu1e.

    With document tags (PV-DBOW) each tag's vector then predicts w too, after w's window (which is
    drawn and trained only if the input trains words: gensim's ``dbow_words``).

    Subword rows (fastText) go the other way: h = v_w predicts each context word c in turn, and
    v_w's rows take each step. fastText adds each pair's step to the rows at once and builds h
    again from them; here h moves by ``drift * neu1e`` (where the new rows' mean is, exactly in
    real arithmetic) and the rows take the sum of the window's steps at its end.
    """
    loss, examples = 0.0, 0
    for pos, word in enumerate(sent):
        ctx = context_positions(pos, len(sent), window, rng, shrink) if train_words(inp) else []
        if not ctx and not tags:
            continue
        begin_centre(objective, rng)
        if centre_input(inp):
            rows = word_rows(inp, word)
            h = np.array(input_vector(rows), dtype=np.float32)
            step = drift(rows)
            total = np.zeros_like(h)
            for c in ctx:
                pair_loss, neu1e = output_layer(objective, h, sent[c], alpha, rng, sig)
                total += neu1e
                h += step * neu1e
                loss += pair_loss
                examples += 1
            update_rows(rows, total)
            continue
        inputs = [word_rows(inp, sent[c]) for c in ctx] + [tag_rows(inp, t) for t in tags]
        for rows in inputs:
            h = input_vector(rows)
            pair_loss, neu1e = output_layer(objective, h, word, alpha, rng, sig)
            update_rows(rows, neu1e)
            loss += pair_loss
            examples += 1
    return loss, examples


def cbow_sentence(sent, inp, objective, window, alpha, rng, cbow_mean=1, shrink=True, sig=TABLE,
                  tags=()):
    """CBOW: h = mean (or sum) of the context's input rows predicts the centre word.

    The context's rows are those of every context word (one each for word2vec, the word's and its
    n-grams' for fastText) and of the sentence's document tags (PV-DM); the mean is over all of
    them. Every one of those rows then receives the whole step neu1e, as the C tool, fastText and
    gensim do (the exact gradient of the mean would divide it by the number of rows).
    """
    loss, examples = 0.0, 0
    for pos, word in enumerate(sent):
        ctx = context_positions(pos, len(sent), window, rng, shrink) if train_words(inp) else []
        if not ctx and not tags:
            continue
        inputs = [word_rows(inp, sent[c]) for c in ctx] + [tag_rows(inp, t) for t in tags]
        h = np.zeros(vector_size(inp), dtype=np.float32)
        count = sum(add_rows(h, rows) for rows in inputs)
        if cbow_mean and count:
            h *= np.float32(1.0 / count)
        begin_centre(objective, rng)
        ex_loss, neu1e = output_layer(objective, h, word, alpha, rng, sig)
        for rows in inputs:
            update_rows(rows, neu1e)
        loss += ex_loss
        examples += 1
    return loss, examples


def cbow_held_sentence(sent, inp, objective, window, alpha, rng, cbow_mean=1, shrink=True, sig=TABLE,
                       tags=()):
    """CBOW as :func:`cbow_sentence`, with each context word's rows read once and written once
    (``FastText``'s default, ``cbow_held_rows``; the kernel is ``w2v.kernels.cbow.held_centre``).

    A word is read when the first window reaching it is trained: every position before that
    window's end is then held, with the sum of its rows, the steps they are owed (``pending``)
    and how far the sum moves per unit of step (``drift * rows``). h is the sum of the held
    sums of the context (and the tags' rows). Each step goes to the context words' ``pending``
    and moves their sums; the rows receive ``pending`` when no later window can reach the word
    (its position <= the centre's - window), or at the sentence's end. Where fastText reads the
    rows afresh for every window, a row shared by two words held at once sees the other's steps
    late; every row still receives every step.
    """
    held = {}                 # position -> what is held of the word there
    read = 0                  # the first position not yet read
    loss, examples = 0.0, 0
    for pos, word in enumerate(sent):
        ctx = context_positions(pos, len(sent), window, rng, shrink) if train_words(inp) else []
        if not ctx and not tags:
            continue
        end = max(ctx + [pos]) + 1            # the window's end: [read, end) enter it now
        for p in range(read, end):
            rows = word_rows(inp, sent[p])
            total = np.zeros(vector_size(inp), dtype=np.float32)
            n = add_rows(total, rows)
            held[p] = dict(rows=rows, sum=total, pending=np.zeros_like(total), count=n,
                           moves=drift(rows) * np.float32(n))      # the sum's move per unit step
        read = max(read, end)
        tag_inputs = [tag_rows(inp, t) for t in tags]
        h = np.zeros(vector_size(inp), dtype=np.float32)
        count = 0
        for c in ctx:
            h += held[c]["sum"]
            count += held[c]["count"]
        count += sum(add_rows(h, rows) for rows in tag_inputs)
        if cbow_mean and count:
            h *= np.float32(1.0 / count)
        begin_centre(objective, rng)
        ex_loss, neu1e = output_layer(objective, h, word, alpha, rng, sig)
        for c in ctx:
            held[c]["pending"] += neu1e
            held[c]["sum"] += held[c]["moves"] * neu1e
        for rows in tag_inputs:
            update_rows(rows, neu1e)
        for p in sorted(q for q in held if q <= pos - window):
            gone = held.pop(p)
            update_rows(gone["rows"], gone["pending"])
        loss += ex_loss
        examples += 1
    for p in sorted(held):
        update_rows(held[p]["rows"], held[p]["pending"])
    return loss, examples


def concat_sentence(sent, inp, objective, window, alpha, rng, sig=TABLE, tags=()):
    """PV-DM with a concatenated context (gensim's ``dm_concat``; ``inp`` a DocConcat): for each
    centre word, h = [v_t for the sentence's tags | v_c for c = pos - window .. pos + window but
    pos], each D wide, a position past the sentence's ends given the null row; h predicts the
    centre word and each slot's part of neu1e goes back to the row that filled it. The window is
    never shrunk, and a sentence with another number of tags than ``inp.tag_count`` trains nothing.
    """
    if len(tags) != inp.tag_count:
        return 0.0, 0
    dim = len(inp.null)
    loss, examples = 0.0, 0
    for pos, word in enumerate(sent):
        slots = [tag_rows(inp, t) for t in tags] + [
            word_rows(inp, sent[c]) if 0 <= c < len(sent) else None
            for c in range(pos - window, pos + window + 1) if c != pos]
        h = np.concatenate([inp.null if rows is None else input_vector(rows) for rows in slots])
        begin_centre(objective, rng)
        ex_loss, neu1e = output_layer(objective, h, word, alpha, rng, sig)
        for k, rows in enumerate(slots):
            step = neu1e[k * dim:(k + 1) * dim]
            if rows is not None:
                update_rows(rows, step)
            elif inp.learn_words:
                inp.null[:] += step
        loss += ex_loss
        examples += 1
    return loss, examples


def vector_size(inp):
    if isinstance(inp, np.ndarray):
        return inp.shape[1]
    return vector_size(inp.words) if type(inp).__name__ in _DOCUMENT_KINDS else inp.syn0.shape[1]


def train_job(arch, ids, offsets, s0, s1, keep_prob, window, inp, objective, alpha0, alpha1,
              rng, cbow_mean=1, shrink=True, sig=TABLE):
    """Train sentences s0..s1-1 with the rate falling linearly from alpha0 to alpha1 over the job.

    ``arch`` is "sg" (also "sg_shared": skip-gram, whose objective shares its noise words),
    "cbow", "cbow_held" (CBOW reading each context word's rows once) or "dm_concat" (``inp`` a
    DocConcat); ``inp`` an input kind of w2v.kernels.inputs, or
    a bare input matrix.
    Returns (in-vocabulary tokens, examples, summed loss), like the kernels.
    """
    first, span = offsets[s0], max(offsets[s1] - offsets[s0], 1)
    words, examples, loss = 0, 0, 0.0
    for s in range(s0, s1):
        alpha = alpha0 + (alpha1 - alpha0) * ((offsets[s] - first) / span)
        raw = ids[offsets[s]:offsets[s + 1]]
        words += int((raw >= 0).sum())
        sent = subsample(raw, keep_prob, rng)
        tags = sentence_tags(inp, s)
        if arch == "dm_concat":
            l, e = concat_sentence(sent, inp, objective, window, alpha, rng, sig, tags)
        elif arch == "cbow_held":
            l, e = cbow_held_sentence(sent, inp, objective, window, alpha, rng, cbow_mean, shrink, sig, tags)
        elif arch in ("sg", "sg_shared"):
            l, e = skipgram_sentence(sent, inp, objective, window, alpha, rng, shrink, sig, tags)
        else:
            l, e = cbow_sentence(sent, inp, objective, window, alpha, rng, cbow_mean, shrink, sig,
                                 tags)
        loss += l
        examples += e
    return words, examples, loss


def infer_documents(arch, ids, doc_offsets, keep_prob, window, inp, objective, alpha, min_alpha, epochs,
                    states, cbow_mean=1, shrink=True, sig=TABLE):
    """Doc2Vec's inference (w2v.kernels.infer.infer_documents): document d's row ``tag_ids[d]`` of
    ``inp``'s tags starts at D draws (2u - 1) / D from ``states[d]``, then trains ``epochs`` passes
    of :func:`train_job` over the document alone, pass e at rate alpha - e (alpha - min_alpha) /
    (epochs - 1). ``inp`` has frozen words and ``objective`` is Frozen. Returns the examples."""
    rows = inp.tags.syn0
    dim = rows.shape[1]
    examples = 0
    for d in range(len(doc_offsets) - 1):
        rng = states[d:d + 1]
        row = rows[inp.tag_ids[d]]
        for i in range(dim):
            row[i] = np.float32((2.0 * rand_float(rng) - 1.0) / dim)
        for e in range(epochs):
            rate = alpha - e * (alpha - min_alpha) / (epochs - 1) if epochs > 1 else alpha
            examples += train_job(arch, ids, doc_offsets, d, d + 1, keep_prob, window, inp, objective, rate,
                                  rate, rng, cbow_mean, shrink, sig)[1]
    return examples


# ---------------------------------------------------------------------------------------------
# Losses alone (no update), for checking the gradients above against finite differences.
# ---------------------------------------------------------------------------------------------
def logistic_loss(h, rows, labels):
    """sum_i -log s(+-u_i.h): the loss of a set of logistic units (NS or HS), exact, float64."""
    f = rows.astype(np.float64) @ h.astype(np.float64)
    signs = np.where(np.asarray(labels) == 1, 1.0, -1.0)
    return float(np.logaddexp(0.0, -signs * f).sum())


def softmax_loss(h, syn1, target):
    scores = syn1.astype(np.float64) @ h.astype(np.float64)
    return float(np.logaddexp.reduce(scores) - scores[target])
