"""``w2v vocab``: count a corpus's words, print them or save them in the C tool's format."""
import os
import sys

from .options import add_reading_options, flag_name, reader_options
from .outputs import check_outputs


def register(sub):
    v = sub.add_parser("vocab", help="count a corpus's words; print or save them (word count)",
                       description="Count the words of a corpus (same reading as w2v train) and print "
                                   "'word count' lines, most frequent first, or save them in the C "
                                   "tool's vocabulary format (w2v train -read-vocab reads it).",
                       allow_abbrev=False)
    v.add_argument("corpus", help="text file (.gz/.bz2/.xz too) or folder, one sentence a line")
    v.add_argument("-o", "--output", metavar="FILE", help="save in the C tool's vocabulary format")
    v.add_argument("--min-count", type=int, default=5, metavar="N",
                   help="leave out words rarer than this (5)")
    v.add_argument("--max-vocab-size", type=int, metavar="N",
                   help="prune rare words while counting above this many words")
    v.add_argument("--top", type=int, metavar="N", help="print only the N most frequent words")
    add_reading_options(v)
    v.set_defaults(func=cmd_vocab)


def cmd_vocab(args):
    from ..corpus import as_sentences
    from ..corpus.encoded import scan
    from ..corpus.vocab import Vocab

    check_outputs([(flag_name(args, "output", "-o"), args.output, None, "vocab.txt")])
    if not os.path.exists(args.corpus):
        raise FileNotFoundError(f"{args.corpus}: no such file or folder")
    sentences = as_sentences(args.corpus, **reader_options(args))
    result = scan(sentences, max_vocab_size=args.max_vocab_size)
    try:
        vocab = Vocab.build(result.words, result.counts, min_count=args.min_count)
    finally:
        result.close()
    if args.output:
        vocab.save_c(args.output)
        print(f"{len(vocab)} words ({result.n_tokens} tokens) saved to {args.output}",
              file=sys.stderr)
    else:
        limit = len(vocab) if args.top is None else args.top
        for word, count in zip(vocab.words[:limit], vocab.counts[:limit].tolist()):
            print(f"{word} {count}")
    return 0
