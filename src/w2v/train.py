"""The training driver: cuts the encoded corpus into jobs, runs the kernels on threads over shared
weights (Hogwild), schedules the learning rate, and reports progress, loss and callbacks.

Nothing here does per-word work: each kernel call trains a whole job of sentences.
"""
import collections
import dataclasses
import logging
import mmap
import threading
import time

import numpy as np
from tqdm.auto import tqdm

from .kernels import (KERNELS, Both, FullSoftmax, HierarchicalSoftmax, NegativeSampling, shared_work,
                      own_lines, with_own_rows)

logger = logging.getLogger(__name__)


WorkerState = collections.namedtuple("WorkerState", "scratch out")


class TrainingDiverged(ValueError):
    """The weights became NaN or infinite: the learning rate is too high."""


@dataclasses.dataclass
class EpochStats:
    """What one epoch did; kept in ``Word2Vec.training_log`` as a dict."""

    epoch: int
    loss: float           # mean loss per training example (a pair for skip-gram, a word for CBOW)
    examples: int
    words: int            # in-vocabulary tokens read (before subsampling)
    tokens: int           # all tokens read
    seconds: float
    words_per_sec: float  # tokens / seconds
    alpha: float          # learning rate at the end of the epoch


def build_objective(config, vocab, syn1, syn1neg):
    """The output-layer parameter tuple for the kernels (its type selects the update)."""
    parts = []
    if config.hs:
        parts.append(HierarchicalSoftmax(syn1, *vocab.huffman()))
    if config.negative:
        prob, alias = vocab.noise_distribution(config.ns_exponent)
        parts.append(NegativeSampling(syn1neg, prob, alias, config.negative))
    if config.softmax:
        parts.append(FullSoftmax(syn1))
    return Both(*parts) if len(parts) == 2 else parts[0]


def lock_factors(vectors_lockf, n_words):
    """The ``lockf`` array for :class:`Trainer` from gensim's ``vectors_lockf`` (one value for
    every word, or one per word): None when every factor is 1.0, so nothing is locked.

    Examples
    --------
    >>> lock_factors(np.ones(1, np.float32), 3) is None
    True
    >>> lock_factors(np.array([1, 0, 1], np.float32), 3).tolist()
    [1.0, 0.0, 1.0]
    """
    lockf = np.ascontiguousarray(vectors_lockf, dtype=np.float32).ravel()
    if (lockf == 1.0).all():
        return None
    if lockf.shape == (1,):
        return np.full(n_words, lockf[0], dtype=np.float32)
    if lockf.shape != (n_words,):
        raise ValueError(f"vectors_lockf has {len(lockf)} values; give one, or one per word ({n_words})")
    return lockf


def job_bounds(offsets, batch_words):
    """Sentence indices cutting the corpus into jobs of about ``batch_words`` tokens each."""
    n_sent = len(offsets) - 1
    targets = np.arange(batch_words, offsets[-1], batch_words)
    cuts = np.searchsorted(offsets, targets, side="left")
    return np.unique(np.concatenate([[0], cuts, [n_sent]])).astype(np.int64)


def seed_states(seed, n):
    """``n`` independent non-zero xorshift64* states derived from ``seed``."""
    states = np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)
    states[states == 0] = 0x9E3779B97F4A7C15
    return [states[i:i + 1].copy() for i in range(n)]


class Trainer:
    """Runs epochs of one architecture and objective over an encoded corpus.

    Parameters
    ----------
    config : w2v.config.Config
    syn0 : float32[V, D]          input vectors, trained in place
    objective                     parameter tuple from :func:`build_objective`
    keep_prob : float32[V]        subsampling keep probabilities
    rngs : list of uint64[1]      one generator state per worker thread, advanced in place
    lockf : float32[V], optional  per-word factor of the input-vector updates (gensim's
                                  ``vectors_lockf``); None (no locking) keeps the kernels as fast
                                  as they are without it
    """

    def __init__(self, config, syn0, objective, keep_prob, rngs, lockf=None):
        self.config = config
        self.syn0 = syn0
        self.objective = objective
        self.keep_prob = keep_prob
        self.rngs = rngs
        self.kernel = KERNELS[config.kernel]
        self.extra = (() if config.sg else (config.cbow_mean,)) + (() if lockf is None else (lockf,))

    def make_work(self, longest):
        """One worker thread's state: the kernel's scratch arrays and its own objective tuple."""
        dim = self.syn0.shape[1]
        if self.config.kernel == "sg_shared":
            scratch = shared_work(longest, dim, self.config.negative)
        else:
            scratch = (own_lines(max(longest, 1), np.int32), own_lines(dim, np.float32),
                       own_lines(dim, np.float32))
        private = self.config.hs_private_nodes if len(self.rngs) > 1 else 0
        return WorkerState(scratch, with_own_rows(self.objective, private))

    def train_job(self, ids, offsets, s0, s1, rate, rng, state):
        """Train sentences s0..s1-1 on the calling thread: (words, examples, summed loss)."""
        return self.kernel(ids, offsets, s0, s1, self.keep_prob, self.config.window,
                           self.config.shrink_windows, self.syn0, state.out, rate(offsets[s0]),
                           rate(offsets[s1]), rng, state.scratch, *self.extra)

    def run(self, corpus, epochs, alpha, min_alpha, first_epoch=0, progress=True,
            on_epoch_begin=None, on_epoch_end=None, position=None, checkpoint=None,
            checkpoint_every=None):
        """Train ``epochs`` epochs; the rate falls linearly from ``alpha`` to ``min_alpha`` over all
        of them. Calls ``on_epoch_end(stats)`` after each; returns the list of EpochStats.

        ``checkpoint(position)`` is called with every worker idle after each epoch and, with
        ``checkpoint_every`` (tokens), within epochs; passing that ``position`` back as
        ``position`` continues exactly where it was taken.
        """
        offsets, ids = corpus.offsets, corpus.ids
        if offsets.dtype != np.int64 or not offsets.flags.c_contiguous:
            offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        bounds = job_bounds(offsets, self.config.batch_words)
        n_tokens = int(offsets[-1])
        if n_tokens == 0:
            raise ValueError("the corpus to train on is empty")
        if position is not None and position.get("tokens_per_epoch", n_tokens) != n_tokens:
            raise ValueError(f"the corpus has {n_tokens} tokens, the checkpoint was taken on "
                             f"{position['tokens_per_epoch']}: it is not the same corpus")
        longest = longest_sentence(offsets)
        release_pages(offsets, 0, len(offsets))
        works = [self.make_work(longest) for _ in self.rngs]
        total = epochs * n_tokens
        start_epoch, start_job = (position["epoch"], position["job"]) if position else (0, 0)
        partial = position.get("totals") if position else None
        n_jobs = len(bounds) - 1
        cuts = segment_cuts(offsets, bounds, checkpoint_every)
        bar = tqdm(total=total, initial=start_epoch * n_tokens + int(offsets[bounds[start_job]]),
                   unit="word", unit_scale=True, disable=not progress, leave=False,
                   desc="training", dynamic_ncols=True, smoothing=0.1)
        log = []
        try:
            for e in range(start_epoch, epochs):
                if on_epoch_begin and start_job == 0:
                    on_epoch_begin(first_epoch + e)

                def rate(token_pos, _e=e):
                    frac = (_e * n_tokens + token_pos) / total
                    return max(min_alpha, alpha - (alpha - min_alpha) * frac)

                totals = dict(partial) if partial else {"words": 0, "examples": 0, "loss": 0.0,
                                                        "tokens": 0, "seconds": 0.0}
                for j0, j1 in zip([start_job] + [c for c in cuts if c > start_job],
                                  [c for c in cuts if c > start_job] + [n_jobs]):
                    self._run_jobs(ids, offsets, bounds, j0, j1, rate, works, bar, totals)
                    self._check_finite(first_epoch + e, totals, alpha)
                    if checkpoint and j1 < n_jobs:
                        checkpoint({"epoch": e, "job": j1, "totals": dict(totals),
                                    "tokens_per_epoch": n_tokens})
                start_job, partial = 0, None
                stats = EpochStats(epoch=first_epoch + e,
                                   loss=totals["loss"] / max(totals["examples"], 1),
                                   examples=totals["examples"], words=totals["words"],
                                   tokens=totals["tokens"], seconds=totals["seconds"],
                                   words_per_sec=totals["tokens"] / max(totals["seconds"], 1e-9),
                                   alpha=rate(n_tokens))
                logger.info("epoch %d: loss %.4f, %d words in %.1fs (%.0f words/s), alpha %.5f",
                            stats.epoch + 1, stats.loss, stats.words, stats.seconds,
                            stats.words_per_sec, stats.alpha)
                log.append(stats)
                if on_epoch_end:
                    on_epoch_end(stats)
                if checkpoint:
                    checkpoint({"epoch": e + 1, "job": 0, "totals": None,
                                "tokens_per_epoch": n_tokens})
        finally:
            bar.close()
        return log

    def _check_finite(self, epoch, totals, alpha):
        if not np.isfinite(self.syn0).all() or not np.isfinite(totals["loss"]):
            raise TrainingDiverged(
                f"training diverged in epoch {epoch + 1}: the weights became NaN or infinite; "
                f"lower alpha (now {alpha})")

    def start_workers(self, ids, offsets, bounds, j0, j1, rate, works, totals, done=None):
        """Start one thread per worker state on jobs j0..j1-1, taken in corpus order. Each adds
        words, examples, loss and tokens into ``totals`` under the returned lock and marks
        ``done[j - j0]`` (if given). Returns (threads, lock, errors): a worker's exception is
        appended to ``errors`` and stops the others at their next job."""
        lock = threading.Lock()
        next_job = iter(range(j0, j1))
        errors = []

        def worker(rng, work):
            try:
                while not errors:
                    with lock:
                        j = next(next_job, None)
                    if j is None:
                        return
                    s0, s1 = bounds[j], bounds[j + 1]
                    words, examples, loss = self.train_job(ids, offsets, s0, s1, rate, rng, work)
                    with lock:
                        totals["words"] += words
                        totals["examples"] += examples
                        totals["loss"] += loss
                        totals["tokens"] += int(offsets[s1] - offsets[s0])
                        if done is not None:
                            done[j - j0] = True
            except BaseException as exc:  # surfaced in the calling thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(rng, work), daemon=True)
                   for rng, work in zip(self.rngs, works)]
        for t in threads:
            t.start()
        return threads, lock, errors

    def _run_jobs(self, ids, offsets, bounds, j0, j1, rate, works, bar, totals):
        """Jobs j0..j1-1 on the worker threads, taken in corpus order, adding into ``totals``;
        this thread reports progress and gives back the pages of the id file that every worker
        has finished with."""
        done = np.zeros(j1 - j0 + 1, dtype=bool)   # the last entry stays False: a sentinel
        start = time.perf_counter()
        threads, lock, errors = self.start_workers(ids, offsets, bounds, j0, j1, rate, works,
                                                   totals, done)
        first = int(offsets[bounds[j0]])
        shown, released, released_offsets = first, first, int(bounds[j0])
        while threads:
            threads[0].join(timeout=0.2)
            threads = [t for t in threads if t.is_alive()]
            with lock:
                loss, examples = totals["loss"], totals["examples"]
                finished = j0 + int(np.argmin(done))      # jobs [j0, finished) are all done
            reached = int(offsets[bounds[finished]])
            bar.update(reached - shown)
            shown = reached
            if examples:
                bar.set_postfix(loss=f"{loss / examples:.3f}", alpha=f"{rate(reached):.5f}",
                                refresh=False)
            released = release_pages(ids, released, reached)
            released_offsets = release_pages(offsets, released_offsets, int(bounds[finished]))
        release_pages(ids, 0, len(ids))
        release_pages(offsets, 0, len(offsets))
        totals["seconds"] += time.perf_counter() - start
        if errors:
            raise errors[0]


def segment_cuts(offsets, bounds, every):
    """Job indices at which a checkpoint falls, about every ``every`` tokens (none if None)."""
    if not every:
        return []
    starts = offsets[bounds[:-1]]
    cuts = np.unique(np.searchsorted(starts, np.arange(every, offsets[-1], every), side="left"))
    return [int(c) for c in cuts if 0 < c < len(bounds) - 1]


def longest_sentence(offsets, chunk=1 << 20):
    """The longest sentence's length, read in chunks (no temporary as large as the corpus)."""
    longest = 0
    for a in range(0, len(offsets) - 1, chunk):
        longest = max(longest, int(np.diff(offsets[a:a + chunk + 1]).max()))
    return longest


def release_pages(ids, start, end):
    """Tell the OS that ``ids[start:end]`` of a memory-mapped id file will not be read again soon,
    so its pages leave this process's memory (they are read back from the file when needed).
    Keeps memory flat whatever the corpus size. Returns ``end``; does nothing for arrays in RAM.
    """
    mm = getattr(ids, "base", None)
    if not isinstance(ids, np.memmap) or not isinstance(mm, mmap.mmap) or end <= start:
        return max(start, end)
    page = mmap.PAGESIZE
    delta = ids.offset % mmap.ALLOCATIONGRANULARITY   # where the array starts inside the map
    a = -(-(delta + start * ids.itemsize) // page) * page
    b = (delta + end * ids.itemsize) // page * page
    if b > a:
        mm.madvise(mmap.MADV_DONTNEED, a, b - a)
    return end
