"""Loading big vector files: word2vec binary (w2v vs gensim) and the native format memory-mapped.

    python benchmarks/bench_load.py                      # 3,000,000 x 300 binary (3.6 GB) in /tmp
    python benchmarks/bench_load.py --words 300000 --repeats 1 --skip-mmap

Each load runs in a fresh process that reports the seconds of the load call alone, its peak
resident memory (VmHWM) above what the process held before, and the bytes it read (rchar). The
libraries alternate run by run, so background load hits both alike. "read" is the same file
read in 16 MB blocks and thrown away: the pace of the disk (or of the page cache, once warm);
"read-into" reads it into one fresh array of the file's size, the floor for any loader (on some
virtual machines the first touch of fresh memory costs more than the disk).

The mmap part writes a ``--mmap-words`` x 300 native file once, then in a fresh process times
``KeyedVectors.load(path, mmap='r')``, the growth of resident memory until the first query, and
the first and a later ``most_similar``.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")


def status_mb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(field)


def read_bytes():
    with open("/proc/self/io") as f:
        return int(next(line for line in f if line.startswith("rchar:")).split()[1])


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_binary(path, words, dim, seed=0, chunk=100_000):
    """A word2vec binary file with ``words`` rows of normal random float32 values, written by chunks."""
    rng = np.random.default_rng(seed)
    with open(path + ".part", "wb") as f:
        f.write(f"{words} {dim}\n".encode())
        for start in range(0, words, chunk):
            rows = rng.standard_normal((min(chunk, words - start), dim), dtype=np.float32)
            # Words of 2 to 20 characters, like a big vocabulary's (GoogleNews: 11 on average).
            names = [f"w{i}{'x' * (i % 13)}" for i in range(start, start + len(rows))]
            f.write(b"".join(p for name, row in zip(names, rows) for p in (name.encode() + b" ", row.tobytes())))
    os.replace(path + ".part", path)


def child(args):
    sys.path.insert(0, SRC)
    if args.child == "gensim":
        from gensim.models import KeyedVectors
    elif args.child != "read":
        from w2v import KeyedVectors
        from w2v.kernels import binary_rows            # compiled (or loaded from cache) before timing
        binary_rows.scan_rows(np.zeros(8, np.uint8), 0, 0, np.zeros((1, 4), np.uint8), *binary_rows.empty_bounds(1, 8), 8)
    before, read0 = status_mb("VmRSS"), read_bytes()
    result = {"what": args.child}
    cpu0 = cpu_seconds()
    start = time.perf_counter()
    if args.child == "read":
        with open(args.file, "rb", buffering=0) as f:
            buf = bytearray(1 << 24)
            while f.readinto(buf):
                pass
        shape = None
    elif args.child == "read-into":          # the floor for any loader: the bytes into fresh memory
        with open(args.file, "rb", buffering=0) as f:
            whole = np.empty(os.fstat(f.fileno()).st_size, dtype=np.uint8)
            view, done = memoryview(whole), 0
            while done < len(whole):
                done += f.readinto(view[done:done + (1 << 24)])
        shape = None
    elif args.child in ("w2v", "w2v-limit"):
        kv = KeyedVectors.load_word2vec_format(args.file, binary=True,
                                               limit=args.limit if args.child == "w2v-limit" else None)
        shape = kv.vectors.shape
    elif args.child == "gensim":
        kv = KeyedVectors.load_word2vec_format(args.file, binary=True)
        shape = kv.vectors.shape
    elif args.child == "mmap":
        try:
            kv = KeyedVectors.load(args.file, mmap="r")
        except TypeError as e:
            print(json.dumps({"what": "mmap", "error": f"KeyedVectors.load has no mmap= in this tree ({e})"}))
            return 0
        shape = kv.vectors.shape
        result["seconds"] = time.perf_counter() - start
        result["rss_growth_mb"] = status_mb("VmRSS") - before
        result["mapped"] = isinstance(kv.vectors, np.memmap) or not kv.vectors.flags.owndata
        start = time.perf_counter()
        kv.most_similar(kv.index_to_key[1], topn=10)
        result["first_query_s"] = time.perf_counter() - start
        start = time.perf_counter()
        kv.most_similar(kv.index_to_key[2], topn=10)
        result["second_query_s"] = time.perf_counter() - start
        result["rss_after_query_mb"] = status_mb("VmRSS") - before
        result["matrix_mb"] = shape[0] * shape[1] * 4 / 2**20
        print(json.dumps(result))
        return 0
    result["seconds"] = time.perf_counter() - start
    result["cpu_seconds"] = cpu_seconds() - cpu0
    result["peak_over_mb"] = status_mb("VmHWM") - before
    result["read_mb"] = (read_bytes() - read0) / 2**20
    if shape is not None:
        result["matrix_mb"] = shape[0] * shape[1] * 4 / 2**20
        result["rows"] = shape[0]
    print(json.dumps(result))
    return 0


def run_child(what, path, limit=None):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", what, "--file", path]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        return {"what": what, "error": (done.stderr.strip().splitlines() or ["?"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def spread(values):
    values = sorted(values)
    return f"{values[len(values) // 2]:.2f} (min {values[0]:.2f}, max {values[-1]:.2f})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=3_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=100_000, help="rows read by the limit= run")
    parser.add_argument("--folder", default="/tmp/w2v-bench-load")
    parser.add_argument("--mmap-words", type=int, default=1_000_000)
    parser.add_argument("--skip-mmap", action="store_true")
    parser.add_argument("--sides", default="read,read-into,w2v,gensim", help="loads timed, in this order")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)

    os.makedirs(args.folder, exist_ok=True)
    path = os.path.join(args.folder, f"vectors-{args.words}x{args.dim}.bin")
    if not os.path.exists(path):
        start = time.perf_counter()
        write_binary(path, args.words, args.dim)
        print(f"wrote {path} ({os.path.getsize(path) / 2**30:.2f} GiB) in {time.perf_counter() - start:.0f} s",
              flush=True)
    print(f"{args.words:,} x {args.dim} binary, {os.path.getsize(path) / 2**20:,.0f} MiB; numpy {np.__version__}, "
          f"{os.cpu_count()} cores; each load in a fresh process", flush=True)
    runs = {}
    sides = args.sides.split(",")
    for repeat in range(args.repeats):
        for what in sides:
            result = run_child(what, path)
            print(json.dumps(result), flush=True)
            runs.setdefault(what, []).append(result)
    limited = run_child("w2v-limit", path, args.limit)
    print(json.dumps(limited), flush=True)

    print(f"\n| load of {args.words:,} x {args.dim} binary | seconds, median (min, max) of {args.repeats} | "
          f"CPU seconds | peak memory over the matrix | MiB read |")
    print("|---|---|---|---|---|")
    for what in sides:
        ok = [r for r in runs[what] if "error" not in r]
        if not ok:
            print(f"| {what} | {runs[what][0]['error']} | | |")
            continue
        ratio = "-" if what.startswith("read") else spread([r["peak_over_mb"] / r["matrix_mb"] for r in ok]) + "x"
        print(f"| {what} | {spread([r['seconds'] for r in ok])} | {spread([r['cpu_seconds'] for r in ok])} | "
              f"{ratio} | {ok[0]['read_mb']:,.0f} |")
    if "error" not in limited:
        print(f"| w2v, limit={args.limit:,} | {limited['seconds']:.2f} | {limited['cpu_seconds']:.2f} | "
              f"{limited['peak_over_mb'] / limited['matrix_mb']:.2f}x | {limited['read_mb']:,.0f} |")
    if not args.keep:
        os.unlink(path)

    if not args.skip_mmap:
        sys.path.insert(0, SRC)
        import inspect

        from w2v import KeyedVectors
        if "mmap" not in inspect.signature(KeyedVectors.load).parameters:
            print("\nmmap: not measured: KeyedVectors.load has no mmap= in this tree")
            return 0
        native = os.path.join(args.folder, f"kv-{args.mmap_words}x{args.dim}.w2v")
        if not os.path.exists(native):
            rng = np.random.default_rng(0)
            kv = KeyedVectors([f"w{i}" for i in range(args.mmap_words)],
                              rng.standard_normal((args.mmap_words, args.dim), dtype=np.float32))
            kv.save(native)
            del kv
        results = [run_child("mmap", native) for _ in range(args.repeats)]
        for r in results:
            print(json.dumps(r), flush=True)
        ok = [r for r in results if "error" not in r]
        if ok:
            matrix = ok[0]["matrix_mb"]
            print(f"\nmmap='r' of a {args.mmap_words:,} x {args.dim} native file ({matrix:,.0f} MiB matrix): "
                  f"open {spread([r['seconds'] for r in ok])} s (target < 1 s); resident growth until queried "
                  f"{spread([100 * r['rss_growth_mb'] / matrix for r in ok])} % of the matrix (target < 10 %); "
                  f"first query {spread([r['first_query_s'] for r in ok])} s, later query "
                  f"{spread([r['second_query_s'] for r in ok])} s")
        else:
            print(f"\nmmap: not measured: {results[0]['error']}")
        if not args.keep:
            os.unlink(native)
    return 0


if __name__ == "__main__":
    sys.exit(main())
