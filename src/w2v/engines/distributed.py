"""The Ray engine's registry entry, ``engine="ray"``: its validated options and how it starts,
without importing Ray (:mod:`w2v.engines.ray` does, when a run starts).

The engine-free parts live in :mod:`.split` (corpus to shards) and :mod:`.shard` (one round on a
shard, the merge); :mod:`.ray` runs them on Ray actors.
"""
import numbers
import os

from .base import EngineFactory

DEFAULTS = {
    "address": None,            # None: start (and stop) a local Ray cluster; "auto"; "ray://host:10001"
    "num_workers": 2,           # K actors, each holding a shard and a model copy
    "syncs_per_epoch": None,    # S merges per epoch; None: see syncs_per_epoch()
    "threads_per_worker": 1,    # Hogwild threads inside each actor
    "lr_scale": None,           # worker rate = lr_scale x the schedule; None: K
    "merge": "average",         # "average" the K models, or "sum" their steps
    "max_restarts": 3,          # replacements of lost workers allowed in one run
    "ray_init": None,           # extra keyword arguments for ray.init
}

__all__ = ["DEFAULTS", "RayFactory", "syncs_per_epoch", "build_vocab", "corpus_location"]


class RayFactory(EngineFactory):
    """Data-parallel training on a Ray cluster (docs/distributed.md). It counts the corpus on
    its workers when the model has no vocabulary yet; its corpus is a file, folder or URI that
    every worker can read. Each training log entry also holds ``bytes_per_sync`` (row ids and
    values sent per synchronisation, to and from the workers) and ``worker_tokens_per_sec``
    (tokens per second of kernel time, per worker)."""

    counts_words = True

    def check_options(self, options):
        """``options`` with :data:`DEFAULTS` filled in, each checked.

        Examples
        --------
        >>> RayFactory().check_options({"num_workers": 4})["num_workers"]
        4
        >>> RayFactory().check_options({"workers": 4})
        Traceback (most recent call last):
        ...
        ValueError: unknown engine option 'workers'; known: address, lr_scale, max_restarts, merge, num_workers, ray_init, syncs_per_epoch, threads_per_worker
        """
        options = dict(options or {})
        for key in options:
            if key not in DEFAULTS:
                known = ", ".join(sorted(DEFAULTS))
                raise ValueError(f"unknown engine option {key!r}; known: {known}")
        out = {**DEFAULTS, **options}
        for key in ("num_workers", "syncs_per_epoch", "threads_per_worker"):
            v = out[key]
            if v is None and key == "syncs_per_epoch":
                continue
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError(f"{key} must be an integer >= 1{' or None' if key == 'syncs_per_epoch' else ''}, "
                                 f"got {v!r}")
            out[key] = int(v)
        v = out["max_restarts"]
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise ValueError(f"max_restarts must be an integer >= 0, got {v!r}")
        v = out["lr_scale"]
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0
                              or v == float("inf")):
            raise ValueError(f"lr_scale must be None (the number of workers) or a number > 0, got {v!r}")
        if out["merge"] not in ("average", "sum"):
            raise ValueError(f"merge must be 'average' or 'sum', got {out['merge']!r}")
        if out["address"] is not None and not isinstance(out["address"], str):
            raise ValueError(f"address must be None, 'auto' or 'ray://host:port', got {out['address']!r}")
        if out["ray_init"] is not None and not isinstance(out["ray_init"], dict):
            raise ValueError("ray_init must be a dict of ray.init keyword arguments")
        return out

    def start(self, model, options, request):
        """A :class:`w2v.engines.ray.RayEngine`: the cluster, the workers with their encoded
        shards and model copies, ready for the first round (the vocabulary counted on the
        workers first if the model has none)."""
        source = corpus_location(request.source)
        from .ray import RayEngine

        return RayEngine(model, options, source, request, syncs_per_epoch(options, model.config.sg))


def corpus_location(source):
    """``source`` as the location every worker reads (a path or URI string); TypeError for an
    iterable of sentences, ValueError for None."""
    if source is None:
        raise ValueError("no corpus given: pass corpus_file (a file, folder or URI)")
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError("distributed training reads a corpus file, folder or URI (s3://, gs://, "
                        "hdfs://), not an iterable of sentences: workers read their own shards")
    return os.fspath(source)


def syncs_per_epoch(options, sg):
    """S: the option, or by default 1 for CBOW up to K=4 and K // 2 beyond, 4K for skip-gram.

    The fewest syncs that kept single-machine quality in the runs of docs/distributed.md.

    Examples
    --------
    >>> syncs_per_epoch({"num_workers": 4, "syncs_per_epoch": None}, sg=1)
    16
    """
    k, s = options["num_workers"], options["syncs_per_epoch"]
    if s is not None:
        return s
    if k == 1:
        return 1
    return 4 * k if sg else (1 if k <= 4 else k // 2)


def build_vocab(model, corpus_file):
    """Count the words of ``corpus_file`` on the workers and build ``model``'s vocabulary.

    Each worker counts its shard; the counts are summed in corpus order, so the vocabulary is
    the one :meth:`w2v.Word2Vec.build_vocab` builds from the whole corpus.
    """
    from .ray import count_on_workers

    return count_on_workers(model, corpus_location(corpus_file), RayFactory().check_options(model.engine_options))
