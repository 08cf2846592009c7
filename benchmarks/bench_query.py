"""Side-by-side speed of w2v and gensim on random vectors: loading word2vec files and similarity queries.

    python benchmarks/bench_query.py                     # 100,000 words x 300 dimensions
    python benchmarks/bench_query.py --words 1000000     # the 1M-word model (needs ~6 GB of memory)
    python benchmarks/bench_query.py --text              # also write and load the text format (slow)

Both libraries load the same file and answer the same queries in one run; the top-10 answers are
checked to agree. Ratios above 1 mean w2v is faster.
"""
import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from w2v.vectors.formats import load_word2vec_format, save_word2vec_format  # noqa: E402
from w2v.models.keyedvectors import KeyedVectors  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def race(repeats, ours, theirs):
    """Best wall times of ``ours`` and ``theirs``, run alternately so background load hits both alike."""
    best = [float("inf"), float("inf")]
    results = [None, None]
    for _ in range(repeats):
        for side, fn in enumerate((ours, theirs)):
            results[side] = None                  # free the previous result before timing again
            seconds, results[side] = timed(fn)
            best[side] = min(best[side], seconds)
    return best, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--queries", type=int, default=50, help="single queries timed")
    parser.add_argument("--batch", type=int, default=1000, help="queries in the batched run")
    parser.add_argument("--repeats", type=int, default=3, help="loads timed (best kept)")
    parser.add_argument("--text", action="store_true", help="also time the text format")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import gensim
    from gensim.models import KeyedVectors as GensimKV

    rng = np.random.default_rng(args.seed)
    words = [f"w{i}" for i in range(args.words)]
    vectors = rng.standard_normal((args.words, args.dim), dtype=np.float32)
    rows = []   # (operation, unit, w2v, gensim)

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "vectors.bin")
        save_word2vec_format(path, words, vectors, binary=True)
        (t_ours, t_gensim), ((w, v), g) = race(
            args.repeats, lambda: load_word2vec_format(path, binary=True),
            lambda: GensimKV.load_word2vec_format(path, binary=True))
        assert w == words and np.array_equal(v, vectors) and np.array_equal(g.vectors, vectors)
        del w, v
        rows.append(("load binary", "s", t_ours, t_gensim))
        if args.text:
            text = os.path.join(folder, "vectors.txt")
            (t_ours, t_gensim), _ = race(1, lambda: save_word2vec_format(text, words, vectors),
                                         lambda: g.save_word2vec_format(text + ".g"))
            rows.append(("save text", "s", t_ours, t_gensim))
            (t_ours, t_gensim), ((_, v), _) = race(1, lambda: load_word2vec_format(text),
                                                   lambda: GensimKV.load_word2vec_format(text))
            assert np.array_equal(v, vectors)
            del v
            rows.append(("load text", "s", t_ours, t_gensim))

    kv = KeyedVectors(words, vectors)
    queries = [words[i] for i in rng.choice(args.words, size=max(args.queries, args.batch), replace=False)]
    kv.most_similar(queries[0]), g.most_similar(queries[0])            # norms computed once, both sides
    single = queries[:args.queries]
    t_ours = t_gensim = 0.0
    agree = 0
    for q in single:                                                    # alternate query by query
        seconds, ours = timed(lambda: kv.most_similar(q, topn=10))
        t_ours += seconds
        seconds, theirs = timed(lambda: g.most_similar(q, topn=10))
        t_gensim += seconds
        agree += [w for w, _ in ours] == [w for w, _ in theirs]
    per_gensim = t_gensim / len(single) * 1e3
    rows.append(("most_similar, one query", "ms/query", t_ours / len(single) * 1e3, per_gensim))

    batch = queries[:args.batch]
    t_batch, answers = timed(lambda: kv.most_similar_batch(batch, topn=10))
    check = [kv.most_similar(q, topn=10) for q in batch[:20]]
    agree_batch = sum([w for w, _ in a] == [w for w, _ in b] for a, b in zip(answers, check))
    rows.append((f"most_similar_batch ({len(batch)}) vs gensim one by one", "ms/query",
                 t_batch / len(batch) * 1e3, per_gensim))

    print(f"w2v vs gensim {gensim.__version__}: {args.words:,} random words x {args.dim} dimensions, "
          f"numpy {np.__version__}, {os.cpu_count()} cores")
    print(f"{'operation':<48} {'unit':<9} {'w2v':>9} {'gensim':>9} {'gensim/w2v':>11}")
    for name, unit, ours_t, theirs_t in rows:
        print(f"{name:<48} {unit:<9} {ours_t:>9.3f} {theirs_t:>9.3f} {theirs_t / ours_t:>10.1f}x")
    print(f"top-10 answers identical to gensim's: {agree}/{len(single)} queries; "
          f"batched identical to single: {agree_batch}/{len(check)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
