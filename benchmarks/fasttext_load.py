"""Memory and time of opening a Facebook fastText ``.bin``: w2v against gensim, each in a subprocess
of this run so that its peak RSS is its own.

    PYTHONPATH=src python3 benchmarks/fasttext_load.py [--words 200000] [--bucket 2000000] [--dim 50]

The file is synthetic (random words and weights, written by w2v in fastText 0.9.2's format, which
gensim and fastText read): the loaders' cost depends on its sizes, not on its values. Reported:
the file's size, each loader's seconds, the peak of the RSS during its load over the RSS before it
(sampled every 2 ms, and ru_maxrss, in an interpreter that has imported both libraries and loaded
w2v's compiled loops), and the RSS it still holds after the load.
Needs the bench extra (gensim).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

# Each loader runs in a fresh interpreter that has imported both libraries and run w2v's jitted
# loops on a toy (Numba's code loaded): its peak RSS is measured before and after the load.
WARM_UP = ("import gensim.models.fasttext, numpy as np\n"
           "from w2v.models.subwordvectors import FastTextKeyedVectors as K\n"
           "K.from_rows(['ab'], np.zeros((3, 2), np.float32), 3, 6, 2)['abc']\n")
LOADERS = {
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
    """(seconds, peak RSS growth of the load in MiB, RSS held after it in MiB): a thread samples the
    RSS every 2 ms during the load; ru_maxrss counts too when the load raised it."""
    script = (WARM_UP + "import os, resource, threading, time\n"
              "def rss(): return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20\n"
              "top, done = [0.0], threading.Event()\n"
              "def sample():\n    while not done.is_set():\n        top[0] = max(top[0], rss()); time.sleep(0.002)\n"
              f"PATH = {path!r}\nbefore, held0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, rss()\n"
              "t = threading.Thread(target=sample); t.start()\n"
              f"start = time.perf_counter()\n{code}\nseconds = time.perf_counter() - start\n"
              "done.set(); t.join()\n"
              "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
              "peak = max(top[0], rss(), after if after > before else 0.0)\n"
              "print(seconds, peak - held0, rss() - held0)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    seconds, peak, held = out.split()
    return float(seconds), float(peak), float(held)


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
    print(f"{'loader':38s} {'seconds':>13s} {'peak growth MiB':>22s} {'held after MiB':>15s}")
    result = {"file_mib": size, "rows": {}}
    for name, runs in rows.items():
        secs, peak, held = ([r[i] for r in runs] for i in range(3))
        print(f"{name:38s} {min(secs):6.2f}-{max(secs):<6.2f} {min(peak):7.0f}-{max(peak):<7.0f} "
              f"({max(peak) / size:.2f}x) {max(held):8.0f}")
        result["rows"][name] = {"seconds": secs, "peak_growth_mib": peak, "held_mib": held}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
