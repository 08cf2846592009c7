"""The training driver: cuts the encoded corpus into jobs, runs the kernels on threads over shared
weights (Hogwild), schedules the learning rate, and reports progress, loss and callbacks.

Nothing here does per-word work: each kernel call trains a whole job of sentences.
"""
import dataclasses
import logging
import mmap
import threading
import time

import numpy as np
from tqdm.auto import tqdm

from .kernels import KERNELS, Both, FullSoftmax, HierarchicalSoftmax, NegativeSampling, batch_work

logger = logging.getLogger(__name__)


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
    """

    def __init__(self, config, syn0, objective, keep_prob, rngs):
        self.config = config
        self.syn0 = syn0
        self.objective = objective
        self.keep_prob = keep_prob
        self.rngs = rngs
        self.kernel = KERNELS[config.kernel]
        self.extra = () if config.sg else (config.cbow_mean,)

    def make_work(self, longest):
        """Per-thread scratch arrays for the kernel."""
        dim = self.syn0.shape[1]
        if self.config.kernel == "sg_shared":
            return batch_work(longest, dim, self.config.window, self.config.negative)
        return (np.zeros(max(longest, 1), np.int32), np.zeros(dim, np.float32),
                np.zeros(dim, np.float32))

    def run(self, corpus, epochs, alpha, min_alpha, first_epoch=0, progress=True,
            on_epoch_begin=None, on_epoch_end=None):
        """Train ``epochs`` epochs; the rate falls linearly from ``alpha`` to ``min_alpha`` over all
        of them. Calls ``on_epoch_end(stats)`` after each; returns the list of EpochStats."""
        offsets, ids = corpus.offsets, corpus.ids
        if offsets.dtype != np.int64 or not offsets.flags.c_contiguous:
            offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        bounds = job_bounds(offsets, self.config.batch_words)
        n_tokens = int(offsets[-1])
        if n_tokens == 0:
            raise ValueError("the corpus to train on is empty")
        longest = longest_sentence(offsets)
        release_pages(offsets, 0, len(offsets))
        works = [self.make_work(longest) for _ in self.rngs]
        total = epochs * n_tokens
        bar = tqdm(total=total, unit="word", unit_scale=True, disable=not progress, leave=False,
                   desc="training", dynamic_ncols=True, smoothing=0.1)
        log = []
        try:
            for e in range(epochs):
                if on_epoch_begin:
                    on_epoch_begin(first_epoch + e)

                def rate(token_pos, _e=e):
                    frac = (_e * n_tokens + token_pos) / total
                    return max(min_alpha, alpha - (alpha - min_alpha) * frac)

                stats = self._epoch(ids, offsets, bounds, rate, works, bar, first_epoch + e)
                if not np.isfinite(self.syn0).all() or not np.isfinite(stats.loss):
                    raise TrainingDiverged(
                        f"training diverged in epoch {first_epoch + e + 1}: the weights became NaN "
                        f"or infinite; lower alpha (now {alpha})")
                logger.info("epoch %d: loss %.4f, %d words in %.1fs (%.0f words/s), alpha %.5f",
                            stats.epoch + 1, stats.loss, stats.words, stats.seconds,
                            stats.words_per_sec, stats.alpha)
                log.append(stats)
                if on_epoch_end:
                    on_epoch_end(stats)
        finally:
            bar.close()
        return log

    def _epoch(self, ids, offsets, bounds, rate, works, bar, epoch):
        """One pass: worker threads take jobs in corpus order; this thread reports progress and
        gives back the pages of the id file that every worker has finished with."""
        n_jobs = len(bounds) - 1
        lock = threading.Lock()
        next_job = iter(range(n_jobs))
        done = np.zeros(n_jobs + 1, dtype=bool)   # done[n_jobs] stays False: a sentinel
        totals = {"words": 0, "examples": 0, "loss": 0.0, "tokens": 0}
        errors = []

        def worker(rng, work):
            try:
                while not errors:
                    with lock:
                        j = next(next_job, None)
                    if j is None:
                        return
                    s0, s1 = bounds[j], bounds[j + 1]
                    words, examples, loss = self.kernel(
                        ids, offsets, s0, s1, self.keep_prob, self.config.window,
                        self.config.shrink_windows, self.syn0, self.objective,
                        rate(offsets[s0]), rate(offsets[s1]), rng, work, *self.extra)
                    with lock:
                        totals["words"] += words
                        totals["examples"] += examples
                        totals["loss"] += loss
                        totals["tokens"] += int(offsets[s1] - offsets[s0])
                        done[j] = True
            except BaseException as exc:  # surfaced in the calling thread
                errors.append(exc)

        start = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(rng, work), daemon=True)
                   for rng, work in zip(self.rngs, works)]
        for t in threads:
            t.start()
        shown, released, released_offsets = 0, 0, 0
        while threads:
            threads[0].join(timeout=0.2)
            threads = [t for t in threads if t.is_alive()]
            with lock:
                tokens, loss, examples = totals["tokens"], totals["loss"], totals["examples"]
                finished = int(np.argmin(done))      # jobs [0, finished) are all done
            bar.update(tokens - shown)
            shown = tokens
            if examples:
                bar.set_postfix(loss=f"{loss / examples:.3f}", alpha=f"{rate(offsets[bounds[finished]]):.5f}",
                                refresh=False)
            released = release_pages(ids, released, int(offsets[bounds[finished]]))
            released_offsets = release_pages(offsets, released_offsets, int(bounds[finished]))
        release_pages(ids, 0, len(ids))
        release_pages(offsets, 0, len(offsets))
        if errors:
            raise errors[0]
        seconds = time.perf_counter() - start
        return EpochStats(epoch=epoch, loss=totals["loss"] / max(totals["examples"], 1),
                          examples=totals["examples"], words=totals["words"],
                          tokens=totals["tokens"], seconds=seconds,
                          words_per_sec=totals["tokens"] / max(seconds, 1e-9),
                          alpha=rate(offsets[-1]))


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
