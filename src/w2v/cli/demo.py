"""``w2v demo``: train on a bundled corpus and print a few neighbours (and analogies): one body,
with the English (WordNet glosses) and Chinese (三国演义) demos as two :class:`Demo` settings."""
import dataclasses
import time
from importlib import resources

from .options import default_threads, flag_name, jieba_tokenizer
from .outputs import check_outputs, file_format
from .progress import progress_mode


@dataclasses.dataclass(frozen=True)
class Demo:
    """What one language's demo trains on and how it speaks (format strings, fields by name)."""

    corpus: str                 # in w2v/data
    intro: str
    epochs: int
    summary: str                # fields: words dims tokens seconds count_seconds train_seconds
    #                             total_rate train_rate losses
    neighbours: str             # fields: word near; near joined with `joiner`
    joiner: str
    saved: str                  # field: path
    words: tuple
    analogies: tuple = ()       # (a, b, c, expected)
    analogy: str = ""           # fields: a b c answers expected
    names: str = None           # a jieba user dictionary in w2v/data: segment with jieba

    def tokenizer(self, data):
        if self.names is None:
            return "simple"
        return jieba_tokenizer(None, {"user_dict": str(data / self.names)})


DEMOS = {
    "en": Demo(
        corpus="wordnet-glosses.txt.gz",
        intro="Training skip-gram on wordnet-glosses.txt.gz (WordNet 3.0 glosses, Princeton University; "
              "see w2v/data/LICENSE-wordnet.txt)",
        epochs=5,
        summary="{words:,} words x {dims} dims, {tokens:,} tokens in {seconds:.1f}s ({total_rate:,.0f} "
                "words/s); loss per epoch: {losses}",
        neighbours="  {word:>8}: {near}", joiner=", ",
        saved="saved {path} (try: w2v similar {path} music)",
        words=("music", "river", "doctor", "green", "king")),
    "zh": Demo(
        corpus="sanguo-yanyi.txt.gz", names="sanguo-names.txt",
        intro="用 jieba 分词（人名词典 sanguo-names.txt），在《三国演义》（罗贯中，公有领域；见 "
              "w2v/data/LICENSES-zh.md）上训练 skip-gram",
        epochs=15,
        summary="{words:,} 词 x {dims} 维；分词与计数 {count_seconds:.1f} 秒，训练 {epochs_done} 轮 "
                "{train_seconds:.1f} 秒（{train_rate:,.0f} 词/秒）",
        neighbours="  {word}：{near}", joiner="，",
        saved="已保存 {path}（试试：w2v similar {path} 曹操）",
        words=("曹操", "孔明", "刘备", "关公", "孙权"),
        analogies=(("玄德", "刘备", "孔明", "诸葛亮"), ("关公", "云长", "张飞", "翼德")),
        analogy="  {a} : {b} = {c} : ?  {answers}（期望：{expected}）"),
}


def register(sub):
    d = sub.add_parser("demo", help="train on the bundled corpus and print neighbours",
                       allow_abbrev=False)
    d.add_argument("--lang", choices=tuple(DEMOS), default="en",
                   help="en: WordNet glosses; zh: 三国演义 segmented by jieba (needs the '.[zh]' extra)")
    d.add_argument("--epochs", type=int, help="passes over the corpus (en 5, zh 15)")
    d.add_argument("-o", "--output", help="save the demo model here")
    d.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    d.set_defaults(func=cmd_demo, compile_notice=True)


def cmd_demo(args):
    from ..models.word2vec import Word2Vec

    fmt = demo_output(args)
    demo = DEMOS[args.lang]
    data = resources.files("w2v") / "data"
    path = str(data / demo.corpus)
    print(demo.intro)
    epochs = demo.epochs if args.epochs is None else args.epochs
    show = progress_mode(args.quiet)
    start = time.perf_counter()
    model = Word2Vec(tokenizer=demo.tokenizer(data), sg=1, vector_size=100, window=5, negative=5,
                     min_count=5, epochs=epochs, workers=default_threads(), seed=1,
                     progress=show != "quiet")
    model.build_vocab(path)
    counted = time.perf_counter()
    model.train(path, total_examples=model.corpus_count, epochs=model.epochs)
    done = time.perf_counter()
    log = model.training_log
    tokens = sum(e["tokens"] for e in log)
    print(demo.summary.format(
        words=len(model.wv), dims=model.wv.vector_size, tokens=tokens, seconds=done - start,
        count_seconds=counted - start, train_seconds=done - counted, epochs_done=len(log),
        total_rate=tokens / max(done - start, 1e-9), train_rate=tokens / max(done - counted, 1e-9),
        losses=", ".join(f"{e['loss']:.3f}" for e in log)))
    for word in demo.words:
        if word in model.wv:
            near = demo.joiner.join(f"{w} ({s:.2f})" for w, s in model.wv.most_similar(word, topn=6))
            print(demo.neighbours.format(word=word, near=near))
    for a, b, c, expected in demo.analogies:
        if all(w in model.wv for w in (a, b, c)):
            best = model.wv.most_similar(positive=[b, c], negative=[a], topn=3)
            answers = demo.joiner.join(f"{w} ({s:.2f})" for w, s in best)
            print(demo.analogy.format(a=a, b=b, c=c, answers=answers, expected=expected))
    if args.output:
        save_demo(model, args.output, fmt)
        print(demo.saved.format(path=args.output))
    return 0


def demo_output(args):
    """Check ``demo -o`` before training; its format by the extension rule (native unless named
    .bin, .txt or .vec)."""
    if args.output is None:
        return None
    flag = flag_name(args, "output", "-o")
    fmt = file_format(args.output, flag, default="native")
    check_outputs([(flag, args.output, None, "demo.w2v")])
    return fmt


def save_demo(model, path, fmt):
    if fmt == "native":
        model.save(path)
    else:
        model.wv.save_word2vec_format(path, binary=fmt == "binary")
