"""The original word2vec C tool's single-dash flags for ``w2v train -train FILE -output FILE ...``.

:data:`C_PARAMS` is the one table: which Word2Vec parameter each C flag sets. The flags' dests,
types and choices, the keyword arguments they give Word2Vec and the flag an error message names
are all derived from it and from :class:`w2v.models.config.Config`.
"""
import argparse
import dataclasses

from ..models.config import Config

# C flag -> (the Word2Vec parameter it sets, help). -cbow sets sg inverted: -cbow 1 is sg=0.
C_PARAMS = {
    "-cbow": ("sg", "1: CBOW (default), 0: skip-gram"),
    "-size": ("vector_size", "dimensions"),
    "-window": ("window", "maximum context window"),
    "-negative": ("negative", "negative samples"),
    "-hs": ("hs", "1: hierarchical softmax"),
    "-sample": ("sample", "subsampling threshold"),
    "-threads": ("workers", "worker threads"),
    "-iter": ("epochs", "passes over the corpus"),
    "-min-count": ("min_count", "discard words rarer than this"),
    "-alpha": ("alpha", "initial learning rate (0.025 skip-gram, 0.05 CBOW)"),
}
INVERTED = {"-cbow"}            # 0/1 flags whose value is 1 - the parameter's
C_SWITCHES = {"-cbow", "-hs"}     # flags that take 0 or 1
NO_DEFAULT_SHOWN = {"-cbow", "-threads", "-alpha"}   # their help says it, or it depends on the machine
C_BINARY = {"binary": "-binary 1", "text": "-binary 0"}
C_DEFAULTS = {"sg": 0}          # the C tool trains CBOW unless -cbow 0 ...
C_CBOW_ALPHA = 0.05             # ... and its CBOW learning rate is 0.05


def c_dest(flag):
    """The argparse dest of a C flag: ``-min-count`` -> ``c_min_count``."""
    return "c_" + flag.lstrip("-").replace("-", "_")


def c_dests():
    """Word2Vec parameter -> the dest of the C flag that sets it."""
    return {param: c_dest(flag) for flag, (param, _) in C_PARAMS.items()}


def add_c_tool_options(p):
    """The original word2vec tool's single-dash flags, accepted unchanged."""
    defaults = {f.name: f.default for f in dataclasses.fields(Config)}
    c = p.add_argument_group("word2vec C tool flags (w2v train -train FILE -output FILE ...)")
    c.add_argument("-train", dest="c_train", metavar="FILE", help="the corpus")
    c.add_argument("-output", dest="c_output", metavar="FILE",
                   help="the vectors, word2vec text (-binary 0, default) or binary (-binary 1); "
                        "a .w2v name saves the native model instead")
    for flag, (param, text) in C_PARAMS.items():
        default = defaults[param]
        kind = type(default)
        if flag not in NO_DEFAULT_SHOWN:
            text = f"{text} ({default:g})" if kind is float else f"{text} ({default})"
        if flag in C_SWITCHES:
            c.add_argument(flag, dest=c_dest(flag), type=int, choices=(0, 1), help=text)
        else:
            c.add_argument(flag, dest=c_dest(flag), type=kind, metavar="N" if kind is int else "X",
                           help=text)
    c.add_argument("-binary", dest="c_binary", type=int, choices=(0, 1),
                   help="1: write -output as word2vec binary, 0: text (default: from the name, "
                        ".bin binary, else text)")
    c.add_argument("-save-vocab", dest="c_save_vocab", metavar="FILE", help="write the word counts here")
    c.add_argument("-read-vocab", dest="c_read_vocab", metavar="FILE",
                   help="take the vocabulary from this file instead of counting")
    c.add_argument("-classes", dest="c_classes", type=int, metavar="K",
                   help="not supported: word classes (k-means over the vectors)")
    c.add_argument("-debug", dest="c_debug", type=int, help=argparse.SUPPRESS)


def c_tool_kwargs(args, kw):
    """Fill ``kw`` (Word2Vec keyword arguments) with what the C flags set and ours left unset, then
    the C tool's own defaults (CBOW, at rate 0.05)."""
    for flag, (param, _) in C_PARAMS.items():
        value = getattr(args, c_dest(flag), None)
        if value is not None:
            kw.setdefault(param, 1 - value if flag in INVERTED else value)
    for param, value in C_DEFAULTS.items():
        kw.setdefault(param, value)
    kw.setdefault("alpha", Config.alpha if kw["sg"] else C_CBOW_ALPHA)
    return kw
