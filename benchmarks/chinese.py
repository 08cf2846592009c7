"""Chinese end to end: segment the three novels with jieba once, train skip-gram and CBOW, and
score both on CA8 (per section, with coverage) and wordsim-240; print neighbours of a few names.

Run: ``PYTHONPATH=src python benchmarks/chinese.py [folder] [--epochs N] [--stopwords zh]``.
Prints Markdown tables (the ones in docs/chinese.md); not collected by pytest.
"""
import argparse
import os
import tempfile
import time
from importlib import resources

from w2v import Word2Vec
from w2v.corpus.chinese import ChineseTokenizer
from w2v.corpus import PathLineSentences
from w2v.evaluation.evaluate import evaluate_word_analogies, evaluate_word_pairs, summarize_analogies

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, "..", "..", "shared", "corpora", "zh")
NAMES = ("曹操", "孔明", "刘备", "宝玉", "黛玉", "悟空", "八戒")


def segment(folder, tokenizer, out_path):
    """Write the folder's text as one segmented sentence per line; return (seconds, tokens, sentences)."""
    start = time.perf_counter()
    tokens = sentences = 0
    with open(out_path, "w", encoding="utf-8") as f:
        for batch in PathLineSentences(folder, tokenizer=tokenizer).sentence_batches():
            for s in batch:
                f.write(" ".join(s))
                f.write("\n")
                tokens += len(s)
            sentences += len(batch)
    return time.perf_counter() - start, tokens, sentences


def train_and_score(path, sg, args):
    start = time.perf_counter()
    model = Word2Vec(corpus_file=path, sg=sg, vector_size=args.size, window=args.window,
                     min_count=args.min_count, epochs=args.epochs, workers=args.workers, seed=1,
                     progress=False)
    seconds = time.perf_counter() - start
    _, sections = evaluate_word_analogies(model.wv, "ca8")
    (_, _), (rho, _), pair_oov = evaluate_word_pairs(model.wv, "wordsim240")
    return model, seconds, summarize_analogies(sections), rho, pair_oov


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=DEFAULT, help="folder of UTF-8 text files")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--stopwords", help="zh or a file (default: keep every word)")
    ap.add_argument("--processes", type=int, default=1, help="segmentation processes")
    args = ap.parse_args(argv)

    names = str(resources.files("w2v") / "data" / "sanguo-names.txt")
    tokenizer = ChineseTokenizer(user_dict=names, stopwords=args.stopwords, processes=args.processes)
    with tempfile.TemporaryDirectory() as tmp:
        seg_path = os.path.join(tmp, "segmented.txt")
        seg_s, n_tokens, n_sent = segment(args.corpus, tokenizer, seg_path)
        print(f"corpus: {sorted(os.listdir(args.corpus))}")
        print(f"segmentation (jieba, names dictionary, stopwords={args.stopwords}, processes="
              f"{args.processes}): {seg_s:.1f} s, {n_tokens:,} tokens in {n_sent:,} sentences\n")
        results = [(label,) + train_and_score(seg_path, sg, args) for label, sg in (("skip-gram", 1), ("CBOW", 0))]

    print(f"{args.size} dims, window {args.window}, min_count {args.min_count}, {args.epochs} epochs, "
          f"{args.workers} workers, negative 5, alpha 0.025\n")
    print("| model | vocabulary | train s | CA8 asked / 17,813 | CA8 accuracy | wordsim-240 Spearman | wordsim-240 pairs OOV |")
    print("|---|---|---|---|---|---|---|")
    for label, model, seconds, rows, rho, pair_oov in results:
        total = rows[-1]
        asked = total["correct"] + total["incorrect"]
        acc = "n/a" if total["accuracy"] is None else f"{100 * total['accuracy']:.1f} %"
        print(f"| {label} | {len(model.wv):,} | {seconds:.1f} | {asked:,} ({100 * asked / 17813:.1f} %) | "
              f"{acc} | {rho:.3f} | {pair_oov:.1f} % |")
    print("\nCA8 per section (correct / asked; questions with an unknown word are skipped)\n")
    print("| section | questions | asked | " + " | ".join(r[0] for r in results) + " |")
    print("|---|---|---|" + "---|" * len(results))
    for i, row in enumerate(results[0][3]):
        n = row["correct"] + row["incorrect"] + row["oov"]
        asked = row["correct"] + row["incorrect"]
        cells = []
        for r in results:
            s = r[3][i]
            cells.append("-" if s["accuracy"] is None else
                         f"{s['correct']}/{asked} ({100 * s['accuracy']:.1f} %)")
        print(f"| {row['section']} | {n:,} | {asked:,} | " + " | ".join(cells) + " |")
    for label, model, *_ in results:
        print(f"\nNearest neighbours, {label}\n")
        for word in NAMES:
            if word in model.wv:
                near = "，".join(w for w, _ in model.wv.most_similar(word, topn=8))
                print(f"- {word}：{near}")
            else:
                print(f"- {word}: not in the vocabulary")


if __name__ == "__main__":
    main()
