"""Recall@10 of ``kv.build_index()`` on words it did not tune on (issue 26), on generated clustered
vectors (``benchmarks/ann.py``'s generator): the default (tuned to 0.95 on one sample, confirmed on
another), the untuned faiss effort (``recall=None``), and the answers through
``kv.most_similar(word, topn=10, indexer=index)``, which, as gensim's indexers do, include the
query word itself (so at most 9 of the 10 exact neighbours can be there; ask for 11 and drop it).

    python benchmarks/index_recall.py --words 200000 --dim 300 --method ivf

The held-out words are ``--queries`` random words drawn with a seed other than the tuning draw's.
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, HERE)

from ann import generate  # noqa: E402

from w2v import KeyedVectors  # noqa: E402


def recall_of(answers, truth):
    return float(np.mean([len(set(a) & set(t)) / len(t) for a, t in zip(answers, truth)]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--method", choices=("ivf", "hnsw"), default="ivf")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache", default="/tmp/w2v-ann-bench")
    args = parser.parse_args(argv)
    os.makedirs(args.cache, exist_ok=True)
    path = os.path.join(args.cache, f"generated-{args.words}x{args.dim}.npy")
    if not os.path.exists(path):
        generate(path, args.words, args.dim)
    kv = KeyedVectors([f"w{i}" for i in range(args.words)], np.ascontiguousarray(np.load(path)))
    rows = np.random.default_rng(20261205).choice(args.words, size=args.queries, replace=False)
    words = [kv.index_to_key[r] for r in rows.tolist()]
    truth = [[w for w, _ in kv.most_similar(w, topn=10)] for w in words]      # the word left out
    print(f"{args.words:,} x {args.dim} generated clustered vectors, {args.method}, {args.queries} held-out "
          f"words; recall@10 against exact most_similar")
    for label, recall in (("default (tuned to 0.95, confirmed)", 0.95), ("untuned (recall=None)", None)):
        start = time.perf_counter()
        index = kv.build_index(method=args.method, recall=recall, threads=args.threads)
        seconds = time.perf_counter() - start
        others = recall_of([[a for a, _ in kv.most_similar(q, topn=11, indexer=index) if a != q][:10]
                            for q in words], truth)
        as_gensim = recall_of([[w for w, _ in kv.most_similar(w, topn=10, indexer=index)] for w in words], truth)
        print(f"  {label:<36} {index.describe_search():<12} built+tuned {seconds:6.1f} s; reported "
              f"{'-' if index.recall is None else f'{index.recall:.3f}'}; held-out {others:.3f} "
              f"(topn=11, query word dropped); {as_gensim:.3f} through topn=10 (query word included)")


if __name__ == "__main__":
    main()
