"""The Ray adapter: long-lived actors each keep a shard of the encoded corpus and a model copy;
every round the driver merges their row updates and sends back the merged rows, and replaces a
worker that was lost by a fresh one that retrains its shard from the last merged model.
"""
import contextlib
import logging
import os
import shutil
import tempfile
import uuid

import numpy as np
import ray
from ray.exceptions import ObjectLostError, RayActorError

from ..corpus.encoded import scan
from .epochs import Schedule, run_epochs
from .local import seed_states
from .distributed import check_options, syncs_per_epoch
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

    def setup(self, config, vocab, weights, rngs, schedule, syncs):
        self.trainer = ShardTrainer(self.corpus, config, vocab, weights, rngs, schedule, syncs)

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


def build_vocab(model, source):
    """Count ``source`` on the workers and build ``model``'s vocabulary (see the package)."""
    options = check_options("ray", model.engine_options)
    with cluster(options):
        pool = _Pool(plan_shards(source, options["num_workers"], model.reader_options["encoding"]),
                     model, options)
        try:
            _count(pool, model)
        finally:
            pool.close()
    return model


def train(model, source, epochs, alpha, min_alpha, callbacks=(), progress=True):
    """Train ``model`` on ``source`` with ``model.engine_options``; see :func:`w2v.engines.distributed.train`."""
    options = check_options("ray", model.engine_options)
    cfg = model.config
    k, threads = options["num_workers"], options["threads_per_worker"]
    syncs = syncs_per_epoch(options, cfg.sg)
    with cluster(options):
        plan = plan_shards(source, k, model.reader_options["encoding"])
        pool = _Pool(plan, model, options)
        try:
            if model.vocab is None:
                _count(pool, model)
            model._close_encoded()      # a corpus encoded by a local build_vocab is not used
            pool.vocab_ref = ray.put(model.vocab)
            sizes = pool.call("encode", lambda j, replaced: (pool.vocab_ref,))
            total = sum(n for n, _ in sizes)
            if total == 0:
                raise ValueError("the corpus to train on is empty")
            logger.info("%d workers hold shards of %s tokens", k, ", ".join(str(n) for n, _ in sizes))
            weights = {"syn0": model.wv.vectors}
            for name in ("syn1", "syn1neg"):
                if getattr(model, name) is not None:
                    weights[name] = getattr(model, name)
            rngs = model.rng_states
            if rngs is None or len(rngs) != k * threads:
                rngs = seed_states(cfg.seed + len(model.training_log), k * threads)
            schedule = Schedule(alpha, min_alpha, epochs, float(k if options["lr_scale"] is None
                                                                else options["lr_scale"]))
            worker_cfg = worker_config(cfg, schedule.scale)
            if worker_cfg is not cfg:
                logger.info("skip-gram workers use the classic kernel at %g times the rate",
                            schedule.scale)
            rounds = Rounds(pool, weights, [rngs[j * threads:(j + 1) * threads] for j in range(k)],
                            total, syncs, options["merge"])
            pool.setup_args = lambda j: (worker_cfg, pool.vocab_ref, rounds.weights_ref(),
                                         rounds.rngs[j], schedule, syncs)
            pool.call("setup", lambda j, replaced: pool.setup_args(j))
            try:
                return run_epochs(model, rounds, schedule, callbacks, progress)
            finally:
                model.rng_states = [r for rs in rounds.rngs for r in rs]
        finally:
            pool.close()
            model.wv.clear_norms()


class Rounds:
    """Ray training for :func:`w2v.engines.epochs.run_epochs`: a step is a round, in which every worker
    trains its slice of its shard, then the driver merges their row updates (sent back to them
    with the next round).

    Parameters
    ----------
    pool : _Pool
        The workers, set up with the model.
    weights : dict of str to float32[V, D]
        The model's arrays, updated in place by each merge.
    rngs : list of list of uint64[1]
        Each worker's generator states; replaced by the states after each round.
    n_tokens : int
        Tokens per epoch, over all shards.
    syncs : int
        Rounds per epoch.
    merge_rule : str
        See :func:`w2v.engines.shard.merge`.
    """

    hint = "alpha or the engine option lr_scale"

    def __init__(self, pool, weights, rngs, n_tokens, syncs, merge_rule):
        self.pool, self.weights, self.rngs = pool, weights, rngs
        self.n_tokens, self.syncs, self.merge_rule = n_tokens, syncs, merge_rule
        self.desc = f"training on {len(pool.workers)} workers"
        self.merged_ref = None      # the last merge, sent to the workers with the next round
        self.ref = None             # the whole model in Ray's object store, for a replacement
        self.sent = 0               # bytes sent both ways in this epoch
        self.kernel_seconds = 0.0   # the workers' time in the kernels in this epoch

    def weights_ref(self):
        if self.ref is None:
            self.ref = ray.put(self.weights)
        return self.ref

    def steps(self, start):
        return range(start, self.syncs)

    def end_step(self, step):
        return step + 1 if step + 1 < self.syncs else None

    def train_step(self, epoch, step, rate, totals, progress):
        """Round ``step`` of ``epoch`` on every worker and the merge; returns whether the merged
        rows are finite."""
        k = len(self.pool.workers)
        results = self.pool.call("train_round", lambda j, replaced: (
            None if replaced else self.merged_ref, epoch, step))
        updates = [r[0] for r in results]
        merged = merge(self.weights, updates, k, self.merge_rule)
        self.merged_ref = ray.put(merged)
        self.ref = None
        self.rngs = [r[2] for r in results]
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
