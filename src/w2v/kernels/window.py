"""The job loop every architecture shares: a job's sentences and their learning rate,
subsampling, each kept centre word's window and its sentence's document tags, and the objective's
publications. What one centre word trains is its architecture's (``train_centre``, chosen by the
type of ``arch``: :mod:`.skipgram`, :mod:`.cbow`).
"""
from numba.extending import overload

from ..compiler import njit
from .common import INLINED, JIT, JOB, keep_words, sentence_rate, window_bounds
from .inputs import doc_tags, train_words
from .objectives import PUBLISH_EVERY, begin_centre, publish

# architecture tuple type -> jitted fn(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work,
# loss) returning (examples, loss); each architecture's module adds its own entry.
CENTRES = {}
# architecture tuple type -> jitted fn(arch, inp, sent, n) run when sentence ``sent[:n]`` has been
# drawn, before its first centre word, for architectures that keep per-sentence state.
STARTS = {}
# architecture tuple type -> jitted fn(arch, inp, sent) run after each sentence's last centre word,
# for architectures that hold state across a sentence's centres (:mod:`.cbow`'s held windows);
# the others run nothing there.
FINISHES = {}


def train_centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss):
    """Train centre word ``sent[pos]`` with context positions [lo, hi) except pos and the tags
    ``t0 .. t1-1`` of ``inp``, adding into ``loss``: returns (examples, loss)."""
    return CENTRES[type(arch)](arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss)


# Not inlined by Numba but by LLVM (``INLINED``): no call is left in the job
# (tests/test_doc2vec_kernels.py checks) and the vectors are the same bit for bit as with Numba's
# ``inline="always"``, which typed the whole centre step again at every round of the job loop's
# type inference, so that an HS job took three times as long to compile. Compiled as the job loop
# is (no reference counting), so the inlined step counts no references either.
@overload(train_centre, jit_options=INLINED)
def _train_centre_jit(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss):
    centre = CENTRES.get(getattr(arch, "instance_class", None))
    if centre is not None:
        return (lambda arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss:
                centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss))


def start_sentence(arch, inp, sent, n):
    """Before a sentence's first centre word (its kept words are ``sent[:n]``): STARTS, or nothing."""
    fn = STARTS.get(type(arch))
    if fn is not None:
        fn(arch, inp, sent, n)


@overload(start_sentence, jit_options=JIT, inline="always")
def _start_sentence_jit(arch, inp, sent, n):
    fn = STARTS.get(getattr(arch, "instance_class", None))
    if fn is None:
        return lambda arch, inp, sent, n: None
    return lambda arch, inp, sent, n: fn(arch, inp, sent, n)


def finish_sentence(arch, inp, sent):
    """After a sentence's last centre word: what ``arch`` still owes the rows (FINISHES), or nothing."""
    fn = FINISHES.get(type(arch))
    if fn is not None:
        fn(arch, inp, sent)


@overload(finish_sentence, jit_options=JIT, inline="always")
def _finish_sentence_jit(arch, inp, sent):
    fn = FINISHES.get(getattr(arch, "instance_class", None))
    if fn is None:
        return lambda arch, inp, sent: None
    return lambda arch, inp, sent: fn(arch, inp, sent)


@njit(**JOB)
def run_job(ids, offsets, s0, s1, keep_prob, window, shrink, inp, out, alpha0, alpha1, rng, work, arch):
    """Train sentences ``s0 .. s1-1`` with architecture ``arch``: see :func:`.skipgram.sg_job`.

    For each sentence s: its rate (linear in its first token over the job), its kept words
    (``keep_words``) and its tags (``doc_tags(inp, s)``); for each kept centre word: a window
    reduced by a uniform draw (none drawn when ``train_words(inp)`` is False: the tags alone are
    the context), and, if the window or the tags hold anything, ``begin_centre(out)`` then
    ``train_centre(arch, ...)``; before the sentence's first centre ``start_sentence(arch, ...)``,
    after its last ``finish_sentence(arch, ...)``.
    ``publish(out)`` at the start, the end and every ``PUBLISH_EVERY`` centre words.

    Returns (in-vocabulary tokens seen, examples trained, summed loss).
    """
    sent = work[0]
    publish(out)
    words = 0
    examples = 0
    loss = 0.0
    centres = 0
    for s in range(s0, s1):
        alpha = sentence_rate(offsets, s0, s1, s, alpha0, alpha1)
        n, seen = keep_words(ids, offsets[s], offsets[s + 1], keep_prob, rng, sent)
        words += seen
        t0, t1 = doc_tags(inp, s)
        start_sentence(arch, inp, sent, n)
        for pos in range(n):
            centres += 1
            if centres % PUBLISH_EVERY == 0:
                publish(out)
            lo, hi = window_bounds(rng, pos, n, window, shrink) if train_words(inp) else (pos, pos + 1)
            if hi - lo < 2 and t1 == t0:
                continue
            begin_centre(out, rng)
            trained, loss = train_centre(arch, inp, out, sent, pos, lo, hi, t0, t1, alpha, rng, work, loss)
            examples += trained
        finish_sentence(arch, inp, sent)
    publish(out)
    return words, examples, loss
