"""CPU seconds spent inside the training kernels alone (not the vocabulary, the I/O or Python).

Wraps ``Trainer.train_job`` with ``time.thread_time`` and trains one Word2Vec: the sum over all
jobs is the kernels' CPU cost, which moves much less than wall time on a shared machine. With
one worker it is the single-thread kernel cost; run each checkout in turn with its own
PYTHONPATH, interleaved, and skip the first run of each (it compiles, unless Numba's cache is warm).

    PYTHONPATH=src python3 benchmarks/kernel_time.py slice.txt sg-hs --workers 1
"""
import argparse
import time

from w2v import Word2Vec
from w2v.engines import local

MODES = {"sg-ns": dict(sg=1, hs=0, negative=5), "cbow-ns": dict(sg=0, hs=0, negative=5),
         "sg-hs": dict(sg=1, hs=1, negative=0), "cbow-hs": dict(sg=0, hs=1, negative=0)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("corpus", help="a plain-text corpus (corpus_file=)")
    p.add_argument("mode", choices=sorted(MODES))
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--hs-private-nodes", type=int, default=64)
    args = p.parse_args(argv)
    spent = [0.0]
    train_job = local.Trainer.train_job

    def timed(self, *a):
        start = time.thread_time()
        result = train_job(self, *a)
        spent[0] += time.thread_time() - start   # under the GIL again: the sum is safe
        return result

    local.Trainer.train_job = timed
    start = time.perf_counter()
    Word2Vec(corpus_file=args.corpus, vector_size=100, window=5, min_count=5, sample=1e-3, epochs=args.epochs,
             workers=args.workers, seed=1, progress=False, hs_private_nodes=args.hs_private_nodes,
             **MODES[args.mode])
    print(f"{args.mode} workers={args.workers}: kernel cpu {spent[0]:.3f} s, wall {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
