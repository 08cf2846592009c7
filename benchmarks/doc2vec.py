"""w2v's Doc2Vec against gensim's, side by side in one run: quality on gensim's Lee corpus, training
speed on en-dict's lines as documents, and infer_vector speed.

    PYTHONPATH=src python3 benchmarks/doc2vec.py quality [--seeds 1,2,3,4,5]
    PYTHONPATH=src python3 benchmarks/doc2vec.py speed --corpus ../shared/corpora/en-dict.txt.gz [--repeats 3]
    PYTHONPATH=src python3 benchmarks/doc2vec.py infer --corpus ../shared/corpora/en-dict.txt.gz

quality: each library trains on ``lee_background.cor`` (300 documents, gensim's
``simple_preprocess``) with the same settings and seed, infers vectors for the 50 documents of
``lee.cor`` and correlates (Pearson) their 1,225 pairwise cosines with the human judgements of
``similarities0-1.txt``; it also infers a vector for every training document and counts how often
the document itself is the nearest (gensim's tutorial's self-check). Mean and spread over seeds.

speed: end to end (vocabulary, training) on every line of the corpus as a document, tagged by its
line number: gensim with ``documents=TaggedLineDocument`` and with ``corpus_file=``, w2v with
``corpus_file=``; each run in its own process, the libraries interleaved. w2v's first run after an
install compiles its kernels: it runs first, with an empty Numba cache, and is reported apart.

infer: a model trained on the corpus's first lines (once per library), then ``infer_vector`` on
10,000 other lines, one call a document, timed alone; for w2v also its own batched
``infer_vectors`` of the same lines on the run's threads.

Needs gensim. The machine may be shared: every figure is a median with its range.
"""
import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

MODES = {"dbow-w": dict(dm=0, dbow_words=1), "dm": dict(dm=1), "dbow": dict(dm=0)}


def lee_data():
    from gensim.test.utils import datapath
    from gensim.utils import simple_preprocess

    def read(name):
        with open(datapath(name), encoding="latin-1") as f:
            return [simple_preprocess(line) for line in f]

    human = np.loadtxt(datapath("similarities0-1.txt"))
    return read("lee_background.cor"), read("lee.cor"), human[np.triu_indices(len(human), 1)]


def quality_worker(args):
    train, test, human = lee_data()
    settings = dict(MODES[args.mode], vector_size=50, min_count=2, epochs=40, seed=args.seed,
                    workers=args.threads)
    if args.lib == "w2v":
        from w2v import Doc2Vec, TaggedDocument
        settings["progress"] = False
    else:
        from gensim.models.doc2vec import Doc2Vec, TaggedDocument
    model = Doc2Vec([TaggedDocument(words, [i]) for i, words in enumerate(train)], **settings)
    vectors = np.array([model.infer_vector(words) for words in test])
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = (unit @ unit.T)[np.triu_indices(len(test), 1)]
    correlation = float(np.corrcoef(sims, human)[0, 1])
    first = sum(model.dv.most_similar([model.infer_vector(words)], topn=1)[0][0] == i
                for i, words in enumerate(train))
    return {"correlation": correlation, "self_first": first / len(train)}


def speed_worker(args):
    settings = dict(MODES[args.mode], vector_size=100, min_count=5, epochs=args.epochs, seed=1,
                    workers=args.threads)
    start = time.perf_counter()
    if args.lib == "w2v":
        from w2v import Doc2Vec
        model = Doc2Vec(corpus_file=args.plain, progress=False, **settings)
    else:
        from gensim.models.doc2vec import Doc2Vec, TaggedLineDocument
        if args.lib == "gensim-file":
            model = Doc2Vec(corpus_file=args.plain, **settings)
        else:
            model = Doc2Vec(documents=TaggedLineDocument(args.plain), **settings)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "docs": len(model.dv), "words": len(model.wv)}


def infer_worker(args):
    with open(args.plain, encoding="utf-8") as f:
        lines = [line.split() for line, _ in zip(f, range(args.train_docs + args.infer_docs))]
    train, new = lines[:args.train_docs], lines[args.train_docs:]
    settings = dict(MODES[args.mode], vector_size=100, min_count=5, epochs=10, seed=1, workers=args.threads)
    if args.lib == "w2v":
        from w2v import Doc2Vec, TaggedDocument
        settings["progress"] = False
    else:
        from gensim.models.doc2vec import Doc2Vec, TaggedDocument
    model = Doc2Vec([TaggedDocument(w, [i]) for i, w in enumerate(train)], **settings)
    model.infer_vector(new[0])             # w2v compiles its inference kernel here, not in the timing
    start = time.perf_counter()
    for words in new:
        model.infer_vector(words)
    result = {"seconds": time.perf_counter() - start, "docs": len(new)}
    if args.lib == "w2v":                  # w2v's own batched call, on the run's threads
        model.infer_vectors(new[:2], workers=args.threads)
        start = time.perf_counter()
        model.infer_vectors(new, workers=args.threads)
        result["batch_seconds"] = time.perf_counter() - start
    return result


WORKERS = {"quality": quality_worker, "speed": speed_worker, "infer": infer_worker}


def run(args, lib, mode, **extra):
    """One (library, mode) in a fresh process; returns its result dict."""
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", args.command, "--lib", lib, "--mode", mode,
           "--threads", str(args.threads)]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    if getattr(args, "plain", None):
        cmd += ["--plain", args.plain]
    env = dict(os.environ, PYTHONHASHSEED="0")
    if "numba_cache" in extra:
        env["NUMBA_CACHE_DIR"] = extra.pop("numba_cache")
        cmd = cmd[:cmd.index("--numba-cache")] + cmd[cmd.index("--numba-cache") + 2:]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{lib} {mode}: failed\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def spread(values, fmt="{:.3f}"):
    return (f"{fmt.format(statistics.median(values))} [{fmt.format(min(values))}, {fmt.format(max(values))}]"
            if len(values) > 1 else fmt.format(values[0]))


def cmd_quality(args):
    seeds = [int(s) for s in args.seeds.split(",")]
    for mode in args.modes.split(","):
        results = {"gensim": [], "w2v": []}
        for seed in seeds:
            for lib in ("gensim", "w2v"):
                results[lib].append(run(args, lib, mode, seed=seed))
        for lib, rows in results.items():
            cor = [r["correlation"] for r in rows]
            first = [r["self_first"] for r in rows]
            print(f"{mode:7} {lib:7} correlation with humans: mean {statistics.mean(cor):.3f} "
                  f"(sd {statistics.pstdev(cor):.3f}, range {min(cor):.3f}..{max(cor):.3f}); "
                  f"own document first: mean {100 * statistics.mean(first):.1f} % "
                  f"(range {100 * min(first):.1f}..{100 * max(first):.1f}), seeds {seeds}", flush=True)


def plain_copy(corpus, folder):
    path = os.path.join(folder, "corpus.txt")
    with (gzip.open(corpus, "rb") if corpus.endswith(".gz") else open(corpus, "rb")) as f, open(path, "wb") as out:
        shutil.copyfileobj(f, out)
    return path


def cmd_speed(args):
    with tempfile.TemporaryDirectory() as folder:
        args.plain = plain_copy(args.corpus, folder)
        for mode in args.modes.split(","):
            # w2v's runs share a cache of compiled kernels that starts empty: the first run fills
            # it (reported apart), the rounds then run as after any first run
            cache = os.path.join(folder, "numba")
            first = run(args, "w2v", mode, epochs=args.epochs, numba_cache=cache)
            print(f"{mode:7} w2v first run (compiling its kernels): {first['seconds']:.1f}s", flush=True)
            times = {"gensim-docs": [], "gensim-file": [], "w2v": []}
            for _ in range(args.repeats):
                for lib in times:
                    result = run(args, lib, mode, epochs=args.epochs, **({"numba_cache": cache} if lib == "w2v" else {}))
                    times[lib].append(result["seconds"])
                    print(f"  {mode} {lib}: {result['seconds']:.1f}s ({result['docs']} documents, "
                          f"{result['words']} words)", flush=True)
            best = min(statistics.median(times["gensim-docs"]), statistics.median(times["gensim-file"]))
            for lib, values in times.items():
                print(f"{mode:7} {lib:12} {spread(values, '{:.1f}')} s", flush=True)
            # the same ratio within each round: the load of a shared machine moves less within a round
            rounds = [min(d, f) / w for d, f, w in zip(times["gensim-docs"], times["gensim-file"], times["w2v"])]
            print(f"{mode:7} w2v / faster gensim: {best / statistics.median(times['w2v']):.2f}x "
                  f"(medians of {args.repeats}, epochs={args.epochs}, threads={args.threads}); "
                  f"round by round {spread(rounds, '{:.2f}')}x", flush=True)


def cmd_infer(args):
    with tempfile.TemporaryDirectory() as folder:
        args.plain = plain_copy(args.corpus, folder)
        for mode in args.modes.split(","):
            times = {"gensim": [], "w2v": [], "w2v-batch": []}
            for _ in range(args.repeats):
                for lib in ("gensim", "w2v"):
                    result = run(args, lib, mode, train_docs=args.train_docs, infer_docs=args.infer_docs)
                    times[lib].append(result["seconds"])
                    if "batch_seconds" in result:
                        times["w2v-batch"].append(result["batch_seconds"])
                    print(f"  {mode} {lib}: {result}", flush=True)
            for lib, values in times.items():
                what = (f"infer_vectors(all {args.infer_docs}, workers={args.threads})" if lib == "w2v-batch"
                        else f"infer_vector x {args.infer_docs}")
                print(f"{mode:7} {lib:9} {what}: {spread(values, '{:.2f}')} s", flush=True)
            base = statistics.median(times["gensim"])
            print(f"{mode:7} w2v speed-up: {base / statistics.median(times['w2v']):.2f}x one call a document, "
                  f"{base / statistics.median(times['w2v-batch']):.2f}x batched", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=sorted(WORKERS))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--lib", help=argparse.SUPPRESS)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--plain", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--modes", default=None, help="comma-separated: dbow-w, dm, dbow")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                                         "corpora", "en-dict.txt.gz"))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-docs", type=int, default=50_000)
    parser.add_argument("--infer-docs", type=int, default=10_000)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.command](args)))
        return 0
    args.modes = args.modes or ("dbow-w,dm" if args.command != "infer" else "dbow,dm")
    {"quality": cmd_quality, "speed": cmd_speed, "infer": cmd_infer}[args.command](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
