"""Option helpers shared by the commands: argparse types, the flags several commands take (MODEL,
--no-header, how text is read), and how the user spelled a flag."""
import argparse
import os

MODEL_HELP = "native model/vectors (.w2v) or word2vec text/binary file"
# --tokenizer jieba options: flag dest -> ChineseTokenizer keyword
JIEBA_OPTIONS = {"user_dict": "user_dict", "stopwords": "stopwords", "keep_punct": "keep_punct",
                 "to_simplified": "to_simplified", "segment_processes": "processes"}


def non_negative_int(text):
    """argparse type: a whole number >= 0, with a one-line message otherwise."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {value}")
    return value


def positive_int(text):
    """argparse type: a whole number >= 1."""
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def fraction(text):
    """argparse type: a number in (0, 1]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], not {value}")
    return value


def default_threads():
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def flag_name(args, dest, default):
    """How the user spelled the option stored in ``dest`` (``-o`` or ``--output``)."""
    return (getattr(args, "typed_flags", None) or {}).get(dest, default)


def add_no_header(p):
    """``--no-header``: MODEL is a word2vec text file without its 'V D' first line (GloVe)."""
    p.add_argument("--no-header", action="store_true",
                   help="MODEL is word2vec text without the 'V D' first line (e.g. GloVe)")


def add_reading_options(g):
    """--tokenizer, --encoding, --encoding-errors: how a corpus is read (every command that reads one)."""
    g.add_argument("--tokenizer", help="whitespace (default), simple, or jieba")
    g.add_argument("--encoding", help="text encoding of the corpus (utf-8), or auto to detect it")
    g.add_argument("--encoding-errors", dest="errors", choices=("strict", "replace"),
                   help="what to do with invalid bytes (strict: stop with an error)")
    return g


def reader_options(args):
    """The reading flags of :func:`add_reading_options` as the readers' keyword arguments (unset left out)."""
    options = {"tokenizer": tokenizer_option(args), "encoding": args.encoding, "errors": args.errors}
    return {k: v for k, v in options.items() if v is not None}


def add_text_options(p):
    """How text is read and tokenized: shared by ``w2v train`` and ``w2v corpus``."""
    t = add_reading_options(p.add_argument_group("input"))
    t.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    z = p.add_argument_group("Chinese text (implies --tokenizer jieba; python3 -m pip install '.[zh]' in the clone)")
    z.add_argument("--user-dict", metavar="FILE",
                   help="jieba user dictionary: names and terms kept whole, 'word [freq] [tag]' a line")
    z.add_argument("--stopwords", metavar="zh|FILE",
                   help="drop these words: zh (the bundled list of function words) or a file")
    z.add_argument("--keep-punct", action="store_const", const=True,
                   help="keep punctuation tokens (default: drop them)")
    z.add_argument("--to-simplified", action="store_const", const=True,
                   help="convert traditional characters to simplified first (OpenCC)")
    z.add_argument("--segment-processes", type=int, metavar="N",
                   help="processes segmenting large blocks in parallel (1)")


def tokenizer_option(args):
    """The tokenizer the flags of :func:`add_text_options` ask for (a name, or a ChineseTokenizer)."""
    jieba_options = {kw_name: getattr(args, flag) for flag, kw_name in JIEBA_OPTIONS.items()
                     if getattr(args, flag, None) is not None}
    if jieba_options or args.tokenizer == "jieba":
        return jieba_tokenizer(args.tokenizer, jieba_options)
    return args.tokenizer


def jieba_tokenizer(name, options):
    """``"jieba"`` itself when no option is set (a model file can record a name), else a tokenizer."""
    from ..corpus.chinese import ChineseTokenizer, require_jieba

    if name not in (None, "jieba"):
        raise ValueError(f"--user-dict, --stopwords, --keep-punct, --to-simplified and "
                         f"--segment-processes apply to --tokenizer jieba, not {name}")
    try:   # a missing optional extra: one line, not a traceback
        if not options:
            require_jieba()
            return "jieba"
        return ChineseTokenizer(**options)
    except ImportError as e:
        raise ValueError(str(e)) from None
