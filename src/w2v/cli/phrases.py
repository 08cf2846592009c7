"""``w2v phrases``: join frequent word pairs in a text file (gensim's Phrases or the C tool's word2phrase)."""
import argparse
import os
import sys
import time

from .options import add_reading_options, positive_int, reader_options
from .outputs import check_outputs

# The C tool's word2phrase prunes when its hash table is 70 % full: 0.7 * 500M entries.
C_TOOL_MAX_VOCAB = 350_000_000


def cmd_phrases(args):
    from ..phrases import load_connector_words, phrase_file

    c_style = args.c_train is not None
    if c_style and args.corpus is not None:
        raise ValueError("give the corpus once: either -train or a positional IN, not both")
    source = args.c_train if c_style else args.corpus
    output = args.c_output if c_style else args.output
    if source is None:
        raise ValueError("no corpus: w2v phrases IN -o OUT (or the C tool's -train IN -output OUT)")
    if output is None:
        raise ValueError("no output: give -o OUT (or -output OUT)")
    if not os.path.exists(source):
        raise FileNotFoundError(f"{source}: no such file or folder")
    check_outputs([("-output" if c_style else "-o", output, None, "joined.txt")])
    scoring = "word2phrase" if c_style else args.scoring
    if c_style and args.scoring not in (None, "word2phrase"):
        raise ValueError("the C tool's flags score as word2phrase; drop --scoring or -train")
    scoring = scoring or "default"
    threshold = args.c_threshold if args.c_threshold is not None else args.threshold
    if threshold is None:
        threshold = 100.0 if scoring == "word2phrase" else 10.0
    min_count = args.c_min_count if args.c_min_count is not None else args.min_count
    options = {"min_count": 5 if min_count is None else min_count, "threshold": threshold,
               "scoring": scoring, "delimiter": args.delimiter,
               "connector_words": load_connector_words(args.connector_words),
               "max_vocab_size": args.max_vocab_size or (C_TOOL_MAX_VOCAB if scoring == "word2phrase"
                                                         else 40_000_000)}
    start = time.perf_counter()
    stats = phrase_file(source, output, passes=args.passes, c_style=c_style, workers=args.threads,
                        reader_options=reader_options(args), **options)
    if not args.quiet:
        for i, s in enumerate(stats, 1):
            print(f"pass {i}: {s['tokens']:,} tokens, {s['candidates']:,} words and candidates, "
                  f"{s['phrases']:,} phrases, joined {s['joined']:,} times", file=sys.stderr)
        print(f"wrote {output} in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return 0


def register(sub):
    p = sub.add_parser(
        "phrases", help="join frequent word pairs (new york -> new_york) in a text file",
        description="Detect phrases and write the text with them joined, one sentence a line. "
                    "Scores as gensim's Phrases (default, npmi) or as the C tool's word2phrase; "
                    "the C tool's command line works unchanged: w2v phrases -train IN -output OUT "
                    "-threshold 100 -min-count 5.",
        allow_abbrev=False)
    p.add_argument("corpus", nargs="?", metavar="IN", help="text file (.gz/.bz2/.xz too) or folder")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write the joined text")
    p.add_argument("--min-count", type=int, help="ignore words and pairs seen fewer times (5)")
    p.add_argument("--threshold", type=float,
                   help="join pairs scoring above this (10; word2phrase 100; npmi in (-1, 1])")
    p.add_argument("--scoring", choices=("default", "npmi", "word2phrase"),
                   help="gensim's default or npmi score, or the C tool's word2phrase (default)")
    p.add_argument("--connector-words", metavar="english|FILE",
                   help="words that may sit inside a phrase but never start or end one "
                        "(english: a, an, the, of, ...; or a file of words)")
    p.add_argument("--passes", type=positive_int, default=1,
                   help="rounds of joining; 2 joins new_york and city too (1)")
    p.add_argument("--delimiter", default="_", help="glue between joined words (_)")
    p.add_argument("--max-vocab-size", type=positive_int,
                   help="prune rare words and pairs when more are held (40M; word2phrase 350M)")
    p.add_argument("--threads", type=positive_int, help="threads (the cores, at most 8); the output is the same")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    add_reading_options(p.add_argument_group("input"))
    c = p.add_argument_group("word2phrase C tool flags (w2v phrases -train IN -output OUT ...)")
    c.add_argument("-train", dest="c_train", metavar="FILE", help="the text to read")
    c.add_argument("-output", dest="c_output", metavar="FILE", help="where to write it, in word2phrase's layout")
    c.add_argument("-threshold", dest="c_threshold", type=float, help="join pairs scoring above this (100)")
    c.add_argument("-min-count", dest="c_min_count", type=int, help="ignore words and pairs seen fewer times (5)")
    c.add_argument("-debug", dest="c_debug", type=int, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_phrases)
