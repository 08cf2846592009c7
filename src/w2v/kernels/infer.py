"""Inference of new documents' vectors against a frozen model (gensim's ``infer_vector``), many
documents in one call: each document's passes are one-sentence runs of :mod:`.window`'s job loop.
"""
import numpy as np

from ..compiler import njit
from .common import JIT, rand_float
from .window import run_job


@njit(**JIT)
def infer_documents(arch, inp, out, keep_prob, window, shrink, ids, doc_offsets, alpha, min_alpha, epochs,
                    states, work):
    """Train a new vector for each document, in place; the word rows and output layer are read only.

    Parameters
    ----------
    arch                      architecture tuple (``SkipGram(acc)``, ``Cbow(mean)``, ``CbowConcat(window)``)
    inp                       ``DocTags`` / ``DocConcat`` (:mod:`.inputs`) with ``learn_words`` False and
                              ``train_words`` as the model trains (False for PV-DBOW); its tags are
                              ``WordRows(vectors float32[B, D])``, written, and ``tag_offsets`` int64[B+1],
                              ``tag_ids`` int32[B] give document d the row ``tag_ids[d]``
    out                       ``Frozen(objective)`` (:mod:`.objectives`)
    keep_prob : float32[V]    subsampling keep probabilities
    window, shrink            maximum window; whether to draw a reduced window per word
    ids : int32[N]            the documents' word ids; document d is ``ids[doc_offsets[d]:doc_offsets[d+1]]``
    doc_offsets : int64[B+1]
    alpha, min_alpha, epochs  pass e (0-based) trains at ``alpha - e * (alpha - min_alpha) / (epochs - 1)``
    states : uint64[B]        document d's generator state, advanced
    work                      (sent int32[L >= longest document], neu1, neu1e float32[width]) scratch

    Document d's row first gets D draws ``(2 u - 1) / D`` (u = ``rand_float(states[d:d+1])``:
    uniform in [-1/D, 1/D)), then ``epochs`` passes over its words, each a run of the job loop
    over the one sentence d (subsampling, windows and noise drawn from the same state).

    Returns the examples trained.
    """
    rows = inp.tags.syn0
    dim = rows.shape[1]
    examples = 0
    for d in range(doc_offsets.shape[0] - 1):
        rng = states[d:d + 1]
        row = rows[inp.tag_ids[d]]
        for i in range(dim):
            row[i] = np.float32((2.0 * rand_float(rng) - 1.0) / dim)
        for e in range(epochs):
            rate = alpha - e * (alpha - min_alpha) / (epochs - 1) if epochs > 1 else alpha
            _, trained, _ = run_job(ids, doc_offsets, d, d + 1, keep_prob, window, shrink, inp, out, rate, rate,
                                    rng, work, arch)
            examples += trained
    return examples
