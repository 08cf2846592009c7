"""The Ray adapter: long-lived actors each keep a shard of the encoded corpus and a model copy;
every round the driver merges their row updates and sends back the merged rows, and replaces a
worker that was lost by a fresh one that retrains its shard from the last merged model.
"""
import contextlib
import logging
import os
import shutil
import tempfile
import time
import uuid

import numpy as np
import ray
from ray.exceptions import ObjectLostError, RayActorError
from tqdm.auto import tqdm

from ..encoded import scan
from ..train import EpochStats, TrainingDiverged, seed_states
from . import check_options, syncs_per_epoch
from .shard import Schedule, ShardTrainer, merge, update_nbytes, worker_config
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
        return self.scan.words, self.scan.counts, self.scan.total_words, self.scan.n_sentences

    def encode(self, vocab):
        """Encode the shard with the shared vocabulary; return its (tokens, sentences)."""
        if self.scan is None:
            self.scan = self._scan()
        self.corpus = self.scan.encode(vocab, in_place=True)
        self.scan = None
        return self.corpus.n_words, self.corpus.n_sentences

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
    """Train ``model`` on ``source`` with ``model.engine_options``; see :func:`w2v.distributed.train`."""
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
            state = {"rngs": [rngs[j * threads:(j + 1) * threads] for j in range(k)], "ref": None}

            def weights_ref():
                if state["ref"] is None:
                    state["ref"] = ray.put(weights)
                return state["ref"]

            schedule = Schedule(alpha, min_alpha, epochs, float(k if options["lr_scale"] is None
                                                                else options["lr_scale"]))
            worker_cfg = worker_config(cfg, schedule.scale)
            if worker_cfg is not cfg:
                logger.info("skip-gram workers use the classic kernel at %g times the rate",
                            schedule.scale)
            pool.setup_args = lambda j: (worker_cfg, pool.vocab_ref, weights_ref(), state["rngs"][j],
                                         schedule, syncs)
            pool.call("setup", lambda j, replaced: pool.setup_args(j))
            return _rounds(model, pool, weights, state, epochs, syncs, total, options, callbacks,
                           progress)
        finally:
            pool.close()
            model.wv.clear_norms()


def _rounds(model, pool, weights, state, epochs, syncs, total, options, callbacks, progress):
    k = options["num_workers"]
    first = len(model.training_log)
    merged_ref = None
    bar = tqdm(total=epochs * total, unit="word", unit_scale=True, disable=not progress,
               leave=False, desc=f"training on {k} workers", dynamic_ncols=True, smoothing=0.1)
    for cb in callbacks:
        if hasattr(cb, "on_train_begin"):
            cb.on_train_begin(model)
    words_sum = tokens_sum = 0
    try:
        for e in range(epochs):
            for cb in callbacks:
                if hasattr(cb, "on_epoch_begin"):
                    cb.on_epoch_begin(model)
            start = time.perf_counter()
            acc = {"words": 0, "examples": 0, "loss": 0.0, "tokens": 0, "seconds": 0.0}
            sent = 0
            alpha = 0.0
            for s in range(syncs):
                results = pool.call("train_round",
                                    lambda j, replaced: (None if replaced else merged_ref, e, s))
                updates = [r[0] for r in results]
                merged = merge(weights, updates, k, options["merge"])
                if not all(np.isfinite(u.values).all() for u in merged.values()):
                    raise TrainingDiverged(
                        f"training diverged in epoch {first + e + 1}: the weights became NaN or "
                        f"infinite; lower alpha or the engine option lr_scale")
                merged_ref = ray.put(merged)
                state["ref"] = None
                state["rngs"] = [r[2] for r in results]
                sent += sum(update_nbytes(u) for u in updates) + k * update_nbytes(merged)
                round_tokens = 0
                for _, st, _ in results:
                    for key in acc:
                        acc[key] += st[key]
                    round_tokens += st["tokens"]
                alpha = float(max(st["alpha"] for _, st, _ in results))
                bar.update(round_tokens)
                bar.set_postfix(loss=f"{acc['loss'] / max(acc['examples'], 1):.3f}",
                                alpha=f"{alpha:.5f}", refresh=False)
            seconds = time.perf_counter() - start
            stats = EpochStats(epoch=first + e, loss=acc["loss"] / max(acc["examples"], 1),
                               examples=acc["examples"], words=acc["words"], tokens=acc["tokens"],
                               seconds=seconds, words_per_sec=acc["tokens"] / max(seconds, 1e-9),
                               alpha=alpha)
            if not np.isfinite(stats.loss):
                raise TrainingDiverged(f"training diverged in epoch {first + e + 1}: the loss is "
                                       f"not finite; lower alpha or the engine option lr_scale")
            entry = dict(vars(stats), bytes_per_sync=sent / syncs,
                         worker_words_per_sec=acc["tokens"] / max(acc["seconds"], 1e-9))
            logger.info("epoch %d: loss %.4f, %d words in %.1fs (%.0f words/s, %.0f per worker), "
                        "%.1f MB per sync, alpha %.5f", stats.epoch + 1, stats.loss, stats.words,
                        seconds, stats.words_per_sec, entry["worker_words_per_sec"],
                        entry["bytes_per_sync"] / 1e6, alpha)
            words_sum += stats.words
            tokens_sum += stats.tokens
            model.training_log.append(entry)
            model.wv.clear_norms()
            for cb in callbacks:
                if hasattr(cb, "on_epoch_end"):
                    cb.on_epoch_end(model)
    finally:
        bar.close()
        model.rng_states = [r for rs in state["rngs"] for r in rs]
    for cb in callbacks:
        if hasattr(cb, "on_train_end"):
            cb.on_train_end(model)
    return words_sum, tokens_sum
