"""w2v against gensim, side by side in one run: same corpus, same settings, same evaluator.

Each (library, mode) trains in a subprocess of this run so its peak RSS is its own. Timing is end
to end: vocabulary, training and saving the vectors in word2vec binary format. Both models are
scored by gensim's own evaluators (Google analogies with restrict_vocab=300000, WordSim-353).

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
        start = time.perf_counter()
        model = Word2Vec(corpus_file=args.plain, seed=1, progress=False, **params)
        model.wv.save_word2vec_format(args.out, binary=True)
        seconds = time.perf_counter() - start
        words, vectors = model.wv.index_to_key, model.wv.vectors
        tokens = sum(e["tokens"] for e in model.training_log)
    else:
        from gensim.models import Word2Vec
        from gensim.models.word2vec import LineSentence
        start = time.perf_counter()
        if args.lib == "gensim-file":
            model = Word2Vec(corpus_file=args.plain, seed=1, **params)
        else:
            model = Word2Vec(sentences=LineSentence(args.plain), seed=1, **params)
        model.wv.save_word2vec_format(args.out, binary=True)
        seconds = time.perf_counter() - start
        words, vectors = model.wv.index_to_key, model.wv.vectors
        tokens = model.corpus_total_words * args.epochs
    analogy, ws353 = evaluate(vectors, words, args.eval_dir)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "words_per_sec": tokens / seconds, "analogy": analogy,
                      "ws353": ws353, "rss_mb": rss, "vocab": len(words)}))


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
    p.add_argument("--json", help="also write the results here")
    p.add_argument("--worker", nargs=2, metavar=("LIB", "MODE"), help=argparse.SUPPRESS)
    p.add_argument("--plain", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
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
        for mode in args.modes.split(","):
            for lib in args.libs.split(","):
                cmd = [sys.executable, __file__, "--worker", lib, mode, "--plain", plain,
                       "--out", os.path.join(tmp, "vectors.bin"), "--eval-dir", args.eval_dir,
                       "--epochs", str(args.epochs), "--threads", str(args.threads),
                       "--size", str(args.size), "--alpha", str(args.alpha)]
                done = subprocess.run(cmd, capture_output=True, text=True)
                if done.returncode:
                    sys.exit(f"{lib} {mode} failed:\n{done.stderr}")
                out = done.stdout
                row = dict(json.loads(out.strip().splitlines()[-1]), mode=mode, lib=lib)
                rows.append(row)
                print(f"{mode:8} {lib:12} {row['seconds']:7.1f}s {row['words_per_sec']:>10,.0f} w/s "
                      f"analogy {row['analogy']:5.1f}%  ws353 {row['ws353']:.3f}  rss {row['rss_mb']:.0f} MB",
                      file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{datetime.date.today()}, {platform.machine()} {os.cpu_count()} cores, "
          f"{args.threads} threads, {args.epochs} epochs, corpus {os.path.basename(args.corpus)}, "
          f"alpha {args.alpha}\n")
    print("| mode | library | seconds | words/s | speed vs best gensim | analogy % | WS-353 | peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in args.modes.split(","):
        mine = [r for r in rows if r["mode"] == mode]
        gensims = [r for r in mine if r["lib"] != "w2v"]
        best = min(gensims, key=lambda r: r["seconds"]) if gensims else None
        for r in mine:
            ratio = f"{best['seconds'] / r['seconds']:.2f}x" if best else "-"
            print(f"| {mode} | {r['lib']} | {r['seconds']:.1f} | {r['words_per_sec']:,.0f} | {ratio} | "
                  f"{r['analogy']:.1f} | {r['ws353']:.3f} | {r['rss_mb']:.0f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
