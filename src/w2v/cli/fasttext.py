"""fastText's own unsupervised command lines with ``w2v`` in place of ``fasttext``: ``skipgram``,
``cbow`` (write ``OUT.bin`` and ``OUT.vec``), ``print-word-vectors``, ``nn`` and ``analogies``,
with fastText's single-dash flags, defaults and output formats.
"""
import re
import sys

from . import UsageError

# fastText's flags for unsupervised training: (flag, FastText keyword, type, fastText's default)
FASTTEXT_FLAGS = (
    ("-lr", "alpha", float, 0.05), ("-dim", "vector_size", int, 100), ("-ws", "window", int, 5),
    ("-epoch", "epochs", int, 5), ("-minCount", "min_count", int, 5), ("-neg", "negative", int, 5),
    ("-bucket", "bucket", int, 2_000_000), ("-minn", "min_n", int, 3), ("-maxn", "max_n", int, 6),
    ("-thread", "workers", int, 12), ("-t", "sample", float, 1e-4), ("-seed", "seed", int, 0),
    ("-wordNgrams", "word_ngrams", int, 1),
)
LOSSES = ("ns", "hs", "softmax")
# FastText parameter -> the flag of ``w2v train`` that sets it
SUBWORD_FLAGS = {"min_n": "--minn", "max_n": "--maxn", "bucket": "--bucket"}
MODELS = ("word2vec", "fasttext")


def add_subword_options(p):
    """``w2v train``'s ``--model fasttext`` and its n-gram flags (defaults: FastText's)."""
    g = p.add_argument_group("subwords (--model fasttext: vectors for unseen words from character n-grams)")
    g.add_argument("--model", choices=MODELS, default="word2vec",
                   help="word2vec (default) or fasttext (words + character n-grams)")
    g.add_argument("--minn", dest="min_n", type=int, help="shortest n-gram, in characters (3)")
    g.add_argument("--maxn", dest="max_n", type=int, help="longest n-gram; 0 for none (6)")
    g.add_argument("--bucket", type=int, help="hash buckets of n-gram rows; 0 for none (2000000)")


def model_class(args):
    """The model class ``w2v train`` builds: FastText for ``--model fasttext``, else Word2Vec; the
    n-gram flags without ``--model fasttext`` are a usage error."""
    from ..models.word2vec import Word2Vec

    if getattr(args, "model", None) == "fasttext":
        from ..models.fasttext import FastText
        return FastText
    given = [flag for dest, flag in SUBWORD_FLAGS.items() if getattr(args, dest, None) is not None]
    if given:
        raise UsageError(f"w2v train: {', '.join(given)} set n-grams, which need --model fasttext")
    return Word2Vec


def checkpoint_class(folder):
    """The model class whose checkpoint ``folder`` holds (FastText's or Word2Vec's)."""
    import os

    from ..models.fasttext import FastText
    from ..models.word2vec import CHECKPOINT_NAME, Word2Vec
    from ..vectors.native import stored_kind

    kind = stored_kind(os.path.join(os.fspath(folder), CHECKPOINT_NAME))
    return FastText if kind == FastText.checkpoint_kind else Word2Vec


def register(subparsers):
    """Add fastText's commands to the ``w2v`` parser's sub-commands."""
    for name, sg in (("skipgram", 1), ("cbow", 0)):
        p = subparsers.add_parser(name, help=f"fastText's {name}: train subword vectors, write OUT.bin and OUT.vec",
                                  description=f"Train a FastText {name} model as 'fasttext {name}' does "
                                              "(its flags and defaults); write OUT.bin (fastText's "
                                              "format) and OUT.vec (text vectors).")
        p.add_argument("-input", required=True, metavar="FILE", help="training text")
        p.add_argument("-output", required=True, metavar="OUT", help="writes OUT.bin and OUT.vec")
        for flag, dest, kind, default in FASTTEXT_FLAGS:
            p.add_argument(flag, dest=dest, type=kind, default=default, help=f"({default})")
        p.add_argument("-loss", choices=LOSSES, default="ns", help="(ns)")
        p.add_argument("-lrUpdateRate", dest="lr_update_rate", type=int, default=100,
                       help="accepted; the rate falls smoothly (100)")
        p.add_argument("-verbose", type=int, default=2, help="0: no progress bar (2)")
        p.add_argument("-tokenizer", default="whitespace", help="whitespace (fastText's), simple or jieba")
        p.set_defaults(func=run_train, sg=sg)

    p = subparsers.add_parser("print-word-vectors", help="fastText's: vectors of the words read from stdin",
                              description="Print 'word v1 v2 ...' for each word read from standard "
                                          "input, seen in training or not (fastText's format).")
    p.add_argument("model", metavar="MODEL.bin", help="fastText .bin or w2v FastText file")
    p.set_defaults(func=run_print_word_vectors)

    for name, what, description, func in (
            ("nn", "nearest neighbours of words read from stdin",
             "For each query word read from standard input, print the k nearest words and their "
             "cosine similarity (fastText's format).", run_nn),
            ("analogies", "A - B + C for triplets read from stdin",
             "For each triplet A B C read from standard input, print the k words closest to "
             "A - B + C (fastText's format).", run_analogies)):
        p = subparsers.add_parser(name, help=f"fastText's: {what}", description=description)
        p.add_argument("model", metavar="MODEL.bin", help="fastText .bin or w2v FastText file")
        p.add_argument("k", nargs="?", type=int, default=10, help="answers (10)")
        p.set_defaults(func=func)


def format_vector(vector):
    """fastText's text form of a vector (see :func:`w2v.vectors.facebook.format_vector`)."""
    from ..vectors.facebook import format_vector as fmt
    return fmt(vector)


def with_unseen_words(kv, dataset, restrict, case_insensitive, analogies=True):
    """``(vectors, restrict_vocab, unseen words)`` to evaluate ``dataset`` with: for subword
    vectors the first ``restrict`` words plus the dataset's words outside them (OOV), their
    vectors built from n-grams (analogies: not the answers, which are searched among the words);
    other vectors as they are."""
    if not hasattr(kv, "with_unseen"):
        return kv, restrict, []
    from ..evaluation.evaluate import dataset_words
    asked, answers = dataset_words(dataset, analogies=analogies)
    extended, added = kv.with_unseen(asked - answers, restrict, lower=case_insensitive)
    return extended, None, added


def load_subword_vectors(path):
    """FastTextKeyedVectors of a fastText ``.bin`` or of a w2v file (native FastText vectors or model)."""
    from ..models.fasttext import load_any_vectors
    return load_any_vectors(path)


def stdin_words():
    """Whitespace-separated tokens of standard input, as C++ ``std::cin >> word`` reads them."""
    for line in sys.stdin:
        yield from line.split()


def run_print_word_vectors(args):
    kv = load_subword_vectors(args.model)
    out = sys.stdout
    for word in stdin_words():
        out.write(f"{word} {format_vector(kv.get_vector(word) if word in kv else _zeros(kv))}\n")
    return 0


def _zeros(kv):
    import numpy as np
    return np.zeros(kv.vector_size, np.float32)


def run_nn(args):
    kv = _checked(args)
    unit = kv.get_normed_vectors()
    prompt = "Query word? "
    sys.stdout.write(prompt)
    for word in stdin_words():
        _print_neighbours(kv, unit, kv.get_vector(word) if word in kv else _zeros(kv), {word}, args.k)
        sys.stdout.write(prompt)
        sys.stdout.flush()
    return 0


def run_analogies(args):
    import numpy as np

    kv = _checked(args)
    unit = kv.get_normed_vectors()
    prompt = "Query triplet (A - B + C)? "
    sys.stdout.write(prompt)
    words = stdin_words()
    for a in words:
        b, c = next(words, None), next(words, None)
        if c is None:
            break
        query = np.zeros(kv.vector_size, np.float32)
        for word, sign in ((a, 1.0), (b, -1.0), (c, 1.0)):
            v = kv.get_vector(word) if word in kv else _zeros(kv)
            query += np.float32(sign / (np.linalg.norm(v) + 1e-8)) * v
        _print_neighbours(kv, unit, query, {a, b, c}, args.k)
        sys.stdout.write(prompt)
        sys.stdout.flush()
    return 0


def _checked(args):
    if args.k < 1:
        raise UsageError(f"w2v {args.command}: k must be at least 1, not {args.k}")
    return load_subword_vectors(args.model)


def _print_neighbours(kv, unit, query, banned, k):
    """fastText's ``getNN``: dot products with the unit word vectors ``unit`` over the query's norm; the
    banned words are left out; 'word similarity' lines, similarity as C++ prints a float."""
    import numpy as np

    length = np.float32(np.linalg.norm(query))
    length = np.float32(1.0) if abs(length) < 1e-8 else length
    scores = (unit @ query) / length
    lines = []
    for i in np.argsort(-scores, kind="stable").tolist():
        word = kv.index_to_key[i]
        if word in banned:
            continue
        lines.append(f"{word} {float(np.float32(scores[i])):g}\n")
        if len(lines) == k:
            break
    sys.stdout.write("".join(lines))


def run_train(args):
    from ..models.fasttext import FastText, save_facebook_model
    from ..vectors.facebook import write_vec

    settings = {dest: getattr(args, dest) for _, dest, _, _ in FASTTEXT_FLAGS}
    if args.loss != "ns":
        settings["negative"] = 0
    try:
        model = FastText(sg=args.sg, hs=int(args.loss == "hs"), softmax=int(args.loss == "softmax"),
                         min_alpha=0.0, ns_exponent=0.5, progress=args.verbose >= 2,
                         tokenizer=args.tokenizer, **settings)
    except ValueError as e:        # name fastText's flags, not the parameters behind them
        message = str(e)
        for flag, dest, _, _ in FASTTEXT_FLAGS:
            message = re.sub(rf"\b{dest}\b", flag, message)
        raise ValueError(message) from None
    model.build_vocab(corpus_file=args.input)
    model.train(corpus_file=args.input, total_examples=model.corpus_count, epochs=model.epochs)
    save_facebook_model(model, args.output + ".bin", lr_update_rate=args.lr_update_rate)
    write_vec(args.output + ".vec", model.wv.index_to_key, model.wv.vectors)
    return 0
