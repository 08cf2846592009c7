"""Words per second with 1 and with N worker threads, same corpus and settings, per mode.

    python benchmarks/threads.py --corpus ../shared/corpora/en-dict.txt.gz --threads 2 --epochs 1

Reports the training words/s (vocabulary building excluded) of each run, alternating 1 and
N threads, and the ratio of the medians (robust to a run that loses a core to the machine).
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

import numpy as np  # noqa: E402

from w2v import Word2Vec  # noqa: E402

MODES = {"sg-ns": dict(sg=1, negative=5), "cbow-ns": dict(sg=0, negative=5),
         "sg-hs": dict(sg=1, hs=1, negative=0), "cbow-hs": dict(sg=0, hs=1, negative=0),
         "sg-ns-classic": dict(sg=1, negative=5, shared_negatives=False)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpora", "en-dict.txt.gz"))
    p.add_argument("--modes", default="sg-ns,cbow-ns")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--repeats", type=int, default=2,
                   help="alternate 1 and N threads this many times; the machine's noise shows "
                        "as the spread")
    args = p.parse_args()
    print(f"| mode | 1 thread words/s | {args.threads} threads words/s | ratio of medians |")
    print("|---|---|---|---|")
    for mode in args.modes.split(","):
        model = Word2Vec(**MODES[mode], epochs=args.epochs, workers=1, progress=False)
        model.build_vocab(corpus_file=args.corpus)
        speeds = {1: [], args.threads: []}
        for _ in range(args.repeats):
            for workers in (1, args.threads):
                model.config.workers = workers
                model.rng_states = None
                model.train(corpus_file=args.corpus)
                log = model.training_log[-args.epochs:]
                speeds[workers].append(sum(e["tokens"] for e in log) / sum(e["seconds"] for e in log))
        one, many = (float(np.median(v)) for v in speeds.values())
        show = {k: " / ".join(f"{x:,.0f}" for x in v) for k, v in speeds.items()}
        print(f"| {mode} | {show[1]} | {show[args.threads]} | {many / one:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
