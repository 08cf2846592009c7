"""w2v's skip-gram with negative sampling against the C programs: the C tool and Intel's pWord2Vec.

pWord2Vec (Ji et al. 2016, "Parallelizing Word2Vec in Shared and Distributed Memory") is the
minibatched design: each centre word's window shares its noise words, and the window's
(context, output) pairs are computed as small matrix products with the updates applied at the
window's end ("HogBatch"). It is the fastest published CPU design we know of; this benchmark
checks the claim that w2v is faster on a CPU instead of assuming it.

Both programs are built here from their sources, which this script does not download: give the
checkouts (``git clone https://github.com/IntelLabs/pWord2Vec`` and
``git clone https://github.com/tmikolov/word2vec``). pWord2Vec is built with g++ and OpenMP
without Intel's compiler and MKL, so its three matrix products are its own plain loops (its
``#ifndef USE_MKL`` path), compiled with ``-O3 -march=native``; the C tool with its makefile's
flags. Each run is a subprocess, timed end to end (reading the text, the vocabulary, training,
writing the binary vectors), wall and CPU seconds; the rounds are interleaved, and w2v's runs are
``benchmarks/vs_gensim.py``'s worker. Every vector file is scored by gensim's evaluators
(Google analogies with restrict_vocab 300000, WordSim-353), as ``vs_gensim.py`` does.

    python benchmarks/vs_c_tools.py --pword2vec-src ~/src/pWord2Vec --word2vec-src ~/src/word2vec \\
        --rounds 3

Needs the bench extra (gensim, for the evaluators) and g++/gcc.
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
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "src"))
import vs_gensim  # noqa: E402  (its worker trains w2v; its evaluate scores every library)


def build(args, folder):
    """Compile the anchors whose sources were given; {name: executable}."""
    built = {}
    if args.pword2vec_src:
        exe = os.path.join(folder, "pWord2Vec")
        # the source relies on icpc's implicit headers (stdio, stdlib, _mm_malloc)
        subprocess.run(["g++", "-std=c++11", "-fopenmp", "-O3", "-march=native", "-include", "cstdio",
                        "-include", "cstdlib", "-include", "mm_malloc.h", "-w",
                        os.path.join(args.pword2vec_src, "pWord2Vec.cpp"), "-o", exe], check=True)
        built["pWord2Vec"] = exe
    if args.word2vec_src:
        exe = os.path.join(folder, "word2vec")
        subprocess.run(["gcc", os.path.join(args.word2vec_src, "word2vec.c"), "-o", exe, "-lm", "-pthread",
                        "-O3", "-march=native", "-funroll-loops", "-w"], check=True)
        built["C tool"] = exe
    return built


def command(name, exe, args, plain, out):
    """The anchor's command line for skip-gram NS with the benchmark's settings."""
    common = ["-train", plain, "-output", out, "-size", str(args.size), "-window", "5", "-sample", "1e-3",
              "-negative", "5", "-threads", str(args.threads), "-iter", str(args.epochs), "-min-count", "5",
              "-alpha", str(args.alpha), "-binary", "1"]
    if name == "pWord2Vec":
        return [exe, *common, "-batch-size", "11"]   # 2 * window + 1, as its README advises
    return [exe, *common, "-cbow", "0", "-hs", "0"]


def timed(cmd):
    """Run ``cmd``; (wall seconds, CPU seconds of the child, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{cmd[0]} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def run_anchor(name, exe, args, plain, tmp):
    out = os.path.join(tmp, "anchor.bin")
    wall, cpu, _ = timed(command(name, exe, args, plain, out))
    from w2v import KeyedVectors
    kv = KeyedVectors.load_word2vec_format(out, binary=True)
    analogy, ws353 = vs_gensim.evaluate(kv.vectors, kv.index_to_key, args.eval_dir)
    return {"seconds": wall, "cpu": cpu, "analogy": analogy, "ws353": ws353}


def run_w2v(args, plain, tmp, seed):
    cmd = [sys.executable, vs_gensim.__file__, "--worker", "w2v", "sg-ns", "--plain", plain,
           "--out", os.path.join(tmp, "w2v.bin"), "--eval-dir", args.eval_dir, "--epochs", str(args.epochs),
           "--threads", str(args.threads), "--size", str(args.size), "--alpha", str(args.alpha),
           "--seed", str(seed)]
    wall, _, stdout = timed(cmd)   # the child's CPU includes scoring: the worker's own figure is used
    row = json.loads(stdout.strip().splitlines()[-1])
    # the worker's own clock excludes Python's start and the scoring; the C programs' wall
    # includes their start, which is negligible, so the worker's seconds are the fair figure
    return {"seconds": row["seconds"], "cpu": row["cpu_seconds"], "analogy": row["analogy"], "ws353": row["ws353"],
            "process_seconds": wall}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pword2vec-src", help="a checkout of github.com/IntelLabs/pWord2Vec")
    p.add_argument("--word2vec-src", help="a checkout of github.com/tmikolov/word2vec (the C tool)")
    p.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpora", "en-dict.txt.gz"))
    p.add_argument("--eval-dir", default=os.path.join(HERE, "..", "src", "w2v", "data"))
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds; w2v's seed is the round")
    p.add_argument("--json", help="also write every run here")
    args = p.parse_args()
    if not (args.pword2vec_src or args.word2vec_src):
        p.error("give --pword2vec-src and/or --word2vec-src (checkouts of the anchors' sources)")

    tmp = tempfile.mkdtemp(prefix="w2v-anchors-")
    rows = []
    try:
        built = build(args, tmp)
        plain = os.path.join(tmp, "corpus.txt")
        opener = gzip.open if args.corpus.endswith(".gz") else open
        with opener(args.corpus, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        for round_ in range(1, args.rounds + 1):
            # the order rotates so that no program always runs first after the others
            order = ["w2v", *built]
            order = order[round_ % len(order):] + order[:round_ % len(order)]
            for name in order:
                row = run_w2v(args, plain, tmp, round_) if name == "w2v" else run_anchor(name, built[name], args,
                                                                                         plain, tmp)
                row.update(name=name, round=round_)
                rows.append(row)
                print(f"round {round_} {name:10} {row['seconds']:7.1f} s wall {row['cpu']:7.1f} s CPU  "
                      f"analogy {row['analogy']:5.2f} %  ws353 {row['ws353']:.3f}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{datetime.date.today()}, {platform.machine()} {os.cpu_count()} cores, skip-gram NS, "
          f"{args.threads} threads, {args.epochs} epochs, corpus {os.path.basename(args.corpus)}, "
          f"{args.rounds} rounds\n")
    print("| program | median s [range] | median CPU s | w2v faster by, wall (median of per-round ratios) "
          "[range] | w2v faster by, CPU | mean analogy % | mean WS-353 |")
    print("|---|---|---|---|---|---|---|")
    names = ["w2v", *built]
    mine = {r["round"]: r for r in rows if r["name"] == "w2v"}
    for name in names:
        runs = [r for r in rows if r["name"] == name]
        secs = [r["seconds"] for r in runs]
        ratios = [r["seconds"] / mine[r["round"]]["seconds"] for r in runs]
        cpus = [r["cpu"] / mine[r["round"]]["cpu"] for r in runs]
        ratio = "-" if name == "w2v" else (f"{statistics.median(ratios):.2f}x "
                                          f"[{min(ratios):.2f}-{max(ratios):.2f}]")
        cpu_ratio = "-" if name == "w2v" else f"{statistics.median(cpus):.2f}x [{min(cpus):.2f}-{max(cpus):.2f}]"
        print(f"| {name} | {statistics.median(secs):.1f} [{min(secs):.1f}-{max(secs):.1f}] | "
              f"{statistics.median(r['cpu'] for r in runs):.1f} | {ratio} | {cpu_ratio} | "
              f"{statistics.fmean(r['analogy'] for r in runs):.2f} | "
              f"{statistics.fmean(r['ws353'] for r in runs):.3f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
