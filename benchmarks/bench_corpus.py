"""Speed of one-pass counting (scan) and encoding against gensim's build_vocab.

Run: ``PYTHONPATH=src python benchmarks/bench_corpus.py [corpus] [--repeat N]``.
Prints tokens per second; not collected by pytest.
"""
import argparse
import logging
import os
import time

from w2v.corpus import LineSentence
from w2v.corpus.encoded import scan
from w2v.corpus.vocab import Vocab

DEFAULT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpora", "en-dict.txt.gz")


def best_of(repeat, fn):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--no-gensim", action="store_true")
    ap.add_argument("--python-path", action="store_true",
                    help="also time the pure-Python path (errors='replace' disables the compiled one)")
    args = ap.parse_args(argv)

    scan(LineSentence(args.corpus, limit=10)).close()        # compile / load the numba cache
    rows = []
    readers = [("compiled", LineSentence(args.corpus))]
    if args.python_path:
        readers.append(("python", LineSentence(args.corpus, errors="replace")))
    for label, reader in readers:
        t_scan, s = best_of(args.repeat, lambda: scan(reader))
        vocab = Vocab.build(s.words, s.counts, min_count=args.min_count)
        t_enc, enc = best_of(args.repeat, lambda: s.encode(vocab))
        n = s.n_tokens
        rows.append((f"w2v scan ({label})", t_scan, n))
        rows.append((f"w2v encode ({label})", t_enc, n))
        rows.append((f"w2v scan + encode ({label})", t_scan + t_enc, n))
        enc.close()
        s.close()
    if not args.no_gensim:
        from gensim.models import Word2Vec
        from gensim.models.word2vec import LineSentence as GLineSentence

        def gensim_vocab():
            m = Word2Vec(min_count=args.min_count, workers=1)
            m.build_vocab(GLineSentence(args.corpus))
            return m

        t_g, _ = best_of(args.repeat, gensim_vocab)
        rows.append(("gensim build_vocab", t_g, n))
    print(f"corpus: {os.path.normpath(args.corpus)}  ({n:,} tokens, vocabulary {len(vocab):,} at min_count={args.min_count})")
    for name, t, n in rows:
        print(f"{name:32s} {t:7.3f} s  {n / t / 1e6:7.2f} M tokens/s")


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
