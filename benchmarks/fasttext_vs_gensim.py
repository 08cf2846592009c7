"""w2v's FastText against gensim's (and Facebook's fastText, for speed), side by side in one run.

    PYTHONPATH=src python3 benchmarks/fasttext_vs_gensim.py --corpus /work/shared/corpora/en-dict.txt.gz \\
        --eval-dir /work/shared/eval [--modes sg-ns,cbow-ns] [--threads 2] [--repeats 3] [--speed-tokens N]

Quality (one training per library -- gensim with each of its two inputs, ``corpus_file=`` and
``sentences=`` -- mode and ``--seeds`` seed, same settings): Google analogies (gensim's evaluator,
restrict_vocab=300000, on each library's vocabulary vectors) and a morphology test built from the
corpus: derived words (plurals, -ing, -ed, -ly forms whose stem is frequent; none of the analogy
questions' words) are deleted from the corpus before training, then each deleted word's vector is
built from its n-grams and the test counts how often its stem is among its 10 nearest words.

Speed: end to end (read the corpus, build the vocabulary, initialise, train), ``--repeats`` rounds
on the first ``--speed-tokens`` tokens, w2v and gensim alternating, then fastText's (see ORDER);
fastText is the ``fasttext`` package (``fasttext-wheel``: Facebook's C++ trainer) with the same
settings. w2v's first run compiles its kernels into an empty Numba cache (as after an install)
and is reported apart.

Each training runs in a subprocess of this run (its peak RSS is its own). Needs the bench extra.
"""
import argparse
import collections
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile

MODES = {"sg-ns": dict(sg=1, hs=0, negative=5), "cbow-ns": dict(sg=0, hs=0, negative=5)}
# gensim reads the corpus two ways, and they train differently: corpus_file= ("gensim") gives each
# worker thread its own part of the file and measures each one's progress against the whole
# corpus, so with 2 workers the rate falls only half way in each epoch before jumping back (a
# higher rate on average); sentences= ("gensim-sentences") follows the linear decay the settings
# name, as w2v and fastText do. Quality is measured against both; speed against corpus_file=, gensim's faster.
QUALITY_LIBS = ("w2v", "gensim", "gensim-sentences")
# ORDER: w2v and gensim create their 800 MB n-gram matrix with NumPy, which asks Linux for
# transparent huge pages. Right after fastText's process (which does not) has freed its memory in
# small pages, the next process's first writes to that much memory stalled: it cost the library
# that ran next 5 s (w2v) to 10 s (gensim) here, whichever it was (not memory compaction, whose
# counters stayed 0; docs/fasttext.md, "Slow first touches"). So the speed rounds run w2v and
# gensim first, alternating, and fastText's rounds after them.
SUFFIXES = (("s", ""), ("es", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("ly", ""))


def settings(args, mode):
    return dict(MODES[mode], vector_size=args.size, window=5, sample=1e-3, min_count=5, epochs=args.epochs,
                workers=args.threads, min_n=3, max_n=6, bucket=args.bucket)


# ---- the worker: one training in its own process ---------------------------------------------------
def worker(job):
    import resource
    import time

    import numpy as np

    params, lib, corpus = job["params"], job["lib"], job["corpus"]
    start = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = usage.ru_utime + usage.ru_stime     # every thread's CPU seconds: the machine may be shared
    if lib == "w2v":
        from w2v import FastText
        model = FastText(corpus_file=corpus, seed=job.get("seed", 1), progress=False, **params)
        kv = model.wv
        words, vectors = kv.index_to_key, kv.vectors
    elif lib == "gensim":
        from gensim.models import FastText
        model = FastText(corpus_file=corpus, seed=job.get("seed", 1), **params)
        kv = model.wv
        words, vectors = kv.index_to_key, kv.vectors
    elif lib == "gensim-sentences":
        from gensim.models import FastText
        from gensim.models.word2vec import LineSentence
        model = FastText(sentences=LineSentence(corpus), seed=job.get("seed", 1), **params)
        kv = model.wv
        words, vectors = kv.index_to_key, kv.vectors
    else:
        import fasttext
        model = fasttext.train_unsupervised(
            corpus, model="skipgram" if params["sg"] else "cbow", dim=params["vector_size"], ws=5,
            epoch=params["epochs"], minCount=5, neg=5, minn=3, maxn=6, bucket=params["bucket"],
            thread=params["workers"], t=1e-3, lr=0.05 if params["sg"] else 0.05, verbose=0)
        kv, words, vectors = None, None, None
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result = {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime - cpu_start,
              "rss_mb": usage.ru_maxrss / 1024}
    if job.get("quality") and kv is not None:
        from gensim.models import KeyedVectors
        plain = KeyedVectors(vectors.shape[1])
        plain.add_vectors(list(words), np.asarray(vectors))
        score, _ = plain.evaluate_word_analogies(job["analogies"], restrict_vocab=300000)
        hits = [stem in {w for w, _ in kv.most_similar(word, topn=10)} for word, stem in job["morphology"]]
        result.update(analogy=100 * score, morphology=100 * sum(hits) / len(hits), vocab=len(words))
    return result


def run_job(job, env=None):
    out = subprocess.run([sys.executable, __file__, "--worker", json.dumps(job)], capture_output=True,
                         text=True, env=env)
    if out.returncode:
        raise SystemExit(f"worker failed ({job['lib']}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- corpora -------------------------------------------------------------------------------------
def read_tokens(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield line.split()


def morphology_words(counts, analogy_words, n):
    """Derived words (word, stem) to delete: count 5-1000, stem count >= 50 and >= 3 letters,
    neither in the analogy questions; every k-th of them in alphabetical order, n in all."""
    pairs = {}
    for word, c in counts.items():
        if not 5 <= c <= 1000 or word in analogy_words:
            continue
        for suffix, add in SUFFIXES:
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[:-len(suffix)] + add
                if stem != word and counts.get(stem, 0) >= 50 and len(stem) >= 3 and stem not in analogy_words:
                    pairs.setdefault(word, stem)
                    break
    chosen = sorted(pairs)
    step = max(1, len(chosen) // n)
    return [(w, pairs[w]) for w in chosen[::step][:n]]


def prepare(args, folder):
    with open(os.path.join(args.eval_dir, "questions-words.txt"), encoding="utf-8") as f:
        analogy_words = {w.lower() for line in f if not line.startswith(":") for w in line.split()}
    counts = collections.Counter(t for sent in read_tokens(args.corpus) for t in sent)
    morph = morphology_words(counts, analogy_words, args.morph)
    deleted = {w for w, _ in morph}
    quality = os.path.join(folder, "quality.txt")
    speed = os.path.join(folder, "speed.txt")
    taken = 0
    kept_tokens = 0
    with open(quality, "w", encoding="utf-8") as q, open(speed, "w", encoding="utf-8") as s:
        for sent in read_tokens(args.corpus):
            kept = [t for t in sent if t not in deleted]
            if kept and kept_tokens < args.quality_tokens:
                q.write(" ".join(kept) + "\n")
                kept_tokens += len(kept)
            if taken < args.speed_tokens:
                s.write(" ".join(sent) + "\n")
                taken += len(sent)
    return quality, speed, morph, sum(counts[w] for w in deleted)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", default="/work/shared/corpora/en-dict.txt.gz")
    parser.add_argument("--eval-dir", default="/work/shared/eval")
    parser.add_argument("--modes", default="sg-ns,cbow-ns")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--bucket", type=int, default=2_000_000)
    parser.add_argument("--morph", type=int, default=300, help="derived words deleted and queried (300)")
    parser.add_argument("--repeats", type=int, default=3, help="speed rounds (3)")
    parser.add_argument("--speed-tokens", type=int, default=1_000_000)
    parser.add_argument("--quality-tokens", type=int, default=10 ** 12,
                        help="train the quality models on the first this many tokens (all)")
    parser.add_argument("--seeds", type=lambda v: [int(x) for x in v.split(",")], default=[1],
                        help="comma list of seeds for the quality trainings (1)")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: quality, speed, fasttext")
    parser.add_argument("--json", help="write every measurement here")
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    modes = args.modes.split(",")
    report = {"settings": vars(args), "quality": {}, "speed": {}}
    with tempfile.TemporaryDirectory() as folder:
        quality, speed, morph, removed = prepare(args, folder)
        report["morphology"] = {"words": len(morph), "tokens_removed": removed, "examples": morph[:10]}
        print(f"morphology test: {len(morph)} derived words ({removed} tokens) deleted, e.g. "
              + ", ".join(f"{w}->{s}" for w, s in morph[:6]))
        if "quality" not in skip:
            for mode in modes:
                for seed, lib in ((seed, lib) for seed in args.seeds for lib in QUALITY_LIBS):
                    job = {"lib": lib, "params": settings(args, mode), "corpus": quality, "quality": True,
                           "analogies": os.path.join(args.eval_dir, "questions-words.txt"),
                           "morphology": morph, "seed": seed}
                    r = run_job(job)
                    report["quality"].setdefault(mode, {}).setdefault(lib, []).append(dict(r, seed=seed))
                    print(f"quality {mode:8s} {lib:16s} seed {seed} analogy {r['analogy']:5.2f} %  morphology "
                          f"{r['morphology']:5.1f} %  ({r['seconds']:.0f} s, CPU {r['cpu']:.0f} s, {r['rss_mb']:.0f} MB,"
                          f" vocab {r['vocab']})",
                          flush=True)
                for lib, runs in report["quality"][mode].items():
                    print(f"quality {mode:8s} {lib:16s} mean over seeds {args.seeds}: analogy "
                          f"{statistics.fmean(r['analogy'] for r in runs):.2f} %, morphology "
                          f"{statistics.fmean(r['morphology'] for r in runs) * len(morph) / 100:.1f} of {len(morph)}",
                          flush=True)
        if "speed" not in skip:
            libs = ["w2v", "gensim"] + ([] if "fasttext" in skip else ["fasttext"])
            for mode in modes:
                job = {"params": settings(args, mode), "corpus": speed}
                # w2v's runs share a Numba cache that starts empty: the first run fills it (reported
                # apart), so no timed run compiles, whatever state the package's own cache is in
                cache = dict(os.environ, NUMBA_CACHE_DIR=tempfile.mkdtemp(dir=folder))
                first = run_job(dict(job, lib="w2v"), env=cache)
                runs = {lib: [] for lib in libs}
                ours = [lib for lib in libs if lib != "fasttext"]
                # w2v and gensim swap places each round; fastText's rounds come after theirs (ORDER)
                order = [lib for r in range(args.repeats) for lib in (ours if r % 2 == 0 else ours[::-1])]
                for lib in order + [lib for lib in libs if lib == "fasttext"] * args.repeats:
                    runs[lib].append(run_job(dict(job, lib=lib), env=cache if lib == "w2v" else None))
                report["speed"][mode] = {"first_w2v": first, "runs": runs}
                med = {lib: statistics.median(r["seconds"] for r in rs) for lib, rs in runs.items()}
                cpu = {lib: statistics.median(r["cpu"] for r in rs) for lib, rs in runs.items()}
                for lib, rs in runs.items():
                    secs, cpus = [r["seconds"] for r in rs], [r["cpu"] for r in rs]
                    print(f"speed {mode:8s} {lib:9s} median {med[lib]:6.1f} s (range {min(secs):.1f}-{max(secs):.1f}),"
                          f" CPU {cpu[lib]:6.1f} s (range {min(cpus):.1f}-{max(cpus):.1f}),"
                          f" peak {max(r['rss_mb'] for r in rs):.0f} MB", flush=True)
                print(f"speed {mode:8s} w2v first run (empty Numba cache) {first['seconds']:.1f} s, CPU {first['cpu']:.1f} s; "
                      + "; ".join(f"w2v is {med[lib] / med['w2v']:.2f}x {lib} (CPU {cpu[lib] / cpu['w2v']:.2f}x)"
                                  for lib in libs if lib != "w2v"), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
