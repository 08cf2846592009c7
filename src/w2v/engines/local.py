"""Local training, the engine ``engine="local"``: cuts the encoded corpus into jobs and runs the
kernels on threads over shared weights (Hogwild). The epochs, learning rate, progress, loss,
callbacks and checkpoints are :func:`w2v.engines.epochs.run_epochs`'s, which drives
:class:`LocalEngine`; :class:`LocalFactory` starts one for a model.

Nothing here does per-word work: each kernel call trains a whole job of sentences.
"""
import collections
import logging
import mmap
import threading

import numpy as np
from .base import Engine, EngineFactory
from ..kernels import (KERNELS, Both, FullSoftmax, HierarchicalSoftmax, NegativeSampling, SharedNegatives,
                      own_lines, with_own_rows)
from ..kernels.inputs import finite, vector_size

logger = logging.getLogger(__name__)


WorkerState = collections.namedtuple("WorkerState", "scratch out")


def build_objective(config, vocab, syn1, syn1neg):
    """The output-layer parameter tuple for the kernels (its type selects the update)."""
    if config.noise_every is not None:
        prob, alias = vocab.noise_distribution(config.ns_exponent)
        return SharedNegatives(syn1neg, prob, alias, config.negative, np.zeros(config.negative, np.int32),
                               config.noise_every, np.zeros(1, np.int64))
    parts = []
    if config.hs:
        parts.append(HierarchicalSoftmax(syn1, *vocab.huffman()))
    if config.negative:
        prob, alias = vocab.noise_distribution(config.ns_exponent)
        parts.append(NegativeSampling(syn1neg, prob, alias, config.negative))
    if config.softmax:
        parts.append(FullSoftmax(syn1, np.zeros(len(syn1))))   # scores: each thread's own, with_own_rows
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
    config : w2v.models.config.Config
    inputs                        input kind (``w2v.kernels.WordRows(syn0, lockf)``, ...), trained
                                  in place; a ``lockf`` of None (no locking) keeps the kernels as
                                  fast as they are without it
    objective                     parameter tuple from :func:`build_objective`
    keep_prob : float32[V]        subsampling keep probabilities
    rngs : list of uint64[1]      one generator state per worker thread, advanced in place
    """

    def __init__(self, config, inputs, objective, keep_prob, rngs):
        self.config = config
        self.inputs = inputs
        self.objective = objective
        self.keep_prob = keep_prob
        self.rngs = rngs
        self.kernel = KERNELS[config.kernel]
        self.extra = () if config.sg else (config.cbow_mean,)

    def make_work(self, longest):
        """One worker thread's state: the kernel's scratch arrays and its own objective tuple."""
        dim = vector_size(self.inputs)
        scratch = (own_lines(max(longest, 1), np.int32), own_lines(dim, np.float32),
                   own_lines(dim, np.float32))
        private = self.config.hs_private_nodes if len(self.rngs) > 1 else 0
        return WorkerState(scratch, with_own_rows(self.objective, private))

    def train_job(self, ids, offsets, s0, s1, rate, rng, state):
        """Train sentences s0..s1-1 on the calling thread: (words, examples, summed loss)."""
        return self.kernel(ids, offsets, s0, s1, self.keep_prob, self.config.window,
                           self.config.shrink_windows, self.inputs, state.out, rate(offsets[s0]),
                           rate(offsets[s1]), rng, state.scratch, *self.extra)

    def engine(self, corpus, checkpoint_every=None):
        """The steps of an epoch over ``corpus`` for :func:`w2v.engines.epochs.run_epochs`; with
        ``checkpoint_every`` (tokens) an epoch is cut into several steps, so that a checkpoint
        can be taken between them."""
        return LocalEngine(self, corpus, checkpoint_every)

    def start_workers(self, ids, offsets, bounds, j0, j1, rate, works, totals, done=None):
        """Start one thread per worker state on jobs j0..j1-1, taken in corpus order. Each adds
        words, examples, loss and tokens into ``totals`` (a :class:`w2v.engines.epochs.Totals`) under the
        returned lock and marks
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
                        totals.add(words, examples, loss, int(offsets[s1] - offsets[s0]))
                        if done is not None:
                            done[j - j0] = True
            except BaseException as exc:  # surfaced in the calling thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(rng, work), daemon=True)
                   for rng, work in zip(self.rngs, works)]
        for t in threads:
            t.start()
        return threads, lock, errors

class LocalFactory(EngineFactory):
    """The local engine: threads of this process over the model's arrays. It needs the
    vocabulary built first and takes no options."""

    def start(self, model, options, request):
        """A :class:`LocalEngine` over ``request``'s encoded corpus, training the arrays the model
        gives (``request.arrays()``), with ``model.vectors_lockf`` and one random state per
        worker thread (``model.rng_states``, drawn from the seed when their number differs)."""
        cfg = model.config
        if model.rng_states is None or len(model.rng_states) != cfg.workers:
            model.rng_states = seed_states(cfg.seed + len(model.training_log), cfg.workers)
        inputs, objective = request.arrays()
        trainer = Trainer(cfg, inputs, objective, model.vocab.keep_probabilities(cfg.sample),
                          model.rng_states)
        corpus = request.encode()
        try:
            return trainer.engine(corpus, request.checkpoint_every)
        except BaseException:
            corpus.close()
            raise


class LocalEngine(Engine):
    """One run of local training over an encoded corpus, for :func:`w2v.engines.epochs.run_epochs`: a step
    is a range of jobs ``(j0, j1)``, the whole epoch unless checkpoints cut it. Closing it closes
    the corpus.

    Parameters
    ----------
    trainer : Trainer
    corpus : w2v.corpus.encoded.EncodedCorpus
    checkpoint_every : int or None
        Tokens between checkpoints within an epoch (None: steps are whole epochs).
    """

    desc = "training"
    hint = "alpha"

    def __init__(self, trainer, corpus, checkpoint_every=None):
        self.trainer = trainer
        self.corpus = corpus
        self.ids, offsets = corpus.ids, corpus.offsets
        if offsets.dtype != np.int64 or not offsets.flags.c_contiguous:
            offsets = np.ascontiguousarray(offsets, dtype=np.int64)
        self.offsets = offsets
        self.bounds = job_bounds(offsets, trainer.config.batch_words)
        self.n_tokens = int(offsets[-1])
        if self.n_tokens == 0:
            raise ValueError("the corpus to train on is empty")
        longest = longest_sentence(offsets)
        release_pages(offsets, 0, len(offsets))
        self.works = [trainer.make_work(longest) for _ in trainer.rngs]
        self.n_jobs = len(self.bounds) - 1
        self.cuts = segment_cuts(offsets, self.bounds, checkpoint_every)

    def steps(self, start):
        """The job ranges of an epoch from job ``start``."""
        later = [c for c in self.cuts if c > start]
        return list(zip([start] + later, later + [self.n_jobs]))

    def end_step(self, step):
        """The job a checkpoint after ``step`` continues at; None at the epoch's end."""
        return step[1] if step[1] < self.n_jobs else None

    def close(self):
        self.corpus.close()

    def train_step(self, epoch, step, rate, totals, progress):
        """Jobs j0..j1-1 on the worker threads, taken in corpus order, adding into ``totals``;
        this thread reports progress and gives back the pages of the id file that every worker
        has finished with. Returns whether the input vectors are still finite."""
        j0, j1 = step
        ids, offsets, bounds = self.ids, self.offsets, self.bounds
        done = np.zeros(j1 - j0 + 1, dtype=bool)   # the last entry stays False: a sentinel
        threads, lock, errors = self.trainer.start_workers(ids, offsets, bounds, j0, j1, rate,
                                                           self.works, totals, done)
        first = int(offsets[bounds[j0]])
        shown, released_ids, released_offsets = first, first, int(bounds[j0])
        while threads:
            threads[0].join(timeout=0.2)
            threads = [t for t in threads if t.is_alive()]
            with lock:
                finished = j0 + int(np.argmin(done))      # jobs [j0, finished) are all done
            reached = int(offsets[bounds[finished]])
            progress.advance(reached - shown, totals, reached)
            shown = reached
            released_ids = release_pages(ids, released_ids, reached)
            released_offsets = release_pages(offsets, released_offsets, int(bounds[finished]))
        release_pages(ids, 0, len(ids))
        release_pages(offsets, 0, len(offsets))
        if errors:
            raise errors[0]
        return finite(self.trainer.inputs)


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


def release_pages(array, start, end):
    """Tell the OS that ``array[start:end]`` of a memory-mapped array (ids or offsets) will not be
    read again soon, so its pages leave this process's memory (they are read back from the file
    when needed). Keeps memory flat whatever the corpus size. Returns ``end``; does nothing for
    arrays in RAM.
    """
    mm = getattr(array, "base", None)
    if not isinstance(array, np.memmap) or not isinstance(mm, mmap.mmap) or end <= start:
        return max(start, end)
    page = mmap.PAGESIZE
    delta = array.offset % mmap.ALLOCATIONGRANULARITY   # where the array starts inside the map
    a = -(-(delta + start * array.itemsize) // page) * page
    b = (delta + end * array.itemsize) // page * page
    if b > a:
        mm.madvise(mmap.MADV_DONTNEED, a, b - a)
    return end
