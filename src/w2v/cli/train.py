"""Commands that train: ``w2v train`` (also with the C tool's flags), ``w2v vocab``, ``w2v demo``."""
import argparse
import os
import sys
import time

DEMO_CORPUS = "wordnet-glosses.txt.gz"
DEMO_WORDS = ("music", "river", "doctor", "green", "king")
DEMO_ZH_CORPUS = "sanguo-yanyi.txt.gz"
DEMO_ZH_NAMES = "sanguo-names.txt"
DEMO_ZH_WORDS = ("曹操", "孔明", "刘备", "关公", "孙权")
DEMO_ZH_ANALOGIES = (("玄德", "刘备", "孔明", "诸葛亮"), ("关公", "云长", "张飞", "翼德"))
# --tokenizer jieba options: flag dest -> ChineseTokenizer keyword
JIEBA_OPTIONS = {"user_dict": "user_dict", "stopwords": "stopwords", "keep_punct": "keep_punct",
                 "to_simplified": "to_simplified", "segment_processes": "processes"}


def default_threads():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


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
    t = p.add_argument_group("input")
    t.add_argument("--tokenizer", help="whitespace (default), simple, or jieba")
    t.add_argument("--encoding", help="text encoding of the corpus (utf-8)")
    t.add_argument("--encoding-errors", dest="errors", choices=("strict", "replace"),
                   help="what to do with invalid bytes (strict: stop with an error)")
    t.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    z = p.add_argument_group("Chinese text (implies --tokenizer jieba; pip install 'w2v[zh]')")
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
    d = p.add_argument_group("distributed training (pip install 'w2v[ray]')")
    d.add_argument("--engine", choices=("local", "ray"), help="where to train (local)")
    d.add_argument("--address", help="Ray cluster to join: auto or ray://HOST:10001 "
                                     "(default: start a local one and stop it afterwards)")
    d.add_argument("--num-workers", type=int, help="Ray workers, each holding a shard (2)")
    d.add_argument("--syncs-per-epoch", type=int,
                   help="model merges per epoch (CBOW: 1 up to 4 workers, K/2 beyond; "
                        "skip-gram: 4K)")


def add_c_tool_options(p):
    """The original word2vec tool's single-dash flags, accepted unchanged."""
    c = p.add_argument_group("word2vec C tool flags (w2v train -train FILE -output FILE ...)")
    c.add_argument("-train", dest="c_train", metavar="FILE")
    c.add_argument("-output", dest="c_output", metavar="FILE")
    c.add_argument("-cbow", dest="c_cbow", type=int, choices=(0, 1))
    c.add_argument("-size", dest="c_size", type=int)
    c.add_argument("-window", dest="c_window", type=int)
    c.add_argument("-negative", dest="c_negative", type=int)
    c.add_argument("-hs", dest="c_hs", type=int, choices=(0, 1))
    c.add_argument("-sample", dest="c_sample", type=float)
    c.add_argument("-threads", dest="c_threads", type=int)
    c.add_argument("-iter", dest="c_iter", type=int)
    c.add_argument("-min-count", dest="c_min_count", type=int)
    c.add_argument("-alpha", dest="c_alpha", type=float)
    c.add_argument("-binary", dest="c_binary", type=int, choices=(0, 1))
    c.add_argument("-save-vocab", dest="c_save_vocab", metavar="FILE")
    c.add_argument("-read-vocab", dest="c_read_vocab", metavar="FILE")
    c.add_argument("-debug", dest="c_debug", type=int, help=argparse.SUPPRESS)


def model_kwargs(args):
    """Keyword arguments for Word2Vec from the parsed flags (C flags fill what ours leave unset)."""
    c_style = args.c_train is not None
    kw = {}
    for name in ("sg", "vector_size", "window", "negative", "hs", "softmax", "ns_exponent",
                 "cbow_mean", "sample", "min_count", "max_vocab_size", "max_final_vocab", "epochs",
                 "alpha", "min_alpha", "workers", "seed", "tokenizer", "encoding", "errors"):
        value = getattr(args, name, None)
        if value is not None:
            kw[name] = value
    if c_style:
        c = {"vector_size": args.c_size, "window": args.c_window, "negative": args.c_negative,
             "hs": args.c_hs, "sample": args.c_sample, "workers": args.c_threads,
             "epochs": args.c_iter, "min_count": args.c_min_count, "alpha": args.c_alpha,
             "sg": None if args.c_cbow is None else 1 - args.c_cbow}
        for k, v in c.items():
            if v is not None:
                kw.setdefault(k, v)
        kw.setdefault("sg", 0)  # the C tool trains CBOW unless -cbow 0
        kw.setdefault("alpha", 0.025 if kw["sg"] else 0.05)  # and its CBOW rate is 0.05
    if kw.get("softmax"):
        kw.setdefault("negative", 0)
    jieba_options = {kw_name: getattr(args, flag) for flag, kw_name in JIEBA_OPTIONS.items()
                     if getattr(args, flag, None) is not None}
    if jieba_options or kw.get("tokenizer") == "jieba":
        kw["tokenizer"] = jieba_tokenizer(kw.get("tokenizer"), jieba_options)
    kw.setdefault("workers", default_threads())
    engine_options = {k: getattr(args, k, None) for k in ("address", "num_workers", "syncs_per_epoch")}
    engine_options = {k: v for k, v in engine_options.items() if v is not None}
    if getattr(args, "engine", None) == "ray":
        kw["engine"], kw["engine_options"] = "ray", engine_options
    elif engine_options:
        raise ValueError("--address, --num-workers and --syncs-per-epoch need --engine ray")
    kw["progress"] = not args.quiet
    return kw


def jieba_tokenizer(name, options):
    """``"jieba"`` itself when no option is set (a model file can record a name), else a tokenizer."""
    from ..chinese import ChineseTokenizer, require_jieba

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


def cmd_train(args):
    from ..model import Word2Vec
    from ..vocab import Vocab

    if args.resume:
        return resume_training(args)
    c_style = args.c_train is not None
    corpus = args.c_train if c_style else args.corpus
    if corpus is None:
        raise ValueError("no corpus: w2v train CORPUS -o MODEL (or the C tool's -train FILE -output FILE)")
    if c_style and args.corpus is not None:
        raise ValueError("give the corpus once: either -train or a positional CORPUS, not both")
    output = args.c_output if c_style else args.output
    vectors_out = args.save_vectors
    binary = bool(args.c_binary) if c_style else args.binary
    if c_style:
        vectors_out, output = output, args.output  # -output holds word2vec-format vectors
    if output is None and vectors_out is None:
        raise ValueError("nothing would be saved: give -o MODEL and/or --save-vectors FILE")
    for target in (output, vectors_out, args.c_save_vocab):
        if target is not None:
            folder = os.path.dirname(os.path.abspath(target))
            if not os.path.isdir(folder):
                raise FileNotFoundError(f"{target}: the folder {folder} does not exist")
    remote = "://" in corpus and getattr(args, "engine", "local") != "local"   # s3://, gs://, ...
    if not remote and not os.path.exists(corpus):
        raise FileNotFoundError(f"{corpus}: no such file or folder")

    kwargs = model_kwargs(args)
    if args.checkpoint_dir:
        kwargs.update(checkpoint_dir=args.checkpoint_dir,
                      checkpoint_every=parse_checkpoint_every(args.checkpoint_every))
    model = Word2Vec(**kwargs)
    model.checkpoint_outputs = {"model": output and os.path.abspath(output), "binary": binary,
                                "vectors": vectors_out and os.path.abspath(vectors_out)}
    start = time.perf_counter()
    if args.c_read_vocab:
        vocab = Vocab.load_c(args.c_read_vocab)
        model.build_vocab_from_freq(dict(zip(vocab.words, vocab.counts.tolist())))
    elif model.engine == "local":
        model.build_vocab(corpus)          # a cluster counts the words on its workers in train()
    model.train(corpus)
    if args.c_save_vocab:
        model.vocab.save_c(args.c_save_vocab)
    save_outputs(model, output, vectors_out, binary, time.perf_counter() - start)
    return 0


def parse_checkpoint_every(value):
    if value in (None, "epoch"):
        return "epoch"
    try:
        return int(float(value))
    except ValueError:
        raise ValueError(f"--checkpoint-every takes a number of words or 'epoch', got {value!r}") from None


def resume_training(args):
    from ..model import Word2Vec

    start = time.perf_counter()
    model = Word2Vec.resume(args.resume, progress=not args.quiet)
    outputs = model.checkpoint_outputs or {}
    output = args.output or outputs.get("model")
    vectors_out = args.save_vectors or outputs.get("vectors")
    if output is None and vectors_out is None:
        raise ValueError("nothing would be saved: the checkpoint names no output; give -o MODEL")
    save_outputs(model, output, vectors_out, args.binary or bool(outputs.get("binary")),
                 time.perf_counter() - start)
    return 0


def save_outputs(model, output, vectors_out, binary, seconds):
    if output:
        model.save(output)
    if vectors_out:
        model.wv.save_word2vec_format(vectors_out, binary=binary)
    last = model.training_log[-1]
    words = sum(e["tokens"] for e in model.training_log)
    print(f"trained {model!r} in {seconds:.1f}s ({words / max(seconds, 1e-9):,.0f} words/s); "
          f"final loss {last['loss']:.4f}", file=sys.stderr)
    for target in (output, vectors_out):
        if target:
            print(f"saved {target}", file=sys.stderr)


def cmd_vocab(args):
    from ..corpus import as_sentences
    from ..encoded import scan
    from ..vocab import Vocab

    if not os.path.exists(args.corpus):
        raise FileNotFoundError(f"{args.corpus}: no such file or folder")
    sentences = as_sentences(args.corpus, tokenizer=args.tokenizer or "whitespace",
                             encoding=args.encoding or "utf-8", errors=args.errors or "strict")
    result = scan(sentences, max_vocab_size=args.max_vocab_size)
    try:
        vocab = Vocab.build(result.words, result.counts, min_count=args.min_count)
    finally:
        result.close()
    if args.output:
        vocab.save_c(args.output)
        print(f"{len(vocab)} words ({result.total_words} tokens) saved to {args.output}",
              file=sys.stderr)
    else:
        limit = len(vocab) if args.top is None else args.top
        for word, count in zip(vocab.words[:limit], vocab.counts[:limit].tolist()):
            print(f"{word} {count}")
    return 0


def demo_corpus_path():
    from importlib import resources
    return str(resources.files("w2v") / "data" / DEMO_CORPUS)


def cmd_demo(args):
    from ..model import Word2Vec

    if args.lang == "zh":
        return demo_zh(args)
    path = demo_corpus_path()
    print(f"Training skip-gram on {DEMO_CORPUS} (WordNet 3.0 glosses, Princeton University; "
          f"see w2v/data/LICENSE-wordnet.txt)")
    start = time.perf_counter()
    model = Word2Vec(corpus_file=path, tokenizer="simple", sg=1, vector_size=100, window=5,
                     negative=5, min_count=5, epochs=5 if args.epochs is None else args.epochs,
                     workers=default_threads(),
                     seed=1, progress=not args.quiet)
    seconds = time.perf_counter() - start
    log = model.training_log
    tokens = sum(e["tokens"] for e in log)
    print(f"{len(model.wv):,} words x {model.wv.vector_size} dims, {tokens:,} tokens in "
          f"{seconds:.1f}s ({tokens / seconds:,.0f} words/s); loss per epoch: "
          + ", ".join(f"{e['loss']:.3f}" for e in log))
    for word in DEMO_WORDS:
        if word in model.wv:
            near = ", ".join(f"{w} ({s:.2f})" for w, s in model.wv.most_similar(word, topn=6))
            print(f"  {word:>8}: {near}")
    if args.output:
        model.save(args.output)
        print(f"saved {args.output} (try: w2v similar {args.output} music)")
    return 0


def demo_zh(args):
    """``w2v demo --lang zh``: skip-gram on 三国演义, segmented by jieba with the bundled names."""
    from importlib import resources

    from ..model import Word2Vec

    data = resources.files("w2v") / "data"
    path, names = str(data / DEMO_ZH_CORPUS), str(data / DEMO_ZH_NAMES)
    print(f"用 jieba 分词（人名词典 {DEMO_ZH_NAMES}），在《三国演义》（罗贯中，公有领域；见 "
          f"w2v/data/LICENSES-zh.md）上训练 skip-gram")
    start = time.perf_counter()
    model = Word2Vec(tokenizer=jieba_tokenizer(None, {"user_dict": names}), sg=1, vector_size=100,
                     window=5, negative=5, min_count=5, epochs=15 if args.epochs is None else args.epochs,
                     workers=default_threads(), seed=1, progress=not args.quiet)
    model.build_vocab(path)
    segmented = time.perf_counter()
    model.train(path)
    done = time.perf_counter()
    log = model.training_log
    tokens = sum(e["tokens"] for e in log)
    print(f"{len(model.wv):,} 词 x {model.wv.vector_size} 维；分词与计数 {segmented - start:.1f} 秒，"
          f"训练 {len(log)} 轮 {done - segmented:.1f} 秒（{tokens / max(done - segmented, 1e-9):,.0f} 词/秒）")
    for word in DEMO_ZH_WORDS:
        if word in model.wv:
            near = "，".join(f"{w} ({s:.2f})" for w, s in model.wv.most_similar(word, topn=6))
            print(f"  {word}：{near}")
    for a, b, c, expected in DEMO_ZH_ANALOGIES:
        if all(w in model.wv for w in (a, b, c)):
            best = model.wv.most_similar(positive=[b, c], negative=[a], topn=3)
            answers = "，".join(f"{w} ({s:.2f})" for w, s in best)
            print(f"  {a} : {b} = {c} : ?  {answers}（期望：{expected}）")
    if args.output:
        model.save(args.output)
        print(f"已保存 {args.output}（试试：w2v similar {args.output} 曹操）")
    return 0


def register(sub):
    p = sub.add_parser("train", help="train word2vec on a text file or folder",
                       description="Train word2vec. Either w2v train CORPUS -o MODEL [options], or "
                                   "the C tool's command line: w2v train -train CORPUS -output "
                                   "vectors.bin -cbow 0 -size 100 ... -binary 1.",
                       allow_abbrev=False)
    p.add_argument("corpus", nargs="?", help="text file (.gz/.bz2/.xz too) or folder, one sentence a line")
    p.add_argument("-o", "--output", help="save the model here (native format, can continue training)")
    p.add_argument("--save-vectors", metavar="FILE", help="also write the vectors in word2vec format")
    p.add_argument("--binary", action="store_true", help="word2vec binary instead of text")
    c = p.add_argument_group("checkpoints")
    c.add_argument("--checkpoint-dir", metavar="DIR",
                   help="write the full training state here, atomically, as training goes")
    c.add_argument("--checkpoint-every", metavar="N|epoch",
                   help="checkpoint every N words (tokens) as well as after each epoch")
    c.add_argument("--resume", metavar="DIR",
                   help="continue from the last checkpoint in DIR to the end it was heading for")
    add_training_options(p)
    add_c_tool_options(p)
    p.set_defaults(func=cmd_train)

    v = sub.add_parser("vocab", help="count a corpus's words; print or save them (word count)",
                       allow_abbrev=False)
    v.add_argument("corpus")
    v.add_argument("-o", "--output", help="save in the C tool's vocabulary format")
    v.add_argument("--min-count", type=int, default=5)
    v.add_argument("--max-vocab-size", type=int)
    v.add_argument("--top", type=int, help="print only the N most frequent words")
    v.add_argument("--tokenizer")
    v.add_argument("--encoding")
    v.add_argument("--encoding-errors", dest="errors", choices=("strict", "replace"))
    v.set_defaults(func=cmd_vocab)

    d = sub.add_parser("demo", help="train on the bundled corpus and print neighbours",
                       allow_abbrev=False)
    d.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="en: WordNet glosses; zh: 三国演义 segmented by jieba (needs 'w2v[zh]')")
    d.add_argument("--epochs", type=int, help="passes over the corpus (en 5, zh 15)")
    d.add_argument("-o", "--output", help="save the demo model here")
    d.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    d.set_defaults(func=cmd_demo)
