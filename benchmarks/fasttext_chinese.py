"""Chinese with subwords: word2vec against FastText (n-grams of 1-2 characters) on the bundled novel,
segmented by jieba: coverage and scores on CA8 and wordsim-240, and neighbours of unseen words.

    PYTHONPATH=src python3 benchmarks/fasttext_chinese.py [--epochs 10] [--minn 1] [--maxn 2]

word2vec skips every question with a word outside its vocabulary; FastText answers those from the
words' character n-grams (``unseen=True``: the first three words of an analogy, both words of a
pair; answers are still searched among the vocabulary). Prints Markdown tables (docs/fasttext.md).
"""
import argparse
import os
import tempfile
import time
from importlib import resources

from w2v import FastText, Word2Vec
from w2v.corpus import LineSentence
from w2v.corpus.chinese import ChineseTokenizer
from w2v.evaluation.evaluate import dataset_words, summarize_analogies

UNSEEN = ("诸葛亮孔明", "蜀国", "赤壁之战", "曹营", "蜀兵", "吴军")


def segment(path, out_path):
    names = str(resources.files("w2v") / "data" / "sanguo-names.txt")
    tokenizer = ChineseTokenizer(user_dict=names)
    tokens = 0
    with open(out_path, "w", encoding="utf-8") as f:
        for sentence in LineSentence(path, tokenizer=tokenizer):
            f.write(" ".join(sentence) + "\n")
            tokens += len(sentence)
    return tokens


def score(kv, unseen):
    total = summarize_analogies(kv.evaluate_word_analogies("ca8", **({"unseen": True} if unseen else {}))[1])[-1]
    (_, _), (rho, _), pair_oov = kv.evaluate_word_pairs("wordsim240", **({"unseen": True} if unseen else {}))
    return total, rho, pair_oov


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--minn", type=int, default=1)
    ap.add_argument("--maxn", type=int, default=2)
    ap.add_argument("--bucket", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    novel = str(resources.files("w2v") / "data" / "sanguo-yanyi.txt.gz")
    common = dict(vector_size=100, window=5, min_count=5, epochs=args.epochs, workers=args.workers, seed=1,
                  sg=1, progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        seg = os.path.join(tmp, "seg.txt")
        tokens = segment(novel, seg)
        rows = []
        for label, make in (("word2vec", lambda: Word2Vec(corpus_file=seg, **common)),
                            (f"FastText minn {args.minn} maxn {args.maxn}",
                             lambda: FastText(corpus_file=seg, min_n=args.minn, max_n=args.maxn,
                                              bucket=args.bucket, **common))):
            start = time.perf_counter()
            model = make()
            seconds = time.perf_counter() - start
            rows.append((label, model, seconds) + score(model.wv, isinstance(model, FastText)))
    print(f"三国演义 (bundled), jieba with the names dictionary: {tokens:,} tokens; skip-gram, 100 dims, "
          f"window 5, min_count 5, {args.epochs} epochs\n")
    print("| model | vocabulary | train s | CA8 asked / 17,813 | CA8 accuracy | wordsim-240 pairs scored | Spearman |")
    print("|---|---|---|---|---|---|---|")
    for label, model, seconds, total, rho, pair_oov in rows:
        asked = total["correct"] + total["incorrect"]
        acc = "n/a" if total["accuracy"] is None else f"{100 * total['accuracy']:.1f} %"
        print(f"| {label} | {len(model.wv):,} | {seconds:.0f} | {asked:,} ({100 * asked / 17813:.1f} %) | {acc} | "
              f"{100 - pair_oov:.1f} % | {rho:.3f} |")
    ft = rows[1][1]
    pairs, _ = dataset_words("wordsim240", analogies=False)
    unseen = [w for w in UNSEEN if not ft.wv.has_index_for(w)]
    unseen += sorted(w for w in pairs if not ft.wv.has_index_for(w))[:8]
    print("\nNeighbours of words the novel's vocabulary lacks (FastText; word2vec has no vector for them;"
          " the last ones are wordsim-240's)\n")
    for word in unseen:
        near = "，".join(w for w, _ in ft.wv.most_similar(word, topn=6))
        print(f"- {word}：{near}")


if __name__ == "__main__":
    main()
