"""``w2v doc2vec``: train document vectors on a file of documents (one a line), and query them:
similar documents, a vector inferred for new text, and search (infer, then nearest documents)."""
import os
import sys
import time

from .options import positive_int
from .outputs import check_outputs

PREVIEW_WORDS = 12      # words of each document that `search` shows


def read_documents(path, tags, encoding="utf-8"):
    """The documents of a file, one a line, as :class:`~w2v.TaggedDocument`: tagged by line number
    (``tags="line"``) or by the text before the line's first tab (``tags="first-field"``)."""
    from ..corpus import Source, text_lines
    from ..corpus.documents import TaggedDocument

    number = 0
    for lines in text_lines(Source(path), encoding, "strict", None):
        for line in lines:
            number += 1
            if tags == "first-field":
                tag, tab, text = line.partition("\t")
                if not tab or not tag.strip():
                    raise ValueError(f"{path}: line {number}: no id before a tab (--tags first-field "
                                     "reads ID<TAB>text lines)")
                tag = tag.strip()
            else:
                tag, text = number - 1, line
            yield TaggedDocument(text.split(), [tag])


class Documents:
    """A restartable iterable of :func:`read_documents` (the model reads the corpus twice)."""

    def __init__(self, path, tags):
        self.path, self.tags = path, tags

    def __iter__(self):
        return read_documents(self.path, self.tags)


def previews(documents, tag_rows):
    """The first words of the first document of each tag row (what ``search`` prints)."""
    shown = [""] * len(tag_rows)
    for doc in documents:
        for row in tag_rows.rows(doc.tags):
            if not shown[row]:
                shown[row] = " ".join(doc.words[:PREVIEW_WORDS])
    return shown


def cmd_train(args):
    from ..models.doc2vec import Doc2Vec

    if not os.path.exists(args.corpus):
        raise FileNotFoundError(f"{args.corpus}: no such file")
    if os.path.isdir(args.corpus):
        raise IsADirectoryError(f"{args.corpus}: is a folder; give a file, one document per line")
    check_outputs([("-o", args.output, None, "docs.w2v")])
    settings = dict(vector_size=args.size, window=args.window, min_count=args.min_count,
                    epochs=args.epochs, negative=0 if args.hs and args.negative is None else
                    (5 if args.negative is None else args.negative), hs=int(args.hs),
                    sample=args.sample, dm=0 if args.dbow else 1, dbow_words=int(args.dbow_words),
                    dm_mean=0 if args.dm_sum else None, dm_concat=int(args.dm_concat), seed=args.seed,
                    progress=not args.quiet)
    if args.alpha is not None:
        settings["alpha"] = args.alpha
    if args.threads is not None:
        settings["workers"] = args.threads
    if args.dbow_words and not args.dbow:
        raise ValueError("--dbow-words trains word vectors alongside PV-DBOW: give it with --dbow")
    start = time.perf_counter()
    documents = Documents(args.corpus, args.tags)
    if args.tags == "line":           # tagged by line number: the compiled reader reads the file
        model = Doc2Vec(corpus_file=args.corpus, **settings)
    else:
        model = Doc2Vec(documents, **settings)
    model.doc_previews = previews(documents, model.tags)
    model.save(args.output)
    if not args.quiet:
        print(f"{len(model.dv):,} documents, {len(model.wv):,} words, {model.vector_size} dimensions "
              f"({str(model)}); wrote {args.output} in {time.perf_counter() - start:.1f}s",
              file=sys.stderr)
    return 0


def load(path):
    from ..models.doc2vec import Doc2Vec

    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file")
    return Doc2Vec.load(path, mmap="r")


def tag_of(model, text):
    """The tag the user typed: a string tag if the model has it, else an int tag's number."""
    if text in model.dv.key_to_index:
        return text
    if text.lstrip("-").isdigit() and 0 <= int(text) <= model.tags.max_int:
        return int(text)
    raise ValueError(f"no document tagged {text!r} in the model ({len(model.dv):,} tags"
                     + (f", ints 0..{model.tags.max_int}" if model.tags.max_int >= 0 else "") + ")")


def print_neighbours(model, pairs):
    shown = getattr(model, "doc_previews", None)
    for tag, sim in pairs:
        preview = shown[model.dv.get_index(tag)] if shown else ""
        print(f"{tag}\t{sim:.4f}" + (f"\t{preview}" if preview else ""))


def cmd_similar(args):
    model = load(args.model)
    print_neighbours(model, model.dv.most_similar(tag_of(model, args.tag), topn=args.topn))
    return 0


def texts(args):
    if args.file is not None and args.text is not None:
        raise ValueError("give the text or --file, not both")
    if args.file is not None:
        from ..corpus import Source, text_lines
        if not os.path.exists(args.file):
            raise FileNotFoundError(f"{args.file}: no such file")
        return [line for lines in text_lines(Source(args.file), "utf-8", "strict", None) for line in lines]
    if args.text is None:
        raise ValueError("no text: give it as an argument or --file FILE (one document a line)")
    return [args.text]


def cmd_infer(args):
    model = load(args.model)
    # all the lines in one batched call: the same vectors as infer_vector line by line
    for vector in model.infer_vectors([text.split() for text in texts(args)], epochs=args.epochs):
        print(" ".join(f"{x:.6f}" for x in vector.tolist()))
    return 0


def cmd_search(args):
    model = load(args.model)
    words = args.query.split()
    if not any(w in model.wv.key_to_index for w in words):
        raise ValueError(f"none of the query's words is in the model's vocabulary: {args.query!r}")
    vector = model.infer_vector(words, epochs=args.epochs)
    print_neighbours(model, model.dv.most_similar([vector], topn=args.topn))
    return 0


def register(sub):
    p = sub.add_parser("doc2vec", help="document vectors (gensim's Doc2Vec): train, similar, infer, search",
                       description="Paragraph vectors: one document per line.", allow_abbrev=False)
    cmds = p.add_subparsers(dest="doc2vec_command", metavar="COMMAND", parser_class=type(p),
                            help="train, similar, infer or search (w2v doc2vec COMMAND --help)")
    t = cmds.add_parser("train", help="train on a file, one document per line", allow_abbrev=False,
                        description="Train Doc2Vec (PV-DM by default) on a text file, one document a line.")
    t.add_argument("corpus", metavar="DOCS", help="text file (.gz/.bz2/.xz too), one document per line")
    t.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to save the model (.w2v)")
    mode = t.add_mutually_exclusive_group()
    mode.add_argument("--dm", action="store_true", help="PV-DM: tags join the context's mean (default)")
    mode.add_argument("--dbow", action="store_true", help="PV-DBOW: each tag predicts the document's words")
    t.add_argument("--dbow-words", action="store_true", help="with --dbow, train word vectors too (skip-gram)")
    t.add_argument("--dm-sum", action="store_true", help="PV-DM with the sum of the context, not its mean")
    t.add_argument("--dm-concat", action="store_true", help="PV-DM with the context concatenated")
    t.add_argument("--tags", choices=("line", "first-field"), default="line",
                   help="tag documents by line number (0-based, default) or by the id before the first tab")
    t.add_argument("--size", type=positive_int, default=100, help="dimensions (100)")
    t.add_argument("--window", type=positive_int, default=5, help="context words on each side (5)")
    t.add_argument("--min-count", type=int, default=5, help="ignore words seen fewer times (5)")
    t.add_argument("--epochs", type=positive_int, default=10, help="passes over the documents (10)")
    t.add_argument("--negative", type=int, help="noise words per example (5; 0 with --hs)")
    t.add_argument("--hs", action="store_true", help="hierarchical softmax")
    t.add_argument("--sample", type=float, default=1e-3, help="subsampling threshold (1e-3)")
    t.add_argument("--alpha", type=float, help="starting learning rate (0.025)")
    t.add_argument("--threads", type=positive_int, help="worker threads (3)")
    t.add_argument("--seed", type=int, default=1, help="random seed (1)")
    t.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
    t.set_defaults(func=cmd_train)
    s = cmds.add_parser("similar", help="documents nearest a trained document", allow_abbrev=False)
    s.add_argument("model", metavar="MODEL", help="a model saved by w2v doc2vec train (.w2v)")
    s.add_argument("tag", metavar="TAG", help="the document's tag (its line number, or its id)")
    s.add_argument("--topn", type=positive_int, default=10, help="how many documents (10)")
    s.set_defaults(func=cmd_similar)
    for name, func, text_help in (("infer", cmd_infer, "print a vector for new text (one line of numbers)"),
                                  ("search", cmd_search, "infer a vector for a query, print the nearest documents")):
        q = cmds.add_parser(name, help=text_help, allow_abbrev=False)
        q.add_argument("model", metavar="MODEL", help="a model saved by w2v doc2vec train (.w2v)")
        if name == "infer":
            q.add_argument("text", nargs="?", metavar="TEXT", help="the text (words split on whitespace)")
            q.add_argument("--file", metavar="FILE", help="infer each line of FILE (a vector a line)")
        else:
            q.add_argument("query", metavar="TEXT", help="the query text (words split on whitespace)")
            q.add_argument("--topn", type=positive_int, default=10, help="how many documents (10)")
        q.add_argument("--epochs", type=positive_int, help="inference passes (the model's epochs)")
        q.set_defaults(func=func)
    p.set_defaults(func=lambda args: _usage(p))


def _usage(parser):
    parser.print_help()
    return 2
