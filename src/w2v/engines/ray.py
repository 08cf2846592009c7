"""The Ray engine: long-lived actors each keep a shard of the encoded corpus and a model copy;
every round the driver merges their row updates and sends back the merged rows, and replaces a
worker that was lost by a fresh one that retrains its shard from the last merged model. Started
by :class:`w2v.engines.distributed.RayFactory` (options, registry), driven by the one epoch loop.
"""
import contextlib
import dataclasses
import logging
import os
import shutil
import tempfile
import uuid

import numpy as np
import ray
from ray.exceptions import ObjectLostError, RayActorError

from ..corpus.encoded import scan
from ..kernels import WordRows
from .base import Engine
from .local import lock_factors, seed_states
from .shard import ShardTrainer, merge, update_nbytes, worker_config
from .split import ShardSentences, plan_shards

logger = logging.getLogger(__name__)

_LOST = (RayActorError, ObjectLostError)


class ShardWorker:
    """The body of one Ray actor: its shard (read, counted, encoded here) and its model copy."""

    def __init__(self, pieces, reader_options, cache_dir, tag):
        self.pieces = pieces
        self.reader_options = reader_options
        self.cache_dir = os.path.join(cache_dir or tempfile.gettempdir(), tag)
        shutil.rmtree(self.cache_dir, ignore_errors=True)   # left by a lost worker on this node
        os.makedirs(self.cache_dir)
        self.scan = self.corpus = self.trainer = None

    def _scan(self, max_vocab_size=None):
        return scan(ShardSentences(self.pieces, **self.reader_options),
                    max_vocab_size=max_vocab_size, cache_dir=self.cache_dir)

    def count(self, max_vocab_size):
        """Count the shard's words: (words in order of first appearance, counts, tokens, sentences)."""
        self.scan = self._scan(max_vocab_size)
        return self.scan.words, self.scan.counts, self.scan.n_tokens, self.scan.n_sentences

    def encode(self, vocab):
        """Encode the shard with the shared vocabulary; return its (tokens, sentences)."""
        if self.scan is None:
            self.scan = self._scan()
        self.corpus = self.scan.encode(vocab, in_place=True)
        self.scan = None
        return self.corpus.n_tokens, self.corpus.n_sentences

    def setup(self, config, vocab, weights, rngs, schedule, syncs, lockf=None):
        self.trainer = ShardTrainer(self.corpus, config, vocab, weights, rngs, schedule, syncs, lockf)

    def train_round(self, merged, epoch, sync):
        """Apply the last merge (None: already in the weights), train one round; return the
        row updates, the stats and the generator states after the round."""
        if merged is not None:
            self.trainer.apply(merged)
        updates, stats = self.trainer.train(epoch, sync)
        return updates, stats, [r.copy() for r in self.trainer.rngs]

    def close(self):
        if self.corpus is not None:
            self.corpus.close()
        if self.scan is not None:
            self.scan.close()
        shutil.rmtree(self.cache_dir, ignore_errors=True)


_RemoteWorker = ray.remote(max_restarts=0, max_task_retries=0)(ShardWorker)


@contextlib.contextmanager
def cluster(options):
    """Use the Ray session already open, or connect to ``address``, or start a local cluster
    (with at least one CPU per worker thread); whatever this opened is closed on exit."""
    if ray.is_initialized():
        yield
        return
    kw = dict(options["ray_init"] or {})
    kw.setdefault("logging_level", logging.WARNING)
    if options["address"] is None:     # "local": a new cluster even if RAY_ADDRESS names one
        need = options["num_workers"] * options["threads_per_worker"]
        kw.setdefault("num_cpus", max(os.cpu_count() or 1, need))
        kw.setdefault("include_dashboard", False)
        kw["address"] = "local"
    else:
        kw["address"] = options["address"]
    ray.init(**kw)
    try:
        yield
    finally:
        ray.shutdown()


class _Pool:
    """K actors, one per shard, called together; a lost actor is replaced and brought back to
    the stage the others reached (encoded shard, model loaded) before its call is repeated."""

    def __init__(self, plan, model, options):
        self.plan = plan
        self.options = options
        self.reader = dict(model.reader_options, max_sentence_length=model.config.max_sentence_length)
        self.cache_dir = model.cache_dir
        self.run = f"w2v-{uuid.uuid4().hex[:8]}"
        self.restarts = 0
        self.vocab_ref = None
        self.setup_args = None          # k -> arguments of setup for a replacement worker
        self.workers = [self._start(k) for k in range(len(plan))]

    def _start(self, k):
        threads = self.options["threads_per_worker"]
        return _RemoteWorker.options(
            name=f"{self.run}-worker-{k}-{self.restarts}", num_cpus=threads,
            scheduling_strategy="SPREAD",
        ).remote(self.plan[k], self.reader, self.cache_dir, f"{self.run}-{k}")

    def _revive(self, k, error):
        while True:
            self.restarts += 1
            if self.restarts > self.options["max_restarts"]:
                raise RuntimeError(f"worker {k} was lost ({type(error).__name__}: {error}); the "
                                   f"{self.options['max_restarts']} replacements allowed "
                                   f"(engine option max_restarts) are spent") from error
            logger.warning("worker %d was lost (%s); replacing it and retraining its shard from the "
                           "last merged model", k, type(error).__name__)
            with contextlib.suppress(Exception):
                ray.kill(self.workers[k])
            self.workers[k] = self._start(k)
            try:
                if self.vocab_ref is not None:
                    ray.get(self.workers[k].encode.remote(self.vocab_ref))
                if self.setup_args is not None:
                    ray.get(self.workers[k].setup.remote(*self.setup_args(k)))
                return
            except _LOST as again:
                error = again

    def call(self, method, args):
        """``method(*args(k, replaced))`` on every worker; results in worker order."""
        refs = [getattr(w, method).remote(*args(k, False)) for k, w in enumerate(self.workers)]
        out = []
        for k, ref in enumerate(refs):
            while True:
                try:
                    out.append(ray.get(ref))
                    break
                except _LOST as error:
                    self._revive(k, error)
                    ref = getattr(self.workers[k], method).remote(*args(k, True))
        return out

    def close(self):
        with contextlib.suppress(Exception):
            ray.get([w.close.remote() for w in self.workers], timeout=30)
        for w in self.workers:
            with contextlib.suppress(Exception):
                ray.kill(w)


def _count(pool, model):
    """The distributed counting pass: shard counts summed in corpus order, then the vocabulary."""
    results = pool.call("count", lambda k, replaced: (model.config.max_vocab_size,))
    if pool.restarts:   # a replacement counted its shard afresh: the counts are still whole
        logger.info("counting finished after %d replacement(s)", pool.restarts)
    merged = {}
    for words, counts, _, _ in results:
        for w, c in zip(words, counts.tolist()):
            merged[w] = merged.get(w, 0) + c
    tokens = sum(r[2] for r in results)
    if tokens == 0:
        raise ValueError("the corpus is empty")
    model.build_vocab_from_freq(merged)
    logger.info("vocabulary: %d words from %d tokens in %d sentences, counted by %d workers",
                len(model.vocab), tokens, sum(r[3] for r in results), len(results))


def count_on_workers(model, source, options):
    """Count ``source`` on the workers and build ``model``'s vocabulary (see
    :func:`w2v.engines.distributed.build_vocab`)."""
    with cluster(options):
        pool = _Pool(plan_shards(source, options["num_workers"], model.reader_options["encoding"]),
                     model, options)
        try:
            _count(pool, model)
        finally:
            pool.close()
    return model


class RayEngine(Engine):
    """Ray training for :func:`w2v.engines.epochs.run_epochs`: a step is a round, in which every
    worker trains its slice of its shard, then the driver merges their row updates into the
    model's arrays (sent back to the workers with the next round). Starting it opens the cluster
    (or uses the session already open), starts the workers, counts the corpus on them when the
    model has no vocabulary, encodes the shards and gives each worker the model; closing it stops
    what it started.

    Parameters
    ----------
    model : w2v.Word2Vec
        Its arrays are the merged model, updated in place after each round; its
        ``rng_states`` (one per worker thread) hold the workers' generators after each round.
    options : dict
        Checked engine options (:meth:`w2v.engines.distributed.RayFactory.check_options`).
    source : str
        The corpus: a file, folder or URI every worker can read.
    request : w2v.engines.base.TrainingRequest
        Its ``schedule`` (the workers' rate is ``lr_scale`` times it) and ``checkpoint_every``
        (tokens between checkpoints within an epoch; None: at the epochs' ends only). The
        model's input rows must be ``wv.vectors``: a model that trains others is refused.
    syncs : int
        Rounds per epoch.
    """

    hint = "alpha or the engine option lr_scale"

    def __init__(self, model, options, source, request, syncs):
        self.model, self.syncs = model, syncs
        self.schedule, self.every = request.schedule, request.checkpoint_every
        self.arrays = request.arrays
        self.merge_rule = options["merge"]
        self.merged_ref = None      # the last merge, sent to the workers with the next round
        self.ref = None             # the whole model in Ray's object store, for a replacement
        self.sent = 0               # bytes sent both ways in this epoch
        self.kernel_seconds = 0.0   # the workers' time in the kernels in this epoch
        self.stack = contextlib.ExitStack()
        try:
            self.stack.enter_context(cluster(options))
            self.pool = _Pool(plan_shards(source, options["num_workers"], model.reader_options["encoding"]),
                              model, options)
            self.stack.callback(self.pool.close)
            self._setup(model, options)
        except BaseException:
            self.stack.close()
            raise

    def _setup(self, model, options):
        pool, cfg = self.pool, model.config
        k, threads = options["num_workers"], options["threads_per_worker"]
        if model.vocab is None:
            _count(pool, model)
        inputs = self.arrays()[0]
        if not isinstance(inputs, WordRows) or inputs.syn0 is not model.wv.vectors:
            raise ValueError(f"the Ray engine trains word rows (wv.vectors) only, and "
                             f"{type(model).__name__} trains other input rows: use engine='local'")
        pool.vocab_ref = ray.put(model.vocab)
        sizes = pool.call("encode", lambda j, replaced: (pool.vocab_ref,))
        self.n_tokens = sum(n for n, _ in sizes)
        if self.n_tokens == 0:
            raise ValueError("the corpus to train on is empty")
        logger.info("%d workers hold shards of %s tokens", k, ", ".join(str(n) for n, _ in sizes))
        self.desc = f"training on {k} workers"
        self.weights = {"syn0": model.wv.vectors}
        for name in ("syn1", "syn1neg"):
            if getattr(model, name) is not None:
                self.weights[name] = getattr(model, name)
        rngs = model.rng_states
        if rngs is None or len(rngs) != k * threads:
            rngs = seed_states(cfg.seed + len(model.training_log), k * threads)
        model.rng_states = rngs
        self.rngs = [rngs[j * threads:(j + 1) * threads] for j in range(k)]
        scale = float(k if options["lr_scale"] is None else options["lr_scale"])
        schedule = dataclasses.replace(self.schedule, scale=scale)   # each worker on its shard's tokens
        worker_cfg = worker_config(cfg, schedule.scale)
        if worker_cfg is not cfg:
            logger.info("skip-gram workers use the classic kernel at %g times the rate", schedule.scale)
        lockf = lock_factors(model.wv.vectors_lockf, len(model.wv))
        pool.setup_args = lambda j: (worker_cfg, pool.vocab_ref, self.weights_ref(), self.rngs[j],
                                     schedule, self.syncs, lockf)
        pool.call("setup", lambda j, replaced: pool.setup_args(j))

    def weights_ref(self):
        if self.ref is None:
            self.ref = ray.put(self.weights)
        return self.ref

    def steps(self, start):
        return range(start, self.syncs)

    def end_step(self, step):
        """The next round, when a multiple of ``checkpoint_every`` tokens falls in this one
        (the rounds of an epoch end near ``n_tokens * (step + 1) / syncs``)."""
        if step + 1 >= self.syncs or not self.every:
            return None
        before, after = (self.n_tokens * step // self.syncs, self.n_tokens * (step + 1) // self.syncs)
        return step + 1 if after // self.every > before // self.every else None

    def train_step(self, epoch, step, rate, totals, progress):
        """Round ``step`` of ``epoch`` on every worker and the merge; returns whether the merged
        rows are finite. The workers follow the schedule on their own shards' tokens, so
        ``rate`` (over the whole corpus) is only shown."""
        k = len(self.pool.workers)
        results = self.pool.call("train_round", lambda j, replaced: (
            None if replaced else self.merged_ref, epoch, step))
        updates = [r[0] for r in results]
        merged = merge(self.weights, updates, k, self.merge_rule)
        self.merged_ref = ray.put(merged)
        self.ref = None
        self.rngs = [r[2] for r in results]
        self.model.rng_states = [r for rs in self.rngs for r in rs]
        self.sent += sum(update_nbytes(u) for u in updates) + k * update_nbytes(merged)
        before = totals.tokens
        for _, done, _ in results:
            totals.add(done.known, done.examples, done.loss, done.tokens)
            self.kernel_seconds += done.seconds
        progress.advance(totals.tokens - before, totals, totals.tokens)
        return all(np.isfinite(u.values).all() for u in merged.values())

    def epoch_extra(self, totals):
        """The epoch's bytes per sync and tokens per second of kernel time per worker (and a new
        count for the next epoch)."""
        extra = {"bytes_per_sync": self.sent / self.syncs,
                 "worker_tokens_per_sec": totals.tokens / max(self.kernel_seconds, 1e-9)}
        logger.info("%.0f tokens/s per worker, %.1f MB per sync", extra["worker_tokens_per_sec"],
                    extra["bytes_per_sync"] / 1e6)
        self.sent, self.kernel_seconds = 0, 0.0
        return extra

    def close(self):
        self.stack.close()
