"""w2v against gensim, side by side in one run: same corpus, same settings, same evaluator.

Each (library, mode) trains in a subprocess of this run so its peak RSS is its own; the table's is
the peak before scoring (the JSON also has the peak with scoring). Timing is end to end:
vocabulary, training and saving the vectors in word2vec binary format. Both models are
scored by gensim's own evaluators (Google analogies with restrict_vocab=300000, WordSim-353).

One run's analogy accuracy moves by about half a point with the seed (and with the thread
interleaving), so ``--seeds 1,2,3`` trains every (library, mode) once per seed; the table then
gives the median seconds and the mean scores, and lists every seed's analogy accuracy.

    python benchmarks/vs_gensim.py --corpus ../shared/corpora/en-dict.txt.gz --modes sg-ns,cbow-ns

Needs the bench extra (gensim).
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = {"sg-ns": dict(sg=1, hs=0, negative=5), "cbow-ns": dict(sg=0, hs=0, negative=5),
         "sg-hs": dict(sg=1, hs=1, negative=0), "cbow-hs": dict(sg=0, hs=1, negative=0)}


def evaluate(vectors, words, eval_dir):
    """Score with gensim's evaluators, whatever library trained the vectors."""
    from gensim.models import KeyedVectors
    kv = KeyedVectors(vectors.shape[1])
    kv.add_vectors(words, vectors)
    analogy, _ = kv.evaluate_word_analogies(os.path.join(eval_dir, "questions-words.txt"),
                                            restrict_vocab=300000)
    pairs = kv.evaluate_word_pairs(os.path.join(eval_dir, "wordsim353.tsv"))
    return 100 * analogy, pairs[1][0]


def run_worker(args):
    params = dict(MODES[args.mode], vector_size=args.size, window=5, sample=1e-3, min_count=5,
                  epochs=args.epochs, workers=args.threads, alpha=args.alpha)
    if args.lib == "w2v":
        from w2v import Word2Vec
        start, cpu = time.perf_counter(), time.process_time()
        model = Word2Vec(corpus_file=args.plain, seed=args.seed, progress=False, **params)
        model.wv.save_word2vec_format(args.out, binary=True)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        words, vectors = model.wv.index_to_key, model.wv.vectors
        tokens = sum(e["tokens"] for e in model.training_log)
    else:
        from gensim.models import Word2Vec
        from gensim.models.word2vec import LineSentence
        start, cpu = time.perf_counter(), time.process_time()
        if args.lib == "gensim-file":
            model = Word2Vec(corpus_file=args.plain, seed=args.seed, **params)
        else:
            model = Word2Vec(sentences=LineSentence(args.plain), seed=args.seed, **params)
        model.wv.save_word2vec_format(args.out, binary=True)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        words, vectors = model.wv.index_to_key, model.wv.vectors
        tokens = model.corpus_total_words * args.epochs
    # the training's peak, before scoring: the w2v worker would otherwise count gensim's import
    # and the evaluators' temporaries (87 MB on en-dict) as its own
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    analogy, ws353 = evaluate(vectors, words, args.eval_dir)
    total_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "words_per_sec": tokens / seconds, "analogy": analogy,
                      "ws353": ws353, "rss_mb": rss, "rss_with_scoring_mb": total_rss, "vocab": len(words)}))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpora", "en-dict.txt.gz"))
    p.add_argument("--eval-dir", default=os.path.join(HERE, "..", "src", "w2v", "data"))
    p.add_argument("--modes", default="sg-ns,cbow-ns")
    p.add_argument("--libs", default="w2v,gensim,gensim-file",
                   help="w2v, gensim (sentences=LineSentence), gensim-file (corpus_file=)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--seeds", default="1", help="comma-separated; each (library, mode) runs once per seed")
    p.add_argument("--cold", action="store_true",
                   help="report w2v's first run of each mode apart: it starts with an empty Numba cache and "
                        "compiles (without --cold it still runs, as an untimed warm-up)")
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--worker", nargs=2, metavar=("LIB", "MODE"), help=argparse.SUPPRESS)
    p.add_argument("--plain", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    p.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        args.lib, args.mode = args.worker
        return run_worker(args)

    tmp = tempfile.mkdtemp(prefix="w2v-bench-")
    try:
        plain = os.path.join(tmp, "corpus.txt")
        opener = gzip.open if args.corpus.endswith(".gz") else open
        with opener(args.corpus, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)   # gensim's corpus_file needs plain text; all read it
        rows = []
        seeds = [int(x) for x in args.seeds.split(",")]
        cold, caches = [], {}
        if "w2v" in args.libs.split(","):
            # each mode's w2v runs share a cache of compiled kernels that starts empty: the first
            # run fills it (reported apart with --cold), so no timed run compiles, whatever
            # state the installed package's own cache is in
            for mode in args.modes.split(","):
                caches[mode] = {"NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="numba-cache-", dir=tmp)}
                first = run_one(args, plain, tmp, "w2v", mode, seeds[0], env=caches[mode])
                if args.cold:
                    cold.append(first)
        for seed in seeds:
            for mode in args.modes.split(","):
                for lib in args.libs.split(","):
                    rows.append(run_one(args, plain, tmp, lib, mode, seed, env=caches.get(mode) if lib == "w2v" else None))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{datetime.date.today()}, {platform.machine()} {os.cpu_count()} cores, "
          f"{args.threads} threads, {args.epochs} epochs, corpus {os.path.basename(args.corpus)}, "
          f"alpha {args.alpha}, seeds {args.seeds}\n")
    print_table(rows, args.modes.split(","), args.libs.split(","), len(seeds))
    if cold:
        print("\nFirst run with an empty Numba cache (compiling the kernels), seed "
              f"{seeds[0]}, against the warm runs' median:\n")
        print("| mode | w2v cold s | CPU s | warm median s | speed vs best gensim, cold |")
        print("|---|---|---|---|---|")
        for row in cold:
            warm = [r for r in rows if r["mode"] == row["mode"]]
            mine = statistics.median(r["seconds"] for r in warm if r["lib"] == "w2v")
            theirs = [statistics.median(r["seconds"] for r in warm if r["lib"] == lib)
                      for lib in args.libs.split(",") if lib != "w2v"]
            ratio = f"{min(theirs) / row['seconds']:.2f}x" if theirs else "-"
            print(f"| {row['mode']} | {row['seconds']:.1f} | {row['cpu_seconds']:.1f} | {mine:.1f} | {ratio} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"runs": rows, "cold": cold}, f, indent=1)


def run_one(args, plain, tmp, lib, mode, seed, env=None):
    """Train and score one (library, mode, seed) in a subprocess (``env``: variables to add); its
    result row."""
    cmd = [sys.executable, __file__, "--worker", lib, mode, "--plain", plain,
           "--out", os.path.join(tmp, "vectors.bin"), "--eval-dir", args.eval_dir,
           "--epochs", str(args.epochs), "--threads", str(args.threads),
           "--size", str(args.size), "--alpha", str(args.alpha), "--seed", str(seed)]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if done.returncode:
        sys.exit(f"{lib} {mode} seed {seed} failed:\n{done.stderr}")
    row = dict(json.loads(done.stdout.strip().splitlines()[-1]), mode=mode, lib=lib, seed=seed)
    print(f"{mode:8} {lib:12} seed {seed:<3} {row['seconds']:7.1f}s ({row['cpu_seconds']:.1f} CPU) "
          f"{row['words_per_sec']:>10,.0f} w/s "
          f"analogy {row['analogy']:5.1f}%  ws353 {row['ws353']:.3f}  rss {row['rss_mb']:.0f} MB "
          f"({row['rss_with_scoring_mb']:.0f} with scoring)",
          file=sys.stderr, flush=True)
    return row


def summarise(runs):
    """One (library, mode) over its seeds: median and range of seconds, median CPU seconds and
    words/s, mean scores, max RSS."""
    secs = [r["seconds"] for r in runs]
    return {"seconds": statistics.median(secs), "range": (min(secs), max(secs)),
            "cpu": statistics.median(r.get("cpu_seconds", float("nan")) for r in runs),
            "words_per_sec": statistics.median(r["words_per_sec"] for r in runs),
            "analogy": statistics.fmean(r["analogy"] for r in runs),
            "ws353": statistics.fmean(r["ws353"] for r in runs),
            "rss_mb": max(r["rss_mb"] for r in runs),
            "analogies": [r["analogy"] for r in runs], "by_seed": {r["seed"]: r["seconds"] for r in runs}}


def print_table(rows, modes, libs, n_seeds):
    """The markdown table: per (mode, library), and w2v's speed against the faster gensim mode
    (the one with the lower median) as the ratio of medians with the range of per-seed ratios."""
    many = n_seeds > 1
    print(f"| mode | library | {'median [range] ' if many else ''}seconds | CPU s | words/s | "
          f"speed vs best gensim{' [per-seed range]' if many else ''} | "
          f"{'mean ' if many else ''}analogy % | {'mean ' if many else ''}WS-353 | peak RSS MB |"
          + (" analogy % per seed |" if many else ""))
    print("|---|---|---|---|---|---|---|---|---|" + ("---|" if many else ""))
    for mode in modes:
        mine = {lib: summarise([r for r in rows if r["mode"] == mode and r["lib"] == lib])
                for lib in libs}
        gensims = [m for lib, m in mine.items() if lib != "w2v"]
        best = min(gensims, key=lambda m: m["seconds"]) if gensims else None
        for lib, m in mine.items():
            ratio = "-"
            if best:
                ratio = f"{best['seconds'] / m['seconds']:.2f}x"
                per = [best["by_seed"][k] / v for k, v in m["by_seed"].items() if k in best["by_seed"]]
                if many and per:
                    ratio += f" [{min(per):.2f}-{max(per):.2f}]"
            spread = f" [{m['range'][0]:.1f}-{m['range'][1]:.1f}]" if many else ""
            per_seed = " " + ", ".join(f"{a:.2f}" for a in m["analogies"]) + " |" if many else ""
            print(f"| {mode} | {lib} | {m['seconds']:.1f}{spread} | {m['cpu']:.1f} | {m['words_per_sec']:,.0f} | "
                  f"{ratio} | {m['analogy']:.{2 if many else 1}f} | {m['ws353']:.3f} | {m['rss_mb']:.0f} |"
                  + per_seed)


if __name__ == "__main__":
    main()
