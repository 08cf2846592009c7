"""Commands that judge and picture trained vectors: ``w2v evaluate``, ``w2v probe``, ``w2v plot``, ``w2v plot-training``.

MODEL is a native w2v file (model or vectors) or any word2vec text/binary file.
"""
import json
import os

from ..evaluation import evaluate
from .fasttext import with_unseen_words
from .inputs import load_vectors
from .options import MODEL_HELP, add_no_header, flag_name, non_negative_int, positive_int
from .outputs import check_outputs
from .tables import clip, pad

# Words on a map drawn --around a word, that word included.
AROUND_TOP = 30


def register(subparsers):
    """Add the evaluation commands to the ``w2v`` parser's sub-commands."""
    p = subparsers.add_parser(
        "evaluate", help="analogy accuracy and word-similarity correlation (same figures as gensim)",
        description="Score vectors on analogy questions (per section and in total) and on word pairs with "
                    "human similarity scores. Without --analogies/--pairs, both bundled English sets "
                    f"are used. Bundled names: {', '.join(sorted(evaluate.DATASETS))}.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--analogies", metavar="NAME|FILE", action="append",
                   help="analogy set: a bundled name (google) or a file of ': section' and 'a b c d' lines; "
                        "repeatable")
    p.add_argument("--pairs", metavar="NAME|FILE", action="append",
                   help="word-pair set: a bundled name (wordsim353) or a file of 'w1 w2 score' lines; repeatable")
    p.add_argument("--method", choices=evaluate.METHODS, default="add",
                   help="analogy rule: 3CosAdd (b - a + c, gensim's, default) or 3CosMul")
    p.add_argument("--restrict-vocab", type=non_negative_int, default=300000, metavar="N",
                   help="only the N most frequent words are known (300000 as gensim; the C tool uses "
                        f"{evaluate.C_TOOL_RESTRICT_VOCAB}; 0: all)")
    p.add_argument("--case-sensitive", action="store_true",
                   help="compare words as they are (default: upper-case both, as gensim)")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    add_no_header(p)
    p.set_defaults(func=run_evaluate)

    p = subparsers.add_parser(
        "probe", help="sanity checks: canonical analogies, neighbours, symmetry, degenerate vectors, bias axes",
        description="Four quick checks and a verdict. Exit code 1 when a training bug is found. With "
                    "--bias-axis, --words are the words projected on the axes (default: a bundled list "
                    "of occupations).")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--words", metavar="W1,W2,...|FILE",
                   help="comma-separated words, or a file of words (whitespace-separated, # comments)")
    p.add_argument("--bias-axis", metavar="A:B", action="append", default=[],
                   help="project words on the axis from B to A (e.g. he:she); repeatable")
    p.add_argument("--topn", type=positive_int, default=5, help="neighbours per word (5)")
    p.add_argument("--seed", type=int, default=0, help="seed of the pairs sampled for the symmetry check")
    p.add_argument("--json", action="store_true", help="print JSON (documented in docs/evaluation.md)")
    add_no_header(p)
    p.set_defaults(func=run_probe)

    p = subparsers.add_parser(
        "plot", help="2-D map of words (PCA or t-SNE) as an image",
        description="Draw a labelled 2-D scatter map of words. t-SNE needs scikit-learn "
                    "(python3 -m pip install scikit-learn).")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    which = p.add_argument_group("which words (--words, or --top, or --around with --top)")
    which.add_argument("--words", metavar="W1,W2,...|FILE", help="words to draw (comma-separated, or a file)")
    which.add_argument("--top", type=positive_int, metavar="N",
                       help=f"draw the N most frequent words; with --around, N words in all ({AROUND_TOP})")
    which.add_argument("--around", metavar="WORD",
                       help="draw WORD (in red) and its nearest neighbours, as w2v serve's map does")
    p.add_argument("--method", choices=("pca", "tsne"), default="pca", help="projection (pca)")
    p.add_argument("--highlight", metavar="W1,W2,...", help="words drawn in red (added when missing)")
    p.add_argument("--title", help="figure title")
    p.add_argument("--seed", type=int, default=0, help="t-SNE random state")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="image file (.png, .svg, .pdf)")
    add_no_header(p)
    p.set_defaults(func=run_plot)

    p = subparsers.add_parser(
        "plot-training", help="loss and tokens/s per epoch of a trained model, as an image",
        description="Draw the training log of a native w2v model file.")
    p.add_argument("model", metavar="MODEL", help="native w2v model file (saved by w2v train)")
    p.add_argument("--title", help="figure title")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="image file (.png, .svg, .pdf)")
    p.set_defaults(func=run_plot_training)


def _word_list(value):
    """A comma-separated list, or the words of a file when ``value`` names one."""
    from ..evaluation.probe import read_word_list

    if value is None:
        return None
    if os.path.isfile(value):
        return read_word_list(value)
    words = [w.strip() for w in value.split(",") if w.strip()]
    if not words:
        raise ValueError(f"no words in {value!r}")
    return words


def _load(args):
    return load_vectors(args.model, args.no_header)


def _print_json(obj):
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def run_evaluate(args):
    analogy_sets = args.analogies or ([] if args.pairs else ["google"])
    pair_sets = args.pairs or ([] if args.analogies else ["wordsim353"])
    for name in analogy_sets + pair_sets:   # a bad name fails before the model is loaded
        evaluate.resolve_dataset(name)
    kv = _load(args)
    restrict = args.restrict_vocab or None
    report = {"model": args.model, "vocabulary": len(kv.index_to_key), "analogies": [], "pairs": []}
    for name in analogy_sets:      # subword vectors answer for words outside the vocabulary (OOV)
        known, end, unseen = with_unseen_words(kv, name, restrict, not args.case_sensitive)
        score, sections = evaluate.evaluate_word_analogies(
            known, name, restrict_vocab=end, case_insensitive=not args.case_sensitive, method=args.method)
        rows = evaluate.summarize_analogies(sections)
        report["analogies"].append({"dataset": name, "method": args.method, "restrict_vocab": restrict,
                                    "accuracy": score, "sections": rows[:-1], "total": rows[-1],
                                    "oov_words_from_ngrams": len(unseen)})
    for name in pair_sets:
        known, end, unseen = with_unseen_words(kv, name, restrict, not args.case_sensitive, analogies=False)
        (r, pr), (rho, prho), oov = evaluate.evaluate_word_pairs(
            known, name, restrict_vocab=end, case_insensitive=not args.case_sensitive)
        report["pairs"].append({"dataset": name, "pearson": r, "pearson_p": pr, "spearman": rho,
                                "spearman_p": prho, "oov_percent": oov, "oov_words_from_ngrams": len(unseen)})
    if args.json:
        _print_json(report)
        return 0
    for a in report["analogies"]:
        rule = "3CosAdd" if a["method"] == "add" else "3CosMul"
        known = f"first {a['restrict_vocab']} words" if a["restrict_vocab"] else "all words"
        print(f"Analogies: {a['dataset']} ({rule}, {known})")
        print(f"  {'section':32s} {'correct':>8s} {'asked':>7s} {'accuracy':>9s} {'skipped (OOV)':>14s}")
        for row in a["sections"] + [a["total"]]:
            if row is a["total"]:
                print("  " + "-" * 74)
            asked = row["correct"] + row["incorrect"]
            acc = "n/a" if row["accuracy"] is None else f"{100 * row['accuracy']:.1f} %"
            print(f"  {pad(clip(row['section'], 32), 32)} {row['correct']:8d} {asked:7d} {acc:>9s} {row['oov']:14d}")
        if a["oov_words_from_ngrams"]:
            print(f"  {a['oov_words_from_ngrams']} question words are OOV: their vectors come from character n-grams")
        print()
    for p in report["pairs"]:
        print(f"Word pairs: {p['dataset']}")
        print(f"  Spearman {p['spearman']:.4f} (p={p['spearman_p']:.2g})   Pearson {p['pearson']:.4f} "
              f"(p={p['pearson_p']:.2g})   pairs with unknown words {p['oov_percent']:.1f} %")
        if p["oov_words_from_ngrams"]:
            print(f"  {p['oov_words_from_ngrams']} words are OOV: their vectors come from character n-grams")
    return 0


def run_probe(args):
    from ..evaluation.probe import format_report, probe

    words = _word_list(args.words)
    kv = _load(args)
    if args.bias_axis:
        result = probe(kv, bias_axes=args.bias_axis, bias_words=words, topn=args.topn, seed=args.seed)
    else:
        result = probe(kv, words=words, topn=args.topn, seed=args.seed)
    if args.json:
        _print_json(result)
    else:
        print(format_report(result))
    return 1 if result["verdict"]["training_bug"] else 0


def run_plot(args):
    from ..evaluation.plot import plot_words

    if (args.words is not None) + (args.top is not None or args.around is not None) != 1:
        raise ValueError("give --words, or --top N, or --around WORD (with --top N: N words in all)")
    check_outputs([(flag_name(args, "output", "-o"), args.output, None, "map.png")])
    words = _word_list(args.words)
    highlight = _word_list(args.highlight) or []
    kv = _load(args)
    top = args.top
    if args.around is not None:
        total = AROUND_TOP if top is None else top
        if total < 2:
            raise ValueError(f"--top with --around counts the word too: at least 2, not {total}")
        words = [args.around] + [w for w, _ in kv.most_similar(args.around, topn=total - 1)]
        highlight, top = [args.around] + highlight, None
    try:
        out = plot_words(kv, words=words, top=top, method=args.method, highlight=highlight,
                         output=args.output, title=args.title, seed=args.seed)
    except ImportError as e:   # a missing optional extra: one line, not a traceback
        raise ValueError(str(e)) from None
    print(f"wrote {out['path']} ({len(out['words'])} words"
          + (f"; not in the model: {', '.join(out['missing'])}" if out["missing"] else "") + ")")
    return 0


def run_plot_training(args):
    from ..evaluation.plot import load_training_log, plot_training

    check_outputs([(flag_name(args, "output", "-o"), args.output, None, "loss.png")])
    log = load_training_log(args.model)
    try:
        path = plot_training(log, output=args.output, title=args.title)
    except ImportError as e:
        raise ValueError(str(e)) from None
    print(f"wrote {path} ({len(log)} epochs)")
    return 0
