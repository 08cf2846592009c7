"""How long a large native vectors file takes to open with ``mmap="r"``, and how much resident
memory that costs before and after the first query.

    PYTHONPATH=src python3 benchmarks/mmap_open.py [--words 1000000] [--dim 300] [--keep FILE]

It writes a file of random vectors (``KeyedVectors.save``), then, in a fresh process each time,
opens it with ``KeyedVectors.load(path, mmap="r")`` (and, to compare, without mapping) and
prints the seconds to open, the growth of the process's resident memory (VmRSS) after opening
and after one ``most_similar`` query, each also as a share of the matrix's size.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def rss_bytes():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure(path, mmap):
    from w2v import KeyedVectors
    base = rss_bytes()
    start = time.perf_counter()
    kv = KeyedVectors.load(path, mmap=mmap)
    opened = time.perf_counter() - start
    after_open = rss_bytes() - base
    start = time.perf_counter()
    kv.most_similar(kv.index_to_key[123], topn=10)
    query = time.perf_counter() - start
    return {"mmap": mmap, "open_s": opened, "rss_after_open": after_open, "query_s": query,
            "rss_after_query": rss_bytes() - base, "matrix_bytes": kv.vectors.nbytes}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--keep", help="write the file here (and keep it) instead of a temporary folder")
    parser.add_argument("--measure", nargs=2, metavar=("PATH", "MMAP"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        path, mmap = args.measure
        print(json.dumps(measure(path, None if mmap == "none" else mmap)))
        return 0
    import numpy as np
    from w2v import KeyedVectors
    folder = tempfile.mkdtemp()
    path = args.keep or os.path.join(folder, "big.w2v")
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.words, args.dim), dtype=np.float32)
    start = time.perf_counter()
    KeyedVectors([f"w{i}" for i in range(args.words)], vectors).save(path)
    print(f"wrote {args.words:,} x {args.dim} ({os.path.getsize(path) / 1e9:.2f} GB) in "
          f"{time.perf_counter() - start:.1f} s: {path}")
    del vectors
    for mmap in ("r", "r", "none"):
        out = subprocess.run([sys.executable, __file__, "--measure", path, mmap], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out)
        m = r["matrix_bytes"]
        print(f"mmap={r['mmap']!s:<5} open {r['open_s']:.2f} s, RSS +{r['rss_after_open'] / 1e6:.0f} MB "
              f"({100 * r['rss_after_open'] / m:.1f} % of the {m / 1e6:.0f} MB matrix); first query "
              f"{r['query_s']:.2f} s, then RSS +{r['rss_after_query'] / 1e6:.0f} MB "
              f"({100 * r['rss_after_query'] / m:.1f} %)")
    if not args.keep:
        os.remove(path)
        os.rmdir(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
