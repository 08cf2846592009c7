"""Skip-gram: each context word's input vector predicts the centre word (as the C tool does).

The window loop knows nothing of the objective: ``update_output`` is chosen by the type of ``out``.
"""
from numba import njit

from .common import JIT, add_input_update, keep_words, sentence_rate, window_bounds
from .objectives import PUBLISH_EVERY, publish, update_output


@njit(**JIT)
def sg_job(ids, offsets, s0, s1, keep_prob, window, shrink, syn0, out, alpha0, alpha1, rng, work,
           lockf=None):
    """Train skip-gram on sentences ``s0 .. s1-1`` of an encoded corpus, in place.

    Parameters
    ----------
    ids : int32[N]           word ids, -1 for out-of-vocabulary tokens
    offsets : int64[S+1]     sentence s is ids[offsets[s]:offsets[s+1]]
    keep_prob : float32[V]   subsampling keep probabilities
    window, shrink           maximum window; whether to draw a reduced window per word
    syn0 : float32[V, D]     input vectors, updated
    out                      objective parameters (see objectives.py), output rows updated
    alpha0, alpha1           learning rate at the job's first and last token (linear in between)
    rng : uint64[1]          generator state, advanced
    work                     (sent int32[L], neu1 float32[D], neu1e float32[D]) scratch
    lockf : float32[V] or None   per-word factor of the input-vector update (gensim's vectors_lockf)

    For each kept centre word w and context word c within the window:
    neu1e = 0; loss += update_output(out, syn0[c], w); syn0[c] += neu1e.

    At the start and the end of the job and every ``PUBLISH_EVERY`` centre words, ``publish(out)``
    gives back and refreshes the output rows the calling thread keeps copies of
    (:func:`~.objectives.with_own_rows`).

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    sent, _, neu1e = work
    publish(out)
    words = 0
    examples = 0
    loss = 0.0
    centres = 0
    for s in range(s0, s1):
        alpha = sentence_rate(offsets, s0, s1, s, alpha0, alpha1)
        n, seen = keep_words(ids, offsets[s], offsets[s + 1], keep_prob, rng, sent)
        words += seen
        for pos in range(n):
            centres += 1
            if centres % PUBLISH_EVERY == 0:
                publish(out)
            lo, hi = window_bounds(rng, pos, n, window, shrink)
            for c in range(lo, hi):
                if c == pos:
                    continue
                h = syn0[sent[c]]
                neu1e[:] = 0.0
                loss += update_output(out, h, sent[pos], alpha, rng, neu1e)
                add_input_update(h, neu1e, lockf, sent[c])
                examples += 1
    publish(out)
    return words, examples, loss
