"""Commands that read trained vectors: ``w2v similar``, ``w2v analogy``, ``w2v convert``, ``w2v info``.

MODEL is a native w2v file (model or vectors) or any word2vec text/binary file, optionally compressed.
"""
import json
import os

from ..vectors import extensions, native
from .inputs import load_vectors, open_index
from .options import MODEL_HELP, add_no_header, positive_int
from .outputs import check_outputs, file_format, vectors_bytes
from .tables import display_width, pad

N_EXAMPLE_WORDS = 10

# The vector classes are imported by the commands that use them, so that building the parser (for
# every w2v command) does not load them.


def register(subparsers):
    """Add the query commands to the ``w2v`` parser's sub-commands."""
    p = subparsers.add_parser("similar", help="words closest to a word (or to a sum of words)",
                              description="Words closest (cosine) to the given words, minus the --negative ones.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("words", metavar="WORD", nargs="+", help="word(s) to start from")
    p.add_argument("--negative", metavar="WORD", nargs="+", default=[], help="word(s) to move away from")
    p.add_argument("--index", metavar="FILE", help="answer through this approximate index (w2v index)")
    _add_output_options(p, topn=10)
    p.set_defaults(func=run_similar)

    p = subparsers.add_parser("analogy", help="answer A : B :: C : ? (e.g. man king woman -> queen)",
                              description="Answer the analogy A is to B as C is to ?, leaving out A, B and C.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("a", metavar="A", help="a word (man)")
    p.add_argument("b", metavar="B", help="the word A is to (king)")
    p.add_argument("c", metavar="C", help="the word whose counterpart to find (woman)")
    p.add_argument("--method", choices=("add", "mul"), default="add",
                   help="3CosAdd (b - a + c, default) or 3CosMul")
    p.add_argument("--center", action="store_true", help="subtract the mean vector before normalising")
    _add_output_options(p, topn=5)
    p.set_defaults(func=run_analogy)

    p = subparsers.add_parser("convert", help="convert between native, word2vec text and binary files",
                              description="Convert vectors. OUT's name decides the format: .w2v native, "
                                          ".bin word2vec binary, .txt or .vec word2vec text (.gz/.bz2: "
                                          "compressed); --native/--binary/--text decide for any other "
                                          "name (default text) and must not contradict it.")
    p.add_argument("input", metavar="IN", help=MODEL_HELP)
    p.add_argument("output", metavar="OUT", help="the file to write")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--binary", dest="format", action="store_const", const="binary", help="word2vec binary")
    fmt.add_argument("--text", dest="format", action="store_const", const="text", help="word2vec text")
    fmt.add_argument("--native", dest="format", action="store_const", const="native",
                     help="w2v native vectors (.w2v)")
    add_no_header(p)
    p.add_argument("--from-gensim", action="store_true",
                   help="IN is a model or vectors written by gensim's save(); it is unpickled through "
                        "gensim (which must be installed), and unpickling runs code: only files you "
                        "trust. A Word2Vec model becomes a native w2v model that can train further")
    p.set_defaults(func=run_convert)

    p = subparsers.add_parser("info", help="vocabulary size, dimensions and a few words of a model",
                              description="Describe a model or vectors file.")
    p.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_no_header(p)
    p.set_defaults(func=run_info)


def _add_output_options(p, topn):
    p.add_argument("--topn", type=positive_int, default=topn, help=f"number of answers ({topn})")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_no_header(p)


def run_similar(args):
    kv = load_vectors(args.model, args.no_header)
    if args.index:
        given = set(args.words) | set(args.negative)
        answer = kv.most_similar(positive=args.words, negative=args.negative, topn=args.topn + len(given),
                                 indexer=open_index(args.index, kv))
        results = [(w, s) for w, s in answer if w not in given][:args.topn]     # as without an index
    else:
        results = kv.most_similar(positive=args.words, negative=args.negative, topn=args.topn)
    oov = oov_words(kv, args.words + args.negative)
    if args.json:
        _print_json({"positive": args.words, "negative": args.negative, "results": _records(results),
                     **({"oov": oov} if oov else {})})
    else:
        query = " + ".join(args.words) + "".join(f" - {w}" for w in args.negative)
        print(f"closest to: {query}")
        _print_oov(oov)
        _print_table(results)
    return 0


def run_analogy(args):
    kv = load_vectors(args.model, args.no_header)
    results = kv.analogy(args.a, args.b, args.c, topn=args.topn, method=args.method, center=args.center)
    oov = oov_words(kv, [args.a, args.b, args.c])
    if args.json:
        _print_json({"a": args.a, "b": args.b, "c": args.c, "method": args.method, "center": args.center,
                     "results": _records(results), **({"oov": oov} if oov else {})})
    else:
        print(f"{args.a} : {args.b} :: {args.c} : ?")
        _print_oov(oov)
        _print_table(results)
    return 0


def run_convert(args):
    from ..models.keyedvectors import KeyedVectors

    fmt = file_format(args.output, "OUT", args.format, default="text")
    check_outputs([("OUT", args.output, None, "vectors.w2v")])
    if args.from_gensim:
        return _convert_from_gensim(args.input, args.output, fmt)
    kv = load_vectors(args.input, args.no_header)
    if fmt == "native" and not native.is_native(args.input):
        kv = KeyedVectors(kv.index_to_key, kv.vectors)   # a word2vec file's counts are made up: store none
    compressed = args.output.endswith(extensions.COMPRESSIONS)
    check_outputs([("OUT", args.output, None if compressed else vectors_bytes(fmt, len(kv), kv.vector_size))])
    if fmt == "native":
        kv.save(args.output)
    else:
        kv.save_word2vec_format(args.output, binary=fmt == "binary")
    print(f"wrote {len(kv)} words x {kv.vector_size} dimensions to {args.output} "
          f"({extensions.describe_format(fmt)})")
    return 0


def _convert_from_gensim(path, output, fmt):
    from ..models.keyedvectors import KeyedVectors
    from ..models.word2vec import Word2Vec

    try:
        from gensim.utils import SaveLoad
    except ImportError:
        raise ValueError("--from-gensim reads gensim's pickles through gensim: pip install gensim") from None
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no such file")
    try:
        obj = SaveLoad.load(path)
    except Exception as e:      # whatever unpickling a file that is not gensim's raises
        raise ValueError(f"{path}: gensim could not load it ({type(e).__name__}: {e})") from None
    if hasattr(obj, "wv") and hasattr(obj, "sg"):
        model = Word2Vec.from_gensim(obj)
        kv, what = model.wv, "Word2Vec model"
        if fmt == "native":
            model.save(output)
    elif hasattr(obj, "index_to_key"):
        kv, what = KeyedVectors.from_gensim(obj), "KeyedVectors"
        if fmt == "native":
            kv.save(output)
    else:
        raise ValueError(f"{path}: holds a gensim {type(obj).__name__}, not a Word2Vec or KeyedVectors")
    if fmt != "native":
        kv.save_word2vec_format(output, binary=fmt == "binary")
    print(f"wrote the gensim {what}'s {len(kv)} words x {kv.vector_size} dimensions to {output} "
          f"({extensions.describe_format(fmt)})")
    return 0


def run_info(args):
    from ..vectors import facebook, formats

    kv = load_vectors(args.model, args.no_header)
    if native.is_native(args.model):
        fmt = "native"
    elif facebook.is_facebook(args.model):
        fmt = "fastText .bin"
    else:
        fmt = ("word2vec text" if args.no_header or not formats.is_binary(args.model)
               else "word2vec binary")
    info = {"path": args.model, "format": fmt, "words": len(kv), "dimensions": kv.vector_size,
            "counts": fmt in ("native", "fastText .bin") and bool(kv.counts.any()), "first_words": kv.index_to_key[:N_EXAMPLE_WORDS]}
    training = training_settings(args.model) if fmt == "native" else None
    if training is not None:
        info["training"] = training
    if args.json:
        _print_json(info)
    else:
        rows = [("path", info["path"]), ("format", fmt), ("words", f"{len(kv):,}"),
                ("dimensions", str(kv.vector_size)),
                ("word counts", "yes" if info["counts"] else "not stored"),
                ("first words", " ".join(info["first_words"]))]
        if training is not None:
            rows += describe_training(training)
        for name, value in rows:
            print(f"{name:<12} {value}")
    return 0


def oov_words(kv, words):
    """The query words outside the vocabulary that the vectors still answer for (subword vectors
    build them from character n-grams); plain vectors raise for those before this is asked."""
    return [w for w in dict.fromkeys(words) if not kv.has_index_for(w)]


def _print_oov(oov):
    if oov:
        print(f"OOV (not in the vocabulary; vectors from character n-grams): {', '.join(oov)}")


# The settings `w2v info` shows of a native model, in this order (Config's names).
INFO_SETTINGS = ("sg", "vector_size", "window", "negative", "hs", "softmax", "ns_exponent", "cbow_mean",
                 "sample", "min_count", "max_final_vocab", "epochs", "alpha", "min_alpha", "seed", "workers")


def training_settings(path):
    """How the native model at ``path`` was trained (None for vectors alone): its settings, how it
    read the corpus, the corpus's size and each epoch's loss."""
    meta, _ = native.load_native(path, mmap="r")       # the header only: no weights read
    config = meta.get("config")
    if not isinstance(config, dict):
        return None
    log = meta.get("training_log") or []
    return {"settings": {k: config[k] for k in INFO_SETTINGS if k in config},
            "reader_options": meta.get("reader_options") or {},
            "corpus_sentences": meta.get("corpus_count"), "corpus_tokens": meta.get("corpus_total_words"),
            "epochs_trained": len(log), "loss_per_epoch": [e.get("loss") for e in log]}


def describe_training(training):
    """Table rows for :func:`training_settings`."""
    s = training["settings"]
    objective = [f"negative sampling ({s['negative']})" if s.get("negative") else None,
                 "hierarchical softmax" if s.get("hs") else None, "softmax" if s.get("softmax") else None]
    rows = [("trained as", f"{'skip-gram' if s.get('sg') else 'CBOW'}, "
                           f"{' + '.join(o for o in objective if o) or 'no objective'}, window {s.get('window')}"),
            ("settings", ", ".join(f"{k} {v}" for k, v in s.items()
                                   if v is not None and k not in ("sg", "negative", "hs", "softmax", "window")))]
    readers = training["reader_options"]
    if readers:
        rows.append(("read with", ", ".join(f"{k} {v}" for k, v in readers.items() if v is not None)))
    if training["corpus_tokens"]:
        rows.append(("corpus", f"{training['corpus_tokens']:,} tokens in {training['corpus_sentences']:,} sentences"))
    losses = [f"{x:.4f}" for x in training["loss_per_epoch"] if isinstance(x, (int, float))]
    rows.append(("epochs", f"{training['epochs_trained']} trained" + (f"; loss {', '.join(losses)}" if losses else "")))
    return rows


def _records(results):
    return [{"word": w, "similarity": round(s, 6)} for w, s in results]


def _print_table(results):
    width = max([display_width(w) for w, _ in results] + [4])
    print(f"{'rank':>4}  {pad('word', width)}  similarity")
    for rank, (word, score) in enumerate(results, 1):
        print(f"{rank:>4}  {pad(word, width)}  {score:.4f}")


def _print_json(obj):
    print(json.dumps(obj, ensure_ascii=False))

