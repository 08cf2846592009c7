"""One worker's round of training on its shard, and the merge of the workers' row updates:
plain NumPy around the unchanged Numba kernels, knowing nothing of any cluster engine.

Synchronous model averaging: every round each of K workers trains its model copy on a slice of
its shard with the learning rate scaled by K, sends the rows it changed, and all copies are
replaced by the average of the K models (a row a worker did not change counts with its
previous value). To first order that is one pass of sequential SGD at the unscaled rate.
"""
import dataclasses
import time
from collections import namedtuple

import numpy as np

from .epochs import Totals
from ..kernels import WordRows
from .local import Trainer, build_objective, job_bounds, longest_sentence, release_pages

RowUpdate = namedtuple("RowUpdate", "rows values")   # int32[m] row ids, float32[m, D] new values
MERGE_RULES = ("average", "sum")
_COMPARE_ROWS = 1 << 15


def worker_config(config, scale):
    """The configuration the workers train with: the model's, except that skip-gram takes the
    classic per-pair kernel when the rate is scaled above 2.

    The batched skip-gram kernel adds a whole window's steps to the shared noise rows at once;
    at K times the rate those block steps overshoot (docs/distributed.md measures the loss).
    """
    if config.sg and config.shared_negatives and scale > 2:
        return dataclasses.replace(config, shared_negatives=False)
    return config


def round_slices(offsets, batch_words, syncs):
    """Job bounds over a shard and, for each of ``syncs`` rounds, its range of jobs.

    Returns (bounds int64[J+1], list of (j0, j1)): round s trains jobs j0 .. j1-1, cut where the
    tokens reach s/syncs of the shard. With one worker and any number of rounds the jobs are
    those of local training, so the result is identical.
    """
    bounds = job_bounds(offsets, batch_words)
    starts = offsets[bounds]
    n = int(offsets[-1])
    cuts = [0] + [int(np.searchsorted(starts, n * s / syncs, side="left")) for s in range(1, syncs)]
    cuts.append(len(bounds) - 1)
    cuts = np.maximum.accumulate(np.minimum(cuts, len(bounds) - 1))
    return bounds, [(int(cuts[s]), int(cuts[s + 1])) for s in range(syncs)]


def changed_rows(before, after):
    """The rows of ``after`` that differ from ``before``, as a RowUpdate (values copied)."""
    found = []
    for a in range(0, len(after), _COMPARE_ROWS):
        diff = (after[a:a + _COMPARE_ROWS] != before[a:a + _COMPARE_ROWS]).any(axis=1)
        found.append(np.flatnonzero(diff) + a)
    rows = np.concatenate(found).astype(np.int32) if found else np.zeros(0, np.int32)
    return RowUpdate(rows, after[rows])


def merge(weights, updates, n_workers, rule="average"):
    """Merge the workers' row updates into ``weights`` in place; return the merged rows.

    Parameters
    ----------
    weights : dict of str to float32[V, D]
        The model before the round (``syn0``, ``syn1``, ``syn1neg``): updated in place.
    updates : list of dict of str to RowUpdate
        One per worker, in worker order: the new values of the rows it changed.
    n_workers : int
        K. A row that k of the K workers changed becomes
        ``(sum of their values + (K - k) * old) / K`` (``"average"``: the mean of the K models)
        or ``old + sum of (value - old)`` (``"sum"``: every worker's step applied in full).
    rule : {"average", "sum"}

    Returns
    -------
    dict of str to RowUpdate
        The rows that changed and their merged values: what every worker must apply.

    Examples
    --------
    >>> w = {"syn0": np.zeros((3, 1), np.float32)}
    >>> ups = [{"syn0": RowUpdate(np.array([0, 1], np.int32), np.array([[2.], [4.]], np.float32))},
    ...        {"syn0": RowUpdate(np.array([1], np.int32), np.array([[8.]], np.float32))}]
    >>> merged = merge(w, ups, 2)
    >>> w["syn0"].ravel().tolist(), merged["syn0"].rows.tolist()
    ([1.0, 6.0, 0.0], [0, 1])
    """
    if rule not in MERGE_RULES:
        raise ValueError(f"rule must be one of {MERGE_RULES}, got {rule!r}")
    out = {}
    for name, base in weights.items():
        parts = [u[name] for u in updates if u is not None and len(u[name].rows)]
        if not parts:
            out[name] = RowUpdate(np.zeros(0, np.int32), np.zeros((0, base.shape[1]), base.dtype))
            continue
        union = np.unique(np.concatenate([p.rows for p in parts]))
        acc = np.zeros((len(union), base.shape[1]), np.float64)
        touched = np.zeros(len(union), np.int64)
        for p in parts:
            at = np.searchsorted(union, p.rows)
            acc[at] += p.values
            touched[at] += 1
        old = base[union].astype(np.float64)
        if rule == "average":
            new = (acc + (n_workers - touched)[:, None] * old) / n_workers
        else:
            new = acc - (touched - 1)[:, None] * old
        base[union] = new
        out[name] = RowUpdate(union.astype(np.int32), base[union])
    return out


def update_nbytes(update):
    """Bytes of a dict of RowUpdates (row ids and values), as sent over the wire."""
    return sum(u.rows.nbytes + u.values.nbytes for u in update.values())


class ShardTrainer:
    """A worker's model copy and shard: ``train(epoch, sync)`` is ``train_shard`` for one round.

    Parameters
    ----------
    corpus : w2v.corpus.encoded.EncodedCorpus
        The shard, encoded with the shared vocabulary.
    config : w2v.models.config.Config
    vocab : w2v.corpus.vocab.Vocab
    weights : dict of str to float32[V, D]
        The model to start from (copied): ``syn0`` and the output matrices.
    rngs : list of uint64[1]
        One generator state per thread of this worker (copied; ``self.rngs`` advance).
    schedule : w2v.engines.epochs.Schedule
    syncs : int
        Rounds per epoch.
    lockf : float32[V] or None
        Per-word factors of the input-vector updates (gensim's ``vectors_lockf``); None: none.
    """

    def __init__(self, corpus, config, vocab, weights, rngs, schedule, syncs, lockf=None):
        self.ids = corpus.ids
        self.offsets = np.ascontiguousarray(corpus.offsets, dtype=np.int64)
        self.n_tokens = int(self.offsets[-1])
        self.weights = {k: np.array(v, dtype=np.float32, order="C") for k, v in weights.items()}
        self.base = {k: v.copy() for k, v in self.weights.items()}
        self.rngs = [np.array(r, dtype=np.uint64) for r in rngs]     # writable copies
        self.schedule = schedule
        self.bounds, self.slices = round_slices(self.offsets, config.batch_words, syncs)
        objective = build_objective(config, vocab, self.weights.get("syn1"), self.weights.get("syn1neg"))
        self.trainer = Trainer(config, WordRows(self.weights["syn0"], lockf), objective,
                               vocab.keep_probabilities(config.sample), self.rngs)
        longest = longest_sentence(self.offsets) if len(self.offsets) > 1 else 0
        self.works = [self.trainer.make_work(longest) for _ in self.rngs]

    def apply(self, merged):
        """Take the merged rows of the last round (a dict of RowUpdate) into both copies."""
        for name, (rows, values) in merged.items():
            self.weights[name][rows] = values
            self.base[name][rows] = values

    def train(self, epoch, sync):
        """Train round ``sync`` of ``epoch``; return (dict of RowUpdate, :class:`w2v.engines.epochs.Totals`
        of the round, its ``seconds`` spent in the kernels)."""
        j0, j1 = self.slices[sync]
        totals = Totals()
        if j1 > j0:
            rate = self.schedule.rate(epoch, self.n_tokens)
            start = time.perf_counter()
            threads, _, errors = self.trainer.start_workers(self.ids, self.offsets, self.bounds,
                                                            j0, j1, rate, self.works, totals)
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
            totals.seconds = time.perf_counter() - start
            release_pages(self.ids, 0, len(self.ids))
        updates = {name: changed_rows(self.base[name], w) for name, w in self.weights.items()}
        return updates, totals
