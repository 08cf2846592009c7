"""Single-machine training against data-parallel training on a local Ray cluster, side by side.

Every run trains in its own subprocess (Ray runs start and stop their own local cluster) on the
same plain-text copy of the corpus, and is scored by w2v's evaluators: Google analogies
(``evaluate_word_analogies("google")``) and WordSim-353 (``evaluate_word_pairs("wordsim353")``).

    python benchmarks/distributed.py --modes cbow-ns,sg-ns --runs local,k2,k4 --seeds 1

Run names: ``local`` (one process, --threads Hogwild threads), ``kK`` (K Ray workers, one
thread each, worker rate scaled by K, averaged models), ``kKsS`` (S syncs per epoch),
``kK-plain`` (rate not scaled: plain averaging), ``kK-lrX`` (rate scaled by X instead of K) and
``kK-sum`` (the workers' steps summed).
Needs the ray extra.
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = {"sg-ns": dict(sg=1, hs=0, negative=5), "cbow-ns": dict(sg=0, hs=0, negative=5),
         "sg-hs": dict(sg=1, hs=1, negative=0), "cbow-hs": dict(sg=0, hs=1, negative=0)}
RUN = re.compile(r"^(local|k(\d+)(?:s(\d+))?(-plain|-sum|-lr[0-9.]+)?)$")


def engine_options(run):
    m = RUN.match(run)
    if m is None:
        raise ValueError(f"unknown run {run!r}: local, kK, kKsS, kK-plain, kK-sum, kK-lrX")
    if run == "local":
        return None
    k, s, variant = int(m.group(2)), int(m.group(3) or 1), m.group(4)
    opts = {"num_workers": k, "syncs_per_epoch": s}
    if variant == "-plain":
        opts["lr_scale"] = 1
    elif variant == "-sum":
        opts["merge"] = "sum"
    elif variant:
        opts["lr_scale"] = float(variant[3:])
    return opts


def run_worker(args):
    from w2v import Word2Vec

    params = dict(MODES[args.mode], vector_size=args.size, window=5, sample=1e-3, min_count=5,
                  epochs=args.epochs, alpha=args.alpha, seed=args.seed, progress=False,
                  shared_negatives=bool(args.shared_negatives))
    opts = engine_options(args.run)
    start = time.perf_counter()
    if opts is None:
        model = Word2Vec(corpus_file=args.plain, workers=args.threads, **params)
    else:
        model = Word2Vec(engine="ray", engine_options=opts, workers=1, **params)
        model.train(corpus_file=args.plain)     # vocabulary counted on the workers
    seconds = time.perf_counter() - start
    log = model.training_log
    train_seconds = sum(e["seconds"] for e in log)
    tokens = sum(e["tokens"] for e in log)
    analogy, _ = model.wv.evaluate_word_analogies("google")
    pairs = model.wv.evaluate_word_pairs("wordsim353")
    print(json.dumps({
        "seconds": seconds, "train_seconds": train_seconds, "words_per_sec": tokens / train_seconds,
        "worker_words_per_sec": (sum(e["worker_tokens_per_sec"] for e in log) / len(log)
                                 if opts else tokens / train_seconds),
        "bytes_per_sync": sum(e["bytes_per_sync"] for e in log) / len(log) if opts else 0,
        "analogy": 100 * analogy, "ws353": pairs[1][0], "loss": log[-1]["loss"],
        "vocab": len(model.wv)}))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpora", "en-dict.txt.gz"))
    p.add_argument("--modes", default="cbow-ns,sg-ns")
    p.add_argument("--runs", default="local,k2,k4")
    p.add_argument("--seeds", default="1")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2, help="threads of the local run")
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--shared-negatives", type=int, default=1, choices=(0, 1),
                   help="skip-gram NS: 1 the batched kernel (default), 0 the classic one")
    p.add_argument("--json", help="append the results here, one JSON object per line")
    p.add_argument("--worker", nargs=3, metavar=("RUN", "MODE", "SEED"), help=argparse.SUPPRESS)
    p.add_argument("--plain", help=argparse.SUPPRESS)
    p.add_argument("--report", metavar="JSONL", help="only print the table of results saved by --json")
    args = p.parse_args()
    if args.report:
        with open(args.report) as f:
            print(table([json.loads(line) for line in f if line.strip()]))
        return None
    if args.worker:
        args.run, args.mode, args.seed = args.worker[0], args.worker[1], int(args.worker[2])
        return run_worker(args)
    for run in args.runs.split(","):
        engine_options(run)

    tmp = tempfile.mkdtemp(prefix="w2v-bench-dist-")
    rows = []
    try:
        plain = os.path.join(tmp, "corpus.txt")
        opener = gzip.open if args.corpus.endswith(".gz") else open
        with opener(args.corpus, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)    # plain text: shards are byte ranges of one file
        for mode in args.modes.split(","):
            for seed in args.seeds.split(","):
                for run in args.runs.split(","):
                    cmd = [sys.executable, __file__, "--worker", run, mode, seed, "--plain", plain,
                           "--epochs", str(args.epochs), "--threads", str(args.threads),
                           "--size", str(args.size), "--alpha", str(args.alpha),
                           "--shared-negatives", str(args.shared_negatives)]
                    done = subprocess.run(cmd, capture_output=True, text=True)
                    if done.returncode:
                        sys.stderr.write(done.stderr[-3000:])
                        raise SystemExit(f"{run} {mode} seed {seed} failed")
                    row = dict(json.loads(done.stdout.strip().splitlines()[-1]), mode=mode,
                               run=run, seed=int(seed), shared_negatives=args.shared_negatives)
                    rows.append(row)
                    if args.json:
                        with open(args.json, "a") as f:
                            f.write(json.dumps(row) + "\n")
                    print(f"{mode:8} {run:9} seed {seed}: {row['seconds']:6.1f}s "
                          f"{row['words_per_sec']:>10,.0f} w/s ({row['worker_words_per_sec']:,.0f} "
                          f"per worker) {row['bytes_per_sync'] / 1e6:6.1f} MB/sync  analogy "
                          f"{row['analogy']:5.2f}%  ws353 {row['ws353']:.3f}  loss {row['loss']:.3f}",
                          file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{datetime.date.today()}, {platform.machine()} {os.cpu_count()} cores, "
          f"{args.epochs} epochs, corpus {os.path.basename(args.corpus)}, alpha {args.alpha}; "
          f"local: {args.threads} threads; Ray: one thread per worker\n")
    print(table(rows))


def table(rows):
    """A markdown table: per (mode, run), means over seeds, and the mean change from ``local``
    trained with the same seeds."""
    out = ["| mode | run | seeds | seconds (end to end) | words/s | words/s per worker | "
           "MB per sync | analogy % | WS-353 | Δ analogy | Δ WS-353 |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for mode in dict.fromkeys(r["mode"] for r in rows):
        mine = [r for r in rows if r["mode"] == mode]
        base = [r for r in mine if r["run"] == "local"]
        for run in dict.fromkeys(r["run"] for r in mine):
            rs = [r for r in mine if r["run"] == run]

            def mean(key, rs=rs):
                return sum(r[key] for r in rs) / len(rs)

            delta = " | "
            paired = [(r, b) for r in rs for b in base if b["seed"] == r["seed"]]
            if paired and run != "local":     # against local training with the same seeds
                delta = " | ".join(
                    f"{sum(r[key] - b[key] for r, b in paired) / len(paired):+.{digits}f}"
                    for key, digits in (("analogy", 2), ("ws353", 3)))
            seeds = ",".join(str(r["seed"]) for r in rs)
            out.append(f"| {mode} | {run} | {seeds} | {mean('seconds'):.1f} | "
                       f"{mean('words_per_sec'):,.0f} | {mean('worker_words_per_sec'):,.0f} | "
                       f"{mean('bytes_per_sync') / 1e6:.0f} | {mean('analogy'):.2f} | "
                       f"{mean('ws353'):.3f} | {delta} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
