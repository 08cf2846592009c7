"""Approximate nearest neighbours side by side: recall@10 against exact search, queries/s on one thread,
build time and peak memory, for every candidate library, on generated and on trained vectors.

    w2v train ../shared/corpora/en-dict.txt.gz -o /tmp/endict.w2v --save-vectors /tmp/endict.bin --binary \
        --sg --size 300 --window 5 --negative 5 --epochs 5 --threads 2 --seed 1
    python benchmarks/ann.py                                   # 1,000,000 x 300 generated + en-dict vectors
    python benchmarks/ann.py --dataset en-dict --vectors /tmp/endict.bin
    python benchmarks/ann.py --dataset generated --words 100000 --candidates exact,usearch-hnsw

Each candidate runs in its own process (its peak memory is its own), builds with ``--build-threads``
threads and answers the same ``--queries`` word queries one at a time on one thread. Recall@10 is
measured against the exact top 10 of ``KeyedVectors.most_similar`` (the query word left out), computed
once by blocked matrix products. Each library sweeps its search-time knob (HNSW ``ef``, IVF
``nprobe``, NN-descent ``epsilon``) so the table shows the cheapest setting that reaches the target.

The generated vectors have the structure of real embeddings, so that neighbours are findable (in
uniform noise every point is about equally far from every other, and no index can beat a scan):
``--topics`` topic centres in a ``--rank``-dimensional latent space, drawn from a standard normal;
topic sizes follow Zipf's law (exponent 1); each word is its topic's centre plus a normal offset of
standard deviation 0.6 in the latent space; the latent vectors are mapped to ``--dim`` dimensions by
a random orthonormal basis, isotropic normal noise of standard deviation 0.15 / sqrt(dim) per
coordinate is added, and each row is scaled by a log-normal length (sigma 0.3), as word vectors'
lengths vary with frequency. Seeded; the file is cached in ``--cache``.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

CANDIDATES = ("exact", "w2v-index", "w2v-index-hnsw", "usearch-hnsw", "faiss-hnsw", "faiss-ivf", "pynndescent", "gensim-annoy")
TOPN = 10


# ---- data ---------------------------------------------------------------------------------------

def generate(path, n, dim, rank=48, topics=2000, seed=0, chunk=100_000):
    """Write ``n`` x ``dim`` low-rank clustered float32 vectors to the ``.npy`` file ``path``."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, rank)).astype(np.float32)
    sizes = 1.0 / np.arange(1, topics + 1)
    topic_of = rng.choice(topics, size=n, p=sizes / sizes.sum())
    basis, _ = np.linalg.qr(rng.standard_normal((dim, rank)))
    basis = basis.T.astype(np.float32)                         # [rank, dim], orthonormal rows
    out = np.lib.format.open_memmap(path + ".part", mode="w+", dtype=np.float32, shape=(n, dim))
    for start in range(0, n, chunk):
        t = topic_of[start:start + chunk]
        latent = centres[t] + 0.6 * rng.standard_normal((len(t), rank), dtype=np.float32)
        rows = latent @ basis + (0.15 / np.sqrt(dim)) * rng.standard_normal((len(t), dim), dtype=np.float32)
        rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        rows *= rng.lognormal(0.0, 0.3, size=(len(t), 1)).astype(np.float32)
        out[start:start + chunk] = rows
    out.flush()
    del out
    os.replace(path + ".part", path)


def exact_truth(vectors, query_ids, block=32):
    """Exact top-``TOPN`` rows by cosine for each query row, the query itself left out."""
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1
    truth = np.empty((len(query_ids), TOPN), dtype=np.int64)
    step = 1 << 17
    for start in range(0, len(query_ids), block):
        ids = query_ids[start:start + block]
        q = vectors[ids] / norms[ids, None]
        sims = np.empty((len(ids), len(vectors)), dtype=np.float32)
        for row in range(0, len(vectors), step):
            sims[:, row:row + step] = (q @ vectors[row:row + step].T) / norms[row:row + step]
        sims[np.arange(len(ids)), ids] = -np.inf
        best = np.argpartition(-sims, TOPN, axis=1)[:, :TOPN]
        order = np.argsort(-np.take_along_axis(sims, best, axis=1), axis=1)
        truth[start:start + len(ids)] = np.take_along_axis(best, order, axis=1)
    return truth


# ---- one candidate, in its own process ------------------------------------------------------------

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb():
    """This process's peak resident memory (VmHWM: reset at exec, unlike ru_maxrss, which a child
    started by fork + exec inherits from its parent)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unit_rows(vectors):
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def timed_queries(search, query_ids, truth, limit=None):
    """Run ``search(row) -> ids`` one query at a time; return (recall@10, queries/s)."""
    ids = query_ids if limit is None else query_ids[:limit]
    found = []
    start = time.perf_counter()
    for row in ids:
        found.append(search(int(row)))
    seconds = time.perf_counter() - start
    hits = 0
    for row, answer, want in zip(ids, found, truth):
        answer = [int(i) for i in answer if i != row][:TOPN]
        hits += len(set(answer) & set(want.tolist()))
    return hits / (TOPN * len(ids)), len(ids) / seconds


def worker(args):
    vectors = np.load(args.data)
    words = [f"w{i}" for i in range(len(vectors))] if not args.word_file else open(args.word_file).read().split("\n")
    query_ids = np.load(args.query_ids)
    truth = np.load(args.truth)
    n, dim = vectors.shape
    base = rss_mb()
    name = args.worker
    sweep = []
    build = 0.0
    if name == "exact":
        from w2v import KeyedVectors
        kv = KeyedVectors(words, vectors)
        kv.most_similar(words[0])           # norms computed once, outside the timing
        keys = kv.key_to_index

        def search(row):
            return [keys[w] for w, _ in kv.most_similar(words[row], topn=TOPN)]
        sweep.append(("-", *timed_queries(search, query_ids, truth, limit=args.exact_queries)))
    elif name in ("w2v-index", "w2v-index-hnsw"):
        from w2v import KeyedVectors
        kv = KeyedVectors(words, vectors)
        start = time.perf_counter()
        index = kv.build_index(method="hnsw" if name.endswith("hnsw") else "ivf", recall=None,
                               threads=args.build_threads)   # the sweep below sets the effort
        build = time.perf_counter() - start
        keys = kv.key_to_index
        for target in (0.9, 0.95, 0.98):
            reached = index.tune(target, sample=200, seed=1)

            def search(row):
                return [keys[w] for w, _ in kv.most_similar(words[row], topn=TOPN + 1, indexer=index)]
            sweep.append((f"tune({target})->{index.describe_search()} (tuned to {reached:.3f})",
                          *timed_queries(search, query_ids, truth)))
    elif name == "usearch-hnsw":
        from usearch.index import Index
        unit = unit_rows(vectors)
        start = time.perf_counter()
        index = Index(ndim=dim, metric="ip", dtype="f32", connectivity=args.hnsw_m,
                      expansion_add=args.hnsw_efc)
        index.add(np.arange(n, dtype=np.uint64), unit, threads=args.build_threads)
        build = time.perf_counter() - start
        for ef in (16, 32, 64, 128, 256, 512):
            index.expansion_search = ef

            def search(row):
                return index.search(unit[row], TOPN + 1, threads=1).keys
            sweep.append((f"ef={ef}", *timed_queries(search, query_ids, truth)))
            if sweep[-1][1] >= 0.995:
                break
    elif name in ("faiss-hnsw", "faiss-ivf"):
        import faiss
        unit = unit_rows(vectors)
        faiss.omp_set_num_threads(args.build_threads)
        start = time.perf_counter()
        if name == "faiss-hnsw":
            index = faiss.IndexHNSWFlat(dim, args.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = args.hnsw_efc
            index.add(unit)
            knob, values = "efSearch", (16, 32, 64, 128, 256, 512)
        else:
            nlist = max(16, int(2 * np.sqrt(n)))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
            index.cp.niter = 10
            sample = np.random.default_rng(0).choice(n, size=min(n, 40 * nlist), replace=False)
            index.train(unit[np.sort(sample)])
            index.add(unit)
            knob, values = "nprobe", (4, 8, 16, 32, 64, 128, 256)
        build = time.perf_counter() - start
        faiss.omp_set_num_threads(1)
        for value in values:
            if name == "faiss-hnsw":
                index.hnsw.efSearch = value
            else:
                index.nprobe = value

            def search(row):
                return index.search(unit[row:row + 1], TOPN + 1)[1][0]
            sweep.append((f"{knob}={value}", *timed_queries(search, query_ids, truth)))
            if sweep[-1][1] >= 0.995:
                break
    elif name == "pynndescent":
        import numba
        import pynndescent
        unit = unit_rows(vectors)
        numba.set_num_threads(args.build_threads)
        start = time.perf_counter()
        index = pynndescent.NNDescent(unit, metric="dot", n_neighbors=30, n_jobs=args.build_threads,
                                      random_state=0, low_memory=True)
        index.prepare()
        build = time.perf_counter() - start
        numba.set_num_threads(1)
        index.query(unit[:1], k=TOPN + 1)          # compile the query path outside the timing
        for eps in (0.0, 0.05, 0.1, 0.2, 0.3):
            def search(row):
                return index.query(unit[row:row + 1], k=TOPN + 1, epsilon=eps)[0][0]
            sweep.append((f"epsilon={eps}", *timed_queries(search, query_ids, truth)))
            if sweep[-1][1] >= 0.995:
                break
    elif name == "gensim-annoy":
        from gensim.models import KeyedVectors as GensimKV
        from gensim.similarities.annoy import AnnoyIndexer
        kv = GensimKV(dim)
        kv.add_vectors(words, vectors)
        del vectors
        keys = kv.key_to_index
        start = time.perf_counter()
        index = AnnoyIndexer(kv, args.annoy_trees)
        build = time.perf_counter() - start

        def search(row):
            return [keys[w] for w, _ in kv.most_similar(words[row], topn=TOPN + 1, indexer=index)]
        sweep.append((f"num_trees={args.annoy_trees}", *timed_queries(search, query_ids, truth)))
    else:
        raise SystemExit(f"unknown candidate {name!r}")
    peak = peak_mb()
    exact_qps = None
    if name != "exact" and args.exact_queries:
        # Exact search timed again in this process, right after the sweep: on a shared machine the
        # load drifts between processes, and this ratio compares like with like.
        from w2v import KeyedVectors
        kv_exact = KeyedVectors(words, np.load(args.data, mmap_mode="r") if name == "gensim-annoy" else vectors)
        kv_exact.most_similar(words[0])
        exact_qps = timed_queries(lambda row: [kv_exact.key_to_index[w] for w, _ in
                                               kv_exact.most_similar(words[row], topn=TOPN)],
                                  query_ids, truth, limit=args.exact_queries)[1]
    print(json.dumps({"candidate": name, "build_s": build, "base_mb": base, "peak_mb": peak,
                      "sweep": sweep, "exact_qps_here": exact_qps}))


def run_candidate(name, paths, args):
    env = dict(os.environ)
    if name == "exact":                       # BLAS on one thread; the others set their threads
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    else:
        env.update(OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, "--data", paths["data"],
           "--query-ids", paths["query_ids"], "--truth", paths["truth"], "--build-threads",
           str(args.build_threads), "--hnsw-m", str(args.hnsw_m), "--hnsw-efc", str(args.hnsw_efc),
           "--annoy-trees", str(args.annoy_trees), "--exact-queries", str(args.exact_queries)]
    if paths.get("words"):
        cmd += ["--word-file", paths["words"]]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"candidate": name, "error": f"not finished in {args.timeout} s (build included)"}
    if done.returncode != 0:
        return {"candidate": name, "error": done.stderr.strip().splitlines()[-1] if done.stderr.strip()
                else f"exit {done.returncode}"}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def prepare(args, dataset):
    os.makedirs(args.cache, exist_ok=True)
    paths = {}
    if dataset == "generated":
        tag = f"gen-{args.words}x{args.dim}-r{args.rank}-t{args.topics}"
        paths["data"] = os.path.join(args.cache, tag + ".npy")
        if not os.path.exists(paths["data"]):
            start = time.perf_counter()
            generate(paths["data"], args.words, args.dim, args.rank, args.topics)
            print(f"generated {args.words:,} x {args.dim} in {time.perf_counter() - start:.0f} s", flush=True)
    else:
        from w2v import KeyedVectors
        tag = "endict-" + os.path.basename(args.vectors)
        kv = KeyedVectors.load_word2vec_format(args.vectors) if not args.vectors.endswith((".npz", ".w2v")) \
            else KeyedVectors.load(args.vectors)
        paths["data"] = os.path.join(args.cache, tag + ".npy")
        paths["words"] = os.path.join(args.cache, tag + ".words")
        np.save(paths["data"], kv.vectors)
        with open(paths["words"], "w") as f:
            f.write("\n".join(kv.index_to_key))
    vectors = np.load(paths["data"], mmap_mode="r")
    query_ids = np.sort(np.random.default_rng(1).choice(len(vectors), size=args.queries, replace=False))
    paths["query_ids"] = os.path.join(args.cache, tag + f".q{args.queries}.npy")
    paths["truth"] = os.path.join(args.cache, tag + f".q{args.queries}.truth.npy")
    if not os.path.exists(paths["truth"]):
        np.save(paths["query_ids"], query_ids)
        np.save(paths["truth"], exact_truth(np.asarray(vectors), query_ids))
    return paths, vectors.shape


def report(dataset, shape, results, args):
    print(f"\n## {dataset}: {shape[0]:,} x {shape[1]}, {args.queries} word queries, recall@{TOPN} vs exact "
          f"most_similar, queries one at a time on 1 thread, build on {args.build_threads} threads")
    exact_qps = next((r["sweep"][0][2] for r in results if r["candidate"] == "exact" and "sweep" in r), None)
    print("| candidate | setting | recall@10 | queries/s | x exact | x exact, same process | build s "
          "| peak RSS MB | over the vectors MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['candidate']} | - | - | - | - | - | - | - | {r['error']} |")
            continue
        here = r.get("exact_qps_here")
        for setting, recall, qps in r["sweep"]:
            ratio = f"{qps / exact_qps:.1f}" if exact_qps else "-"
            ratio_here = f"{qps / here:.1f}" if here else "-"
            print(f"| {r['candidate']} | {setting} | {recall:.4f} | {qps:,.0f} | {ratio} | {ratio_here} | "
                  f"{r['build_s']:.1f} | {r['peak_mb']:,.0f} | {r['peak_mb'] - r['base_mb']:,.0f} |")
    sys.stdout.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("generated", "en-dict", "both"), default="both")
    parser.add_argument("--words", type=int, default=1_000_000, help="generated rows")
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--rank", type=int, default=48, help="latent rank of the generated vectors")
    parser.add_argument("--topics", type=int, default=2000, help="topic clusters of the generated vectors")
    parser.add_argument("--vectors", default="/tmp/endict.bin", help="trained en-dict vectors (any w2v file)")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--exact-queries", type=int, default=100,
                        help="queries timed for exact search (in its own process, and again after each sweep)")
    parser.add_argument("--candidates", default=",".join(CANDIDATES))
    parser.add_argument("--build-threads", type=int, default=2)
    parser.add_argument("--hnsw-m", type=int, default=16, help="HNSW links per node (M, connectivity)")
    parser.add_argument("--hnsw-efc", type=int, default=100, help="HNSW efConstruction / expansion_add")
    parser.add_argument("--annoy-trees", type=int, default=100)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per candidate, build included")
    parser.add_argument("--cache", default="/tmp/w2v-ann-bench")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--query-ids", help=argparse.SUPPRESS)
    parser.add_argument("--truth", help=argparse.SUPPRESS)
    parser.add_argument("--word-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    datasets = ("en-dict", "generated") if args.dataset == "both" else (args.dataset,)
    print(f"numpy {np.__version__}, {os.cpu_count()} cores, python {sys.version.split()[0]}", flush=True)
    for dataset in datasets:
        paths, shape = prepare(args, dataset)
        results = []
        for name in args.candidates.split(","):
            result = run_candidate(name, paths, args)
            results.append(result)
            print(json.dumps(result), flush=True)
        report(dataset, shape, results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
