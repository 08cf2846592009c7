"""Memory and time of opening a Facebook fastText ``.bin``: w2v against gensim, each in a subprocess
of this run so that its peak RSS is its own.

    PYTHONPATH=src python3 benchmarks/fasttext_load.py [--words 200000] [--bucket 2000000] [--dim 50]

The file is synthetic (random words and weights, written by w2v in fastText 0.9.2's format, which
gensim and fastText read): the loaders' cost depends on its sizes, not on its values. Reported:
the file's size, each loader's seconds and peak RSS (ru_maxrss, which includes the interpreter and
the imported libraries; the baseline row imports both and runs w2v's jitted loops on a toy, loading no file).
Needs the bench extra (gensim).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

LOADERS = {
    # the libraries imported and w2v's jitted n-gram and mean loops loaded (Numba's own memory)
    "baseline (imports only)": "from w2v.models.subwordvectors import FastTextKeyedVectors as K; import numpy as np; "
                               "K.from_rows(['ab'], np.zeros((3, 2), np.float32), 3, 6, 2)['abc']",
    "w2v load_facebook_vectors": "from w2v import load_facebook_vectors as f; kv = f(PATH); kv['unseenword']",
    "w2v load_facebook_vectors(mmap='r')":
        "from w2v import load_facebook_vectors as f; kv = f(PATH, mmap='r'); kv['unseenword']",
    "w2v load_facebook_model": "from w2v import load_facebook_model as f; m = f(PATH); m.wv['unseenword']",
    "gensim load_facebook_vectors":
        "from gensim.models.fasttext import load_facebook_vectors as f; kv = f(PATH); kv['unseenword']",
    "gensim load_facebook_model":
        "from gensim.models.fasttext import load_facebook_model as f; m = f(PATH); m.wv['unseenword']",
}


def make_file(path, words, bucket, dim):
    import numpy as np
    from w2v.vectors.facebook import FacebookModel, write_facebook

    rng = np.random.default_rng(0)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = list(dict.fromkeys("".join(rng.choice(letters, rng.integers(3, 12))) for _ in range(words * 2)))[:words]
    args = dict(dim=dim, ws=5, epoch=5, minCount=5, neg=5, wordNgrams=1, loss=2, model=2, bucket=bucket,
                minn=3, maxn=6, lrUpdateRate=100, t=1e-4)
    inp = np.empty((len(vocab) + bucket, dim), np.float32)
    for start in range(0, len(inp), 1 << 18):
        block = inp[start:start + (1 << 18)]
        block[:] = rng.standard_normal(block.shape, dtype=np.float32) * 0.1
    out = rng.standard_normal((len(vocab), dim), dtype=np.float32) * 0.1
    write_facebook(path, FacebookModel(args, vocab, np.arange(len(vocab), 0, -1) * 10, len(vocab) * 100,
                                       inp, out))


def measure(code, path):
    script = ("import resource, time, gensim.models.fasttext, w2v.models.fasttext\n"
              f"PATH = {path!r}\nstart = time.perf_counter()\n{code}\n"
              "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    seconds, kb = out.split()
    return float(seconds), int(kb) / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--bucket", type=int, default=2_000_000)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as folder:
        path = os.path.join(folder, "model.bin")
        make_file(path, args.words, args.bucket, args.dim)
        size = os.path.getsize(path) / 2 ** 20
        rows = {}
        for _ in range(args.repeats):           # interleaved: each loader once per round
            for name, code in LOADERS.items():
                rows.setdefault(name, []).append(measure(code, path))
    print(f"fastText .bin of {args.words} words, {args.bucket} buckets, dim {args.dim}: {size:.0f} MiB "
          f"(machine shared with other work; {args.repeats} interleaved rounds, ranges shown)")
    print(f"{'loader':40s} {'seconds':>14s} {'peak RSS MiB':>16s} {'RSS - baseline':>16s}")
    base = min(r for _, r in rows["baseline (imports only)"])
    result = {"file_mib": size, "rows": {}}
    for name, runs in rows.items():
        secs, rss = [s for s, _ in runs], [r for _, r in runs]
        extra = min(rss) - base
        print(f"{name:40s} {min(secs):6.2f}-{max(secs):<6.2f} {min(rss):7.0f}-{max(rss):<7.0f} "
              f"{extra:8.0f} ({extra / size:.2f}x file)")
        result["rows"][name] = {"seconds": secs, "rss_mib": rss, "over_baseline_mib": extra}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
