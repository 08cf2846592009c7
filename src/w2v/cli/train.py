"""``w2v train``: train (our flags, or the C tool's of :mod:`.ctool`) and ``--resume`` from checkpoints."""
import dataclasses
import os
import re
import sys
import time

from ..corpus import READER_OPTIONS
from ..models.config import Config  # noqa: F401 (the structure test extends it here)
from ..vectors import extensions
from .ctool import C_BINARY, add_c_tool_options, c_dests, c_tool_kwargs
from .fasttext import SUBWORD_FLAGS, add_subword_options, checkpoint_class, model_class
from .options import add_text_options, default_threads, flag_name, positive_int, tokenizer_option
from .outputs import check_output_folder, check_outputs, file_format, vectors_bytes
from .progress import progress_mode

# Word2Vec parameter -> the flag of ours that sets it (its first spelling; add_training_options)
PARAM_FLAGS = {
    "vector_size": "--size", "window": "--window", "negative": "--negative", "hs": "--hs",
    "softmax": "--softmax", "ns_exponent": "--ns-exponent", "cbow_mean": "--cbow-sum",
    "sample": "--sample", "min_count": "--min-count", "max_vocab_size": "--max-vocab-size",
    "max_final_vocab": "--max-final-vocab", "epochs": "--epochs", "alpha": "--alpha",
    "min_alpha": "--min-alpha", "workers": "--threads", "seed": "--seed", "sg": "--sg",
    **SUBWORD_FLAGS,
}
SWITCHES = ("hs", "softmax")      # our flags that take no value: hs=1 is --hs


def add_training_options(p):
    """Our own flags; every default is None so the C tool's flags can fill what is unset."""
    g = p.add_argument_group("model")
    arch = g.add_mutually_exclusive_group()
    arch.add_argument("--sg", dest="sg", action="store_const", const=1, help="skip-gram")
    arch.add_argument("--cbow", dest="sg", action="store_const", const=0, help="CBOW (default)")
    g.add_argument("--size", "--vector-size", dest="vector_size", type=int, help="dimensions (100)")
    g.add_argument("--window", type=int, help="maximum context window (5)")
    g.add_argument("--negative", type=int, help="negative samples; 0 for none (5)")
    g.add_argument("--hs", action="store_const", const=1, help="hierarchical softmax")
    g.add_argument("--softmax", action="store_const", const=1,
                   help="exact softmax (small vocabularies; use with --negative 0)")
    g.add_argument("--ns-exponent", type=float, help="noise distribution exponent (0.75)")
    g.add_argument("--cbow-sum", dest="cbow_mean", action="store_const", const=0,
                   help="CBOW sums the context vectors instead of averaging them")
    g.add_argument("--sample", type=float, help="subsampling threshold (1e-3)")
    g.add_argument("--min-count", type=int, help="discard words rarer than this (5)")
    g.add_argument("--max-vocab-size", type=int, help="prune while counting above this many words")
    g.add_argument("--max-final-vocab", type=int, help="keep at most this many words")
    g.add_argument("--epochs", "--iter", dest="epochs", type=int, help="passes over the corpus (5)")
    g.add_argument("--alpha", type=float, help="initial learning rate (0.025)")
    g.add_argument("--min-alpha", type=float, help="final learning rate (0.0001)")
    g.add_argument("--threads", "--workers", dest="workers", type=int,
                   help=f"worker threads (all cores: {default_threads()})")
    g.add_argument("--seed", type=int, help="random seed (1)")
    add_text_options(p)
    d = p.add_argument_group("distributed training (python3 -m pip install '.[ray]' in the clone)")
    d.add_argument("--engine", choices=("local", "ray"), help="where to train (local)")
    d.add_argument("--address", help="Ray cluster to join: auto or ray://HOST:10001 "
                                     "(default: start a local one and stop it afterwards)")
    d.add_argument("--num-workers", type=int, help="Ray workers, each holding a shard (2)")
    d.add_argument("--syncs-per-epoch", type=int,
                   help="model merges per epoch (CBOW: 1 up to 4 workers, K/2 beyond; "
                        "skip-gram: 4K)")


def flag_of(args, param):
    """The flag that sets Word2Vec's ``param``, spelled as the user typed it (``--size``,
    ``--vector-size`` or ``-size``); our own flag's first spelling when it was not typed."""
    typed = getattr(args, "typed_flags", None) or {}
    c_dest = c_dests().get(param)
    return typed.get(param) or (c_dest and typed.get(c_dest)) or PARAM_FLAGS[param]


def name_flags(message, args):
    """``message`` with Word2Vec's parameter names replaced by the command line's flags.

    Only a name that opens the message or a clause (``vector_size must ...``, ``alpha (0.1)``,
    ``negative > 0``) or is given a value (``hs=0``) is replaced, so plain words stay as they are.

    Examples
    --------
    >>> import argparse
    >>> args = argparse.Namespace(typed_flags={"c_threads": "-threads"})
    >>> name_flags("workers must be >= 1, got 0", args)
    '-threads must be >= 1, got 0'
    >>> name_flags("softmax=1 is an objective of its own: set hs=0 and negative=0 with it", args)
    '--softmax is an objective of its own: set no --hs and --negative 0 with it'
    """
    for param in sorted(PARAM_FLAGS, key=len, reverse=True):
        flag = flag_of(args, param)

        def valued(m, flag=flag, param=param):
            if param in SWITCHES and flag.startswith("--"):
                return flag if m.group(1) != "0" else f"no {flag}"
            return f"{flag} {m.group(1)}"

        message = re.sub(rf"\b{param}=([^\s,;:)]+)", valued, message)
        message = re.sub(rf"\b{param}(?= must| \(| [<>]=?)", flag, message)
    return message


def model_kwargs(args):
    """Keyword arguments for Word2Vec from the parsed flags (C flags fill what ours leave unset)."""
    c_style = args.c_train is not None
    kw = {}
    # A flag whose dest is a config field (or a reader option) reaches the model by that name.
    for name in [f.name for f in dataclasses.fields(model_class(args).config_class)] + list(READER_OPTIONS):
        value = getattr(args, name, None)
        if value is not None:
            kw[name] = value
    if c_style:
        c_tool_kwargs(args, kw)
    if kw.get("softmax"):
        kw.setdefault("negative", 0)
    tokenizer = tokenizer_option(args)
    if tokenizer is not None:
        kw["tokenizer"] = tokenizer
    kw.setdefault("workers", default_threads())
    engine_options = {k: getattr(args, k, None) for k in ("address", "num_workers", "syncs_per_epoch")}
    engine_options = {k: v for k, v in engine_options.items() if v is not None}
    if getattr(args, "engine", None) == "ray":
        kw["engine"], kw["engine_options"] = "ray", engine_options
    elif engine_options:
        raise ValueError("--address, --num-workers and --syncs-per-epoch need --engine ray")
    kw["progress"] = not args.quiet
    return kw


def cmd_train(args):
    from ..engines.divergence import TrainingDiverged
    from ..corpus.vocab import Vocab

    if args.c_classes is not None:
        raise ValueError("-classes: word classes (k-means clustering of the vectors) are not supported")
    if args.resume:
        return resume_training(args)
    if args.connector_words is not None and not args.phrases:
        raise ValueError("--connector-words applies to --phrases N (phrases joined before training)")
    c_style = args.c_train is not None
    corpus = args.c_train if c_style else args.corpus
    if corpus is None:
        raise ValueError("no corpus: w2v train CORPUS -o MODEL (or the C tool's -train FILE -output FILE)")
    if c_style and args.corpus is not None:
        raise ValueError("give the corpus once: either -train or a positional CORPUS, not both")
    model_out, vector_files = output_plan(args)
    check_outputs([(flag_name(args, "output", "-o"), model_out, None, "model.w2v")]
                  + [(flag, path, None, "vectors.txt") for flag, path, _ in vector_files]
                  + [("-save-vocab", args.c_save_vocab)])
    if args.checkpoint_dir:
        check_output_folder(args.checkpoint_dir, "--checkpoint-dir")
    remote = "://" in corpus and getattr(args, "engine", "local") != "local"   # s3://, gs://, ...
    if not remote and not os.path.exists(corpus):
        raise FileNotFoundError(f"{corpus}: no such file or folder")

    kwargs = model_kwargs(args)
    if args.checkpoint_dir:
        kwargs.update(checkpoint_dir=args.checkpoint_dir,
                      checkpoint_every=parse_checkpoint_every(args.checkpoint_every))
    show = progress_mode(args.quiet)
    kwargs["progress"] = show != "quiet"        # the library draws a bar in a terminal, else a line an epoch
    start = time.perf_counter()
    try:     # the checks of the configuration and the vocabulary name parameters: name the flags
        model = model_class(args)(**kwargs)
        model.checkpoint_outputs = {"model": model_out and os.path.abspath(model_out),
                                    "vector_files": [[f, os.path.abspath(p), fmt] for f, p, fmt in vector_files]}
        if args.phrases and (args.c_read_vocab or model.engine != "local"):
            raise ValueError("--phrases joins phrases while counting the corpus here: not with -read-vocab "
                             "or --engine ray (join them first: w2v phrases IN -o OUT)")
        if args.c_read_vocab:
            vocab = Vocab.load_c(args.c_read_vocab)
            model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())))
        elif model.engine == "local":
            if args.phrases:
                corpus = phrased_corpus(corpus, model, args)
            model.build_vocab(corpus)          # a cluster counts the words on its workers in train()
    except ValueError as e:
        raise ValueError(name_flags(str(e), args)) from None
    if model.vocab is not None:
        check_space(model, args, model_out, vector_files)
    try:     # a blow-up names the flag to lower; nothing is saved, an existing model stays as it was
        model.train(corpus, total_examples=model.corpus_count, epochs=model.epochs)
    except TrainingDiverged as e:
        raise ValueError(name_flags(str(e), args)) from None
    if args.c_save_vocab:
        model.vocab.save_c(args.c_save_vocab)
    save_outputs(model, model_out, vector_files, time.perf_counter() - start)
    return 0


def output_plan(args):
    """(native model path or None, [(flag, path, "binary" | "text"), ...]) for ``w2v train``.

    The rule of :mod:`w2v.vectors.extensions`: ``-o`` saves the native model unless its name is a
    word2vec one (``.bin``, ``.txt``, ``.vec``), which saves the vectors in that format;
    ``--save-vectors`` is text unless named ``.bin``; ``--binary``/``--text`` decide for other
    names and contradicting a name is an error. The C tool's ``-output`` is the same with
    ``-binary 1``/``-binary 0`` as the flags (a ``.w2v`` name: the native model).
    """
    requested = "binary" if args.binary else "text" if args.text else None
    o_flag = flag_name(args, "output", "-o")
    model_out, vector_files = None, []
    if args.output is not None:
        fmt = file_format(args.output, o_flag, default="native")
        if fmt == "native":
            model_out = args.output
        else:
            vector_files.append((o_flag, args.output, file_format(args.output, o_flag, requested)))
    if args.save_vectors is not None:
        vector_files.append(("--save-vectors", args.save_vectors,
                             file_format(args.save_vectors, "--save-vectors", requested, default="text")))
    if args.c_output is not None:
        fmt = file_format(args.c_output, "-output", {1: "binary", 0: "text"}.get(args.c_binary),
                          default="text", how=C_BINARY)
        if fmt == "native":
            if model_out is not None:
                raise ValueError(f"-output {args.c_output} and {o_flag} {model_out} both save the model")
            model_out = args.c_output
        else:
            vector_files.append(("-output", args.c_output, fmt))
    if requested and not any(flag != "-output" for flag, _, _ in vector_files):
        raise ValueError(f"--{requested} applies to word2vec vectors: add --save-vectors FILE "
                         f"(or name -o FILE .bin, .txt or .vec)")
    if model_out is None and not vector_files:
        raise ValueError("nothing would be saved: give -o MODEL and/or --save-vectors FILE")
    return model_out, vector_files


def check_space(model, args, model_out, vector_files):
    """Once the vocabulary is known: fail now, not after training, if the outputs cannot fit."""
    words, dims = len(model.vocab), model.config.vector_size
    arrays = 1 + (model.syn1 is not None) + (model.syn1neg is not None)
    plan = [(flag_name(args, "output", "-o"), model_out, vectors_bytes("native", words, dims, arrays))]
    for flag, path, fmt in vector_files:
        compressed = path.endswith(extensions.COMPRESSIONS)
        plan.append((flag, path, None if compressed else vectors_bytes(fmt, words, dims)))
    check_outputs(plan)


def phrased_corpus(corpus, model, args):
    """``--phrases N``: the corpus read once, phrases joined in N passes, counted and encoded."""
    from ..phrases import load_connector_words, phrase_corpus

    if args.checkpoint_dir:
        raise ValueError("--phrases cannot be resumed from checkpoints yet; join the phrases first "
                         "(w2v phrases IN -o OUT) and train on OUT")
    start = time.perf_counter()
    result = phrase_corpus(corpus, passes=args.phrases, max_sentence_length=model.config.max_sentence_length,
                           cache_dir=model.cache_dir, reader_options=model.reader_options,
                           workers=model.workers, scoring=args.phrase_scoring or "default",
                           connector_words=load_connector_words(args.connector_words),
                           threshold=args.phrase_threshold if args.phrase_threshold is not None
                           else (100.0 if args.phrase_scoring == "word2phrase" else 10.0))
    print(f"joined phrases in {args.phrases} pass(es) in {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return result


def parse_checkpoint_every(value):
    if value in (None, "epoch"):
        return "epoch"
    try:
        return int(float(value))
    except ValueError:
        raise ValueError(f"--checkpoint-every takes a number of words or 'epoch', got {value!r}") from None


def resume_training(args):
    start = time.perf_counter()
    outputs = None
    if args.output is not None or args.save_vectors is not None:
        outputs = output_plan(args)
        model_out, vector_files = outputs
        check_outputs([(flag_name(args, "output", "-o"), model_out)]
                      + [(flag, path) for flag, path, _ in vector_files])
    show = progress_mode(args.quiet)
    model = checkpoint_class(args.resume).resume(args.resume, progress=show != "quiet")
    if outputs is None:
        outputs = saved_outputs(model.checkpoint_outputs or {})
    model_out, vector_files = outputs
    if model_out is None and not vector_files:
        raise ValueError("nothing would be saved: the checkpoint names no output; give -o MODEL")
    save_outputs(model, model_out, vector_files, time.perf_counter() - start)
    return 0


def saved_outputs(recorded):
    """The outputs a checkpoint recorded (older checkpoints: one vectors file and a binary flag)."""
    files = recorded.get("vector_files")
    if files is None:
        vectors = recorded.get("vectors")
        files = [["--save-vectors", vectors, "binary" if recorded.get("binary") else "text"]] if vectors else []
    return recorded.get("model"), [tuple(f) for f in files]


def save_outputs(model, model_out, vector_files, seconds):
    if model_out:
        model.save(model_out)
    for _, path, fmt in vector_files:
        model.wv.save_word2vec_format(path, binary=fmt == "binary")
    last = model.training_log[-1]
    words = sum(e["tokens"] for e in model.training_log)
    print(f"trained {model!r} in {seconds:.1f}s ({words / max(seconds, 1e-9):,.0f} words/s); "
          f"final loss {last['loss']:.4f}", file=sys.stderr)
    if model_out:
        print(f"saved {model_out} (w2v native model)", file=sys.stderr)
    for _, path, fmt in vector_files:
        print(f"saved {path} ({extensions.describe_format(fmt)} vectors)", file=sys.stderr)


def register(sub):
    p = sub.add_parser("train", help="train word2vec on a text file or folder",
                       description="Train word2vec. Either w2v train CORPUS -o MODEL [options], or "
                                   "the C tool's command line: w2v train -train CORPUS -output "
                                   "vectors.bin -cbow 0 -size 100 ... -binary 1.",
                       allow_abbrev=False)
    p.add_argument("corpus", nargs="?", help="text file (.gz/.bz2/.xz too) or folder, one sentence a line; "
                                        "or a Wikipedia dump (pages-articles.xml.bz2)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="save the model here: native format (.w2v), can continue training; a .bin, "
                        ".txt or .vec name saves word2vec vectors instead")
    p.add_argument("--save-vectors", metavar="FILE",
                   help="also write the vectors in word2vec format: .bin binary, .txt/.vec text "
                        "(.gz/.bz2 compressed), other names text unless --binary")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--binary", action="store_true",
                     help="word2vec binary for a vectors file whose name does not say (error for .txt/.vec)")
    fmt.add_argument("--text", action="store_true",
                     help="word2vec text for a vectors file whose name does not say (error for .bin)")
    c = p.add_argument_group("checkpoints")
    c.add_argument("--checkpoint-dir", metavar="DIR",
                   help="write the full training state here, atomically, as training goes")
    c.add_argument("--checkpoint-every", metavar="N|epoch",
                   help="checkpoint every N words (tokens) as well as after each epoch")
    c.add_argument("--resume", metavar="DIR",
                   help="continue from the last checkpoint in DIR to the end it was heading for")
    ph = p.add_argument_group("phrases (joined before training, in the same reading of the corpus)")
    ph.add_argument("--phrases", type=positive_int, metavar="N",
                    help="join frequent pairs (new_york) in N passes first, as w2v phrases does")
    ph.add_argument("--phrase-threshold", type=float, help="score to join a pair (10; word2phrase 100)")
    ph.add_argument("--phrase-scoring", choices=("default", "npmi", "word2phrase"),
                    help="gensim's default or npmi score, or the C tool's word2phrase (default)")
    ph.add_argument("--connector-words", metavar="english|FILE",
                    help="words that may sit inside a phrase but never start or end one "
                         "(english: a, an, the, of, ...; or a file of words), as w2v phrases")
    add_training_options(p)
    add_subword_options(p)
    add_c_tool_options(p)
    p.set_defaults(func=cmd_train, compile_notice=True)
