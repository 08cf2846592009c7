"""Jitted helpers shared by every kernel: the random generator, sigmoid tables, subsampling.

The random generator is xorshift64* on a ``uint64[1]`` state array owned by the caller, so a
kernel and :mod:`w2v.reference` that start from the same state see the same draws.
"""
import numpy as np

from ..compiler import PIPELINE, njit

# Floating-point freedoms that let LLVM vectorise dot products and axpys (FMA, reassociation).
# 'nnan'/'ninf' are left out so a diverging model still shows NaN/inf to the divergence check.
FASTMATH = {"reassoc", "contract", "nsz", "arcp"}
# PIPELINE: w2v's compiler (block labels renumbered before lowering, :mod:`w2v.compiler`), for the
# overloads' jit_options as for njit.
JIT = dict(nogil=True, cache=True, fastmath=FASTMATH, **PIPELINE)
# The job loop (:func:`.window.run_job`) with Numba's reference counting (NRT) off: it allocates
# nothing and only borrows its caller's arrays, and with NRT on, every input kind function inlined
# into it that binds a tuple holding arrays around a loop (DocTags: per context word) took an atomic
# increment and decrement of each array's count, which made a PV-DM example cost 1.6x a CBOW one.
# What it calls is compiled with the same flags, so no kernel allocates: scratch arrays come from
# the driver (the objectives' per-thread ones from objectives.with_own_rows).
JOB = dict(JIT, _nrt=False)
# For an overload that picks a function by type (the centre step, the objective, the skip-gram
# pair loop): compiled once as its own function with the job's flags, and inlined by LLVM
# (``forceinline`` marks it alwaysinline) rather than by Numba's ``inline="always"``, which types
# the implementation again at every round of the caller's type inference and also compiles an
# unused copy (docs/speed.md, "Compiling the centre step once").
INLINED = dict(JOB, forceinline=True)

# A logistic unit with |f| >= MAX_EXP is saturated: its update is skipped (the C tool's
# hierarchical softmax and gensim do this); its loss is still counted.
MAX_EXP = 6.0
TABLE_SIZE = 4096
TABLE_SCALE = TABLE_SIZE / (2.0 * MAX_EXP)


def make_tables():
    """Sigmoid and log-sigmoid at the centres of TABLE_SIZE bins over [-MAX_EXP, MAX_EXP]."""
    x = (np.arange(TABLE_SIZE) + 0.5) / TABLE_SCALE - MAX_EXP
    sig = 1.0 / (1.0 + np.exp(-x))
    logsig = -np.logaddexp(0.0, -x)
    return sig.astype(np.float32), logsig.astype(np.float32)


SIGMOID_TABLE, LOG_SIGMOID_TABLE = make_tables()

_U12, _U25, _U27 = np.uint64(12), np.uint64(25), np.uint64(27)
_U11, _U32 = np.uint64(11), np.uint64(32)
_MULT = np.uint64(0x2545F4914F6CDD1D)
_LOW32 = np.uint64(0xFFFFFFFF)


@njit(**JIT)
def next_u64(rng):
    """Advance the xorshift64* state ``rng[0]`` and return the next 64-bit output."""
    x = rng[0]
    x ^= x >> _U12
    x ^= x << _U25
    x ^= x >> _U27
    rng[0] = x
    return x * _MULT


@njit(**JIT)
def rand_float(rng):
    """Uniform float64 in [0, 1) from the top 53 bits."""
    return np.float64(next_u64(rng) >> _U11) * (1.0 / 9007199254740992.0)


@njit(**JIT)
def rand_below(rng, n):
    """Uniform integer in [0, n) by multiply-shift of the top 32 bits (n < 2**32)."""
    return np.int64(((next_u64(rng) >> _U32) * np.uint64(n)) >> _U32)


@njit(**JIT)
def draw_alias(rng, prob, alias):
    """One draw from a Walker alias table: the top 32 bits pick a bin, the low 32 a coin."""
    r = next_u64(rng)
    k = np.int64(((r >> _U32) * np.uint64(prob.shape[0])) >> _U32)
    coin = np.float32(np.float64(r & _LOW32) * (1.0 / 4294967296.0))
    if coin < prob[k]:
        return k
    return np.int64(alias[k])


@njit(**JIT)
def table_index(f):
    i = int((f + MAX_EXP) * TABLE_SCALE)
    return min(max(i, 0), TABLE_SIZE - 1)


@njit(**JIT)
def sigmoid(f):
    """sigma(f) from the table; exactly 0 or 1 beyond +-MAX_EXP (as the C tool)."""
    if f >= MAX_EXP:
        return np.float32(1.0)
    if f <= -MAX_EXP:
        return np.float32(0.0)
    return SIGMOID_TABLE[table_index(f)]


@njit(**JIT)
def log_sigmoid(f):
    """log sigma(f) from the table; 0 above MAX_EXP and f below -MAX_EXP."""
    if f >= MAX_EXP:
        return np.float32(0.0)
    if f <= -MAX_EXP:
        return np.float32(f)
    return LOG_SIGMOID_TABLE[table_index(f)]


@njit(inline="always", **JIT)
def sentence_rate(offsets, s0, s1, s, alpha0, alpha1):
    """Learning rate for sentence ``s`` of a job over sentences ``s0 .. s1-1``: linear in the
    sentence's first token, from ``alpha0`` at the job's first token towards ``alpha1`` at its end."""
    first = offsets[s0]
    span = max(offsets[s1] - first, 1)
    return alpha0 + (alpha1 - alpha0) * ((offsets[s] - first) / span)


@njit(**JIT)
def keep_words(ids, start, end, keep_prob, rng, sent):
    """Copy the in-vocabulary ids of ``ids[start:end]`` that survive subsampling into ``sent``.

    A word with keep probability p < 1 is kept when p >= a uniform draw; words with p = 1 draw
    nothing. Ids < 0 (out of vocabulary) are skipped. Returns (kept, in-vocabulary count).
    """
    n = 0
    seen = 0
    for i in range(start, end):
        w = ids[i]
        if w < 0:
            continue
        seen += 1
        p = keep_prob[w]
        if p < 1.0 and p < rand_float(rng):
            continue
        sent[n] = w
        n += 1
    return n, seen


@njit(**JIT)
def window_bounds(rng, pos, n, window, shrink):
    """Context positions [lo, hi) around ``pos``: the window reduced by a uniform b in [0, window)."""
    b = rand_below(rng, window) if shrink else 0
    return max(0, pos - window + b), min(n, pos + window + 1 - b)


def own_lines(shape, dtype, line=64):
    """A zeroed C-contiguous array on cache lines of its own (aligned and padded), so a thread
    writing it never invalidates a line another thread is using."""
    dtype = np.dtype(dtype)
    size = int(np.prod(shape)) * dtype.itemsize
    buf = np.zeros(size + 2 * line, np.uint8)
    start = -buf.ctypes.data % line
    return buf[start:start + size].view(dtype).reshape(shape)


@njit(**JIT)
def add_input_update(row, neu1e, lockf, word):
    """``row += neu1e``, scaled by ``lockf[word]`` when a lock-factor array is given (gensim's
    ``vectors_lockf``: 0.0 leaves the word's input vector as it is).

    ``lockf`` is None in ordinary training: Numba compiles that case without the branch, so the
    update costs what it did before locking existed.
    """
    if lockf is None:
        for i in range(row.shape[0]):
            row[i] += neu1e[i]
    else:
        lock = lockf[word]
        for i in range(row.shape[0]):
            row[i] += lock * neu1e[i]
