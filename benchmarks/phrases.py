"""Phrase detection side by side: ``w2v phrases`` vs gensim's Phrases (build + freeze + apply line by
line) vs the C tool's word2phrase, each in its own process, timed from process start to output
written, with peak memory (max RSS) of each; then the outputs compared line by line.

    python benchmarks/phrases.py [--corpus ../shared/corpora/en-dict.txt.gz] [--word2phrase PATH]
                                 [--repeats 3]

``--word2phrase``: a word2phrase binary built from the C tool's source (not shipped with w2v), e.g.
``gcc word2phrase.c -o word2phrase -lm -pthread -O3 -march=native -funroll-loops``. All three
read the same decompressed text file. The first w2v run may include Numba compiling its kernels
(cached afterwards); it is reported on its own. w2v's sources are byte-compiled first, as pip does
when it installs a package.
"""
import argparse
import gzip
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")

GENSIM = """
import sys
from gensim.models.phrases import Phrases
from gensim.models.word2vec import LineSentence
src, out = sys.argv[1], sys.argv[2]
frozen = Phrases(LineSentence(src), min_count=5, threshold=10.0).freeze()
with open(out, "w", encoding="utf-8") as f:
    for sentence in LineSentence(src):
        f.write(" ".join(frozen[sentence]) + "\\n")
"""


def run(cmd, env=None):
    """(seconds, peak RSS in MB) of one process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed: {err}")
    return seconds, usage.ru_maxrss / 1024


def same_lines(a, b, c_layout=False):
    """(lines whose tokens are equal, lines) of two outputs."""
    with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
        la, lb = fa.read().split("\n"), fb.read().split("\n")
    if la and la[-1] == "":
        la.pop()
    if lb and lb[-1] == "":
        lb.pop()
    same = sum(x.split() == y.split() for x, y in zip(la, lb))
    return same, max(len(la), len(lb))


def summary(times):
    med = statistics.median(times)
    return med, min(times), max(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpora", "en-dict.txt.gz"))
    ap.add_argument("--word2phrase", help="path of a compiled word2phrase binary")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-gensim", action="store_true")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="w2v-bench-phrases-")
    text = os.path.join(work, "corpus.txt")
    opener = gzip.open if args.corpus.endswith(".gz") else open
    with opener(args.corpus, "rb") as f, open(text, "wb") as g:
        shutil.copyfileobj(f, g)
    env = dict(os.environ, PYTHONPATH=os.path.abspath(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # w2v runs from the source tree: give it the bytecode that pip compiles at install (gensim has
    # it), which a shell with PYTHONDONTWRITEBYTECODE set would otherwise never write (~0.07 s a run)
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(os.path.abspath(SRC), "w2v")], check=True)
    out = {name: os.path.join(work, name + ".txt") for name in ("w2v", "w2v_c", "gensim", "c")}
    jobs = {
        "w2v phrases (gensim scoring)": (
            [sys.executable, "-m", "w2v", "phrases", text, "-o", out["w2v"], "-q"], env),
        "w2v phrases -train (word2phrase scoring)": (
            [sys.executable, "-m", "w2v", "phrases", "-train", text, "-output", out["w2v_c"],
             "-threshold", "100", "-min-count", "5", "-q"], env),
    }
    if not args.skip_gensim:
        jobs["gensim Phrases build + apply"] = ([sys.executable, "-c", GENSIM, text, out["gensim"]], None)
    if args.word2phrase:
        jobs["C word2phrase"] = ([args.word2phrase, "-train", text, "-output", out["c"], "-threshold", "100",
                                  "-min-count", "5", "-debug", "0"], None)
    print(f"corpus {args.corpus}, {os.path.getsize(text) / 1e6:.1f} MB of text; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start (the machine may be shared)")
    results = {name: [] for name in jobs}
    first = {}
    for name, (cmd, job_env) in jobs.items():      # a first, untimed-for-the-median run (Numba compiles)
        first[name] = run(cmd, job_env)
    for r in range(args.repeats):
        for name, (cmd, job_env) in jobs.items():    # interleaved, so load changes hit all alike
            results[name].append(run(cmd, job_env))
    print(f"\n{'':44s} {'median s':>9s} {'min-max s':>13s} {'first run s':>11s} {'peak MB':>8s}")
    for name, rs in results.items():
        med, lo, hi = summary([t for t, _ in rs])
        print(f"{name:44s} {med:9.2f} {lo:6.2f}-{hi:<6.2f} {first[name][0]:11.2f} "
              f"{max(m for _, m in rs):8.0f}")
    w2v = [t for t, _ in results["w2v phrases (gensim scoring)"]]
    if "gensim Phrases build + apply" in results:
        g = [t for t, _ in results["gensim Phrases build + apply"]]
        ratios = sorted(gt / wt for gt, wt in zip(g, w2v))
        print(f"\ngensim / w2v (same repeat): median {statistics.median(ratios):.1f}x, "
              f"range {ratios[0]:.1f}-{ratios[-1]:.1f}x")
        same, n = same_lines(out["w2v"], out["gensim"])
        print(f"same tokens as gensim's FrozenPhrases line by line: {same:,} of {n:,} lines "
              f"({100 * same / n:.3f} %)")
    if args.word2phrase:
        c = [t for t, _ in results["C word2phrase"]]
        wc = [t for t, _ in results["w2v phrases -train (word2phrase scoring)"]]
        ratios = sorted(ct / wt for ct, wt in zip(c, wc))
        print(f"word2phrase / w2v -train (same repeat): median {statistics.median(ratios):.1f}x, "
              f"range {ratios[0]:.1f}-{ratios[-1]:.1f}x")
        same, n = same_lines(out["w2v_c"], out["c"])
        with open(out["w2v_c"], "rb") as a, open(out["c"], "rb") as b:
            identical = a.read() == b.read()
        print(f"same tokens as word2phrase line by line: {same:,} of {n:,} lines ({100 * same / n:.3f} %); "
              f"byte-identical files: {identical}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
