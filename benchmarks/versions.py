"""Two checkouts of w2v side by side: Word2Vec's wall and CPU seconds per mode, interleaved in one run.

For "this change made no mode slower": each run is its own process with PYTHONPATH set to one
checkout's ``src``; the order of the two alternates every round, round 0 warms Numba's cache and is
reported apart, and CPU seconds (user + system of the child) are given beside wall seconds because
wall time moves with whatever else the machine does.

    git worktree add /tmp/base 549581f
    python3 benchmarks/versions.py --before /tmp/base/src --after src --rounds 3
"""
import argparse
import gzip
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = {"sg-ns": "sg=1, hs=0, negative=5", "cbow-ns": "sg=0, hs=0, negative=5",
         "sg-hs": "sg=1, hs=1, negative=0", "cbow-hs": "sg=0, hs=1, negative=0"}
CODE = ("from w2v import Word2Vec; Word2Vec(corpus_file={path!r}, vector_size=100, window=5, min_count=5, "
        "sample=1e-3, epochs={epochs}, workers={threads}, seed=1, progress=False, {mode})")


def corpus_slice(path, nbytes, folder):
    """The first ``nbytes`` bytes of a (gzipped) corpus, cut at a line end, as a plain file."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read(nbytes)
    out = os.path.join(folder, "slice.txt")
    with open(out, "wb") as f:
        f.write(data[:data.rfind(b"\n") + 1])
    return out


def timed(src, code):
    """(wall, cpu) seconds of one child process running ``code`` with ``src`` first on its path."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=os.path.abspath(src)), check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", required=True, help="the src folder of one checkout")
    p.add_argument("--after", required=True, help="the src folder of the other")
    p.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpora", "en-dict.txt.gz"))
    p.add_argument("--bytes", type=int, default=12_000_000, help="how much of the corpus (about 2 M tokens)")
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    versions = {"before": args.before, "after": args.after}
    with tempfile.TemporaryDirectory() as folder:
        path = corpus_slice(args.corpus, args.bytes, folder)
        runs = {}
        for r in range(args.rounds + 1):
            for mode in args.modes.split(","):
                code = CODE.format(path=path, epochs=args.epochs, threads=args.threads, mode=MODES[mode])
                order = list(versions.items()) if r % 2 == 0 else list(versions.items())[::-1]
                for name, src in order:
                    runs.setdefault((mode, name, r == 0), []).append(timed(src, code))
    print(f"{args.rounds} rounds, {args.epochs} epochs, {args.threads} threads; median [range] of the warm "
          "rounds, then the warm-up round (wall/cpu)")
    for mode in args.modes.split(","):
        cells = [mode]
        for name in versions:
            walls, cpus = zip(*runs[(mode, name, False)])
            first = runs[(mode, name, True)][0]
            cells.append(f"{name}: wall {statistics.median(walls):.2f} [{min(walls):.2f}-{max(walls):.2f}] "
                         f"cpu {statistics.median(cpus):.2f} [{min(cpus):.2f}-{max(cpus):.2f}] "
                         f"(warm-up {first[0]:.1f}/{first[1]:.1f})")
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
